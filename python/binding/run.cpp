// Trace replay (`stcsim run`) and the mma microbenchmark (`stcsim bench mma`) in-process. The GIL
// is released while the simulation runs, so threads (Dask workers) keep serving meanwhile.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include "common/json_text.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/mma_bench.h"
#include "sim/gpu/replay.h"
#include "python/binding/binding.h"

namespace py = pybind11;
using Json = nlohmann::ordered_json;

namespace stcsim::python {
namespace {

// `config` is a file path, or (config_is_json) the config itself as JSON text named "<config>".
sim::config::LoadedConfig load(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json) {
    if (!config_is_json) return sim::config::load_config_file(config, overrides);
    return sim::config::load_config_json(parse_json_text<Json>(config, "<config>"), "<config>", overrides);
}

// {"stats": nested stats, "described": {name: {value, unit, description}}, "config": resolved}
std::string run_replay(const std::string& config, const std::string& trace, const std::vector<std::string>& overrides,
                       bool config_is_json) {
    Json out;
    {
        py::gil_scoped_release unlocked;
        const auto loaded = load(config, overrides, config_is_json);
        sim::ReplayResult result = sim::run_replay(loaded.spec, trace);
        out = Json{{"stats", std::move(result.stats)}, {"described", std::move(result.described)},
                   {"config", loaded.resolved}};
    }
    return out.dump();
}

Json described(double value, const char* unit, const char* description) {
    return Json{{"value", value}, {"unit", unit}, {"description", description}};
}

// The three results of `stcsim bench mma --json` with units, then every registered stat.
std::string bench_mma(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json,
                      const std::string& instr, int warps, int ilp, std::int64_t iters) {
    Json out;
    {
        py::gil_scoped_release unlocked;
        const auto loaded = load(config, overrides, config_is_json);
        const sim::MmaBenchResult r = sim::run_mma_bench(loaded.spec, sim::MmaBenchParams{instr, warps, ilp, iters});
        Json results;
        results["cycles"] = described(static_cast<double>(r.cycles), "cycles", "first issue to last writeback");
        results["latency_cycles"] = described(r.latency_cycles, "cycles", "cycles per dependent instruction along a chain");
        results["fma_per_clk_per_sm"] =
            described(r.fma_per_clk_per_sm, "FMA/clk/SM", "dense-equivalent FMAs (m*n*k per instruction) per cycle per SM");
        results["peak_fma_per_clk_per_sm"] =
            described(r.peak_fma_per_clk_per_sm, "FMA/clk/SM", "the datapath's peak: sub-partitions x dense FMA / interval");
        out = Json{{"results", std::move(results)}, {"described", r.stats}, {"config", loaded.resolved}};
    }
    return out.dump();
}

}  // namespace

void add_run(py::module_& module) {
    module.def("run_replay", &run_replay, py::arg("config"), py::arg("trace"), py::arg("overrides"),
               py::arg("config_is_json") = false, "replays a trace; returns JSON text of stats, described stats, config");
    module.def("bench_mma", &bench_mma, py::arg("config"), py::arg("overrides"), py::arg("config_is_json"),
               py::arg("instr"), py::arg("warps"), py::arg("ilp"), py::arg("iters"),
               "the mma microbenchmark; returns JSON text of results (with units), stats and config");
}

}  // namespace stcsim::python
