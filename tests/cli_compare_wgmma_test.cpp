// `stcsim compare` on warp-group records (validation/wgmma_bench.cu) and probes
// (validation/wgmma_probes.cu), from a small hand-written measurement folder.
//
// The "measured" cycles of the plateau points are set from H100's datapath peak, not from the
// simulator: configs/h100-sxm.json has 4 tensor cores x 32 dot-product units x 16 f16 products per
// cycle = 2048 dense f16 FMA/clk/SM (4096 dense-equivalent for .sp), the whitepaper rates of
// hardware-facts.md section 2. A record measured 5% slower than that peak must come out 5% above
// its measured rate once the simulator reaches the peak.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "run_command.h"

namespace stcsim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;
const std::string kDense = "wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16";
const std::string kSparse = "wgmma.mma_async.sp.sync.aligned.m64n256k32.f32.f16.f16";
constexpr double kIters = 1000;
constexpr double kDenseWork = 2 * kIters * 64 * 256 * 16;   // 2 warp groups, ILP 1
constexpr double kSparseWork = 2 * kIters * 64 * 256 * 32;  // dense-equivalent FMAs
constexpr double kDensePeak = 2048, kSparsePeak = 4096;     // FMA/clk/SM, see above

std::string record(const std::string& instr, const std::string& source, int warps, double cycles) {
    return json{{"experiment", "mma"}, {"instr", instr}, {"a_source", source}, {"arch", "sm_90a"}, {"warps", warps},
                {"warp_groups", warps / 4}, {"ilp", 1}, {"iters", static_cast<int>(kIters)}, {"wgmma_wait", 1},
                {"cycles", cycles}}
        .dump();
}

fs::path folder(const std::string& name, const std::vector<std::string>& records) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare_wgmma" / (name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << R"({"gpu": "hand-written test records", "synthetic": true, "compute_capability": "9.0"})";
    std::ofstream sweep(dir / "wgmma_sweep.jsonl");
    for (const std::string& r : records) sweep << r << "\n";
    return dir;
}

// The four records: a latency point and a plateau point of the dense form (A in shared memory), and
// the sparse form once from registers and once from shared memory (two plateaus, one point each).
std::vector<std::string> records() {
    return {record(kDense, "shared", 4, 200000),
            record(kDense, "shared", 8, kDenseWork / kDensePeak * 1.05),
            record(kSparse, "registers", 8, kSparseWork / kSparsePeak * 1.05),
            record(kSparse, "shared", 8, kSparseWork / kSparsePeak)};
}

