#include "sim/memory/cp_async.h"

#include <gtest/gtest.h>

namespace stcsim::sim {
namespace {

TEST(CpAsync, WaitGroupOneReleasesAllButTheNewestGroup) {
    CpAsyncGroups g;
    g.issue(1);
    g.issue(2);
    g.commit();  // group 0: copies 1, 2
    g.issue(3);
    g.commit();  // group 1: copy 3
    EXPECT_FALSE(g.satisfied(1));
    g.complete(3, Cycle{50});  // the newest group finishing first does not help wait_group 1
    EXPECT_FALSE(g.satisfied(1));
    g.complete(1, Cycle{60});
    EXPECT_FALSE(g.satisfied(1));
    g.complete(2, Cycle{70});
    ASSERT_TRUE(g.satisfied(1));
    EXPECT_EQ(g.release_cycle(1)->value(), 70u);
    EXPECT_EQ(g.release_cycle(0)->value(), 70u);
}

TEST(CpAsync, WaitGroupZeroWaitsForEverythingCommitted) {
    CpAsyncGroups g;
    g.issue(1);
    g.commit();
    g.issue(2);
    g.commit();
    g.issue(9);  // still in the open group: not waited for
    g.complete(1, Cycle{10});
    EXPECT_FALSE(g.satisfied(0));
    g.complete(2, Cycle{20});
    EXPECT_TRUE(g.satisfied(0));
    EXPECT_EQ(g.release_cycle(0)->value(), 20u);
    EXPECT_EQ(g.pending_copies(), 1u);
}

TEST(CpAsync, EmptyGroupsAndLargeNAreSatisfied) {
    CpAsyncGroups g;
    g.commit();
    EXPECT_TRUE(g.satisfied(0));
    g.issue(1);
    g.commit();
    EXPECT_TRUE(g.satisfied(1));
    EXPECT_TRUE(g.satisfied(5));
    EXPECT_FALSE(g.satisfied(0));
}

}  // namespace
}  // namespace stcsim::sim
