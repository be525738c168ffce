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

nlohmann::ordered_json Stats::units() const {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const Entry& entry : entries_) out[entry.name] = {{"unit", entry.unit}, {"description", entry.description}};
    return out;
}

nlohmann::ordered_json Stats::document() const {
    nlohmann::ordered_json out = nest(values());
    out["units"] = units();
    return out;
}

nlohmann::ordered_json Stats::nest(const nlohmann::ordered_json& flat) {
    nlohmann::ordered_json out = nlohmann::ordered_json::object();
    for (const auto& [name, value] : flat.items()) {
        nlohmann::ordered_json* at = &out;
        std::string rest = name;
        while (true) {
            const auto dot = rest.find('.');
            const std::string head = rest.substr(0, dot);
            if (dot == std::string::npos) {
                (*at)[head] = value;
                break;
            }
            at = &(*at)[head];
            if (!at->is_object() && !at->is_null())
                throw InternalError("stat " + name + " nests below a stat that has a value");
            rest = rest.substr(dot + 1);
            if (head.ends_with("by_opcode")) {
                (*at)[rest] = value;
                break;
            }
        }
    }
    return out;
}

}  // namespace stcsim::sim
