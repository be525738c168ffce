// Hand-checked cases of the tensor-core arithmetic. Values are written as exact binary fractions;
// the comments give the arithmetic.
#include "isa/arithmetic.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

using F = ElemType;

std::uint32_t bits(ElemType type, double value) { return encode_exact(type, value).value(); }
std::uint32_t h(double value) { return bits(F::f16, value); }
std::uint32_t f(double value) { return bits(F::f32, value); }
double p2(int exponent) { return std::ldexp(1.0, exponent); }

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr BlockFmaModel kAmpere{24, 8, 23};
constexpr BlockFmaModel kHopper{25, 16, 23};

std::uint32_t f16_to_f32(const std::vector<Product>& products, std::uint32_t c,
                         const BlockFmaModel& model = kAmpere) {
    return fused_dot_add(F::f16, F::f32, F::f32, products, c, model);
}
std::uint32_t f16_to_f16(const std::vector<Product>& products, std::uint32_t c,
                         const BlockFmaModel& model = kAmpere) {
    return fused_dot_add(F::f16, F::f16, F::f16, products, c, model);
}

TEST(FusedDotAdd, ExactSmallSum) {
    // 1*2 + 3*4 + 0.5 = 14.5
    const std::vector<Product> products{{h(1), h(2)}, {h(3), h(4)}};
    EXPECT_EQ(f16_to_f32(products, f(0.5)), 0x41680000u);
    EXPECT_EQ(f16_to_f16(products, h(0.5)), 0x4b40u);
    EXPECT_EQ(f16_to_f32({}, f(-0.75)), f(-0.75));  // no products: D = C
}

TEST(FusedDotAdd, F32ResultIsTruncatedF16ResultIsRoundedToNearestEven) {
    // F = 25 keeps 1 + 3*2^-25 exactly; to f32 it truncates to 1 (nearest would be 1 + 2^-23).
    EXPECT_EQ(f16_to_f32({{h(1), h(1)}, {h(p2(-12)), h(1.5 * p2(-12))}}, f(0), kHopper),
              0x3f800000u);
    // 1 + 0.75 ulp of f16: f32 keeps it, f16 rounds up to 1 + 2^-10.
    const std::vector<Product> up{{h(1), h(1)}, {h(1), h(1.5 * p2(-11))}};
    EXPECT_EQ(f16_to_f32(up, f(0)), f(1 + 1.5 * p2(-11)));
    EXPECT_EQ(f16_to_f16(up, h(0)), 0x3c01u);
    // Ties go to even: 1 + half an ulp -> 1; (1 + 2^-10) + half an ulp -> 1 + 2^-9.
    EXPECT_EQ(f16_to_f16({{h(1), h(1)}, {h(1), h(p2(-11))}}, h(0)), 0x3c00u);
    EXPECT_EQ(f16_to_f16({{h(1 + p2(-10)), h(1)}, {h(1), h(p2(-11))}}, h(0)), 0x3c02u);
}

TEST(FusedDotAdd, TermsAreTruncatedToFFractionBitsBelowEmax) {
    // 1 + 3 * (1.5 * 2^-24). F = 24: each small term truncates to 2^-24, sum 1 + 1.5*2^-23,
    // which truncates to 1 + 2^-23. F = 25: terms exact, 1 + 2.25*2^-23 -> 1 + 2*2^-23.
    const Product small{h(p2(-12)), h(1.5 * p2(-12))};
    const std::vector<Product> products{{h(1), h(1)}, small, small, small};
    EXPECT_EQ(f16_to_f32(products, f(0), kAmpere), 0x3f800001u);
    EXPECT_EQ(f16_to_f32(products, f(0), kHopper), 0x3f800002u);
}

TEST(FusedDotAdd, ProductsAlignByTheSumOfInputExponents) {
    // 1.5*1.5 = 2.25 aligns at exponent 0+0 (not 1), so three 2^-24 terms survive F = 24:
    // 2.25 - 1 + 3*2^-24 = 1.25 + 1.5*2^-23 -> 1.25 + 2^-23. Aligned at 1 they would vanish.
    const Product tiny{h(p2(-12)), h(p2(-12))};
    const std::vector<Product> products{{h(1.5), h(1.5)}, {h(-1), h(1)}, tiny, tiny, tiny};
    EXPECT_EQ(f16_to_f32(products, f(0)), 0x3fa00001u);
}

