// `stcsim trace gen gemm --impl cutlass|bench`: a compiled GEMM traced through the SASS front end.
// --impl cutlass: CUTLASS's GEMMs (validation/cutlass: cutlass_gemm, CUTLASS 2.x on sm_80 and, from
// the same PTX, sm_90; cutlass3_gemm, CUTLASS 3.x on sm_90a). --impl bench: validation/gemm_bench's own kernel (the one
// our gemm.jsonl records time), for any architecture its binary holds SASS of. Each program builds
// its kernel's launch (grid, block, shared memory, parameter bytes) without a GPU
// (tools/program_launch.h); the SASS comes from the same binary.
#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "sim/trace/gemm_trace.h"
#include "sim/trace/sass_trace.h"
#include "tools/commands.h"
#include "tools/program_launch.h"
#include "tools/progress.h"

namespace stcsim::cli {
namespace {

// The program that builds the launches: cutlass_gemm (CUTLASS 2.x: sm_80 SASS, and sm_90 SASS
// compiled from the same PTX) or cutlass3_gemm (CUTLASS 3.x warp-specialised TMA + wgmma kernels,
// sm_90a).
std::string cutlass_gemm_program(const boost::program_options::variables_map& values, bool hopper) {
    if (values.count("cutlass-gemm")) return values["cutlass-gemm"].as<std::string>();
    if (!hopper && !default_cutlass_gemm().empty()) return default_cutlass_gemm().string();
#ifdef STCSIM_CUTLASS3_GEMM
    if (hopper && std::filesystem::exists(STCSIM_CUTLASS3_GEMM)) return STCSIM_CUTLASS3_GEMM;
#endif
    throw UserError(fmt::format("the {} program was not built (it needs nvcc and the CUTLASS headers that "
                                "scripts/setup.sh installs); give --cutlass-gemm PATH, or use --impl synthetic",
                                hopper ? "cutlass3_gemm" : "cutlass_gemm"));
}

// Traces the launch into DIR and prints the summary line (kernel, mma opcode, counts, speed).
int write_launch_trace(const ProgramLaunch& launch, const std::string& arch, const std::string& dir, const std::string& compress,
                       std::chrono::steady_clock::time_point start, Streams& io) {
    trace::SassTraceOptions options;
    options.kernel_file = compress == "none" ? "kernel-1.traceg" : "kernel-1.traceg." + compress;
    Progress bar(io.err, "trace gen gemm");
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.update(static_cast<double>(done), static_cast<double>(total), fmt::format("CTAs {}/{}", done, total));
    };
    const TracedLaunch traced = trace_program_launch(launch, arch, dir, options);
    const trace::SassTraceResult& result = traced.trace;
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::ordered_json summary = {{"kernel_file", result.kernel_file},
                                      {"kernel", launch.kernel},
                                      {"mma_sass", traced.mma_sass},
                                      {"mma_instructions", result.tensor_instructions},
                                      {"instructions", result.instructions},
                                      {"thread_blocks", result.ctas},
                                      {"warps_per_block", (launch.launch.block.count() + 31) / 32},
                                      {"launch", launch.description},
                                      {"seconds", seconds},
                                      {"trace_seconds", result.emulate_seconds},
                                      {"trace_cpu_seconds", result.cpu_seconds},
                                      {"instructions_per_cpu_second",
                                       result.cpu_seconds > 0 ? static_cast<double>(result.instructions) / result.cpu_seconds : 0.0}};
    if (launch.description.contains("mma_instructions")) summary["mma_instructions_mnk"] = launch.description["mma_instructions"];
    io.out << summary.dump() << '\n';
    return kExitOk;
}

// Checks shared by both programs; UserError or UsageError naming the option.
void check_common(const boost::program_options::variables_map& values) {
    for (const char* dim : {"m", "n", "k"}) {
        const std::int64_t v = values[dim].as<std::int64_t>();
        if (v < 1 || v > trace::kMaxGemmDim)
            throw UserError(fmt::format("M, N and K must be at most {}, got {}x{}x{}", trace::kMaxGemmDim,
                                        values["m"].as<std::int64_t>(), values["n"].as<std::int64_t>(), values["k"].as<std::int64_t>()));
    }
    const std::string compress = values["compress"].as<std::string>();
    if (compress != "none" && compress != "zst" && compress != "gz")
        throw UsageError(fmt::format("--compress must be none, zst or gz, not '{}'", compress));
}

}  // namespace

