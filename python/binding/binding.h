// The compiled part of the `stcsim` Python package (module `stcsim._stcsim`): thin wrappers that
// call the C++ library in-process. Each file adds one group of functions to the module; the
// Python side (python/stcsim/) turns their JSON results into numpy arrays, dicts and DataFrames.
#pragma once

#include <string>
#include <vector>

#include <pybind11/pybind11.h>

#include "sim/config/gpu_schema.h"

namespace stcsim::python {

// Error (ValueError) for UserError, UsageError (an Error) for bad arguments, InternalError
// (RuntimeError) for simulator bugs and deadlocks; the message is the CLI's one line.
void add_errors(pybind11::module_& module);
// mma_form(instr, arch) -> dict; mma_case(instr, arch, case_json, invalid_metadata, block) -> str.
void add_mma(pybind11::module_& module);
// run_replay(config, trace, overrides, config_is_json): JSON text of stats, described stats, config.
void add_run(pybind11::module_& module);
// bench_mma, bench_latency, bench_bandwidth: JSON text of results (with units), stats and config.
void add_bench(pybind11::module_& module);

// `config` is a file path, or (config_is_json) the config itself as JSON text named "<config>";
// `overrides` are -p assignments. UserError as `stcsim run --config` gives.
sim::config::LoadedConfig load_config(const std::string& config, const std::vector<std::string>& overrides,
                                      bool config_is_json);

}  // namespace stcsim::python
