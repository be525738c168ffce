#include "tools/compare_memory_bench.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::cli {
namespace {

constexpr int kShortSteps = 64;

}  // namespace

SharedMemoryKernels::SharedMemoryKernels(const std::filesystem::path& memory_bench, const std::string& arch)
    : arch_(arch), kernels_(memory_bench, arch) {
    if (kernels_.empty())
        throw UserError(fmt::format("{}: no {} SASS in validation/memory_bench (its build's architectures)", memory_bench.string(), arch));
}

std::string SharedMemoryKernels::note() const {
    return fmt::format("validation/memory_bench's own kernel ({} SASS): loops of {} and {} steps", arch_, kShortSteps, 2 * kShortSteps);
}

// ldmatrix_kernel<X, TRANS, CHAINS>(int steps, long long* cycles, uint32_t* sink)
double SharedMemoryKernels::ldmatrix_step_cycles(const sim::GpuSpec& spec, int x, bool trans, int chains, int warps) const {
    const std::string kernel = kernels_.kernel_containing(fmt::format("ldmatrix_kernelILi{}ELb{}ELi{}E", x, trans ? 1 : 0, chains),
                                                          fmt::format("ldmatrix x{}{} with {} chains", x, trans ? ".trans" : "", chains));
    auto run = [&](int steps) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, static_cast<std::uint32_t>(steps), 4);
        put_param(params, 8, 0x10000000, 8);  // the clocks and the sink: any distinct addresses
        put_param(params, 16, 0x20000000, 8);
        return static_cast<double>(kernels_.cycles(spec, kernel, static_cast<std::uint32_t>(32 * warps), params));
    };
    return (run(2 * kShortSteps) - run(kShortSteps)) / kShortSteps;
}

double SharedMemoryKernels::ldmatrix_latency(const sim::GpuSpec& spec, int x, bool trans) const {
    return ldmatrix_step_cycles(spec, x, trans, 1, 1);
}

double SharedMemoryKernels::ldmatrix_cycles_per_instr(const sim::GpuSpec& spec, int x, bool trans, int warps) const {
    constexpr int kChains = 4;
    return ldmatrix_step_cycles(spec, x, trans, kChains, warps) / (kChains * warps);
}

// bank_kernel(int stride_words, int steps, long long* cycles, uint32_t* sink), one warp.
double SharedMemoryKernels::bank_cycles_per_access(const sim::GpuSpec& spec, int stride_words) const {
    const std::string kernel = kernels_.kernel_containing("bank_kernelEiiPxPj", "the bank-conflict chain");
    auto run = [&](int steps) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, static_cast<std::uint32_t>(stride_words), 4);
        put_param(params, 4, static_cast<std::uint32_t>(steps), 4);
        put_param(params, 8, 0x10000000, 8);  // the clocks and the sink: any distinct addresses
        put_param(params, 16, 0x20000000, 8);
        return static_cast<double>(kernels_.cycles(spec, kernel, 32, params));
    };
    return (run(2 * kShortSteps) - run(kShortSteps)) / kShortSteps;
}

std::filesystem::path default_memory_bench() {
#ifdef STCSIM_MEMORY_BENCH
    if (std::filesystem::exists(STCSIM_MEMORY_BENCH)) return STCSIM_MEMORY_BENCH;
#endif
    return {};
}

}  // namespace stcsim::cli
