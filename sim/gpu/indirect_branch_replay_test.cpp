// A branch through a register (RET, BRX, JMX) holds its warp for sm.scheduler.indirect_branch_cycles
// beyond its stall count: fetch restarts only once the branch has resolved. A direct branch
// costs only its stall count. On sm_90 every int4 mma is a subroutine call, so each one pays it.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "isa/lowering.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/mma_bench.h"
#include "sim/gpu/replay.h"

namespace stcsim::sim {
namespace {

GpuSpec h100(int indirect_branch_cycles) {
    GpuSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
    spec.sm.scheduler.indirect_branch_cycles = indirect_branch_cycles;
    spec.sm.scheduler.taken_branch_cycles = 0;  // the jumps' own fetch wait: taken_branch_replay_test.cpp
    return spec;
}

// One warp: four IADD3s, a call, two IADD3s in the callee, its return (or a direct branch back
// instead), two more IADD3s and EXIT, every instruction with its stall count.
std::string call_and_return(const std::string& back) {
    std::string text =
        "-kernel name = call_and_return\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = (32,1,1)\n-shmem = 0\n"
        "-nregs = 32\n-binary version = 90\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n#BEGIN_TB\n"
        "thread block = 0,0,0\nwarp = 0\ninsts = 11\n";
    const auto add = [&](int pc, int reg) {
        text += fmt::format("{:04x} ffffffff 1 R{} IADD3 1 R{} 0 0 stall=2\n", pc, reg, reg + 8);
    };
    for (int i = 0; i < 4; ++i) add(16 * i, i);
    text += "0040 ffffffff 0 CALL.REL.NOINC 0 0 0 stall=5\n";
    add(0x100, 4);
    add(0x110, 5);
    text += fmt::format("0120 ffffffff 0 {} 0 0 0 stall=6\n", back);
    add(0x50, 6);
    add(0x60, 7);
    text += "0070 ffffffff 0 EXIT 0 0 0\n#END_TB\n";
    return text;
}

std::uint64_t replay_cycles(const std::string& text, int indirect_branch_cycles) {
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_indirect_{}.traceg", ::getpid());
    std::ofstream(path) << text;
    const std::uint64_t c = run_replay(h100(indirect_branch_cycles), path.string()).cycles;
    std::filesystem::remove(path);
    return c;
}

TEST(IndirectBranch, AReturnHoldsItsWarpForTheConfiguredCycles) {
    const std::string ret = call_and_return("RET.REL.NODEC");
    EXPECT_EQ(replay_cycles(ret, 40), replay_cycles(ret, 0) + 40);
    EXPECT_EQ(replay_cycles(ret, 7), replay_cycles(ret, 0) + 7);
    const std::string direct = call_and_return("BRA");
    EXPECT_EQ(replay_cycles(direct, 40), replay_cycles(direct, 0)) << "a direct branch costs its stall count only";
}

// The lowered int4 sequence (isa/lowering.h) holds ptxas's CALL and RET: one warp's chain of
// dependent int4 mmas pays the wait once per mma.
TEST(IndirectBranch, EveryInt4MmaOnHopperPaysItOnce) {
    const char* int4 = "mma.sync.aligned.m16n8k32.row.col.s32.s4.s4.s32";
    const isa::Lowering* lowered = isa::lowering(isa::parse_mma(int4, isa::Arch::sm_90), isa::Arch::sm_90);
    ASSERT_NE(lowered, nullptr);
    int returns = 0;
    for (const isa::LoweredStep& step : lowered->steps) returns += step.opcode.rfind("RET", 0) == 0;
    ASSERT_EQ(returns, 1);
    const MmaBenchParams p{int4, 1, 1, 50};
    const std::uint64_t without = run_mma_bench(h100(0), p).cycles;
    EXPECT_EQ(run_mma_bench(h100(40), p).cycles, without + 40u * 50u);
}

}  // namespace
}  // namespace stcsim::sim
