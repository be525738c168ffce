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
// Forms ptxas emulates on sm_90: int4 is a subroutine call of 50 to 200 instructions per mma, so
// its twin kernels pin the loop's unroll by 16 (validation/twins/luo_mma_int4.cuh) and two short
// lengths replay the same loop: N1 = 48 + iters mod 16 and N2 = N1 + 64, scaled as above. fp8
// (F2FP unpacking, HMMA, FADD accumulation) keeps the synthetic benchmark (sim/gpu/mma_bench.h,
// with isa/lowering.h's sequence): its replay is not calibrated (27 to 35% off).
// Folders without a twin keep the synthetic benchmark too. A twin binary that is not built is a
// UserError naming it.
//
// Our own runs (validation/run_all.sh) need no separate twin: their benchmark is
// validation/mma_bench itself, whose kernels mma_bench_kernel<Form_<id>, ILP> take
// (in, out, clocks, iters). BenchmarkTwin::own_benchmark replays that binary's kernel for the
// record's form and ILP at 64 and 128 iterations (the loop is unrolled by 4) and scales the
// difference to the record's iterations, as above. It covers int4 on sm_90 too, at 8 and 16
// iterations: a runtime count keeps those replays short.
#pragma once

#include <filesystem>
#include <string>

#include "sim/config/gpu_spec.h"
#include "sim/gpu/mma_bench.h"
#include "tools/compiled_kernels.h"

namespace stcsim::cli {

class BenchmarkTwin {
public:
    // Disassembles <dir>/<name>_sm90.cubin once (cuobjdump); UserError when it is missing.
    BenchmarkTwin(std::string name, const std::filesystem::path& dir);
    // The twin of our own runs: the mma_bench executable the validation build wrote.
    static BenchmarkTwin own_benchmark(const std::filesystem::path& mma_bench);

    const std::string& name() const { return name_; }
    bool own() const { return own_; }
    const CompiledKernels& kernels() const { return kernels_; }
    // Whether the record's form runs through the twin (false: wgmma, an unknown arch, and fp8 on
    // an architecture that emulates it).
    bool covers(const sim::MmaBenchParams& p, const std::string& arch) const;
    // The loop's cycles for p.iters iterations of p.warps warps with p.ilp chains; `note` says how
    // they were obtained. `own_ab`: the chains' own A and B registers (mma_bench --own-ab; our own
    // benchmark only). UserError when the twin has no kernel for the form and lengths.
    double mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note, bool own_ab = false) const;

private:
    BenchmarkTwin() = default;
    std::uint64_t kernel_cycles(const sim::GpuSpec& spec, const std::string& kernel, int warps,
                                std::vector<std::uint8_t> params) const;
    double own_mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note, bool own_ab) const;

    bool own_ = false;  // validation/mma_bench: runtime iteration count
    std::string name_;
    CompiledKernels kernels_;
};

// Where the build put the twins (the validation build's validation/twins); empty when it built none.
std::filesystem::path default_twin_dir();

// The validation build's mma_bench (beside the twins); empty when it was not built.
std::filesystem::path default_own_benchmark();

// mma_bench's form id of a PTX name: "mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col.
// satfinite.s32.s4.u4.s32" -> "spo_m16n8k64_s32_s4_u4_s32_sat" (validation/common/mma_forms.def).
std::string own_benchmark_form_id(const std::string& ptx);

}  // namespace stcsim::cli
