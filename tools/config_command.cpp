// `stcsim config-doc`: prints the reference page of every config key (docs/config-reference.md),
// generated from the same field tables that validate configs.
// `stcsim config list`: the shipped configs that `--config NAME` finds, one line each.
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/config/named_configs.h"
#include "tools/commands.h"

namespace stcsim::cli {

int config_doc_main(const std::vector<std::string>& args, Streams& io) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        io.out << "usage: stcsim config-doc\nPrints the Markdown reference of every config key.\n";
        return kExitOk;
    }
    if (!args.empty()) throw UsageError("unexpected argument '" + args[0] + "'");
    io.out << sim::config::reference_markdown(sim::config::gpu_schema().info());
    return kExitOk;
}

namespace {

constexpr const char* kConfigUsage =
    "usage: stcsim config list\n"
    "Lists the shipped GPU configs, one line each: the name that '--config NAME' accepts (any command, from any\n"
    "directory) and what it models. Searched, in order: $STCSIM_CONFIG_DIR, <prefix>/share/stcsim/configs of an\n"
    "installed stcsim, and the configs/ folder of the source tree it was built from.";

// "NVIDIA A100 SXM4: sm_80, 108 SMs at 1410 MHz", or why the file does not load.
std::string describe(const sim::config::NamedConfig& c) {
    try {
        const sim::GpuInfoSpec gpu = sim::config::load_config_file(c.path).spec.gpu;
        return fmt::format("{}: {}, {} SMs at {:g} MHz", gpu.name, gpu.arch, gpu.sms, gpu.clock_mhz);
    } catch (const UserError& error) {
        return std::string("(does not load: ") + error.what() + ")";
    }
}

}  // namespace

int config_main(const std::vector<std::string>& args, Streams& io) {
    if (args.empty() || args[0] == "--help" || args[0] == "-h") {
        (args.empty() ? io.err : io.out) << kConfigUsage << '\n';
        return args.empty() ? kExitBadUsage : kExitOk;
    }
    if (args[0] != "list") throw UsageError("unknown 'config' command '" + args[0] + "'; expected 'list'");
    if (args.size() > 1 && (args[1] == "--help" || args[1] == "-h")) {
        io.out << kConfigUsage << '\n';
        return kExitOk;
    }
    if (args.size() > 1) throw UsageError("unexpected argument '" + args[1] + "'");
    const auto configs = sim::config::named_configs();
    if (configs.empty()) throw UserError("no shipped configs found (set STCSIM_CONFIG_DIR to a folder of GPU configs)");
    std::size_t width = 0;
    for (const auto& c : configs) width = std::max(width, c.name.size());
    for (const auto& c : configs) io.out << fmt::format("{:<{}}  {}\n", c.name, width, describe(c));
    return kExitOk;
}

}  // namespace stcsim::cli
