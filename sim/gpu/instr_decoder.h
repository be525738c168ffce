// Decoding traced instructions (trace::TraceInstruction) into the SM's WarpInstr, and the
// compact per-warp form in which resident thread blocks are kept.
//
// OpcodeClasses (one per run, from the config): which unit runs an opcode.
//   MMA (HMMA, IMMA, QMMA, ...): the tensor core; the full opcode is matched against the SASS
//     names of isa::catalog(arch) to get shape, types and sparsity (MmaTiming). Plain Accel-Sim
//     lines name base registers only: widths come from the form's register counts.
//   LDG / LD / LDL (loads; .CG / .BYPASS bypass L1), STG / ST / STL / RED (stores), LDS, STS,
//     LDSM (.x1/.x2/.x4 from the last modifier: .4, .2, else 1), LDGSTS (cp.async): the LSU,
//     bytes per lane from the trace's mem_width. A load of a plain trace writes mem_width / 4
//     registers (LDSM: one per matrix); a store reads mem_width / 4 from its last source.
//   HGMMA / IGMMA / QGMMA (sm_90a warp-group MMA, e.g. HGMMA.SP.64x128x32.F32): the tensor core
//     as one warp's slice (sim/tensor/mma_timing.h); the full opcode is matched against the SASS
//     names of isa::wgmma_catalog(arch), A assumed from shared memory (a trace line does not say).
//     WARPGROUP.ARRIVE (wgmma.fence) and WARPGROUP.DEPBAR (commit the open group, then
//     wait_group N, N from the immediate): control. Registers: the accumulator is tracked through
//     its first WarpInstr::kMaxDst registers.
//   A line with an `mbar=` / `tma=` token (Hopper mbarrier operation or TMA copy, whatever its
//     opcode): control (Control::async, WarpInstr::async the kind); the SM acts on it at issue
//     (sim/sm/sm.h). Only sm_90 / sm_90a configs run them: elsewhere an error naming the opcode and
//     the arch. The operation (and an mbarrier line's barrier addresses) travels with the block.
//   LDGDEPBAR (commit), DEPBAR (wait_group N, N from the immediate), BAR (barrier; BAR.ARV and
//     other forms run on the default pipeline), EXIT: control.
//   Everything else: the sm.pipelines entry that names the full or the base opcode, else
//     sm.default_pipeline. A memory opcode without addresses (all lanes off) also runs there.
// Registers: R255 (RZ) carries no dependence; predicates are ignored.
//
// KernelDecoder (one per kernel, while its trace reader lives): interns decoded instructions and
// address patterns, so that a resident block holds a few bytes per instruction (CompactWarp,
// compact_warp.h); the tables grow with the kernel's distinct static instructions and address
// shapes, not with its length.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

#include "isa/catalog.h"
#include "sim/gpu/compact_warp.h"
#include "sim/config/gpu_spec.h"
#include "sim/memory/shared_memory.h"
#include "sim/sm/sm.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::sim {

