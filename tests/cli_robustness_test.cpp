// End-to-end tests of bad input: every case gets one clear line on stderr and exit status 1 (bad
// input) or 2 (bad usage), never a crash, a hang, a simulator-bug report or a quietly changed
// answer. One test per reproducer of the robustness campaign.
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "run_command.h"

namespace stcsim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kSource = STCSIM_SOURCE_DIR;
const std::string kA100 = kSource + "/configs/a100.json";
const std::string kDense = kSource + "/traces/samples/accelsim_dense";
const std::string kDenseKernel = kDense + "/kernel-1.traceg";
const std::string kSparseKernel = kSource + "/traces/samples/stcsim_sparse/kernel-1.traceg";

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

// `text` with its first `from` replaced by `to` (which must be there).
std::string replaced(std::string text, const std::string& from, const std::string& to) {
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    if (at != std::string::npos) text.replace(at, from.size(), to);
    return text;
}

std::string temp(const std::string& name, const std::string& contents) {
    return write_temp_file(std::to_string(::getpid()) + "_" + name, contents);
}

// The command failed with `status` and exactly one line on stderr that contains `message`.
void expect_one_line_error(const CommandResult& r, int status, const std::string& message) {
    EXPECT_EQ(r.status, status) << r.err;
    EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find('\n'), r.err.size() - 1) << "one line: " << r.err;
    EXPECT_EQ(r.err.find("internal error"), std::string::npos) << r.err;
}

CommandResult run_with(const std::string& config, const std::string& trace, const std::string& extra = "") {
    return run_stcsim("run --config '" + config + "' --trace '" + trace + "' " + extra);
}

// ---- configs ----

TEST(CliRobustness, DeeplyNestedConfigIsRefusedNotACrash) {
    const std::string path = temp("deep.json", std::string(200000, '[') + std::string(200000, ']'));
    expect_one_line_error(run_with(path, kDense), 1, "deep.json: JSON nested deeper than 64 levels");
}

TEST(CliRobustness, IntegersAbove32BitsAreRefusedNotWrapped) {
    for (const char* p : {"memory.l1.ways=4294967296", "memory.l2.ways=4294967296", "memory.l2.partitions=4294967296",
                          "memory.dram.channels=4294967296", "sm.sub_partitions=4294967295", "gpu.sms=4294967297",
                          "memory.l1.hit_latency=4294967303", "sm.pipelines.0.latency=65540", "sm.sub_partitions=2147483647",
                          "sm.tensor_core.dot_product_width=2147483647", "sm.register_file.reads_per_bank_per_cycle=2147483647",
                          "memory.shared.wavefront_cycles=2147483647"}) {
        const std::string key = std::string(p).substr(0, std::string(p).find('='));
        expect_one_line_error(run_with(kA100, kDense, std::string("-p ") + p), 1, "a100.json: " + key + ": expected an integer from");
    }
    expect_one_line_error(run_with(kA100, kDense, "-p memory.shared.bank_width_bytes=3"), 1, "expected a power of two");
}

TEST(CliRobustness, AHugeWatchdogIsKeptNotWrapped) {
    const CommandResult r = run_with(kA100, kDense, "--json -p engine.watchdog_cycles=4294967297");
    ASSERT_EQ(r.status, 0) << r.err;
}

TEST(CliRobustness, AHugeListIndexInAnOverrideIsBadInput) {
    expect_one_line_error(run_with(kA100, kDense, "-p sm.tensor_core.latencies.99999999999999999999999.cycles=1"), 1,
                          "expected a list index");
}

TEST(CliRobustness, DuplicateKeysAndTrailingTextInAConfigAreRefused) {
    const std::string config = slurp(kA100);
    expect_one_line_error(run_with(temp("dup.json", replaced(config, "{", "{\"engine\": {}, ")), kDense), 1,
                          "dup.json: key \"engine\" appears twice in one object");
    expect_one_line_error(run_with(temp("trailing.json", config + "\n} garbage"), kDense), 1, "trailing.json: malformed JSON at byte");
}

TEST(CliRobustness, AKeyWithControlCharactersIsEscapedInTheMessage) {
    json config = json::parse(slurp(kA100));
    config["sm"]["bogus\nkey\x1b[31m"] = 1;
    expect_one_line_error(run_with(temp("ctrl.json", config.dump()), kDense), 1, "sm.bogus\\nkey\\x1b[31m: unknown key");
}

TEST(CliRobustness, TensorCoresThatRunNothingAreAnErrorNotTheAluPipe) {
    json config = json::parse(slurp(kA100));
    for (auto& rate : config["sm"]["tensor_core"]["rates"]) rate["factor"] = 0;
    expect_one_line_error(run_with(temp("rate0.json", config.dump()), kDense), 1,
                          "kernel-1.traceg:34: HMMA.16816.F32: the configured tensor cores cannot run it");
}

// ---- long latencies are legal ----

