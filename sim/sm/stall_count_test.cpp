// Cycle-boundary checks of compiler stall counts (WarpInstr::stall): a warp waits exactly the
// stall count of its last instruction before it issues again, with and without idle skipping.
#include <gtest/gtest.h>

#include <vector>

#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/sm/list_stream.h"
#include "sim/sm/sm.h"

namespace stcsim::sim {
namespace {

struct Outcome {
    std::uint64_t cycles = 0;
    std::uint64_t stall_wait = 0;
};

// One warp runs independent one-register instructions on pipeline 0, with these stall counts.
Outcome run(const std::vector<int>& stalls, bool skip_idle) {
    SmSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec.sm;
    spec.pipelines = {PipelineSpec{"alu", "IADD3", 4, 1, ""}};
    SmContext context;
    context.skip_idle = skip_idle;
    Sm sm("sm0", spec, {}, {PipeTiming{4, 1}}, context);
    std::vector<WarpInstr> list;
    for (std::size_t i = 0; i < stalls.size(); ++i) {
        WarpInstr in;
        in.unit = ExecUnit::pipeline;
        in.dst[in.n_dst++] = static_cast<std::uint8_t>(i);
        in.stall = static_cast<std::uint8_t>(stalls[i]);
        sm.prepare(in);
        list.push_back(in);
    }
    ListStream stream(list);
    sm.launch_warp(stream);
    Stats stats;
    sm.register_stats(stats, "sm0");
    EngineSpec engine;
    engine.skip_idle = skip_idle;
    Engine e(engine);
    e.add(sm);
    const Cycle end = e.run();
    sm.finish(end);
    return {end.value(), stats.described()["sm0.sp0.scheduler.stall_wait"]["value"].get<std::uint64_t>()};
}

TEST(StallCount, TheNextInstructionIssuesExactlyThatManyCyclesLater) {
    for (bool skip : {true, false}) {
        const Outcome plain = run({0, 0, 0, 0}, skip);
        const Outcome ones = run({1, 1, 1, 1}, skip);
        EXPECT_EQ(ones.cycles, plain.cycles) << "a stall of 1 is the next cycle, as without one";
        const Outcome waits = run({3, 1, 5, 1}, skip);
        EXPECT_EQ(waits.cycles, plain.cycles + 2 + 4);
        EXPECT_EQ(waits.stall_wait, 2u + 4u);
        EXPECT_EQ(run({3, 1, 4, 1}, skip).cycles + 1, waits.cycles) << "one cycle less of stall, one cycle earlier";
        EXPECT_EQ(run({3, 1, 5, 9}, skip).cycles, waits.cycles) << "the last instruction's stall holds nothing back";
    }
}

}  // namespace
}  // namespace stcsim::sim
