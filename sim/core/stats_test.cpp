#include "sim/core/stats.h"

#include <gtest/gtest.h>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

TEST(StatsDocument, ValuesNestAtTheDotsWithUnitsBeside) {
    std::uint64_t busy = 12, hmma = 3;
    Stats stats;
    stats.counter("sm0.sp1.tensor.busy_cycles", "cycles", "held", &busy);
    stats.counter("instructions_by_opcode.HMMA.SP.16832.F32", "warp instructions", "by opcode", &hmma);
    stats.derived("sm0.ratio", "fraction", "a ratio", [] { return 0.5; });
    const auto doc = stats.document();
    EXPECT_EQ(doc["sm0"]["sp1"]["tensor"]["busy_cycles"], 12);
    EXPECT_EQ(doc["instructions_by_opcode"]["HMMA.SP.16832.F32"], 3);  // an opcode's dots are not levels
    EXPECT_EQ(doc["sm0"]["ratio"], 0.5);
    EXPECT_EQ(doc["units"]["sm0.sp1.tensor.busy_cycles"]["unit"], "cycles");
    EXPECT_EQ(doc["units"]["sm0.ratio"]["description"], "a ratio");
    EXPECT_EQ(doc["units"].size(), 3u);
    // registration order is kept, at every level
    EXPECT_EQ(doc.begin().key(), "sm0");
    EXPECT_EQ(doc.dump().find("\"units\""), doc.dump().rfind("\"units\""));
}

TEST(StatsDocument, AStatBelowAnotherStatsValueIsABug) {
    std::uint64_t a = 1, b = 2;
    Stats stats;
    stats.counter("a", "", "", &a);
    stats.counter("a.b", "", "", &b);
    EXPECT_THROW(stats.document(), InternalError);
}

}  // namespace
}  // namespace stcsim::sim