TEST(CliRobustness, ALongDramLatencyIsWaitedForNotADeadlock) {
    for (const char* latency : {"100000", "100000000"}) {
        const CommandResult r = run_with(kA100, kDense, std::string("--json -p memory.dram.latency=") + latency);
        ASSERT_EQ(r.status, 0) << r.err;
        EXPECT_GT(json::parse(r.out)["cycles"].get<std::uint64_t>(), std::stoull(latency));
    }
}

// ---- traces ----

TEST(CliRobustness, TraceProblemsNameFileAndLine) {
    const std::string dense = slurp(kDenseKernel);
    struct Case {
        std::string name, trace, message;
    };
    const std::vector<Case> cases = {
        {"missing_block", replaced(dense, "-grid dim = (2,1,1)", "-grid dim = (3,1,1)"),
         "missing_block.traceg: the grid (3,1,1) has 3 thread blocks, but the trace lists 2"},
        {"dup_block", replaced(dense, "thread block = 1,0,0", "thread block = 0,0,0"),
         "dup_block.traceg:47: expected each thread block once"},
        {"big_block", replaced(dense, "(64,1,1)", "(65536,65536,16)"), "big_block.traceg:15: expected a block dim of at most 1024"},
        {"wrapping_block", replaced(dense, "(64,1,1)", "(2147483648,2147483648,2)"),
         "wrapping_block.traceg:15: expected a block dim of at most 1024"},
        {"lds3", replaced(dense, "LDS.64 1 R0 8 0", "LDS.64 1 R0 3 0"),
         "lds3.traceg:33: LDS.64: a shared-memory access of 3 bytes per lane"},
        {"ldsm", replaced(dense, "LDSM.16.M88.4 1 R0 2 1 0x7f2a7d000000", "LDSM.16.M88.4 1 R0 2 1 0x7f2a7d000004"),
         "ldsm.traceg:32: LDSM.16.M88.4: the row address 0x7f2a7d000004 of lane 0 is not 16-byte aligned"},
        {"opcode", replaced(dense, "IMAD.MOV.U32 2 R255", "IMAD\xff\xfe 2 R255"),
         "opcode.traceg:24: expected an opcode of printable ASCII characters, got 'IMAD\\xff\\xfe'"},
        {"selector", replaced(slurp(kSparseKernel), "R28 R24 0 1 dst", "R28 R24 0 7 dst"),
         "selector.traceg:30: HMMA.SP.16832.F32: selector 7 is illegal: legal values are 0..1"},
    };
    for (const Case& c : cases)
        expect_one_line_error(run_with(kA100, temp(c.name + ".traceg", c.trace)), 1, c.message);
}

TEST(CliRobustness, AHugeAddressStrideWrapsQuietly) {
    const std::string trace = replaced(slurp(kDenseKernel), "LDG.E 1 R2 4 2 0x7f2a5c001000 4 4 4 20 4 4 4 20 4 4 4 20 4 4 4 0",
                                       "LDG.E 1 R2 4 1 0x7f2a5c001000 9223372036854775807 0");
    const CommandResult r = run_with(kA100, temp("stride.traceg", trace));
    EXPECT_EQ(r.status, 0) << r.err;
}

// ---- output ----

TEST(CliRobustness, OutputFolderIsCheckedBeforeSimulating) {
    const std::string file = temp("not_a_folder", "x");
    // The trace is bad too: the output folder's error comes first, before any simulation.
    const std::string bad_trace = temp("never_read.traceg", "garbage\n");
    expect_one_line_error(run_with(kA100, bad_trace, "--out '" + file + "/sub'"), 1, "not_a_folder/sub: cannot create the output folder");
    expect_one_line_error(run_stcsim("bench mma --config " + kA100 + " --out '" + file + "/sub'"), 1, "cannot create the output folder");
    expect_one_line_error(run_stcsim("bench latency --config " + kA100 + " --footprint 4096 --out '" + file + "/sub'"), 1,
                          "cannot create the output folder");
    if (::geteuid() != 0) {  // permissions do not bind root
        const fs::path locked = fs::path(STCSIM_TEST_TMP_DIR) / ("locked_" + std::to_string(::getpid()));
        fs::create_directories(locked);
        fs::permissions(locked, fs::perms::owner_read | fs::perms::owner_exec);
        expect_one_line_error(run_with(kA100, bad_trace, "--out '" + locked.string() + "'"), 1, "cannot write into the output folder");
        fs::permissions(locked, fs::perms::owner_all);
        fs::remove_all(locked);
    }
}

TEST(CliRobustness, AResultThatCannotBeWrittenIsAnError) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / ("full_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    fs::create_symlink("/dev/full", dir / "stats.json");
    expect_one_line_error(run_with(kA100, kDense, "--out '" + dir.string() + "'"), 1, "stats.json: cannot write: No space left on device");
    fs::remove_all(dir);
}

