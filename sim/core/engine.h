// Engine: owns the clock and runs components until all are done.
//
// Each cycle ticks every component in registration order (a fixed order, so runs are
// deterministic), then jumps to the earliest next_event() of any component: idle cycles are
// skipped, never simulated one by one (unless EngineSpec::skip_idle is false). A component added
// with Ticking::when_due is ticked only from its next_event on (or once woken: Component::wake),
// and the engine keeps its due cycle, so that a hundred sleeping SMs cost no host time while one
// memory system works every cycle. Deadlock watchdog: if for `watchdog_cycles` cycles some unit
// is due in the next cycle yet no unit makes progress (a livelock), or every component waits for
// nothing although some are not done (a deadlock), run() throws DeadlockError whose message holds
// the state of every component as JSON. Waiting without progress for an event some unit has
// scheduled (its next_event lies ahead: a long DRAM latency) is legal for any length of time.
#pragma once

#include <algorithm>
#include <cstdint>
#include <functional>
#include <vector>

#include "common/errors.h"
#include "sim/core/component.h"
#include "sim/core/cycle.h"

namespace stcsim::sim {

struct EngineSpec {
    std::uint64_t watchdog_cycles = 100000;  // cycles due but without progress before a deadlock report
    std::uint64_t max_cycles = 0;            // 0: unlimited; otherwise a hard stop (a UserError)
    // false: every cycle is simulated and every unit that could sleep is ticked every cycle.
    // Slow; results must not change (a check on the units' next_event logic).
    bool skip_idle = true;
};

class DeadlockError : public InternalError {
public:
    explicit DeadlockError(const std::string& message) : InternalError(message) {}
};

class Engine {
public:
    enum class Ticking {
        every_cycle,  // ticked in every cycle the engine simulates
        when_due,     // ticked from its next_event on or when woken (see Component::wake)
    };
    explicit Engine(const EngineSpec& spec) : spec_(spec) {}
    // Components are not owned; they must outlive the engine's run().
    void add(Component& component, Ticking ticking = Ticking::every_cycle) {
        components_.push_back(&component);
        ticking_.push_back(ticking);
    }
    // Calls `observer` (which must only read) after the components' ticks of a cycle, at most once
    // per `cycles` simulated cycles: progress reports that do not wait for a unit's event.
    void observe_every(std::uint64_t cycles, std::function<void(Cycle)> observer) {
        observe_every_ = std::max<std::uint64_t>(1, cycles);
        observer_ = std::move(observer);
    }
    // Runs from cycle 0 until every component is done; returns the cycle in which the last one
    // finished (the cycle of its final tick).
    Cycle run();
    // The state of every component, as in a deadlock report.
    nlohmann::ordered_json dump_state(Cycle now) const;

private:
    bool all_done() const;
    [[noreturn]] void report_deadlock(Cycle now, Cycle last_progress, const char* why) const;

    EngineSpec spec_;
    std::vector<Component*> components_;
    std::vector<Ticking> ticking_;
    std::uint64_t observe_every_ = 0;
    std::function<void(Cycle)> observer_;
};

}  // namespace stcsim::sim
