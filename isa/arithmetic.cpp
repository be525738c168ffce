#include "isa/arithmetic.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>
#include <vector>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

using Kind = FloatParts::Kind;

// Alignment exponent of a zero C and of a product with a zero factor (MMA-Sim's newer model), so
// neither ever sets e_max: every block has C, and C aligns at -126 or above. Measured on H200
// (sm_90): 0 * FLT_MAX beside small products leaves them untruncated (tf32 and bf16, dense and
// sparse, e.g. probes/sp_m16n8k8_f32_tf32_tf32_f32.cases.jsonl:102 D[5][2] = 0x00259488); the
// older rule, -126 + e(other factor), aligned that product at 2^1 and truncated the rest to zero.
// The A100/A2 and H100 test vectors contain no zero, so they cannot tell the two rules apart;
// the rule is used on every architecture, unmeasured before sm_90.
constexpr int kZeroAlignmentExponent = -126;
constexpr std::uint32_t kF32NaN = 0x7fffffffu;
constexpr std::uint32_t kF16NaN = 0x7fffu;

// An exact value (-1)^negative * magnitude * 2^scale with the exponent it is aligned by.
struct Term {
    bool negative = false;
    std::uint64_t magnitude = 0;
    int scale = 0;
    int alignment = 0;
};

// The exponent a non-zero input or C contributes to e_max. A subnormal counts with its format's
// minimum exponent (what its exponent field encodes; decode_float's exponent), as in MMA-Sim. The
// test sets hold only 7 subnormal inputs (fp16), none of which sets e_max, so they match equally
// with -126 (hardware-facts.md) or with the normalised exponent. -126 is implausible for fp16: it
// would align a product up to 2^112 below its value, outside the accumulator window. The H200
// probes (tf32 and bf16 subnormals beside normal and zero terms) all match this rule; the
// normalised exponent fails 117 of their tf32 cases.
int alignment_exponent(const FloatParts& parts) {
    return parts.kind == Kind::zero ? kZeroAlignmentExponent : parts.exponent;
}

Term product_term(const FloatParts& a, const FloatParts& b) {
    Term term;
    term.negative = a.negative != b.negative;
    term.magnitude = std::uint64_t{a.significand} * b.significand;
    term.scale = (a.exponent - a.fraction_bits) + (b.exponent - b.fraction_bits);
    const bool zero = a.kind == Kind::zero || b.kind == Kind::zero;
    term.alignment = zero ? kZeroAlignmentExponent : alignment_exponent(a) + alignment_exponent(b);
    return term;
}

Term value_term(const FloatParts& parts) {
    return {parts.negative, parts.significand, parts.exponent - parts.fraction_bits,
            alignment_exponent(parts)};
}

// floor(magnitude * 2^shift) for a magnitude below 2^62 (every caller's bound).
std::uint64_t shift_truncate(std::uint64_t magnitude, int shift) {
    if (shift >= 0) return magnitude << shift;
    return -shift >= 64 ? 0 : magnitude >> -shift;
}

// Exponent of the leading bit of a non-zero magnitude.
int top_bit(std::uint64_t magnitude) { return static_cast<int>(std::bit_width(magnitude)) - 1; }

std::uint32_t with_sign(bool negative, std::uint32_t bits, int sign_bit) {
    return negative ? bits | (1u << sign_bit) : bits;
}

// (-1)^negative * magnitude * 2^scale truncated toward zero to an f32 with `fraction_bits`
// fraction bits (23, or 13 for e8m13). Subnormals are kept; beyond FLT_MAX gives Inf (MMA-Sim's
// model; no test vector overflows, so unverified).
std::uint32_t to_f32_rz(bool negative, std::uint64_t magnitude, int scale, int fraction_bits) {
    if (magnitude == 0) return with_sign(negative, 0, 31);
    const int exponent = top_bit(magnitude) + scale;
    if (exponent > 127) return with_sign(negative, 0x7f800000u, 31);
    const int quantum = std::max(exponent, -126) - fraction_bits;
    const std::uint64_t significand = shift_truncate(magnitude, scale - quantum)
                                      << (23 - fraction_bits);
    const auto low = static_cast<std::uint32_t>(significand);
    if (exponent < -126) return with_sign(negative, low, 31);  // subnormal (or zero)
    const auto field = static_cast<std::uint32_t>(exponent + 127);
    return with_sign(negative, (field << 23) | (low & 0x7fffffu), 31);
}

