#include "isa/catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <optional>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

// Operand families: the A/B types a rule accepts (integer and fp8 forms may mix A and B types).
enum class Family { f16, bf16, tf32, int8, int4, fp8 };

struct ShapeRule {
    Shape shape;
    int selector_count;  // sparse only
};

// One row of the PTX tables (ISA §9.7.14.5 dense mma, §9.7.14.6 mma.sp; mma-sp-isa.md §1.2).
struct Rule {
    bool sparse;
    Family family;
    std::vector<ShapeRule> shapes;
    std::vector<ElemType> d_types;
    bool c_equals_d;  // otherwise C may be any of d_types independently
    Arch min_arch;
    int min_ptx_isa;
};

const std::vector<Rule>& rules() {
    using E = ElemType;
    static const std::vector<Rule> all = {
        // PTX lists .ctype and .dtype separately, but ptxas (CUDA 13) rejects every mixed pair.
        {false, Family::f16, {{{16, 8, 8}, 0}, {{16, 8, 16}, 0}}, {E::f16, E::f32}, true, Arch::sm_80, 70},
        {false, Family::bf16, {{{16, 8, 8}, 0}, {{16, 8, 16}, 0}}, {E::f32}, true, Arch::sm_80, 70},
        {false, Family::tf32, {{{16, 8, 4}, 0}, {{16, 8, 8}, 0}}, {E::f32}, true, Arch::sm_80, 70},
        {false, Family::int8, {{{8, 8, 16}, 0}, {{16, 8, 16}, 0}, {{16, 8, 32}, 0}}, {E::s32}, true, Arch::sm_80, 70},
        {false, Family::int4, {{{8, 8, 32}, 0}, {{16, 8, 32}, 0}, {{16, 8, 64}, 0}}, {E::s32}, true, Arch::sm_80, 70},
        // m16n8k32 with f32 is PTX ISA 8.4; m16n8k16 and the f16 accumulator came with PTX ISA 8.7.
        {false, Family::fp8, {{{16, 8, 16}, 0}, {{16, 8, 32}, 0}}, {E::f16, E::f32}, true, Arch::sm_89, 84},
        {true, Family::f16, {{{16, 8, 16}, 4}, {{16, 8, 32}, 2}}, {E::f16, E::f32}, true, Arch::sm_80, 71},
        {true, Family::bf16, {{{16, 8, 16}, 4}, {{16, 8, 32}, 2}}, {E::f32}, true, Arch::sm_80, 71},
        {true, Family::tf32, {{{16, 8, 8}, 4}, {{16, 8, 16}, 2}}, {E::f32}, true, Arch::sm_80, 71},
        {true, Family::int8, {{{16, 8, 32}, 2}, {{16, 8, 64}, 1}}, {E::s32}, true, Arch::sm_80, 71},
        {true, Family::int4, {{{16, 8, 64}, 2}, {{16, 8, 128}, 1}}, {E::s32}, true, Arch::sm_80, 71},
        {true, Family::fp8, {{{16, 8, 64}, 1}}, {E::f32}, true, Arch::sm_89, 84},
    };
    return all;
}

std::vector<ElemType> family_types(Family family) {
    switch (family) {
        case Family::f16: return {ElemType::f16};
        case Family::bf16: return {ElemType::bf16};
        case Family::tf32: return {ElemType::tf32};
        case Family::int8: return {ElemType::s8, ElemType::u8};
        case Family::int4: return {ElemType::s4, ElemType::u4};
        case Family::fp8: return {ElemType::e4m3, ElemType::e5m2};
    }
    return {};
}

std::optional<Family> family_of(ElemType type) {
    for (Family f : {Family::f16, Family::bf16, Family::tf32, Family::int8, Family::int4, Family::fp8}) {
        const auto types = family_types(f);
        if (std::find(types.begin(), types.end(), type) != types.end()) return f;
    }
    return std::nullopt;
}

