#include "tools/compare_pipe_bench.h"

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::cli {
namespace {

constexpr int kShortIterations = 16;

}  // namespace

PipeKernels::PipeKernels(const std::filesystem::path& pipe_bench, const std::string& arch) : arch_(arch), kernels_(pipe_bench, arch) {
    if (kernels_.empty())
        throw UserError(fmt::format("{}: no {} SASS in validation/pipe_bench (its build's architectures)", pipe_bench.string(), arch));
}

std::string PipeKernels::note() const {
    return fmt::format("validation/pipe_bench's own kernel ({} SASS): loops of {} and {} iterations", arch_, kShortIterations,
                       2 * kShortIterations);
}

// pipe_kernel<FIRST, SECOND, CHAINS>(int iterations, Operands ops, long long* cycles, uint32_t* sink),
// Operands being 4 + 4 uint32 operands (offsets 4 to 35; their values do not change the timing).
double PipeKernels::cycles_per_step(const sim::GpuSpec& spec, const validation::PipeStream& stream, int chains, int warps) const {
    const std::string kernel =
        kernels_.kernel_containing(fmt::format("pipe_kernelILi{}ELi{}ELi{}E", static_cast<int>(stream.first),
                                               static_cast<int>(stream.second), chains),
                                   fmt::format("the {} stream with {} chains", stream.name, chains));
    auto run = [&](int iterations) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, static_cast<std::uint32_t>(iterations), 4);
        for (int i = 0; i < 2 * validation::kPipeUnroll; ++i) put_param(params, 4 + 4 * static_cast<std::size_t>(i), 0x3f800001u + i, 4);
        put_param(params, 40, 0x10000000, 8);  // the clocks and the sink: any distinct addresses
        put_param(params, 48, 0x20000000, 8);
        return static_cast<double>(kernels_.cycles(spec, kernel, static_cast<std::uint32_t>(32 * warps), params));
    };
    return (run(2 * kShortIterations) - run(kShortIterations)) / (kShortIterations * validation::kPipeUnroll);
}

std::filesystem::path default_pipe_bench() {
#ifdef STCSIM_PIPE_BENCH
    if (std::filesystem::exists(STCSIM_PIPE_BENCH)) return STCSIM_PIPE_BENCH;
#endif
    return {};
}

}  // namespace stcsim::cli
