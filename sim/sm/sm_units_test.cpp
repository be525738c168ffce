#include <gtest/gtest.h>

#include <random>
#include <vector>

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

SchedulerSpec policy(const char* name) {
    SchedulerSpec spec;
    spec.policy = name;
    return spec;
}

TEST(Scheduler, GreedyThenOldest) {
    auto gto = make_scheduler(policy("gto"));
    EXPECT_EQ(gto->select(0b1110), 1);
    gto->issued(2);
    EXPECT_EQ(gto->select(0b1110), 2);  // keeps the last warp while it is ready
    EXPECT_EQ(gto->select(0b1010), 1);  // else the oldest
}

TEST(Scheduler, LooseRoundRobin) {
    auto lrr = make_scheduler(policy("lrr"));
    lrr->issued(1);
    EXPECT_EQ(lrr->select(0b1011), 3);
    lrr->issued(3);
    EXPECT_EQ(lrr->select(0b1011), 0);  // wraps around
    EXPECT_THROW(make_scheduler(policy("fifo")), UserError);
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
    EXPECT_EQ(oc.oldest_ready(Cycle{2}), -1);
    EXPECT_EQ(oc.oldest_ready(Cycle{3}), 0);
    EXPECT_EQ(oc.ready_at(1), Cycle{4});
    EXPECT_EQ(oc.state().bank_conflicts, 6u);  // b deferred at cycles 1 and 2, a once at cycle 1
    EXPECT_EQ(oc.state().reads, 6u);
    oc.release(0);
    EXPECT_TRUE(oc.has_free());
    EXPECT_EQ(oc.oldest_ready(Cycle{4}), 1);
    // A unit allocated after an idle stretch starts reading the cycle after its allocation.
    oc.release(1);
    oc.allocate(Cycle{20}, 0, instr({7, 9}, {}));
    EXPECT_EQ(oc.ready_at(0), Cycle{20 + 2 + 1});  // two reads in bank 1 at 21 and 22
}

// The register file cycle by cycle, as the collector's contract states it: every cycle, each
// bank grants its reads_per_bank_per_cycle reads to the units in allocation order.
class SteppedBanks {
public:
    SteppedBanks(int banks, int per_bank) : banks_(banks), per_bank_(per_bank) {}
    // Allocates after the reads of `now`; returns the unit's index.
    int allocate(std::uint64_t now, const WarpInstr& in) {
        step_to(now);
        Unit u;
        for (int i = 0; i < in.n_src; ++i) ++u.pending[static_cast<std::size_t>(in.src[static_cast<std::size_t>(i)] % banks_)];
        u.left = in.n_src;
        if (u.left == 0) u.ready = now + 1;
        units_.push_back(u);
        return static_cast<int>(units_.size()) - 1;
    }
    void step_to(std::uint64_t cycle) {
        for (; at_ < cycle; ++at_) arbitrate(at_ + 1);
    }
    std::uint64_t ready(int unit) const { return units_[static_cast<std::size_t>(unit)].ready; }
    std::uint64_t reads = 0, conflicts = 0;

private:
    struct Unit {
        std::array<int, OperandCollector::kMaxBanks> pending{};
        int left = 0;
        std::uint64_t ready = 0;
    };
    void arbitrate(std::uint64_t cycle) {
        std::array<int, OperandCollector::kMaxBanks> cap;
        cap.fill(per_bank_);
        for (Unit& u : units_) {
            if (u.left == 0) continue;
            for (int b = 0; b < banks_; ++b) {
                int& want = u.pending[static_cast<std::size_t>(b)];
                const int take = std::min(want, cap[static_cast<std::size_t>(b)]);
                if (take < want) conflicts += static_cast<std::uint64_t>(std::min(want - take, per_bank_));
                reads += static_cast<std::uint64_t>(take);
                want -= take;
                cap[static_cast<std::size_t>(b)] -= take;
                u.left -= take;
            }
            if (u.left == 0) u.ready = cycle + 1;
        }
    }
    int banks_, per_bank_;
    std::vector<Unit> units_;
    std::uint64_t at_ = 0;
};

// The collector settles each unit's reads at allocation; on random instructions, allocation
// times and register-file shapes it must agree with granting reads cycle by cycle.
TEST(OperandCollector, BookingAtAllocationEqualsArbitrationCycleByCycle) {
    std::mt19937 rng(5);
    for (int trial = 0; trial < 300; ++trial) {
        const int banks = 1 + static_cast<int>(rng() % 4);
        const int per_bank = 1 + static_cast<int>(rng() % 2);
        const int units = 1 + static_cast<int>(rng() % 4);
        OperandCollector oc(RegisterFileSpec{banks, per_bank, units});
        SteppedBanks stepped(banks, per_bank);
        std::vector<WarpInstr> instrs(40);
        std::vector<std::pair<std::uint64_t, int>> booked;  // (the collector's ready cycle, stepped unit)
        std::uint64_t now = 0;
        for (WarpInstr& in : instrs) {
            now += rng() % 4;
            for (int u = 0; u < units; ++u)  // dispatch what is ready
                if (oc.ready_at(u) <= Cycle{now}) oc.release(u);
            if (!oc.has_free()) continue;
            const int n = static_cast<int>(rng() % 14);
            for (int i = 0; i < n; ++i) in.src[in.n_src++] = static_cast<std::uint8_t>(rng() % 64);
            oc.allocate(Cycle{now}, 0, in);
            const int unit = [&] {
                for (int u = 0; u < units; ++u)
                    if (&oc.instr(u) == &in) return u;
                return -1;
            }();
            ASSERT_GE(unit, 0);
            booked.emplace_back(oc.ready_at(unit).value(), stepped.allocate(now, in));
        }
        stepped.step_to(now + 1000);
        for (const auto& [ready, s] : booked) ASSERT_EQ(ready, stepped.ready(s)) << "trial " << trial;
        EXPECT_EQ(oc.state().reads, stepped.reads) << "trial " << trial;
        EXPECT_EQ(oc.state().bank_conflicts, stepped.conflicts) << "trial " << trial;
    }
}

}  // namespace
}  // namespace stcsim::sim
