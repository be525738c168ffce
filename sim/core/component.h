// Component: the interface every clocked unit that the Engine drives implements.
//
// Contract: tick(now) advances the unit by exactly cycle `now` (called with strictly increasing
// cycles, possibly skipping cycles in which next_event() promised nothing happens) and reports
// whether it made progress (moved, issued, retired anything). next_event(now) is the earliest
// cycle after `now` at which the unit might make progress without outside help (Cycle::never()
// if none). done() says the unit has no more work. dump_state() describes the mutable state for
// deadlock reports and debugging.
// A component the Engine ticks only when due (Engine::Ticking::when_due) is skipped in cycles
// before its next_event; whoever changes it from outside its own tick (a memory response, a
// launched CTA) must call wake(), or the change waits for the component's own next event.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "sim/core/cycle.h"

namespace stcsim::sim {

class Component {
public:
    virtual ~Component() = default;
    virtual const std::string& name() const = 0;
    virtual bool tick(Cycle now) = 0;
    virtual Cycle next_event(Cycle now) const { return now + 1; }
    virtual bool done() const = 0;
    virtual nlohmann::ordered_json dump_state() const = 0;

    // Something outside changed the component: tick it at `at`, or at the first cycle from `at`
    // on that has not ticked it yet (Cycle{0}: as soon as possible). Nothing happens unless an
    // engine ticks it only when due.
    void wake(Cycle at) {
        if (wake_slot_ != nullptr && at < *wake_slot_) *wake_slot_ = at;
    }

private:
    friend class Engine;
    Cycle* wake_slot_ = nullptr;  // the engine's due cycle for this component, while it runs one
};

}  // namespace stcsim::sim
