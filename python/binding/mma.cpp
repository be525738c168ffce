// One warp-level mma / mma.sp, executed by the same code as `stcsim mma` (tools/mma_case.h): the
// Python side passes one case in the command's JSON input form and gets its {"d": ...} line back.
#include <string>

#include <nlohmann/json.hpp>

#include "isa/catalog.h"
#include "isa/types.h"
#include "python/binding/binding.h"
#include "tools/mma_case.h"

namespace py = pybind11;

namespace stcsim::python {
namespace {

// What the Python side needs to shape and encode the matrices of `instr` on `arch`.
py::dict mma_form(const std::string& instr, const std::string& arch_name) {
    const isa::Arch arch = cli::parse_arch_option(arch_name);
    const isa::MmaForm form = isa::parse_mma(instr, arch);
    py::dict info;
    info["ptx"] = form.ptx;
    info["m"] = form.shape.m;
    info["n"] = form.shape.n;
    info["k"] = form.shape.k;
    info["sparse"] = form.is_sparse();
    info["selector_count"] = form.selector_count;
    for (const auto& [key, type] : {std::pair{"a", form.a}, {"b", form.b}, {"c", form.c}, {"d", form.d}}) {
        info[(std::string(key) + "_type").c_str()] = std::string(isa::name(type));
        info[(std::string(key) + "_hex_digits").c_str()] = isa::hex_digits(type);
    }
    return info;
}

std::string mma_case(const std::string& instr, const std::string& arch_name, const std::string& case_json,
                     const std::string& invalid_metadata, int sparse_block_products, const std::string& where) {
    const isa::Arch arch = cli::parse_arch_option(arch_name);
    const isa::ExecuteOptions options = cli::execute_options(invalid_metadata, sparse_block_products);
    const isa::MmaForm form = isa::parse_mma(instr, arch);
    const nlohmann::json object = cli::parse_case_line(case_json, where);
    return cli::run_mma_case(form, arch, options, object, where).dump();
}

}  // namespace

void add_mma(py::module_& module) {
    module.def("mma_form", &mma_form, py::arg("instr"), py::arg("arch"),
               "shape, element types and hex digits of a PTX mma / mma.sp form on an architecture");
    module.def("mma_case", &mma_case, py::arg("instr"), py::arg("arch"), py::arg("case_json"),
               py::arg("invalid_metadata") = "reject", py::arg("sparse_block_products") = 0,
               py::arg("where") = "mma",
               "executes one case given as `stcsim mma` input JSON; returns its {\"d\": ...} output JSON");
}

}  // namespace stcsim::python
