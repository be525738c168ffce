// `stcsim bench mma` (one point or the warps x ILP sweep) and `stcsim bench speed` (simulator
// throughput in simulated warp instructions per second of host time).
#include <chrono>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <vector>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "common/errors.h"
#include "isa/wgmma_catalog.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/mma_bench.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;
using Json = nlohmann::ordered_json;

constexpr const char* kDefaultInstr = "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32";

struct BenchOptions {
    std::string config;
    std::vector<std::string> overrides;
    sim::MmaBenchParams params;
    bool json = false;
    bool sweep = false;
    std::string out;
};

po::options_description bench_options(BenchOptions& o, std::int64_t default_iters) {
    po::options_description desc("options");
    desc.add_options()
        ("help,h", "show this help")
        ("config", po::value(&o.config), "GPU config: a JSON file, or a shipped config by name (a100; see 'stcsim config list')")
        ("param,p", po::value(&o.overrides)->composing(), "override a config key: -p key.path=value (repeatable)")
        ("instr", po::value(&o.params.instr)->default_value(kDefaultInstr), "PTX mma / mma.sp / wgmma instruction")
        ("warps", po::value(&o.params.warps)->default_value(1), "warps in the CTA")
        ("ilp", po::value(&o.params.ilp)->default_value(1), "independent chains per warp")
        ("a-source", po::value(&o.params.a_source)->default_value("shared"), "wgmma: A from shared (a descriptor) or registers")
        ("iters", po::value(&o.params.iters)->default_value(default_iters), "dependent instructions per chain")
        ("json", po::bool_switch(&o.json), "print the result as JSON")
        ("sweep", po::bool_switch(&o.sweep), "print CSV (with --json: a JSON array) over warps {1,2,4,8,16,32} (wgmma: {4,...,32}) x ILP {1..4}")
        ("out", po::value(&o.out), "also write results, stats and the resolved config into this folder");
    return desc;
}

bool parse(const std::vector<std::string>& args, po::options_description& desc, Streams& io,
           const char* usage) {
    po::variables_map vm;
    try {
        po::store(po::command_line_parser(args).options(desc).run(), vm);
        po::notify(vm);
    } catch (const po::error& error) {
        throw UsageError(error.what());
    }
    if (vm.count("help")) {
        io.out << usage << "\n\n" << desc;
        return false;
    }
    if (!vm.count("config")) throw UsageError("--config is required");
    return true;
}

void write_file(const std::filesystem::path& path, const std::string& text) { write_text_file(path.string(), text); }

void prepare_out(const BenchOptions& o, const sim::config::LoadedConfig& config) {
    if (o.out.empty()) return;
    prepare_output_dir(o.out);
    write_file(std::filesystem::path(o.out) / "config.json", config.resolved.dump(2) + "\n");
}

Json point_json(const sim::MmaBenchResult& r) {
    return Json{{"cycles", r.cycles}, {"latency_cycles", r.latency_cycles}, {"fma_per_clk_per_sm", r.fma_per_clk_per_sm}};
}

std::string csv_row(const sim::MmaBenchParams& p, const sim::MmaBenchResult& r) {
    return fmt::format("{},{},{},{},{:.6g},{:.6g}\n", p.warps, p.ilp, p.iters, r.cycles, r.latency_cycles,
                       r.fma_per_clk_per_sm);
}

