// Coalescer: the addresses of one warp access -> the sectors it touches, grouped by line, in the
// order of the first lane that touches each line (as the LSU sends them).
#pragma once

#include <cstdint>
#include <vector>

#include "sim/memory/shared_memory.h"

namespace stcsim::sim {

struct LineRequest {
    std::uint64_t line = 0;     // byte address / line_bytes
    std::uint32_t sectors = 0;  // mask of the sectors touched
};

std::vector<LineRequest> coalesce(const LaneAddresses& lanes, int width_bytes, int line_bytes, int sector_bytes);
// The same into `out` (cleared first), so that a caller that coalesces every cycle reuses one buffer.
void coalesce(const LaneAddresses& lanes, int width_bytes, int line_bytes, int sector_bytes, std::vector<LineRequest>& out);

}  // namespace stcsim::sim
