// A config that changes another: `"base": "h100-sxm"` at the top of a config file takes every key
// of that config and lays this file's keys over it, so that a GPU variant states only what
// differs (a clock, the SM count, a memory level).
//
// Contract: `base` is a shipped config's name (named_configs.h) or a path, relative to the folder
// of the file that names it. The merge is a JSON merge patch (RFC 7386): objects merge key by
// key, anything else (a number, a string, a list such as sm.pipelines) replaces the base's value
// whole, and null removes the key. A base may have a base of its own. UserError, naming the file
// and the key, for a base that is not a non-empty string, cannot be found or read, or leads back
// to a config already on the chain.
#pragma once

#include <string>

#include "sim/config/schema.h"

namespace stcsim::sim::config {

// The text of the config file at `path`, parsed; UserError naming the file when it cannot be read
// or is not JSON.
Json read_config_json(const std::string& path);

// `raw` (read from `label`, normally its path) with its base chain applied; `raw` itself when it
// names no base.
Json apply_base(const Json& raw, const std::string& label);

}  // namespace stcsim::sim::config
