// End-to-end tests of `stcsim run`.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>
#include <nlohmann/json.hpp>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;

std::string out_dir(const std::string& name) { return (std::filesystem::path(STCSIM_TEST_TMP_DIR) / name).string(); }

json read_json(const std::string& path) {
    std::ifstream in(path);
    return json::parse(in);
}

TEST(CliRun, ReplaysTheSamplesAndWritesStatsAndConfig) {
    const std::string dir = out_dir("cli_run_dense");
    const CommandResult r = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + kSource +
                                       "/traces/samples/accelsim_dense/kernelslist.g --out " + dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(r.err.empty()) << "no progress bar when stderr is not a terminal: " << r.err;
    const json stats = read_json(dir + "/stats.json");
    EXPECT_GT(stats["cycles"].get<long>(), 0);
    EXPECT_EQ(stats["warp_instructions"], 22);
    EXPECT_EQ(stats["instructions_by_opcode"]["HMMA"], 2);
    EXPECT_EQ(stats["kernel_count"], 2);
    EXPECT_EQ(stats["kernels"].size(), 2u);  // one entry per kernel (cli_stats_test.cpp)
    EXPECT_TRUE(stats.contains("tensor_core"));
    EXPECT_TRUE(stats.contains("memory"));
    EXPECT_EQ(read_json(dir + "/config.json")["gpu"]["sms"], 108);
}

TEST(CliRun, JsonPrintsTheStatsOfOneKernelFile) {
    const CommandResult r = run_stcsim("run --json --config " + kSource + "/configs/a100.json --trace " + kSource +
                                       "/traces/samples/stcsim_sparse/kernel-1.traceg");
    ASSERT_EQ(r.status, 0) << r.err;
    const json stats = json::parse(r.out);
    EXPECT_EQ(stats["mma_instructions_by_opcode"]["HMMA.SP.16832.F32"], 2);
    EXPECT_EQ(stats["tensor_core"]["sparse_instructions"], 3);
    EXPECT_EQ(stats["warp_instructions"], 9);
}

// H200 is H100's SM with more memory bandwidth: the named config runs the wgmma sample, to the
// cycle of the H100 replay (a tensor-core-bound trace that never reaches DRAM), and is listed.
TEST(CliRun, H200ConfigRunsTheWgmmaSampleLikeH100) {
    const std::string trace = kSource + "/traces/samples/stcsim_wgmma_sparse/kernel-1.traceg";
    const CommandResult h200 = run_stcsim("run --json --config h200 --trace " + trace);
    ASSERT_EQ(h200.status, 0) << h200.err;
    const CommandResult h100 = run_stcsim("run --json --config h100-sxm --trace " + trace);
    ASSERT_EQ(h100.status, 0) << h100.err;
    const json a = json::parse(h200.out), b = json::parse(h100.out);
    EXPECT_EQ(a["mma_instructions_by_opcode"]["HGMMA.SP.64x128x32.F32"], 12);
    EXPECT_EQ(a["cycles"], b["cycles"]);
    const json h200_config = read_json(kSource + "/configs/h200.json");
    // The same SM: h200.json is a variant of h100-sxm.json that changes no SM key.
    EXPECT_EQ(h200_config["base"], "h100-sxm");
    EXPECT_FALSE(h200_config.contains("sm"));
    // 4.8 TB/s (NVIDIA H200 datasheet) at the 1980 MHz measured on our H200, against H100 SXM5's 3352 GB/s.
    EXPECT_EQ(h200_config["gpu"]["clock_mhz"], 1980);
    EXPECT_EQ(h200_config["memory"]["dram"]["bytes_per_clk"], 2424);
    const CommandResult list = run_stcsim("config list");
    ASSERT_EQ(list.status, 0) << list.err;
    EXPECT_NE(list.out.find("h200"), std::string::npos) << list.out;
    EXPECT_NE(list.out.find("NVIDIA H200 SXM 141GB: sm_90a"), std::string::npos) << list.out;
}

