// `stcsim trace gen gemm --impl cutlass`: CUTLASS's compiled Ampere GEMM (validation/cutlass),
// traced through the SASS front end. The cutlass_gemm program builds the kernel's launch (grid,
// block, shared memory, parameter bytes) without a GPU; the SASS comes from the same binary.
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iterator>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "common/errors.h"
#include "sim/trace/gemm_trace.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/program.h"
#include "sim/trace/sass_trace.h"
#include "tools/commands.h"
#include "tools/progress.h"
#include "tools/cuda_tools.h"

namespace stcsim::cli {
namespace {

// The program that builds the launches: cutlass_gemm (CUTLASS 2.x, sm_80) or cutlass3_gemm
// (CUTLASS 3.x warp-specialised TMA + wgmma kernels, sm_90a).
std::string cutlass_gemm_program(const boost::program_options::variables_map& values, bool hopper) {
    if (values.count("cutlass-gemm")) return values["cutlass-gemm"].as<std::string>();
#ifdef STCSIM_CUTLASS_GEMM
    if (!hopper && std::filesystem::exists(STCSIM_CUTLASS_GEMM)) return STCSIM_CUTLASS_GEMM;
#endif
#ifdef STCSIM_CUTLASS3_GEMM
    if (hopper && std::filesystem::exists(STCSIM_CUTLASS3_GEMM)) return STCSIM_CUTLASS3_GEMM;
#endif
    throw UserError(fmt::format("the {} program was not built (it needs nvcc and the CUTLASS headers that "
                                "scripts/setup.sh installs); give --cutlass-gemm PATH, or use --impl synthetic",
                                hopper ? "cutlass3_gemm" : "cutlass_gemm"));
}

// The opcode of the kernel's tensor-core instructions, as its SASS writes it.
std::string mma_opcode(const isa::sass::Program& program) {
    for (const isa::sass::Instruction& inst : program.code().instructions)
        if (inst.base == "HMMA" || inst.base == "HGMMA") return inst.opcode;
    return "";
}

}  // namespace

int gen_gemm_cutlass(const boost::program_options::variables_map& values, Streams& io) {
    for (const char* fixed : {"tile", "warp-tile"})
        if (values.count(fixed))
            throw UsageError(fmt::format("--{} is fixed by the CUTLASS kernel (use --impl synthetic to choose it)", fixed));
    const std::string arch = values["arch"].as<std::string>();
    if (arch != "sm_80" && arch != "sm_90a")
        throw UsageError(fmt::format("--impl cutlass has sm_80 (CUTLASS 2.x) and sm_90a (CUTLASS 3.x) kernels, not '{}'", arch));
    const bool hopper = arch == "sm_90a";
    if (!values["stages"].defaulted()) throw UsageError("--stages is fixed by the CUTLASS kernel");
    const std::string dtype = values["dtype"].as<std::string>();
    if (dtype != "f16" && dtype != "bf16")
        throw UsageError(fmt::format("--impl cutlass has f16 and bf16 kernels, not '{}' (see --impl synthetic)", dtype));
    if (values.count("acc") && values["acc"].as<std::string>() != "f32")
        throw UsageError("--impl cutlass accumulates in f32");
    for (const char* dim : {"m", "n", "k"}) {
        const std::int64_t v = values[dim].as<std::int64_t>();
        if (v < 1 || v > trace::kMaxGemmDim)
            throw UserError(fmt::format("M, N and K must be at most {}, got {}x{}x{}", trace::kMaxGemmDim,
                                        values["m"].as<std::int64_t>(), values["n"].as<std::int64_t>(), values["k"].as<std::int64_t>()));
    }
    const bool sparse = values["sparse"].as<bool>();
    if (hopper && dtype != "f16") throw UsageError("--impl cutlass --arch sm_90a has f16 kernels");
    const std::string kernel = fmt::format("stcsim_cutlass{}_{}_{}", hopper ? "3" : "", sparse ? "sparse" : "dense", dtype);
    const std::string compress = values["compress"].as<std::string>();
    if (compress != "none" && compress != "zst" && compress != "gz")
        throw UsageError(fmt::format("--compress must be none, zst or gz, not '{}'", compress));
    const std::string dir = values["out"].as<std::string>();
    std::filesystem::create_directories(dir);

    const auto start = std::chrono::steady_clock::now();
    const std::string program_path = cutlass_gemm_program(values, hopper);
    const std::string params_path = (std::filesystem::path(dir) / "kernel-1.params").string();
    const std::string launch_text = isa::sass::run_tool(
        program_path, {"launch", "--kernel", kernel, "--m", std::to_string(values["m"].as<std::int64_t>()), "--n",
                       std::to_string(values["n"].as<std::int64_t>()), "--k", std::to_string(values["k"].as<std::int64_t>()),
                       "--params-out", params_path});
    const nlohmann::json launch_json = nlohmann::json::parse(launch_text);
    isa::sass::Launch launch;
    launch.grid = {launch_json["grid"][0], launch_json["grid"][1], launch_json["grid"][2]};
    launch.block = {launch_json["block"][0], launch_json["block"][1], launch_json["block"][2]};
    launch.dynamic_shared = launch_json["smem"];
    {
        // The Params struct sits at param_offset in the parameter buffer (a 64-byte-aligned struct
        // whose constant-bank address the compiler aligns); the bytes before it are padding.
        launch.params.assign(launch_json.value("param_offset", 0u), 0);
        std::ifstream in(params_path, std::ios::binary);
        launch.params.insert(launch.params.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    }
    isa::sass::KernelCode code = isa::sass::disassemble_kernel(find_cuda_tool("cuobjdump"), program_path, kernel, arch);
    const isa::sass::Program program(std::move(code), std::move(launch));

    trace::SassTraceOptions options;
    options.kernel_file = compress == "none" ? "kernel-1.traceg" : "kernel-1.traceg." + compress;
    for (const char* buffer : {"A", "B", "E"}) {
        const std::uint64_t address = launch_json["buffers"][buffer][0], bytes = launch_json["buffers"][buffer][1];
        if (bytes == 0) continue;
        options.memcpys.push_back({trace::TraceCommand::Kind::memcpy_htod,
                                   fmt::format("MemcpyHtoD,0x{:016x},{}", address, bytes), "", address, bytes});
    }
    Progress bar(io.err, "trace gen gemm");
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.update(static_cast<double>(done), static_cast<double>(total), fmt::format("CTAs {}/{}", done, total));
    };
    const trace::SassTraceResult result = trace::write_sass_trace(program, dir, options);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    nlohmann::ordered_json summary = {{"kernel_file", result.kernel_file},
                                      {"kernel", kernel},
                                      {"mma_sass", mma_opcode(program)},
                                      {"mma_instructions", result.tensor_instructions},
                                      {"instructions", result.instructions},
                                      {"thread_blocks", result.ctas},
                                      {"warps_per_block", (program.launch().block.count() + 31) / 32},
                                      {"launch", launch_json},
                                      {"seconds", seconds},
                                      {"trace_seconds", result.emulate_seconds},
                                      {"trace_cpu_seconds", result.cpu_seconds},
                                      {"instructions_per_cpu_second",
                                       result.cpu_seconds > 0 ? static_cast<double>(result.instructions) / result.cpu_seconds : 0.0}};
    if (launch_json.contains("mma_instructions")) summary["mma_instructions_mnk"] = launch_json["mma_instructions"];
    io.out << summary.dump() << '\n';
    return kExitOk;
}

}  // namespace stcsim::cli
