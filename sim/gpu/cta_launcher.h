// CtaLauncher: the Engine component that distributes the thread blocks of a run's kernels over
// all SMs. Kernels run one after another (kernel i+1 starts when every CTA of kernel i has
// finished); memcpy lines of kernelslist.g are skipped (counted). A block is read from the
// streaming TraceReader only when some SM has room for it (occupancy: sm.max_warps,
// sm.max_ctas, sm.registers against -nregs, the shared capacity against -shmem), then decoded
// into the compact per-warp form (instr_decoder.h) and launched on the next SM with room, round
// robin; a finished CTA's buffers are reused. Memory is bounded by the resident CTAs, not by
// the length of the trace.
// Tick phase: collect finished CTAs, open the next kernel when the current one is done, launch.
#pragma once

#include <cstdint>
#include <functional>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "sim/core/component.h"
#include "sim/gpu/instr_decoder.h"
#include "sim/trace/kernel_header.h"
#include "sim/trace/trace_reader.h"

namespace stcsim::sim {

struct LaunchProgress {
    std::size_t kernel = 0, kernels = 0;    // 1-based current kernel, of
    std::uint64_t ctas_done = 0, ctas_total = 0;  // of the current kernel
    Cycle now;
    // Of the current kernel: warp instructions issued so far (filled by run_replay), and the
    // instructions it is expected to hold: those of the CTAs launched so far, scaled to all its
    // CTAs (exact once every CTA has been launched).
    std::uint64_t instructions_issued = 0;
    double instructions_expected = 0;
    // The share of the run done: whole kernels plus the current one's instructions (or CTAs).
    double fraction() const;
};

class CtaLauncher final : public Component {
public:
    // `commands` from read_kernelslist (or one kernel); SMs and classes must outlive it.
    CtaLauncher(std::vector<trace::TraceCommand> commands, std::vector<Sm*> sms, const OpcodeClasses& classes,
                OpcodeCounts& counts);

    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override;
    Cycle next_event(Cycle now) const override;
    bool done() const override;
    nlohmann::ordered_json dump_state() const override;

    void on_progress(std::function<void(const LaunchProgress&)> f) { progress_ = std::move(f); }
    // Where the launch stands now (instructions_issued left 0).
    LaunchProgress progress(Cycle now) const;
    // Called when kernel `kernel` (1-based) has no CTA left and another kernel is about to open,
    // at the cycle the launcher sees it (before any SM ticks in that cycle).
    void on_kernel_end(std::function<void(std::size_t kernel, Cycle now)> f) { kernel_end_ = std::move(f); }
    // The kernel now open (or the last one): its name from the trace header and its trace file.
    const std::string& kernel_name() const { return kernel_name_; }
    // Register every instruction of the kernels opened from now on in `profile` (pc_profile.h).
    void keep_profile(PcProfile* profile) { profile_ = profile; }
    const std::string& kernel_path() const { return kernel_path_; }

    struct State {
        std::uint64_t kernels = 0, memcpy_skipped = 0, ctas_launched = 0, ctas_finished = 0;
        std::uint64_t trace_instructions = 0;
        std::uint64_t resident_warp_cycles = 0;  // sum over cycles of resident warps (all SMs)
        std::uint64_t max_ctas_per_sm = 0;       // occupancy limit of the last kernel
        std::uint64_t peak_resident_ctas = 0;
    };
    const State& state() const { return state_; }

private:
    struct Slot {
        std::vector<CompactWarp> warps;
        std::vector<CompactStream> streams;
        std::vector<InstrStream*> pointers;
        bool used = false;
    };
    bool open_next_kernel();
    bool launch(Cycle now);
    int find_sm(const CtaNeeds& needs) const;
    std::size_t free_slot();
    void account(Cycle now);

    std::string name_ = "cta_launcher";
    std::vector<trace::TraceCommand> commands_;
    std::size_t next_command_ = 0, kernel_index_ = 0, kernel_count_ = 0;
    std::vector<Sm*> sms_;
    const OpcodeClasses& classes_;
    OpcodeCounts& counts_;
    std::unique_ptr<trace::TraceReader> reader_;
    std::unique_ptr<KernelDecoder> decoder_;
    PcProfile* profile_ = nullptr;
    trace::ThreadBlockTrace block_;  // the block's ids; its instructions go straight to a slot
    bool block_pending_ = false, kernel_exhausted_ = true;
    // Whether an SM may have room for a CTA: false once a search found none, until a CTA
    // finishes (only that frees room) or a kernel opens.
    bool room_may_exist_ = true;
    CtaNeeds needs_;
    std::deque<Slot> slots_;
    std::vector<std::uint64_t> finished_;  // slots of CTAs that finished, reported by every SM
    std::uint64_t resident_ = 0, resident_warps_ = 0, kernel_done_ = 0, kernel_total_ = 0;
    std::size_t next_sm_ = 0;
    Cycle last_account_{0};
    State state_;
    std::function<void(const LaunchProgress&)> progress_;
    std::function<void(std::size_t, Cycle)> kernel_end_;
    std::string kernel_name_, kernel_path_;
    std::uint64_t kernel_first_instruction_ = 0, kernel_first_cta_ = 0;  // the State counters when it opened
};

}  // namespace stcsim::sim
