#include "tools/compare_twin_chase.h"

#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/errors.h"
#include "tools/chase_table.h"

namespace stcsim::cli {
namespace {

// The twin's table (validation/twins/luo_l1_lat.cuh): kPointers 8-byte pointers at `base`, each the
// address of the next, the last that of the first.
constexpr std::uint64_t kPointers = 4096, kPointerBytes = 8;

}  // namespace

std::optional<double> twin_chase_cycles_per_load(const BenchmarkTwin& twin, const sim::GpuSpec& spec, std::uint64_t footprint,
                                                 std::uint64_t stride, std::uint64_t loads, std::string& note) {
    const std::string kernel = fmt::format("{}_l1_lat_n{}", twin.name(), loads), empty = fmt::format("{}_l1_lat_n0", twin.name());
    try {
        if (twin.kernels().kernel_containing_all({kernel}, kernel) != kernel) return std::nullopt;
    } catch (const UserError&) {
        return std::nullopt;  // the twin has no latency kernel of this length
    }
    if (footprint != kPointers * kPointerBytes || stride != kPointerBytes) return std::nullopt;
    constexpr std::uint64_t kTable = 0x10000000;
    auto run = [&](const std::string& name) {
        std::vector<std::uint8_t> params;
        put_param(params, 0, 0x20000000, 8);  // the two clocks and the sink: any distinct addresses
        put_param(params, 8, 0x20000100, 8);
        put_param(params, 16, kTable, 8);
        put_param(params, 24, 0x20000200, 8);
        const auto table = std::make_shared<ChaseTable>(kTable, kPointers, kPointerBytes, 1, ChaseTable::Holds::address);
        return static_cast<double>(twin.kernels().cycles(spec, name, 1, params, 1, table));
    };
    note = fmt::format("the benchmark twin's kernel {} less {}, over {} loads", kernel, empty, loads);
    return (run(kernel) - run(empty)) / static_cast<double>(loads);
}

}  // namespace stcsim::cli
