// WarpInstr: one decoded warp instruction as the SM sees it: which timing class it belongs to
// and which registers it reads and writes. Plain data, no allocation; streams hand out pointers
// to instructions they own.
#pragma once

#include <array>
#include <cstdint>

namespace stcsim::sim {

struct WarpInstr {
    static constexpr int kMaxSrc = 16;
    static constexpr int kMaxDst = 4;
    std::uint16_t op = 0;    // index into the SM's table of MmaTiming
    std::uint16_t tail = 0;  // accumulate + writeback cycles, set by Sm::prepare
    std::uint8_t n_src = 0;
    std::uint8_t n_dst = 0;
    std::array<std::uint8_t, kMaxSrc> src{};
    std::array<std::uint8_t, kMaxDst> dst{};
    // Bit r set when register r is a source or a destination (the scoreboard's issue check);
    // computed by compute_mask() once the registers are set.
    std::array<std::uint64_t, 4> mask{};

    void compute_mask() {
        mask.fill(0);
        for (int i = 0; i < n_src; ++i) set(src[static_cast<std::size_t>(i)]);
        for (int i = 0; i < n_dst; ++i) set(dst[static_cast<std::size_t>(i)]);
    }

private:
    void set(std::uint8_t reg) { mask[reg >> 6] |= std::uint64_t{1} << (reg & 63); }
};

// The instruction stream of one warp, in program order (warps issue in order).
class InstrStream {
public:
    virtual ~InstrStream() = default;
    // The next instruction, or nullptr when the warp has no more. The pointer stays valid until
    // the following call.
    virtual const WarpInstr* next() = 0;
};

}  // namespace stcsim::sim
