// The compiler's yield hints (the `hold` token) keep a warp's burst of short-stall instructions
// together. Luo et al.'s ILP-1 loop on sm_90 pads each dependent HMMA with three NOPs: HMMA, NOP,
// NOP with a stall of 1 and the hint clear, then a NOP with a stall of 13, 16 cycles per HMMA. At
// four warps per sub-partition that is exactly one HMMA per 4 cycles, the tensor pipe's rate for
// a half-size form; the H100 reaches 1010 of 1024 FMA/clk/SM there (Johnsonms/NVIDIA-Hopper-Benchmark,
// raw/mma_m16n8k8.log). Loose round robin alone interleaves the bursts, which delays HMMAs and
// leaves the pipe idle; following the hints keeps it busy.
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

constexpr int kWarps = 16;  // 4 per sub-partition
constexpr int kMmas = 128;

std::string padded_mma_loop(bool with_hints) {
    std::string text = fmt::format(
        "-kernel name = padded_mma\n-kernel id = 1\n-grid dim = (1,1,1)\n-block dim = ({},1,1)\n-shmem = 0\n"
        "-nregs = 32\n-binary version = 90\n-accelsim tracer version = 5\n-stcsim trace version = 1\n\n#BEGIN_TB\n"
        "thread block = 0,0,0\n",
        32 * kWarps);
    const char* hold = with_hints ? " hold" : "";
    for (int w = 0; w < kWarps; ++w) {
        text += fmt::format("warp = {}\ninsts = {}\n", w, 4 * kMmas + 1);
        for (int i = 0; i < kMmas; ++i) {
            const int pc = 64 * i;
            text += fmt::format("{:04x} ffffffff 1 R12 HMMA.1688.F16 3 R6 R5 R12 0 0 dst=R12:2 src=R6:2,R5,R12:2 stall=1{}\n", pc, hold);
            text += fmt::format("{:04x} ffffffff 0 NOP 0 0 0 stall=1{}\n", pc + 16, hold);
            text += fmt::format("{:04x} ffffffff 0 NOP 0 0 0 stall=1{}\n", pc + 32, hold);
            text += fmt::format("{:04x} ffffffff 0 NOP 0 0 0 stall=13\n", pc + 48);
        }
        text += fmt::format("{:04x} ffffffff 0 EXIT 0 0 0\n", 64 * kMmas);
    }
    text += "#END_TB\n";
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / fmt::format("stcsim_yield_{}_{}.traceg", ::getpid(), with_hints);
    std::ofstream(path) << text;
    return path.string();
}

std::uint64_t cycles(bool with_hints, bool follow) {
    GpuSpec spec = config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h100-sxm.json").spec;
    spec.sm.scheduler.yield_hints = follow;
    const std::string path = padded_mma_loop(with_hints);
    const std::uint64_t c = run_replay(spec, path).cycles;
    std::filesystem::remove(path);
    return c;
}

TEST(YieldHints, KeepTheTensorPipeBusyAtFourWarpsPerSubPartition) {
    const std::uint64_t pipe_bound = 4u * 4u * kMmas;  // 4 warps x 4 cycles per HMMA
    const std::uint64_t held = cycles(true, true);
    EXPECT_GE(held, pipe_bound);
    EXPECT_LE(held, pipe_bound + pipe_bound / 50 + 64) << "pipe-bound " << pipe_bound;  // within 2%, plus fill and drain
    const std::uint64_t interleaved = cycles(false, true);
    EXPECT_GT(interleaved, held + pipe_bound / 50) << "without the tokens " << interleaved << ", with " << held;
}

TEST(YieldHints, AreIgnoredWhenTheConfigSaysSo) {
    EXPECT_EQ(cycles(true, false), cycles(false, true));
}

}  // namespace
}  // namespace stcsim::sim