// (-1)^negative * magnitude * 2^scale rounded to nearest even f16 (overflow gives Inf).
std::uint32_t to_f16_rne(bool negative, std::uint64_t magnitude, int scale) {
    if (magnitude == 0) return with_sign(negative, 0, 15);
    const int exponent = top_bit(magnitude) + scale;
    if (exponent > 15) return with_sign(negative, 0x7c00u, 15);
    const int quantum = std::max(exponent, -14) - 10;
    const int drop = quantum - scale;  // low bits of the magnitude that are rounded off
    std::uint64_t rounded = 0;
    if (drop <= 0) {
        rounded = magnitude << -drop;
    } else if (drop < 64) {
        rounded = magnitude >> drop;
        const std::uint64_t rest = magnitude - (rounded << drop);
        const std::uint64_t half = std::uint64_t{1} << (drop - 1);
        if (rest > half || (rest == half && (rounded & 1u))) ++rounded;
    }  // drop >= 64: below a quarter of the quantum (magnitude < 2^62), rounds to zero
    // A normal result: biased exponent above the 10 significand bits; a carry out of the
    // significand (rounded == 2048) correctly moves into the exponent, up to Inf (0x7c00).
    std::uint32_t bits = static_cast<std::uint32_t>(rounded);
    if (exponent >= -14) bits += static_cast<std::uint32_t>(exponent + 14) << 10;
    return with_sign(negative, std::min(bits, 0x7c00u), 15);
}

std::uint32_t nan_bits(ElemType d_type) { return d_type == ElemType::f16 ? kF16NaN : kF32NaN; }
std::uint32_t inf_bits(ElemType d_type, bool negative) {
    return d_type == ElemType::f16 ? with_sign(negative, 0x7c00u, 15)
                                   : with_sign(negative, 0x7f800000u, 31);
}

// Rule 1: the special result of a block, if its exact evaluation is NaN or Inf.
struct SpecialScan {
    bool nan = false;
    bool pos_inf = false;
    bool neg_inf = false;

    void add_value(const FloatParts& parts) {
        if (parts.kind == Kind::nan) nan = true;
        if (parts.kind == Kind::inf) (parts.negative ? neg_inf : pos_inf) = true;
    }
    void add_product(const FloatParts& a, const FloatParts& b) {
        if (a.kind == Kind::nan || b.kind == Kind::nan) nan = true;
        const bool inf = a.kind == Kind::inf || b.kind == Kind::inf;
        if (inf && (a.kind == Kind::zero || b.kind == Kind::zero)) nan = true;
        if (inf) (a.negative != b.negative ? neg_inf : pos_inf) = true;
    }
    bool any() const { return nan || pos_inf || neg_inf; }
    std::uint32_t result(ElemType d_type) const {
        if (nan || (pos_inf && neg_inf)) return nan_bits(d_type);
        return inf_bits(d_type, neg_inf);
    }
};

// One fused block: C (of c_type) plus the products, converted to d_type.
std::uint32_t fused_block(ElemType a_type, ElemType b_type, ElemType c_type, ElemType d_type,
                          std::span<const Product> products, std::uint32_t c_bits,
                          const BlockFmaModel& model) {
    if (d_type == ElemType::f16 && c_type != ElemType::f16) {
        c_bits = f32_to_f16_rne(c_bits);
        c_type = ElemType::f16;
    }
    SpecialScan special;
    std::vector<Term> terms;
    terms.reserve(products.size() + 1);
    const FloatParts c = decode_float(c_type, c_bits);
    special.add_value(c);
    terms.push_back(value_term(c));
    for (const Product& p : products) {
        const FloatParts a = decode_float(a_type, p.a);
        const FloatParts b = decode_float(b_type, p.b);
        special.add_product(a, b);
        terms.push_back(product_term(a, b));
    }
    if (special.any()) return special.result(d_type);

    int e_max = std::numeric_limits<int>::min();
    for (const Term& t : terms) e_max = std::max(e_max, t.alignment);
    const int lsb = e_max - model.alignment_fraction_bits;
    // Each term is below 2^(alignment + 2), so a truncated term is below 2^(F + 2): an int64 sum
    // of any realistic number of terms is exact.
    std::int64_t sum = 0;
    for (const Term& t : terms) {
        if (t.magnitude == 0) continue;
        const auto truncated = static_cast<std::int64_t>(shift_truncate(t.magnitude, t.scale - lsb));
        sum += t.negative ? -truncated : truncated;
    }
    // An exactly zero sum gives +0; a non-zero sum that underflows to zero keeps its sign, as in
    // IEEE arithmetic. No test vector has a zero or subnormal D, so both are unverified.
    const bool negative = sum < 0;
    const auto magnitude = static_cast<std::uint64_t>(negative ? -sum : sum);
    if (d_type == ElemType::f16) return to_f16_rne(negative, magnitude, lsb);
    return to_f32_rz(negative, magnitude, lsb, model.result_fraction_bits);
}

