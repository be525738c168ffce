// Seeded random element values and register packing for the validation programs' inputs.
// Host code only; no CUDA. All randomness comes from one std::mt19937 the caller seeds, so a run
// with the same seed writes the same cases.
#pragma once

#include <cstdint>
#include <functional>
#include <random>

#include "validation/common/elem_types.h"

namespace stcsim::validation {

using Rng = std::mt19937;

// A finite, normal value with exponent in [lo_exp, hi_exp] (clamped to the type's normal range)
// and random sign and fraction; integers: uniform over the whole type.
std::uint32_t random_normal(Rng& rng, Elem e, int lo_exp, int hi_exp);
// Random element that is, with fixed odds, a special value: subnormal, +-0, +-Inf, NaN (varied
// payloads), a value within a few ulps of the largest finite, or else a normal value. Integers:
// extremes (min, max, 0, -1) or uniform.
std::uint32_t random_special(Rng& rng, Elem e);

// Packs 32 / elem_bits(e) elements into one register, element `sub` at bits [sub*w, sub*w + w).
std::uint32_t pack_register(Elem e, const std::function<std::uint32_t(int sub)>& element);
std::uint32_t element_of(Elem e, std::uint32_t reg, int sub);

std::uint32_t random_bits(Rng& rng, std::uint32_t bound);  // uniform in [0, bound)

}  // namespace stcsim::validation
