// End-to-end tests of the command line's conveniences: named configs (`--config a100` from any
// directory, `config list`), `help CMD`, `trace stats` on a folder and its own help, JSON from
// every bench, size suffixes, short -p errors, and no progress line when stderr is not a terminal.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;
namespace fs = std::filesystem;

const std::string kSource = STCSIM_SOURCE_DIR;
const std::string kA100 = kSource + "/configs/a100.json";
const std::string kDense = kSource + "/traces/samples/accelsim_dense";

// Runs `command` with /bin/sh from `dir`; stdout.
std::string run_in(const fs::path& dir, const std::string& command, int* status) {
    const fs::path out = dir / "stdout.txt";
    *status = std::system(("cd '" + dir.string() + "' && " + command + " > '" + out.string() + "' 2>&1").c_str());
    std::ifstream in(out);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

fs::path empty_dir(const std::string& name) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / name;
    fs::remove_all(dir);
    fs::create_directories(dir);
    return dir;
}

TEST(CliConfigs, NamedConfigWorksFromAnyDirectory) {
    const fs::path dir = empty_dir("named_config");
    const std::string binary = STCSIM_BINARY_FOR_TESTS;
    int status = 0;
    const std::string by_name = run_in(dir, "'" + binary + "' run --json --config a100 --trace '" + kDense + "'", &status);
    ASSERT_EQ(status, 0) << by_name;
    const CommandResult by_path = run_stcsim("run --json --config " + kA100 + " --trace " + kDense);
    ASSERT_EQ(by_path.status, 0) << by_path.err;
    EXPECT_EQ(json::parse(by_name), json::parse(by_path.out));  // the same config, the same stats
    const std::string bench = run_in(dir, "'" + binary + "' bench mma --config h100-sxm --iters 10 --json", &status);
    EXPECT_EQ(status, 0) << bench;
}

TEST(CliConfigs, ListShowsEveryShippedConfigOnOneLine) {
    const CommandResult r = run_stcsim("config list");
    ASSERT_EQ(r.status, 0) << r.err;
    int files = 0;
    for (const auto& entry : fs::directory_iterator(kSource + "/configs")) {
        if (entry.path().extension() != ".json") continue;
        ++files;
        std::ifstream in(entry.path());
        json config = json::parse(in);
        // A variant names its base ("base": NAME) and states only what differs.
        for (json base = config; base.contains("base");) {
            std::ifstream base_in(kSource + "/configs/" + base["base"].get<std::string>() + ".json");
            base = json::parse(base_in);
            for (const char* key : {"name", "arch"})
                if (!config["gpu"].contains(key)) config["gpu"][key] = base["gpu"][key];
        }
        const std::string line = entry.path().stem().string();
        const auto at = r.out.find("\n" + line + " ") != std::string::npos ? r.out.find("\n" + line + " ") + 1 : r.out.find(line + " ");
        ASSERT_NE(at, std::string::npos) << line << "\n" << r.out;
        const std::string row = r.out.substr(at, r.out.find('\n', at) - at);
        EXPECT_NE(row.find(config["gpu"]["name"].get<std::string>()), std::string::npos) << row;
        EXPECT_NE(row.find(config["gpu"]["arch"].get<std::string>()), std::string::npos) << row;
    }
    EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), files);
}