TEST(CliRobustness, ResultsAreWrittenWhole) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / ("whole_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    const CommandResult r = run_with(kA100, kDense, "--out '" + dir.string() + "'");
    ASSERT_EQ(r.status, 0) << r.err;
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(dir)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    EXPECT_EQ(names, (std::vector<std::string>{"config.json", "stats.json"}));  // no temporary file left behind
    EXPECT_NO_THROW(json::parse(slurp((dir / "config.json").string())));
    fs::remove_all(dir);
}

// ---- benchmarks and trace generation ----

TEST(CliRobustness, UnboundedBenchmarksAndTracesAreRefused) {
    expect_one_line_error(run_stcsim("bench mma --config " + kA100 + " --iters 1000000000000"), 1,
                          "--iters: expected 1 to 100000000, got 1000000000000");
    expect_one_line_error(run_stcsim("bench latency --config " + kA100 + " --footprint -5"), 2,
                          "--footprint: expected an integer from 0 to");
    expect_one_line_error(run_stcsim("bench latency --config " + kA100 + " --footprint 1024 --stride -8"), 2, "--stride");
    expect_one_line_error(run_stcsim("bench ldmatrix --config " + kA100 + " --row-pitch -16"), 2, "--row-pitch");
    expect_one_line_error(run_stcsim("compare --measured /nonexistent --config " + kA100 + " --threads -1"), 2,
                          "--threads: expected 0 to 1024, got -1");
    expect_one_line_error(run_stcsim("trace gen gemm --m 4294967296 --n 128 --k 64 --out '" + std::string(STCSIM_TEST_TMP_DIR) +
                                     "/never'"),
                          1, "M, N and K must be at most 1048576");
}

// A published folder's header naming its benchmark twin wrongly: one line naming the key or the file.
TEST(CliRobustness, ABadBenchmarkTwinIsNamed) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / (std::to_string(::getpid()) + "_twin_folder");
    fs::create_directories(dir);
    const std::string record =
        R"({"experiment": "mma", "instr": "mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32", "warps": 1, "ilp": 1, "iters": 10000, "cycles": 160000})";
    std::ofstream(dir / "mma_sweep.jsonl") << record << "\n";
    const std::string config = kSource + "/configs/h100-sxm.json";
    std::ofstream(dir / "header.json") << R"({"gpu": "test", "synthetic": true, "twin": 5})";
    expect_one_line_error(run_stcsim("compare --measured '" + dir.string() + "' --config " + config), 1, "key 'twin' must be a string");
    std::ofstream(dir / "header.json") << R"({"gpu": "test", "synthetic": true, "twin": "../luo"})";
    expect_one_line_error(run_stcsim("compare --measured '" + dir.string() + "' --config " + config), 1,
                          "key 'twin' must name a kernel file of validation/twins");
    std::ofstream(dir / "header.json") << R"({"gpu": "test", "synthetic": true, "twin": "luo_mma"})";
    expect_one_line_error(run_stcsim("compare --measured '" + dir.string() + "' --config " + config + " --twins /nonexistent"), 1,
                          "/nonexistent/luo_mma_sm90.cubin: no such file: the benchmark twin 'luo_mma' is not built");
}

// ---- stcsim mma ----

TEST(CliRobustness, MmaNumbersBeyond64BitsAreOutOfRangeNotWrapped) {
    json a = json::array(), b = json::array(), c = json::array();
    for (int r = 0; r < 16; ++r) a.push_back(json::array_t(32, 0));
    for (int r = 0; r < 32; ++r) b.push_back(json::array_t(8, 0));
    for (int r = 0; r < 16; ++r) c.push_back(json::array_t(8, 0));
    json element = {{"a", a}, {"b", b}, {"c", c}};
    element["a"][0][0] = 18446744073709551615ull;
    expect_one_line_error(run_stcsim("mma --arch sm_80 --instr 'mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32' --input -",
                                     element.dump() + "\n"),
                          1, "<stdin>:1: a[0][0]: 18446744073709551615 is out of range for s8");
    json selector = {{"a", a}, {"b", b}, {"c", c}, {"selector", 18446744073709551615ull}};
    for (auto& row : selector["a"]) row = json::array_t(32, 0);
    selector["b"] = json::array();
    for (int r = 0; r < 32; ++r) selector["b"].push_back(json::array_t(8, 0));
    expect_one_line_error(run_stcsim("mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32' --input -",
                                     selector.dump() + "\n"),
                          1, "selector 18446744073709551615 is illegal");
}

TEST(CliRobustness, MmaCaseWithDuplicateKeysOrDeepNestingIsRefused) {
    expect_one_line_error(run_stcsim("mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32' --input -",
                                     "{\"a\": 1, \"a\": 2}\n"),
                          1, "<stdin>:1: key \"a\" appears twice");
    expect_one_line_error(run_stcsim("mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32' --input -",
                                     std::string(100000, '[') + "\n"),
                          1, "<stdin>:1: JSON nested deeper than 64 levels");
}

}  // namespace
}  // namespace stcsim::testing
