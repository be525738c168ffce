#include <gtest/gtest.h>

#include "sim/sm/operand_collector.h"
#include "sim/sm/scheduler.h"
#include "sim/sm/scoreboard.h"

namespace stcsim::sim {
namespace {

WarpInstr instr(std::initializer_list<int> src, std::initializer_list<int> dst) {
    WarpInstr in;
    for (int r : src) in.src[in.n_src++] = static_cast<std::uint8_t>(r);
    for (int r : dst) in.dst[in.n_dst++] = static_cast<std::uint8_t>(r);
    in.compute_mask();
    return in;
}

TEST(Scoreboard, BlocksReadAfterWriteAndWriteAfterWrite) {
    Scoreboard sb;
    const WarpInstr producer = instr({1, 2}, {200, 201});
    EXPECT_TRUE(sb.can_issue(producer));
    sb.reserve(producer.dst.data(), producer.n_dst);
    EXPECT_FALSE(sb.can_issue(instr({200}, {5})));  // RAW
    EXPECT_FALSE(sb.can_issue(instr({1}, {201})));  // WAW
    EXPECT_TRUE(sb.can_issue(instr({1, 2}, {7})));
    sb.release(producer.dst.data(), producer.n_dst);
    EXPECT_TRUE(sb.empty());
    EXPECT_TRUE(sb.can_issue(instr({200}, {5})));
}

TEST(Scheduler, GreedyThenOldest) {
    auto gto = make_scheduler(SchedulerSpec{"gto"});
    EXPECT_EQ(gto->select(0b1110), 1);
    gto->issued(2);
    EXPECT_EQ(gto->select(0b1110), 2);  // keeps the last warp while it is ready
    EXPECT_EQ(gto->select(0b1010), 1);  // else the oldest
}

TEST(Scheduler, LooseRoundRobin) {
    auto lrr = make_scheduler(SchedulerSpec{"lrr"});
    lrr->issued(1);
    EXPECT_EQ(lrr->select(0b1011), 3);
    lrr->issued(3);
    EXPECT_EQ(lrr->select(0b1011), 0);  // wraps around
    EXPECT_THROW(make_scheduler(SchedulerSpec{"fifo"}), UserError);
}

TEST(OperandCollector, UnloadedFetchIsTheBusiestBank) {
    const RegisterFileSpec two{2, 1, 2};
    EXPECT_EQ(OperandCollector::unloaded_fetch_cycles(two, instr({0, 1, 2, 3, 4}, {})), 3);
    EXPECT_EQ(OperandCollector::unloaded_fetch_cycles(two, instr({0, 2, 4, 6}, {})), 4);
    EXPECT_EQ(OperandCollector::unloaded_fetch_cycles(RegisterFileSpec{2, 2, 2}, instr({0, 2, 4, 6}, {})), 2);
}

TEST(OperandCollector, ReadyTheCycleAfterTheLastReadAndConflictsDelay) {
    OperandCollector oc(RegisterFileSpec{2, 1, 2});
    const WarpInstr a = instr({0, 1, 2, 3}, {});  // 2 reads per bank: cycles 1 and 2
    const WarpInstr b = instr({4, 5}, {});        // same banks, younger: waits
    oc.allocate(Cycle{0}, 0, a);
    oc.allocate(Cycle{0}, 1, b);
    EXPECT_FALSE(oc.has_free());
    oc.read_through(Cycle{1});
    oc.read_through(Cycle{2});
    EXPECT_EQ(oc.oldest_ready(Cycle{2}), -1);
    EXPECT_EQ(oc.oldest_ready(Cycle{3}), 0);
    oc.read_through(Cycle{3});
    EXPECT_EQ(oc.ready_at(1), Cycle{4});
    EXPECT_EQ(oc.state().bank_conflicts, 6u);  // b deferred at cycles 1 and 2, a once at cycle 1
    oc.release(0);
    EXPECT_TRUE(oc.has_free());
    EXPECT_EQ(oc.oldest_ready(Cycle{4}), 1);
}

// Reads applied late (a sub-partition that skipped cycles) equal reads applied every cycle, and
// next_ready() foretells the cycle the first unit becomes ready.
TEST(OperandCollector, ReadsAppliedLateEqualReadsAppliedEveryCycle) {
    const RegisterFileSpec spec{2, 1, 2};
    const WarpInstr a = instr({0, 1, 2, 3, 5}, {});
    const WarpInstr b = instr({4, 7, 9}, {});
    OperandCollector stepped(spec), late(spec);
    for (OperandCollector* oc : {&stepped, &late}) {
        oc->allocate(Cycle{0}, 0, a);
        oc->allocate(Cycle{0}, 1, b);
    }
    const Cycle predicted = late.next_ready();
    for (std::uint64_t c = 1; c <= 8; ++c) stepped.read_through(Cycle{c});
    late.read_through(Cycle{8});
    EXPECT_EQ(predicted, std::min(stepped.ready_at(0), stepped.ready_at(1)));
    EXPECT_EQ(late.ready_at(0), stepped.ready_at(0));
    EXPECT_EQ(late.ready_at(1), stepped.ready_at(1));
    EXPECT_EQ(late.state().reads, stepped.state().reads);
    EXPECT_EQ(late.state().bank_conflicts, stepped.state().bank_conflicts);
    EXPECT_EQ(late.next_ready(), Cycle::never());
    // A unit allocated after an idle stretch starts reading the cycle after its allocation.
    late.release(0);
    late.release(1);
    late.allocate(Cycle{20}, 0, b);
    EXPECT_EQ(late.next_ready(), Cycle{20 + 2 + 1});  // b: two reads in bank 1 (R7, R9) at 21 and 22
}

}  // namespace
}  // namespace stcsim::sim
