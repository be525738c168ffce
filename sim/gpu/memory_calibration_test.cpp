// Calibration: the shipped A100 and H100 configs reproduce the published pointer-chase latency
// plateaus and bandwidths of /work/shared/reference/hardware-facts.md (section 4, and section 1 for
// the nominal DRAM bandwidth of the parts the configs model) within 10%.
#include "sim/gpu/memory_bench.h"

#include <gtest/gtest.h>

#include "sim/config/gpu_schema.h"

namespace stcsim::sim {
namespace {

GpuSpec load(const std::string& name) { return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/" + name).spec; }

// Within 10% of the published range [low, high].
void expect_within(double simulated, double low, double high, const std::string& what) {
    EXPECT_GE(simulated, low * 0.9) << what;
    EXPECT_LE(simulated, high * 1.1) << what;
}

double latency(const GpuSpec& spec, std::uint64_t footprint, const std::string& side = "all") {
    return run_latency_bench(spec, {footprint, 128, side}).latency_cycles;
}

double terabytes_per_s(const GpuSpec& spec, const std::string& level) {
    return run_bandwidth_bench(spec, level).gigabytes_per_s / 1000;
}

TEST(MemoryCalibration, A100LatencyPlateaus) {
    const GpuSpec a100 = load("a100.json");
    expect_within(latency(a100, 16 << 10), 32.7, 39, "L1 hit: 33 (32.7 to 39), hardware-facts 4");
    expect_within(latency(a100, 4 << 20, "near"), 200, 210, "L2 near: ~205 (200 to 210), hardware-facts 4");
    expect_within(latency(a100, 4 << 20, "far"), 380, 400, "L2 far: ~380 to 400, hardware-facts 4");
    expect_within(latency(a100, 256 << 20), 550, 566, "DRAM: ~550 to 566, hardware-facts 4");
}

// The whole chase (all lines, both homes) against the published A100 curves, random order over
// 128-byte lines: validation/published/a100-80gb/rrze-gpu-benches (RRZE) and
// validation/published/a100-pcie/luo-hopper-benchmark (Luo), memory.jsonl. Up to one L2
// partition's capacity (20 MB) every line is served at the near latency (far lines by their near
// copy); from ~23 to ~37 MB the near partition no longer holds the chase.
TEST(MemoryCalibration, A100LatencyCurveOverBothPartitions) {
    const GpuSpec a100 = load("a100.json");
    expect_within(latency(a100, 2 << 20), 202.8, 205.8, "2 MB: RRZE 205.7 (2.03 MB), Luo 202.8 (2.09 MB)");
    expect_within(latency(a100, 10 << 20), 202.8, 205.8, "10 MB: RRZE 205.8 (9.72 MB), Luo 202.8 (10.04 MB)");
    expect_within(latency(a100, 30 << 20), 398.6, 399.1, "30 MB: RRZE 398.6 (29.8 MB), Luo 399.1 (29.1 MB)");
    expect_within(latency(a100, 100 << 20), 518.3, 533.1, "100 MB: RRZE 518.3 (102 MB), Luo 533.1 (94.7 MB)");
}

TEST(MemoryCalibration, H100LatencyPlateaus) {
    const GpuSpec h100 = load("h100-sxm.json");
    expect_within(latency(h100, 16 << 10), 32, 40, "L1 hit: 32 (H800, GH200) to 40 (H100 SXM), hardware-facts 4");
    expect_within(latency(h100, 4 << 20, "near"), 264, 291, "L2 near: 264 (H800) to 291 (H100 SXM), hardware-facts 4");
    expect_within(latency(h100, 4 << 20, "far"), 465, 485, "L2 far: ~465 to 485 (GH200), hardware-facts 4");
    expect_within(latency(h100, 256 << 20), 656, 700, "DRAM: 656 (H800) to 700 (H100 SXM), hardware-facts 4");
}

TEST(MemoryCalibration, A100Bandwidths) {
    const GpuSpec a100 = load("a100.json");
    expect_within(run_bandwidth_bench(a100, "l1").bytes_per_clk_per_sm, 126, 126, "L1: ~126 B/clk/SM, hardware-facts 4");
    expect_within(terabytes_per_s(a100, "l2"), 5.4, 5.4, "L2: ~5.4 TB/s, hardware-facts 4");
    expect_within(terabytes_per_s(a100, "dram"), 1.555, 1.555, "DRAM: 1555 GB/s nominal, A100 40 GB, hardware-facts 1");
}

TEST(MemoryCalibration, H100Bandwidths) {
    const GpuSpec h100 = load("h100-sxm.json");
    expect_within(run_bandwidth_bench(h100, "l1").bytes_per_clk_per_sm, 128, 128, "L1: ~128 B/clk/SM, hardware-facts 4");
    expect_within(terabytes_per_s(h100, "l2"), 6.9, 7.8, "L2: 6.9 to 7.8 TB/s (H100 PCIe), hardware-facts 4");
    expect_within(terabytes_per_s(h100, "dram"), 3.352, 3.352, "DRAM: 3352 GB/s nominal, H100 SXM5, hardware-facts 1");
}

TEST(MemoryCalibration, H200StreamsItsHbm3eBandwidth) {
    // H200 SXM: 4.8 TB/s HBM3e (NVIDIA H200 datasheet), 43% above H100 SXM5 on the same die.
    const GpuSpec h200 = load("h200.json"), h100 = load("h100-sxm.json");
    expect_within(terabytes_per_s(h200, "dram"), 4.8, 4.8, "DRAM: 4.8 TB/s nominal, H200 SXM datasheet");
    EXPECT_GT(terabytes_per_s(h200, "dram"), 1.3 * terabytes_per_s(h100, "dram"));
}

}  // namespace
}  // namespace stcsim::sim
