// The memory microbenchmarks (`stcsim bench latency|bandwidth|smem|ldmatrix`), simulated twins of
// the classic GPU ones:
// - latency: one warp on SM 0 chases pointers through `footprint` bytes, one load every `stride`
//   bytes in address order (each load's address depends on the previous load's data). A warm-up
//   pass touches the whole footprint (capped at twice the loads that fill the L1 and L2, and at
//   2^21: beyond that every load misses every cache anyway), then latency_cycles = cycles / loads
//   over the measured loads (at least 4096, at most max_measured_loads, 2^20 by default).
//   `l2_side` near or far keeps only the lines homed in the L2 partition near to
//   (or far from) SM 0, to show the two L2 hit latencies separately. With l2.near_copies a far
//   line, once warm, is served by its copy in the near partition at the near latency; `far`
//   therefore runs with near_copies off, so that it shows the far partition's hit latency (what a
//   load of a far line costs when its near copy is absent). `all` runs the config as it is.
// - bandwidth: every SM streams 16-byte-per-lane warp loads (64 in flight per SM) from a region
//   resident in its L1 (l1), resident in L2 and read with ld.global.cg (l2), or never touched
//   before, read with ld.global.cg (dram). bytes_per_clk_per_sm is measured between the cycles at
//   which 10% and 90% of the bytes have arrived, so the start-up latency does not count.
// - smem / ldmatrix: one warp issues back-to-back shared-memory accesses of one pattern.
// Addresses are generated arithmetically and caches hold tags only: a 1 GB footprint allocates nothing.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "sim/config/gpu_spec.h"

namespace stcsim::sim {

// Bounds on the memory microbenchmarks' parameters (their run time grows with them).
inline constexpr std::uint64_t kMaxFootprintBytes = std::uint64_t{1} << 36;
inline constexpr std::int64_t kMaxMemoryBenchIters = 100'000'000;
inline constexpr std::int64_t kMaxLoadsPerSm = 1'000'000;

struct LatencyBenchParams {
    std::uint64_t footprint_bytes = 1 << 20;
    std::uint64_t stride_bytes = 128;
    std::string l2_side = "all";  // all | near | far
    // At most this many loads are measured (fewer give a faster, slightly noisier mean).
    std::uint64_t max_measured_loads = std::uint64_t{1} << 20;
};

struct LatencyBenchResult {
    double latency_cycles = 0;
    std::uint64_t loads = 0;  // measured loads
    std::uint64_t cycles = 0;
    nlohmann::ordered_json stats;  // Stats::document() (stats.json)
};

LatencyBenchResult run_latency_bench(const GpuSpec& spec, const LatencyBenchParams& params);

struct BandwidthBenchResult {
    double bytes_per_clk_per_sm = 0;
    double bytes_per_clk = 0;      // all SMs
    double gigabytes_per_s = 0;    // at gpu.clock_mhz
    std::uint64_t cycles = 0;
    nlohmann::ordered_json stats;  // Stats::document() (stats.json)
};

// level: l1 | l2 | dram; loads_per_sm 0 picks a default per level.
BandwidthBenchResult run_bandwidth_bench(const GpuSpec& spec, const std::string& level, std::int64_t loads_per_sm = 0);

struct SmemBenchParams {
    std::uint64_t stride_bytes = 4;  // lane l reads base + l * stride
    int width_bytes = 4;
    std::int64_t iters = 1000;
};

struct LdmatrixBenchParams {
    int num = 4;                      // .x1 .x2 .x4
    bool trans = false;
    std::uint64_t row_pitch_bytes = 128;  // bytes between consecutive rows of the tile
    bool swizzle = false;             // XOR the 16-byte chunk index with row % 8
    std::int64_t iters = 1000;
};

struct SmemBenchResult {
    int wavefronts = 0;         // per warp instruction
    int bank_conflicts = 0;     // per warp instruction
    double cycles_per_access = 0;
    double latency_cycles = 0;  // unloaded, one access
    nlohmann::ordered_json stats;  // Stats::document() (stats.json)
};

SmemBenchResult run_smem_bench(const GpuSpec& spec, const SmemBenchParams& params);
SmemBenchResult run_ldmatrix_bench(const GpuSpec& spec, const LdmatrixBenchParams& params);

}  // namespace stcsim::sim
