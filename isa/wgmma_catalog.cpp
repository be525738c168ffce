#include "isa/wgmma_catalog.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <optional>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

enum class Family { f16, bf16, tf32, fp8, int8 };

// One row of the PTX syntax tables (§9.7.15.5.2 and §9.7.15.6.3).
struct Rule {
    Family family;
    int dense_k;  // K of the dense form; .sp doubles it
    std::vector<ElemType> d_types;
};

const std::vector<Rule>& rules() {
    using E = ElemType;
    static const std::vector<Rule> all = {
        {Family::f16, 16, {E::f16, E::f32}}, {Family::bf16, 16, {E::f32}}, {Family::tf32, 8, {E::f32}},
        {Family::fp8, 32, {E::f16, E::f32}}, {Family::int8, 32, {E::s32}},
    };
    return all;
}

std::vector<ElemType> family_types(Family family) {
    switch (family) {
        case Family::f16: return {ElemType::f16};
        case Family::bf16: return {ElemType::bf16};
        case Family::tf32: return {ElemType::tf32};
        case Family::fp8: return {ElemType::e4m3, ElemType::e5m2};
        case Family::int8: return {ElemType::s8, ElemType::u8};
    }
    return {};
}

std::optional<Family> family_of(ElemType type) {
    for (Family f : {Family::f16, Family::bf16, Family::tf32, Family::fp8, Family::int8}) {
        const auto types = family_types(f);
        if (std::find(types.begin(), types.end(), type) != types.end()) return f;
    }
    return std::nullopt;
}

// Integer forms allow N = 8, 16, 24, 32 and then multiples of 16 up to 256; the others every
// multiple of 8 up to 256.
bool legal_n(Family family, int n) {
    if (n < 8 || n > 256 || n % 8 != 0) return false;
    return family != Family::int8 || n <= 32 || n % 16 == 0;
}

std::string upper(std::string_view text) {
    std::string out(text);
    for (char& ch : out) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return out;
}

// SASS names as cuobjdump prints them for sm_90a: HGMMA (f16, bf16, tf32), QGMMA (fp8), IGMMA
// (8-bit integers); the shape token is the PTX (dense-K) shape, "64xNxK".
std::string sass_name(const WgmmaForm& f, Family family) {
    const std::string sp = f.sparse ? ".SP" : "";
    const std::string shape = fmt::format("{}x{}x{}", f.shape.m, f.shape.n, f.shape.k);
    switch (family) {
        case Family::f16: return fmt::format("HGMMA{}.{}.{}", sp, shape, upper(name(f.d)));
        case Family::bf16: return fmt::format("HGMMA{}.{}.F32.BF16", sp, shape);
        case Family::tf32: return fmt::format("HGMMA{}.{}.F32.TF32", sp, shape);
        case Family::fp8:
            return fmt::format("QGMMA{}.{}.{}.{}.{}", sp, shape, upper(name(f.d)), upper(name(f.a)), upper(name(f.b)));
        case Family::int8:
            return fmt::format("IGMMA{}.{}.{}.{}{}", sp, shape, upper(name(f.a)), upper(name(f.b)),
                               f.satfinite ? ".SAT" : "");
    }
    return "?";
}

std::string canonical_ptx(const WgmmaForm& f) {
    return fmt::format("wgmma.mma_async{}.sync.aligned.{}{}.{}.{}.{}", f.sparse ? ".sp" : "", shape_name(f.shape),
                       f.satfinite ? ".satfinite" : "", name(f.d), name(f.a), name(f.b));
}

WgmmaForm make_form(Family family, Shape shape, bool sparse, ElemType a, ElemType b, ElemType d, bool satfinite,
                    WgmmaSource source) {
    WgmmaForm f;
    f.shape = shape;
    f.sparse = sparse;
    f.a = a; f.b = b; f.d = d;
    f.satfinite = satfinite;
    f.a_source = source;
    // A from registers: 64 x stored K over 128 threads, always 4 registers.
    f.a_regs = source == WgmmaSource::registers ? kWgmmaM * f.stored_a_cols() * container_bits(a) / (32 * kWarpgroupSize) : 0;
    f.d_regs = kWgmmaM * shape.n * container_bits(d) / (32 * kWarpgroupSize);
    f.metadata_regs = sparse ? 1 : 0;
    // 2:4 forms of 16-bit types and tf32 1:2: a thread pair per group of four holds the
    // metadata (selector 0 or 1); 8-bit types: every thread (selector 0).
    f.selector_count = !sparse ? 0 : (family == Family::fp8 || family == Family::int8) ? 1 : 2;
    f.transpose_allowed = family == Family::f16 || family == Family::bf16;
    f.negate_allowed = family != Family::int8;
    f.min_ptx_isa = family == Family::int8 && a != b ? 84 : sparse ? 82 : 80;
    f.ptx = canonical_ptx(f);
    f.sass = sass_name(f, family);
    return f;
}

std::vector<std::string_view> split(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    while (true) {
        const std::size_t dot = text.find('.', start);
        parts.push_back(text.substr(start, dot - start));
        if (dot == std::string_view::npos) return parts;
        start = dot + 1;
    }
}

std::optional<Shape> parse_shape(std::string_view token) {
    Shape s;
    if (std::sscanf(std::string(token).c_str(), "m%dn%dk%d", &s.m, &s.n, &s.k) != 3) return std::nullopt;
    if (shape_name(s) != token) return std::nullopt;
    return s;
}

}  // namespace