TEST(FusedDotAdd, ProductsPerBlockMatters) {
    // 1 + 2^-24 in block 0 and 2^-24 in block 1. Two blocks of 8: block 0 truncates to 1, and
    // so does block 1. One block of 16: 1 + 2^-23.
    std::vector<Product> products(16, Product{h(0), h(0)});
    products[0] = {h(1), h(1)};
    products[1] = {h(p2(-12)), h(p2(-12))};
    products[8] = {h(p2(-12)), h(p2(-12))};
    EXPECT_EQ(f16_to_f32(products, f(0), BlockFmaModel{24, 8, 23}), 0x3f800000u);
    EXPECT_EQ(f16_to_f32(products, f(0), BlockFmaModel{24, 16, 23}), 0x3f800001u);
    // The architecture defaults: m16n8k16 is two blocks on sm_80, one on sm_90.
    EXPECT_EQ(f16_to_f32(products, f(0), block_fma_model(Arch::sm_80, F::f16, false)),
              0x3f800000u);
    EXPECT_EQ(f16_to_f32(products, f(0), block_fma_model(Arch::sm_90, F::f16, false)),
              0x3f800001u);
}

TEST(FusedDotAdd, SubnormalsAreKept) {
    EXPECT_EQ(fused_dot_add(F::bf16, F::f32, F::f32,
                            std::vector<Product>{{bits(F::bf16, p2(-70)), bits(F::bf16, p2(-70))}},
                            f(0), kAmpere),
              0x00000200u);  // 2^-140
    EXPECT_EQ(f16_to_f16({{h(p2(-12)), h(p2(-12))}}, h(0)), 0x0001u);  // 2^-24
    EXPECT_EQ(f16_to_f32({{h(p2(-24)), h(1)}}, f(0)), f(p2(-24)));     // subnormal input
}

// 0 * FLT_MAX used to align at -126 + 127 = 1 and truncate every small term to zero. A product with
// a zero factor aligns at -126 instead, like a zero C, so it never sets e_max.
TEST(FusedDotAdd, AProductWithAZeroFactorNeverSetsEmax) {
    const BlockFmaModel hopper_tf32 = block_fma_model(Arch::sm_90, F::tf32, false);
    const std::uint32_t tf32_max = 0x7f7fe000u;
    EXPECT_EQ(fused_dot_add(F::tf32, F::f32, F::f32,
                            std::vector<Product>{{0u, tf32_max}, {f(1), f(p2(-30))}}, f(0), hopper_tf32),
              f(p2(-30)));
    EXPECT_EQ(fused_dot_add(F::tf32, F::f32, F::f32,
                            std::vector<Product>{{tf32_max, 0x80000000u}, {f(p2(-60)), f(p2(-70))}}, f(0),
                            hopper_tf32),
              0x00080000u);  // 2^-130, a subnormal D
}

// Elements of D measured on an H200 (sm_90) that only the zero-factor rule reproduces; the
// products are in K order (for .sp the kept ones), as raw bits (tf32: fp32 words; bf16 in the low
// half). Files of validation/measurements/h200-sxm/probes; the bf16 instance of the same rule
// (sp_m16n8k16_f32_bf16_bf16_f32.cases.jsonl:119) is checked with every other probe of that folder
// by the CTest compare.committed_measurements.
TEST(FusedDotAdd, ZeroTimesMaxFiniteMatchesH200) {
    struct Measured {
        const char* where;
        ElemType type;
        bool sparse;
        std::vector<Product> products;
        std::uint32_t c, d;
    };
    const Measured cases[] = {
        {"dense_m16n8k4_f32_tf32_tf32_f32.cases.jsonl:27 D[3][1]", F::tf32, false,
         {{0x3cbe0e9du, 0xc26d730du}, {0x00000000u, 0x7f7ffffcu}, {0x3ee83cddu, 0x001dd22eu},
          {0x41fd7545u, 0x3d5c552fu}},
         0x3dc2a5d6u, 0x3ed7ebd5u},
        {"sp_m16n8k8_f32_tf32_tf32_f32.cases.jsonl:102 D[5][2]", F::tf32, true,
         {{0xc006c32fu, 0x00118692u}, {0xbf1140b6u, 0x005bb288u}, {0x00000000u, 0x7f7ffffeu},
          {0x00253c5bu, 0xbd167d7eu}},
         0x007fc67bu, 0x00259488u},
    };
    for (const Measured& m : cases) {
        EXPECT_EQ(fused_dot_add(m.type, F::f32, F::f32, m.products, m.c, block_fma_model(Arch::sm_90, m.type, m.sparse)),
                  m.d)
            << m.where;
    }
}

TEST(FusedDotAdd, MixedFp8AndTheE8m13Accumulator) {
    const BlockFmaModel ada = block_fma_model(Arch::sm_89, F::e4m3, false);
    const std::vector<Product> three{{bits(F::e4m3, 1.5), bits(F::e5m2, 2)}};
    EXPECT_EQ(fused_dot_add(F::e4m3, F::e5m2, F::f32, F::f32, three, f(0), ada), f(3));
    // C = 1 + 2^-13 + 2^-14 plus 1*1: 13 alignment bits drop 2^-14, 13 result bits drop 2^-13.
    const std::vector<Product> one{{bits(F::e4m3, 1), bits(F::e5m2, 1)}};
    const std::uint32_t c = f(1 + p2(-13) + p2(-14));
    EXPECT_EQ(fused_dot_add(F::e4m3, F::e5m2, F::f32, F::f32, one, c, ada), f(2));
    EXPECT_EQ(fused_dot_add(F::e4m3, F::e5m2, F::f32, F::f32, one, c, BlockFmaModel{24, 16, 23}),
              f(2 + p2(-13) + p2(-14)));
}

