#include "isa/types.h"

#include <array>
#include <cmath>
#include <limits>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

struct TypeInfo {
    ElemType type;
    std::string_view name;
    int container_bits;
};

constexpr std::array<TypeInfo, 11> kTypes{{
    {ElemType::f16, "f16", 16},  {ElemType::bf16, "bf16", 16}, {ElemType::tf32, "tf32", 32},
    {ElemType::f32, "f32", 32},  {ElemType::e4m3, "e4m3", 8},  {ElemType::e5m2, "e5m2", 8},
    {ElemType::s8, "s8", 8},     {ElemType::u8, "u8", 8},      {ElemType::s4, "s4", 4},
    {ElemType::u4, "u4", 4},     {ElemType::s32, "s32", 32},
}};

const TypeInfo& info(ElemType type) { return kTypes.at(static_cast<std::size_t>(type)); }

// Sign bit position and raw bit layout as stored (tf32 is laid out as fp32).
int storage_fraction_bits(ElemType type) {
    return type == ElemType::tf32 ? 23 : float_format(type).fraction_bits;
}

int integer_bits(ElemType type) { return info(type).container_bits; }

}  // namespace

std::string_view name(ElemType type) { return info(type).name; }

std::optional<ElemType> parse_elem_type(std::string_view text) {
    for (const auto& entry : kTypes) {
        if (entry.name == text) return entry.type;
    }
    return std::nullopt;
}

int container_bits(ElemType type) { return info(type).container_bits; }
int hex_digits(ElemType type) { return container_bits(type) / 4; }

bool is_float(ElemType type) {
    switch (type) {
        case ElemType::f16: case ElemType::bf16: case ElemType::tf32: case ElemType::f32:
        case ElemType::e4m3: case ElemType::e5m2: return true;
        default: return false;
    }
}
bool is_integer(ElemType type) { return !is_float(type); }
bool is_signed_integer(ElemType type) {
    return type == ElemType::s8 || type == ElemType::s4 || type == ElemType::s32;
}

std::uint32_t container_mask(ElemType type) {
    const int bits = container_bits(type);
    return bits == 32 ? 0xffffffffu : ((1u << bits) - 1u);
}

FloatFormat float_format(ElemType type) {
    switch (type) {
        case ElemType::f16: return {10, 5, 15, true};
        case ElemType::bf16: return {7, 8, 127, true};
        case ElemType::tf32: return {10, 8, 127, true};
        case ElemType::f32: return {23, 8, 127, true};
        case ElemType::e4m3: return {3, 4, 7, false};
        case ElemType::e5m2: return {2, 5, 15, true};
        default: throw InternalError("float_format: not a floating-point type");
    }
}

bool FloatParts::is_subnormal() const {
    return kind == Kind::finite && (significand >> fraction_bits) == 0;
}

FloatParts decode_float(ElemType type, std::uint32_t bits) {
    const FloatFormat fmt = float_format(type);
    const int stored_fraction = storage_fraction_bits(type);
    const int exponent_bits = fmt.exponent_bits;
    bits &= container_mask(type);
    const std::uint32_t exponent_field = (bits >> stored_fraction) & ((1u << exponent_bits) - 1u);
    std::uint32_t fraction = bits & ((1u << stored_fraction) - 1u);
    // tf32: keep the top 10 fraction bits of the fp32 word, drop the low 13.
    fraction >>= (stored_fraction - fmt.fraction_bits);
    const std::uint32_t max_exponent = (1u << exponent_bits) - 1u;

    FloatParts parts;
    parts.negative = ((bits >> (stored_fraction + exponent_bits)) & 1u) != 0;
    parts.fraction_bits = fmt.fraction_bits;
    if (fmt.ieee_specials && exponent_field == max_exponent) {
        parts.kind = fraction == 0 ? FloatParts::Kind::inf : FloatParts::Kind::nan;
        return parts;
    }
    if (!fmt.ieee_specials && exponent_field == max_exponent &&
        fraction == (1u << fmt.fraction_bits) - 1u) {
        parts.kind = FloatParts::Kind::nan;  // e4m3: S.1111.111
        return parts;
    }
    if (exponent_field == 0) {
        parts.exponent = fmt.emin();
        parts.significand = fraction;
        parts.kind = fraction == 0 ? FloatParts::Kind::zero : FloatParts::Kind::finite;
        return parts;
    }
    parts.kind = FloatParts::Kind::finite;
    parts.exponent = static_cast<int>(exponent_field) - fmt.bias;
    parts.significand = fraction | (1u << fmt.fraction_bits);
    return parts;
}

