// Field tables of the `memory` key of a GPU config (sim/config/memory_spec.h), and the checks
// that span several keys (cache geometry that divides evenly, a carveout that fits).
#pragma once

#include <string>

#include "sim/config/memory_spec.h"
#include "sim/config/schema.h"

namespace stcsim::sim::config {

const Schema<MemorySpec>& memory_schema();

// Throws UserError "LABEL: memory.key: ..." when keys contradict each other.
void validate_memory(const MemorySpec& spec, const std::string& label);

// Derived geometry.
std::int64_t l1_bytes(const MemorySpec& spec);

}  // namespace stcsim::sim::config
