// The per-instruction profile of a replay (sim/sm/pc_profile.h): every issue is counted at its
// kernel and PC, with the cycles its warp waited since its previous issue, split into the part
// the previous instruction's stall count imposed and the rest; keeping it changes no cycle.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"
#include "sim/sm/pc_profile.h"

namespace stcsim::sim {
namespace {

std::string write_trace(const std::string& name, const std::string& body, int warps = 1) {
    const std::string text = fmt::format(
        "-kernel name = profiled\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = ({},1,1)\n-shmem = 0\n"
        "-nregs = 128\n-binary version = 90\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n#BEGIN_TB\n"
        "thread block = 0,0,0\n{}#END_TB\n",
        32 * warps, body);
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_pc_profile_{}_{}.traceg", ::getpid(), name);
    std::ofstream(path) << text;
    return path.string();
}

GpuSpec h100() { return config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec; }

const PcProfile::Site& at(const PcProfile& p, std::uint64_t pc) {
    for (const PcProfile::Site& s : p.sites())
        if (s.pc == pc) return s;
    throw std::runtime_error(fmt::format("no site at PC 0x{:x}", pc));
}

// Independent FFMAs, each with stall count 3: every one after the first waits exactly 3 cycles,
// all of them the stall count's.
TEST(PcProfile, StallCountsAreTheWaitOfIndependentInstructions) {
    std::string body = "warp = 0\ninsts = 9\n";
    for (int i = 0; i < 8; ++i) body += fmt::format("{:04x} ffffffff 1 R{} FFMA 3 R100 R101 R102 0 0 stall=3\n", 16 * i, i + 2);
    body += "0080 ffffffff 0 EXIT 0 0 0\n";
    PcProfile profile;
    const ReplayResult r = run_replay(h100(), write_trace("independent", body), {}, &profile);
    ASSERT_EQ(profile.sites().size(), 9u);
    std::uint64_t executions = 0;
    for (const PcProfile::Site& s : profile.sites()) executions += s.executions;
    EXPECT_EQ(executions, r.warp_instructions);
    EXPECT_EQ(at(profile, 0).warp_cycles, 0u) << "a warp's first issue counts no wait";
    for (std::uint64_t pc = 0x10; pc <= 0x80; pc += 0x10) {
        EXPECT_EQ(at(profile, pc).executions, 1u) << pc;
        EXPECT_EQ(at(profile, pc).warp_cycles, 3u) << pc;
        EXPECT_EQ(at(profile, pc).stall_count_cycles, 3u) << pc;
    }
    EXPECT_EQ(at(profile, 0x80).sass, "EXIT");
}

// A dependent chain without stall counts waits on the scoreboard: the wait is all "other", and
// the same instructions replay to the same cycle count without a profile.
TEST(PcProfile, ScoreboardWaitsAreNotStallCounts) {
    std::string body = "warp = 0\ninsts = 7\n";
    for (int i = 0; i < 6; ++i) body += fmt::format("{:04x} ffffffff 1 R2 FFMA 3 R2 R101 R102 0 0\n", 16 * i);
    body += "0060 ffffffff 0 EXIT 0 0 0\n";
    const std::string trace = write_trace("chain", body);
    PcProfile profile;
    const ReplayResult with = run_replay(h100(), trace, {}, &profile);
    const ReplayResult without = run_replay(h100(), trace);
    EXPECT_EQ(with.cycles, without.cycles);
    for (std::uint64_t pc = 0x10; pc <= 0x50; pc += 0x10) {
        EXPECT_GE(at(profile, pc).warp_cycles, 2u) << "waits for the previous FFMA's result, pc " << pc;
        EXPECT_EQ(at(profile, pc).stall_count_cycles, 0u) << pc;
    }
}

// Two warps run the same PCs, the second a loop through PC 0x10 twice: the sites add up every
// warp's and every pass's issues, and the CSV lists them in PC order with their shares.
TEST(PcProfile, SitesAddUpWarpsAndLoopPasses) {
    const std::string body =
        "warp = 0\ninsts = 3\n0000 ffffffff 1 R2 IADD3 3 R100 R101 R102 0 0 stall=2\n"
        "0010 ffffffff 1 R3 IADD3 3 R100 R101 R102 0 0 stall=2\n0020 ffffffff 0 EXIT 0 0 0\n"
        "warp = 1\ninsts = 4\n0000 ffffffff 1 R2 IADD3 3 R100 R101 R102 0 0 stall=2\n"
        "0010 ffffffff 1 R3 IADD3 3 R100 R101 R102 0 0 stall=2\n0010 ffffffff 1 R3 IADD3 3 R100 R101 R102 0 0 stall=2\n"
        "0020 ffffffff 0 EXIT 0 0 0\n";
    PcProfile profile;
    run_replay(h100(), write_trace("loop", body, 2), {}, &profile);
    ASSERT_EQ(profile.sites().size(), 3u);
    EXPECT_EQ(at(profile, 0x0).executions, 2u);
    EXPECT_EQ(at(profile, 0x10).executions, 3u);
    EXPECT_EQ(at(profile, 0x10).stall_count_cycles, 6u);
    EXPECT_EQ(at(profile, 0x20).executions, 2u);
    const std::string csv = profile.csv();
    EXPECT_EQ(csv.substr(0, csv.find('\n')),
              "kernel,pc,sass,executions,warp_cycles,stall_count_cycles,other_cycles,cycles_per_execution,share");
    EXPECT_LT(csv.find("\n1,0x0,IADD3,2,"), csv.find("\n1,0x10,IADD3,3,"));
    EXPECT_LT(csv.find("\n1,0x10,IADD3,3,"), csv.find("\n1,0x20,EXIT,2,"));
}

}  // namespace
}  // namespace stcsim::sim