TEST(FusedDotAdd, NaNAndInfinityRules) {
    EXPECT_EQ(f16_to_f32({{h(0), h(kInf)}}, f(1)), 0x7fffffffu);   // 0 * Inf
    EXPECT_EQ(f16_to_f16({{h(kInf), h(-0.0)}}, h(1)), 0x7fffu);
    EXPECT_EQ(f16_to_f32({{h(kInf), h(1)}}, f(1)), 0x7f800000u);   // Inf + finite
    EXPECT_EQ(f16_to_f32({{h(kInf), h(-2)}}, f(1)), 0xff800000u);
    EXPECT_EQ(f16_to_f16({{h(1), h(1)}}, h(-kInf)), 0xfc00u);
    EXPECT_EQ(f16_to_f32({{h(kInf), h(1)}, {h(-kInf), h(1)}}, f(0)), 0x7fffffffu);  // Inf - Inf
    EXPECT_EQ(f16_to_f32({{h(kInf), h(1)}}, f(-kInf)), 0x7fffffffu);
    EXPECT_EQ(f16_to_f32({{h(kNaN), h(0)}}, f(0)), 0x7fffffffu);   // any NaN input
    EXPECT_EQ(f16_to_f32({{h(1), h(1)}}, 0x7fc00001u), 0x7fffffffu);
    // A NaN in block 0 reaches D through block 1's C.
    std::vector<Product> products(16, Product{h(1), h(1)});
    products[3].b = h(kNaN);
    EXPECT_EQ(f16_to_f32(products, f(0)), 0x7fffffffu);
}

TEST(FusedDotAdd, OverflowGivesInfinity) {
    const std::uint32_t big = bits(F::bf16, p2(127));
    EXPECT_EQ(fused_dot_add(F::bf16, F::f32, F::f32, std::vector<Product>{{big, big}}, f(0),
                            kAmpere),
              0x7f800000u);
    EXPECT_EQ(f16_to_f16({{h(256), h(256)}}, h(0)), 0x7c00u);
    EXPECT_EQ(f16_to_f16({{h(65504), h(1)}}, h(15)), 0x7bffu);  // rounds down, stays finite
    EXPECT_EQ(f32_to_f16_rne(f(65520)), 0x7c00u);                // halfway to 2^16 rounds up
}

TEST(FusedDotAdd, F16ResultRoundsAnF32C) {
    EXPECT_EQ(f32_to_f16_rne(f(1 + p2(-11))), 0x3c00u);
    EXPECT_EQ(f32_to_f16_rne(f(1 + p2(-11) + p2(-20))), 0x3c01u);
    EXPECT_EQ(fused_dot_add(F::f16, F::f32, F::f16, std::vector<Product>{}, f(1 + p2(-11)),
                            kAmpere),
              0x3c00u);
}

TEST(IeeeAdd, F32RoundsToNearestEvenWithCanonicalNaN) {
    EXPECT_EQ(f32_add_rne(f(1), f(p2(-24))), f(1));                          // tie, to even
    EXPECT_EQ(f32_add_rne(f(1 + p2(-23)), f(p2(-24))), f(1 + p2(-22)));      // tie, to even
    EXPECT_EQ(f32_add_rne(f(1), f(1.5 * p2(-24))), f(1 + p2(-23)));          // above the tie
    EXPECT_EQ(f32_add_rne(f(p2(-149)), f(p2(-149))), 0x00000002u);           // subnormals kept
    EXPECT_EQ(f32_add_rne(f(-0.0), f(-0.0)), 0x80000000u);
    EXPECT_EQ(f32_add_rne(f(1), f(-1)), 0x00000000u);
    EXPECT_EQ(f32_add_rne(f(kInf), f(-kInf)), 0x7fffffffu);
    EXPECT_EQ(f32_add_rne(0xffc00001u, f(1)), 0x7fffffffu);
    EXPECT_EQ(f32_add_rne(0x7f7fffffu, 0x7f7fffffu), f(kInf));
}

