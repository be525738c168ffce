#include "sim/sm/pc_profile.h"

#include <algorithm>
#include <numeric>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

std::uint32_t PcProfile::site(std::uint32_t kernel, std::uint64_t pc, const std::string& sass) {
    if (pc >> 40 != 0) throw UserError(fmt::format("PC 0x{:x}: a profile keeps PCs below 2^40", pc));
    const std::uint64_t key = std::uint64_t{kernel} << 40 | pc;
    const auto [it, added] = by_key_.try_emplace(key, static_cast<std::uint32_t>(sites_.size()));
    if (added) sites_.push_back({kernel, pc, sass});
    return it->second;
}

std::string PcProfile::csv() const {
    std::vector<std::size_t> order(sites_.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
        return std::tie(sites_[a].kernel, sites_[a].pc) < std::tie(sites_[b].kernel, sites_[b].pc);
    });
    std::uint64_t total = 0;
    for (const Site& s : sites_) total += s.warp_cycles;
    std::string out = "kernel,pc,sass,executions,warp_cycles,stall_count_cycles,other_cycles,cycles_per_execution,share\n";
    for (std::size_t i : order) {
        const Site& s = sites_[i];
        const double per = s.executions > 0 ? static_cast<double>(s.warp_cycles) / static_cast<double>(s.executions) : 0.0;
        const double share = total > 0 ? static_cast<double>(s.warp_cycles) / static_cast<double>(total) : 0.0;
        out += fmt::format("{},0x{:x},{},{},{},{},{},{:.3f},{:.6f}\n", s.kernel, s.pc, s.sass, s.executions, s.warp_cycles,
                           s.stall_count_cycles, s.warp_cycles - s.stall_count_cycles, per, share);
    }
    return out;
}

}  // namespace stcsim::sim
