// End-to-end tests of what `stcsim run` reports: stats.json with per-kernel figures, units and
// descriptions, time, TFLOP/s and share of the tensor peak; and the stats reference page.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;
const std::string kDense = kSource + "/traces/samples/accelsim_dense";

json run_json(const std::string& args) {
    const CommandResult r = run_stcsim(args);
    EXPECT_EQ(r.status, 0) << r.err;
    return json::parse(r.out);
}

// "-kernel name = X" of a trace file's header.
std::string kernel_name_in(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (line.starts_with("-kernel name = ")) return line.substr(15);
    return "";
}

// Every leaf of a nested stats object, as dotted names (opcodes below *by_opcode kept whole).
void leaves(const json& j, const std::string& prefix, std::vector<std::string>& out) {
    for (const auto& [key, value] : j.items()) {
        if (prefix.empty() && (key == "kernels" || key == "units")) continue;
        if (value.is_object()) leaves(value, prefix + key + ".", out);
        else out.push_back(prefix + key);
    }
}

TEST(CliStats, KernelsAddUpToTheRunAndCarryTheirNames) {
    const json s = run_json("run --json --config " + kSource + "/configs/a100.json --trace " + kDense);
    ASSERT_TRUE(s["kernels"].is_array());
    ASSERT_EQ(s["kernels"].size(), 2u);
    EXPECT_EQ(s["kernel_count"], 2);
    std::uint64_t cycles = 0, instructions = 0;
    std::map<std::string, std::uint64_t> by_opcode;
    for (std::size_t i = 0; i < 2; ++i) {
        const json& k = s["kernels"][i];
        EXPECT_EQ(k["index"], i + 1);
        EXPECT_EQ(k["name"], kernel_name_in(kDense + "/kernel-" + std::to_string(i + 1) + ".traceg"));
        EXPECT_GT(k["cycles"].get<std::uint64_t>(), 0u);
        cycles += k["cycles"].get<std::uint64_t>();
        instructions += k["warp_instructions"].get<std::uint64_t>();
        for (const auto& [op, n] : k["instructions_by_opcode"].items()) by_opcode[op] += n.get<std::uint64_t>();
    }
    EXPECT_EQ(cycles, s["cycles"].get<std::uint64_t>());  // kernels run back to back
    EXPECT_EQ(instructions, 22u);
    EXPECT_EQ(json(by_opcode), s["instructions_by_opcode"]);
    EXPECT_EQ(s["kernels"][0]["instructions_by_opcode"]["HMMA"], 2);     // the hmma_tile kernel
    EXPECT_FALSE(s["kernels"][1]["instructions_by_opcode"].contains("HMMA"));  // axpy has none
    EXPECT_EQ(s["kernels"][1]["tensor_core"]["flops"], 0.0);
}

TEST(CliStats, EveryStatHasAUnitAndADescription) {
    const json s = run_json("run --json --config " + kSource + "/configs/a100.json --trace " + kDense);
    std::vector<std::string> names;
    leaves(s, "", names);
    ASSERT_GT(names.size(), 50u);
    for (const std::string& name : names) {
        ASSERT_TRUE(s["units"].contains(name)) << name;
        EXPECT_FALSE(s["units"][name]["unit"].get<std::string>().empty()) << name;
        EXPECT_FALSE(s["units"][name]["description"].get<std::string>().empty()) << name;
    }
    EXPECT_EQ(s["units"].size(), names.size() + 1);  // and "kernels"
    EXPECT_EQ(s["units"]["cycles"]["unit"], "cycles");
    EXPECT_EQ(s["units"]["tensor_core.tflops"]["unit"], "TFLOP/s");
}

TEST(CliStats, TimeThroughputAndPeakShareFollowTheirDefinitions) {
    std::ifstream config_file(kSource + "/configs/a100.json");
    const double mhz = json::parse(config_file)["gpu"]["clock_mhz"].get<double>();
    const json s = run_json("run --json --config " + kSource + "/configs/a100.json --trace " + kDense);
    const double cycles = s["cycles"].get<double>();
    EXPECT_DOUBLE_EQ(s["time_s"].get<double>(), cycles / (mhz * 1e6));
    // two HMMA.16816.F32 (m16n8k16): 2 x 16 x 8 x 16 FLOPs each
    ASSERT_EQ(s["mma_instructions_by_opcode"]["HMMA.16816.F32"], 2);
    EXPECT_DOUBLE_EQ(s["tensor_core"]["flops"].get<double>(), 2 * 2.0 * 16 * 8 * 16);
    EXPECT_NEAR(s["tensor_core"]["tflops"].get<double>(), 2 * 2.0 * 16 * 8 * 16 / (cycles / (mhz * 1e6)) / 1e12, 1e-12);
    // One MMA form, each instruction holding its tensor core for one initiation interval: the
    // share of the peak is the tensor cores' busy share.
    EXPECT_GT(s["tensor_core"]["peak_share"].get<double>(), 0);
    EXPECT_NEAR(s["tensor_core"]["peak_share"].get<double>(), s["tensor_core"]["utilisation"].get<double>(), 1e-12);
}

TEST(CliStats, TextSummaryShowsTimeThroughputAndEachKernel) {
    const CommandResult r = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + kDense);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("us at 1410 MHz"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("TFLOP/s"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("of peak"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("kernel 1 _Z10hmma_tile_PK6__halfS1_Pf: "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("kernel 2 _Z6axpy_fPfS_: "), std::string::npos) << r.out;
}

TEST(CliStats, StatsDocMatchesTheCommittedPage) {
    const CommandResult r = run_stcsim("stats-doc");
    ASSERT_EQ(r.status, 0) << r.err;
    std::ifstream in(kSource + "/docs/stats-reference.md");
    const std::string committed((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(r.out, committed) << "regenerate with: stcsim stats-doc > docs/stats-reference.md";
    // the page names every stat a run writes
    const json s = run_json("run --json --config " + kSource + "/configs/a100.json --trace " + kDense);
    for (const auto& [name, info] : s["units"].items()) {
        std::string listed = std::regex_replace(name, std::regex(R"(^per_sm\.sm[0-9]+\.)"), "per_sm.smI.");
        listed = std::regex_replace(listed, std::regex(R"(^((mma_)?instructions_by_opcode)\..*)"), "$1.");
        EXPECT_NE(committed.find("| `" + listed), std::string::npos) << name;
    }
}

}  // namespace
}  // namespace stcsim::testing
