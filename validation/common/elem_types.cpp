#include "validation/common/elem_types.h"

namespace stcsim::validation {

int elem_bits(Elem e) {
    switch (e) {
        case Elem::f16: case Elem::bf16: return 16;
        case Elem::tf32: case Elem::f32: case Elem::s32: return 32;
        case Elem::s8: case Elem::u8: case Elem::e4m3: case Elem::e5m2: return 8;
        case Elem::s4: case Elem::u4: return 4;
    }
    return 0;
}

bool elem_is_float(Elem e) {
    switch (e) {
        case Elem::f16: case Elem::bf16: case Elem::tf32: case Elem::f32: case Elem::e4m3: case Elem::e5m2:
            return true;
        default: return false;
    }
}

bool elem_is_signed_int(Elem e) { return e == Elem::s32 || e == Elem::s8 || e == Elem::s4; }

std::string_view elem_name(Elem e) {
    switch (e) {
        case Elem::f16: return "f16";
        case Elem::bf16: return "bf16";
        case Elem::tf32: return "tf32";
        case Elem::f32: return "f32";
        case Elem::s32: return "s32";
        case Elem::s8: return "s8";
        case Elem::u8: return "u8";
        case Elem::s4: return "s4";
        case Elem::u4: return "u4";
        case Elem::e4m3: return "e4m3";
        case Elem::e5m2: return "e5m2";
    }
    return "?";
}

FloatFormat float_format(Elem e) {
    switch (e) {
        case Elem::f16: return {5, 10, 15, true};
        case Elem::bf16: return {8, 7, 127, true};
        case Elem::tf32: case Elem::f32: return {8, 23, 127, true};
        case Elem::e4m3: return {4, 3, 7, false};
        case Elem::e5m2: return {5, 2, 15, true};
        default: return {};
    }
}

namespace {
std::uint32_t pack(const FloatFormat& f, bool sign, std::uint32_t exp_field, std::uint32_t frac) {
    const std::uint32_t frac_mask = (1u << f.frac_bits) - 1u;
    return (static_cast<std::uint32_t>(sign) << (f.exp_bits + f.frac_bits)) | (exp_field << f.frac_bits) |
           (frac & frac_mask);
}
std::uint32_t all_ones(int bits) { return (1u << bits) - 1u; }
}  // namespace

int min_normal_exp(Elem e) { return 1 - float_format(e).bias; }

int max_normal_exp(Elem e) {
    const FloatFormat f = float_format(e);
    // e4m3 uses the all-ones exponent for finite values (only S.1111.111 is NaN).
    return static_cast<int>(all_ones(f.exp_bits)) - (f.has_inf ? 1 : 0) - f.bias;
}

std::uint32_t make_normal(Elem e, bool sign, int exp, std::uint32_t frac) {
    const FloatFormat f = float_format(e);
    std::uint32_t bits = pack(f, sign, static_cast<std::uint32_t>(exp + f.bias), frac);
    if (e == Elem::e4m3 && (bits & 0x7fu) == 0x7fu) bits &= ~1u;  // keep clear of the NaN code
    return bits;
}

std::uint32_t make_subnormal(Elem e, bool sign, std::uint32_t frac) {
    const FloatFormat f = float_format(e);
    return pack(f, sign, 0, frac == 0 ? 1u : frac);
}

std::uint32_t make_inf(Elem e, bool sign) {
    const FloatFormat f = float_format(e);
    if (!f.has_inf) return make_max_finite(e, sign);
    return pack(f, sign, all_ones(f.exp_bits), 0);
}

std::uint32_t make_nan(Elem e, std::uint32_t payload) {
    const FloatFormat f = float_format(e);
    if (!f.has_inf) return pack(f, (payload & 0x80000000u) != 0, all_ones(f.exp_bits), all_ones(f.frac_bits));
    const std::uint32_t frac = payload & all_ones(f.frac_bits);
    return pack(f, (payload & 0x80000000u) != 0, all_ones(f.exp_bits), frac == 0 ? 1u : frac);
}

std::uint32_t make_max_finite(Elem e, bool sign) {
    const FloatFormat f = float_format(e);
    if (!f.has_inf) return pack(f, sign, all_ones(f.exp_bits), all_ones(f.frac_bits) - 1u);
    return pack(f, sign, all_ones(f.exp_bits) - 1u, all_ones(f.frac_bits));
}

std::uint32_t make_zero(Elem e, bool sign) { return pack(float_format(e), sign, 0, 0); }

std::int64_t int_min(Elem e) {
    if (!elem_is_signed_int(e)) return 0;
    return -(std::int64_t{1} << (elem_bits(e) - 1));
}

std::int64_t int_max(Elem e) {
    return elem_is_signed_int(e) ? (std::int64_t{1} << (elem_bits(e) - 1)) - 1 : (std::int64_t{1} << elem_bits(e)) - 1;
}

std::uint32_t make_int(Elem e, std::int64_t v) {
    const int bits = elem_bits(e);
    const std::uint64_t mask = bits == 32 ? 0xffffffffull : (1ull << bits) - 1ull;
    return static_cast<std::uint32_t>(static_cast<std::uint64_t>(v) & mask);
}

}  // namespace stcsim::validation
