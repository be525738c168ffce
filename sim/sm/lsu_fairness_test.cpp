// The SM's sub-partitions share the LSU queue's free slots in turn: when every sub-partition has
// shared-memory loads ready and the queue admits one instruction per cycle, none of them waits
// for the others to finish.
#include <gtest/gtest.h>

#include <vector>

#include <fmt/format.h>

#include "sim/config/gpu_schema.h"
#include "sim/core/engine.h"
#include "sim/core/stats.h"
#include "sim/sm/sm.h"

namespace stcsim::sim {
namespace {

// One warp of `count` independent conflict-free LDS (lane l reads word l), each writing its own
// register, stall count 1.
class SharedLoads final : public InstrStream {
public:
    explicit SharedLoads(int count) {
        for (int i = 0; i < count; ++i) {
            WarpInstr in;
            in.unit = ExecUnit::memory;
            in.mem = MemKind::shared_load;
            in.width = 4;
            in.dst[in.n_dst++] = static_cast<std::uint8_t>(i % 200);
            in.stall = 1;
            list_.push_back(in);
        }
    }
    void prepare(Sm& sm) {
        for (WarpInstr& in : list_) sm.prepare(in);
    }
    const WarpInstr* next() override { return next_ < list_.size() ? &list_[next_++] : nullptr; }
    void addresses(LaneAddresses& out) const override {
        for (int l = 0; l < 32; ++l) out.addr[static_cast<std::size_t>(l)] = static_cast<std::uint64_t>(4 * l);
        out.active = 0xffffffffu;
    }

private:
    std::vector<WarpInstr> list_;
    std::size_t next_ = 0;
};

TEST(LsuFairness, SubPartitionsShareTheQueueInTurn) {
    constexpr int kLoads = 400;
    SmSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec.sm;
    spec.lsu.queue_depth = 2;
    SmContext context;
    context.shared.load_latency = 20;
    Sm sm("sm0", spec, {}, {}, context);
    std::vector<SharedLoads> warps(4, SharedLoads(kLoads));  // warp w on sub-partition w
    for (SharedLoads& w : warps) w.prepare(sm);
    for (SharedLoads& w : warps) sm.launch_warp(w);
    Stats stats;
    sm.register_stats(stats, "sm0");
    Engine engine{EngineSpec{}};
    engine.add(sm);
    const Cycle end = engine.run();
    sm.finish(end);
    // The LSU starts one instruction per cycle: 1,600 loads take about 1,600 cycles.
    EXPECT_NEAR(static_cast<double>(end.value()), 4.0 * kLoads, 0.05 * 4 * kLoads);
    // No sub-partition ran out of work long before the end (with a fixed order sub-partition 0
    // would finish after about a quarter of the time and idle for the rest).
    const auto described = stats.described();
    for (int p = 0; p < 4; ++p) {
        const auto idle = described[fmt::format("sm0.sp{}.scheduler.idle", p)]["value"].get<std::uint64_t>();
        EXPECT_LT(static_cast<double>(idle), 0.05 * static_cast<double>(end.value())) << "sub-partition " << p;
    }
}

}  // namespace
}  // namespace stcsim::sim
