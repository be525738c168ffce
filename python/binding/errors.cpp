// C++ errors -> Python exceptions carrying the same one-line message the command line prints.
#include <filesystem>
#include <ios>

#include "common/errors.h"
#include "python/binding/binding.h"
#include "tools/commands.h"

namespace py = pybind11;

namespace stcsim::python {
namespace {

// Created once with the module and kept for the life of the interpreter.
PyObject* error_type = nullptr;
PyObject* usage_error_type = nullptr;
PyObject* internal_error_type = nullptr;

PyObject* new_type(py::module_& module, const char* name, PyObject* base, const char* doc) {
    const std::string qualified = std::string("stcsim.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, base, nullptr);
    if (type == nullptr) throw py::error_already_set();
    module.add_object(name, py::handle(type));  // the module holds one reference; this file keeps its own
    return type;
}

}  // namespace

void add_errors(py::module_& module) {
    error_type = new_type(module, "Error", PyExc_ValueError,
                          "Bad input (config, trace, instruction, matrix): the message names the place and what was expected.");
    usage_error_type = new_type(module, "UsageError", error_type, "A wrong argument to an stcsim function.");
    internal_error_type = new_type(module, "InternalError", PyExc_RuntimeError,
                                   "A broken invariant of the simulator (a bug) or a deadlocked simulation.");
    py::register_exception_translator([](std::exception_ptr pending) {
        try {
            if (pending) std::rethrow_exception(pending);
        } catch (const cli::UsageError& error) {
            PyErr_SetString(usage_error_type, error.what());
        } catch (const UserError& error) {
            PyErr_SetString(error_type, error.what());
        } catch (const std::filesystem::filesystem_error& error) {  // as the CLI: bad input, not a bug
            PyErr_SetString(error_type, error.what());
        } catch (const std::ios_base::failure& error) {
            PyErr_SetString(error_type, error.what());
        } catch (const InternalError& error) {
            PyErr_SetString(internal_error_type, error.what());
        }
    });
}

}  // namespace stcsim::python
