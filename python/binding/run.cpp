// Trace replay (`stcsim run`) in-process. The GIL is released while the simulation runs, so
// threads (Dask workers) keep serving meanwhile.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include "common/json_text.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"
#include "python/binding/binding.h"

namespace py = pybind11;
using Json = nlohmann::ordered_json;

namespace stcsim::python {

sim::config::LoadedConfig load_config(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json) {
    if (!config_is_json) return sim::config::load_config_file(config, overrides);
    return sim::config::load_config_json(parse_json_text<Json>(config, "<config>"), "<config>", overrides);
}

namespace {

// {"stats": nested stats, "described": {name: {value, unit, description}}, "config": resolved}
std::string run_replay(const std::string& config, const std::string& trace, const std::vector<std::string>& overrides,
                       bool config_is_json) {
    Json out;
    {
        py::gil_scoped_release unlocked;
        const auto loaded = load_config(config, overrides, config_is_json);
        sim::ReplayResult result = sim::run_replay(loaded.spec, trace);
        out = Json{{"stats", std::move(result.stats)}, {"described", std::move(result.described)},
                   {"config", loaded.resolved}};
    }
    return out.dump();
}

}  // namespace

void add_run(py::module_& module) {
    module.def("run_replay", &run_replay, py::arg("config"), py::arg("trace"), py::arg("overrides"),
               py::arg("config_is_json") = false, "replays a trace; returns JSON text of stats, described stats, config");
}

}  // namespace stcsim::python
