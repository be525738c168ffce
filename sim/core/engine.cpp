#include "sim/core/engine.h"

#include <algorithm>

#include <fmt/format.h>

namespace stcsim::sim {

bool Engine::all_done() const {
    return std::all_of(components_.begin(), components_.end(),
                       [](const Component* c) { return c->done(); });
}

nlohmann::ordered_json Engine::dump_state(Cycle now) const {
    nlohmann::ordered_json state;
    state["cycle"] = now.value();
    for (const Component* component : components_) state[component->name()] = component->dump_state();
    return state;
}

void Engine::report_deadlock(Cycle now, Cycle last_progress, const char* why) const {
    throw DeadlockError(fmt::format("deadlock at cycle {} (last progress at cycle {}): {}; state: {}",
                                    now.value(), last_progress.value(), why,
                                    dump_state(now).dump()));
}

Cycle Engine::run() {
    // The due cycle of each component ticked only when due (with skip_idle; unused for the rest).
    std::vector<Cycle> due(components_.size(), Cycle{0});
    struct Unbind {  // components outlive the engine: no pointer into `due` may stay behind
        std::vector<Component*>& components;
        ~Unbind() {
            for (Component* c : components) c->wake_slot_ = nullptr;
        }
    } unbind{components_};
    for (std::size_t i = 0; i < components_.size(); ++i)
        if (spec_.skip_idle && ticking_[i] == Ticking::when_due) components_[i]->wake_slot_ = &due[i];
    Cycle now{0};
    Cycle last_progress{0};
    // Cycles since the last progress in which some unit was due again at once (next event now + 1)
    // and yet nothing moved. Waiting for an event scheduled later (a long memory latency) is not
    // counted: the engine knows when it falls due, so it is no deadlock however long it lasts.
    std::uint64_t stalled = 0;
    Cycle next_observation{observe_every_};
    while (true) {
        bool progress = false;
        for (std::size_t i = 0; i < components_.size(); ++i) {
            Component* component = components_[i];
            if (component->wake_slot_ == nullptr) {
                progress = component->tick(now) || progress;
            } else if (due[i] <= now) {
                progress = component->tick(now) || progress;
                // Changes from later components this cycle come with a wake(), which lowers it.
                due[i] = component->next_event(now);
            }
        }
        if (progress) {
            last_progress = now;
            stalled = 0;
        }
        if (all_done()) return now;
        if (observer_ && now >= next_observation) {
            observer_(now);
            next_observation = now + observe_every_;
        }
        if (stalled >= spec_.watchdog_cycles)
            report_deadlock(now, last_progress, "units were due in every cycle but none made progress within watchdog_cycles");
        if (spec_.max_cycles != 0 && now.value() >= spec_.max_cycles)  // the user's limit: bad input, not a bug
            throw UserError(fmt::format("engine.max_cycles: the simulation reached its limit of {} cycles unfinished",
                                        spec_.max_cycles));
        Cycle next = Cycle::never();
        for (std::size_t i = 0; i < components_.size(); ++i) {
            const Component* component = components_[i];
            next = std::min(next, component->wake_slot_ == nullptr ? component->next_event(now) : due[i]);
        }
        if (next == Cycle::never())
            report_deadlock(now, last_progress, "every unit waits, none has a pending event");
        if (!progress && next <= now + 1) ++stalled;
        now = spec_.skip_idle ? std::max(now + 1, next) : now + 1;
    }
}

}  // namespace stcsim::sim
