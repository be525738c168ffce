#include "sim/gpu/compact_warp.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace stcsim::sim {
namespace {

struct Written {
    std::uint32_t index = 0;
    bool memory = false;
    LaneAddresses lanes;
};

// Writes random instructions (strided, irregular and partial-mask accesses) and reads them back.
void round_trip(std::size_t max_patterns) {
    AddressPatterns patterns(max_patterns);
    CompactWarp warp;
    std::vector<Written> written;
    std::mt19937_64 rng(3);
    for (int i = 0; i < 2000; ++i) {
        Written w;
        w.index = static_cast<std::uint32_t>(rng() % 300);
        w.memory = rng() % 2 == 0;
        std::uint64_t compact[32];
        int n = 0;
        if (w.memory) {
            w.lanes.active = rng() % 4 == 0 ? static_cast<std::uint32_t>(rng()) : 0xffffffffu;
            const std::uint64_t base = rng() % 3 == 0 ? rng() : 0x7f0000000000ull + 128 * static_cast<std::uint64_t>(i);
            const bool irregular = rng() % 5 == 0;
            for (int lane = 0; lane < 32; ++lane) {
                if (((w.lanes.active >> lane) & 1u) == 0) continue;
                w.lanes.addr[static_cast<std::size_t>(lane)] = irregular ? rng() : base + 16u * static_cast<unsigned>(lane);
                compact[n++] = w.lanes.addr[static_cast<std::size_t>(lane)];
            }
        }
        warp.append(w.index, w.memory, w.lanes.active, compact, n, patterns);
        written.push_back(w);
    }
    EXPECT_EQ(warp.count, written.size());
    CompactReader reader;
    reader.reset(warp, patterns);
    for (const Written& w : written) {
        ASSERT_FALSE(reader.at_end());
        ASSERT_EQ(reader.next_index(), w.index);
        if (!w.memory) continue;
        reader.read_addresses(w.index);
        LaneAddresses got;
        reader.addresses(got);
        ASSERT_EQ(got.active, w.lanes.active);
        ASSERT_EQ(got.addr, w.lanes.addr);
    }
    EXPECT_TRUE(reader.at_end());
}

TEST(CompactWarp, RoundTripsWithInternedPatterns) { round_trip(AddressPatterns::kMaxPatterns); }

TEST(CompactWarp, RoundTripsWhenThePatternTableIsFull) { round_trip(4); }

TEST(CompactWarp, StridedLoopCostsFewBytesPerInstruction) {
    AddressPatterns patterns;
    CompactWarp warp;
    std::uint64_t lanes[32];
    for (int i = 0; i < 1000; ++i) {
        for (int l = 0; l < 32; ++l) lanes[l] = 0x7f0000000000ull + 64u * static_cast<unsigned>(i) + 16u * static_cast<unsigned>(l);
        warp.append(5, true, 0xffffffffu, lanes, 32, patterns);
    }
    EXPECT_LE(warp.bytes.size(), 5u * 1000u);
}

}  // namespace
}  // namespace stcsim::sim
