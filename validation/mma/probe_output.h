// JSON lines of the functional probes, in the forms `stcsim mma` reads and writes:
//   case:   {"fragments": {"a": [[lane 0 regs], ..], "b": .., "c": .., "e": [32 words]}, "selector": f}
//           ("e" and "selector" only for mma.sp forms; registers as "0x%08x")
//   result: {"d": [["0x..", ..], ..]}  D row-major M x N, 8 hex digits for f32/s32, 4 for f16
// Host code only; no CUDA.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "validation/common/mma_forms.h"
#include "validation/mma/probe_cases.h"

namespace stcsim::validation {

std::string case_json(const FormInfo& form, const ProbeCase& pc);
// d: 32 lanes x D regs, lane-major, as the GPU wrote them.
std::string d_json(const FormInfo& form, const std::uint32_t* d);

}  // namespace stcsim::validation
