#include "tools/wgmma_case.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "isa/wgmma_execute.h"
#include "tools/case_fields.h"

namespace stcsim::cli {
namespace {

using nlohmann::json;

// Shared memory is addressed with 18 bits in a descriptor (256 KiB; H100 has up to 228 KiB).
constexpr std::uint64_t kSharedMemoryLimit = 1u << 18;

int parse_choice(const json& object, const char* key, std::initializer_list<int> legal, int fallback,
                 const std::string& where) {
    if (!object.contains(key)) return fallback;
    const json& value = object.at(key);
    const int parsed = value.is_boolean() ? (value.get<bool>() ? 1 : 0)
                       : value.is_number_integer() && !value.is_number_unsigned() ? value.get<int>()
                       : value.is_number_unsigned() && value.get<std::uint64_t>() <= 1 ? value.get<int>()
                                                                                      : -99;
    for (int option : legal)
        if (parsed == option) return parsed;
    std::string list;
    for (int option : legal) list += (list.empty() ? "" : " or ") + std::to_string(option);
    fail_case(where, fmt::format("{} must be {}, not {}", key, list, value.dump()));
}

isa::WgmmaImmediates parse_immediates(const json& object, const std::string& where) {
    isa::WgmmaImmediates imm;
    imm.scale_d = parse_choice(object, "scale_d", {0, 1}, 1, where) == 1;
    imm.negate_a = parse_choice(object, "scale_a", {1, -1}, 1, where) == -1;
    imm.negate_b = parse_choice(object, "scale_b", {1, -1}, 1, where) == -1;
    imm.trans_a = parse_choice(object, "trans_a", {0, 1}, 0, where) == 1;
    imm.trans_b = parse_choice(object, "trans_b", {0, 1}, 0, where) == 1;
    return imm;
}

int parse_selector(const isa::WgmmaForm& form, const json& object, const std::string& where) {
    if (!object.contains("selector")) return 0;
    if (!form.sparse) fail_case(where, "'selector' applies only to wgmma.mma_async.sp");
    const json& value = object.at("selector");
    const bool small = value.is_number_integer() && !(value.is_number_unsigned() && value.get<std::uint64_t>() > 3);
    const auto selector = small ? value.get<std::int64_t>() : -1;
    if (selector < 0 || selector >= form.selector_count)
        fail_case(where, fmt::format("selector {} is illegal for {}: legal values are 0..{}", value.dump(), form.ptx,
                                     form.selector_count - 1));
    return static_cast<int>(selector);
}

isa::WarpgroupFragment parse_registers(const json& value, int regs, const std::string& where, const std::string& label) {
    if (!value.is_array() || value.size() != isa::kWarpgroupSize)
        fail_case(where, fmt::format("fragments.{} must list the registers of all 128 lanes", label));
    isa::WarpgroupFragment fragment(regs);
    for (int lane = 0; lane < isa::kWarpgroupSize; ++lane) {
        const json& lane_regs = value[static_cast<std::size_t>(lane)];
        if (!lane_regs.is_array() || static_cast<int>(lane_regs.size()) != regs)
            fail_case(where, fmt::format("fragments.{}[{}]: expected {} registers", label, lane, regs));
        for (int reg = 0; reg < regs; ++reg)
            fragment.at(lane, reg) = parse_word(lane_regs[static_cast<std::size_t>(reg)],
                                                fmt::format("{}: fragments.{}[{}][{}]", where, label, lane, reg));
    }
    return fragment;
}

std::uint64_t parse_descriptor(const json& value, const std::string& where) {
    if (!value.is_string()) fail_case(where, fmt::format("expected a 64-bit descriptor as \"0x...\", got {}", value.dump()));
    return parse_hex_bits(value.get<std::string>(), 16, where);
}

isa::SharedMemoryImage parse_smem(const json& object, const std::string& where) {
    const std::string context = " in smem";
    if (!object.is_object()) fail_case(where, "smem must be an object {\"base\": \"0x..\", \"bytes\": \"<hex>\"}");
    check_keys(object, {"base", "bytes"}, where, context);
    isa::SharedMemoryImage smem;
    const json& base = required(object, "base", where, context);
    std::uint64_t address = 0;
    if (base.is_string()) address = parse_hex_bits(base.get<std::string>(), 8, where + ": smem.base");
    else if (base.is_number_unsigned()) address = base.get<std::uint64_t>();
    else fail_case(where, fmt::format("smem.base must be an address as \"0x...\" or a non-negative integer, got {}", base.dump()));
    const json& bytes = required(object, "bytes", where, context);
    if (!bytes.is_string()) fail_case(where, "smem.bytes must be a string of hex digits, two per byte");
    const std::string text = bytes.get<std::string>();
    if (text.size() % 2 != 0 || text.find_first_not_of("0123456789abcdefABCDEF") != std::string::npos)
        fail_case(where, "smem.bytes must be a string of hex digits, two per byte");
    if (address + text.size() / 2 > kSharedMemoryLimit)
        fail_case(where, fmt::format("smem 0x{:x} + {} bytes reaches past the 256 KiB that descriptors address", address,
                                     text.size() / 2));
    smem.base = static_cast<std::uint32_t>(address);
    smem.bytes.resize(text.size() / 2);
    for (std::size_t i = 0; i < smem.bytes.size(); ++i)
        smem.bytes[i] = static_cast<std::uint8_t>(std::stoul(text.substr(2 * i, 2), nullptr, 16));
    return smem;
}

// The raw form: the form's A source follows from "a" (registers) or "a_desc" (shared memory).
isa::WgmmaOperands parse_raw(isa::WgmmaForm& form, const json& object, const std::string& where) {
    const json& fragments = object.at("fragments");
    const std::string context = " in fragments";
    if (!fragments.is_object()) fail_case(where, "fragments must be an object with keys a or a_desc, b_desc, c (and e for .sp)");
    if (form.sparse) check_keys(fragments, {"a", "a_desc", "b_desc", "c", "e"}, where, context);
    else check_keys(fragments, {"a", "a_desc", "b_desc", "c"}, where, context);
    if (fragments.contains("a") == fragments.contains("a_desc"))
        fail_case(where, "fragments needs exactly one of 'a' (A in registers) and 'a_desc' (A in shared memory)");
    form = isa::parse_wgmma(form.ptx, isa::Arch::sm_90a,
                            fragments.contains("a") ? isa::WgmmaSource::registers : isa::WgmmaSource::shared);
    isa::WgmmaOperands ops;
    if (fragments.contains("a")) ops.a = parse_registers(fragments.at("a"), form.a_regs, where, "a");
    else ops.a_descriptor = parse_descriptor(fragments.at("a_desc"), where + ": fragments.a_desc");
    ops.b_descriptor = parse_descriptor(required(fragments, "b_desc", where, context), where + ": fragments.b_desc");
    ops.d = parse_registers(required(fragments, "c", where, context), form.d_regs, where, "c");
    if (form.sparse) {
        const json& e = required(fragments, "e", where, context);
        if (!e.is_array() || e.size() != isa::kWarpgroupSize) fail_case(where, "fragments.e must list 128 sp-meta registers");
        for (int lane = 0; lane < isa::kWarpgroupSize; ++lane)
            ops.metadata[static_cast<std::size_t>(lane)] =
                parse_word(e[static_cast<std::size_t>(lane)], fmt::format("{}: fragments.e[{}]", where, lane));
    }
    ops.smem = parse_smem(required(object, "smem", where, ""), where);
    return ops;
}

isa::WgmmaMatrices parse_logical(const isa::WgmmaForm& form, const json& object, int selector, const std::string& where) {
    isa::WgmmaMatrices in;
    const isa::Matrix a = parse_matrix(required(object, "a", where, ""), form.a, isa::kWgmmaM, form.shape.k, where, "a");
    in.b = parse_matrix(required(object, "b", where, ""), form.b, form.shape.k, form.shape.n, where, "b");
    in.c = parse_matrix(required(object, "c", where, ""), form.d, isa::kWgmmaM, form.shape.n, where, "c");
    if (form.sparse) {
        check_sparse_pattern(a, where);
        isa::PackedWgmmaA packed = isa::pack_wgmma_sparse_a(form, a, selector);
        in.a = std::move(packed.values);
        in.metadata = packed.metadata;
    } else {
        in.a = a;
    }
    return in;
}


}  // namespace

json run_wgmma_case(const isa::WgmmaForm& parsed_form, isa::Arch arch, const isa::ExecuteOptions& options,
                    const json& object, const std::string& where) {
    if (!object.is_object()) fail_case(where, "expected a JSON object {\"a\":..,\"b\":..,\"c\":..}");
    isa::WgmmaForm form = parsed_form;
    const int selector = parse_selector(form, object, where);
    const isa::WgmmaImmediates imm = parse_immediates(object, where);
    try {
        isa::WgmmaMatrices in;
        if (object.contains("fragments")) {
            check_keys(object, {"fragments", "smem", "selector", "scale_d", "scale_a", "scale_b", "trans_a", "trans_b"},
                       where, "");
            isa::WgmmaOperands ops = parse_raw(form, object, where);
            ops.selector = selector;
            ops.imm = imm;
            in = isa::gather_wgmma(form, ops);
        } else {
            // The logical form has no layout to transpose: trans_a/trans_b belong to the raw form.
            check_keys(object, {"a", "b", "c", "selector", "scale_d", "scale_a", "scale_b", "fragments"}, where, "");
            in = parse_logical(form, object, selector, where);
            in.selector = selector;
            in.imm = imm;
        }
        return d_matrix_json(isa::compute_wgmma(form, arch, in, options));
    } catch (const UserError& error) {
        const std::string what = error.what();
        if (what.starts_with(where)) throw;
        throw UserError(fmt::format("{}: {}", where, what));
    }
}

}  // namespace stcsim::cli