TEST(CliConfigs, UnknownNameIsBadInputNamingTheShippedOnes) {
    const CommandResult r = run_stcsim("bench mma --config a1000 --json");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("a1000: no such config file, nor a shipped config"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("a100, "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("stcsim config list"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    const CommandResult path = run_stcsim("bench mma --config ./nowhere/a100.json");  // a path is not looked up by name
    EXPECT_EQ(path.status, 1);
    EXPECT_NE(path.err.find("./nowhere/a100.json: cannot open the config file (the shipped one is --config a100)"),
              std::string::npos) << path.err;
    EXPECT_EQ(run_stcsim("config").status, 2);
    EXPECT_EQ(run_stcsim("config show").status, 2);
}

TEST(CliHelp, HelpCommandPrintsThatCommandsHelp) {
    const CommandResult help = run_stcsim("help run");
    const CommandResult direct = run_stcsim("run --help");
    ASSERT_EQ(help.status, 0) << help.err;
    EXPECT_EQ(help.out, direct.out);
    EXPECT_EQ(help.out.rfind("usage: stcsim run", 0), 0u) << help.out;
    EXPECT_EQ(run_stcsim("help nosuch").status, 2);
    EXPECT_NE(run_stcsim("help").out.find("commands:"), std::string::npos);
}

TEST(CliTraceStats, TakesAFolderAndHasItsOwnHelp) {
    const CommandResult folder = run_stcsim("trace stats --json " + kDense);
    ASSERT_EQ(folder.status, 0) << folder.err;
    const CommandResult list = run_stcsim("trace stats --json " + kDense + "/kernelslist.g");
    ASSERT_EQ(list.status, 0) << list.err;
    const json a = json::parse(folder.out), b = json::parse(list.out);
    EXPECT_EQ(a["kernels"], 2);
    EXPECT_EQ(a["warp_instructions"], b["warp_instructions"]);
    EXPECT_EQ(a["instructions_by_opcode"], b["instructions_by_opcode"]);
    const CommandResult help = run_stcsim("trace stats --help");
    ASSERT_EQ(help.status, 0);
    EXPECT_EQ(help.out.rfind("usage: stcsim trace stats", 0), 0u) << help.out;
    EXPECT_EQ(help.out.find("gen gemm"), std::string::npos) << help.out;
}

TEST(CliBench, SweepWithJsonPrintsJson) {
    const CommandResult r = run_stcsim("bench mma --config " + kA100 + " --iters 10 --sweep --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const json rows = json::parse(r.out);
    ASSERT_EQ(rows.size(), 6u * 4u);  // warps {1,2,4,8,16,32} x ILP 1..4
    const json one = json::parse(run_stcsim("bench mma --config " + kA100 + " --iters 10 --warps 8 --ilp 3 --json").out);
    bool found = false;
    for (const json& row : rows)
        if (row["warps"] == 8 && row["ilp"] == 3) {
            found = true;
            EXPECT_EQ(row["cycles"], one["cycles"]);
            EXPECT_EQ(row["fma_per_clk_per_sm"], one["fma_per_clk_per_sm"]);
        }
    EXPECT_TRUE(found);
}

TEST(CliBench, JsonCarriesWhatTheTextShows) {
    const json latency = json::parse(run_stcsim("bench latency --config " + kA100 + " --footprint 65536 --json").out);
    for (const char* key : {"latency_cycles", "footprint_bytes", "stride_bytes", "config"}) EXPECT_TRUE(latency.contains(key)) << key;
    EXPECT_EQ(latency["footprint_bytes"], 65536);
    const json bandwidth = json::parse(run_stcsim("bench bandwidth --config " + kA100 + " --level l2 --json").out);
    for (const char* key : {"bytes_per_clk_per_sm", "bytes_per_clk", "gigabytes_per_s", "clock_mhz", "level"})
        EXPECT_TRUE(bandwidth.contains(key)) << key;
    // GB/s is bytes per clock at the config's clock
    EXPECT_NEAR(bandwidth["gigabytes_per_s"].get<double>(), bandwidth["bytes_per_clk"].get<double>() * 1410e6 / 1e9, 1e-6);
    const json ldmatrix = json::parse(run_stcsim("bench ldmatrix --config " + kA100 + " --num 2 --swizzle --json").out);
    for (const char* key : {"wavefronts", "bank_conflicts", "cycles_per_access", "latency_cycles", "num", "trans", "row_pitch_bytes", "swizzle"})
        EXPECT_TRUE(ldmatrix.contains(key)) << key;
    EXPECT_EQ(ldmatrix["num"], 2);
    EXPECT_EQ(ldmatrix["swizzle"], true);
}

TEST(CliBench, SizesTakeSuffixesAsTheCudaProgramsDo) {
    const CommandResult suffixed = run_stcsim("bench latency --config " + kA100 + " --footprint 64K --json");
    ASSERT_EQ(suffixed.status, 0) << suffixed.err;
    EXPECT_EQ(json::parse(suffixed.out)["footprint_bytes"], 65536);
    EXPECT_EQ(json::parse(run_stcsim("bench latency --config " + kA100 + " --footprint 4M --stride 1K --json").out)["footprint_bytes"],
              4 << 20);
    for (const char* bad : {"4X", "M", "-4M", "0"}) {
        const CommandResult r = run_stcsim(std::string("bench latency --config ") + kA100 + " --footprint " + bad);
        EXPECT_EQ(r.status, 2) << bad << ": " << r.err;
        EXPECT_NE(r.err.find("--footprint"), std::string::npos) << r.err;
    }
}

TEST(CliConfigs, OverrideErrorsDoNotQuoteAWholeTextAsAKey) {
    const std::string text = "Luo et al. IPDPS 2024, measured on an H100 SXM5 with the mma.sync single-SM test";
    const CommandResult r = run_stcsim("bench mma --config " + kA100 + " -p 'sm.tensor_core.latencies.0.source " + text + "'");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("expected key.path=value"), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(text), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 160u) << r.err;
}

TEST(CliProgress, NothingOnStderrWhenItIsNotATerminal) {
    const fs::path dir = empty_dir("progress_gen");
    const CommandResult gen = run_stcsim("trace gen gemm --impl synthetic --m 256 --n 256 --k 256 --out " + dir.string());
    EXPECT_EQ(gen.status, 0) << gen.err;
    EXPECT_EQ(gen.err, "");
    const CommandResult run = run_stcsim("run --config a100 --trace " + dir.string());
    EXPECT_EQ(run.status, 0) << run.err;
    EXPECT_EQ(run.err, "");
}

}  // namespace
}  // namespace stcsim::testing
