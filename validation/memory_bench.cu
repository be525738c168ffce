// memory_bench: memory-hierarchy microbenchmarks matching `stcsim bench latency` and the memory
// parts of the timing model. One JSON line per measurement, each with "experiment" and "command":
//   --mode latency   --footprint BYTES [--stride BYTES] [--steps N] | --sweep
//       {"experiment": "latency", "footprint", "stride", "steps", "latency_cycles"}  one-thread
//       pointer chase; --sweep runs footprints 4 KB .. 1 GB (x2)
//   --mode bandwidth --level l1|l2|dram  (or --sweep: all three)
//       {"experiment": "bandwidth", "level", "footprint", "bytes_per_clk_per_sm", "gb_per_s"}
//   --mode ldmatrix  [--warps W]  every x1/x2/x4 with and without .trans:
//       {"experiment": "ldmatrix", "x", "trans", "latency_cycles", "warps", "cycles_per_instr_per_sm"}
//   --mode banks     strides 1,2,4,8,16,32,33 words: {"experiment": "banks", "stride_words", "cycles_per_access"}
//   --mode stores    [--steps N]  both store patterns, one CTA and one CTA per SM, 1, 4 and 32 warps each:
//       {"experiment": "stores", "pattern", "ctas", "warps", "steps", "cycles", "cycles_double",
//        "bytes_per_clk_per_sm"}  cycles: the slowest warp's clock64 span over `steps` STG.E.64 per
//        warp; cycles_double: the same with twice the steps; bytes_per_clk_per_sm: the bytes one
//        CTA (one SM) stores in the added steps over the added cycles
// Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <fstream>
#include <iostream>
#include <utility>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/memory/memory_kernels.h"

using namespace stcsim::validation;

namespace {

JsonLine header(const char* experiment, const DeviceInfo& dev) {
    JsonLine line;
    line.add("experiment", experiment).add("arch", dev.arch_name()).add("device", dev.name);
    return line;
}

void validate(const Args& args) {
    const std::string mode = args.str("mode");
    if (mode != "latency" && mode != "bandwidth" && mode != "ldmatrix" && mode != "banks" && mode != "stores")
        throw UsageError("--mode must be latency, bandwidth, ldmatrix, banks or stores");
    if (mode == "latency" && !args.has("sweep")) {
        if (!args.has("footprint")) throw UsageError("--mode latency needs --footprint BYTES or --sweep");
        if (args.integer("footprint") < 4096) throw UsageError("--footprint must be at least 4K");
    }
    if (args.integer("stride") < 4 || args.integer("stride") % 4 != 0) throw UsageError("--stride must be a positive multiple of 4");
    if (mode == "bandwidth" && !args.has("sweep")) {
        const std::string level = args.str("level");
        if (level != "l1" && level != "l2" && level != "dram") throw UsageError("--level must be l1, l2 or dram");
    }
    if (args.integer("warps") < 1 || args.integer("warps") > 32) throw UsageError("--warps must be 1..32");
    if (args.integer("steps") < 1) throw UsageError("--steps must be positive");
    if (mode == "stores" && (args.integer("steps") % 4 != 0 || args.integer("steps") > (1 << 20)))
        throw UsageError("--mode stores: --steps must be a multiple of 4 up to 1M");
}

}  // namespace

