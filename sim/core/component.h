// Component: the interface every clocked unit that the Engine drives implements.
//
// Contract: tick(now) advances the unit by exactly cycle `now` (called with strictly increasing
// cycles, possibly skipping cycles in which next_event() promised nothing happens) and reports
// whether it made progress (moved, issued, retired anything). next_event(now) is the earliest
// cycle after `now` at which the unit might make progress without outside help (Cycle::never()
// if none). done() says the unit has no more work. dump_state() describes the mutable state for
// deadlock reports and debugging.
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
};

}  // namespace stcsim::sim
