#include "sim/memory/coalescer.h"

#include <bit>

namespace stcsim::sim {
namespace {

// Sector and line arithmetic by division, for any geometry.
struct DividingGeometry {
    std::uint64_t line_bytes, sector_bytes;
    std::uint64_t sector_of(std::uint64_t address) const { return address / sector_bytes; }
    std::uint64_t line_of(std::uint64_t sector) const { return sector * sector_bytes / line_bytes; }
    std::uint32_t bit_of(std::uint64_t sector) const { return std::uint32_t{1} << (sector * sector_bytes % line_bytes / sector_bytes); }
};

// The same by shifts and masks, for power-of-two sectors no larger than power-of-two lines (every
// real cache): a coalesced access costs no divisions.
struct ShiftingGeometry {
    int sector_shift, sectors_per_line_shift;
    std::uint64_t sector_of(std::uint64_t address) const { return address >> sector_shift; }
    std::uint64_t line_of(std::uint64_t sector) const { return sector >> sectors_per_line_shift; }
    std::uint32_t bit_of(std::uint64_t sector) const {
        return std::uint32_t{1} << (sector & ((std::uint64_t{1} << sectors_per_line_shift) - 1));
    }
};

template <class Geometry>
void coalesce_with(const LaneAddresses& lanes, int width_bytes, const Geometry& g, std::vector<LineRequest>& out) {
    out.clear();
    for (int l = 0; l < 32; ++l) {
        if (!(lanes.active >> l & 1u)) continue;
        const std::uint64_t first = lanes.addr[static_cast<std::size_t>(l)];
        const std::uint64_t last = first + static_cast<std::uint64_t>(width_bytes) - 1;
        for (std::uint64_t s = g.sector_of(first); s <= g.sector_of(last); ++s) {
            const std::uint64_t line = g.line_of(s);
            const std::uint32_t bit = g.bit_of(s);
            bool found = false;
            for (LineRequest& r : out)
                if (r.line == line) {
                    r.sectors |= bit;
                    found = true;
                    break;
                }
            if (!found) out.push_back({line, bit});
        }
    }
}

}  // namespace

void coalesce(const LaneAddresses& lanes, int width_bytes, int line_bytes, int sector_bytes, std::vector<LineRequest>& out) {
    const auto lb = static_cast<std::uint64_t>(line_bytes);
    const auto sb = static_cast<std::uint64_t>(sector_bytes);
    if (std::has_single_bit(lb) && std::has_single_bit(sb) && sb <= lb) {
        const int sector_shift = std::countr_zero(sb);
        coalesce_with(lanes, width_bytes, ShiftingGeometry{sector_shift, std::countr_zero(lb) - sector_shift}, out);
    } else {
        coalesce_with(lanes, width_bytes, DividingGeometry{lb, sb}, out);
    }
}

std::vector<LineRequest> coalesce(const LaneAddresses& lanes, int width_bytes, int line_bytes, int sector_bytes) {
    std::vector<LineRequest> out;
    coalesce(lanes, width_bytes, line_bytes, sector_bytes, out);
    return out;
}

}  // namespace stcsim::sim