TEST(IeeeAdd, F16RoundsToNearestEvenWithCanonicalNaN) {
    EXPECT_EQ(f16_add_rne(h(2048), h(1)), h(2048));    // tie, to even
    EXPECT_EQ(f16_add_rne(h(2050), h(1)), h(2052));    // tie, to even
    EXPECT_EQ(f16_add_rne(h(2048), h(1 + p2(-10))), h(2050));
    EXPECT_EQ(f16_add_rne(h(65504), h(16)), 0x7c00u);  // tie at the top rounds to Inf
    EXPECT_EQ(f16_add_rne(h(p2(-24)), h(p2(-24))), 0x0002u);
    EXPECT_EQ(f16_add_rne(h(-p2(-24)), h(p2(-14))), 0x03ffu);  // normal - subnormal, exact
    EXPECT_EQ(f16_add_rne(h(p2(15)), h(p2(-24))), h(p2(15)));  // scales 29 apart
    EXPECT_EQ(f16_add_rne(h(-0.0), h(-0.0)), 0x8000u);
    EXPECT_EQ(f16_add_rne(h(3), h(-3)), 0x0000u);
    EXPECT_EQ(f16_add_rne(h(kInf), h(-kInf)), 0x7fffu);
    EXPECT_EQ(f16_add_rne(0xfe01u, h(1)), 0x7fffu);
    EXPECT_EQ(f16_add_rne(h(-kInf), h(1)), 0xfc00u);
}

TEST(BlockFmaModelDefaults, PerArchitecture) {
    const BlockFmaModel a100 = block_fma_model(Arch::sm_80, F::bf16, false);
    EXPECT_EQ(a100.alignment_fraction_bits, 24);
    EXPECT_EQ(a100.products_per_block, 8);
    EXPECT_EQ(block_fma_model(Arch::sm_86, F::tf32, false).products_per_block, 4);
    EXPECT_EQ(block_fma_model(Arch::sm_90, F::f16, false).alignment_fraction_bits, 25);
    EXPECT_EQ(block_fma_model(Arch::sm_89, F::e5m2, false).result_fraction_bits, 13);
    for (Arch arch : kAllArchs) {
        for (ElemType type : {F::f16, F::bf16, F::tf32}) {
            const BlockFmaModel dense = block_fma_model(arch, type, false);
            const BlockFmaModel sparse = block_fma_model(arch, type, true);
            EXPECT_EQ(dense.products_per_block, sparse.products_per_block);
            EXPECT_EQ(dense.alignment_fraction_bits, sparse.alignment_fraction_bits);
        }
    }
    EXPECT_THROW(block_fma_model(Arch::sm_80, F::e4m3, false), InternalError);
    EXPECT_THROW(block_fma_model(Arch::sm_90, F::s8, false), InternalError);
}

TEST(IntegerDotAdd, ExactSumWrapsOrSaturates) {
    const auto s8 = [](int v) { return bits(F::s8, v); };
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, std::vector<Product>{{s8(2), s8(3)}, {s8(-4), s8(5)}},
                              100, false),
              86u);
    const std::vector<Product> plus_one{{s8(1), s8(1)}};
    const std::vector<Product> minus_one{{s8(-1), s8(1)}};
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, plus_one, 0x7fffffffu, false), 0x80000000u);
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, plus_one, 0x7fffffffu, true), 0x7fffffffu);
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, minus_one, 0x80000000u, false), 0x7fffffffu);
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, minus_one, 0x80000000u, true), 0x80000000u);
    EXPECT_EQ(integer_dot_add(F::s8, F::s8, minus_one, 0x80000001u, true), 0x80000000u);
}

TEST(IntegerDotAdd, MixedSignednessAndFourBitTypes) {
    const std::vector<Product> ff{{0xffu, 0xffu}};
    EXPECT_EQ(integer_dot_add(F::s8, F::u8, ff, 0, false), static_cast<std::uint32_t>(-255));
    EXPECT_EQ(integer_dot_add(F::u8, F::s8, std::vector<Product>{{0xffu, 0x80u}}, 0, false),
              static_cast<std::uint32_t>(-32640));
    EXPECT_EQ(integer_dot_add(F::u8, F::u8, ff, 0, false), 65025u);
    const std::vector<Product> nibbles{{0xfu, 0xfu}};
    EXPECT_EQ(integer_dot_add(F::s4, F::u4, nibbles, 0, false), static_cast<std::uint32_t>(-15));
    EXPECT_EQ(integer_dot_add(F::s4, F::s4, nibbles, 0, false), 1u);    // -1 * -1
    EXPECT_EQ(integer_dot_add(F::u4, F::u4, nibbles, 0, false), 225u);
    EXPECT_EQ(integer_dot_add(F::s4, F::s4, std::vector<Product>{{0x8u, 0x7u}}, 0, false),
              static_cast<std::uint32_t>(-56));
    // Bits above the 4-bit container are not part of the element.
    EXPECT_EQ(integer_dot_add(F::s4, F::u4, std::vector<Product>{{0xf7u, 0xf2u}}, 0, false), 14u);
}

}  // namespace
}  // namespace stcsim::isa
