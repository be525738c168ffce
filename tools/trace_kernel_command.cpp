// `stcsim trace gen kernel`: traces a compiled kernel from its SASS, without a GPU.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <regex>

#include "common/errors.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/program.h"
#include "sim/trace/sass_trace.h"
#include "tools/commands.h"
#include "tools/cuda_tools.h"
#include "tools/options.h"
#include "tools/progress.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: stcsim trace gen kernel --binary FILE --kernel NAME --grid X,Y,Z --block X,Y,Z [--smem BYTES]\n"
    "                               --params FILE --out DIR [--ctas RANGE] [--arch sm_80] [--compress zst|gz]\n"
    "                               [--disassembler cuobjdump|nvdisasm]\n\n"
    "Disassembles the kernel NAME (mangled) of FILE (a cubin, fatbinary, executable or shared library) with\n"
    "cuobjdump, emulates every warp of the launch and writes DIR/kernelslist.g and DIR/kernel-1.traceg.\n"
    "--params holds the kernel's parameter bytes as cudaLaunchKernel packs them; --smem the dynamic shared\n"
    "memory; --ctas A-B (or A) traces only the CTAs with linear index A..B (x fastest).";

isa::sass::Dim parse_dim(const std::string& text, const char* option) {
    static const std::regex pattern(R"((\d+)(?:,(\d+))?(?:,(\d+))?)");
    std::smatch m;
    if (!std::regex_match(text, m, pattern)) throw UsageError(fmt::format("--{} must be X[,Y[,Z]], not '{}'", option, text));
    auto get = [&](int i) { return m[i].matched ? static_cast<std::uint32_t>(std::stoul(m[i])) : 1u; };
    isa::sass::Dim d{get(1), get(2), get(3)};
    if (d.x == 0 || d.y == 0 || d.z == 0) throw UsageError(fmt::format("--{} '{}': dimensions must be positive", option, text));
    return d;
}

std::vector<std::uint8_t> read_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw UserError(fmt::format("{}: cannot read the parameter bytes", path));
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

}  // namespace

void add_kernel_trace_options(po::options_description& options, bool required) {
    auto text = [required]() {
        auto v = po::value<std::string>();
        return required ? v->required() : v;
    };
    options.add_options()
        ("binary", text(), "cubin, fatbinary, executable or shared library")
        ("kernel", text(), "the kernel's (mangled) name")
        ("grid", text(), "grid dimensions X,Y,Z")
        ("block", text(), "block dimensions X,Y,Z")
        ("smem", po::value<std::uint32_t>()->default_value(0), "dynamic shared memory per CTA, bytes")
        ("params", text(), "file of the kernel's parameter bytes")
        ("ctas", po::value<std::string>(), "CTA range A-B (linear indices, inclusive)")
        ("max-warp-instructions", po::value<std::int64_t>()->default_value(static_cast<std::int64_t>(isa::sass::kDefaultMaxWarpInstructions)),
         "a warp running more instructions than this in one CTA stops the trace (an endless loop)")
        ("arch", po::value<std::string>()->default_value(""), "the SASS to use when FILE holds several (sm_80, ...)")
        ("disassembler", po::value<std::string>()->default_value("cuobjdump"),
         "cuobjdump (cuobjdump -sass) or nvdisasm (on the cubins cuobjdump -xelf extracts)");
}

