// wgmma.commit_group / wait_group bookkeeping (sim/sm/wgmma_groups.h).
#include "sim/sm/wgmma_groups.h"

#include <gtest/gtest.h>

namespace stcsim::sim {
namespace {

TEST(WgmmaGroups, WaitCountsCommittedGroupsWithWorkInFlight) {
    WgmmaGroups g;
    EXPECT_TRUE(g.satisfied(0));
    const auto a = g.issue();
    const auto a2 = g.issue();
    EXPECT_EQ(a, a2);             // one open group
    EXPECT_TRUE(g.satisfied(0));  // not committed: wait_group does not wait for it
    EXPECT_FALSE(g.satisfied(0, true));  // a traced WARPGROUP.DEPBAR commits it first
    g.commit();
    const auto b = g.issue();
    EXPECT_NE(a, b);
    g.commit();
    EXPECT_FALSE(g.satisfied(1));
    EXPECT_TRUE(g.satisfied(2));
    g.retire(b);  // the younger group completes first
    EXPECT_TRUE(g.satisfied(1));
    EXPECT_FALSE(g.satisfied(0));
    g.retire(a);
    EXPECT_FALSE(g.satisfied(0));  // one of group a's two instructions is still in flight
    g.retire(a);
    EXPECT_TRUE(g.satisfied(0));
    EXPECT_EQ(g.pending_groups(), 0);
}

TEST(WgmmaGroups, EmptyCommitIsCompleteAtOnce) {
    WgmmaGroups g;
    g.commit();
    EXPECT_TRUE(g.satisfied(0));
    const auto a = g.issue();
    g.retire(a);               // done before its commit
    EXPECT_TRUE(g.satisfied(0, true));
    g.commit();
    EXPECT_TRUE(g.satisfied(0));
}

}  // namespace
}  // namespace stcsim::sim
