// PcProfile: where warps spend their time, per static instruction (kernel, PC) of a replay: how
// often warps issued it and the warp-cycles they waited before issuing it, measured from the
// same warp's previous issue. Nsight Compute's warp-state samples per SASS instruction (source
// page, "Warp Stall Sampling (All Samples)") measure the same quantity, so the two can be set
// side by side, instruction by instruction.
//
// The wait is split in two: `stall_count_cycles`, the part the previous instruction's stall count
// imposes, which Nsight Compute reports as "selected" + "wait", and the rest (fetch after a jump,
// scoreboard, busy units, barriers, other warps issuing first). A warp's first
// instruction counts no wait: the profile starts at its first issue.
//
// Sites are registered while traces are decoded (KernelDecoder) and counted by the sub-partitions
// at issue; one profile serves all SMs of a run (the simulation is single-threaded).
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace stcsim::sim {

class PcProfile {
public:
    struct Site {
        std::uint32_t kernel = 0;  // 1-based kernel index of the run
        std::uint64_t pc = 0;
        std::string sass;          // the opcode as traced, e.g. HMMA.16816.F32
        std::uint64_t executions = 0;
        std::uint64_t warp_cycles = 0;         // waited before issue, all warps
        std::uint64_t stall_count_cycles = 0;  // of those, imposed by the previous instruction's stall count
    };

    // The site of instruction `pc` of kernel `kernel`, registered with `sass` when new.
    std::uint32_t site(std::uint32_t kernel, std::uint64_t pc, const std::string& sass);
    // A warp issued the instruction of `site` after waiting `waited` cycles since its previous
    // issue, `fixed` (<= waited) of them for the previous instruction's stall count.
    void issued(std::uint32_t site, std::uint64_t waited, std::uint64_t fixed) {
        Site& s = sites_[site];
        ++s.executions;
        s.warp_cycles += waited;
        s.stall_count_cycles += fixed;
    }
    const std::vector<Site>& sites() const { return sites_; }
    // CSV, one row per site in kernel and PC order: kernel, pc (hex), sass, executions,
    // warp_cycles, stall_count_cycles, other_cycles, cycles_per_execution, share (of all warp_cycles).
    std::string csv() const;

private:
    std::vector<Site> sites_;
    std::unordered_map<std::uint64_t, std::uint32_t> by_key_;  // kernel << 40 | pc
};

}  // namespace stcsim::sim