trace::SassTraceResult trace_kernel(const po::variables_map& values, const std::string& dir, const std::string& kernel_file,
                                    std::string* kernel_name, std::string* arch, std::ostream& err) {
    for (const char* needed : {"binary", "kernel", "grid", "block", "params"})
        if (!values.count(needed)) throw UsageError(fmt::format("--{} is required", needed));
    isa::sass::Launch launch;
    launch.grid = parse_dim(values["grid"].as<std::string>(), "grid");
    launch.block = parse_dim(values["block"].as<std::string>(), "block");
    launch.dynamic_shared = values["smem"].as<std::uint32_t>();
    launch.params = read_bytes(values["params"].as<std::string>());
    trace::SassTraceOptions trace_options;
    trace_options.max_warp_instructions =
        checked_count("max-warp-instructions", values["max-warp-instructions"].as<std::int64_t>(), UINT64_MAX / 2);
    if (values.count("ctas")) {
        static const std::regex range(R"((\d+)(?:-(\d+))?)");
        std::smatch m;
        const std::string text = values["ctas"].as<std::string>();
        if (!std::regex_match(text, m, range)) throw UsageError(fmt::format("--ctas must be A or A-B, not '{}'", text));
        trace_options.first_cta = std::stoull(m[1]);
        trace_options.last_cta = m[2].matched ? std::stoull(m[2]) : trace_options.first_cta;
        if (trace_options.last_cta < trace_options.first_cta) throw UsageError("--ctas: A-B with B < A");
    }
    trace_options.kernel_file = kernel_file;
    const std::string binary = values["binary"].as<std::string>();
    if (!std::filesystem::exists(binary)) throw UserError(fmt::format("{}: no such file", binary));
    const std::string disassembler = values["disassembler"].as<std::string>();
    if (disassembler != "cuobjdump" && disassembler != "nvdisasm")
        throw UsageError(fmt::format("--disassembler must be cuobjdump or nvdisasm, not '{}'", disassembler));
    isa::sass::KernelCode code =
        disassembler == "nvdisasm"
            ? isa::sass::disassemble_kernel_nvdisasm(find_cuda_tool("cuobjdump"), find_cuda_tool("nvdisasm"),
                                                     values["binary"].as<std::string>(), values["kernel"].as<std::string>(),
                                                     values["arch"].as<std::string>())
            : isa::sass::disassemble_kernel(find_cuda_tool("cuobjdump"), values["binary"].as<std::string>(),
                                            values["kernel"].as<std::string>(), values["arch"].as<std::string>());
    const isa::sass::Program program(std::move(code), std::move(launch));
    if (kernel_name) *kernel_name = program.code().name;
    if (arch) *arch = program.code().arch;
    Progress bar(err, "trace");
    trace_options.progress = [&bar](std::uint64_t done, std::uint64_t total) {
        bar.update(static_cast<double>(done), static_cast<double>(total), fmt::format("CTAs {}/{}", done, total));
    };
    return trace::write_sass_trace(program, dir, trace_options);
}

int gen_kernel(const std::vector<std::string>& args, Streams& io) {
    po::options_description options("options");
    add_kernel_trace_options(options, true);
    options.add_options()
        ("out", po::value<std::string>()->required(), "output folder")
        ("compress", po::value<std::string>()->default_value("none"), "none, zst or gz");
    po::variables_map values;
    if (!parse_options(args, kUsage, options, values, io)) return kExitOk;
    const std::string compress = values["compress"].as<std::string>();
    if (compress != "none" && compress != "zst" && compress != "gz")
        throw UsageError(fmt::format("--compress must be none, zst or gz, not '{}'", compress));
    std::string name, arch;
    const trace::SassTraceResult result =
        trace_kernel(values, values["out"].as<std::string>(),
                     compress == "none" ? "kernel-1.traceg" : "kernel-1.traceg." + compress, &name, &arch, io.err);
    const double rate = result.emulate_seconds > 0 ? static_cast<double>(result.instructions) / result.emulate_seconds : 0;
    const nlohmann::ordered_json summary = {{"kernel_file", result.kernel_file},
                                            {"kernel", name},
                                            {"arch", arch},
                                            {"thread_blocks", result.ctas},
                                            {"instructions", result.instructions},
                                            {"seconds", result.emulate_seconds},
                                            {"instructions_per_second", rate},
                                            {"cpu_seconds", result.cpu_seconds},
                                            {"instructions_per_cpu_second",
                                             result.cpu_seconds > 0 ? static_cast<double>(result.instructions) / result.cpu_seconds : 0.0}};
    io.out << summary.dump() << '\n';
    return kExitOk;
}

}  // namespace stcsim::cli
