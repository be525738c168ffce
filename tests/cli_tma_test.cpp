// End-to-end tests of `stcsim run` on Hopper's TMA / mbarrier pipeline sample: it replays on the
// H100 config, an sm_80 config refuses it naming the opcode and the arch, and a trace that lost
// one arrive ends in a deadlock report (exit 3), not a hang.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;
const std::string kSample = kSource + "/traces/samples/stcsim_tma_pipeline/kernel-1.traceg";

TEST(CliTma, PipelineSampleReplaysOnTheH100Config) {
    const CommandResult r = run_stcsim("run --json --config " + kSource + "/configs/h100-sxm.json --trace " + kSample);
    ASSERT_EQ(r.status, 0) << r.err;
    const json stats = json::parse(r.out);
    EXPECT_EQ(stats["tma"]["loads"], 8);
    EXPECT_EQ(stats["tma"]["bytes_loaded"], 4 * (8192 + 16384));
    EXPECT_EQ(stats["mbarrier"]["phases_completed"], 8);
    EXPECT_EQ(stats["mma_instructions_by_opcode"]["HGMMA.64x128x16.F32"], 64);
    // At least every byte through the TMA unit's shared-memory port.
    const json sm = json::parse(std::ifstream(kSource + "/configs/h100-sxm.json"))["sm"];
    EXPECT_GE(stats["cycles"].get<long>(), 4 * (8192 + 16384) / sm["tma"]["smem_bytes_per_cycle"].get<long>());
}

TEST(CliTma, AnSm80ConfigNamesTheOpcodeAndTheArch) {
    const CommandResult r = run_stcsim("run --config " + kSource + "/configs/a100.json --trace " + kSample);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("SYNCS.EXCH.64"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sm_80"), std::string::npos) << r.err;
}

TEST(CliTma, AMissingArriveIsADeadlockReportNotAHang) {
    std::stringstream text;
    text << std::ifstream(kSample).rdbuf();
    std::string trace = text.str();
    const std::string arrive = "00000001 0 SYNCS.ARRIVE.TRANS64.A1T0 1 R4 8 1 0x7f8000000008 0 0 mbar=arrive:1:0";
    const std::size_t at = trace.find(arrive);
    ASSERT_NE(at, std::string::npos);
    trace.replace(at, arrive.size(), "00000001 0 NOP 0 0 0");
    const std::filesystem::path dir = std::filesystem::path(STCSIM_TEST_TMP_DIR) / "cli_tma_deadlock";
    std::filesystem::create_directories(dir);
    std::ofstream((dir / "kernel-1.traceg").string()) << trace;
    const CommandResult r = run_stcsim("run --config " + kSource + "/configs/h100-sxm.json --trace " +
                                       (dir / "kernel-1.traceg").string() + " --out " + (dir / "out").string());
    EXPECT_EQ(r.status, 3);
    EXPECT_NE(r.err.find("deadlock at cycle"), std::string::npos) << r.err.substr(0, 400);
    // One line; the state of every unit (here with the CTA's mbarriers) goes to the file it names.
    const std::string marker = "the state of every unit is in ";
    const std::size_t named = r.err.find(marker);
    ASSERT_NE(named, std::string::npos) << r.err.substr(0, 400);
    std::string path = r.err.substr(named + marker.size());
    path = path.substr(0, path.find('\n'));
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1);
    std::stringstream state;
    state << std::ifstream(path).rdbuf();
    EXPECT_NE(state.str().find("\"mbarriers\""), std::string::npos);
    std::filesystem::remove(path);
    EXPECT_FALSE(std::filesystem::exists(dir / "out" / "stats.json"));
}

}  // namespace
}  // namespace stcsim::testing