int bench_mma(const std::vector<std::string>& args, Streams& io) {
    BenchOptions o;
    auto desc = bench_options(o, 1000);
    if (!parse(args, desc, io,
               "usage: stcsim bench mma --config FILE --instr '<PTX>' --warps W --ilp I [--iters N] [--a-source shared|registers] [--json] [--sweep]\n"
               "Simulates one CTA of W warps on one SM, each running I independent chains of N dependent instructions.\n"
               "A wgmma needs an sm_90a config and W a multiple of 4 (W/4 warp groups)."))
        return kExitOk;
    const bool wgmma = isa::is_wgmma_name(o.params.instr);
    if (wgmma && !o.sweep && o.params.warps % 4 != 0)
        throw UsageError(fmt::format("--warps {}: a wgmma runs on warp groups of 4 warps; expected a multiple of 4", o.params.warps));
    if (o.params.a_source != "shared" && o.params.a_source != "registers")
        throw UsageError("--a-source: expected shared or registers, got " + o.params.a_source);
    const auto config = sim::config::load_config_file(o.config, o.overrides);
    prepare_out(o, config);
    if (o.sweep) {
        std::string csv = "warps,ilp,iters,cycles,latency_cycles,fma_per_clk_per_sm\n";
        Json rows = Json::array();  // --json: the same rows as objects
        const std::vector<int> sweep_warps = wgmma ? std::vector<int>{4, 8, 16, 32} : std::vector<int>{1, 2, 4, 8, 16, 32};
        for (int warps : sweep_warps)
            for (int ilp = 1; ilp <= 4; ++ilp) {
                sim::MmaBenchParams p = o.params;
                p.warps = warps;
                p.ilp = ilp;
                const sim::MmaBenchResult r = sim::run_mma_bench(config.spec, p);
                csv += csv_row(p, r);
                Json row{{"warps", p.warps}, {"ilp", p.ilp}, {"iters", p.iters}};
                row.update(point_json(r));
                rows.push_back(std::move(row));
            }
        io.out << (o.json ? rows.dump() + "\n" : csv);
        if (!o.out.empty()) write_file(std::filesystem::path(o.out) / "sweep.csv", csv);
        return kExitOk;
    }
    const sim::MmaBenchResult r = sim::run_mma_bench(config.spec, o.params);
    if (o.json) {
        io.out << point_json(r).dump() << '\n';
    } else {
        io.out << fmt::format("{} on {}: {} ({}), interval {} cycles, latency {} cycles\n", o.params.instr,
                              config.spec.gpu.name, r.timing.opcode, r.timing.sparse ? "sparse" : "dense",
                              r.timing.interval, r.timing.latency)
               << fmt::format("warps {} ilp {} iters {}: {} cycles, {:.4g} cycles per dependent instruction, "
                              "{:.6g} FMA/clk/SM (datapath peak {:.6g})\n",
                              o.params.warps, o.params.ilp, o.params.iters, r.cycles, r.latency_cycles,
                              r.fma_per_clk_per_sm, r.peak_fma_per_clk_per_sm);
    }
    if (!o.out.empty()) {
        Json result = point_json(r);
        result["instr"] = o.params.instr;
        result["warps"] = o.params.warps;
        result["ilp"] = o.params.ilp;
        result["iters"] = o.params.iters;
        result["warp_instructions"] = r.warp_instructions;
        result["interval_cycles"] = r.timing.interval;
        result["configured_latency_cycles"] = r.timing.latency;
        result["latency_source"] = r.timing.latency_source;
        result["peak_fma_per_clk_per_sm"] = r.peak_fma_per_clk_per_sm;
        write_file(std::filesystem::path(o.out) / "result.json", result.dump(2) + "\n");
        write_file(std::filesystem::path(o.out) / "stats.json", r.stats.dump(2) + "\n");
    }
    return kExitOk;
}

int bench_speed(const std::vector<std::string>& args, Streams& io) {
    BenchOptions o;
    auto desc = bench_options(o, 200000);
    if (!parse(args, desc, io,
               "usage: stcsim bench speed --config FILE [--instr '<PTX>'] [--warps W --ilp I --iters N] [--json]\n"
               "Runs one long mma microbenchmark and reports simulated warp instructions per host second."))
        return kExitOk;
    const auto config = sim::config::load_config_file(o.config, o.overrides);
    const auto start = std::chrono::steady_clock::now();
    const sim::MmaBenchResult r = sim::run_mma_bench(config.spec, o.params);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double rate = static_cast<double>(r.warp_instructions) / seconds;
    if (o.json) {
        io.out << Json{{"warp_instructions", r.warp_instructions}, {"cycles", r.cycles}, {"seconds", seconds},
                       {"warp_instructions_per_second", rate}, {"cycles_per_second", static_cast<double>(r.cycles) / seconds}}
                      .dump()
               << '\n';
    } else {
        io.out << fmt::format("{} warp instructions, {} cycles in {:.3f} s: {:.3g} warp instructions/s, {:.3g} cycles/s\n",
                              r.warp_instructions, r.cycles, seconds, rate, static_cast<double>(r.cycles) / seconds);
    }
    return kExitOk;
}

}  // namespace

int bench_main(const std::vector<std::string>& args, Streams& io) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? io.err : io.out)
            << "usage: stcsim bench <mma|latency|bandwidth|smem|ldmatrix|speed> [options]\n"
               "  mma        the mma / mma.sp microbenchmark: latency and throughput per warps and ILP\n"
               "  latency    one-warp pointer chase: cycles per load for a footprint\n"
               "  bandwidth  all SMs streaming from l1, l2 or dram: bytes per cycle per SM\n"
               "  smem       shared-memory bank conflicts of one access pattern\n"
               "  ldmatrix   ldmatrix wavefronts and bank conflicts of a tile layout\n"
               "  speed      simulator speed on a long saturated run (warp instructions per second)\n";
        return args.empty() ? kExitBadUsage : kExitOk;
    }
    const std::vector<std::string> rest(args.begin() + 1, args.end());
    if (args[0] == "mma") return bench_mma(rest, io);
    if (args[0] == "speed") return bench_speed(rest, io);
    if (args[0] == "latency") return bench_latency(rest, io);
    if (args[0] == "bandwidth") return bench_bandwidth(rest, io);
    if (args[0] == "smem") return bench_smem(rest, io);
    if (args[0] == "ldmatrix") return bench_ldmatrix(rest, io);
    throw UsageError("unknown benchmark '" + args[0] + "'");
}

}  // namespace stcsim::cli