std::string_view name(WgmmaSource source) {
    return source == WgmmaSource::registers ? "registers" : "shared";
}

bool is_wgmma_name(std::string_view ptx) { return ptx.starts_with("wgmma."); }

WgmmaForm parse_wgmma(std::string_view ptx, Arch arch, WgmmaSource a_source) {
    const auto fail = [&](const std::string& why) { return UserError(fmt::format("instruction '{}': {}", ptx, why)); };
    const auto tokens = split(ptx);
    std::size_t i = 0;
    if (tokens.size() < 2 || tokens[0] != "wgmma" || tokens[1] != "mma_async")
        throw fail("expected an instruction starting with 'wgmma.mma_async'");
    i = 2;
    bool sparse = false;
    if (i < tokens.size() && tokens[i] == "sp") sparse = true, ++i;
    else if (i < tokens.size() && tokens[i].starts_with("sp::"))
        throw fail("wgmma.mma_async.sp has no ::ordered_metadata or other variant; use '.sp'");
    for (std::string_view expected : {"sync", "aligned"}) {
        if (i >= tokens.size() || tokens[i] != expected) throw fail(fmt::format("expected '.{}' at token {}", expected, i + 1));
        ++i;
    }
    if (i >= tokens.size()) throw fail("missing shape (e.g. .m64n128k16)");
    const auto shape = parse_shape(tokens[i]);
    if (!shape) throw fail(fmt::format("'{}' is not a shape of the form m64nNkK", tokens[i]));
    ++i;
    bool satfinite = false;
    std::vector<ElemType> types;
    for (; i < tokens.size(); ++i) {
        if (tokens[i] == "satfinite") { satfinite = true; continue; }
        const auto type = parse_elem_type(tokens[i]);
        if (!type) throw fail(fmt::format("unknown type or qualifier '.{}'", tokens[i]));
        types.push_back(*type);
    }
    if (types.size() != 3) throw fail(fmt::format("expected three types .dtype.atype.btype, got {}", types.size()));
    const ElemType d = types[0], a = types[1], b = types[2];
    const auto family = family_of(a);
    if (!family) throw fail(fmt::format(".{} is not a wgmma A/B type", name(a)));
    if (family_of(b) != family) throw fail(fmt::format("A is .{} but B is .{}; both must be of one family", name(a), name(b)));
    if (a != b && family != Family::fp8 && family != Family::int8) throw fail("A and B must have the same type");
    const Rule& rule = *std::find_if(rules().begin(), rules().end(), [&](const Rule& r) { return r.family == *family; });
    const int k = sparse ? 2 * rule.dense_k : rule.dense_k;
    const std::string kind = fmt::format("{}wgmma .{}", sparse ? "sparse " : "", name(a));
    if (shape->m != kWgmmaM || shape->k != k)
        throw fail(fmt::format("{} has shapes m64nNk{}, not {}", kind, k, shape_name(*shape)));
    if (!legal_n(*family, shape->n))
        throw fail(fmt::format("{} has no N = {}; legal: {}", kind, shape->n,
                               *family == Family::int8 ? "8, 16, 24, 32, 48, 64, 80, ..., 256 (multiples of 16 from 48)"
                                                       : "8, 16, ..., 256 (multiples of 8)"));
    if (std::find(rule.d_types.begin(), rule.d_types.end(), d) == rule.d_types.end())
        throw fail(fmt::format("{} cannot produce .{} results", kind, name(d)));
    if (satfinite && *family != Family::int8) throw fail(".satfinite exists only for integer forms");
    if (!has_wgmma(arch)) throw fail(fmt::format("wgmma needs sm_90a, not {}", name(arch)));
    return make_form(*family, *shape, sparse, a, b, d, satfinite, a_source);
}

std::vector<WgmmaForm> wgmma_catalog(Arch arch) {
    std::vector<WgmmaForm> forms;
    if (!has_wgmma(arch)) return forms;
    for (bool sparse : {false, true})
        for (const Rule& rule : rules())
            for (int n = 8; n <= 256; n += 8) {
                if (!legal_n(rule.family, n)) continue;
                const Shape shape{kWgmmaM, n, sparse ? 2 * rule.dense_k : rule.dense_k};
                for (ElemType a : family_types(rule.family))
                    for (ElemType b : family_types(rule.family))
                        for (ElemType d : rule.d_types)
                            for (bool sat : {false, true}) {
                                if (sat && rule.family != Family::int8) continue;
                                for (WgmmaSource source : {WgmmaSource::shared, WgmmaSource::registers})
                                    forms.push_back(make_form(rule.family, shape, sparse, a, b, d, sat, source));
                            }
            }
    return forms;
}

MmaForm warp_slice_form(const WgmmaForm& f) {
    MmaForm m;
    m.shape = {16, 8, f.shape.k};
    m.sparse = f.sparse ? SparseKind::sp : SparseKind::dense;
    m.a = f.a; m.b = f.b; m.c = f.d; m.d = f.d;
    m.satfinite = f.satfinite;
    const auto regs = [](int rows, int cols, ElemType type) { return rows * cols * container_bits(type) / (32 * 32); };
    m.a_regs = regs(16, f.stored_a_cols(), f.a);
    m.b_regs = regs(f.shape.k, 8, f.b);
    m.c_regs = m.d_regs = regs(16, 8, f.d);
    m.selector_count = f.selector_count;
    m.min_arch = Arch::sm_90a;
    m.ptx = fmt::format("{} (warp slice)", f.ptx);
    return m;
}

}  // namespace stcsim::isa
