#include "sim/core/due_queue.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <queue>
#include <random>
#include <utility>
#include <vector>

namespace stcsim::sim {
namespace {

using Item = std::pair<std::uint64_t, int>;  // (due cycle, insertion number)

TEST(DueQueue, TakesItemsInCycleThenInsertionOrder) {
    DueQueue<Item> q(4);
    q.push(5, {5, 0});
    q.push(3, {3, 1});
    q.push(5, {5, 2});
    q.push(40, {40, 3});  // beyond the ring: it grows
    std::vector<int> order;
    q.drain(4, [&](const Item& i) { order.push_back(i.second); });
    EXPECT_EQ(order, (std::vector<int>{1}));
    EXPECT_EQ(q.earliest(), 5u);
    q.drain(100, [&](const Item& i) { order.push_back(i.second); });
    EXPECT_EQ(order, (std::vector<int>{1, 0, 2, 3}));
    EXPECT_TRUE(q.empty());
}

TEST(DueQueue, ItemsPushedWhileDrainingAndLateItems) {
    DueQueue<Item> q(8);
    q.push(2, {2, 0});
    std::vector<int> order;
    q.drain(2, [&](const Item& i) {
        order.push_back(i.second);
        if (i.second == 0) q.push(2, {2, 1});  // due now: taken in this drain
    });
    EXPECT_EQ(order, (std::vector<int>{0, 1}));
    q.push(3, {3, 3});
    q.push(2, {2, 2});  // after the drain of cycle 2: late, taken first
    EXPECT_EQ(q.earliest(), 2u);
    q.drain(3, [&](const Item& i) { order.push_back(i.second); });
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
}

TEST(DueQueue, MatchesAPriorityQueueOnRandomPushes) {
    using Keyed = std::pair<std::uint64_t, std::uint64_t>;  // (due, sequence)
    std::priority_queue<Keyed, std::vector<Keyed>, std::greater<>> reference;
    DueQueue<Keyed> q(16);
    std::mt19937_64 rng(7);
    std::uint64_t seq = 0;
    std::vector<Keyed> got, want;
    for (std::uint64_t now = 0; now < 2000; now += 1 + rng() % 3) {
        for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
            const Keyed k{now + rng() % 300, seq++};
            q.push(k.first, k);
            reference.push(k);
        }
        q.drain(now, [&](const Keyed& k) { got.push_back(k); });
        while (!reference.empty() && reference.top().first <= now) {
            want.push_back(reference.top());
            reference.pop();
        }
        ASSERT_EQ(got, want);
        ASSERT_EQ(q.size(), reference.size());
        if (!q.empty()) {
            ASSERT_EQ(q.earliest(), reference.top().first);
        }
    }
}

TEST(DueQueue, FarItemsKeepTheirOrderAndTheRingStaysBounded) {
    using Keyed = std::pair<std::uint64_t, std::uint64_t>;  // (due, sequence)
    std::priority_queue<Keyed, std::vector<Keyed>, std::greater<>> reference;
    DueQueue<Keyed> q(4, 16);  // items due more than 16 cycles ahead wait in the far map
    std::mt19937_64 rng(11);
    std::uint64_t seq = 0;
    std::vector<Keyed> got, want;
    for (std::uint64_t now = 0; now < 20000; now += 1 + rng() % 50) {
        for (int n = static_cast<int>(rng() % 4); n > 0; --n) {
            const std::uint64_t delay = rng() % 2 == 0 ? rng() % 20 : rng() % 3000;
            const Keyed k{now + delay, seq++};
            q.push(k.first, k);
            reference.push(k);
        }
        q.drain(now, [&](const Keyed& k) { got.push_back(k); });
        while (!reference.empty() && reference.top().first <= now) {
            want.push_back(reference.top());
            reference.pop();
        }
        ASSERT_EQ(got, want);
        ASSERT_EQ(q.size(), reference.size());
        if (!q.empty()) {
            ASSERT_EQ(q.earliest(), reference.top().first);
        }
        ASSERT_LE(q.ring_buckets(), 16u);
    }
}

TEST(DueQueue, AVeryLongLatencyNeedsNoMemoryOfItsLength) {
    DueQueue<Item> q;
    q.push(100'000'000, {100'000'000, 0});
    q.push(5, {5, 1});
    EXPECT_LE(q.ring_buckets(), std::size_t{1} << 14);
    EXPECT_EQ(q.earliest(), 5u);
    std::vector<int> order;
    q.drain(10, [&](const Item& i) { order.push_back(i.second); });
    EXPECT_EQ(q.earliest(), 100'000'000u);
    q.push(100'000'000, {100'000'000, 2});  // the same cycle, pushed later: taken later
    q.drain(100'000'000, [&](const Item& i) { order.push_back(i.second); });
    EXPECT_EQ(order, (std::vector<int>{1, 0, 2}));
    EXPECT_TRUE(q.empty());
}

TEST(DueQueue, LastAtHandsOutTheLastItemOfAFutureCycleOnly) {
    DueQueue<Item> q(4);
    EXPECT_EQ(q.last_at(3), nullptr);  // empty bucket
    q.push(3, {3, 0});
    q.push(3, {3, 1});
    q.push(5, {5, 2});
    ASSERT_NE(q.last_at(3), nullptr);
    EXPECT_EQ(q.last_at(3)->second, 1);
    q.last_at(3)->second = 7;  // folded into: still one item, taken in its place
    EXPECT_EQ(q.last_at(4), nullptr);
    EXPECT_EQ(q.last_at(100), nullptr);  // beyond the ring
    std::vector<int> order;
    q.drain(3, [&](const Item& i) {
        order.push_back(i.second);
        EXPECT_EQ(q.last_at(3), nullptr);  // the bucket being drained is never handed out
    });
    EXPECT_EQ(order, (std::vector<int>{0, 7}));
    EXPECT_EQ(q.size(), 1u);
    EXPECT_EQ(q.last_at(4), nullptr);  // the cursor's cycle: a push there may still be drained late
    ASSERT_NE(q.last_at(5), nullptr);
    EXPECT_EQ(q.last_at(5)->second, 2);
}

}  // namespace
}  // namespace stcsim::sim
