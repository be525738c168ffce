// Shared memory: bank conflicts of ld.shared / st.shared and ldmatrix, the fragment delivery of
// ldmatrix, and the timing of one access: its data is back after latency + wavefront_latency_cycles
// per further wavefront, and it holds the banks for wavefront_cycles per wavefront. The two differ:
// the wavefronts of one warp's access may follow each other more slowly than the banks serve
// wavefronts of all accesses together.
//
// Bank model: `banks` banks of `bank_width_bytes`; byte address a lives in bank
// (a / bank_width) mod banks. One wavefront moves banks * bank_width bytes (128 B). A warp access
// of w bytes per lane is split into phases of (128 / w) lanes (all 32 for w <= 4, half warps for
// 8 B, quarter warps for 16 B); within a phase, each bank serves one distinct word per wavefront
// (lanes reading the same word share it: broadcast), so a phase takes as many wavefronts as the
// most distinct words any one bank holds. ldmatrix: matrix i's eight 16-byte rows come from the
// row addresses of lanes 8i..8i+7; each matrix is one phase.
#pragma once

#include <array>
#include <cstdint>
#include <string>

#include "isa/ldmatrix_layout.h"
#include "sim/config/memory_spec.h"
#include "sim/core/stats.h"

namespace stcsim::sim {

struct LaneAddresses {
    std::array<std::uint64_t, 32> addr{};
    std::uint32_t active = 0xffffffffu;
};

// Wavefronts of one warp access of `width_bytes` (1, 2, 4, 8 or 16) per lane.
int shared_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int width_bytes);

// Wavefronts of ldmatrix .x`num` (1, 2 or 4); row addresses from lanes 0..8*num-1. .trans moves
// the same bytes and so has the same wavefronts.
int ldmatrix_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int num);

// The fragment delivery of ldmatrix (isa/ldmatrix_layout.h).
using isa::ldmatrix_source;
using isa::MatrixElement;

// Per-SM shared-memory port: the banks serve one access at a time, wavefront by wavefront.
class SharedMemory {
public:
    explicit SharedMemory(const SharedMemorySpec& spec) : spec_(spec) {}

    enum class Kind { load, store, ldmatrix };
    // Issues an access at `now` (or when the banks are free); returns the cycle its data is in
    // registers (loads, ldmatrix) or written (stores).
    std::uint64_t access(Kind kind, int wavefronts, std::uint64_t now);

    struct State {
        std::uint64_t accesses = 0;
        std::uint64_t wavefronts = 0;
        std::uint64_t bank_conflicts = 0;  // wavefronts beyond one per phase
        std::uint64_t ldmatrix = 0;
        std::uint64_t bytes = 0;
        std::uint64_t busy_until = 0;
    };
    const State& state() const { return state_; }
    // Counts `bytes` moved and `phases` phases (conflicts = wavefronts - phases).
    void count(std::uint64_t bytes, int phases, int wavefronts);
    void register_stats(Stats& stats, const std::string& prefix) const;

private:
    const SharedMemorySpec& spec_;
    State state_;
};

}  // namespace stcsim::sim
