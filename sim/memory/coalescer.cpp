#include "sim/memory/coalescer.h"

namespace stcsim::sim {

std::vector<LineRequest> coalesce(const LaneAddresses& lanes, int width_bytes, int line_bytes, int sector_bytes) {
    std::vector<LineRequest> out;
    const auto lb = static_cast<std::uint64_t>(line_bytes);
    const auto sb = static_cast<std::uint64_t>(sector_bytes);
    for (int l = 0; l < 32; ++l) {
        if (!(lanes.active >> l & 1u)) continue;
        const std::uint64_t first = lanes.addr[static_cast<std::size_t>(l)];
        const std::uint64_t last = first + static_cast<std::uint64_t>(width_bytes) - 1;
        for (std::uint64_t s = first / sb; s <= last / sb; ++s) {
            const std::uint64_t line = s * sb / lb;
            const auto bit = std::uint32_t{1} << (s * sb % lb / sb);
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
    return out;
}

}  // namespace stcsim::sim
