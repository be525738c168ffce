// pipe_bench: instruction-pipe and kernel-launch microbenchmarks matching the issue and pipe parts
// of the timing model. One JSON line per measurement, each with "experiment" and "command":
//   --mode pipes   every stream (or --stream NAME), one CTA, for each (warps, chains) of
//                  (1, 1) and (1|4|8|16|32, 8):
//       {"experiment": "pipe", "stream", "first", "second", "warps", "chains", "steps", "cycles",
//        "cycles_double", "cycles_per_step", "cycles_per_instr_per_smsp"}
//       cycles: the slowest warp's clock64 cycles around its loop of `steps` steps per chain;
//       cycles_double: the same run with twice the steps; cycles_per_step: their difference over
//       steps (the latency with one chain); cycles_per_instr_per_smsp: cycles_per_step over the
//       chains of the busiest sub-partition (warp w runs on sub-partition w % 4)
//   --mode launch  empty kernels of 1 and of sm_count CTAs (128 threads), back to back and alone:
//       {"experiment": "launch", "ctas", "threads", "launches", "us_per_launch", "us_single"}
// Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <cstdint>
#include <fstream>
#include <iostream>
#include <utility>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/pipe/pipe_kernels.h"

using namespace stcsim::validation;

namespace {

JsonLine header(const char* experiment, const DeviceInfo& dev) {
    JsonLine line;
    line.add("experiment", experiment).add("arch", dev.arch_name()).add("device", dev.name);
    return line;
}

void validate(const Args& args) {
    const std::string mode = args.str("mode");
    if (mode != "pipes" && mode != "launch") throw UsageError("--mode must be pipes or launch");
    if (args.has("stream") && !find_pipe_stream(args.str("stream")))
        throw UsageError("--stream must name one of the streams (--help lists them)");
    if (args.integer("iterations") < 1 || args.integer("iterations") > (1 << 20))
        throw UsageError("--iterations must be 1..1M");
    if (args.integer("launches") < 1 || args.integer("launches") > 100000) throw UsageError("--launches must be 1..100000");
}

std::string stream_list() {
    std::string list;
    for (const PipeStream& s : kPipeStreams) list += (list.empty() ? "" : ", ") + std::string(s.name);
    return list;
}

}  // namespace

int main(int argc, char** argv) {
    Args args("pipe_bench", "Instruction-pipe throughput and latency, and kernel-launch time, on this GPU.");
    args.option("mode", "pipes | launch");
    args.option("stream", "pipes: only this stream (" + stream_list() + ")");
    args.option("iterations", "pipes: loop iterations (4 instructions per chain each)", "256");
    args.option("launches", "launch: back-to-back launches timed together", "2000");
    args.option("out", "append the JSON lines to this file instead of stdout");
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        validate(args);
    } catch (const UsageError& e) {
        std::cerr << "pipe_bench: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("pipe_bench");
    std::ofstream file;
    if (args.has("out")) file.open(args.str("out"), std::ios::app);
    std::ostream& out = args.has("out") ? static_cast<std::ostream&>(file) : std::cout;
    const std::string command = args.command_line();
    if (args.str("mode") == "launch") {
        const int launches = static_cast<int>(args.integer("launches"));
        for (int ctas : {1, dev.sm_count}) {
            const LaunchTiming t = time_empty_launches(ctas, 128, launches);
            out << header("launch", dev).add("ctas", ctas).add("threads", 128).add("launches", launches)
                       .add("us_per_launch", t.us_per_launch).add("us_single", t.us_single).add("command", command).str()
                << std::endl;
        }
        return 0;
    }
    const int iterations = static_cast<int>(args.integer("iterations"));
    const std::vector<std::pair<int, int>> shapes = {{1, 1}, {1, 8}, {4, 8}, {8, 8}, {16, 8}, {32, 8}};  // warps, chains
    for (const PipeStream& s : kPipeStreams) {
        if (args.has("stream") && s.name != args.str("stream")) continue;
        for (const auto& [warps, chains] : shapes) {
            const PipeTiming t = time_pipe_stream(s, chains, warps, iterations);
            const int chains_per_smsp = chains * ((warps + 3) / 4);  // warp w runs on sub-partition w % 4
            out << header("pipe", dev).add("stream", s.name).add("first", kPipeOpSass[s.first]).add("second", kPipeOpSass[s.second])
                       .add("warps", warps).add("chains", chains).add("steps", static_cast<std::int64_t>(t.steps)).add("cycles", static_cast<std::int64_t>(t.cycles))
                       .add("cycles_double", static_cast<std::int64_t>(t.cycles_double))
                       .add("cycles_per_step", t.cycles_per_step())
                       .add("cycles_per_instr_per_smsp", t.cycles_per_step() / chains_per_smsp)
                       .add("command", command).str()
                << std::endl;
        }
    }
    return 0;
}
