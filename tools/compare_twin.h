// Benchmark twins: the compiled loop of the benchmark that produced a published folder.
//
// A microbenchmark's timing includes what its compiler wrapped around the instruction under test:
// loop control, the padding of a __syncwarp, and the stall counts of every instruction's control
// bits (traces/README.md, "Stall counts"). A folder whose header.json names a "twin" (e.g.
// "luo_mma") is compared against that benchmark's loop as nvcc compiles it: validation/twins/<twin>.cu,
// built by the validation build into <twin dir>/<twin>_sm90.cubin. For each record the twin kernel
// <twin>_<PTX name, '.' as '_'>_ilp<ILP>_n<N> is traced by the SASS front end (one CTA of the
// record's warps) and replayed on the config.
//
// The GPU timed the loop alone (clock64 around it), the replay covers the whole kernel; so two
// lengths are replayed, N1 = iters mod 2048 (2048 when 0) and N2 = N1 + 2048, which nvcc unrolls
// alike for every power-of-two unroll up to 2048, and the record's cycles are their difference
// scaled to its iterations: (cycles(N2) - cycles(N1)) / 2048 * iters.
//
// The twin covers the forms the architecture runs as one tensor instruction. Forms ptxas emulates
// keep the synthetic benchmark (sim/gpu/mma_bench.h, with isa/lowering.h's sequence), because
// their compiled loops replay further from the hardware than that: int4 on sm_90 calls a
// subroutine per mma (m8n8k32 at ILP 1: the stall counts add up to 133 cycles per iteration, the
// replay gives 134, the H100 took 173; the cost of the call and of its indirect return is not
// modelled), and fp8 on sm_90 (F2FP unpacking, HMMA, FADD accumulation) replays 27 to 35% off.
// Folders without a twin keep the synthetic benchmark too. A twin binary that is not built is a
// UserError naming it.
#pragma once

#include <filesystem>
#include <string>

#include "sim/config/gpu_spec.h"
#include "sim/gpu/mma_bench.h"

namespace stcsim::cli {

class BenchmarkTwin {
public:
    // Disassembles <dir>/<name>_sm90.cubin once (cuobjdump); UserError when it is missing.
    BenchmarkTwin(std::string name, const std::filesystem::path& dir);

    const std::string& name() const { return name_; }
    // Whether the record's form runs through the twin (false: a form the architecture emulates).
    bool covers(const sim::MmaBenchParams& p, const std::string& arch) const;
    // The loop's cycles for p.iters iterations of p.warps warps with p.ilp chains; `note` says how
    // they were obtained. UserError when the twin has no kernel for the form and lengths.
    double mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note) const;

private:
    std::uint64_t kernel_cycles(const sim::GpuSpec& spec, const std::string& kernel, int warps) const;

    std::string name_;
    std::filesystem::path binary_;
    std::string listing_, resource_usage_;
};

// Where the build put the twins (the validation build's validation/twins); empty when it built none.
std::filesystem::path default_twin_dir();

}  // namespace stcsim::cli
