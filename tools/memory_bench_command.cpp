// `stcsim bench latency | bandwidth | smem | ldmatrix`: the memory microbenchmarks.
#include <filesystem>
#include <fstream>
#include <ostream>

#include <boost/program_options.hpp>
#include <fmt/format.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/memory_bench.h"
#include "tools/commands.h"
#include "tools/options.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;
using Json = nlohmann::ordered_json;

struct Common {
    std::string config;
    std::vector<std::string> overrides;
    bool json = false;
    std::string out;
};

void add_common(po::options_description& desc, Common& c) {
    desc.add_options()
        ("config", po::value(&c.config), "GPU config: a JSON file, or a shipped config by name (a100; see 'stcsim config list')")
        ("param,p", po::value(&c.overrides)->composing(), "override a config key: -p key.path=value (repeatable)")
        ("json", po::bool_switch(&c.json), "print the result as JSON")
        ("out", po::value(&c.out), "also write result.json, stats.json and the resolved config into this folder");
}

sim::config::LoadedConfig load(const std::vector<std::string>& args, po::options_description& desc, const Common& c,
                               const std::string& usage, Streams& io, bool& help) {
    po::variables_map vm;
    help = !parse_options(args, usage, desc, vm, io);
    if (help) return {};
    if (c.config.empty()) throw UsageError("--config is required");
    auto config = sim::config::load_config_file(c.config, c.overrides);
    if (!c.out.empty()) prepare_output_dir(c.out);
    return config;
}

void write_file(const std::filesystem::path& path, const std::string& text) { write_text_file(path.string(), text); }

// Prints `result` (JSON or one line of text) and writes the --out folder.
void finish(const Common& c, const sim::config::LoadedConfig& config, const Json& result, const Json& stats,
            const std::string& text, Streams& io) {
    io.out << (c.json ? result.dump() : text) << '\n';
    if (c.out.empty()) return;
    write_file(std::filesystem::path(c.out) / "config.json", config.resolved.dump(2) + "\n");
    write_file(std::filesystem::path(c.out) / "result.json", result.dump(2) + "\n");
    write_file(std::filesystem::path(c.out) / "stats.json", stats.dump(2) + "\n");
}

}  // namespace

int bench_latency(const std::vector<std::string>& args, Streams& io) {
    Common c;
    sim::LatencyBenchParams p;
    std::string footprint, stride = "128";
    po::options_description desc("options");
    add_common(desc, c);
    desc.add_options()
        ("footprint", po::value(&footprint), "bytes the pointer chase walks through (required; K, M, G suffixes: 4M)")
        ("stride", po::value(&stride)->default_value("128"), "bytes between consecutive loads (K, M, G suffixes)")
        ("l2-side", po::value(&p.l2_side)->default_value("all"), "all | near | far: keep only lines homed in the L2 partition near to / far from SM 0 (far: without l2.near_copies, to show the far hit latency)");
    bool help = false;
    const auto config = load(args, desc, c,
                             "usage: stcsim bench latency --config FILE --footprint BYTES [--stride BYTES] [--json]\n"
                             "One warp chases pointers through FOOTPRINT bytes; prints the average cycles per load after a warm-up pass.",
                             io, help);
    if (help) return kExitOk;
    if (footprint.empty()) throw UsageError("--footprint is required");
    p.footprint_bytes = parse_size("footprint", footprint, sim::kMaxFootprintBytes);
    if (p.footprint_bytes == 0) throw UsageError("--footprint must be more than 0 bytes");
    p.stride_bytes = parse_size("stride", stride, sim::kMaxFootprintBytes);
    const sim::LatencyBenchResult r = sim::run_latency_bench(config.spec, p);
    const Json result{{"latency_cycles", r.latency_cycles}, {"config", config.spec.gpu.name}, {"footprint_bytes", p.footprint_bytes},
                      {"stride_bytes", p.stride_bytes}, {"l2_side", p.l2_side}, {"measured_loads", r.loads}, {"cycles", r.cycles}};
    finish(c, config, result, r.stats,
           fmt::format("{} footprint {} B stride {} B: {:.2f} cycles per load", config.spec.gpu.name, p.footprint_bytes,
                       p.stride_bytes, r.latency_cycles),
           io);
    return kExitOk;
}

