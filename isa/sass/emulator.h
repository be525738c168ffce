// The SASS warp emulator: runs every warp of a CTA over a Program, lane by lane, and reports each
// executed warp instruction with its active lanes and per-lane addresses.
//
// Contract: run_cta executes the CTA to completion. Warps run one after another, each until it
// reaches BAR.SYNC or exits, so that what one warp stores to shared memory before a barrier is
// what the others read after it. Within a warp, lanes that a branch splits run as separate groups,
// the group at the lowest PC first, and merge again where they meet (at BSYNC, or at the same PC);
// EXIT retires lanes. Instruction order per warp is the program order of a real warp. A warp
// whose next instruction waits on an mbarrier phase (SYNCS.PHASECHK) that has not completed yields
// before it, and runs it once the phase has completed (so a spin loop runs once); when no warp can
// make progress, the CTA stops with an error naming a waiting warp and its barrier.
// Whatever cannot be emulated faithfully stops with a UserError naming the kernel, PC, instruction
// and reason: an address, a branch condition or a guard that depends on opaque data (loaded from
// global memory), lanes that wait at a convergence barrier forever. Memory does not grow with the
// number of CTAs run. No clock: the order of reports is the only notion of time here.
#pragma once

#include <array>
#include <string>
#include <cstdint>
#include <vector>

#include "isa/sass/exec.h"
#include "isa/sass/program.h"
#include "isa/sass/warp_state.h"

namespace stcsim::isa::sass {

class InstructionSink {
public:
    virtual ~InstructionSink() = default;
    virtual void begin_cta(const Dim& ctaid, std::uint32_t warps) = 0;
    // One executed warp instruction. `mask`: the lanes that executed it (active and guard true; it
    // may be 0 for an instruction whose guard is false in every active lane); for a memory
    // instruction, those that access memory (a zero-filling cp.async lane reads nothing). `addresses`: per lane,
    // for memory instructions (global addresses; shared-memory offsets for shared instructions; the
    // global side of LDGSTS).
    virtual void executed(std::uint32_t warp, std::uint32_t index, const Decoded& d, std::uint32_t mask,
                          const std::array<std::uint64_t, kLanes>& addresses) = 0;
    virtual void end_cta() = 0;
    // What an mbarrier or TMA instruction did; called just before that instruction's executed().
    virtual void async_op(const AsyncRecord&) {}
};

// A warp that executes more instructions than this in one CTA is taken for an endless loop (the
// largest GEMM warps run a few hundred thousand; 10^8 is reached within a minute of emulation).
inline constexpr std::uint64_t kDefaultMaxWarpInstructions = 100'000'000;

class Emulator {
public:
    explicit Emulator(const Program& program, std::uint64_t max_warp_instructions = kDefaultMaxWarpInstructions);
    void run_cta(const Dim& ctaid, InstructionSink& sink);
    std::uint64_t instructions() const { return instructions_; }

private:
    struct Group {
        std::uint32_t pc, mask;  // instruction index, lanes
    };
    struct Control {
        std::vector<Group> groups;
        std::array<std::uint32_t, 16> barrier{}, waiting{}, resume{};
        bool done = false;
        std::string waiting_on;  // the mbarrier the warp waits for, while it waits
        std::uint64_t executed = 0;  // warp instructions in this CTA
    };
    void start_warp(std::uint32_t w);
    void run_warp(std::uint32_t w, InstructionSink& sink);  // until BAR.SYNC or the end
    void step(std::uint32_t w, std::size_t group, InstructionSink& sink, bool& yield);
    bool waits(std::uint32_t w, const Decoded& d, std::uint32_t mask);
    void check_known(const WarpState& w, const Decoded& d, std::uint32_t mask, bool& known) const;
    void mark_written(WarpState& w, const Decoded& d, std::uint32_t mask, bool known) const;
    void release(Control& c, const WarpState& w, int barrier);
    static void merge(Control& c);

    const Program& program_;
    std::vector<WarpState> warps_;
    std::vector<Control> control_;
    CtaContext cta_;
    std::array<std::uint64_t, kLanes> addresses_{};
    std::uint64_t instructions_ = 0;
    std::uint64_t max_warp_instructions_;
};

}  // namespace stcsim::isa::sass