void check_float_operands(ElemType a_type, ElemType b_type, ElemType c_type, ElemType d_type,
                          const BlockFmaModel& model) {
    if (!is_float(a_type) || !is_float(b_type)) {
        throw InternalError("fused_dot_add: A and B must be floating-point types");
    }
    for (ElemType t : {c_type, d_type}) {
        if (t != ElemType::f32 && t != ElemType::f16) {
            throw InternalError("fused_dot_add: C and D must be f32 or f16");
        }
    }
    if (model.products_per_block < 1 || model.alignment_fraction_bits < 1 ||
        model.alignment_fraction_bits > 32 || model.result_fraction_bits < 1 ||
        model.result_fraction_bits > 23) {
        throw InternalError("fused_dot_add: block model parameters out of range");
    }
}

}  // namespace

std::uint32_t f32_to_f16_rne(std::uint32_t f32_bits) {
    const FloatParts parts = decode_float(ElemType::f32, f32_bits);
    switch (parts.kind) {
        case Kind::nan: return kF16NaN;
        case Kind::inf: return inf_bits(ElemType::f16, parts.negative);
        default:
            return to_f16_rne(parts.negative, parts.significand,
                              parts.exponent - parts.fraction_bits);
    }
}

std::uint32_t f32_add_rne(std::uint32_t a_bits, std::uint32_t b_bits) {
    // The host's binary32 addition is IEEE round-to-nearest-even with subnormals (no fast-math,
    // no flush-to-zero anywhere in this project); only the NaN encoding needs fixing up.
    const float sum = std::bit_cast<float>(a_bits) + std::bit_cast<float>(b_bits);
    return std::isnan(sum) ? kF32NaN : std::bit_cast<std::uint32_t>(sum);
}

std::uint32_t f16_add_rne(std::uint32_t a_bits, std::uint32_t b_bits) {
    const FloatParts a = decode_float(ElemType::f16, a_bits);
    const FloatParts b = decode_float(ElemType::f16, b_bits);
    SpecialScan special;
    special.add_value(a);
    special.add_value(b);
    if (special.any()) return special.result(ElemType::f16);
    // Exact sum at the finer operand's scale: scales differ by at most 29, so it fits an int64.
    const int scale = std::min(a.exponent - a.fraction_bits, b.exponent - b.fraction_bits);
    const auto exact = [scale](const FloatParts& p) {
        const auto magnitude = static_cast<std::int64_t>(p.significand) << (p.exponent - p.fraction_bits - scale);
        return p.negative ? -magnitude : magnitude;
    };
    const std::int64_t sum = exact(a) + exact(b);
    // IEEE: an exact zero sum is +0, except -0 + -0.
    if (sum == 0) return with_sign(a.negative && b.negative, 0, 15);
    return to_f16_rne(sum < 0, static_cast<std::uint64_t>(sum < 0 ? -sum : sum), scale);
}

