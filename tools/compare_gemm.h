// The GEMM part of `stcsim compare`: a gemm.jsonl record of validation/gemm_bench against the
// simulated kernel. Kept apart from the microbenchmarks. simulate_gemm traces the kernel the GPU
// ran, gemm_bench's compiled one for the record's architecture (`stcsim trace gen gemm --impl
// bench`: its SASS through the SASS front end, tools/program_launch.h), and replays it
// (sim::run_replay), returning the kernel's cycles. Without a gemm_bench (a build without nvcc) it
// replays the hand-built look-alike of the same structure (trace::write_gemm_trace) instead, and
// the row's note says so: the look-alike executes about half the instructions of the compiled
// kernel (no address arithmetic), so its cycles are not the measured kernel's.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "sim/config/gpu_spec.h"
#include "sim/trace/gemm_trace.h"
#include "tools/measurements.h"

namespace stcsim::cli {

struct GemmRecord {
    trace::GemmTraceSpec spec;
    double ms = 0;               // kernel time per launch (CUDA events, 20 back-to-back launches)
    double measured_cycles = 0;  // cycles_est: ms x the clock the GPU reported (its maximum)
    std::string key;             // "4096x4096x4096 f16/f32 sparse tile 128x128x64 warp 64x64x64 s3"
    std::string arch;            // the SASS target the GPU ran ("sm_90"); empty when the record does not say
};

// UserError for a malformed record.
GemmRecord parse_gemm_record(const MeasuredRecord& record);

// The SM clock the GPU of a run actually ran at, from the run's own mma_bench records, which time
// each kernel twice: clock64 cycles (cycles_span) and CUDA events (kernel_ms). The median of
// cycles_span / kernel_ms over the kernels of at least kMinClockKernelMs, where the launch's fixed
// cost is under 1%; nullopt with fewer than kMinClockRecords of them. gemm_bench's cycles_est
// multiplies its time by the clock the driver reports (the maximum, 1980 MHz on the H200), while
// the H200's mma_bench kernels of 1 ms or more ran at 1792 MHz: compare converts a GEMM's time to cycles at
// this measured clock when the folder has one.
inline constexpr double kMinClockKernelMs = 1.0;
inline constexpr std::size_t kMinClockRecords = 10;
std::optional<double> measured_sm_clock_mhz(const std::vector<MeasuredRecord>& records);

struct GemmSimulation {
    std::optional<double> cycles;
    std::string note;  // how they were obtained, or why there are none
};

// A kernel that issues more mma instructions than this is not replayed (a note says so): an
// 8192^3 f16 GEMM issues 268 million, tens of CPU-minutes of replay; 4096^3 issues 34 million.
constexpr double kMaxComparedGemmMmas = 40e6;

// `gemm_bench`: the program whose kernel is replayed; empty for the look-alike. The SASS traced is
// the record's arch, else the config's (without the arch-specific "a").
GemmSimulation simulate_gemm(const sim::GpuSpec& spec, const GemmRecord& record, const std::filesystem::path& gemm_bench);

// A CUTLASS 2.x timing (cutlass2_gemm.jsonl: `cutlass_gemm run`'s line).
struct Cutlass2Record {
    std::string kernel;  // stcsim_cutlass_{dense,sparse}_{f16,bf16}
    std::int64_t m = 0, n = 0, k = 0;
    bool sparse = false;
    double ms = 0;    // per launch (CUDA events)
    std::string key;  // "cutlass2 4096x4096x4096 dense"
};

// UserError for a malformed record or a kernel cutlass_gemm does not have.
Cutlass2Record parse_cutlass2_record(const MeasuredRecord& record);

// The SASS of cutlass_gemm a GPU of this architecture runs: the binary holds sm_80 SASS (which
// every 8.x GPU runs), sm_90 SASS compiled from its PTX, and that PTX. A 9.0 GPU given a binary
// without the sm_90 SASS compiles the same PTX when it loads it (the driver's JIT compiler, of the
// same CUDA release as the ptxas that compiled ours for the H200 run). Empty for other architectures.
std::string cutlass2_sass_arch(const std::string& gpu_arch);

// Traces cutlass_gemm's kernel for the config's architecture and replays it; nothing (a note says
// why) for an architecture without SASS or a kernel over kMaxComparedGemmMmas.
GemmSimulation simulate_cutlass2(const sim::GpuSpec& spec, const Cutlass2Record& record, const std::filesystem::path& cutlass_gemm);

}  // namespace stcsim::cli