int main(int argc, char** argv) {
    Args args("memory_bench", "Latency, bandwidth, ldmatrix, shared-memory bank and store microbenchmarks on this GPU.");
    args.option("mode", "latency | bandwidth | ldmatrix | banks | stores");
    args.option("footprint", "latency: bytes covered by the chain (K/M/G suffixes)");
    args.option("stride", "latency: bytes between consecutive links", "128");
    args.option("steps", "dependent accesses timed", "4096");
    args.option("level", "bandwidth: l1 | l2 | dram", "dram");
    args.option("warps", "ldmatrix: warps for the throughput run", "32");
    args.flag("sweep", "latency: every footprint 4K..1G; bandwidth: every level");
    args.option("out", "append the JSON lines to this file instead of stdout");
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        validate(args);
    } catch (const UsageError& e) {
        std::cerr << "memory_bench: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("memory_bench");
    std::ofstream file;
    if (args.has("out")) file.open(args.str("out"), std::ios::app);
    std::ostream& out = args.has("out") ? static_cast<std::ostream&>(file) : std::cout;
    const std::string mode = args.str("mode"), command = args.command_line();
    const int steps = static_cast<int>(args.integer("steps"));
    if (mode == "latency") {
        std::vector<std::int64_t> footprints;
        if (args.has("sweep")) for (std::int64_t f = 4096; f <= (std::int64_t{1} << 30); f *= 2) footprints.push_back(f);
        else footprints.push_back(args.integer("footprint"));
        const auto stride = static_cast<std::size_t>(args.integer("stride"));
        for (std::int64_t f : footprints) {
            const double cycles = chase_latency_cycles(static_cast<std::size_t>(f), stride, steps);
            out << header("latency", dev).add("footprint", f).add("stride", static_cast<std::int64_t>(stride))
                       .add("steps", steps).add("latency_cycles", cycles).add("command", command).str() << std::endl;
        }
    } else if (mode == "bandwidth") {
        int l2_bytes = 0;
        STC_CUDA_CHECK(cudaDeviceGetAttribute(&l2_bytes, cudaDevAttrL2CacheSize, dev.index));
        std::vector<std::pair<std::string, Level>> levels = {{"l1", Level::l1}, {"l2", Level::l2}, {"dram", Level::dram}};
        for (const auto& [name, level] : levels) {
            if (!args.has("sweep") && name != args.str("level")) continue;
            const Bandwidth bw = stream_bandwidth(level, dev.sm_count, l2_bytes);
            out << header("bandwidth", dev).add("level", name).add("footprint", static_cast<std::int64_t>(bw.footprint))
                       .add("sm_count", dev.sm_count).add("bytes_per_clk_per_sm", bw.bytes_per_clk_per_sm)
                       .add("gb_per_s", bw.gb_per_s).add("command", command).str() << std::endl;
        }
    } else if (mode == "ldmatrix") {
        const int warps = static_cast<int>(args.integer("warps"));
        for (int x : {1, 2, 4})
            for (bool trans : {false, true}) {
                out << header("ldmatrix", dev).add("x", x).add("trans", trans)
                           .add("latency_cycles", ldmatrix_latency_cycles(x, trans, steps)).add("warps", warps)
                           .add("cycles_per_instr_per_sm", ldmatrix_cycles_per_instr(x, trans, warps, steps))
                           .add("command", command).str() << std::endl;
            }
    } else if (mode == "stores") {
        for (const auto& [name, pattern] : {std::pair{"contiguous", StorePattern::contiguous}, std::pair{"fragment_rows", StorePattern::fragment_rows}})
            for (int ctas : {1, dev.sm_count})
                for (int warps : {1, 4, 32}) {
                    const StoreTiming t = store_throughput(pattern, ctas, warps, steps);
                    const double bytes = 256.0 * warps * static_cast<double>(t.steps);
                    out << header("stores", dev).add("pattern", name).add("ctas", ctas).add("warps", warps)
                               .add("steps", static_cast<std::int64_t>(t.steps)).add("cycles", static_cast<std::int64_t>(t.cycles))
                               .add("cycles_double", static_cast<std::int64_t>(t.cycles_double))
                               .add("bytes_per_clk_per_sm", bytes / static_cast<double>(t.cycles_double - t.cycles))
                               .add("command", command).str() << std::endl;
                }
    } else {
        for (int stride : {1, 2, 4, 8, 16, 32, 33})
            out << header("banks", dev).add("stride_words", stride)
                       .add("cycles_per_access", shared_access_cycles(stride, steps)).add("command", command).str() << std::endl;
    }
    return 0;
}
