// validation/pipe_bench's instruction-pipe kernels (validation/pipe/pipe_kernels.cu), replayed for
// the "pipe" records of our own runs (validation/run_all.sh).
//
// pipe_kernel<FIRST, SECOND, CHAINS> runs, in every warp of one CTA, CHAINS (1 or 8) independent
// chains of one instruction each per step (validation/pipe/pipe_streams.h), 4 steps per loop
// iteration. The GPU timed the loop at two lengths and reported both clock64 spans; the replay
// does the same at kShortIterations and twice that, so that a step costs the difference over the
// shorter run's steps on either side, the loop's set-up and the clock reads taken out:
//   pipe_latency     one warp, one chain: cycles per step (the dependent instruction's latency,
//                    with the loop's own instructions in it)
//   pipe_throughput  8 chains in W warps: cycles per step over the chains of the busiest
//                    sub-partition (8 x ceil(W / 4)): cycles per instruction per sub-partition
// The SASS is that of the GPU the folder was measured on (header.json's compute capability).
#pragma once

#include <filesystem>
#include <string>

#include "sim/config/gpu_spec.h"
#include "tools/compiled_kernels.h"
#include "validation/pipe/pipe_streams.h"

namespace stcsim::cli {

class PipeKernels {
public:
    // `arch`: e.g. "sm_90". UserError when the binary is missing or holds no SASS for `arch`.
    PipeKernels(const std::filesystem::path& pipe_bench, const std::string& arch);

    // Cycles one more step of every chain costs, `warps` warps of `chains` chains of `stream`.
    double cycles_per_step(const sim::GpuSpec& spec, const validation::PipeStream& stream, int chains, int warps) const;
    // How the values were obtained, for the rows' notes.
    std::string note() const;

private:
    std::string arch_;
    CompiledKernels kernels_;
};

// The validation build's pipe_bench; empty when it was not built.
std::filesystem::path default_pipe_bench();

}  // namespace stcsim::cli
