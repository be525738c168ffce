#include "isa/types.h"

#include <gtest/gtest.h>

#include <cmath>

namespace stcsim::isa {
namespace {

TEST(Types, NamesRoundTrip) {
    for (ElemType t : {ElemType::f16, ElemType::bf16, ElemType::tf32, ElemType::f32, ElemType::e4m3,
                       ElemType::e5m2, ElemType::s8, ElemType::u8, ElemType::s4, ElemType::u4,
                       ElemType::s32}) {
        EXPECT_EQ(parse_elem_type(name(t)), t);
    }
    EXPECT_FALSE(parse_elem_type("f64").has_value());
}

TEST(Types, EncodesExactlyRepresentableValues) {
    EXPECT_EQ(encode_exact(ElemType::f16, 1.0), 0x3c00u);
    EXPECT_EQ(encode_exact(ElemType::f16, -2.5), 0xc100u);
    EXPECT_EQ(encode_exact(ElemType::f16, 65504.0), 0x7bffu);
    EXPECT_EQ(encode_exact(ElemType::f16, std::ldexp(1.0, -24)), 0x0001u);  // smallest subnormal
    EXPECT_EQ(encode_exact(ElemType::bf16, 1.0), 0x3f80u);
    EXPECT_EQ(encode_exact(ElemType::tf32, 1.0), 0x3f800000u);
    EXPECT_EQ(encode_exact(ElemType::f32, -0.0), 0x80000000u);
    EXPECT_EQ(encode_exact(ElemType::e4m3, 448.0), 0x7eu);
    EXPECT_EQ(encode_exact(ElemType::e5m2, 57344.0), 0x7bu);
    EXPECT_EQ(encode_exact(ElemType::s8, -128.0), 0x80u);
    EXPECT_EQ(encode_exact(ElemType::s4, -1.0), 0xfu);
    EXPECT_EQ(encode_exact(ElemType::u4, 15.0), 0xfu);
}

TEST(Types, RejectsValuesTheTypeCannotRepresent) {
    EXPECT_FALSE(encode_exact(ElemType::f16, 0.1).has_value());
    EXPECT_FALSE(encode_exact(ElemType::f16, 65536.0).has_value());
    EXPECT_FALSE(encode_exact(ElemType::f16, std::ldexp(1.0, -25)).has_value());
    EXPECT_FALSE(encode_exact(ElemType::bf16, 1.0 + 1.0 / 256).has_value());
    EXPECT_FALSE(encode_exact(ElemType::tf32, 1.0 + 1.0 / 2048).has_value());
    EXPECT_FALSE(encode_exact(ElemType::e4m3, 480.0).has_value());
    EXPECT_FALSE(encode_exact(ElemType::e4m3, INFINITY).has_value());
    EXPECT_FALSE(encode_exact(ElemType::s8, 128.0).has_value());
    EXPECT_FALSE(encode_exact(ElemType::u8, -1.0).has_value());
    EXPECT_FALSE(encode_exact(ElemType::s4, 8.0).has_value());
    EXPECT_FALSE(encode_exact(ElemType::s32, 0.5).has_value());
}

TEST(Types, DecodeAndEncodeAgreeOnEveryNarrowPattern) {
    for (ElemType t : {ElemType::f16, ElemType::bf16, ElemType::e4m3, ElemType::e5m2}) {
        const std::uint32_t count = 1u << container_bits(t);
        for (std::uint32_t bits = 0; bits < count; ++bits) {
            const double v = to_double(t, bits);
            if (std::isnan(v)) continue;
            ASSERT_EQ(encode_exact(t, v), bits) << name(t) << " bits " << bits;
        }
    }
}

TEST(Types, Tf32IgnoresTheLow13Bits) {
    EXPECT_EQ(to_double(ElemType::tf32, 0x3f801fffu), 1.0);
    const FloatParts parts = decode_float(ElemType::tf32, 0x3fffffffu);
    EXPECT_EQ(parts.significand, 0x7ffu);
    EXPECT_EQ(parts.fraction_bits, 10);
}

TEST(Types, DecodesSpecials) {
    EXPECT_EQ(decode_float(ElemType::f16, 0x7c00u).kind, FloatParts::Kind::inf);
    EXPECT_EQ(decode_float(ElemType::f16, 0x7e00u).kind, FloatParts::Kind::nan);
    EXPECT_EQ(decode_float(ElemType::e4m3, 0x7fu).kind, FloatParts::Kind::nan);
    EXPECT_EQ(decode_float(ElemType::e4m3, 0x78u).kind, FloatParts::Kind::finite);  // 256
    EXPECT_TRUE(decode_float(ElemType::f16, 0x0001u).is_subnormal());
    EXPECT_EQ(to_integer(ElemType::s4, 0x8u), -8);
    EXPECT_EQ(to_integer(ElemType::u4, 0x8u), 8);
    EXPECT_EQ(to_integer(ElemType::s32, 0xffffffffu), -1);
}

}  // namespace
}  // namespace stcsim::isa
