// `stcsim trace`: trace generation (`trace gen gemm ...`) and reading (`trace stats PATH`).
#include <fmt/format.h>
#include <sys/resource.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <ostream>
#include <regex>

#include "common/errors.h"
#include "sim/trace/gemm_trace.h"
#include "sim/trace/kernel_header.h"
#include "sim/trace/trace_reader.h"
#include "tools/commands.h"
#include "tools/options.h"
#include "tools/progress.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kTraceUsage =
    "usage: stcsim trace gen gemm --m M --n N --k K [--dtype f16|bf16] [--sparse] [--arch sm_80|sm_90|sm_90a]\n"
    "                             [--compress zst|gz] --out DIR\n"
    "                             (--impl cutlass, the default: CUTLASS's kernel traced from its SASS; sm_80, sm_90:\n"
    "                             CUTLASS 2.x Gemm / SparseGemm; sm_90a: CUTLASS 3.x warp-specialised TMA + wgmma, f16)\n"
    "       stcsim trace gen gemm --impl bench --m M --n N --k K [--dtype f16|bf16] [--sparse] [--arch sm_80|sm_86|\n"
    "                             sm_89|sm_90] [--compress zst|gz] --out DIR   (validation/gemm_bench's own kernel)\n"
    "       stcsim trace gen gemm --impl synthetic --m M --n N --k K --dtype f16|bf16|tf32|s8 --acc f32|f16|s32\n"
    "                             [--sparse] [--tile MxNxK] [--warp-tile MxNxK] [--stages S] [--compress zst|gz] --out DIR\n"
    "       stcsim trace gen kernel --binary FILE --kernel NAME --grid X,Y,Z --block X,Y,Z --params FILE --out DIR ...\n"
    "       stcsim trace stats [--json] PATH   (PATH: a kernel-N.traceg[.gz|.zst|.xz], a kernelslist.g or a folder with one)\n\n"
    "'trace gen gemm' writes DIR/kernelslist.g and DIR/kernel-1.traceg: the trace of CUTLASS's compiled Ampere\n"
    "GEMM (cutlass::gemm::device::Gemm / SparseGemm); with --impl bench of validation/gemm_bench's compiled kernel\n"
    "(the GEMM our gemm.jsonl records time), traced from its SASS; with --impl synthetic of a hand-built kernel\n"
    "of the same structure (cp.async multistage mainloop, ldmatrix, mma / mma.sp, epilogue stores).\n"
    "'trace stats' reads a trace as a stream and reports its counts, instructions per second and peak memory.";

isa::Shape parse_shape(const std::string& text, const char* option) {
    static const std::regex pattern(R"((\d+)x(\d+)x(\d+))");
    std::smatch match;
    if (!std::regex_match(text, match, pattern))
        throw UsageError(fmt::format("--{} must be MxNxK (e.g. 128x128x32), not '{}'", option, text));
    try {
        return {std::stoi(match[1]), std::stoi(match[2]), std::stoi(match[3])};
    } catch (const std::out_of_range&) {
        throw UsageError(fmt::format("--{} '{}' is out of range", option, text));
    }
}

