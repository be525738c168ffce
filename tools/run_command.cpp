// `stcsim run --config FILE --trace PATH [--out DIR [--pc-profile]] [--json] [-p key=value]`: replays a kernel
// trace (a kernelslist.g, a folder holding one, or one .traceg[.gz|.zst|.xz]) on the configured
// GPU; writes DIR/stats.json and the resolved config DIR/config.json (and with --pc-profile
// DIR/pc_profile.csv, sim/sm/pc_profile.h); --json prints the stats.
// --config takes a file or the name of a shipped config (a100). A progress line on stderr, only when
// stderr is a terminal (progress.h): percentage and ETA from the kernels done and the current
// kernel's instructions issued.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <functional>
#include <optional>
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/scratch_dir.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/progress.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: stcsim run --config FILE --trace PATH [--out DIR [--pc-profile]] [--json] [-p key.path=value ...]\n"
    "       stcsim run --config FILE --binary FILE --kernel NAME --grid X,Y,Z --block X,Y,Z [--smem BYTES]\n"
    "                  --params FILE [--ctas A-B] [--out DIR] [--json] [-p ...]\n"
    "Replays a kernel trace (kernelslist.g, a folder with one, or one kernel .traceg[.gz|.zst|.xz]) through the\n"
    "timing model; writes DIR/stats.json and DIR/config.json, and with --json prints the stats. With --binary,\n"
    "the kernel is first traced from its SASS (as 'stcsim trace gen kernel' does) into DIR/trace, or a\n"
    "temporary folder without --out.";

// The text summary: the whole run, then one line per kernel when there are several.
std::string summary(const std::string& label, const nlohmann::ordered_json& stats, const sim::GpuSpec& spec, double seconds) {
    const auto number = [](const nlohmann::ordered_json& j) { return j.is_number() ? j.get<double>() : 0.0; };
    const auto line = [&](const nlohmann::ordered_json& s) {
        const auto& tc = s["tensor_core"];
        return fmt::format("{} cycles ({:.4g} us at {:g} MHz), {} warp instructions ({:.3g} per cycle); tensor cores {:.4g} TFLOP/s, "
                           "{:.3g}% of peak, {:.3g}% busy",
                           s["cycles"].get<std::uint64_t>(), number(s["time_s"]) * 1e6, spec.gpu.clock_mhz,
                           s["warp_instructions"].get<std::uint64_t>(),
                           number(s["warp_instructions"]) / std::max(1.0, number(s["cycles"])), number(tc["tflops"]),
                           100 * number(tc["peak_share"]), 100 * number(tc["utilisation"]));
    };
    std::string text = fmt::format("{} on {}: {}\n", label, spec.gpu.name, line(stats));
    if (stats["kernels"].size() > 1)
        for (const auto& k : stats["kernels"])
            text += fmt::format("  kernel {} {}: {}\n", k["index"].get<std::uint64_t>(), k["name"].get<std::string>(), line(k));
    text += fmt::format("host {:.2f} s, {:.3g} warp instructions/s (all stats with units: --json or --out)\n", seconds,
                        number(stats["warp_instructions"]) / std::max(1e-9, seconds));
    return text;
}

}  // namespace

int run_main(const std::vector<std::string>& args, Streams& io) {
    std::string config_path, trace_path, out;
    std::vector<std::string> overrides;
    bool json = false, pc_profile = false;
    po::options_description options("options");
    options.add_options()
        ("config", po::value(&config_path), "GPU config: a JSON file, or a shipped config by name (a100; see 'stcsim config list')")
        ("trace", po::value(&trace_path), "kernelslist.g, a folder holding one, or one kernel trace file")
        ("out", po::value(&out), "write stats.json and the resolved config.json into this folder")
        ("json", po::bool_switch(&json), "print the stats as JSON on stdout")
        ("pc-profile", po::bool_switch(&pc_profile),
         "also write DIR/pc_profile.csv (needs --out): per kernel and PC, the warp instructions issued and the warp-cycles "
         "spent waiting for each, split into stall count and other waits (what Nsight Compute samples per SASS instruction)")
        ("param,p", po::value(&overrides)->composing(), "override a config key: -p key.path=value (repeatable)");
    add_kernel_trace_options(options, false);
    po::variables_map values;
    if (!parse_options(args, kUsage, options, values, io)) return kExitOk;
    if (config_path.empty()) throw UsageError("--config is required");
    const bool from_binary = values.count("binary") > 0;
    if (trace_path.empty() == !from_binary) throw UsageError("give either --trace or --binary");
    if (pc_profile && out.empty()) throw UsageError("--pc-profile needs --out DIR (it writes DIR/pc_profile.csv)");
    const auto config = sim::config::load_config_file(config_path, overrides);
    if (!out.empty()) prepare_output_dir(out);
    std::optional<ScratchDir> temporary;  // the trace of --binary without --out
    if (from_binary) {
        std::filesystem::path dir;
        if (!out.empty()) {
            dir = std::filesystem::path(out) / "trace";
        } else {
            temporary.emplace("stcsim-run");
            dir = temporary->path();
        }
        trace_kernel(values, dir.string(), "kernel-1.traceg", nullptr, nullptr, io.err);
        trace_path = dir.string();
    }
    const std::string label = from_binary ? values["binary"].as<std::string>() + ":" + values["kernel"].as<std::string>()
                                          : trace_path;
    const auto start = std::chrono::steady_clock::now();
    sim::ReplayResult result;
    sim::PcProfile profile;
    {
        // Work done: whole kernels plus the current kernel's share of instructions issued (or CTAs).
        Progress bar(io.err, "run");
        std::function<void(const sim::LaunchProgress&)> report;  // none off a terminal: no observer in the loop
        if (bar.enabled())
            report = [&bar](const sim::LaunchProgress& p) {
                bar.update(p.fraction(), 1.0,
                           fmt::format("kernel {}/{}  CTAs {}/{}  cycle {}", p.kernel, p.kernels, p.ctas_done, p.ctas_total,
                                       p.now.value()));
            };
        result = sim::run_replay(config.spec, trace_path, report, pc_profile ? &profile : nullptr);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string text = result.stats.dump(2) + "\n";
    if (!out.empty()) {
        write_text_file((std::filesystem::path(out) / "stats.json").string(), text);
        write_text_file((std::filesystem::path(out) / "config.json").string(), config.resolved.dump(2) + "\n");
        if (pc_profile) write_text_file((std::filesystem::path(out) / "pc_profile.csv").string(), profile.csv());
    }
    if (json) {
        io.out << text;
    } else {
        io.out << summary(label, result.stats, config.spec, seconds);
    }
    return kExitOk;
}

}  // namespace stcsim::cli
