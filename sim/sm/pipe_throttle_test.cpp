// sm.scheduler.pipe_throttle: a warp whose pipeline or tensor core is booked leaves the issue slot
// and the collector units to the other warps, and a warp alone runs as fast as without the throttle.
#include <gtest/gtest.h>

#include <vector>

#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/sm/list_stream.h"
#include "sim/sm/sm.h"
#include "sim/tensor/mma_timing.h"

namespace stcsim::sim {
namespace {

// `count` independent instructions on pipeline `pipe` (or the tensor core), each with a stall
// count of 1, writing registers from `first_register` on and reading one register (one cycle of
// operand reads).
std::vector<WarpInstr> independent(int pipe, int count, int first_register, ExecUnit unit = ExecUnit::pipeline) {
    std::vector<WarpInstr> list;
    for (int i = 0; i < count; ++i) {
        WarpInstr in;
        in.unit = unit;
        in.op = static_cast<std::uint16_t>(pipe);
        in.dst[in.n_dst++] = static_cast<std::uint8_t>(first_register + i);
        in.src[in.n_src++] = 200;
        in.stall = 1;
        list.push_back(in);
    }
    return list;
}

struct Outcome {
    std::uint64_t cycles = 0;
    std::uint64_t collector_full = 0;
    std::uint64_t pipe_throttle = 0;
};

// One sub-partition with a quarter-rate pipeline 0 (interval 4), a full-rate pipeline 1 and a
// tensor instruction that holds the tensor core 8 cycles, running one warp per list.
Outcome run(std::vector<std::vector<WarpInstr>> warps, bool throttle) {
    SmSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec.sm;
    spec.sub_partitions = 1;
    spec.scheduler.pipe_throttle = throttle;
    spec.pipelines = {PipelineSpec{"sfu", "MUFU", 4, 4, ""}, PipelineSpec{"fma", "FFMA", 4, 1, ""}};
    MmaTiming mma;
    mma.interval = 8;
    mma.latency = 16;
    Sm sm("sm0", spec, {mma}, {PipeTiming{4, 4}, PipeTiming{4, 1}}, SmContext{});
    std::vector<ListStream> streams;
    streams.reserve(warps.size());
    for (auto& list : warps) {
        for (WarpInstr& in : list) sm.prepare(in);
        streams.emplace_back(list);
    }
    for (ListStream& stream : streams) sm.launch_warp(stream);
    Stats stats;
    sm.register_stats(stats, "sm0");
    Engine e{EngineSpec{}};
    e.add(sm);
    const Cycle end = e.run();
    sm.finish(end);
    const auto value = [&](const char* name) { return stats.described()[name]["value"].get<std::uint64_t>(); };
    return {end.value(), value("sm0.sp0.scheduler.stall_collector_full"), value("sm0.sp0.scheduler.stall_pipe_throttle")};
}

TEST(PipeThrottle, AWarpAloneRunsAsFastAsWithoutIt) {
    // Back-to-back quarter-rate instructions: the booking predicts each dispatch exactly, so the
    // warp issues each one just in time for its pipeline.
    const Outcome queued = run({independent(0, 16, 0)}, false);
    const Outcome throttled = run({independent(0, 16, 0)}, true);
    EXPECT_EQ(throttled.cycles, queued.cycles);
    EXPECT_EQ(queued.pipe_throttle, 0u);
    EXPECT_GT(throttled.pipe_throttle, 0u) << "the warp waits for its pipeline at issue, not in a collector unit";
}

TEST(PipeThrottle, ABookedPipelineDoesNotBlockTheOtherWarp) {
    // Warp 0 floods the quarter-rate pipeline (32 instructions: 128 cycles of it); warp 1 has 96
    // full-rate instructions, as many as the issue slots warp 0 leaves free in those cycles.
    const std::vector<std::vector<WarpInstr>> warps = {independent(0, 32, 0), independent(1, 96, 100)};
    const Outcome queued = run(warps, false);
    const Outcome throttled = run(warps, true);
    EXPECT_GT(queued.collector_full, 0u) << "without the throttle the quarter-rate instructions fill the collector units";
    EXPECT_EQ(throttled.collector_full, 0u);
    EXPECT_LT(throttled.cycles, queued.cycles);
    // Both pipelines busy at once: the run ends within a pipeline's latency and the operand reads
    // of the quarter-rate pipeline's 128 cycles.
    EXPECT_LE(throttled.cycles, 128u + 4u + 2u);
}

TEST(PipeThrottle, TensorInstructionsWaitAtIssueNotInTheCollectors) {
    // Warp 0 has 16 independent tensor instructions (8 cycles each on the tensor core), warp 1
    // 112 full-rate instructions, as many as the issue slots warp 0 leaves free in those cycles.
    const std::vector<std::vector<WarpInstr>> warps = {independent(0, 16, 0, ExecUnit::tensor), independent(1, 112, 100)};
    const Outcome queued = run(warps, false);
    const Outcome throttled = run(warps, true);
    EXPECT_GT(queued.collector_full, 0u) << "without the throttle the tensor instructions fill the collector units";
    EXPECT_EQ(throttled.collector_full, 0u);
    EXPECT_LT(throttled.cycles, queued.cycles);
    const Outcome alone = run({independent(0, 16, 0, ExecUnit::tensor)}, true);
    EXPECT_EQ(alone.cycles, run({independent(0, 16, 0, ExecUnit::tensor)}, false).cycles)
        << "one tensor instruction waiting in a collector unit keeps the tensor core busy";
}

}  // namespace
}  // namespace stcsim::sim
