#include "tools/progress.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>
#include <thread>

namespace stcsim::cli {
namespace {

TEST(Progress, DurationsReadAsClockTimes) {
    EXPECT_EQ(format_duration(0), "0:00");
    EXPECT_EQ(format_duration(7.4), "0:07");
    EXPECT_EQ(format_duration(754), "12:34");
    EXPECT_EQ(format_duration(3723), "1:02:03");
}

TEST(Progress, EtaIsTheRestAtTheAverageRateSoFar) {
    // a quarter done in 10 s: three quarters left at 2.5 % per second take 30 s
    EXPECT_DOUBLE_EQ(*progress_eta(0.25, 10), 30);
    EXPECT_DOUBLE_EQ(*progress_eta(1.0, 10), 0);
    EXPECT_FALSE(progress_eta(0, 10).has_value());  // nothing done yet: no rate to go by
    EXPECT_FALSE(progress_eta(-1, 10).has_value());
}

TEST(Progress, LineShowsPercentEtaElapsedAndDetail) {
    EXPECT_EQ(progress_line("run", 0.25, 10, "kernel 1/2"), "run   25%  ETA 0:30  elapsed 0:10  kernel 1/2");
    EXPECT_EQ(progress_line("run", 0.999, 61, ""), "run   99%  ETA 0:00  elapsed 1:01");  // never 100% before the end
    EXPECT_EQ(progress_line("compare", -1, 3, ""), "compare  elapsed 0:03");                  // total unknown
    EXPECT_EQ(progress_line("run", 0, 3, ""), "run    0%  ETA ?  elapsed 0:03");
}

TEST(Progress, PrintsNothingWhenNotEnabled) {
    std::ostringstream err;
    {
        Progress p(err, "run", false, std::chrono::milliseconds(1));
        p.update(1, 2);
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    EXPECT_EQ(err.str(), "");
}

TEST(Progress, RefreshesFromItsTimerWithoutNewUpdates) {
    std::ostringstream err;
    {
        Progress p(err, "gen", true, std::chrono::milliseconds(5));
        p.update(1, 4, "block 1/4");
        std::this_thread::sleep_for(std::chrono::milliseconds(100));  // one update, many refreshes
    }
    const std::string text = err.str();
    EXPECT_GE(std::count(text.begin(), text.end(), '\r'), 3) << text;
    EXPECT_NE(text.find("gen   25%  ETA "), std::string::npos) << text;
    EXPECT_EQ(text.back(), '\n');  // the line is ended when the work is
}

}  // namespace
}  // namespace stcsim::cli
