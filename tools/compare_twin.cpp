#include "tools/compare_twin.h"

#include <cctype>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;

constexpr std::int64_t kLengthStep = 2048;
// A published twin's emulated forms (int4 on sm_90): a subroutine call of 50 to 200 instructions
// per mma, in a loop whose unroll by 16 the twin pins (validation/twins/luo_mma_int4.cuh), so
// lengths of 48 and 112 iterations (3 and 7 rounds of the unrolled loop) replay the same loop.
constexpr std::int64_t kFirstLengthEmulated = 48;
constexpr std::int64_t kLengthStepEmulated = 64;
// validation/mma_bench: iterations of the shorter of the two replays (the loop is unrolled by 4).
// An emulated form's mma is a subroutine call of 50 to 200 instructions, so a few iterations
// already reach the steady state.
constexpr std::int64_t kOwnShortIters = 64;
constexpr std::int64_t kOwnShortItersEmulated = 8;

// "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32" -> "mma_sync_aligned_m16n8k8_row_col_f32_f16_f16_f32"
std::string identifier(const std::string& ptx) {
    std::string out = ptx;
    for (char& c : out)
        if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    return out;
}

// Three pointers: the parameters (const u32* in, u32* out, u64* clocks) of the twin kernels and
// the first three of validation/mma_bench's. The emulator never reads the data (loaded values are
// opaque), so any distinct addresses do.
std::vector<std::uint8_t> pointer_params(int count = 3) {
    std::vector<std::uint8_t> bytes;
    for (int i = 1; i <= count; ++i)
        put_param(bytes, bytes.size(), std::uint64_t{0x10000000} * static_cast<std::uint64_t>(i), 8);
    return bytes;
}

// A published twin's parameters: five pointers and the int 4, for the int4 kernels of luo_mma,
// which take (A, B, C, clk_start, clk_end, operand) and run their int4 loop when operand is 4, as
// the benchmark does; the other kernels read the first three and ignore the rest.
std::vector<std::uint8_t> twin_params() {
    std::vector<std::uint8_t> bytes = pointer_params(5);
    put_param(bytes, bytes.size(), 4, 4);
    return bytes;
}

// Whether the config's architecture runs the form as a compiled sequence (int4 and fp8 on sm_90).
bool emulated_on(const sim::GpuSpec& spec, const std::string& instr) {
    const auto arch = isa::parse_arch(spec.gpu.arch);
    return arch && isa::parse_mma(instr, *arch).emulated;
}

}  // namespace

std::string own_benchmark_form_id(const std::string& ptx) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const std::size_t dot = ptx.find('.', start);
        parts.push_back(ptx.substr(start, dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    const bool ordered = ptx.rfind("mma.sp::ordered_metadata.", 0) == 0;
    const bool sparse = ordered || ptx.rfind("mma.sp.", 0) == 0;
    std::string shape;
    std::vector<std::string> types;
    bool satfinite = false;
    for (const std::string& p : parts) {
        if (p.size() > 1 && p[0] == 'm' && std::isdigit(static_cast<unsigned char>(p[1]))) shape = p;
        else if (p == "satfinite") satfinite = true;
        else if (!shape.empty() && p != "row" && p != "col") types.push_back(p);
    }
    std::string id = fmt::format("{}_{}", ordered ? "spo" : sparse ? "sp" : "dense", shape);
    for (const std::string& t : types) id += "_" + t;
    return satfinite ? id + "_sat" : id;
}

fs::path default_own_benchmark() {
    const fs::path twins = default_twin_dir();
    if (twins.empty()) return {};
    const fs::path binary = twins.parent_path() / "mma_bench";
    return fs::exists(binary) ? binary : fs::path();
}

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
    const fs::path binary = dir / (name_ + "_sm90.cubin");
    if (!fs::exists(binary))
        throw UserError(fmt::format("{}: no such file: the benchmark twin '{}' is not built", binary.string(), name_));
    kernels_ = CompiledKernels(binary, "");
}

