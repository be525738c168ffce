#include "validation/common/values.h"

#include <algorithm>

namespace stcsim::validation {

std::uint32_t random_bits(Rng& rng, std::uint32_t bound) {
    return std::uniform_int_distribution<std::uint32_t>(0, bound - 1)(rng);
}

namespace {
std::uint32_t frac_mask(Elem e) { return (1u << float_format(e).frac_bits) - 1u; }
bool coin(Rng& rng) { return random_bits(rng, 2) == 1; }
}  // namespace

std::uint32_t random_normal(Rng& rng, Elem e, int lo_exp, int hi_exp) {
    if (!elem_is_float(e)) {
        const std::int64_t lo = int_min(e), hi = int_max(e);
        const auto v = std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
        return make_int(e, v);
    }
    lo_exp = std::max(lo_exp, min_normal_exp(e));
    hi_exp = std::min(hi_exp, max_normal_exp(e));
    const int exp = std::uniform_int_distribution<int>(lo_exp, std::max(lo_exp, hi_exp))(rng);
    return make_normal(e, coin(rng), exp, static_cast<std::uint32_t>(rng()) & frac_mask(e));
}

std::uint32_t random_special(Rng& rng, Elem e) {
    const std::uint32_t pick = random_bits(rng, 20);
    if (!elem_is_float(e)) {
        switch (pick) {
            case 0: return make_int(e, int_min(e));
            case 1: case 2: return make_int(e, int_max(e));
            case 3: return make_int(e, 0);
            case 4: return make_int(e, elem_is_signed_int(e) ? -1 : 1);
            default: return random_normal(rng, e, 0, 0);
        }
    }
    const std::uint32_t frac = static_cast<std::uint32_t>(rng()) & frac_mask(e);
    switch (pick) {
        case 0: case 1: case 2: return make_subnormal(e, coin(rng), frac);
        case 3: return make_zero(e, coin(rng));
        case 4: return make_inf(e, coin(rng));
        case 5: return make_nan(e, static_cast<std::uint32_t>(rng()));
        case 6: case 7: {
            const std::uint32_t max = make_max_finite(e, coin(rng));
            return max - std::min<std::uint32_t>(random_bits(rng, 4), frac_mask(e) - 1u);
        }
        case 8: return random_normal(rng, e, min_normal_exp(e), min_normal_exp(e) + 2);
        default: return random_normal(rng, e, -6, 6);
    }
}

std::uint32_t pack_register(Elem e, const std::function<std::uint32_t(int sub)>& element) {
    const int w = elem_bits(e);
    const std::uint32_t mask = w == 32 ? 0xffffffffu : (1u << w) - 1u;
    std::uint32_t reg = 0;
    for (int sub = 0; sub < 32 / w; ++sub) reg |= (element(sub) & mask) << (sub * w);
    return reg;
}

std::uint32_t element_of(Elem e, std::uint32_t reg, int sub) {
    const int w = elem_bits(e);
    const std::uint32_t mask = w == 32 ? 0xffffffffu : (1u << w) - 1u;
    return (reg >> (sub * w)) & mask;
}

}  // namespace stcsim::validation
