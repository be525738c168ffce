// Analytic checks of the warp-group MMA timing on the whole SM (sim/gpu/wgmma_bench.h).
#include "sim/gpu/wgmma_bench.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"

namespace stcsim::sim {
namespace {

constexpr const char* kDense256 = "wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16";
constexpr const char* kSparse256 = "wgmma.mma_async.sp.sync.aligned.m64n256k32.f32.f16.f16";
constexpr const char* kDense64 = "wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16";
constexpr const char* kDense8 = "wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16";

GpuSpec load(const std::string& name) {
    return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/" + name).spec;
}

MmaBenchResult bench(const GpuSpec& spec, const char* instr, int warps, int ilp, std::int64_t iters,
                     const char* a_source = "shared", int group = 0, int wait = 1) {
    MmaBenchParams p;
    p.instr = instr;
    p.warps = warps;
    p.ilp = ilp;
    p.iters = iters;
    p.a_source = a_source;
    p.wgmma_group = group;
    p.wgmma_wait = wait;
    return run_mma_bench(spec, p);
}

// hardware-facts.md section 2, H100 SXM5 f16 with f32 accumulate: 2048 dense / 4096 sparse FMA
// per SM per clock; the config's datapath (units x width x 4 sub-partitions) must give the same.
constexpr double kH100Dense = 2048, kH100Sparse = 4096;

TEST(WgmmaBench, ConfigDatapathIsTheWhitepaperPeak) {
    const GpuSpec spec = load("h100-sxm.json");
    const TensorCoreSpec& tc = spec.sm.tensor_core;
    EXPECT_EQ(spec.gpu.arch, "sm_90a");
    EXPECT_DOUBLE_EQ(static_cast<double>(tc.dot_product_units) * tc.dot_product_width * spec.sm.sub_partitions, kH100Dense);
}

TEST(WgmmaBench, DenseSaturatesAtTheDensePeak) {
    const GpuSpec spec = load("h100-sxm.json");
    // m64n256k16 f32 needs 128 accumulator registers: one chain per warp; 4 warp groups.
    const MmaBenchResult r = bench(spec, kDense256, 16, 1, 200);
    EXPECT_NEAR(r.fma_per_clk_per_sm, kH100Dense, kH100Dense * 0.01);
    EXPECT_LE(r.fma_per_clk_per_sm, kH100Dense);
    // One slice: 16 x 256 x 16 multiplies at 512 per cycle.
    EXPECT_EQ(r.timing.interval, 128);
}

TEST(WgmmaBench, SparseSaturatesAtTheSparsePeakWithARegisters) {
    const GpuSpec spec = load("h100-sxm.json");
    const MmaBenchResult r = bench(spec, kSparse256, 16, 1, 200, "registers");
    EXPECT_NEAR(r.fma_per_clk_per_sm, kH100Sparse, kH100Sparse * 0.01);
    EXPECT_LE(r.fma_per_clk_per_sm, kH100Sparse);
    EXPECT_EQ(r.timing.interval, 128);  // half of 16 x 256 x 32 at 512 per cycle
}

TEST(WgmmaBench, SparseWithAFromSharedMemoryIsOperandBound) {
    // A 64 x 16 f16 (2 KiB) + B 256 x 32 f16 (16 KiB) per instruction = 18 KiB in 128 cycles
    // needs 144 B/clk; the shared memory gives 128: 18432 / 128 = 144 cycles per instruction.
    const GpuSpec spec = load("h100-sxm.json");
    const MmaBenchResult r = bench(spec, kSparse256, 16, 1, 200, "shared");
    EXPECT_EQ(r.timing.interval, 144);
    EXPECT_NEAR(r.fma_per_clk_per_sm, kH100Sparse * 128.0 / 144.0, kH100Sparse * 0.01);
}

TEST(WgmmaBench, SmallNIsSharedMemoryBound) {
    // m64n8k16: 16 x 8 x 16 / 512 = 4 compute cycles per slice, but A 2048 + B 256 bytes per
    // instruction, a quarter per slice, at a quarter of 128 B/clk = 18 cycles.
    const GpuSpec spec = load("h100-sxm.json");
    const MmaBenchResult r = bench(spec, kDense8, 16, 4, 200);
    EXPECT_EQ(r.timing.compute_cycles, 4);
    EXPECT_EQ(r.timing.operand_cycles, 18);
    EXPECT_NEAR(r.fma_per_clk_per_sm, kH100Dense * 4.0 / 18.0, kH100Dense * 0.01);
}

TEST(WgmmaBench, OneGroupIlpOneRunsAtTheConfiguredLatency) {
    const GpuSpec spec = load("h100-sxm.json");
    const MmaBenchResult r = bench(spec, kDense64, 4, 1, 500);
    // fixed_cycles + 16 x 64 x 16 / 512 cycles, from the config.
    const int expected = spec.sm.tensor_core.wgmma.fixed_cycles + 32;
    EXPECT_EQ(r.timing.latency, expected);
    EXPECT_NEAR(r.latency_cycles, expected, 0.1);
}

TEST(WgmmaBench, AsynchronousIssueBeatsWaitingAfterEachInstruction) {
    const GpuSpec spec = load("h100-sxm.json");
    const MmaBenchResult serial = bench(spec, kDense64, 4, 4, 200, "shared", 1, 0);
    const MmaBenchResult pipelined = bench(spec, kDense64, 4, 4, 200);
    // wait_group 0 after every instruction: each waits out its full latency; the wait issues in
    // the writeback cycle and the next wgmma one cycle later.
    EXPECT_NEAR(static_cast<double>(serial.cycles) / (4.0 * 200), serial.timing.latency + 1, 0.5);
    // Pipelined: the four chains keep the tensor cores busy, one slice per interval.
    EXPECT_NEAR(static_cast<double>(pipelined.cycles) / (4.0 * 200), pipelined.timing.interval, 0.5);
    EXPECT_LT(pipelined.cycles, serial.cycles);
}

TEST(WgmmaBench, Errors) {
    const GpuSpec h100 = load("h100-sxm.json");
    EXPECT_THROW(bench(h100, kDense64, 6, 1, 10), UserError);  // not a multiple of 4
    EXPECT_THROW(bench(h100, kDense256, 4, 2, 10), UserError);  // 2 x 128 accumulator registers
    EXPECT_THROW(bench(load("a100.json"), kDense64, 4, 1, 10), UserError);  // sm_80 has no wgmma
    GpuSpec no_path = h100;
    no_path.sm.tensor_core.wgmma.fixed_cycles = 0;
    EXPECT_THROW(bench(no_path, kDense64, 4, 1, 10), UserError);
}

}  // namespace
}  // namespace stcsim::sim
