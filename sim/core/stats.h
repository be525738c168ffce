// Stats: a registry of named statistics, each with a unit and a one-line description, dumped as
// ordered JSON in registration order (deterministic output).
//
// Counters are read through a pointer into the owning component's state at dump time, so the hot
// path only increments plain integers. Derived values (ratios, rates) are functions evaluated at
// dump time. Names are dotted paths ("sm0.sp1.tensor.busy_cycles") and must be unique.
//
// The file format of stats.json (`stcsim run` and `stcsim bench ... --out`), document(): the
// values nested at the dots ({"sm0": {"sp1": {"tensor": {"busy_cycles": 12}}}}; below a key that
// ends in "by_opcode" the rest of the name is one key, as opcodes hold dots), then "units": every
// stat's flat name -> {"unit", "description"}, in registration order.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stcsim::sim {

class Stats {
public:
    void counter(std::string name, std::string unit, std::string description,
                 const std::uint64_t* value);
    void derived(std::string name, std::string unit, std::string description,
                 std::function<double()> value);

    // {"name": value, ...}
    nlohmann::ordered_json values() const;
    // {"name": {"value": v, "unit": u, "description": d}, ...}
    nlohmann::ordered_json described() const;
    // {"name": {"unit": u, "description": d}, ...}
    nlohmann::ordered_json units() const;
    // values() nested at the dots, plus "units" (the stats.json format above).
    nlohmann::ordered_json document() const;
    std::size_t size() const { return entries_.size(); }

    // {"a.b": v} -> {"a": {"b": v}}, keeping the rest of a name whole below a "*by_opcode" key.
    static nlohmann::ordered_json nest(const nlohmann::ordered_json& flat);

private:
    struct Entry {
        std::string name, unit, description;
        const std::uint64_t* counter = nullptr;
        std::function<double()> derived;
    };
    void check_unique(const std::string& name) const;
    nlohmann::ordered_json value_of(const Entry& entry) const;

    std::vector<Entry> entries_;
};

}  // namespace stcsim::sim