int gen_gemm_cutlass(const boost::program_options::variables_map& values, Streams& io) {
    for (const char* fixed : {"tile", "warp-tile"})
        if (values.count(fixed))
            throw UsageError(fmt::format("--{} is fixed by the CUTLASS kernel (use --impl synthetic to choose it)", fixed));
    const std::string arch = values["arch"].as<std::string>();
    if (arch != "sm_80" && arch != "sm_90" && arch != "sm_90a")
        throw UsageError(fmt::format("--impl cutlass has sm_80 and sm_90 (CUTLASS 2.x) and sm_90a (CUTLASS 3.x) kernels, not '{}'", arch));
    const bool hopper = arch == "sm_90a";
    if (!values["stages"].defaulted()) throw UsageError("--stages is fixed by the CUTLASS kernel");
    const std::string dtype = values["dtype"].as<std::string>();
    if (dtype != "f16" && dtype != "bf16")
        throw UsageError(fmt::format("--impl cutlass has f16 and bf16 kernels, not '{}' (see --impl synthetic)", dtype));
    if (values.count("acc") && values["acc"].as<std::string>() != "f32")
        throw UsageError("--impl cutlass accumulates in f32");
    check_common(values);
    const bool sparse = values["sparse"].as<bool>();
    if (hopper && dtype != "f16") throw UsageError("--impl cutlass --arch sm_90a has f16 kernels");
    const std::string kernel = fmt::format("stcsim_cutlass{}_{}_{}", hopper ? "3" : "", sparse ? "sparse" : "dense", dtype);
    const std::string dir = values["out"].as<std::string>();
    std::filesystem::create_directories(dir);

    const auto start = std::chrono::steady_clock::now();
    const std::string program_path = cutlass_gemm_program(values, hopper);
    const std::string params = (std::filesystem::path(dir) / "kernel-1.params").string();
    const ProgramLaunch launch =
        hopper ? read_program_launch(program_path,
                                     {"launch", "--kernel", kernel, "--m", std::to_string(values["m"].as<std::int64_t>()), "--n",
                                      std::to_string(values["n"].as<std::int64_t>()), "--k",
                                      std::to_string(values["k"].as<std::int64_t>())},
                                     "--params-out", params)
               : cutlass_gemm_launch(program_path, kernel, values["m"].as<std::int64_t>(), values["n"].as<std::int64_t>(),
                                     values["k"].as<std::int64_t>(), params);
    return write_launch_trace(launch, arch, dir, values["compress"].as<std::string>(), start, io);
}

int gen_gemm_bench(const boost::program_options::variables_map& values, const trace::GemmTraceSpec& spec, Streams& io) {
    check_common(values);
    const std::string arch = values["arch"].as<std::string>();
    std::string program = values.count("gemm-bench") ? values["gemm-bench"].as<std::string>() : default_gemm_bench().string();
    if (program.empty())
        throw UserError("validation/gemm_bench was not built (the validation build needs nvcc); give --gemm-bench PATH, "
                        "or use --impl synthetic");
    const std::string dir = values["out"].as<std::string>();
    std::filesystem::create_directories(dir);
    const auto start = std::chrono::steady_clock::now();
    const ProgramLaunch launch = gemm_bench_launch(program, spec, (std::filesystem::path(dir) / "kernel-1.params").string());
    return write_launch_trace(launch, arch, dir, values["compress"].as<std::string>(), start, io);
}

}  // namespace stcsim::cli