double to_double(ElemType type, std::uint32_t bits) {
    if (is_integer(type)) return static_cast<double>(to_integer(type, bits));
    const FloatParts parts = decode_float(type, bits);
    const double sign = parts.negative ? -1.0 : 1.0;
    switch (parts.kind) {
        case FloatParts::Kind::nan: return std::numeric_limits<double>::quiet_NaN();
        case FloatParts::Kind::inf: return sign * std::numeric_limits<double>::infinity();
        case FloatParts::Kind::zero: return sign * 0.0;
        case FloatParts::Kind::finite:
            return sign * std::ldexp(static_cast<double>(parts.significand),
                                     parts.exponent - parts.fraction_bits);
    }
    return 0.0;
}

std::int64_t to_integer(ElemType type, std::uint32_t bits) {
    const int width = integer_bits(type);
    bits &= container_mask(type);
    if (is_signed_integer(type) && ((bits >> (width - 1)) & 1u)) {
        return static_cast<std::int64_t>(bits) - (std::int64_t{1} << width);
    }
    return static_cast<std::int64_t>(bits);
}

std::optional<std::uint32_t> encode_integer(ElemType type, std::int64_t value) {
    if (!is_integer(type)) return std::nullopt;
    const int width = integer_bits(type);
    const std::int64_t lo = is_signed_integer(type) ? -(std::int64_t{1} << (width - 1)) : 0;
    const std::int64_t hi = is_signed_integer(type) ? (std::int64_t{1} << (width - 1)) - 1
                                                    : (std::int64_t{1} << width) - 1;
    if (value < lo || value > hi) return std::nullopt;
    return static_cast<std::uint32_t>(value) & container_mask(type);
}

std::optional<std::uint32_t> encode_exact(ElemType type, double value) {
    if (is_integer(type)) {
        if (!std::isfinite(value) || std::trunc(value) != value || std::fabs(value) > 4.3e9) {
            return std::nullopt;
        }
        return encode_integer(type, static_cast<std::int64_t>(value));
    }
    const FloatFormat fmt = float_format(type);
    const int stored_fraction = storage_fraction_bits(type);
    const int sign_shift = stored_fraction + fmt.exponent_bits;
    const std::uint32_t sign = std::signbit(value) ? (1u << sign_shift) : 0u;
    const std::uint32_t max_exponent = (1u << fmt.exponent_bits) - 1u;
    if (std::isnan(value)) {
        // Canonical quiet NaN of the format.
        if (!fmt.ieee_specials) return sign | (max_exponent << stored_fraction) | 0x7u;
        return (max_exponent << stored_fraction) | (1u << (stored_fraction - 1));
    }
    if (std::isinf(value)) {
        if (!fmt.ieee_specials) return std::nullopt;
        return sign | (max_exponent << stored_fraction);
    }
    if (value == 0.0) return sign;

    int exp2 = 0;  // value = m * 2^exp2 with m in [0.5, 1)
    const double mantissa = std::frexp(std::fabs(value), &exp2);
    int exponent = exp2 - 1;  // value = (2m) * 2^exponent, 2m in [1, 2)
    std::uint32_t exponent_field = 0;
    if (exponent < fmt.emin()) {
        exponent = fmt.emin();  // subnormal: no hidden bit
    } else {
        exponent_field = static_cast<std::uint32_t>(exponent + fmt.bias);
    }
    const double scaled = std::ldexp(std::fabs(value), fmt.fraction_bits - exponent);
    if (scaled != std::trunc(scaled)) return std::nullopt;  // needs more fraction bits
    (void)mantissa;
    const auto significand = static_cast<std::uint64_t>(scaled);
    const std::uint32_t fraction = static_cast<std::uint32_t>(significand) &
                                   ((1u << fmt.fraction_bits) - 1u);
    if (exponent_field >= max_exponent + (fmt.ieee_specials ? 0u : 1u)) return std::nullopt;
    if (!fmt.ieee_specials && exponent_field == max_exponent &&
        fraction == (1u << fmt.fraction_bits) - 1u) {
        return std::nullopt;  // e4m3's NaN pattern: 448 is the largest finite value
    }
    const std::uint32_t bits = sign | (exponent_field << stored_fraction) |
                               (fraction << (stored_fraction - fmt.fraction_bits));
    return bits;
}

}  // namespace stcsim::isa
