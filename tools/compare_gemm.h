// The GEMM part of `stcsim compare`: a gemm.jsonl record of validation/gemm/gemm_bench (the kernel
// that `stcsim trace gen gemm` describes, same parameters) against the simulated kernel. Kept apart
// from the microbenchmarks: simulate_gemm generates the trace of the same kernel with
// trace::write_gemm_trace and replays it (sim::run_replay), returning the kernel's cycles.
#pragma once

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
};

// UserError for a malformed record.
GemmRecord parse_gemm_record(const MeasuredRecord& record);

struct GemmSimulation {
    std::optional<double> cycles;
    std::string note;  // why there are none
};

// A kernel that issues more mma instructions than this is not replayed (a note says so): an
// 8192^3 f16 GEMM issues 268 million, tens of CPU-minutes of replay; 4096^3 issues 34 million.
constexpr double kMaxComparedGemmMmas = 40e6;

GemmSimulation simulate_gemm(const sim::GpuSpec& spec, const GemmRecord& record);

}  // namespace stcsim::cli
