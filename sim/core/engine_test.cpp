#include "sim/core/engine.h"

#include <gtest/gtest.h>

#include "sim/core/stats.h"

namespace stcsim::sim {
namespace {

// Makes progress every `period` cycles, `count` times; promises its next event precisely.
class Periodic final : public Component {
public:
    Periodic(std::uint64_t period, int count) : period_(period), left_(count) {}
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        ++ticks;
        if (left_ > 0 && now.value() % period_ == 0 && now.value() > 0) {
            --left_;
            return true;
        }
        return false;
    }
    Cycle next_event(Cycle now) const override { return Cycle{(now.value() / period_ + 1) * period_}; }
    bool done() const override { return left_ == 0; }
    nlohmann::ordered_json dump_state() const override { return {{"left", left_}}; }
    int ticks = 0;

private:
    std::string name_ = "periodic";
    std::uint64_t period_;
    int left_;
};

class Stuck final : public Component {
public:
    const std::string& name() const override { return name_; }
    bool tick(Cycle) override { return false; }
    bool done() const override { return false; }
    nlohmann::ordered_json dump_state() const override { return {{"waiting_for", "nothing"}}; }

private:
    std::string name_ = "stuck_unit";
};

TEST(Engine, RunsUntilDoneAndSkipsIdleCycles) {
    Periodic p(10, 3);
    Engine engine(EngineSpec{});
    engine.add(p);
    EXPECT_EQ(engine.run(), Cycle{30});
    EXPECT_EQ(p.ticks, 4);  // cycles 0, 10, 20, 30: nothing in between is simulated
}

TEST(Engine, WatchdogDumpsEveryUnit) {
    Stuck s;
    Engine stuck_only(EngineSpec{50, 0});
    stuck_only.add(s);
    try {
        stuck_only.run();
        FAIL() << "no deadlock reported";
    } catch (const DeadlockError& error) {
        const std::string what = error.what();
        EXPECT_NE(what.find("deadlock at cycle 50"), std::string::npos) << what;
        EXPECT_NE(what.find("stuck_unit"), std::string::npos) << what;
        EXPECT_NE(what.find("waiting_for"), std::string::npos) << what;
    }
}

TEST(Engine, MaxCyclesStops) {
    Periodic p(5, 1000);
    Engine engine(EngineSpec{1000, 100});
    engine.add(p);
    EXPECT_THROW(engine.run(), DeadlockError);
}

TEST(Stats, OrderedWithUnitsAndDerivedValues) {
    std::uint64_t a = 6, b = 3;
    Stats stats;
    stats.counter("z.first", "cycles", "registered first", &a);
    stats.counter("a.second", "cycles", "registered second", &b);
    stats.derived("ratio", "fraction", "first / second", [&] { return static_cast<double>(a) / static_cast<double>(b); });
    EXPECT_EQ(stats.values().dump(), R"({"z.first":6,"a.second":3,"ratio":2.0})");
    EXPECT_EQ(stats.described()["ratio"]["unit"], "fraction");
    EXPECT_THROW(stats.counter("ratio", "", "", &a), InternalError);
}

}  // namespace
}  // namespace stcsim::sim
