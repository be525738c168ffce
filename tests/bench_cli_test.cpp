// End-to-end tests of `stcsim bench` and `stcsim config-doc`: run the built binary.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <fstream>
#include <regex>
#include <string>

#include <nlohmann/json.hpp>

#include "run_command.h"

namespace {

struct Outcome {
    int status = -1;
    std::string output;  // stdout, then stderr
};

Outcome run(const std::string& args) {
    const stcsim::testing::CommandResult r = stcsim::testing::run_stcsim(args);
    return {r.status, r.out + r.err};
}

const std::string kA100 = std::string(STCSIM_SOURCE_DIR) + "/configs/a100.json";
const std::string kSparse = "'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32'";

std::string temp_config(const std::string& name, const std::function<void(nlohmann::json&)>& edit) {
    std::ifstream in(kA100);
    nlohmann::json j = nlohmann::json::parse(in);
    edit(j);
    const auto path = std::filesystem::temp_directory_path() / ("stcsim_test_" + name + ".json");
    std::ofstream(path) << j.dump(2);
    return path.string();
}

TEST(BenchCli, MmaPrintsTheFixedJson) {
    const Outcome r = run("bench mma --config " + kA100 + " --instr " + kSparse + " --warps 1 --ilp 1 --iters 10 --json");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_EQ(j.size(), 3u);
    EXPECT_EQ(j["cycles"], 260);
    EXPECT_EQ(j["latency_cycles"], 26.0);
    EXPECT_NEAR(j["fma_per_clk_per_sm"].get<double>(), 4096.0 / 26, 1e-9);
}

TEST(BenchCli, OutFolderHoldsResultStatsAndResolvedConfig) {
    const auto dir = std::filesystem::temp_directory_path() / "stcsim_bench_out";
    std::filesystem::remove_all(dir);
    const Outcome r = run("bench mma --config " + kA100 + " -p sm.scheduler.policy=lrr --warps 8 --ilp 2 --iters 20 --json --out " + dir.string());
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream config(dir / "config.json");
    EXPECT_EQ(nlohmann::json::parse(config)["sm"]["scheduler"]["policy"], "lrr");
    EXPECT_TRUE(std::filesystem::exists(dir / "result.json"));
    EXPECT_TRUE(std::filesystem::exists(dir / "stats.json"));
}

TEST(BenchCli, SweepPrintsCsv) {
    const Outcome r = run("bench mma --config " + kA100 + " --iters 20 --sweep");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output.rfind("warps,ilp,iters,cycles,latency_cycles,fma_per_clk_per_sm\n1,1,20,", 0), 0u) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 25);
}

