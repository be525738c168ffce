// The compiled part of the `stcsim` Python package (module `stcsim._stcsim`): thin wrappers that
// call the C++ library in-process. Each file adds one group of functions to the module; the
// Python side (python/stcsim/) turns their JSON results into numpy arrays, dicts and DataFrames.
#pragma once

#include <pybind11/pybind11.h>

namespace stcsim::python {

// Error (ValueError) for UserError, UsageError (an Error) for bad arguments, InternalError
// (RuntimeError) for simulator bugs and deadlocks; the message is the CLI's one line.
void add_errors(pybind11::module_& module);
// mma_form(instr, arch) -> dict; mma_case(instr, arch, case_json, invalid_metadata, block) -> str.
void add_mma(pybind11::module_& module);
// run_replay(config, trace, overrides, config_is_json) and bench_mma(...): JSON text results.
void add_run(pybind11::module_& module);

}  // namespace stcsim::python
