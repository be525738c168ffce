// MbarrierTable: the phase rule (arrivals and transactions), parity waits, expect-tx before and
// after the bytes, and the errors of malformed uses.
#include "sim/sm/mbarrier.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

constexpr std::uint64_t kBar = 0x7f8000000100;

TEST(Mbarrier, APhaseCompletesWhenEveryArrivalIsIn) {
    MbarrierTable t;
    t.init(kBar, 3);
    EXPECT_FALSE(t.phase_done(kBar, 0));
    EXPECT_TRUE(t.phase_done(kBar, 1));  // the barrier starts in phase 0: parity 1 passes at once
    EXPECT_FALSE(t.arrive(kBar, 1, 0));
    EXPECT_FALSE(t.arrive(kBar, 1, 0));
    EXPECT_FALSE(t.phase_done(kBar, 0));
    EXPECT_TRUE(t.arrive(kBar, 1, 0));
    EXPECT_TRUE(t.phase_done(kBar, 0));
    EXPECT_FALSE(t.phase_done(kBar, 1));  // now in phase 1, which has not completed
    EXPECT_EQ(t.state().phases_completed, 1u);
    // The next phase again needs 3 arrivals; a count of 2 then 1 completes it.
    EXPECT_FALSE(t.arrive(kBar, 2, 0));
    EXPECT_TRUE(t.arrive(kBar, 1, 0));
    EXPECT_TRUE(t.phase_done(kBar, 1));
    EXPECT_FALSE(t.phase_done(kBar, 0));  // phase 2 (parity 0) is current
}

TEST(Mbarrier, TransactionsHoldThePhaseUntilEveryByteCompleted) {
    MbarrierTable t;
    t.init(kBar, 1);
    EXPECT_FALSE(t.arrive(kBar, 1, 24576));  // arrive.expect_tx: all arrivals in, 24576 bytes pending
    EXPECT_FALSE(t.complete_tx(kBar, 8192));
    EXPECT_FALSE(t.complete_tx(kBar, 16383));
    EXPECT_FALSE(t.phase_done(kBar, 0));
    EXPECT_TRUE(t.complete_tx(kBar, 1));
    EXPECT_TRUE(t.phase_done(kBar, 0));
}

TEST(Mbarrier, BytesMayLandBeforeTheirExpectTx) {
    MbarrierTable t;
    t.init(kBar, 1);
    EXPECT_FALSE(t.complete_tx(kBar, 4096));   // the arrival is still pending: the count goes below 0
    EXPECT_FALSE(t.arrive(kBar, 0, 2048));     // expect-tx only
    EXPECT_FALSE(t.phase_done(kBar, 0));
    EXPECT_TRUE(t.arrive(kBar, 1, 2048));      // transactions back to 0 with the last arrival
    EXPECT_TRUE(t.phase_done(kBar, 0));
}

TEST(Mbarrier, WaitersOfTheCompletedParityAreReleasedInOrder) {
    MbarrierTable t;
    t.init(kBar, 1);
    t.add_waiter(kBar, 0, 7);
    t.add_waiter(kBar, 1, 8);  // waits for phase 1, which is not the one completing next
    t.add_waiter(kBar, 0, 3);
    EXPECT_EQ(t.waiters(), 3u);
    EXPECT_TRUE(t.take_released().empty());
    EXPECT_TRUE(t.arrive(kBar, 1, 0));
    EXPECT_EQ(t.take_released(), (std::vector<std::uint32_t>{7, 3}));
    EXPECT_EQ(t.waiters(), 1u);
    EXPECT_TRUE(t.arrive(kBar, 1, 0));
    EXPECT_EQ(t.take_released(), (std::vector<std::uint32_t>{8}));
    EXPECT_EQ(t.waiters(), 0u);
}

TEST(Mbarrier, BarriersAreKeyedByAddress) {
    MbarrierTable t;
    t.init(kBar, 1);
    t.init(kBar + 8, 2);
    EXPECT_TRUE(t.arrive(kBar, 1, 0));
    EXPECT_FALSE(t.phase_done(kBar + 8, 0));
    t.inval(kBar);
    EXPECT_THROW(t.arrive(kBar, 1, 0), UserError);
    EXPECT_FALSE(t.arrive(kBar + 8, 1, 0));
}

void expect_error(const std::function<void()>& f, const std::string& part) {
    try {
        f();
        FAIL() << "no error; expected one containing: " << part;
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(part), std::string::npos) << error.what();
    }
}

TEST(Mbarrier, MalformedUsesAreErrorsNamingTheBarrier) {
    MbarrierTable t;
    expect_error([&] { t.phase_done(kBar, 0); }, "mbarrier 0x7f8000000100: wait on a barrier that was never initialised");
    expect_error([&] { t.arrive(kBar, 1, 0); }, "arrive on a barrier that was never initialised");
    expect_error([&] { t.complete_tx(kBar, 16); }, "complete_tx on a barrier that was never initialised");
    expect_error([&] { t.init(kBar + 4, 1); }, "mbarrier 0x7f8000000104: an mbarrier address is 8-byte aligned");
    expect_error([&] { t.init(kBar, 0); }, "init with a count of 0");
    t.init(kBar, 2);
    EXPECT_FALSE(t.arrive(kBar, 1, 0));
    expect_error([&] { t.arrive(kBar, 2, 0); }, "2 arrival(s) on phase 0, which has 1 pending (of 2 per phase)");
    t.init(kBar, 1);
    EXPECT_FALSE(t.arrive(kBar, 1, 64));
    expect_error([&] { t.complete_tx(kBar, 96); }, "96 transaction bytes completed on phase 0, 32 more than its arrivals expected");
}

}  // namespace
}  // namespace stcsim::sim
