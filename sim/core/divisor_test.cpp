#include "sim/core/divisor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace stcsim::sim {
namespace {

void expect_exact(std::uint64_t d, std::uint64_t x) {
    const Divisor divisor(d);
    ASSERT_EQ(divisor.div(x), x / d) << x << " / " << d;
    ASSERT_EQ(divisor.mod(x), x % d) << x << " % " << d;
}

TEST(Divisor, EqualsDivisionForEveryKindOfDivisorAndEdgeNumerators) {
    constexpr std::uint64_t max = std::numeric_limits<std::uint64_t>::max();
    const std::vector<std::uint64_t> divisors = {1, 2, 3, 5, 7, 10, 32, 40, 96, 10240, 20480, 65537,
                                                 (std::uint64_t{1} << 32) + 1, max / 3, max - 1, max};
    for (const std::uint64_t d : divisors) {
        const std::vector<std::uint64_t> xs = {0, 1, d - 1, d, d + 1, 2 * d - 1, max, max - 1, max - d,
                                               max / d * d, max / d * d - 1, std::uint64_t{1} << 63};
        for (const std::uint64_t x : xs) expect_exact(d, x);
    }
}

TEST(Divisor, EqualsDivisionOnRandomNumbers) {
    std::mt19937_64 rng(11);
    for (int i = 0; i < 200000; ++i) {
        // Divisors of every size, numerators of every size (cache lines, register numbers).
        const std::uint64_t d = std::max<std::uint64_t>(1, rng() >> (rng() % 64));
        const std::uint64_t x = rng() >> (rng() % 64);
        expect_exact(d, x);
    }
}

}  // namespace
}  // namespace stcsim::sim
