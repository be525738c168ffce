// `stcsim run --config FILE --trace PATH [--out DIR] [--json] [-p key=value]`: replays a kernel
// trace (a kernelslist.g, a folder holding one, or one .traceg[.gz|.zst|.xz]) on the configured
// GPU; writes DIR/stats.json and the resolved config DIR/config.json; --json prints the stats.
// A progress line on stderr, only when stderr is a terminal and the run lasts (every 0.5 s).
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: stcsim run --config FILE --trace PATH [--out DIR] [--json] [-p key.path=value ...]\n"
    "       stcsim run --config FILE --binary FILE --kernel NAME --grid X,Y,Z --block X,Y,Z [--smem BYTES]\n"
    "                  --params FILE [--ctas A-B] [--out DIR] [--json] [-p ...]\n"
    "Replays a kernel trace (kernelslist.g, a folder with one, or one kernel .traceg[.gz|.zst|.xz]) through the\n"
    "timing model; writes DIR/stats.json and DIR/config.json, and with --json prints the stats. With --binary,\n"
    "the kernel is first traced from its SASS (as 'stcsim trace gen kernel' does) into DIR/trace, or a\n"
    "temporary folder without --out.";

class ProgressBar {
public:
    explicit ProgressBar(std::ostream& err) : err_(err), enabled_(isatty(STDERR_FILENO) == 1), start_(clock::now()), last_(start_) {}
    void update(const sim::LaunchProgress& p) {
        if (!enabled_) return;
        const auto now = clock::now();
        if (now - last_ < std::chrono::milliseconds(500)) return;
        last_ = now;
        shown_ = true;
        const double seconds = std::chrono::duration<double>(now - start_).count();
        err_ << fmt::format("\rkernel {}/{}  CTAs {}/{}  cycle {}  {:.1f} s   ", p.kernel, p.kernels, p.ctas_done, p.ctas_total,
                            p.now.value(), seconds)
             << std::flush;
    }
    ~ProgressBar() {
        if (shown_) err_ << "\n";
    }

private:
    using clock = std::chrono::steady_clock;
    std::ostream& err_;
    bool enabled_, shown_ = false;
    clock::time_point start_, last_;
};

}  // namespace

int run_main(const std::vector<std::string>& args, Streams& io) {
    std::string config_path, trace_path, out;
    std::vector<std::string> overrides;
    bool json = false;
    po::options_description options("options");
    options.add_options()
        ("config", po::value(&config_path), "GPU config (JSON), e.g. configs/a100.json")
        ("trace", po::value(&trace_path), "kernelslist.g, a folder holding one, or one kernel trace file")
        ("out", po::value(&out), "write stats.json and the resolved config.json into this folder")
        ("json", po::bool_switch(&json), "print the stats as JSON on stdout")
        ("param,p", po::value(&overrides)->composing(), "override a config key: -p key.path=value (repeatable)");
    add_kernel_trace_options(options, false);
    po::variables_map values;
    if (!parse_options(args, kUsage, options, values, io)) return kExitOk;
    if (config_path.empty()) throw UsageError("--config is required");
    const bool from_binary = values.count("binary") > 0;
    if (trace_path.empty() == !from_binary) throw UsageError("give either --trace or --binary");
    const auto config = sim::config::load_config_file(config_path, overrides);
    if (!out.empty()) prepare_output_dir(out);
    std::filesystem::path temporary;
    struct Cleanup {
        std::filesystem::path& p;
        ~Cleanup() {
            std::error_code ec;
            if (!p.empty()) std::filesystem::remove_all(p, ec);
        }
    } cleanup{temporary};
    if (from_binary) {
        std::filesystem::path dir;
        if (!out.empty()) {
            dir = std::filesystem::path(out) / "trace";
        } else {
            temporary = std::filesystem::temp_directory_path() / fmt::format("stcsim-run-{}", ::getpid());
            dir = temporary;
        }
        trace_kernel(values, dir.string(), "kernel-1.traceg", nullptr, nullptr);
        trace_path = dir.string();
    }
    const std::string label = from_binary ? values["binary"].as<std::string>() + ":" + values["kernel"].as<std::string>()
                                          : trace_path;
    const auto start = std::chrono::steady_clock::now();
    sim::ReplayResult result;
    {
        ProgressBar bar(io.err);
        result = sim::run_replay(config.spec, trace_path, [&bar](const sim::LaunchProgress& p) { bar.update(p); });
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string text = result.stats.dump(2) + "\n";
    if (!out.empty()) {
        write_text_file((std::filesystem::path(out) / "stats.json").string(), text);
        write_text_file((std::filesystem::path(out) / "config.json").string(), config.resolved.dump(2) + "\n");
    }
    if (json) {
        io.out << text;
    } else {
        io.out << fmt::format("{}: {} cycles, {} warp instructions ({:.3g} per cycle); host {:.2f} s, {:.3g} warp instructions/s\n",
                              label, result.cycles, result.warp_instructions,
                              static_cast<double>(result.warp_instructions) / static_cast<double>(std::max<std::uint64_t>(1, result.cycles)),
                              seconds, static_cast<double>(result.warp_instructions) / std::max(1e-9, seconds));
    }
    return kExitOk;
}

}  // namespace stcsim::cli
