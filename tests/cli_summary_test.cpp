// End-to-end tests of `stcsim summary`.
#include <gtest/gtest.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;

// A result folder holding a stats.json with the figures summary reads.
std::string result_folder(const std::string& name, double cycles, double seconds, double tflops, double share) {
    const json stats = {{"cycles", cycles}, {"time_s", seconds}, {"tensor_core", {{"tflops", tflops}, {"peak_share", share}}}};
    const std::string file = write_temp_file("summary/" + name + "/stats.json", stats.dump());
    return std::filesystem::path(file).parent_path().string();
}

TEST(CliSummary, RowsAndSpeedupOverTheFirstResult) {
    const std::string dense = result_folder("dense", 3000, 2e-6, 150.25, 0.5);
    const std::string sparse = result_folder("sparse", 2000, 1.5e-3, 225.0, 0.375);
    const CommandResult r = run_stcsim("summary " + dense + " " + sparse);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("dense"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2.00 us"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1.500 ms"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("150.2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("37.5%"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1.50x"), std::string::npos) << "3000 / 2000 cycles: " << r.out;

    const CommandResult j = run_stcsim("summary --json " + dense + " " + sparse + "/stats.json");
    ASSERT_EQ(j.status, 0) << j.err;
    const json rows = json::parse(j.out);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[1]["result"], "sparse");
    EXPECT_DOUBLE_EQ(rows[0]["speedup"].get<double>(), 1.0);
    EXPECT_DOUBLE_EQ(rows[1]["speedup"].get<double>(), 1.5);
    EXPECT_DOUBLE_EQ(rows[1]["peak_share"].get<double>(), 0.375);
}

TEST(CliSummary, BadResultsAndUsage) {
    const std::string file = write_temp_file("summary/partial/stats.json", R"({"cycles": 10, "time_s": 1e-8})");
    const CommandResult missing = run_stcsim("summary " + file);
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("partial/stats.json: no number at 'tensor_core.tflops'"), std::string::npos) << missing.err;
    const CommandResult absent = run_stcsim("summary " + kSource + "/no/such/folder");
    EXPECT_EQ(absent.status, 1);
    EXPECT_NE(absent.err.find("no/such/folder: cannot open"), std::string::npos) << absent.err;
    EXPECT_EQ(run_stcsim("summary").status, 2);
    EXPECT_EQ(run_stcsim("summary --frob x").status, 2);
}

// The real thing: two replays, then their summary; the speedup is the ratio of the cycles they report.
TEST(CliSummary, SummarisesRunResults) {
    const std::string base = std::filesystem::path(write_temp_file("summary/runs/.keep", "")).parent_path().string();
    for (const char* name : {"accelsim_dense", "stcsim_sparse"}) {
        const CommandResult r = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + kSource +
                                           "/traces/samples/" + name + " --out " + base + "/" + name);
        ASSERT_EQ(r.status, 0) << r.err;
    }
    const CommandResult r = run_stcsim("summary --json " + base + "/accelsim_dense " + base + "/stcsim_sparse");
    ASSERT_EQ(r.status, 0) << r.err;
    const json rows = json::parse(r.out);
    const double dense = rows[0]["cycles"].get<double>(), sparse = rows[1]["cycles"].get<double>();
    EXPECT_GT(dense, 0);
    EXPECT_DOUBLE_EQ(rows[1]["speedup"].get<double>(), dense / sparse);
    EXPECT_GT(rows[0]["time_s"].get<double>(), 0);
}

}  // namespace
}  // namespace stcsim::testing
