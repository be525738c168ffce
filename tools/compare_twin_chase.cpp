#include "tools/compare_twin_chase.h"

#include <cstring>
#include <memory>
#include <vector>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/sass/global_memory.h"

namespace stcsim::cli {
namespace {

// The twin's table (validation/twins/luo_l1_lat.cuh): kPointers 8-byte pointers at `base`, each the
// address of the next, the last that of the first.
constexpr std::uint64_t kPointers = 4096, kPointerBytes = 8;

class PointerTable final : public isa::sass::GlobalMemory {
public:
    explicit PointerTable(std::uint64_t base) : base_(base) {}
    bool read(std::uint64_t address, std::size_t bytes, std::uint8_t* out) const override {
        if (bytes != kPointerBytes || address < base_ || address >= base_ + kPointers * kPointerBytes ||
            (address - base_) % kPointerBytes != 0)
            return false;
        const std::uint64_t next = base_ + ((address - base_) / kPointerBytes + 1) % kPointers * kPointerBytes;
        std::memcpy(out, &next, kPointerBytes);
        return true;
    }
    bool covers(std::uint64_t address, std::size_t bytes) const override {
        return address < base_ + kPointers * kPointerBytes && address + bytes > base_;
    }

private:
    std::uint64_t base_;
};

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
        return static_cast<double>(twin.kernels().cycles(spec, name, 1, params, 1, std::make_shared<PointerTable>(kTable)));
    };
    note = fmt::format("the benchmark twin's kernel {} less {}, over {} loads", kernel, empty, loads);
    return (run(kernel) - run(empty)) / static_cast<double>(loads);
}

}  // namespace stcsim::cli
