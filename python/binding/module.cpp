// Entry point of the compiled module `stcsim._stcsim`.
#include "python/binding/binding.h"

PYBIND11_MODULE(_stcsim, module) {
    module.doc() = "stcsim's C++ library: mma execution, trace replay and microbenchmarks (use the stcsim package)";
    stcsim::python::add_errors(module);
    stcsim::python::add_mma(module);
    stcsim::python::add_run(module);
    stcsim::python::add_bench(module);
}
