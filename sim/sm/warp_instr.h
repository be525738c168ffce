// WarpInstr: one decoded warp instruction as the SM sees it: which execution unit and timing
// class it belongs to and which registers it reads and writes. Plain data, no allocation;
// streams hand out pointers to instructions they own. A memory instruction's per-lane addresses
// are not part of it: the stream that handed it out supplies them (InstrStream::addresses).
#pragma once

#include <array>
#include <cstdint>

#include "sim/trace/trace_instruction.h"

namespace stcsim::sim {

// Which unit executes an instruction.
enum class ExecUnit : std::uint8_t {
    tensor,    // op indexes the SM's MmaTiming table
    pipeline,  // op indexes the SM's pipelines (sm.pipelines)
    memory,    // the SM's load/store unit; `mem` says which access
    control,   // completes at issue: barrier, cp.async commit / wait, exit
};

enum class MemKind : std::uint8_t {
    none,
    global_load,   // LDG
    global_store,  // STG
    shared_load,   // LDS
    shared_store,  // STS
    ldmatrix,      // LDSM .x1/.x2/.x4 (count = matrices)
    cp_async,      // LDGSTS: global load bypassing L1, then a shared-memory store
};

enum class Control : std::uint8_t {
    none,
    barrier,  // BAR.SYNC: wait at barrier `count` until `threads` / 32 warps (0: every live warp of the CTA) arrived
    commit,   // LDGDEPBAR: cp.async.commit_group
    wait,     // DEPBAR.LE SB0, N: cp.async.wait_group N (count = N)
    exit,     // EXIT
    wgmma_fence,   // WARPGROUP.ARRIVE: wgmma.fence (register accesses are in order here: no effect)
    wgmma_commit,  // wgmma.commit_group: closes the warp's open group of wgmma instructions
    wgmma_wait,    // wgmma.wait_group N (count = N); traced WARPGROUP.DEPBAR.LE gsb0, N also commits first
    async,         // an mbarrier operation or a TMA copy (`async` says which; the stream supplies the rest)
};

struct WarpInstr {
    static constexpr int kMaxSrc = 16;
    static constexpr int kMaxDst = 4;
    std::uint16_t op = 0;    // index into the SM's table of MmaTiming
    std::uint16_t tail = 0;  // accumulate + writeback cycles, set by Sm::prepare
    std::uint8_t n_src = 0;
    std::uint8_t n_dst = 0;
    ExecUnit unit = ExecUnit::tensor;
    MemKind mem = MemKind::none;
    Control control = Control::none;
    bool bypass_l1 = false;   // global loads: .CG / .BYPASS / LDGSTS
    bool wgmma = false;       // tensor: a warp-group MMA (counted in the warp's wgmma groups)
    bool commits = false;     // tensor wgmma: closes its group when issued; wgmma_wait: closes the open group first
    std::uint8_t width = 0;   // memory: bytes per lane
    std::uint8_t count = 0;   // ldmatrix: matrices; wait: groups that may stay pending; barrier: its id
    // Compiler-scheduled issue gap (the stall count of the SASS control bits): the warp's next
    // instruction issues no earlier than `stall` cycles after this one; 0 when not known.
    std::uint8_t stall = 0;
    // The compiler's yield hint is clear: the scheduler keeps issuing this warp next while it can.
    bool hold = false;
    // A branch through a register (sm.scheduler.indirect_branch_cycles): the warp's next
    // instruction also waits these cycles, for fetch to restart at the resolved target.
    std::uint8_t redirect = 0;
    // The target of a jump (the trace's previous PC of this warp was not PC - 16;
    // sm.scheduler.taken_branch_cycles): it issues no earlier than these cycles after the jump,
    // while fetch restarts here (the jump's stall count runs meanwhile); after a redirect, which
    // includes that restart, it does not apply.
    std::uint8_t refetch = 0;
    trace::AsyncKind async = trace::AsyncKind::none;  // Control::async: which operation
    std::uint16_t threads = 0;  // Control::barrier: the threads the barrier waits for (0: all the CTA's)
    std::uint32_t site = 0;     // its PcProfile site, when the replay keeps a profile
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

struct LaneAddresses;

// The instruction stream of one warp, in program order (warps issue in order).
class InstrStream {
public:
    virtual ~InstrStream() = default;
    // The next instruction, or nullptr when the warp has no more. The pointer stays valid until
    // the following call.
    virtual const WarpInstr* next() = 0;
    // The per-lane addresses of the memory instruction (or mbarrier operation: its barriers) the
    // last next() returned. Streams without memory instructions need not implement it.
    virtual void addresses(LaneAddresses& out) const;
    // The operation of the Control::async instruction the last next() returned. Streams without
    // such instructions need not implement it.
    virtual const trace::AsyncOp& async_op() const;
};

}  // namespace stcsim::sim
