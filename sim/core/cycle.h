// Cycle: the one clock of a simulation, as a strong type so that cycle counts never mix with
// other integers (register numbers, byte counts, instruction counts) by accident.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>

namespace stcsim::sim {

class Cycle {
public:
    constexpr Cycle() = default;
    constexpr explicit Cycle(std::uint64_t value) : value_(value) {}
    static constexpr Cycle never() { return Cycle{std::numeric_limits<std::uint64_t>::max()}; }

    constexpr std::uint64_t value() const { return value_; }
    constexpr auto operator<=>(const Cycle&) const = default;

    constexpr Cycle operator+(std::uint64_t delta) const { return Cycle{value_ + delta}; }
    constexpr Cycle& operator+=(std::uint64_t delta) {
        value_ += delta;
        return *this;
    }
    // Distance between two cycles; the left one must not be earlier.
    constexpr std::uint64_t operator-(const Cycle& earlier) const { return value_ - earlier.value_; }

private:
    std::uint64_t value_ = 0;
};

}  // namespace stcsim::sim