BenchmarkTwin BenchmarkTwin::own_benchmark(const fs::path& mma_bench) {
    if (!fs::exists(mma_bench)) throw UserError(fmt::format("{}: no such file: validation/mma_bench is not built", mma_bench.string()));
    BenchmarkTwin twin;
    twin.own_ = true;
    twin.name_ = "mma_bench";
    twin.kernels_ = CompiledKernels(mma_bench, "sm_90");
    return twin;
}

bool BenchmarkTwin::covers(const sim::MmaBenchParams& p, const std::string& arch) const {
    const auto a = isa::parse_arch(arch);
    if (!a || isa::is_wgmma_name(p.instr)) return false;
    const isa::MmaForm form = isa::parse_mma(p.instr, *a);
    const bool float8 = form.a == isa::ElemType::e4m3 || form.a == isa::ElemType::e5m2;
    return !(form.emulated && float8);
}

std::uint64_t BenchmarkTwin::kernel_cycles(const sim::GpuSpec& spec, const std::string& kernel, int warps,
                                          std::vector<std::uint8_t> params) const {
    return kernels_.cycles(spec, kernel, static_cast<std::uint32_t>(32 * warps), std::move(params));
}

double BenchmarkTwin::own_mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note, bool own_ab) const {
    // The kernel's mangled name ends in Form_<id>ELi<ILP>EEEvPKjPjPxi; with A and B per chain it is
    // mma_bench_own_ab_kernel<ILP, Form_<id>>. Find it in the listing.
    const std::string id = own_benchmark_form_id(p.instr);
    const std::string kernel =
        own_ab ? kernels_.kernel_containing_all({fmt::format("own_ab_kernelILi{}E", p.ilp), fmt::format("Form_{}EEEv", id)},
                                                fmt::format("{} at ILP {} with A and B per chain", p.instr, p.ilp))
               : kernels_.kernel_containing(fmt::format("Form_{}ELi{}E", id, p.ilp), fmt::format("{} at ILP {}", p.instr, p.ilp));
    auto params = [](std::int64_t iters) {
        std::vector<std::uint8_t> bytes = pointer_params();
        put_param(bytes, bytes.size(), static_cast<std::uint32_t>(iters), 4);
        return bytes;
    };
    const bool emulated = emulated_on(spec, p.instr);
    const std::int64_t n = emulated ? kOwnShortItersEmulated : kOwnShortIters;
    const double short_run = static_cast<double>(kernel_cycles(spec, kernel, p.warps, params(n)));
    const double long_run = static_cast<double>(kernel_cycles(spec, kernel, p.warps, params(2 * n)));
    note = fmt::format("validation/mma_bench's own kernel{}: loops of {} and {} iterations", own_ab ? " (A and B per chain)" : "", n, 2 * n);
    return (long_run - short_run) / static_cast<double>(n) * static_cast<double>(p.iters);
}

double BenchmarkTwin::mma_cycles(const sim::GpuSpec& spec, const sim::MmaBenchParams& p, std::string& note, bool own_ab) const {
    if (own_) return own_mma_cycles(spec, p, note, own_ab);
    if (own_ab) throw UserError(fmt::format("twin {} has no kernels with A and B per chain", name_));
    const bool emulated = emulated_on(spec, p.instr);
    const std::int64_t step = emulated ? kLengthStepEmulated : kLengthStep;
    // The shorter length has the record's remainder modulo the step (modulo the unroll by 16 for
    // an emulated form, whose loop the twin pins).
    std::int64_t first = emulated ? kFirstLengthEmulated + p.iters % 16 : p.iters % step;
    if (first == 0) first = step;
    const std::int64_t second = first + step;
    const std::string stem = fmt::format("{}_{}_ilp{}_n", name_, identifier(p.instr), p.ilp);
    const double short_run = static_cast<double>(kernel_cycles(spec, stem + std::to_string(first), p.warps, twin_params()));
    const double long_run = static_cast<double>(kernel_cycles(spec, stem + std::to_string(second), p.warps, twin_params()));
    note = fmt::format("twin {}: loops of {} and {} iterations", name_, first, second);
    return (long_run - short_run) / static_cast<double>(step) * static_cast<double>(p.iters);
}

}  // namespace stcsim::cli