class OpcodeClasses {
public:
    // Throws UserError for an unknown arch, a default_pipeline no entry names, or bad latencies.
    OpcodeClasses(const SmSpec& spec, const std::string& arch);
    const std::vector<MmaTiming>& mma_timings() const { return timings_; }
    const std::vector<PipeTiming>& pipe_timings() const { return pipes_; }
    const std::vector<std::string>& pipe_names() const { return names_; }
    // Index of the catalog form with this SASS name, -1 if none.
    int mma_index(const std::string& sass) const;
    // Index (into mma_timings) of the wgmma form with this SASS name, -1 if none.
    int wgmma_index(const std::string& sass) const;
    int wgmma_d_regs(int index) const;
    const isa::MmaForm& mma_form(int index) const { return forms_[static_cast<std::size_t>(index)]; }
    int pipeline_of(const trace::Opcode& opcode) const;
    // The fetch wait after this opcode (WarpInstr::redirect): sm.scheduler.indirect_branch_cycles
    // for a branch through a register (RET, BRX, JMX), sm.scheduler.taken_branch_cycles after a
    // convergence barrier (BSYNC), else 0.
    std::uint8_t redirect_cycles(const trace::Opcode& opcode) const;
    // The fetch wait at a jump's target (WarpInstr::refetch): sm.scheduler.taken_branch_cycles.
    std::uint8_t taken_branch_cycles() const { return taken_branch_cycles_; }
    // Why the tensor cores of this config cannot run the MMA with this SASS name (a rate factor of
    // 0, no rate entry, ...), or nullptr when they can or the catalog does not know it.
    const std::string* unrunnable(const std::string& sass) const;
    const std::string& arch() const { return arch_; }
    bool has_tma() const { return has_tma_; }  // sm_90 and later: mbarrier transactions and TMA

private:
    std::vector<isa::MmaForm> forms_;
    std::vector<MmaTiming> timings_;
    std::unordered_map<std::string, int> by_sass_;
    std::unordered_map<std::string, int> by_wgmma_sass_;  // index into timings_
    std::unordered_map<int, int> wgmma_d_regs_;
    std::unordered_map<std::string, std::string> unrunnable_;  // SASS opcode -> why the tensor cores cannot run it
    std::vector<PipeTiming> pipes_;
    std::vector<std::string> names_;
    std::unordered_map<std::string, int> by_opcode_;
    int default_pipe_ = 0;
    std::uint8_t indirect_branch_cycles_ = 0;
    std::uint8_t taken_branch_cycles_ = 0;
    std::string arch_;
    bool has_tma_ = false;
};

// Instruction counts by opcode (map nodes are stable: stats point at them).
struct OpcodeCounts {
    std::map<std::string, std::uint64_t> by_base;
    std::map<std::string, std::uint64_t> mma_by_full;
};

class KernelDecoder {
public:
    // `sm` prepares instructions (tails, masks); all SMs share one timing table. With a `profile`,
    // every PC of the trace is a distinct instruction, registered as a site of kernel `kernel`.
    KernelDecoder(const OpcodeClasses& classes, const Sm& sm, bool extended, OpcodeCounts& counts,
                  PcProfile* profile = nullptr, std::uint32_t kernel = 0);
    // Appends `in` to `warp` (and counts it).
    void append(const trace::TraceInstruction& in, CompactWarp& warp);
    const WarpInstr& instr(std::uint32_t index) const { return table_[index]; }
    std::size_t distinct() const { return table_.size(); }
    const AddressPatterns& patterns() const { return patterns_; }

private:
    struct Key {
        std::uint64_t w[7];  // the instruction's fields; w[6]: its PC + 1 when profiling
        bool operator==(const Key& o) const;
    };
    struct KeyHash {
        std::size_t operator()(const Key& k) const;
    };
    struct OpInfo {
        std::uint64_t* base = nullptr;
        std::uint64_t* full = nullptr;
    };
    WarpInstr decode(const trace::TraceInstruction& in, bool jump_target) const;
    OpInfo& info(const trace::Opcode* op);
    std::uint32_t index_of(const Key& key, const trace::TraceInstruction& in, bool jump_target);

    const OpcodeClasses& classes_;
    const Sm& sm_;
    bool extended_;
    OpcodeCounts& counts_;
    PcProfile* profile_;
    std::uint32_t kernel_;
    std::deque<WarpInstr> table_;
    std::vector<OpInfo> table_counts_;  // per table entry: its opcode's counters
    std::unordered_map<Key, std::uint32_t, KeyHash> index_;
    // A direct-mapped cache in front of index_: a kernel's few hundred distinct instructions are
    // mostly found here, without the map's bucket walk.
    struct Recent {
        Key key{};
        std::uint32_t index = UINT32_MAX;
    };
    std::array<Recent, 512> recent_{};
    std::unordered_map<const trace::Opcode*, OpInfo> ops_;
    AddressPatterns patterns_;
};

// A warp's stream over a CompactWarp.
class CompactStream final : public InstrStream {
public:
    void reset(const CompactWarp& warp, const KernelDecoder& decoder);
    const WarpInstr* next() override;
    void addresses(LaneAddresses& out) const override;
    const trace::AsyncOp& async_op() const override { return async_; }

private:
    const KernelDecoder* decoder_ = nullptr;
    CompactReader reader_;
    trace::AsyncOp async_;
};

}  // namespace stcsim::sim
