// End-to-end tests of `stcsim trace gen kernel`: usage and input errors, and a compiled kernel traced
// from its SASS (the integer-semantics kernels that the build compiles when nvcc is present).
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "run_command.h"

namespace stcsim {
namespace {

using testing::CommandResult;
using testing::run_stcsim;

std::string params_file() {
    // unsigned* out = 0x700000000000, int a = 13, int b = 6, unsigned u, long long w
    std::string bytes(32, '\0');
    const std::uint64_t out = 0x0000700000000000ull;
    const std::int32_t a = 13, b = 6;
    std::memcpy(bytes.data(), &out, 8);
    std::memcpy(bytes.data() + 8, &a, 4);
    std::memcpy(bytes.data() + 12, &b, 4);
    return testing::write_temp_file("sass_params.bin", bytes);
}

TEST(CliTraceGenKernel, UsageAndInputErrors) {
    const std::string out = std::string(STCSIM_TEST_TMP_DIR) + "/sass_bad";
    CommandResult r = run_stcsim("trace gen kernel --binary x --kernel k --grid 0,1 --block 32 --params x --out " + out);
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--grid"), std::string::npos) << r.err;
    r = run_stcsim("trace gen kernel --kernel k --grid 1 --block 32 --params x --out " + out);
    EXPECT_EQ(r.status, 2);
    r = run_stcsim("trace gen kernel --binary /no/such/file --kernel k --grid 1 --block 32 --params " + params_file() +
                   " --out " + out);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("/no/such/file: no such file"), std::string::npos) << r.err;
    r = run_stcsim("trace gen kernel --binary x --kernel k --grid 1 --block 32 --params /no/params --out " + out);
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("cannot read the parameter bytes"), std::string::npos) << r.err;
}

TEST(CliTraceGenKernel, NamesAMissingCuobjdump) {
    // run_stcsim runs "<stcsim> ARGS" with /bin/sh: a first harmless command, then one with the override.
    const CommandResult r = run_stcsim("--help >/dev/null 2>&1; STCSIM_CUOBJDUMP=/no/cuobjdump " +
                                       std::string(STCSIM_BINARY_FOR_TESTS) + " trace gen kernel --binary " +
                                       params_file() + " --kernel k --grid 1 --block 32 --params " + params_file() +
                                       " --out " + std::string(STCSIM_TEST_TMP_DIR) + "/sass_tool");
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("STCSIM_CUOBJDUMP=/no/cuobjdump: not an executable"), std::string::npos) << r.err;
}

TEST(CliTraceGenKernel, TracesACompiledKernel) {
    const std::string cubin = STCSIM_SASS_TEST_CUBIN;
    if (cubin.empty() || !std::filesystem::exists(cubin)) GTEST_SKIP() << "no nvcc: the test kernels were not compiled";
    const std::string out = std::string(STCSIM_TEST_TMP_DIR) + "/sass_mul_add";
    std::filesystem::remove_all(out);
    const CommandResult r = run_stcsim("trace gen kernel --binary " + cubin + " --kernel mul_add --grid 2,1,1 --block 64 "
                                       "--params " + params_file() + " --out " + out);
    if (r.status == 1 && r.err.find("cuobjdump not found") != std::string::npos) GTEST_SKIP() << r.err;
    ASSERT_EQ(r.status, 0) << r.err;
    const nlohmann::json summary = nlohmann::json::parse(r.out);
    EXPECT_EQ(summary["thread_blocks"], 2);
    EXPECT_EQ(summary["arch"], "sm_80");
    const CommandResult one = run_stcsim("trace gen kernel --binary " + cubin + " --kernel mul_add --grid 2,1,1 --block 64 "
                                         "--ctas 1 --params " + params_file() + " --out " + out + "_cta1");
    ASSERT_EQ(one.status, 0) << one.err;
    EXPECT_EQ(nlohmann::json::parse(one.out)["thread_blocks"], 1);
    const CommandResult stats = run_stcsim("trace stats --json " + out + "/kernelslist.g");
    ASSERT_EQ(stats.status, 0) << stats.err;
    const nlohmann::json s = nlohmann::json::parse(stats.out);
    EXPECT_EQ(s["thread_blocks"], 2);
    EXPECT_EQ(s["warps"], 4);
    EXPECT_EQ(s["instructions_by_opcode"]["STG.E"], 4);
    EXPECT_EQ(s["warp_instructions"], summary["instructions"]);
    // Lane 5 of warp 1 of CTA 1 is thread t = 37: out[37 * 13 + 6].
    std::ifstream in(out + "/kernel-1.traceg");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_NE(text.find("STG.E"), std::string::npos);
    char expected[32];
    std::snprintf(expected, sizeof expected, "0x%llx", 0x0000700000000000ull + 4ull * (0 * 13 + 6));
    EXPECT_NE(text.find(expected), std::string::npos) << "the address of thread 0";
    // Trace and replay in one command.
    const CommandResult run = run_stcsim("run --config " + std::string(STCSIM_SOURCE_DIR) + "/configs/a100.json --binary " +
                                         cubin + " --kernel mul_add --grid 2,1,1 --block 64 --params " + params_file() +
                                         " --json");
    ASSERT_EQ(run.status, 0) << run.err;
    const nlohmann::json replay = nlohmann::json::parse(run.out);
    EXPECT_EQ(replay["warp_instructions"], summary["instructions"]);
    EXPECT_GT(replay["cycles"].get<std::uint64_t>(), 0u);
    const CommandResult both = run_stcsim("run --config x --trace y --binary " + cubin);
    EXPECT_EQ(both.status, 2);
    const CommandResult bad = run_stcsim("trace gen kernel --binary " + cubin + " --kernel no_such_kernel --grid 1 "
                                         "--block 32 --params " + params_file() + " --out " + out);
    EXPECT_EQ(bad.status, 1);
    EXPECT_NE(bad.err.find("no kernel 'no_such_kernel'"), std::string::npos) << bad.err;
    const CommandResult short_params = run_stcsim("trace gen kernel --binary " + cubin + " --kernel mul_add --grid 1 "
                                                  "--block 32 --params " + testing::write_temp_file("p4", "abcd") +
                                                  " --out " + out);
    EXPECT_EQ(short_params.status, 1);
    EXPECT_NE(short_params.err.find("beyond the 4 parameter bytes given"), std::string::npos) << short_params.err;
}

}  // namespace
}  // namespace stcsim
