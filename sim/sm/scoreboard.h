// Scoreboard: the registers of one warp that an issued instruction will still write.
//
// An instruction may issue only if none of its sources (RAW) or destinations (WAW) is pending.
// reserve() marks the destinations at issue; release() clears them at writeback, which happens
// before issue within a cycle, so a dependent instruction issues in the writeback cycle itself.
#pragma once

#include <array>
#include <cstdint>

#include "sim/sm/warp_instr.h"

namespace stcsim::sim {

class Scoreboard {
public:
    bool pending(std::uint8_t reg) const { return (bits_[reg >> 6] >> (reg & 63)) & 1U; }
    // Precondition: in.compute_mask() was called after its registers were set.
    bool can_issue(const WarpInstr& in) const {
        return ((bits_[0] & in.mask[0]) | (bits_[1] & in.mask[1]) | (bits_[2] & in.mask[2]) |
                (bits_[3] & in.mask[3])) == 0;
    }
    void reserve(const std::uint8_t* regs, int count) {
        for (int i = 0; i < count; ++i) bits_[regs[i] >> 6] |= std::uint64_t{1} << (regs[i] & 63);
    }
    void release(const std::uint8_t* regs, int count) {
        for (int i = 0; i < count; ++i) bits_[regs[i] >> 6] &= ~(std::uint64_t{1} << (regs[i] & 63));
    }
    bool empty() const { return (bits_[0] | bits_[1] | bits_[2] | bits_[3]) == 0; }
    int count() const {
        int n = 0;
        for (auto b : bits_) n += __builtin_popcountll(b);
        return n;
    }

private:
    std::array<std::uint64_t, 4> bits_{};
};

}  // namespace stcsim::sim
