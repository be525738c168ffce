// The microbenchmarks of `stcsim bench` in-process: mma (latency and throughput per warps and ILP),
// latency (pointer chase) and bandwidth (all SMs streaming). Each returns its headline results with
// units, then every registered stat. The GIL is released while the simulation runs.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <pybind11/stl.h>

#include "python/binding/binding.h"
#include "sim/gpu/memory_bench.h"
#include "sim/gpu/mma_bench.h"

namespace py = pybind11;
using Json = nlohmann::ordered_json;

namespace stcsim::python {
namespace {

Json described(double value, const char* unit, const char* description) {
    return Json{{"value", value}, {"unit", unit}, {"description", description}};
}

// The leaves of a stats.json document (sim::Stats::document) by their flat dotted names.
void flatten(const Json& node, const std::string& prefix, Json& flat) {
    for (const auto& [key, value] : node.items()) {
        const std::string name = prefix.empty() ? key : prefix + "." + key;
        if (value.is_object()) flatten(value, name, flat);
        else flat[name] = value;
    }
}

// {name: {value, unit, description}} from a stats.json document: its "units", with the values.
Json described_stats(const Json& document) {
    Json values = document;
    values.erase("units");
    Json flat = Json::object();
    flatten(values, "", flat);
    Json out = Json::object();
    for (const auto& [name, info] : document.at("units").items())
        out[name] = Json{{"value", flat.contains(name) ? flat[name] : Json()}, {"unit", info.at("unit")},
                         {"description", info.at("description")}};
    return out;
}

// {"results": {name: {value, unit, description}}, "described": every stat, "config": resolved}
std::string output(Json results, const Json& stats_document, const sim::config::LoadedConfig& loaded) {
    return Json{{"results", std::move(results)}, {"described", described_stats(stats_document)}, {"config", loaded.resolved}}
        .dump();
}

std::string bench_mma(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json,
                      const std::string& instr, int warps, int ilp, std::int64_t iters) {
    py::gil_scoped_release unlocked;
    const auto loaded = load_config(config, overrides, config_is_json);
    const sim::MmaBenchResult r = sim::run_mma_bench(loaded.spec, sim::MmaBenchParams{instr, warps, ilp, iters});
    Json results;
    results["cycles"] = described(static_cast<double>(r.cycles), "cycles", "first issue to last writeback");
    results["latency_cycles"] = described(r.latency_cycles, "cycles", "cycles per dependent instruction along a chain");
    results["fma_per_clk_per_sm"] =
        described(r.fma_per_clk_per_sm, "FMA/clk/SM", "dense-equivalent FMAs (m*n*k per instruction) per cycle per SM");
    results["peak_fma_per_clk_per_sm"] =
        described(r.peak_fma_per_clk_per_sm, "FMA/clk/SM", "the datapath's peak: sub-partitions x dense FMA / interval");
    return output(std::move(results), r.stats, loaded);
}

std::string bench_latency(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json,
                          std::uint64_t footprint_bytes, std::uint64_t stride_bytes, const std::string& l2_side) {
    py::gil_scoped_release unlocked;
    const auto loaded = load_config(config, overrides, config_is_json);
    sim::LatencyBenchParams params;
    params.footprint_bytes = footprint_bytes;
    params.stride_bytes = stride_bytes;
    params.l2_side = l2_side;
    const sim::LatencyBenchResult r = sim::run_latency_bench(loaded.spec, params);
    Json results;
    results["latency_cycles"] = described(r.latency_cycles, "cycles", "mean cycles per dependent load");
    results["loads"] = described(static_cast<double>(r.loads), "loads", "loads measured");
    results["cycles"] = described(static_cast<double>(r.cycles), "cycles", "cycles of the measured loads");
    return output(std::move(results), r.stats, loaded);
}

std::string bench_bandwidth(const std::string& config, const std::vector<std::string>& overrides, bool config_is_json,
                            const std::string& level, std::int64_t loads_per_sm) {
    py::gil_scoped_release unlocked;
    const auto loaded = load_config(config, overrides, config_is_json);
    const sim::BandwidthBenchResult r = sim::run_bandwidth_bench(loaded.spec, level, loads_per_sm);
    Json results;
    results["bytes_per_clk_per_sm"] = described(r.bytes_per_clk_per_sm, "B/clk/SM", "bytes delivered per cycle per SM");
    results["bytes_per_clk"] = described(r.bytes_per_clk, "B/clk", "bytes delivered per cycle, all SMs");
    results["gigabytes_per_s"] = described(r.gigabytes_per_s, "GB/s", "at gpu.clock_mhz");
    results["cycles"] = described(static_cast<double>(r.cycles), "cycles", "cycles of the run");
    return output(std::move(results), r.stats, loaded);
}

}  // namespace

void add_bench(py::module_& module) {
    module.def("bench_mma", &bench_mma, py::arg("config"), py::arg("overrides"), py::arg("config_is_json"),
               py::arg("instr"), py::arg("warps"), py::arg("ilp"), py::arg("iters"), "`stcsim bench mma`");
    module.def("bench_latency", &bench_latency, py::arg("config"), py::arg("overrides"), py::arg("config_is_json"),
               py::arg("footprint_bytes"), py::arg("stride_bytes"), py::arg("l2_side"), "`stcsim bench latency`");
    module.def("bench_bandwidth", &bench_bandwidth, py::arg("config"), py::arg("overrides"), py::arg("config_is_json"),
               py::arg("level"), py::arg("loads_per_sm"), "`stcsim bench bandwidth`");
}

}  // namespace stcsim::python
