// validation/memory_bench's kernels (validation/memory/latency.cu, shared.cu, stores.cu), replayed
// for the "latency", "ldmatrix", "banks" and "stores" records of our own runs
// (validation/run_all.sh).
//
// The GPU timed each kernel's loop with clock64: a chain in which every access's address depends
// on the value loaded before (ldmatrix, the XOR of its registers and the address add; LDS and the
// IMAD of the loaded index into the next address). What a step costs is that whole chain as
// compiled, so the records replay the compiled kernel, not the shared-memory access alone. The loop
// runs `steps` times (a kernel parameter) and is unrolled by 4; two lengths, kShortSteps and twice
// that, are replayed, and a step's cycles are their difference over kShortSteps:
//   ldmatrix latency            ldmatrix_kernel<X, TRANS, 1>, one warp: cycles per step
//   ldmatrix cycles per instr   ldmatrix_kernel<X, TRANS, 4>, the record's warps: cycles per step
//                               over 4 chains x warps
//   banks                       bank_kernel(stride_words), one warp: cycles per step
// chase(next, warm_steps, steps, cycles, sink) follows a 32-bit index chain (next[j] is the index
// of the next link, `stride` bytes on): each step is the load and the IMAD.WIDE that turns the
// loaded index into the next address. Its loads depend on the data the host wrote, which the
// replay is given (isa/sass/global_memory.h). A whole sweep replayed this way would emulate
// millions of warm-up loads per footprint, so the chain's own instructions are taken apart from
// the memory: chase_instruction_cycles is what a step of the compiled loop costs beyond the
// load's latency, the chain replayed over 4 KB (every load an L1 hit) less the memory system's
// own chase there (sim::run_latency_bench); a record's step is the memory's chase at its
// footprint plus that.
// store_kernel<PATTERN>(steps, out, cycles) posts one STG.E.64 per step and warp (256 bytes); the
// record's CTAs (one per SM) and warps run kShortSteps and twice that, and one SM's store rate is
// the bytes of the added steps over the added cycles (bytes per clock per SM).
// The SASS is that of the GPU the folder was measured on (header.json's compute capability), as it
// ran there.
#pragma once

#include <filesystem>
#include <string>

#include "sim/config/gpu_spec.h"
#include "tools/compiled_kernels.h"
#include "validation/memory/memory_kernels.h"

namespace stcsim::cli {

class MemoryBenchKernels {
public:
    // `arch`: e.g. "sm_90". UserError when the binary is missing or holds no SASS for `arch`.
    MemoryBenchKernels(const std::filesystem::path& memory_bench, const std::string& arch);

    double ldmatrix_latency(const sim::GpuSpec& spec, int x, bool trans) const;
    double ldmatrix_cycles_per_instr(const sim::GpuSpec& spec, int x, bool trans, int warps) const;
    double bank_cycles_per_access(const sim::GpuSpec& spec, int stride_words) const;
    double chase_instruction_cycles(const sim::GpuSpec& spec, std::uint64_t stride_bytes) const;
    double store_bytes_per_clk_per_sm(const sim::GpuSpec& spec, validation::StorePattern pattern, int ctas, int warps) const;
    // How the values were obtained, for the rows' notes.
    std::string note() const;

private:
    double ldmatrix_step_cycles(const sim::GpuSpec& spec, int x, bool trans, int chains, int warps) const;

    std::string arch_;
    CompiledKernels kernels_;
};

// The validation build's memory_bench; empty when it was not built.
std::filesystem::path default_memory_bench();

}  // namespace stcsim::cli
