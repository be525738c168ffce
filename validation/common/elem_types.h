// Element types of mma operands as the validation programs see them: container width, number
// format, and raw-bit constructors for the values the probes need (normal, subnormal, Inf, NaN,
// largest finite). Host code only; no CUDA.
#pragma once

#include <cstdint>
#include <string_view>

namespace stcsim::validation {

enum class Elem { f16, bf16, tf32, f32, s32, s8, u8, s4, u4, e4m3, e5m2 };

int elem_bits(Elem e);                // container bits: 16, 32, 8 or 4
bool elem_is_float(Elem e);
bool elem_is_signed_int(Elem e);
std::string_view elem_name(Elem e);   // PTX spelling: "f16", "e4m3", ...

// Floating formats as sign / exponent / fraction fields. tf32 lives in an fp32 container: its raw
// bits are fp32 bits (the hardware ignores the low 13 fraction bits).
struct FloatFormat {
    int exp_bits = 0;
    int frac_bits = 0;      // stored fraction bits of the container
    int bias = 0;
    bool has_inf = true;    // e4m3 has no Inf; its only NaN is S.1111.111
};
FloatFormat float_format(Elem e);

// Raw bits of (-1)^sign * 1.frac * 2^exp for a normal value (exp unbiased, frac the stored
// fraction field). The caller keeps exp within the normal range.
std::uint32_t make_normal(Elem e, bool sign, int exp, std::uint32_t frac);
std::uint32_t make_subnormal(Elem e, bool sign, std::uint32_t frac);  // frac != 0
std::uint32_t make_inf(Elem e, bool sign);                           // e4m3: largest finite
std::uint32_t make_nan(Elem e, std::uint32_t payload);               // quiet or signalling by payload
std::uint32_t make_max_finite(Elem e, bool sign);
std::uint32_t make_zero(Elem e, bool sign);
int min_normal_exp(Elem e);
int max_normal_exp(Elem e);

// Integer elements: the container bits of value v (two's complement for signed types).
std::uint32_t make_int(Elem e, std::int64_t v);
std::int64_t int_min(Elem e);
std::int64_t int_max(Elem e);

}  // namespace stcsim::validation
