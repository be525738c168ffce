// Element types of tensor-core operands: names, register containers, and exact decoding and
// encoding of their raw bits.
//
// Every value is handled as raw bits in its container (the low bits of a uint32_t). Floating-point
// decoding is exact: value = (-1)^negative * significand * 2^(exponent - fraction_bits), where
// `exponent` is the unbiased exponent the format assigns (emin for zeros and subnormals), so no
// information is lost and no host floating-point rounding is involved.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace stcsim::isa {

enum class ElemType : std::uint8_t { f16, bf16, tf32, f32, e4m3, e5m2, s8, u8, s4, u4, s32 };

std::string_view name(ElemType type);
std::optional<ElemType> parse_elem_type(std::string_view name);

// Width in bits of one element inside a 32-bit register (tf32 occupies a whole fp32 word).
int container_bits(ElemType type);
// Number of hex digits used to print an element's raw bits (container_bits / 4).
int hex_digits(ElemType type);
bool is_float(ElemType type);
bool is_integer(ElemType type);
bool is_signed_integer(ElemType type);

// Layout of a floating-point format: fraction (mantissa) bits, exponent bits, bias, and whether
// the all-ones exponent encodes Inf/NaN (IEEE style) or e4m3's single NaN pattern.
struct FloatFormat {
    int fraction_bits;
    int exponent_bits;
    int bias;
    bool ieee_specials;  // false for e4m3: no Inf, NaN only at S.1111.111
    int emin() const { return 1 - bias; }
};
// Only for float types. tf32 reports 10 fraction bits: the low 13 bits of its fp32 word are
// ignored by the hardware.
FloatFormat float_format(ElemType type);

struct FloatParts {
    enum class Kind : std::uint8_t { zero, finite, inf, nan };
    Kind kind = Kind::zero;
    bool negative = false;
    std::uint32_t significand = 0;  // includes the hidden bit for normal numbers
    int exponent = 0;               // unbiased; emin for zeros and subnormals
    int fraction_bits = 0;
    bool is_subnormal() const;
};

// Decodes raw bits (tf32: the fp32 word; its low 13 bits are discarded).
FloatParts decode_float(ElemType type, std::uint32_t bits);
// The exact value as a double (every supported format fits exactly), NaN and Inf included.
double to_double(ElemType type, std::uint32_t bits);
// Integer types: the value of raw bits (sign-extended for signed types).
std::int64_t to_integer(ElemType type, std::uint32_t bits);

// Raw bits of `value` if the type represents it exactly (float types: -0.0, Inf and NaN too,
// where the format has them), otherwise nothing.
std::optional<std::uint32_t> encode_exact(ElemType type, double value);
// Raw bits of an integer value if it lies in the type's range.
std::optional<std::uint32_t> encode_integer(ElemType type, std::int64_t value);

// Masks raw bits to the element's container.
std::uint32_t container_mask(ElemType type);

}  // namespace stcsim::isa
