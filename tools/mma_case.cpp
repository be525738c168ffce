#include "tools/mma_case.h"

#include <fmt/format.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "common/json_text.h"
#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/packing.h"
#include "tools/case_fields.h"
#include "isa/sparsity.h"
#include "tools/commands.h"

namespace stcsim::cli {
namespace {

using nlohmann::json;

isa::WarpFragment parse_fragment(const json& value, int regs, const std::string& where, const std::string& label) {
    if (!value.is_array() || value.size() != isa::kWarpSize) {
        fail_case(where, fmt::format("fragments.{} must list the registers of all 32 lanes", label));
    }
    isa::WarpFragment fragment(regs);
    for (int lane = 0; lane < isa::kWarpSize; ++lane) {
        const json& lane_regs = value[static_cast<std::size_t>(lane)];
        if (!lane_regs.is_array() || static_cast<int>(lane_regs.size()) != regs) {
            fail_case(where, fmt::format("fragments.{}[{}]: expected {} registers", label, lane, regs));
        }
        for (int reg = 0; reg < regs; ++reg) {
            fragment.at(lane, reg) = parse_word(lane_regs[static_cast<std::size_t>(reg)],
                                                fmt::format("{}: fragments.{}[{}][{}]", where, label, lane, reg));
        }
    }
    return fragment;
}

int parse_selector(const isa::MmaForm& form, const json& object, const std::string& where) {
    if (!object.contains("selector")) return 0;
    if (!form.is_sparse()) fail_case(where, "'selector' applies only to mma.sp");
    const json& value = object.at("selector");
    if (!value.is_number_integer()) fail_case(where, "selector must be an integer");
    const bool huge = value.is_number_unsigned() && value.get<std::uint64_t>() > static_cast<std::uint64_t>(INT64_MAX);
    const auto selector = huge ? std::int64_t{-1} : value.get<std::int64_t>();
    if (huge || selector < 0 || selector >= form.selector_count) {
        fail_case(where, fmt::format("selector {} is illegal for {}: legal values are 0..{}", value.dump(),
                                     isa::shape_name(form.shape), form.selector_count - 1));
    }
    return static_cast<int>(selector);
}

isa::MmaOperands parse_logical(const isa::MmaForm& form, const json& object, int selector, const std::string& where) {
    using isa::Operand;
    isa::MmaOperands ops;
    ops.selector = selector;
    const isa::Matrix a = parse_matrix(required(object, "a", where, ""), form.a, form.shape.m, form.shape.k, where, "a");
    const isa::Matrix b = parse_matrix(required(object, "b", where, ""), form.b, form.shape.k, form.shape.n, where, "b");
    const isa::Matrix c = parse_matrix(required(object, "c", where, ""), form.c, form.shape.m, form.shape.n, where, "c");
    if (form.is_sparse()) {
        check_sparse_pattern(a, where);
        isa::PackedSparseA packed = isa::pack_sparse_a(form, a, selector);
        ops.a = std::move(packed.values);
        ops.metadata = packed.metadata;
    } else {
        ops.a = isa::to_fragment(form, Operand::A, a);
    }
    ops.b = isa::to_fragment(form, Operand::B, b);
    ops.c = isa::to_fragment(form, Operand::C, c);
    return ops;
}

isa::MmaOperands parse_raw(const isa::MmaForm& form, const json& fragments, int selector, const std::string& where) {
    if (!fragments.is_object()) fail_case(where, "fragments must be an object with keys a, b, c (and e for mma.sp)");
    const std::string context = " in fragments";
    if (form.is_sparse()) check_keys(fragments, {"a", "b", "c", "e"}, where, context);
    else check_keys(fragments, {"a", "b", "c"}, where, context);
    isa::MmaOperands ops;
    ops.selector = selector;
    ops.a = parse_fragment(required(fragments, "a", where, context), form.a_regs, where, "a");
    ops.b = parse_fragment(required(fragments, "b", where, context), form.b_regs, where, "b");
    ops.c = parse_fragment(required(fragments, "c", where, context), form.c_regs, where, "c");
    if (form.is_sparse()) {
        const json& e = required(fragments, "e", where, context);
        if (!e.is_array() || e.size() != isa::kWarpSize) fail_case(where, "fragments.e must list 32 metadata registers");
        for (int lane = 0; lane < isa::kWarpSize; ++lane) {
            ops.metadata[static_cast<std::size_t>(lane)] =
                parse_word(e[static_cast<std::size_t>(lane)], fmt::format("{}: fragments.e[{}]", where, lane));
        }
    }
    return ops;
}

}  // namespace

isa::MmaOperands parse_mma_case(const isa::MmaForm& form, const json& object, const std::string& where) {
    if (!object.is_object()) fail_case(where, "expected a JSON object {\"a\":..,\"b\":..,\"c\":..}");
    const int selector = parse_selector(form, object, where);
    if (object.contains("fragments")) {
        check_keys(object, {"fragments", "selector"}, where, "");
        return parse_raw(form, object.at("fragments"), selector, where);
    }
    check_keys(object, {"a", "b", "c", "selector", "fragments"}, where, "");
    return parse_logical(form, object, selector, where);
}

json d_to_json(const isa::MmaForm& form, const isa::WarpFragment& d) {
    return d_matrix_json(isa::from_fragment(form, isa::Operand::D, d));
}

json parse_case_line(const std::string& line, const std::string& where) {
    return parse_json_text<json>(line, where);
}

json run_mma_case(const isa::MmaForm& form, isa::Arch arch, const isa::ExecuteOptions& options, const json& object,
                  const std::string& where) {
    const isa::MmaOperands operands = parse_mma_case(form, object, where);
    isa::WarpFragment d;
    try {
        d = isa::execute(form, arch, operands, options);
    } catch (const UserError& error) {
        throw UserError(fmt::format("{}: {}", where, error.what()));
    }
    return d_to_json(form, d);
}

}  // namespace stcsim::cli

namespace stcsim::cli {

isa::Arch parse_arch_option(const std::string& text) {
    const auto arch = isa::parse_arch(text);
    if (!arch) throw UsageError(fmt::format("unknown --arch '{}'; expected sm_80, sm_86, sm_89, sm_90 or sm_90a", text));
    return *arch;
}

isa::ExecuteOptions execute_options(const std::string& invalid_metadata, int sparse_block_products) {
    isa::ExecuteOptions options;
    if (invalid_metadata == "mux") options.invalid_metadata = isa::InvalidMetadataMode::mux;
    else if (invalid_metadata != "reject")
        throw UsageError(fmt::format("--invalid-metadata must be reject or mux, not '{}'", invalid_metadata));
    if (sparse_block_products < 0) throw UsageError("--sparse-block-products must be positive (0 for the default)");
    options.sparse_products_per_block = sparse_block_products;
    return options;
}

}  // namespace stcsim::cli
