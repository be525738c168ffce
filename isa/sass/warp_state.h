// The architectural state of one warp as the SASS emulator sees it: 32 lanes' general registers,
// predicates, the warp's uniform registers and predicates, and for each of them whether its value
// is known (computed from the launch) or opaque (derived from memory contents the emulator does not
// have, or from arithmetic it does not model): per lane for registers and predicates (a mask of the
// lanes where it is known), per warp for uniform ones.
//
// Contract: plain data plus tiny accessors. Registers are stored register-major (32 lanes of one
// register contiguous). R255 (RZ) and UR63 (URZ) read as zero and ignore writes; P7 / UP7 (PT) read
// as true.
#pragma once

#include <array>
#include <bitset>
#include <cstdint>

#include "isa/sass/instruction.h"

namespace stcsim::isa::sass {

inline constexpr int kLanes = 32;

struct WarpState {
    alignas(64) std::array<std::array<std::uint32_t, kLanes>, 256> r{};
    std::array<std::uint32_t, 8> p{};      // per predicate: the mask of lanes where it is true
    std::array<std::uint32_t, 64> ur{};
    std::array<bool, 8> up{};
    std::array<std::uint32_t, 256> r_known{};  // per register: the lanes whose value is known
    std::array<std::uint32_t, 8> p_known{};
    std::bitset<64> ur_known;
    std::array<bool, 8> up_known{};

    std::uint32_t warp_id = 0;
    std::uint32_t live = 0;     // lanes that are threads of the block
    std::uint32_t exited = 0;   // lanes that executed EXIT
    std::array<std::uint32_t, kLanes> tid_x{}, tid_y{}, tid_z{};

    void reset(std::uint32_t live_lanes) {
        for (auto& reg : r) reg.fill(0);
        p.fill(0);
        p[kPT] = ~0u;
        ur.fill(0);
        up.fill(false);
        up[kPT] = true;
        r_known.fill(~0u);  // registers start as zero (what the emulator assumes is never read)
        p_known.fill(~0u);
        ur_known.set();
        up_known.fill(true);
        live = live_lanes;
        exited = 0;
    }
};

}  // namespace stcsim::isa::sass
