// Loading a GPU config: JSON file -> GpuSpec, with `-p key.path=value` overrides applied first,
// every key validated against the field tables before any simulation starts, and the fully
// resolved config (defaults filled in) available for writing beside results.
#pragma once

#include <string>
#include <vector>

#include "sim/config/gpu_spec.h"
#include "sim/config/schema.h"

namespace stcsim::sim::config {

const Schema<GpuSpec>& gpu_schema();

struct LoadedConfig {
    GpuSpec spec;
    Json resolved;  // every key, defaults included
};

// `label` names the source in error messages (normally the file path).
LoadedConfig load_config_json(const Json& raw, const std::string& label,
                              const std::vector<std::string>& overrides = {});
// `name_or_path`: a file, or the name of a shipped config (named_configs.h: "a100").
LoadedConfig load_config_file(const std::string& name_or_path, const std::vector<std::string>& overrides = {});

}  // namespace stcsim::sim::config
