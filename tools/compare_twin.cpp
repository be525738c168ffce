#include "tools/compare_twin.h"

#include <cctype>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/scratch_dir.h"
#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/program.h"
#include "isa/wgmma_catalog.h"
#include "sim/gpu/replay.h"
#include "sim/trace/sass_trace.h"
#include "tools/cuda_tools.h"

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kLengthStep = 2048;

// "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32" -> "mma_sync_aligned_m16n8k8_row_col_f32_f16_f16_f32"
std::string identifier(const std::string& ptx) {
    std::string out = ptx;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return out;
}

// The twin kernels take (const u32* in, u32* out, u64* clocks); the emulator never reads the data
// (loaded values are opaque), so any three distinct addresses do.
std::vector<std::uint8_t> pointer_params() {
    std::vector<std::uint8_t> bytes(24);
    const std::uint64_t pointers[3] = {0x10000000, 0x20000000, 0x30000000};
    for (int i = 0; i < 3; ++i)
        for (int b = 0; b < 8; ++b) bytes[static_cast<std::size_t>(8 * i + b)] = static_cast<std::uint8_t>(pointers[i] >> (8 * b));
    return bytes;
}

}  // namespace

fs::path default_twin_dir() {
#ifdef STCSIM_TWIN_DIR
    return STCSIM_TWIN_DIR;
#else
    return {};
#endif
}

BenchmarkTwin::BenchmarkTwin(std::string name, const fs::path& dir) : name_(std::move(name)) {
    if (name_.empty() || name_.find_first_not_of("abcdefghijklmnopqrstuvwxyz0123456789_") != std::string::npos)
        throw UserError(fmt::format("header.json: key 'twin' must name a kernel file of validation/twins (lower case, "
                                    "digits, '_'), got '{}'", name_));
    if (dir.empty())
        throw UserError(fmt::format("header.json names the benchmark twin '{}', and this build compiled no twins "
                                    "(the validation build needs nvcc; see validation/twins)", name_));
    binary_ = dir / (name_ + "_sm90.cubin");
    if (!fs::exists(binary_))
        throw UserError(fmt::format("{}: no such file: the benchmark twin '{}' is not built", binary_.string(), name_));
    const std::string cuobjdump = find_cuda_tool("cuobjdump");
    listing_ = isa::sass::run_tool(cuobjdump, {"-sass", binary_.string()});
    resource_usage_ = isa::sass::run_tool(cuobjdump, {"-res-usage", binary_.string()});
}

bool BenchmarkTwin::covers(const sim::MmaBenchParams& p, const std::string& arch) const {
    const auto a = isa::parse_arch(arch);
    if (!a || isa::is_wgmma_name(p.instr)) return false;
    return !isa::parse_mma(p.instr, *a).emulated;
}

std::uint64_t BenchmarkTwin::kernel_cycles(const sim::GpuSpec& spec, const std::string& kernel, int warps) const {
    isa::sass::KernelCode code = isa::sass::kernel_from_listing(listing_, resource_usage_, kernel, "", binary_.string());
    const isa::sass::Program program(std::move(code),
                                     isa::sass::Launch{{1, 1, 1}, {static_cast<std::uint32_t>(32 * warps), 1, 1}, 0, pointer_params()});
    const ScratchDir scratch("stcsim-twin");  // a folder of its own for each replay
    trace::write_sass_trace(program, scratch.path().string(), {});
    return sim::run_replay(spec, (scratch.path() / "kernelslist.g").string()).cycles;
}

double BenchmarkTwin::mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note) const {
    std::int64_t first = p.iters % kLengthStep;
    if (first == 0) first = kLengthStep;
    const std::int64_t second = first + kLengthStep;
    const std::string stem = fmt::format("{}_{}_ilp{}_n", name_, identifier(p.instr), p.ilp);
    const double short_run = static_cast<double>(kernel_cycles(spec, stem + std::to_string(first), p.warps));
    const double long_run = static_cast<double>(kernel_cycles(spec, stem + std::to_string(second), p.warps));
    note = fmt::format("twin {}: loops of {} and {} iterations", name_, first, second);
    return (long_run - short_run) / static_cast<double>(kLengthStep) * static_cast<double>(p.iters);
}

}  // namespace stcsim::cli