TEST(CliRun, WgmmaSampleReplaysAtTheAnalyticCycleCount) {
    const std::string trace = kSource + "/traces/samples/stcsim_wgmma_sparse/kernel-1.traceg";
    const CommandResult r = run_stcsim("run --json --config " + kSource + "/configs/h100-sxm.json --trace " + trace);
    ASSERT_EQ(r.status, 0) << r.err;
    const json stats = json::parse(r.out);
    EXPECT_EQ(stats["mma_instructions_by_opcode"]["HGMMA.SP.64x128x32.F32"], 12);
    // Each warp: WARPGROUP.ARRIVE (cycle 0), three independent HGMMA.SP.64x128x32 (cycles 1-3),
    // WARPGROUP.DEPBAR.LE 0 in the last writeback cycle, EXIT the cycle after. A slice is
    // 16 x 128 x 32 / 2 multiplies on the config's units, or its quarter of the A (64 x 32 bytes)
    // + B (128 x 64 bytes) tiles at a quarter of the operand bandwidth, whichever is longer; the
    // first waits out its latency (fixed + sparse stages + interval), the others one interval each.
    const json tc = read_json(kSource + "/configs/h100-sxm.json")["sm"]["tensor_core"];
    const double compute = 16.0 * 128 * 32 / 2 / (tc["dot_product_units"].get<double>() * tc["dot_product_width"].get<double>());
    const double operands = (64.0 * 32 + 128.0 * 64) / 4 / (tc["wgmma"]["operand_bytes_per_cycle"].get<double>() / 4);
    const int interval = static_cast<int>(std::ceil(std::max(compute, operands)));
    const int latency = tc["wgmma"]["fixed_cycles"].get<int>() + tc["metadata_decode_cycles"].get<int>() +
                        tc["b_select_cycles"].get<int>() + interval;
    EXPECT_EQ(stats["cycles"], 1 + latency + 2 * interval + 2);
    EXPECT_EQ(stats["tensor_core"]["busy_cycles"], 12 * interval);
    // The same trace on an sm_80 config names the opcode.
    const CommandResult a100 = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + trace);
    EXPECT_EQ(a100.status, 1);
    EXPECT_NE(a100.err.find("HGMMA.SP.64x128x32.F32"), std::string::npos) << a100.err;
}

TEST(CliRun, MalformedTraceIsABadInputNamingFileAndLine) {
    const std::string path = write_temp_file("bad_run.traceg",
                                             "-grid dim = (1,1,1)\n-block dim = (32,1,1)\n-accelsim tracer version = 5\n"
                                             "#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\ninsts = 1\n0000 zz 0 EXIT 0 0 0\n#END_TB\n");
    const CommandResult r = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + path);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("bad_run.traceg:8:"), std::string::npos) << r.err;
}

TEST(CliRun, UsageErrors) {
    EXPECT_EQ(run_stcsim("run --config " + kSource + "/configs/a100.json").status, 2);
    EXPECT_EQ(run_stcsim("run --trace x").status, 2);
    EXPECT_EQ(run_stcsim("run --bogus").status, 2);
    EXPECT_EQ(run_stcsim("run --help").status, 0);
    EXPECT_EQ(run_stcsim("run --config " + kSource + "/configs/a100.json --trace /nonexistent/kernel.traceg").status, 1);
    const CommandResult profile = run_stcsim("run --pc-profile --config " + kSource + "/configs/a100.json --trace " + kSource +
                                             "/traces/samples/stcsim_sparse/kernel-1.traceg");
    EXPECT_EQ(profile.status, 2);
    EXPECT_NE(profile.err.find("--pc-profile needs --out"), std::string::npos) << profile.err;
}

// --pc-profile: one row per static instruction, whose executions add up to the run's warp
// instructions.
TEST(CliRun, PcProfileListsEveryInstructionOnce) {
    const std::string dir = out_dir("cli_run_pc_profile");
    const CommandResult r = run_stcsim("run --pc-profile --config " + kSource + "/configs/a100.json --trace " + kSource +
                                       "/traces/samples/stcsim_sparse/kernel-1.traceg --out " + dir);
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(dir + "/pc_profile.csv");
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    EXPECT_EQ(line.rfind("kernel,pc,sass,executions,warp_cycles,", 0), 0u) << line;
    long executions = 0;
    int rows = 0;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::stringstream ss(line);
        for (std::string f; std::getline(ss, f, ',');) fields.push_back(f);
        ASSERT_EQ(fields.size(), 9u) << line;
        executions += std::stol(fields[3]);
        ++rows;
    }
    EXPECT_GT(rows, 0);
    EXPECT_EQ(executions, read_json(dir + "/stats.json")["warp_instructions"].get<long>());
}

}  // namespace
}  // namespace stcsim::testing
