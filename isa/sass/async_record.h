// What one executed mbarrier or TMA instruction did, in the terms a trace line states it (the
// `mbar=` / `tma=` tokens of traces/README.md): the emulator fills one per such instruction and
// hands it to the InstructionSink before the instruction itself. Plain data, no clock.
#pragma once

#include <array>
#include <cstdint>

namespace stcsim::isa::sass {

enum class AsyncKind : std::uint8_t {
    none,
    mbar_init,      // count: arrivals per phase
    mbar_arrive,    // count: arrivals per lane (0: expect-tx only); bytes: expect-tx per lane
    mbar_complete,  // bytes: transaction bytes done per lane
    mbar_wait,      // count: parity of the phase waited for
    mbar_inval,
    tma_load,       // smem, mbar, bytes, box
    tma_store,      // smem, bytes, box
};

inline constexpr int kMaxBoxRowDims = 4;

struct AsyncRecord {
    AsyncKind kind = AsyncKind::none;
    std::uint32_t count = 0;
    std::uint64_t bytes = 0;
    std::uint32_t smem = 0, mbar = 0;  // shared-memory offsets
    // The global rows of a TMA box: row_bytes contiguous bytes at global + sum(i_d * stride[d]),
    // 0 <= i_d < extent[d], d < row_dims; row_bytes 0 when the whole box lies outside the tensor.
    std::uint64_t global = 0;
    std::uint32_t row_bytes = 0;
    std::uint8_t row_dims = 0;
    std::array<std::uint32_t, kMaxBoxRowDims> extent{};
    std::array<std::int64_t, kMaxBoxRowDims> stride{};
};

// The state of one mbarrier as the emulator keeps it: arrivals still expected in the current
// phase, the transaction bytes expected and not yet complete, and the phase number.
struct MbarrierState {
    std::uint32_t expected = 0, pending = 0;
    std::int64_t tx = 0;
    std::uint32_t phase = 0;
    // The phase with this parity has completed (a barrier starts in phase 0: parity 1 passes).
    bool completed(std::uint32_t parity) const { return (phase & 1u) != parity; }
};

}  // namespace stcsim::isa::sass
