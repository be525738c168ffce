#include "tools/compare_memory_bench.h"

#include <algorithm>
#include <memory>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/gpu/memory_bench.h"
#include "tools/chase_table.h"

namespace stcsim::cli {
namespace {

constexpr int kShortSteps = 64;

}  // namespace

MemoryBenchKernels::MemoryBenchKernels(const std::filesystem::path& memory_bench, const std::string& arch)
    : arch_(arch), kernels_(memory_bench, arch) {
    if (kernels_.empty())
        throw UserError(fmt::format("{}: no {} SASS in validation/memory_bench (its build's architectures)", memory_bench.string(), arch));
}

std::string MemoryBenchKernels::note() const {
    return fmt::format("validation/memory_bench's own kernel ({} SASS): loops of {} and {} steps", arch_, kShortSteps, 2 * kShortSteps);
}

// ldmatrix_kernel<X, TRANS, CHAINS>(int steps, long long* cycles, uint32_t* sink)
double MemoryBenchKernels::ldmatrix_step_cycles(const sim::GpuSpec& spec, int x, bool trans, int chains, int warps) const {
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

double MemoryBenchKernels::ldmatrix_latency(const sim::GpuSpec& spec, int x, bool trans) const {
    return ldmatrix_step_cycles(spec, x, trans, 1, 1);
}

double MemoryBenchKernels::ldmatrix_cycles_per_instr(const sim::GpuSpec& spec, int x, bool trans, int warps) const {
    constexpr int kChains = 4;
    return ldmatrix_step_cycles(spec, x, trans, kChains, warps) / (kChains * warps);
}

// bank_kernel(int stride_words, int steps, long long* cycles, uint32_t* sink), one warp.
double MemoryBenchKernels::bank_cycles_per_access(const sim::GpuSpec& spec, int stride_words) const {
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

// chase(const uint32_t* next, int warm_steps, int steps, long long* cycles, uint32_t* sink), one thread.
double MemoryBenchKernels::chase_instruction_cycles(const sim::GpuSpec& spec, std::uint64_t stride_bytes) const {
    const std::string kernel = kernels_.kernel_containing("chaseEPKjiiPxPj", "the pointer chase");
    constexpr std::uint64_t kFootprint = 4096, kBase = 0x10000000;
    const std::uint64_t stride = std::clamp<std::uint64_t>(stride_bytes, 4, kFootprint) / 4 * 4;
    const std::uint64_t links = kFootprint / stride;
    // validation/memory/latency.cu's chain as the host wrote it: word i holds i + stride / 4 (mod words).
    const auto chain = std::make_shared<ChaseTable>(kBase, kFootprint / 4, 4, stride / 4, ChaseTable::Holds::index);
    auto run = [&](int steps) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, kBase, 8);
        put_param(params, 8, links, 4);  // the warm-up pass over the chain, as the GPU ran it
        put_param(params, 12, static_cast<std::uint32_t>(steps), 4);
        put_param(params, 16, 0x20000000, 8);  // the clocks and the sink: any distinct addresses
        put_param(params, 24, 0x30000000, 8);
        return static_cast<double>(kernels_.cycles(spec, kernel, 1, params, 1, chain));
    };
    const double step = (run(2 * kShortSteps) - run(kShortSteps)) / kShortSteps;
    sim::LatencyBenchParams memory;
    memory.footprint_bytes = kFootprint;
    memory.stride_bytes = stride;
    return step - sim::run_latency_bench(spec, memory).latency_cycles;
}

// store_kernel<PATTERN>(int steps, uint8_t* out, long long* cycles)
double MemoryBenchKernels::store_bytes_per_clk_per_sm(const sim::GpuSpec& spec, validation::StorePattern pattern, int ctas,
                                                      int warps) const {
    const int id = static_cast<int>(pattern);  // store_kernel's template argument
    const std::string kernel = kernels_.kernel_containing(fmt::format("store_kernelILi{}E", id),
                                                          fmt::format("the global stores of pattern {}", id));
    auto run = [&](int steps) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, static_cast<std::uint32_t>(steps), 4);
        put_param(params, 8, 0x100000000, 8);  // the stores' windows (8 KB per warp) and the clocks: distinct
        put_param(params, 16, 0x20000000, 8);
        return static_cast<double>(kernels_.cycles(spec, kernel, static_cast<std::uint32_t>(32 * warps), params,
                                                   static_cast<std::uint32_t>(ctas)));
    };
    constexpr double kBytesPerStore = 256;  // STG.E.64 of 32 lanes
    return kBytesPerStore * warps * kShortSteps / (run(2 * kShortSteps) - run(kShortSteps));
}

std::filesystem::path default_memory_bench() {
#ifdef STCSIM_MEMORY_BENCH
    if (std::filesystem::exists(STCSIM_MEMORY_BENCH)) return STCSIM_MEMORY_BENCH;
#endif
    return {};
}

}  // namespace stcsim::cli