// Values: hardware-facts.md section 5 and MMA-Sim (simulator/nv.py). "Verified" means reproduced
// bit for bit by the 5000-test sets in shared/reference/tensor-core-numerics (A100 = sm_80,
// A2 = sm_86, H100 = sm_90), in arithmetic_numerics_test.cpp.
BlockFmaModel block_fma_model(Arch arch, ElemType ab_type, bool sparse) {
    (void)sparse;  // hypothesis: kept products per block = dense products per block (see header)
    const bool hopper = is_hopper(arch);
    switch (ab_type) {
        case ElemType::f16:
        case ElemType::bf16:
            // Verified: F 24 and one 8-product block (sm_80, sm_86); F 25 and one 16-product
            // block (sm_90). The split of k16 into two blocks of 8 on Ampere is MMA-Sim's.
            // sm_89: as Ampere (MMA-Sim), unverified here.
            return hopper ? BlockFmaModel{25, 16, 23} : BlockFmaModel{24, 8, 23};
        case ElemType::tf32:
            // Verified for 4 products (the sets have K = 4). Ampere/Ada split m16n8k8 into two
            // blocks of 4 (MMA-Sim). Hopper: one block of 8, as MMA-Sim fuses m16n8k8; the
            // vectors cannot tell 4 from 8, the H200 probes can: blocks of 4 fail dense m16n8k8,
            // sparse m16n8k16 (8 kept products) and wgmma tf32, one block of 8 matches them all.
            // F 25 for tf32 too (F 24 or 26 fail the H200 probes), and tf32 inputs are truncated
            // to 10 fraction bits (rounding them to nearest fails).
            return hopper ? BlockFmaModel{25, 8, 23} : BlockFmaModel{24, 4, 23};
        case ElemType::e4m3:
        case ElemType::e5m2:
            if (arch == Arch::sm_89) {
                // Estimate from MMA-Sim (unverified here): the fp8 "e8m13" unit, terms aligned
                // to 13 fraction bits, f32 D truncated to 13 fraction bits, m16n8k32 fused as two
                // blocks of 16.
                return {13, 16, 13};
            }
            if (hopper) {
                // wgmma fp8 (MMA-Sim's measurement: F 13, e8m13 result, the whole k32 in one
                // block). mma.sync fp8 on sm_90 does not use it: ptxas lowers it to f16 HMMAs
                // (isa/execute_fp8_sm90.h).
                return {13, 32, 13};
            }
            throw InternalError("block_fma_model: fp8 needs sm_89 or later");
        default:
            throw InternalError("block_fma_model: not a tensor-core floating-point input type");
    }
}

std::uint32_t fused_dot_add(ElemType a_type, ElemType b_type, ElemType c_type, ElemType d_type,
                            std::span<const Product> products, std::uint32_t c_bits,
                            const BlockFmaModel& model) {
    check_float_operands(a_type, b_type, c_type, d_type, model);
    const auto block = static_cast<std::size_t>(model.products_per_block);
    std::uint32_t acc = c_bits;
    ElemType acc_type = c_type;
    std::size_t begin = 0;
    do {  // at least one block, so that D = convert(C) when there are no products
        const std::size_t count = std::min(block, products.size() - begin);
        acc = fused_block(a_type, b_type, acc_type, d_type, products.subspan(begin, count), acc,
                          model);
        acc_type = d_type;
        begin += count;
    } while (begin < products.size());
    return acc;
}

std::uint32_t fused_dot_add(ElemType ab_type, ElemType c_type, ElemType d_type,
                            std::span<const Product> products, std::uint32_t c_bits,
                            const BlockFmaModel& model) {
    return fused_dot_add(ab_type, ab_type, c_type, d_type, products, c_bits, model);
}

std::uint32_t integer_dot_add(ElemType a_type, ElemType b_type, std::span<const Product> products,
                              std::uint32_t c_bits, bool satfinite) {
    for (ElemType t : {a_type, b_type}) {
        if (!is_integer(t) || t == ElemType::s32) {
            throw InternalError("integer_dot_add: A and B must be s8, u8, s4 or u4");
        }
    }
    // |product| <= 2^16 and C < 2^31: an int64 sum is exact for any realistic K.
    std::int64_t sum = to_integer(ElemType::s32, c_bits);
    for (const Product& p : products) sum += to_integer(a_type, p.a) * to_integer(b_type, p.b);
    if (satfinite) {
        sum = std::clamp<std::int64_t>(sum, std::numeric_limits<std::int32_t>::min(),
                                       std::numeric_limits<std::int32_t>::max());
    }
    return static_cast<std::uint32_t>(sum);  // modulo 2^32
}

}  // namespace stcsim::isa