TEST(BenchCli, ConfigErrorsNameFileAndKeyPath) {
    const std::string unknown = temp_config("unknown", [](auto& j) { j["sm"]["tensor_core"]["lanes"] = 1; });
    Outcome r = run("bench mma --config " + unknown + " --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(unknown + ": sm.tensor_core.lanes: unknown key"), std::string::npos) << r.output;

    const std::string wrong = temp_config("wrong", [](auto& j) { j["sm"]["max_warps"] = "many"; });
    r = run("bench mma --config " + wrong + " --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(wrong + ": sm.max_warps: expected integer, got string"), std::string::npos) << r.output;

    const std::string missing = temp_config("missing", [](auto& j) { j["gpu"].erase("arch"); });
    r = run("bench mma --config " + missing + " --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find(missing + ": gpu.arch: missing required key"), std::string::npos) << r.output;

    r = run("bench mma --config " + kA100 + " -p sm.tensor_core.width=3 --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.output.find("sm.tensor_core.width: -p: unknown key"), std::string::npos) << r.output;
}

TEST(BenchCli, IllegalInstructionAndUsageErrors) {
    Outcome r = run("bench mma --config " + kA100 + " --instr 'mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32' --json");
    EXPECT_EQ(r.status, 1) << r.output;
    r = run("bench mma --instr " + kSparse);
    EXPECT_EQ(r.status, 2) << r.output;
    r = run("bench mma --config " + kA100 + " --warps x");
    EXPECT_EQ(r.status, 2) << r.output;
    r = run("bench nothing");
    EXPECT_EQ(r.status, 2) << r.output;
}

const std::string kH100 = std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json";
const std::string kWgmmaSparse = "'wgmma.mma_async.sp.sync.aligned.m64n128k32.f32.f16.f16'";

TEST(BenchCli, WgmmaRunsOnWarpGroups) {
    // m64n128k32 .sp with A from registers: a slice is 16 x 128 x 32 / 2 multiplies at 512 per
    // cycle = 64 cycles (hardware-facts.md section 2: 512 f16 products per tensor core per cycle);
    // 8 warp groups keep all four tensor cores busy: the sparse peak, 4096 FMA/clk/SM.
    const Outcome r = run("bench mma --config " + kH100 + " --instr " + kWgmmaSparse +
                          " --warps 32 --ilp 2 --iters 50 --a-source registers --json");
    ASSERT_EQ(r.status, 0) << r.output;
    const auto j = nlohmann::json::parse(r.output);
    EXPECT_NEAR(j["fma_per_clk_per_sm"].get<double>(), 4096.0, 4096.0 * 0.01);
    EXPECT_LE(j["fma_per_clk_per_sm"].get<double>(), 4096.0);
}

TEST(BenchCli, WgmmaErrors) {
    Outcome r = run("bench mma --config " + kH100 + " --instr " + kWgmmaSparse + " --warps 6");
    EXPECT_EQ(r.status, 2) << r.output;
    EXPECT_NE(r.output.find("multiple of 4"), std::string::npos) << r.output;
    r = run("bench mma --config " + kA100 + " --instr " + kWgmmaSparse + " --warps 4");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("sm_90a"), std::string::npos) << r.output;
    r = run("bench mma --config " + kH100 + " --instr 'wgmma.mma_async.sp.sync.aligned.m64n128k16.f32.f16.f16' --warps 4");
    EXPECT_EQ(r.status, 1) << r.output;
    r = run("bench mma --config " + kH100 + " --instr " + kWgmmaSparse + " --warps 4 --a-source texture");
    EXPECT_EQ(r.status, 2) << r.output;
}

TEST(BenchCli, ConfigDocMatchesTheCommittedPage) {
    const Outcome r = run("config-doc");
    ASSERT_EQ(r.status, 0);
    std::ifstream in(std::string(STCSIM_SOURCE_DIR) + "/docs/config-reference.md");
    const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(r.output, committed) << "regenerate with: stcsim config-doc > docs/config-reference.md";
}

}  // namespace

namespace {

TEST(BenchMemoryCli, LatencyAndBandwidthPrintTheirFixedKeys) {
    Outcome r = run("bench latency --config " + kA100 + " --footprint 16384 --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_DOUBLE_EQ(nlohmann::json::parse(r.output).at("latency_cycles").get<double>(), 33.0);
    r = run("bench bandwidth --config " + kA100 + " --level l1 --loads 256 --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_GT(nlohmann::json::parse(r.output).at("bytes_per_clk_per_sm").get<double>(), 100.0);
    r = run("bench bandwidth --config " + kA100 + " --level l3 --json");
    EXPECT_EQ(r.status, 1) << r.output;
}

TEST(BenchMemoryCli, SmemAndLdmatrixReportBankConflicts) {
    Outcome r = run("bench smem --config " + kA100 + " --stride 128 --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(nlohmann::json::parse(r.output).at("bank_conflicts").get<int>(), 31);
    r = run("bench ldmatrix --config " + kA100 + " --swizzle --json");
    ASSERT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(nlohmann::json::parse(r.output).at("wavefronts").get<int>(), 4);
}

TEST(BenchMemoryCli, StatsHaveHitsMissesConflictsAndBytesPerLevel) {
    const std::string out = std::string(STCSIM_SOURCE_DIR) + "/build/release/tests/tmp-memory-stats";
    Outcome r = run("bench latency --config " + kA100 + " --footprint 1048576 --out " + out);
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream in(out + "/stats.json");
    const auto stats = nlohmann::json::parse(in);
    for (const char* key : {"memory.l1.hits", "memory.l1.misses", "memory.l1.bytes", "memory.l2.hits", "memory.l2.misses",
                            "memory.l2.bytes", "memory.dram.bytes"}) {
        // the stats.json format of run and bench: values nested at the dots, each unit and description in "units"
        EXPECT_TRUE(stats.contains(nlohmann::json::json_pointer("/" + std::regex_replace(key, std::regex("\\."), "/")))) << key;
        EXPECT_FALSE(stats["units"][key]["unit"].get<std::string>().empty()) << key;
        EXPECT_FALSE(stats["units"][key]["description"].get<std::string>().empty()) << key;
    }
    EXPECT_EQ(stats["units"]["memory.dram.bytes"]["unit"], "bytes");
    r = run("bench ldmatrix --config " + kA100 + " --out " + out);
    ASSERT_EQ(r.status, 0) << r.output;
    std::ifstream in2(out + "/stats.json");
    const auto ldmatrix = nlohmann::json::parse(in2);
    EXPECT_TRUE(ldmatrix["sm0"]["shared"].contains("bank_conflicts"));
    EXPECT_EQ(ldmatrix["units"]["sm0.shared.bank_conflicts"]["unit"], "wavefronts");
}

}  // namespace
