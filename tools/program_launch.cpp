#include "tools/program_launch.h"

#include <fstream>
#include <iterator>
#include <limits>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/json_text.h"
#include "common/printable.h"
#include "isa/sass/disassembler.h"
#include "tools/cuda_tools.h"

namespace stcsim::cli {
namespace {

// A field of the launch object; UserError naming the program otherwise.
const nlohmann::json& field(const nlohmann::json& object, const char* key, const std::string& program) {
    if (!object.contains(key)) throw UserError(fmt::format("{}: the launch it printed has no '{}'", program, key));
    return object[key];
}

bool is_u32(const nlohmann::json& v) {
    return v.is_number_unsigned() && v.get<std::uint64_t>() <= std::numeric_limits<std::uint32_t>::max();
}

isa::sass::Dim dim_field(const nlohmann::json& object, const char* key, const std::string& program) {
    const nlohmann::json& v = field(object, key, program);
    if (!v.is_array() || v.size() != 3 || !is_u32(v[0]) || !is_u32(v[1]) || !is_u32(v[2]))
        throw UserError(fmt::format("{}: the launch's '{}' must be three integers in [0, 2^32)", program, key));
    return {v[0].get<std::uint32_t>(), v[1].get<std::uint32_t>(), v[2].get<std::uint32_t>()};
}

// Kernel parameters are at most 32764 bytes (CUDA 12.1 and later), so their offset is below that.
constexpr std::uint64_t kMaxParamOffset = 32764;

// The optional buffers object: each of A, B, E, D present must be [address, bytes].
void check_buffers(const nlohmann::json& description, const std::string& program) {
    if (!description.contains("buffers")) return;
    const nlohmann::json& buffers = description["buffers"];
    if (!buffers.is_object())
        throw UserError(fmt::format("{}: the launch's 'buffers' must be an object of [address, bytes] pairs", program));
    for (const auto& [name, b] : buffers.items()) {
        if (!b.is_array() || b.size() != 2 || !b[0].is_number_unsigned() || !b[1].is_number_unsigned())
            throw UserError(fmt::format("{}: the launch's buffer '{}' must be [address, bytes], two non-negative integers",
                                        program, printable(name)));
    }
}

// The opcode of the kernel's tensor-core instructions, as its SASS writes it.
std::string mma_opcode(const isa::sass::Program& program) {
    for (const isa::sass::Instruction& inst : program.code().instructions)
        if (inst.base == "HMMA" || inst.base == "HGMMA") return inst.opcode;
    return "";
}

}  // namespace

ProgramLaunch read_program_launch(const std::string& program, std::vector<std::string> args, const std::string& params_flag,
                                  const std::string& params_path) {
    args.insert(args.end(), {params_flag, params_path});
    const std::string text = isa::sass::run_tool(program, args);
    ProgramLaunch out;
    out.program = program;
    out.description = parse_json_text<nlohmann::json>(text, program + " (the launch it printed)");
    if (!out.description.is_object()) throw UserError(fmt::format("{}: expected the launch as one JSON object", program));
    const nlohmann::json& kernel = field(out.description, "kernel", program);
    if (!kernel.is_string()) throw UserError(fmt::format("{}: the launch's 'kernel' must be a string", program));
    out.kernel = kernel.get<std::string>();
    out.launch.grid = dim_field(out.description, "grid", program);
    out.launch.block = dim_field(out.description, "block", program);
    const nlohmann::json& smem = field(out.description, "smem", program);
    if (!smem.is_number_unsigned()) throw UserError(fmt::format("{}: the launch's 'smem' must be a byte count", program));
    out.launch.dynamic_shared = smem.get<std::uint32_t>();
    // A parameter struct the compiler aligns sits at param_offset in the parameter buffer; the
    // bytes before it are padding.
    std::uint64_t param_offset = 0;
    if (out.description.contains("param_offset")) {
        const nlohmann::json& v = out.description["param_offset"];
        if (!v.is_number_unsigned() || v.get<std::uint64_t>() > kMaxParamOffset)
            throw UserError(fmt::format("{}: the launch's 'param_offset' must be a byte offset in [0, {}]", program, kMaxParamOffset));
        param_offset = v.get<std::uint64_t>();
    }
    check_buffers(out.description, program);
    out.launch.params.assign(param_offset, 0);
    std::ifstream in(params_path, std::ios::binary);
    if (!in) throw UserError(fmt::format("{}: cannot read the parameter bytes {} wrote", params_path, program));
    out.launch.params.insert(out.launch.params.end(), std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
    return out;
}

ProgramLaunch gemm_bench_launch(const std::string& gemm_bench, const trace::GemmTraceSpec& spec, const std::string& params_path) {
    const trace::GemmTraceSpec s = trace::with_defaults(spec);
    auto shape = [](const isa::Shape& t) { return fmt::format("{}x{}x{}", t.m, t.n, t.k); };
    std::vector<std::string> args = {"--m", std::to_string(s.m), "--n", std::to_string(s.n), "--k", std::to_string(s.k),
                                     "--dtype", s.dtype, "--acc", s.acc, "--tile", shape(s.tile), "--warp-tile",
                                     shape(s.warp_tile), "--stages", std::to_string(s.stages)};
    if (s.sparse) args.push_back("--sparse");
    return read_program_launch(gemm_bench, args, "--launch-out", params_path);
}

ProgramLaunch cutlass_gemm_launch(const std::string& cutlass_gemm, const std::string& kernel, std::int64_t m, std::int64_t n,
                                  std::int64_t k, const std::string& params_path) {
    return read_program_launch(cutlass_gemm,
                               {"launch", "--kernel", kernel, "--m", std::to_string(m), "--n", std::to_string(n), "--k",
                                std::to_string(k)},
                               "--params-out", params_path);
}

std::filesystem::path default_cutlass_gemm() {
#ifdef STCSIM_CUTLASS_GEMM
    if (std::filesystem::exists(STCSIM_CUTLASS_GEMM)) return STCSIM_CUTLASS_GEMM;
#endif
    return {};
}

std::filesystem::path default_gemm_bench() {
#ifdef STCSIM_GEMM_BENCH
    if (std::filesystem::exists(STCSIM_GEMM_BENCH)) return STCSIM_GEMM_BENCH;
#endif
    return {};
}

TracedLaunch trace_program_launch(const ProgramLaunch& launch, const std::string& arch, const std::string& dir,
                                  trace::SassTraceOptions options) {
    isa::sass::KernelCode code = isa::sass::disassemble_kernel(find_cuda_tool("cuobjdump"), launch.program, launch.kernel, arch);
    const isa::sass::Program program(std::move(code), launch.launch);
    if (launch.description.contains("buffers")) {
        for (const char* buffer : {"A", "B", "E"}) {
            // read_program_launch checked the buffers' form.
            const nlohmann::json b = launch.description["buffers"].value(buffer, nlohmann::json::array({0, 0}));
            const auto address = b[0].get<std::uint64_t>();
            const auto bytes = b[1].get<std::uint64_t>();
            if (bytes == 0) continue;
            options.memcpys.push_back({trace::TraceCommand::Kind::memcpy_htod,
                                       fmt::format("MemcpyHtoD,0x{:016x},{}", address, bytes), "", address, bytes});
        }
    }
    return {trace::write_sass_trace(program, dir, options), mma_opcode(program)};
}

}  // namespace stcsim::cli
