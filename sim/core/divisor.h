// Divisor: x / d and x % d for a divisor fixed at construction, by a shift and a mask when d is a
// power of two (bank counts, set counts, line sizes usually are), by division otherwise. For the
// per-access arithmetic of caches, register banks and shared-memory banks.
#pragma once

#include <bit>
#include <cstdint>

namespace stcsim::sim {

struct Divisor {
    explicit Divisor(std::uint64_t divisor)
        : d(divisor), shift(std::countr_zero(divisor)), pow2(std::has_single_bit(divisor)) {}
    std::uint64_t div(std::uint64_t x) const { return pow2 ? x >> shift : x / d; }
    std::uint64_t mod(std::uint64_t x) const { return pow2 ? x & (d - 1) : x % d; }
    std::uint64_t d;
    int shift;
    bool pow2;
};

}  // namespace stcsim::sim