int registers(int rows, int cols, ElemType type) {
    return rows * cols * container_bits(type) / (32 * 32);
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

std::string sass_shape(const Shape& s) { return fmt::format("{}{}{}", s.m, s.n, s.k); }

// SASS opcode names as cuobjdump prints them (mma-sp-isa.md §4; dense names follow the same scheme).
std::string sass_name(const MmaForm& form, Arch arch) {
    const std::string sp = form.is_sparse() ? ".SP" : "";
    const Family family = *family_of(form.a);
    if (family == Family::int4 && is_hopper(arch)) {
        // Hopper has no int4 tensor path: the compiler emulates it with 8-bit ops (isa/lowering.h).
        return form.is_sparse() ? "IMMA.SP.16864.S8.S8 (x2, emulated int4)" : "IMMA.16832.S8.S8 (emulated int4)";
    }
    if (family == Family::fp8 && is_hopper(arch)) {
        // mma.sync on fp8 is emulated too: F2FP unpacks to f16, two HMMAs (.1688, .16816 or
        // .SP.16832; .F32 or .F16), then FADD / HADD2 adds C (isa/execute_fp8_sm90.h). The name
        // below labels the family; it is not the opcode of every form.
        return "HMMA.16816.F32 (x2, emulated fp8)";
    }
    switch (family) {
        case Family::f16:
            return fmt::format("HMMA{}.{}.{}", sp, sass_shape(form.shape), upper(name(form.d)));
        case Family::bf16: return fmt::format("HMMA{}.{}.F32.BF16", sp, sass_shape(form.shape));
        case Family::tf32: return fmt::format("HMMA{}.{}.F32.TF32", sp, sass_shape(form.shape));
        case Family::fp8:
            return fmt::format("QMMA{}.{}.{}.{}.{}", sp, sass_shape(form.shape), upper(name(form.d)),
                               upper(name(form.a)), upper(name(form.b)));
        case Family::int8:
        case Family::int4:
            return fmt::format("IMMA{}.{}.{}.{}{}", sp, sass_shape(form.shape), upper(name(form.a)),
                               upper(name(form.b)), form.satfinite ? ".SAT" : "");
    }
    return "?";
}

std::string canonical_ptx(const MmaForm& f) {
    const char* sparse = f.sparse == SparseKind::dense ? ""
                         : f.sparse == SparseKind::sp  ? ".sp"
                                                       : ".sp::ordered_metadata";
    return fmt::format("mma{}.sync.aligned.{}.row.col{}.{}.{}.{}.{}", sparse, shape_name(f.shape),
                       f.satfinite ? ".satfinite" : "", name(f.d), name(f.a), name(f.b), name(f.c));
}

MmaForm make_form(const Rule& rule, const ShapeRule& shape, SparseKind sparse, ElemType a, ElemType b,
                  ElemType c, ElemType d, bool satfinite, Arch arch) {
    MmaForm form;
    form.shape = shape.shape;
    form.sparse = sparse;
    form.a = a; form.b = b; form.c = c; form.d = d;
    form.satfinite = satfinite;
    form.a_regs = registers(shape.shape.m, rule.sparse ? shape.shape.k / 2 : shape.shape.k, a);
    form.b_regs = registers(shape.shape.k, shape.shape.n, b);
    form.c_regs = registers(shape.shape.m, shape.shape.n, c);
    form.d_regs = registers(shape.shape.m, shape.shape.n, d);
    form.selector_count = rule.sparse ? shape.selector_count : 0;
    form.min_arch = rule.min_arch;
    form.min_ptx_isa = sparse == SparseKind::sp_ordered ? 85 : rule.min_ptx_isa;
    form.ptx = canonical_ptx(form);
    form.sass = sass_name(form, arch);
    const Family family = *family_of(a);
    form.emulated = is_hopper(arch) && (family == Family::int4 || family == Family::fp8);
    return form;
}

struct ParsedName {
    SparseKind sparse = SparseKind::dense;
    Shape shape;
    bool satfinite = false;
    std::vector<ElemType> types;  // d, a, b, c
};

std::optional<Shape> parse_shape(std::string_view token) {
    Shape s;
    if (std::sscanf(std::string(token).c_str(), "m%dn%dk%d", &s.m, &s.n, &s.k) != 3) return std::nullopt;
    if (shape_name(s) != token) return std::nullopt;
    return s;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find(sep, start);
        parts.push_back(text.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

ParsedName parse_name(std::string_view ptx) {
    const auto fail = [&](const std::string& why) {
        return UserError(fmt::format("instruction '{}': {}", ptx, why));
    };
    auto tokens = split(ptx, '.');
    std::size_t i = 0;
    if (tokens.empty() || tokens[i++] != "mma") throw fail("expected an instruction starting with 'mma'");
    ParsedName parsed;
    if (i < tokens.size() && tokens[i] == "sp") parsed.sparse = SparseKind::sp, ++i;
    else if (i < tokens.size() && tokens[i] == "sp::ordered_metadata") parsed.sparse = SparseKind::sp_ordered, ++i;
    for (std::string_view expected : {"sync", "aligned"}) {
        if (i >= tokens.size() || tokens[i] != expected) throw fail(fmt::format("expected '.{}' at token {}", expected, i + 1));
        ++i;
    }
    if (i >= tokens.size()) throw fail("missing shape (e.g. .m16n8k16)");
    const auto shape = parse_shape(tokens[i]);
    if (!shape) throw fail(fmt::format("'{}' is not a shape of the form mMnNkK", tokens[i]));
    parsed.shape = *shape;
    ++i;
    for (std::string_view expected : {"row", "col"}) {
        if (i >= tokens.size() || tokens[i] != expected)
            throw fail("only the '.row.col' layout exists for these shapes");
        ++i;
    }
    for (; i < tokens.size(); ++i) {
        if (tokens[i] == "satfinite") { parsed.satfinite = true; continue; }
        const auto type = parse_elem_type(tokens[i]);
        if (!type) throw fail(fmt::format("unknown type or qualifier '.{}'", tokens[i]));
        parsed.types.push_back(*type);
    }
    if (parsed.types.size() != 4) throw fail(fmt::format("expected four types .dtype.atype.btype.ctype, got {}", parsed.types.size()));
    return parsed;
}

std::string list_shapes(const Rule& rule) {
    std::string out;
    for (const auto& s : rule.shapes) out += (out.empty() ? "" : ", ") + shape_name(s.shape);
    return out;
}

}  // namespace

std::string shape_name(const Shape& s) { return fmt::format("m{}n{}k{}", s.m, s.n, s.k); }

MmaForm parse_mma(std::string_view ptx, Arch arch) {
    const ParsedName p = parse_name(ptx);
    const auto fail = [&](const std::string& why) {
        return UserError(fmt::format("instruction '{}': {}", ptx, why));
    };
    const ElemType d = p.types[0], a = p.types[1], b = p.types[2], c = p.types[3];
    if (p.shape == Shape{8, 8, 4}) throw fail("m8n8k4 is not modelled: on sm_80 and later it runs on the FPUs, not the tensor cores");
    const auto a_family = family_of(a), b_family = family_of(b);
    if (!a_family) throw fail(fmt::format(".{} is not an A/B operand type", name(a)));
    if (a_family != b_family) throw fail(fmt::format("A is .{} but B is .{}; both must be of one family", name(a), name(b)));
    if (a != b && (*a_family == Family::f16 || *a_family == Family::bf16 || *a_family == Family::tf32))
        throw fail("A and B must have the same type");
    const bool sparse = p.sparse != SparseKind::dense;
    const auto rule = std::find_if(rules().begin(), rules().end(), [&](const Rule& r) {
        return r.sparse == sparse && r.family == *a_family;
    });
    const auto shape = std::find_if(rule->shapes.begin(), rule->shapes.end(),
                                    [&](const ShapeRule& s) { return s.shape == p.shape; });
    const std::string kind = fmt::format("{} {}", sparse ? "sparse" : "dense", name(a));
    if (shape == rule->shapes.end())
        throw fail(fmt::format("{} mma has no shape {}; legal: {}", kind, shape_name(p.shape), list_shapes(*rule)));
    const auto legal_d = [&](ElemType t) { return std::find(rule->d_types.begin(), rule->d_types.end(), t) != rule->d_types.end(); };
    if (!legal_d(d)) throw fail(fmt::format("{} mma cannot produce .{} results", kind, name(d)));
    if (!legal_d(c)) throw fail(fmt::format("{} mma cannot take a .{} accumulator", kind, name(c)));
    if (rule->c_equals_d && c != d) throw fail(fmt::format("{} mma needs .ctype equal to .dtype", kind));
    if (p.satfinite && d != ElemType::s32) throw fail(".satfinite exists only for integer forms");
    if (static_cast<int>(arch) < static_cast<int>(rule->min_arch))
        throw fail(fmt::format("{} needs {} or later, not {}", name(a), name(rule->min_arch), name(arch)));
    return make_form(*rule, *shape, p.sparse, a, b, c, d, p.satfinite, arch);
}

std::vector<MmaForm> catalog(Arch arch) {
    std::vector<MmaForm> forms;
    for (const Rule& rule : rules()) {
        if (static_cast<int>(arch) < static_cast<int>(rule.min_arch)) continue;
        const bool integer = rule.family == Family::int8 || rule.family == Family::int4;
        for (const ShapeRule& shape : rule.shapes)
            for (SparseKind sparse : {SparseKind::dense, SparseKind::sp, SparseKind::sp_ordered}) {
                if ((sparse != SparseKind::dense) != rule.sparse) continue;
                for (ElemType a : family_types(rule.family))
                    for (ElemType b : family_types(rule.family))
                        for (ElemType d : rule.d_types)
                            for (ElemType c : rule.d_types)
                                for (bool sat : {false, true}) {
                                    if ((rule.c_equals_d && c != d) || (sat && !integer)) continue;
                                    forms.push_back(make_form(rule, shape, sparse, a, b, c, d, sat, arch));
                                }
            }
    }
    return forms;
}

}  // namespace stcsim::isa
