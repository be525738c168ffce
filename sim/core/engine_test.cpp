#include "sim/core/engine.h"

#include <gtest/gtest.h>

#include <vector>

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

// Records the cycles it is ticked in; done after `work` wakes have been served. Its own
// next_event is never: only a wake brings it back.
class Sleeper final : public Component {
public:
    explicit Sleeper(int work) : left_(work) {}
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        ticked.push_back(now.value());
        if (pending_ && left_ > 0) --left_;
        pending_ = false;
        return true;
    }
    Cycle next_event(Cycle) const override { return Cycle::never(); }
    bool done() const override { return left_ == 0; }
    nlohmann::ordered_json dump_state() const override { return {{"left", left_}}; }
    void poke(Cycle at) {
        pending_ = true;
        wake(at);
    }
    std::vector<std::uint64_t> ticked;

private:
    std::string name_ = "sleeper";
    int left_;
    bool pending_ = false;
};

// Wakes `target` at fixed cycles: for a later cycle, for the current one, for an earlier one.
class Waker final : public Component {
public:
    explicit Waker(Sleeper& target) : target_(target) {}
    const std::string& name() const override { return name_; }
    bool tick(Cycle now) override {
        if (now.value() == 10) target_.poke(Cycle{25});  // for later: ticked at 25
        if (now.value() == 40) target_.poke(Cycle{40});  // for now, target after us: ticked at 40
        if (now.value() == 60) target_.poke(Cycle{0});   // as soon as possible: ticked at 60
        return true;
    }
    Cycle next_event(Cycle now) const override {
        for (std::uint64_t at : {10, 40, 60})
            if (at > now.value()) return Cycle{at};
        return Cycle::never();
    }
    bool done() const override { return true; }
    nlohmann::ordered_json dump_state() const override { return {}; }

private:
    std::string name_ = "waker";
    Sleeper& target_;
};

TEST(Engine, WhenDueComponentsSleepUntilWoken) {
    Sleeper sleeper(3);
    Waker waker(sleeper);
    Engine engine(EngineSpec{});
    engine.add(waker);
    engine.add(sleeper, Engine::Ticking::when_due);
    EXPECT_EQ(engine.run(), Cycle{60});
    EXPECT_EQ(sleeper.ticked, (std::vector<std::uint64_t>{0, 25, 40, 60}));  // 0: due at the start
    sleeper.poke(Cycle{0});  // after the run the engine is gone: a wake does nothing
}

TEST(Engine, WokenAfterItsTickInTheSameCycleItRunsTheNextCycle) {
    Sleeper sleeper(2);
    Waker waker(sleeper);
    Engine engine(EngineSpec{});
    engine.add(sleeper, Engine::Ticking::when_due);  // before the waker: passed when woken at 10
    engine.add(waker);
    engine.run();
    EXPECT_EQ(sleeper.ticked, (std::vector<std::uint64_t>{0, 25, 41}));
}

TEST(Engine, WithoutSkipIdleEveryCycleTicksEveryUnit) {
    Sleeper sleeper(1);
    Waker waker(sleeper);
    EngineSpec spec;
    spec.skip_idle = false;
    Engine engine(spec);
    engine.add(waker);
    engine.add(sleeper, Engine::Ticking::when_due);
    EXPECT_EQ(engine.run(), Cycle{10});
    EXPECT_EQ(sleeper.ticked.size(), 11u);  // cycles 0..10, all of them
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

TEST(Engine, AWaitForAScheduledEventIsNoDeadlockHoweverLong) {
    Periodic far(1'000'000, 1);  // progress only at cycle 1e6, its next event known all along
    Engine engine(EngineSpec{100, 0});
    engine.add(far);
    EXPECT_EQ(engine.run(), Cycle{1'000'000});
    // Ticking every cycle (skip_idle false) waits just the same.
    Periodic slow(2'000, 1);
    Engine every(EngineSpec{100, 0, false});
    every.add(slow);
    EXPECT_EQ(every.run(), Cycle{2'000});
}

TEST(Engine, AUnitDueEveryCycleWithoutProgressIsALivelock) {
    Stuck stuck;  // next event: the next cycle, always; never any progress
    Periodic far(1'000'000, 1);
    Engine engine(EngineSpec{100, 0});
    engine.add(stuck);
    engine.add(far);
    EXPECT_THROW(engine.run(), DeadlockError);
}

TEST(Engine, MaxCyclesStops) {
    Periodic p(5, 1000);
    Engine engine(EngineSpec{1000, 100});
    engine.add(p);
    EXPECT_THROW(engine.run(), UserError);  // the user's limit, not a simulator bug
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
