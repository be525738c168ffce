// End-to-end tests of `stcsim trace gen gemm` and `stcsim trace stats`.
#include <gtest/gtest.h>

#include <algorithm>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "run_command.h"

namespace stcsim::testing {
namespace {

using nlohmann::json;

std::string out_dir(const std::string& name) {
    return (std::filesystem::path(STCSIM_TEST_TMP_DIR) / name).string();
}

TEST(CliTrace, GenGemmWritesKernelsListAndTrace) {
    const std::string dir = out_dir("cli_gemm_sparse");
    const CommandResult r = run_stcsim("trace gen gemm --impl synthetic --m 256 --n 256 --k 256 --dtype f16 --acc f32 --sparse --out " + dir);
    ASSERT_EQ(r.status, 0) << r.err;
    const json summary = json::parse(r.out);
    EXPECT_EQ(summary["mma_sass"], "HMMA.SP.16832.F32");
    EXPECT_EQ(summary["mma_instructions"], 256 * 256 * 256 / (16 * 8 * 32));
    EXPECT_TRUE(std::filesystem::exists(dir + "/kernelslist.g"));
    EXPECT_TRUE(std::filesystem::exists(dir + "/kernel-1.traceg"));

    const CommandResult stats = run_stcsim("trace stats --json " + dir + "/kernelslist.g");
    ASSERT_EQ(stats.status, 0) << stats.err;
    const json s = json::parse(stats.out);
    EXPECT_EQ(s["warp_instructions"], summary["instructions"]);
    EXPECT_EQ(s["instructions_by_opcode"]["HMMA.SP.16832.F32"], summary["mma_instructions"]);
    EXPECT_EQ(s["thread_blocks"], 4);
}

TEST(CliTrace, GenGemmCompressed) {
    const std::string dir = out_dir("cli_gemm_zst");
    const CommandResult r = run_stcsim("trace gen gemm --impl synthetic --m 128 --n 128 --k 64 --dtype s8 --compress zst --tile 128x128x64 "
                                       "--warp-tile 64x64x64 --stages 2 --out " + dir);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_TRUE(std::filesystem::exists(dir + "/kernel-1.traceg.zst"));
    const CommandResult stats = run_stcsim("trace stats --json " + dir + "/kernelslist.g");
    ASSERT_EQ(stats.status, 0) << stats.err;
    EXPECT_EQ(json::parse(stats.out)["instructions_by_opcode"]["IMMA.16832.S8.S8"], 128 * 128 * 64 / (16 * 8 * 32));
}

TEST(CliTrace, BadInputAndBadUsage) {
    CommandResult r = run_stcsim("trace gen gemm --impl synthetic --m 100 --n 128 --k 64 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("must divide the problem 100x128x64"), std::string::npos) << r.err;
    r = run_stcsim("trace gen gemm --impl synthetic --n 128 --k 64 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--m"), std::string::npos) << r.err;
    r = run_stcsim("trace gen gemm --impl synthetic --m 128 --n 128 --k 64 --tile 128x128 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--tile must be MxNxK"), std::string::npos) << r.err;
    r = run_stcsim("trace gen conv --out x");
    EXPECT_EQ(r.status, 2);
    r = run_stcsim("trace gen gemm --impl handmade --m 128 --n 128 --k 64 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--impl must be cutlass, bench or synthetic, not 'handmade'"), std::string::npos) << r.err;
    r = run_stcsim("trace gen gemm --impl cutlass --arch sm_86 --m 128 --n 128 --k 64 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--impl cutlass has sm_80 and sm_90 (CUTLASS 2.x) and sm_90a (CUTLASS 3.x) kernels, not 'sm_86'"),
              std::string::npos)
        << r.err;
    r = run_stcsim("trace gen gemm --impl bench --gemm-bench /nonexistent/gemm_bench --m 128 --n 128 --k 64 --out " +
                   out_dir("cli_bad"));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/nonexistent/gemm_bench"), std::string::npos) << r.err;
}

// gemm_bench refuses a problem its tiles do not divide; the message is gemm_bench's own.
TEST(CliTrace, BenchKernelRefusesAProblemItsTilesDoNotDivide) {
    const CommandResult r = run_stcsim("trace gen gemm --impl bench --arch sm_90 --m 1000 --n 128 --k 64 --out " + out_dir("cli_bad"));
    EXPECT_EQ(r.status, 1);
    if (r.err.find("gemm_bench was not built") != std::string::npos) GTEST_SKIP() << "validation/gemm_bench was not built (needs nvcc)";
    EXPECT_NE(r.err.find("does not divide the problem 1000x128x64"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
}

TEST(CliTrace, StatsOfAccelSimSamplesAndOfAMalformedTrace) {
    const CommandResult r = run_stcsim(std::string("trace stats --json ") + STCSIM_SOURCE_DIR + "/traces/samples/accelsim_dense/kernelslist.g");
    ASSERT_EQ(r.status, 0) << r.err;
    const json s = json::parse(r.out);
    EXPECT_EQ(s["kernels"], 2);
    EXPECT_EQ(s["warp_instructions"], 12 + 3 + 2 + 1 + 4);
    const std::string bad = write_temp_file("cli_bad.traceg", "-grid dim = (1,1,1)\n-block dim = (32,1,1)\n"
                                            "-accelsim tracer version = 5\n#BEGIN_TB\nthread block = 0,0,0\nwarp = 0\n"
                                            "insts = 1\n0000 ffffffff 1 R4 LDG.E 1 R2 4 7 0x0 0\n#END_TB\n");
    const CommandResult e = run_stcsim("trace stats " + bad);
    EXPECT_EQ(e.status, 1);
    EXPECT_NE(e.err.find(bad + ":8: expected an address compression mode"), std::string::npos) << e.err;
}

}  // namespace
}  // namespace stcsim::testing
