#include "sim/memory/cache.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

// 2 sets x 2 ways of 128-byte lines with four 32-byte sectors.
SectoredCache small(const std::string& policy) { return SectoredCache({512, 128, 32, 2, policy, 0}); }

bool hit(SectoredCache& c, std::uint64_t line, std::uint32_t sectors = 1) { return c.access(line, sectors, true).miss_sectors == 0; }

TEST(Cache, LruEvictsTheLeastRecentlyUsed) {
    SectoredCache c = small("lru");
    EXPECT_FALSE(hit(c, 0));  // set 0
    EXPECT_FALSE(hit(c, 2));  // set 0
    EXPECT_TRUE(hit(c, 0));   // 0 is now most recent
    EXPECT_FALSE(hit(c, 4));  // evicts 2
    EXPECT_TRUE(hit(c, 0));
    EXPECT_FALSE(hit(c, 2));  // evicts 4
    EXPECT_FALSE(hit(c, 4));  // evicts 0
    EXPECT_FALSE(hit(c, 0));
    EXPECT_FALSE(hit(c, 1));  // set 1 is independent
    EXPECT_TRUE(hit(c, 1));
}

TEST(Cache, FifoIgnoresHits) {
    SectoredCache c = small("fifo");
    hit(c, 0);
    hit(c, 2);
    EXPECT_TRUE(hit(c, 0));
    EXPECT_FALSE(hit(c, 4));  // evicts 0, the oldest fill, although it was just used
    EXPECT_FALSE(hit(c, 0));
    EXPECT_TRUE(hit(c, 4));
}

TEST(Cache, SectorsMissSeparately) {
    SectoredCache c = small("lru");
    CacheResult r = c.access(0, 0b0011, true);
    EXPECT_EQ(r.miss_sectors, 0b0011u);
    r = c.access(0, 0b0110, true);
    EXPECT_EQ(r.hit_sectors, 0b0010u);
    EXPECT_EQ(r.miss_sectors, 0b0100u);
    EXPECT_TRUE(c.contains(0, 0b0111));
}

TEST(Cache, CyclicFootprintBeyondCapacityAlwaysMisses) {
    SectoredCache c = small("lru");
    for (int pass = 0; pass < 3; ++pass)
        for (std::uint64_t line = 0; line < 6; ++line) EXPECT_FALSE(hit(c, line)) << pass << " " << line;
}

TEST(Cache, NoAllocateLeavesTheCacheUnchanged) {
    SectoredCache c = small("lru");
    EXPECT_EQ(c.access(0, 1, false).miss_sectors, 1u);
    EXPECT_FALSE(c.contains(0, 1));
    EXPECT_FALSE(c.update_if_present(0, 1));
    hit(c, 0);
    EXPECT_TRUE(c.update_if_present(0, 0b1000));
    EXPECT_TRUE(c.contains(0, 0b1001));
}

TEST(Cache, InvalidateEmptiesTheWayForTheNextFill) {
    SectoredCache c = small("lru");
    hit(c, 0);
    hit(c, 2);  // set 0 full: 0 is the least recent
    EXPECT_TRUE(c.invalidate(2));
    EXPECT_FALSE(c.invalidate(2));
    EXPECT_FALSE(c.contains(2, 1));
    EXPECT_FALSE(c.access(4, 1, true).evicted) << "the emptied way takes the fill";
    EXPECT_TRUE(hit(c, 0));
}

TEST(Cache, UnknownPolicyIsAUserError) { EXPECT_THROW(small("random"), UserError); }

}  // namespace
}  // namespace stcsim::sim