int gen_gemm(const std::vector<std::string>& args, Streams& io) {
    po::options_description options("options");
    options.add_options()
        ("m", po::value<std::int64_t>()->required(), "rows of A and D")
        ("n", po::value<std::int64_t>()->required(), "columns of B and D")
        ("k", po::value<std::int64_t>()->required(), "the reduction dimension (dense, logical)")
        ("dtype", po::value<std::string>()->default_value("f16"), "input type: f16, bf16, tf32, s8")
        ("acc", po::value<std::string>(), "accumulator type: f32 (default; f16 inputs may use f16), s32 for s8")
        ("sparse", po::bool_switch(), "2:4 structured sparse A (mma.sp), with metadata loads")
        ("tile", po::value<std::string>(), "CTA tile MxNxK (default 128x128x(64 bytes of A per row, x2 sparse))")
        ("warp-tile", po::value<std::string>(), "warp tile MxNxK (default 64x64x<tile K>)")
        ("stages", po::value<int>()->default_value(3), "cp.async pipeline stages")
        ("compress", po::value<std::string>()->default_value("none"), "none, zst or gz: compress the kernel trace")
        ("out", po::value<std::string>()->required(), "output folder")
        ("impl", po::value<std::string>()->default_value("cutlass"),
         "cutlass: CUTLASS's compiled kernel traced from its SASS (f16/bf16 -> f32); bench: validation/gemm_bench's "
         "compiled kernel; synthetic: the hand-built look-alike")
        ("arch", po::value<std::string>()->default_value("sm_80"),
         "--impl cutlass: sm_80 or sm_90 (CUTLASS 2.x) or sm_90a (CUTLASS 3.x Hopper kernels); --impl bench: the SASS target "
         "of gemm_bench to trace (sm_80, sm_86, sm_89, sm_90)")
        ("gemm-bench", po::value<std::string>(), "--impl bench: the gemm_bench program (default: the one this build made)")
        ("cutlass-gemm", po::value<std::string>(), "the cutlass_gemm (sm_80, sm_90) or cutlass3_gemm (sm_90a) program "
         "(default: the one this build made)");
    po::variables_map values;
    if (!parse_options(args, kTraceUsage, options, values, io)) return kExitOk;
    const std::string impl = values["impl"].as<std::string>();
    if (impl == "cutlass") return gen_gemm_cutlass(values, io);
    if (impl != "synthetic" && impl != "bench")
        throw UsageError(fmt::format("--impl must be cutlass, bench or synthetic, not '{}'", impl));
    if (impl == "synthetic" && !values["arch"].defaulted())
        throw UsageError("--arch is for --impl cutlass and bench (the synthetic kernel is sm_80)");
    trace::GemmTraceSpec spec;
    spec.m = values["m"].as<std::int64_t>();
    spec.n = values["n"].as<std::int64_t>();
    spec.k = values["k"].as<std::int64_t>();
    spec.dtype = values["dtype"].as<std::string>();
    spec.acc = values.count("acc") ? values["acc"].as<std::string>() : (spec.dtype == "s8" ? "s32" : "f32");
    spec.sparse = values["sparse"].as<bool>();
    if (values.count("tile")) spec.tile = parse_shape(values["tile"].as<std::string>(), "tile");
    if (values.count("warp-tile")) spec.warp_tile = parse_shape(values["warp-tile"].as<std::string>(), "warp-tile");
    if (spec.warp_tile.m != 0 && spec.tile.m == 0) spec.tile = trace::with_defaults(spec).tile;
    spec.stages = values["stages"].as<int>();
    if (impl == "bench") return gen_gemm_bench(values, spec, io);
    const std::string compress = values["compress"].as<std::string>();
    if (compress != "none" && compress != "zst" && compress != "gz")
        throw UsageError(fmt::format("--compress must be none, zst or gz, not '{}'", compress));
    const std::string file = compress == "none" ? "kernel-1.traceg" : "kernel-1.traceg." + compress;
    const auto start = std::chrono::steady_clock::now();
    trace::GemmTraceResult result;
    {
        Progress bar(io.err, "trace gen gemm");
        result = trace::write_gemm_trace(spec, values["out"].as<std::string>(), file, [&bar](std::uint64_t done, std::uint64_t total) {
            bar.update(static_cast<double>(done), static_cast<double>(total), fmt::format("thread blocks {}/{}", done, total));
        });
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const nlohmann::ordered_json summary = {{"kernel_file", result.kernel_file},
                                            {"mma_sass", result.mma_sass},
                                            {"mma_instructions", result.mma_instructions},
                                            {"instructions", result.instructions},
                                            {"thread_blocks", result.blocks},
                                            {"warps_per_block", result.warps_per_block},
                                            {"seconds", seconds}};
    io.out << summary.dump() << '\n';
    return kExitOk;
}

struct Totals {
    std::uint64_t kernels = 0, blocks = 0, warps = 0, instructions = 0, peak_buffered = 0;
    std::map<std::string, std::uint64_t> by_opcode;
};

void read_kernel(const std::string& path, Totals& totals) {
    trace::TraceReader reader(path);
    trace::ThreadBlockTrace block;
    std::vector<std::uint64_t> counts;
    std::map<const trace::Opcode*, std::uint64_t> by_opcode;
    while (reader.next_block(block)) {
        for (const auto& warp : block.warps) {
            totals.warps += warp.present ? 1 : 0;
            for (const auto& inst : warp.instructions) ++by_opcode[inst.opcode];
        }
        totals.instructions += block.instruction_count();
    }
    for (const auto& [op, count] : by_opcode) totals.by_opcode[op->full] += count;
    totals.blocks += reader.blocks_read();
    totals.peak_buffered = std::max(totals.peak_buffered, reader.peak_buffered_instructions());
    ++totals.kernels;
}

constexpr const char* kStatsUsage =
    "usage: stcsim trace stats [--json] PATH\n"
    "Reads a trace as a stream and reports its kernels, thread blocks, warps and instructions by opcode, the\n"
    "instructions read per second and the peak memory. PATH: a kernel-N.traceg[.gz|.zst|.xz], a kernelslist.g,\n"
    "or a folder holding a kernelslist.g (as 'stcsim run --trace' accepts).";

int stats(const std::vector<std::string>& args, Streams& io) {
    po::options_description options("options");
    options.add_options()("json", po::bool_switch(), "print the figures as one JSON object")
        ("path", po::value<std::string>()->required(), "kernel trace or kernelslist.g");
    po::positional_options_description positional;
    positional.add("path", 1);
    po::variables_map values;
    options.add_options()("help,h", "print this help");
    try {
        po::store(po::command_line_parser(args).options(options).positional(positional).run(), values);
        if (values.count("help")) {
            io.out << kStatsUsage << "\n\n" << options << '\n';
            return kExitOk;
        }
        po::notify(values);
    } catch (const po::error& error) {
        throw UsageError(error.what());
    }
    std::string path = values["path"].as<std::string>();
    if (std::filesystem::is_directory(path)) path = (std::filesystem::path(path) / "kernelslist.g").string();
    Totals totals;
    const auto start = std::chrono::steady_clock::now();
    if (path.ends_with(".g")) {
        for (const auto& command : trace::read_kernelslist(path))
            if (command.kind == trace::TraceCommand::Kind::kernel) read_kernel(command.path, totals);
    } else {
        read_kernel(path, totals);
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const double rate = seconds > 0 ? static_cast<double>(totals.instructions) / seconds : 0.0;
    nlohmann::ordered_json out = {{"kernels", totals.kernels},
                                  {"thread_blocks", totals.blocks},
                                  {"warps", totals.warps},
                                  {"warp_instructions", totals.instructions},
                                  {"peak_buffered_instructions", totals.peak_buffered},
                                  {"seconds", seconds},
                                  {"instructions_per_second", rate},
                                  {"peak_rss_kib", usage.ru_maxrss},
                                  {"instructions_by_opcode", totals.by_opcode}};
    if (values["json"].as<bool>()) {
        io.out << out.dump() << '\n';
    } else {
        io.out << fmt::format("{} kernel(s), {} thread blocks, {} warps, {} warp instructions\n", totals.kernels,
                              totals.blocks, totals.warps, totals.instructions)
               << fmt::format("read in {:.2f} s: {:.3g} instructions/s; peak memory {} KiB (at most {} instructions buffered)\n",
                              seconds, rate, usage.ru_maxrss, totals.peak_buffered);
        for (const auto& [opcode, count] : totals.by_opcode) io.out << fmt::format("  {:<32} {}\n", opcode, count);
    }
    return kExitOk;
}

}  // namespace

int trace_main(const std::vector<std::string>& args, Streams& io) {
    if (args.empty()) throw UsageError("expected 'gen gemm' or 'stats'");
    if (args[0] == "--help" || args[0] == "-h") {
        io.out << kTraceUsage << '\n';
        return kExitOk;
    }
    if (args[0] == "gen") {
        if (args.size() >= 2 && args[1] == "kernel") return gen_kernel(std::vector<std::string>(args.begin() + 2, args.end()), io);
        if (args.size() < 2 || (args[1] != "gemm" && args[1] != "--help" && args[1] != "-h"))
            throw UsageError(fmt::format("'trace gen' generates 'gemm' or 'kernel', not '{}'", args.size() < 2 ? "" : args[1]));
        if (args[1] != "gemm") {
            io.out << kTraceUsage << '\n';
            return kExitOk;
        }
        return gen_gemm(std::vector<std::string>(args.begin() + 2, args.end()), io);
    }
    if (args[0] == "stats") return stats(std::vector<std::string>(args.begin() + 1, args.end()), io);
    throw UsageError(fmt::format("unknown 'trace' command '{}'; expected 'gen gemm' or 'stats'", args[0]));
}

}  // namespace stcsim::cli