int bench_bandwidth(const std::vector<std::string>& args, Streams& io) {
    Common c;
    std::string level;
    std::int64_t loads = 0;
    po::options_description desc("options");
    add_common(desc, c);
    desc.add_options()
        ("level", po::value(&level), "l1 | l2 | dram (required)")
        ("loads", po::value(&loads)->default_value(0), "warp loads of 512 bytes per SM (0: a default per level)");
    bool help = false;
    const auto config = load(args, desc, c,
                             "usage: stcsim bench bandwidth --config FILE --level l1|l2|dram [--json]\n"
                             "Every SM streams loads served by LEVEL; prints the sustained bytes per cycle per SM.",
                             io, help);
    if (help) return kExitOk;
    if (level.empty()) throw UsageError("--level is required");
    const sim::BandwidthBenchResult r = sim::run_bandwidth_bench(config.spec, level, loads);
    const Json result{{"bytes_per_clk_per_sm", r.bytes_per_clk_per_sm}, {"config", config.spec.gpu.name}, {"level", level},
                      {"bytes_per_clk", r.bytes_per_clk}, {"gigabytes_per_s", r.gigabytes_per_s},
                      {"clock_mhz", config.spec.gpu.clock_mhz}, {"cycles", r.cycles}};
    finish(c, config, result, r.stats,
           fmt::format("{} {}: {:.2f} B/clk/SM, {:.1f} B/clk, {:.0f} GB/s at {} MHz", config.spec.gpu.name, level,
                       r.bytes_per_clk_per_sm, r.bytes_per_clk, r.gigabytes_per_s, config.spec.gpu.clock_mhz),
           io);
    return kExitOk;
}

namespace {

Json smem_json(const sim::SmemBenchResult& r) {
    return Json{{"wavefronts", r.wavefronts}, {"bank_conflicts", r.bank_conflicts}, {"cycles_per_access", r.cycles_per_access},
                {"latency_cycles", r.latency_cycles}};
}

}  // namespace

int bench_smem(const std::vector<std::string>& args, Streams& io) {
    Common c;
    sim::SmemBenchParams p;
    std::int64_t stride = 4;
    po::options_description desc("options");
    add_common(desc, c);
    desc.add_options()
        ("stride", po::value(&stride)->default_value(4), "bytes between the addresses of consecutive lanes")
        ("width", po::value(&p.width_bytes)->default_value(4), "bytes per lane: 1, 2, 4, 8 or 16")
        ("iters", po::value(&p.iters)->default_value(1000), "back-to-back accesses");
    bool help = false;
    const auto config = load(args, desc, c,
                             "usage: stcsim bench smem --config FILE [--stride BYTES] [--width BYTES] [--json]\n"
                             "One warp's ld.shared with lane l at l * STRIDE: wavefronts, bank conflicts, cycles per access.",
                             io, help);
    if (help) return kExitOk;
    p.stride_bytes = checked_count("stride", stride, std::uint64_t{1} << 32);
    const sim::SmemBenchResult r = sim::run_smem_bench(config.spec, p);
    Json result = smem_json(r);
    result.update(Json{{"stride_bytes", p.stride_bytes}, {"width_bytes", p.width_bytes}});
    finish(c, config, result, r.stats,
           fmt::format("stride {} B width {} B: {} wavefronts ({} from bank conflicts), {:.2f} cycles per access, latency {:.0f}",
                       p.stride_bytes, p.width_bytes, r.wavefronts, r.bank_conflicts, r.cycles_per_access, r.latency_cycles),
           io);
    return kExitOk;
}

int bench_ldmatrix(const std::vector<std::string>& args, Streams& io) {
    Common c;
    sim::LdmatrixBenchParams p;
    std::int64_t row_pitch = 128;
    po::options_description desc("options");
    add_common(desc, c);
    desc.add_options()
        ("num", po::value(&p.num)->default_value(4), "matrices: 1, 2 or 4 (.x1 .x2 .x4)")
        ("trans", po::bool_switch(&p.trans), ".trans (same bytes, transposed delivery)")
        ("row-pitch", po::value(&row_pitch)->default_value(128), "bytes between consecutive rows of the tile in shared memory")
        ("swizzle", po::bool_switch(&p.swizzle), "XOR the 16-byte chunk index with row % 8")
        ("iters", po::value(&p.iters)->default_value(1000), "back-to-back ldmatrix instructions");
    bool help = false;
    const auto config = load(args, desc, c,
                             "usage: stcsim bench ldmatrix --config FILE [--num 1|2|4] [--trans] [--row-pitch BYTES] [--swizzle] [--json]\n"
                             "One warp's ldmatrix of a 16-row tile: wavefronts, bank conflicts, cycles per instruction.",
                             io, help);
    if (help) return kExitOk;
    p.row_pitch_bytes = checked_count("row-pitch", row_pitch, std::uint64_t{1} << 32);
    const sim::SmemBenchResult r = sim::run_ldmatrix_bench(config.spec, p);
    Json result = smem_json(r);
    result.update(Json{{"num", p.num}, {"trans", p.trans}, {"row_pitch_bytes", p.row_pitch_bytes}, {"swizzle", p.swizzle}});
    finish(c, config, result, r.stats,
           fmt::format("ldmatrix.x{}{} row pitch {} B{}: {} wavefronts ({} from bank conflicts), {:.2f} cycles per instruction, latency {:.0f}",
                       p.num, p.trans ? ".trans" : "", p.row_pitch_bytes, p.swizzle ? " swizzled" : "", r.wavefronts,
                       r.bank_conflicts, r.cycles_per_access, r.latency_cycles),
           io);
    return kExitOk;
}

}  // namespace stcsim::cli