json compare_json(const fs::path& dir, const std::string& config) {
    const CommandResult r = run_stcsim("compare --json --threads 2 --measured '" + dir.string() + "' --config " + config);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

TEST(CompareWgmma, RecordsReplayAsTheBenchmarkWithTheirASource) {
    const json rows = compare_json(folder("h100", records()), kSource + "/configs/h100-sxm.json")["rows"];
    ASSERT_EQ(rows.size(), 4u) << rows.dump(1);
    EXPECT_EQ(rows[0]["class"], "wgmma_latency");
    EXPECT_EQ(rows[1]["class"], "wgmma_throughput");
    // One point per (instr, A source): the two sparse records are two plateaus, compared in cycles.
    EXPECT_EQ(rows[2]["class"], "wgmma");
    EXPECT_EQ(rows[3]["class"], "wgmma");
    for (const json& row : rows) ASSERT_TRUE(row["simulated"].is_number()) << row.dump();
    EXPECT_NE(rows[2]["key"].get<std::string>().find("a=registers w8 ilp1 n1000"), std::string::npos) << rows[2]["key"];
    // The plateau point: measured 5% below the peak, simulated at the peak.
    EXPECT_NEAR(rows[1]["measured"].get<double>(), kDensePeak / 1.05, 1e-6);
    EXPECT_NEAR(rows[1]["error_percent"].get<double>(), 5.0, 0.5) << rows[1].dump();
    // Sparse, A from registers: the peak again, in cycles (5% fewer than measured).
    EXPECT_NEAR(rows[2]["error_percent"].get<double>(), -100.0 * 0.05 / 1.05, 0.5) << rows[2].dump();
    // A from shared memory streams A and B through the shared-memory port: slower than from registers.
    EXPECT_GT(rows[3]["simulated"].get<double>(), rows[2]["simulated"].get<double>() * 1.05);
    // The latency point: cycles per dependent instruction of one chain.
    EXPECT_NEAR(rows[0]["measured"].get<double>(), 200.0, 1e-9);
}

TEST(CompareWgmma, AConfigWithoutWgmmaLeavesTheRowsUnsimulated) {
    const json rows = compare_json(folder("a100", records()), kSource + "/configs/a100.json")["rows"];
    ASSERT_EQ(rows.size(), 4u);
    for (const json& row : rows) {
        EXPECT_TRUE(row["simulated"].is_null()) << row.dump();
        EXPECT_NE(row["note"].get<std::string>().find("wgmma needs sm_90a"), std::string::npos) << row.dump();
    }
}

TEST(CompareWgmma, WarpsThatAreNotWholeWarpGroupsAreAMalformedRecord) {
    const fs::path dir = folder("bad", {record(kDense, "shared", 6, 1000)});
    const CommandResult r = run_stcsim("compare --measured '" + dir.string() + "' --config " + kSource + "/configs/h100-sxm.json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("wgmma_sweep.jsonl:1: key 'warps' must be a multiple of 4"), std::string::npos) << r.err;
    const fs::path bad_source = folder("bad_source", {json::parse(record(kDense, "global", 4, 1000)).dump()});
    const CommandResult s = run_stcsim("compare --measured '" + bad_source.string() + "' --config " + kSource + "/configs/h100-sxm.json");
    EXPECT_EQ(s.status, 1);
    EXPECT_NE(s.err.find("key 'a_source'"), std::string::npos) << s.err;
}

// probes/wgmma_index.json is read beside index.json and each case replays as `stcsim mma` runs a
// wgmma: the GPU file is the model's own answer with one element changed, which must be the one
// mismatch.
TEST(CompareWgmma, WarpGroupProbesReplayBitForBit) {
    const std::string example = kSource + "/examples/mma/wgmma_sp_f16_m64n16k32.jsonl";
    const std::string instr = "wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16";
    const CommandResult model = run_stcsim("mma --arch sm_90a --instr '" + instr + "' --input " + example);
    ASSERT_EQ(model.status, 0) << model.err;
    std::vector<std::string> d;
    std::istringstream lines(model.out);
    for (std::string line; std::getline(lines, line);) d.push_back(line);
    ASSERT_GE(d.size(), 2u);
    json corrupted = json::parse(d.back());
    corrupted["d"][3][5] = corrupted["d"][3][5].get<std::string>() == "0x00000000" ? "0x00000001" : "0x00000000";
    d.back() = corrupted.dump();

    const fs::path dir = folder("probes", {});
    fs::create_directories(dir / "probes");
    fs::copy_file(example, dir / "probes" / "wg.cases.jsonl");
    std::ofstream gpu(dir / "probes" / "wg.gpu.jsonl");
    for (const std::string& line : d) gpu << line << "\n";
    gpu.close();
    std::ofstream(dir / "probes" / "wgmma_index.json")
        << json{{"experiment", "wgmma_probes"}, {"arch", "sm_90a"},
                {"forms", json::array({json{{"instr", instr}, {"arch", "sm_90a"}, {"a_source", "shared"},
                                            {"valid", json{{"cases", d.size()}, {"cases_file", "wg.cases.jsonl"},
                                                           {"gpu_file", "wg.gpu.jsonl"}}}}})}}
               .dump();
    const json functional = compare_json(dir, kSource + "/configs/h100-sxm.json")["functional"];
    ASSERT_EQ(functional.size(), 1u) << functional.dump(1);
    EXPECT_EQ(functional[0]["cases"], d.size());
    EXPECT_EQ(functional[0]["mismatches"], 1) << functional.dump(1);
    EXPECT_NE(functional[0].dump().find("D[3][5]"), std::string::npos) << functional.dump(1);
}

}  // namespace
}  // namespace stcsim::testing
