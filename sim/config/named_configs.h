// Named configs: `--config a100` means the shipped configs/a100.json, from any directory.
//
// A config argument that names an existing file, or holds a '/' or ends in ".json", is a path and
// is used as given. Anything else is a name, looked up as NAME.json in, in order: the folder in
// the environment variable STCSIM_CONFIG_DIR (when set), the installed configs beside the binary
// (<prefix>/bin/stcsim -> <prefix>/share/stcsim/configs, what `cmake --install` lays out), and the
// source tree's configs/ folder this binary was built from.
#pragma once

#include <string>
#include <vector>

namespace stcsim::sim::config {

// The folders searched for named configs, in order; only those that exist.
std::vector<std::string> config_dirs();

// The file a --config argument stands for. UserError when a name matches no shipped config: the
// message names the folders searched and the names available.
std::string resolve_config_path(const std::string& name_or_path);

struct NamedConfig {
    std::string name;  // file name without .json
    std::string path;
};

// Every shipped config (the first folder holding a name wins), sorted by name.
std::vector<NamedConfig> named_configs();

}  // namespace stcsim::sim::config
