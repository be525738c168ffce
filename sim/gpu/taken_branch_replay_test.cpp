// Fetch restarts at a jump's target (sm.scheduler.taken_branch_cycles): a warp's instruction whose
// traced PC does not follow its previous one (PC + 16) issues no earlier than that many cycles
// after the jump, whose own stall count runs meanwhile; falling through costs nothing, and after
// a branch through a register only indirect_branch_cycles applies. After a convergence barrier
// (BSYNC) the next instruction waits taken_branch_cycles beyond BSYNC's own stall count.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"

namespace stcsim::sim {
namespace {

constexpr int kIterations = 10;

std::string write_trace(const std::string& name, const std::string& instructions, int count) {
    const std::string text = fmt::format(
        "-kernel name = jumps\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = (32,1,1)\n-shmem = 0\n"
        "-nregs = 128\n-binary version = 90\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n#BEGIN_TB\n"
        "thread block = 0,0,0\nwarp = 0\ninsts = {}\n{}#END_TB\n",
        count, instructions);
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_jumps_{}_{}.traceg", ::getpid(), name);
    std::ofstream(path) << text;
    return path.string();
}

// A loop of two independent FFMAs and its branch back, kIterations times, then EXIT.
std::string loop_trace() {
    std::string body;
    for (int i = 0; i < kIterations; ++i)
        body += "0000 ffffffff 1 R2 FFMA 3 R100 R101 R102 0 0 stall=1\n0010 ffffffff 1 R3 FFMA 3 R100 R101 R102 0 0 stall=1\n"
                "0020 ffffffff 0 BRA 0 0 0 stall=2\n";
    body += "0030 ffffffff 0 EXIT 0 0 0\n";
    return write_trace("loop", body, 3 * kIterations + 1);
}

std::uint64_t cycles(const std::string& trace, int taken, int indirect) {
    GpuSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
    spec.sm.scheduler.taken_branch_cycles = taken;
    spec.sm.scheduler.indirect_branch_cycles = indirect;
    return run_replay(spec, trace).cycles;
}

TEST(TakenBranches, EveryJumpBackWaitsForFetch) {
    const std::string trace = loop_trace();
    // 9 jumps back to PC 0 (the last pass falls through to EXIT), each with stall count 2: the
    // fetch takes 6 cycles, 4 more than the stall count; a 2-cycle fetch hides behind it.
    EXPECT_EQ(cycles(trace, 6, 0), cycles(trace, 0, 0) + 9 * 4);
    EXPECT_EQ(cycles(trace, 2, 0), cycles(trace, 0, 0));
}

TEST(TakenBranches, StraightLineCodeDoesNotWait) {
    std::string body;
    for (int i = 0; i < 8; ++i) body += fmt::format("{:04x} ffffffff 1 R{} FFMA 3 R100 R101 R102 0 0 stall=1\n", 16 * i, i + 2);
    body += "0080 ffffffff 0 EXIT 0 0 0\n";
    const std::string trace = write_trace("straight", body, 9);
    EXPECT_EQ(cycles(trace, 5, 0), cycles(trace, 0, 0));
}

// An FFMA, then `control` at PC 0x10, then an FFMA at `next_pc` and EXIT after it.
std::string control_between_ffmas(const std::string& name, const std::string& control, int next_pc) {
    return write_trace(name,
                       fmt::format("0000 ffffffff 1 R2 FFMA 3 R100 R101 R102 0 0 stall=1\n0010 ffffffff {}\n"
                                   "{:04x} ffffffff 1 R3 FFMA 3 R100 R101 R102 0 0 stall=1\n{:04x} ffffffff 0 EXIT 0 0 0\n",
                                   control, next_pc, next_pc + 16),
                       4);
}

TEST(TakenBranches, AReturnWaitsItsIndirectCyclesOnly) {
    const std::string trace = control_between_ffmas("return", "0 RET.REL.NODEC 1 R20 0 0 stall=2", 0x100);
    EXPECT_EQ(cycles(trace, 5, 10), cycles(trace, 0, 0) + 10);
}

TEST(TakenBranches, AConvergenceBarrierRestartsFetchAfterItsStallCount) {
    const std::string trace = control_between_ffmas("bsync", "0 BSYNC 0 0 0 stall=3", 0x20);
    EXPECT_EQ(cycles(trace, 7, 0), cycles(trace, 0, 0) + 7);
    EXPECT_EQ(cycles(trace, 0, 12), cycles(trace, 0, 0));  // not a branch through a register
}

}  // namespace
}  // namespace stcsim::sim
