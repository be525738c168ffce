#include "sim/tensor/tensor_core.h"

#include <gtest/gtest.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {
namespace {

int retired(TensorCore& tc, Cycle now) {
    return tc.retire(now, [](const Retirement&) {});
}

TEST(TensorCore, WritebackNotAtNMinus1ButAtN) {
    TensorCore tc;
    const TensorOpTiming op{2, 8, 5};
    ASSERT_TRUE(tc.can_accept(Cycle{10}, op));
    const Cycle wb = tc.accept(Cycle{10}, op, Retirement{});
    EXPECT_EQ(wb, Cycle{10 + 2 + 8 + 5});
    EXPECT_EQ(retired(tc, Cycle{24}), 0);
    EXPECT_EQ(retired(tc, Cycle{25}), 1);
    EXPECT_TRUE(tc.idle());
}

TEST(TensorCore, UnitsBusyForTheInterval) {
    TensorCore tc;
    const TensorOpTiming dense{0, 8, 4};
    tc.accept(Cycle{0}, dense, Retirement{});
    EXPECT_FALSE(tc.can_accept(Cycle{7}, dense));
    EXPECT_TRUE(tc.can_accept(Cycle{8}, dense));
    // A sparse op's decode and B-select stages overlap the previous op's dot products.
    const TensorOpTiming sparse{2, 8, 4};
    EXPECT_FALSE(tc.can_accept(Cycle{5}, sparse));
    EXPECT_TRUE(tc.can_accept(Cycle{6}, sparse));
    EXPECT_EQ(tc.accept_time(sparse), Cycle{6});
    tc.accept(Cycle{6}, sparse, Retirement{});
    EXPECT_EQ(tc.units_free_at(), Cycle{16});
    EXPECT_EQ(tc.state().busy_cycles, 16u);
}

GpuSpec load(const char* name) {
    return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/" + name).spec;
}

int interval(const GpuSpec& spec, const char* ptx) {
    return resolve_timing(isa::parse_mma(ptx, *isa::parse_arch(spec.gpu.arch)), spec.sm.tensor_core).interval;
}

TEST(MmaTiming, IntervalFollowsFromTheDatapath) {
    const GpuSpec a100 = load("a100.json");
    EXPECT_EQ(interval(a100, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"), 8);   // 2048 / 256
    EXPECT_EQ(interval(a100, "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32"), 4);
    EXPECT_EQ(interval(a100, "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"), 8);  // 2048 kept products
    EXPECT_EQ(interval(a100, "mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"), 4);
    EXPECT_EQ(interval(a100, "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32"), 8);    // half rate
    EXPECT_EQ(interval(a100, "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32"), 8);      // double rate
    const GpuSpec ga102 = load("rtx3090.json");
    EXPECT_EQ(interval(ga102, "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16"), 16);
    EXPECT_EQ(interval(ga102, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"), 32);  // f32 acc half rate
    const GpuSpec h100 = load("h100-sxm.json");  // 2048 / 512, plus the 2 overhead cycles of mma.sync on Hopper
    EXPECT_EQ(interval(h100, "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"), 6);
    // mma.sp holds the units 2 cycles more than the dense form of the same multiplies (H200 measurement)
    EXPECT_EQ(interval(h100, "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"), 8);
    EXPECT_EQ(interval(h100, "mma.sp.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"), 6);
    EXPECT_EQ(interval(h100, "mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32"), 4);  // runs as 16 rows: 2048 / 1024 + 2
}

TEST(MmaTiming, WarpAndSparseOverheadsAndDatapathRowsShapeTheInterval) {
    GpuSpec a100 = load("a100.json");
    const char* dense = "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32";
    const char* small = "mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32";
    EXPECT_EQ(interval(a100, small), 2);  // 1024 products / 512 per cycle
    a100.sm.tensor_core.warp_mma_overhead_cycles = 3;
    EXPECT_EQ(interval(a100, dense), 8 + 3);
    EXPECT_EQ(interval(a100, "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"), 8 + 3);
    a100.sm.tensor_core.sparse_mma_overhead_cycles = 2;  // only mma.sp pays it
    EXPECT_EQ(interval(a100, dense), 8 + 3);
    EXPECT_EQ(interval(a100, "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"), 8 + 3 + 2);
    a100.sm.tensor_core.warp_mma_overhead_cycles = 0;
    a100.sm.tensor_core.sparse_mma_overhead_cycles = 0;
    a100.sm.tensor_core.datapath_rows = 16;
    EXPECT_EQ(interval(a100, small), 4);   // an 8-row form pays for 16 rows
    EXPECT_EQ(interval(a100, dense), 8);   // a 16-row form is unchanged
}

TEST(MmaTiming, LatencyFromFirstMatchingEntryOrDefault) {
    GpuSpec a100 = load("a100.json");
    const auto form = isa::parse_mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", isa::Arch::sm_80);
    MmaTiming t = resolve_timing(form, a100.sm.tensor_core);
    EXPECT_EQ(t.latency, a100.sm.tensor_core.latencies[2].cycles);
    EXPECT_EQ(t.front_cycles, 2);
    EXPECT_TRUE(t.sparse);
    a100.sm.tensor_core.latencies.clear();
    t = resolve_timing(form, a100.sm.tensor_core);
    EXPECT_EQ(t.latency, a100.sm.tensor_core.default_fixed_cycles + 8 + 2);
}

TEST(MmaTiming, MissingRateIsAUserError) {
    GpuSpec a100 = load("a100.json");
    a100.sm.tensor_core.rates.clear();
    EXPECT_THROW(resolve_timing(isa::parse_mma("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", isa::Arch::sm_80),
                                a100.sm.tensor_core),
                 UserError);
}

}  // namespace
}  // namespace stcsim::sim
