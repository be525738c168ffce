// Tensor-core arithmetic: the bit-exact value of one element of D = C + A*B, as pure functions of
// raw bits (no clock, no state).
//
// Floating-point forms follow the measured "block fused dot-add" model of the dense units
// (hardware-facts.md section 5; MMA-Sim, Xie et al. arXiv 2511.10909; Khattak and Mikaitis). For
// one block of products and an accumulator C:
//  1. Specials, evaluated exactly: any NaN input, Inf*0 or +Inf-Inf among the terms gives the
//     canonical NaN (0x7FFFFFFF f32, 0x7FFF f16); otherwise any Inf term gives that Inf.
//  2. Each product a*b is exact. Its alignment exponent is e(a)+e(b), the sum of the inputs'
//     unbiased exponents, not the exponent of the exact product. A subnormal input counts with its
//     format's minimum exponent. A product with a zero factor aligns at -126, like a zero C, so it
//     never sets e_max: 0 * FLT_MAX does not truncate the other terms (measured on H200; see
//     arithmetic.cpp for the evidence).
//  3. C enters with its own exponent (zero: -126). With an f16 D, C is first rounded to f16 (RNE).
//  4. e_max is the largest alignment exponent; every term is truncated toward zero to a multiple
//     of 2^(e_max - F) and the truncated terms are summed exactly.
//  5. The sum is converted to D: f32 by truncation toward zero to `result_fraction_bits` fraction
//     bits (subnormals kept; beyond FLT_MAX: Inf), f16 by round to nearest even.
// Products are split, in K order, into consecutive blocks of `products_per_block`; each block's
// converted result is the C of the next. For mma.sp the caller passes only the kept products (the
// pruned B values are never read), so a NaN at a pruned position does not propagate.
//
// Integer forms are exact: D = C + sum(a_i*b_i) in s32, wrapping modulo 2^32 or, with .satfinite,
// clamped to [INT32_MIN, INT32_MAX] (clamped once, at the end).
#pragma once

#include <cstdint>
#include <span>

#include "isa/arch.h"
#include "isa/types.h"

namespace stcsim::isa {

// Raw bits of one A element and one B element (in the low bits of their containers).
struct Product {
    std::uint32_t a;
    std::uint32_t b;
};

// Parameters of the block fused-dot-add model for one instruction on one architecture.
struct BlockFmaModel {
    int alignment_fraction_bits;  // F: terms truncated to multiples of 2^(e_max - F)
    int products_per_block;       // products fused in one block; its result is C of the next block
    int result_fraction_bits;     // fraction bits kept in an f32 D (23; 13 for fp8 "e8m13")
};

// Per-architecture defaults for a floating-point A/B type (either fp8 type for mixed fp8 forms).
// `sparse` selects the sparse path: the sparse unit fuses as many KEPT products per block as the
// dense unit fuses products, so the parameters are the dense ones. Measured on H200 (sm_90) for
// f16, bf16 and tf32 (tf32 m16n8k16: its 8 kept products in one block, F 25); unmeasured before
// sm_90. Throws InternalError for integer types and fp8 before sm_89.
BlockFmaModel block_fma_model(Arch arch, ElemType ab_type, bool sparse);

// D = C + sum(a_i*b_i) for floating types, the products given in K order (for mma.sp only the
// kept products). a_type and b_type may differ (e4m3 x e5m2). c_type and d_type are f32 or f16.
// Returns the raw bits of D in its container.
std::uint32_t fused_dot_add(ElemType a_type, ElemType b_type, ElemType c_type, ElemType d_type,
                            std::span<const Product> products, std::uint32_t c_bits,
                            const BlockFmaModel& model);
// Same, with A and B of one type.
std::uint32_t fused_dot_add(ElemType ab_type, ElemType c_type, ElemType d_type,
                            std::span<const Product> products, std::uint32_t c_bits,
                            const BlockFmaModel& model);

// Integer forms: exact products and sum (s8/u8/s4/u4, any mix of signedness), C and D s32.
std::uint32_t integer_dot_add(ElemType a_type, ElemType b_type, std::span<const Product> products,
                              std::uint32_t c_bits, bool satfinite);

// Rounds an f32 value to f16, to nearest with ties to even (NaN: 0x7FFF, overflow: Inf). This is
// how an f32 C enters a block with an f16 result.
std::uint32_t f32_to_f16_rne(std::uint32_t f32_bits);

// IEEE additions, rounded to nearest even with subnormals kept, as the SASS FADD (without .FTZ)
// and each half of HADD2 compute them. A NaN result is the canonical NaN (0x7FFFFFFF, 0x7FFF).
// Used where ptxas adds C after the tensor instructions (isa/execute_fp8_sm90.h).
std::uint32_t f32_add_rne(std::uint32_t a_bits, std::uint32_t b_bits);
std::uint32_t f16_add_rne(std::uint32_t a_bits, std::uint32_t b_bits);

}  // namespace stcsim::isa
