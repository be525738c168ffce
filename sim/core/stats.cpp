#include "sim/core/stats.h"

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace stcsim::sim {

void Stats::check_unique(const std::string& name) const {
    if (std::any_of(entries_.begin(), entries_.end(), [&](const Entry& e) { return e.name == name; }))
        throw InternalError("stat registered twice: " + name);
}

void Stats::counter(std::string name, std::string unit, std::string description,
                    const std::uint64_t* value) {
    check_unique(name);
    entries_.push_back({std::move(name), std::move(unit), std::move(description), value, {}});
}

void Stats::derived(std::string name, std::string unit, std::string description,
                    std::function<double()> value) {
    check_unique(name);
    entries_.push_back({std::move(name), std::move(unit), std::move(description), nullptr, std::move(value)});
}

nlohmann::ordered_json Stats::value_of(const Entry& entry) const {
    if (entry.counter != nullptr) return *entry.counter;
    const double v = entry.derived();
    if (!std::isfinite(v)) return nullptr;
    return v;
}

nlohmann::ordered_json Stats::values() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const Entry& entry : entries_) out[entry.name] = value_of(entry);
    return out;
}

nlohmann::ordered_json Stats::described() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const Entry& entry : entries_)
        out[entry.name] = {{"value", value_of(entry)}, {"unit", entry.unit}, {"description", entry.description}};
    return out;
}

}  // namespace stcsim::sim
