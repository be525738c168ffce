// Divisor: x / d and x % d for a divisor fixed at construction, without a division instruction
// (tens of cycles on the host) per call: by a shift and a mask when d is a power of two (bank
// counts, line sizes), otherwise by multiplying with a 128-bit fixed-point reciprocal of d
// (cache set counts such as 10240). Exact for every 64-bit x. For the per-access arithmetic of
// caches, register banks and shared-memory banks.
#pragma once

#include <bit>
#include <cstdint>

namespace stcsim::sim {

__extension__ using Uint128 = unsigned __int128;  // GCC and Clang

struct Divisor {
    // Precondition: divisor >= 1.
    explicit Divisor(std::uint64_t divisor)
        : d(divisor), shift(std::countr_zero(divisor)), pow2(std::has_single_bit(divisor)),
          // ceil(2^128 / d): the product x * reciprocal carries x / d in its top 64 bits and the
          // fraction (x mod d) / d in its low 128 bits.
          reciprocal(pow2 ? 0 : ~static_cast<Uint128>(0) / divisor + 1) {}
    std::uint64_t div(std::uint64_t x) const { return pow2 ? x >> shift : high64(reciprocal, x); }
    std::uint64_t mod(std::uint64_t x) const { return pow2 ? x & (d - 1) : high64(reciprocal * x, d); }

    std::uint64_t d;
    int shift;
    bool pow2;

private:
    // (a * b) >> 128 for a 128-bit a and a 64-bit b.
    static std::uint64_t high64(Uint128 a, std::uint64_t b) {
        const Uint128 low = (a & ~std::uint64_t{0}) * static_cast<Uint128>(b);
        const Uint128 high = (a >> 64) * static_cast<Uint128>(b);
        return static_cast<std::uint64_t>((high + (low >> 64)) >> 64);
    }
    Uint128 reciprocal;
};

}  // namespace stcsim::sim
