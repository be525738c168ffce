// The GEMM part of `stcsim compare`: a gemm.jsonl record of validation/gemm_bench against the
// simulated kernel. Kept apart from the microbenchmarks. simulate_gemm traces the kernel the GPU
// ran, gemm_bench's compiled one for the record's architecture (`stcsim trace gen gemm --impl
// bench`: its SASS through the SASS front end, tools/program_launch.h), and replays it
// (sim::run_replay), returning the kernel's cycles. Without a gemm_bench (a build without nvcc) it
// replays the hand-built look-alike of the same structure (trace::write_gemm_trace) instead, and
// the row's note says so: the look-alike executes about half the instructions of the compiled
// kernel (no address arithmetic), so its cycles are not the measured kernel's.
#pragma once

#include <filesystem>
#include <optional>
#include <string>

#include "sim/config/gpu_spec.h"
#include "sim/trace/gemm_trace.h"
#include "tools/measurements.h"

namespace stcsim::cli {

struct GemmRecord {
    trace::GemmTraceSpec spec;
    double measured_cycles = 0;  // cycles_est: kernel time x the clock the GPU reported
    std::string key;             // "4096x4096x4096 f16/f32 sparse tile 128x128x64 warp 64x64x64 s3"
    std::string arch;            // the SASS target the GPU ran ("sm_90"); empty when the record does not say
};

// UserError for a malformed record.
GemmRecord parse_gemm_record(const MeasuredRecord& record);

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

}  // namespace stcsim::cli
