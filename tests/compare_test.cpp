// End-to-end tests of `stcsim compare` on a SYNTHETIC measurement folder generated here, in the
// build tree (never under validation/measurements/): the "measured" mma cycles are the simulator's
// own outputs changed by known percentages, the probe file's D comes from the functional model
// (one case deliberately corrupted in the "corrupt" variant). The tests check the table, MAPE,
// correlation, functional counts, exit statuses and --report.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <numeric>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <unistd.h>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "isa/arch.h"
#include "isa/catalog.h"
#include "run_command.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/memory_bench.h"
#include "sim/gpu/mma_bench.h"
#include "sim/gpu/replay.h"
#include "sim/trace/compressed_stream.h"
#include "sim/trace/gemm_trace.h"
#include "tools/compare_gemm.h"
#include "tools/compare_memory_bench.h"
#include "tools/compare_pipe_bench.h"
#include "tools/compare_rows.h"
#include "tools/mma_case.h"
#include "tools/program_launch.h"

namespace stcsim::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

const std::string kConfig = std::string(STCSIM_SOURCE_DIR) + "/configs/a100.json";
const std::string kSparse = "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32";
const std::string kDense = "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32";

struct MmaPoint {
    std::string instr;
    int warps, ilp, iters;
    double error_percent;  // the simulated cycles are this much above the synthetic "measurement"
    const char* cls;       // the regime compare_regimes.h gives the point
};
// Two latency-bound sparse points, three on the sparse plateau, and the only dense record.
const std::vector<MmaPoint> kPoints = {{kSparse, 1, 1, 64, 5, "mma_latency"},     {kSparse, 2, 1, 64, -10, "mma_latency"},
                                       {kSparse, 8, 4, 32, 2, "mma_throughput"},  {kSparse, 16, 4, 32, 4, "mma_throughput"},
                                       {kSparse, 8, 8, 32, -3, "mma_throughput"}, {kDense, 2, 1, 64, 0, "mma"}};

// The row's error: cycles for latency rows, FMA rates (the inverse) for throughput rows.
double row_error(const MmaPoint& p) {
    return std::string(p.cls) == "mma_throughput" ? -p.error_percent / (1 + p.error_percent / 100) : p.error_percent;
}
constexpr double kLatencyError = 20;
constexpr double kGemmError = -8;

std::vector<double> simulated_mma() {
    const auto config = sim::config::load_config_file(kConfig, {});
    std::vector<double> out;
    for (const MmaPoint& p : kPoints)
        out.push_back(static_cast<double>(sim::run_mma_bench(config.spec, {p.instr, p.warps, p.ilp, p.iters}).cycles));
    return out;
}

json logical_case(int seed) {
    json a = json::array(), b = json::array(), c = json::array();
    for (int r = 0; r < 16; ++r) {
        json row = json::array();
        for (int k = 0; k < 32; ++k) row.push_back(k % 4 == (r + seed) % 4 || k % 4 == (r + seed + 1) % 4 ? (r + k + seed) % 7 - 3 : 0);
        a.push_back(row);
    }
    for (int k = 0; k < 32; ++k) {
        json row = json::array();
        for (int n = 0; n < 8; ++n) row.push_back(static_cast<double>((k * 3 + n + seed) % 9 - 4) / 4);
        b.push_back(row);
    }
    for (int r = 0; r < 16; ++r) c.push_back(json::array({1, 0, -1, 2, 0, 0, 0.5, seed}));
    return {{"a", a}, {"b", b}, {"c", c}, {"selector", 0}};
}

void write_probes(const fs::path& dir, bool corrupt) {
    fs::create_directories(dir / "probes");
    const isa::MmaForm form = isa::parse_mma(kSparse, isa::Arch::sm_80);
    std::ofstream cases(dir / "probes" / "sp_f16.cases.jsonl"), gpu(dir / "probes" / "sp_f16.gpu.jsonl");
    for (int i = 0; i < 3; ++i) {
        const json object = logical_case(i);
        json d = cli::run_mma_case(form, isa::Arch::sm_80, {}, object, "synthetic");
        if (corrupt && i == 1) d["d"][3][5] = "0x" + std::string(d["d"][3][5].get<std::string>().substr(2, 7)) + "f";
        cases << object.dump() << '\n';
        gpu << d.dump() << '\n';
    }
    json form_entry = {{"instr", kSparse}, {"arch", "sm_80"}, {"id", "sp_f16"},
                       {"valid", {{"cases", 3}, {"cases_file", "sp_f16.cases.jsonl"}, {"gpu_file", "sp_f16.gpu.jsonl"}}}};
    std::ofstream(dir / "probes" / "index.json") << json{{"experiment", "mma_probes"}, {"synthetic", true}, {"forms", {form_entry}}}.dump() << '\n';
}

// A synthetic folder named synthetic-<name> under the build's temporary test folder.
// The replayed cycles of the synthetic GEMM record's kernel (256x256x512 sparse f16, default tiles):
// validation/gemm_bench's compiled kernel for the config's arch when the build made gemm_bench (the
// kernel compare replays then), else the hand-built look-alike.
double simulated_gemm(const sim::GpuSpec& spec) {
    trace::GemmTraceSpec gemm;
    gemm.m = 256;
    gemm.n = 256;
    gemm.k = 512;
    gemm.sparse = true;
    gemm.tile = {128, 128, 64};
    gemm.warp_tile = {64, 64, 64};
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / ("gemm-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    if (cli::default_gemm_bench().empty()) {
        trace::write_gemm_trace(gemm, dir.string());
    } else {
        const cli::ProgramLaunch launch = cli::gemm_bench_launch(cli::default_gemm_bench().string(), gemm, (dir / "params").string());
        EXPECT_EQ(launch.launch.grid.x * launch.launch.grid.y, 4u);
        cli::trace_program_launch(launch, spec.gpu.arch, dir.string(), {});
    }
    const double cycles = static_cast<double>(sim::run_replay(spec, (dir / "kernelslist.g").string()).cycles);
    fs::remove_all(dir);
    return cycles;
}

fs::path make_folder(const std::string& name, bool corrupt) {
    // One folder per test process: ctest runs the tests of this file in parallel processes.
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare" / ("synthetic-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << json{{"synthetic", true}, {"gpu", "SYNTHETIC: simulator output with known errors"},
                                               {"driver_version", "none"}, {"compute_capability", "8.0"},
                                               {"commands", {"generated by tests/compare_test.cpp"}}}.dump(1);
    const auto sim = simulated_mma();
    std::ofstream mma(dir / "mma_sweep.jsonl");
    for (std::size_t i = 0; i < kPoints.size(); ++i) {
        const MmaPoint& p = kPoints[i];
        mma << json{{"experiment", "mma"}, {"instr", p.instr}, {"warps", p.warps}, {"ilp", p.ilp}, {"iters", p.iters},
                    {"cycles", sim[i] / (1 + p.error_percent / 100)}}.dump() << '\n';
    }
    mma << json{{"experiment", "mma"}, {"instr", kDense}, {"warps", 1}, {"ilp", 1}, {"iters", 64}, {"skipped", "synthetic skip"}}.dump() << '\n';
    const auto config = sim::config::load_config_file(kConfig, {});
    const double latency = sim::run_latency_bench(config.spec, {65536, 128, "all"}).latency_cycles;
    std::ofstream(dir / "memory.jsonl") << json{{"experiment", "latency"}, {"footprint", 65536}, {"stride", 128},
                                                {"latency_cycles", latency / (1 + kLatencyError / 100)}}.dump() << '\n';
    std::ofstream(dir / "gemm.jsonl") << json{{"experiment", "gemm"}, {"m", 256}, {"n", 256}, {"k", 512}, {"dtype", "f16"},
                                              {"acc", "f32"}, {"sparse", true}, {"tile", "128x128x64"}, {"warp_tile", "64x64x64"},
                                              {"stages", 3}, {"ms", 0.01},
                                              {"cycles_est", simulated_gemm(config.spec) / (1 + kGemmError / 100)}}.dump() << '\n';
    write_probes(dir, corrupt);
    return dir;
}

std::string thresholds(const std::string& name, double mma, double latency, double mma_point = 100) {
    const json limits{{"max_mape_percent", {{"mma", mma}, {"mma_latency", mma}, {"mma_throughput", mma}, {"latency", latency}}},
                      {"max_point_error_percent", {{"mma_latency", mma_point}, {"mma_throughput", mma_point}}}};
    return write_temp_file(std::to_string(::getpid()) + "-" + name, limits.dump());
}

std::string compare(const fs::path& dir, const std::string& extra = "") {
    return "compare --measured '" + dir.string() + "' --config " + kConfig + " --threads 2 " + extra;
}

class Compare : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        clean_ = new fs::path(make_folder("clean", false));
        corrupt_ = new fs::path(make_folder("corrupt", true));
    }
    static void TearDownTestSuite() {
        fs::remove_all(*clean_);
        fs::remove_all(*corrupt_);
        delete clean_;
        delete corrupt_;
    }
    static fs::path* clean_;
    static fs::path* corrupt_;
};
fs::path* Compare::clean_ = nullptr;
fs::path* Compare::corrupt_ = nullptr;

TEST_F(Compare, TablePrintsEveryRowWithItsError) {
    const CommandResult r = run_stcsim(compare(*clean_));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("SYNTHETIC"), std::string::npos) << r.out;
    for (const MmaPoint& p : kPoints) {
        const std::string error = fmt::format("{:+.2f}", row_error(p));
        EXPECT_NE(r.out.find(error), std::string::npos) << error << "\n" << r.out;
    }
    EXPECT_NE(r.out.find("+20.00"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("-8.00"), std::string::npos) << r.out;  // the GEMM row, replayed
    EXPECT_NE(r.out.find("1 records the GPU run skipped"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("functional: 3 cases, 3 match, 0 mismatch"), std::string::npos) << r.out;
}

TEST_F(Compare, JsonSummaryHasMapeAndCorrelation) {
    const CommandResult r = run_stcsim(compare(*clean_, "--json"));
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_TRUE(j["synthetic"].get<bool>());
    // Per regime: MAPE, and the correlation of the plateau rows (FMA rates: work / cycles).
    std::map<std::string, std::vector<double>> errors;
    for (const MmaPoint& p : kPoints) errors[p.cls].push_back(std::abs(row_error(p)));
    for (const auto& [cls, e] : errors)
        EXPECT_NEAR(j["classes"][cls]["mape_percent"].get<double>(), std::accumulate(e.begin(), e.end(), 0.0) / static_cast<double>(e.size()), 1e-9) << cls;
    const auto sim = simulated_mma();
    std::vector<double> measured, simulated;
    for (std::size_t i = 0; i < sim.size(); ++i) {
        if (std::string(kPoints[i].cls) != "mma_throughput") continue;
        const double work = static_cast<double>(kPoints[i].warps * kPoints[i].ilp * kPoints[i].iters) * 16 * 8 * 32;
        measured.push_back(work * (1 + kPoints[i].error_percent / 100) / sim[i]);
        simulated.push_back(work / sim[i]);
    }
    const double n = static_cast<double>(measured.size());
    const double mx = std::accumulate(measured.begin(), measured.end(), 0.0) / n;
    const double my = std::accumulate(simulated.begin(), simulated.end(), 0.0) / n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < measured.size(); ++i) {
        sxy += (measured[i] - mx) * (simulated[i] - my);
        sxx += (measured[i] - mx) * (measured[i] - mx);
        syy += (simulated[i] - my) * (simulated[i] - my);
    }
    EXPECT_NEAR(j["classes"]["mma_throughput"]["correlation"].get<double>(), sxy / std::sqrt(sxx * syy), 1e-9);
    EXPECT_NEAR(j["classes"]["mma_latency"]["worst_error_percent"].get<double>(), 10, 1e-9);
    EXPECT_NEAR(j["classes"]["latency"]["mape_percent"].get<double>(), kLatencyError, 1e-9);
    EXPECT_EQ(j["classes"]["gemm"]["simulated"], 1);
    EXPECT_NEAR(j["classes"]["gemm"]["mape_percent"].get<double>(), -kGemmError, 1e-9);
    // The row says which kernel it replayed.
    for (const json& row : j["rows"]) {
        if (row["class"] != "gemm") continue;
        const std::string kernel = cli::default_gemm_bench().empty() ? "look-alike" : "validation/gemm_bench's sm_80 kernel";
        EXPECT_NE(row.dump().find(kernel), std::string::npos) << row.dump();
    }
    double total = kLatencyError - kGemmError;
    for (const MmaPoint& p : kPoints) total += std::abs(row_error(p));
    EXPECT_NEAR(j["classes"]["overall"]["mape_percent"].get<double>(), total / static_cast<double>(kPoints.size() + 2), 1e-9);
    EXPECT_EQ(j["skipped_records"], 1);
    EXPECT_EQ(j["functional_mismatches"], 0);
    EXPECT_EQ(j["rows"].size(), kPoints.size() + 2);
}

TEST_F(Compare, CorruptedProbeIsAMismatch) {
    const CommandResult r = run_stcsim(compare(*corrupt_, "--json"));
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["functional_mismatches"], 1);
    EXPECT_EQ(j["functional"][0]["matches"], 2);
    const std::string what = j["functional"][0]["first_mismatches"][0]["what"];
    EXPECT_EQ(j["functional"][0]["first_mismatches"][0]["where"], "sp_f16.cases.jsonl:2");
    EXPECT_EQ(what.rfind("D[3][5]: gpu 0x", 0), 0u) << what;
}

// Committed probe files are stored compressed (validation/measurements/README.md): index.json still
// names x.cases.jsonl, and the folder holds x.cases.jsonl.gz.
TEST(CompareFunctional, CompressedProbeFilesAreReadUnderTheirIndexedNames) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare" / ("compressed-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << json{{"synthetic", true}, {"gpu", "SYNTHETIC"}}.dump();
    write_probes(dir, true);
    for (const char* name : {"sp_f16.cases.jsonl", "sp_f16.gpu.jsonl"}) {
        const fs::path plain = dir / "probes" / name;
        std::ifstream in(plain);
        const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
        auto out = trace::open_output(plain.string() + ".gz");
        out->write(text.data(), text.size());
        out->close();
        fs::remove(plain);
    }
    const CommandResult r = run_stcsim(compare(dir, "--json"));
    ASSERT_EQ(r.status, 0) << r.err;
    const json j = json::parse(r.out);
    EXPECT_EQ(j["functional"][0]["cases"], 3);
    EXPECT_EQ(j["functional"][0]["matches"], 2);
    EXPECT_EQ(j["functional_mismatches"], 1);
    fs::remove(dir / "probes" / "sp_f16.gpu.jsonl.gz");
    const CommandResult missing = run_stcsim(compare(dir));
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("sp_f16.gpu.jsonl: cannot open"), std::string::npos) << missing.err;
    fs::remove_all(dir);
}

TEST_F(Compare, CheckExitsFourAboveAThresholdOrOnAMismatch) {
    // MAPEs: latency-bound 7.5, plateau 2.97, lone dense 0; worst single row 10.
    const std::string loose = thresholds("loose.json", 8, 25), tight = thresholds("tight.json", 7, 25),
                      latency = thresholds("latency.json", 10, 19), point = thresholds("point.json", 8, 25, 9.5);
    EXPECT_EQ(run_stcsim(compare(*clean_, "--check --thresholds " + loose)).status, 0);
    EXPECT_EQ(run_stcsim(compare(*clean_, "--check --thresholds " + tight)).status, 4);
    EXPECT_EQ(run_stcsim(compare(*clean_, "--check --thresholds " + latency)).status, 4);
    EXPECT_EQ(run_stcsim(compare(*clean_, "--check --thresholds " + point)).status, 4) << "one row above the per-row limit";
    const CommandResult r = run_stcsim(compare(*corrupt_, "--check --thresholds " + loose));
    EXPECT_EQ(r.status, 4);
    EXPECT_NE(r.err.find("check failed"), std::string::npos) << r.err;
    EXPECT_EQ(run_stcsim(compare(*corrupt_, "--thresholds " + loose)).status, 0) << "without --check";
}

TEST_F(Compare, MalformedFolderIsExitOneNamingFileLineAndKey) {
    const fs::path bad = clean_->string() + "-malformed";
    fs::remove_all(bad);
    fs::copy(*clean_, bad, fs::copy_options::recursive);
    std::ofstream(bad / "mma_sweep.jsonl", std::ios::app) << json{{"experiment", "mma"}, {"instr", kSparse}, {"ilp", 1}}.dump() << '\n';
    CommandResult r = run_stcsim(compare(bad));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find(fmt::format("mma_sweep.jsonl:{}: key 'warps' is missing", kPoints.size() + 2)), std::string::npos) << r.err;
    std::ofstream(bad / "memory.jsonl", std::ios::app) << "{\"experiment\": \n";
    r = run_stcsim(compare(bad));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("memory.jsonl:2: malformed JSON"), std::string::npos) << r.err;
    fs::remove(bad / "header.json");
    r = run_stcsim(compare(bad));
    EXPECT_EQ(r.status, 1);
    EXPECT_NE(r.err.find("header.json: missing"), std::string::npos) << r.err;
    fs::remove_all(bad);
    EXPECT_EQ(run_stcsim("compare --config " + kConfig).status, 2);
}

// A record whose chains had A and B of their own (mma_bench --own-ab) is a row of its own, and it
// is replayed from mma_bench's own kernel only: without it the row says so instead of running the
// synthetic loop, whose chains share A and B.
TEST(CompareRecords, ChainsWithTheirOwnAAndBNeedTheOwnBenchmark) {
    const std::string record = R"({"experiment": "mma", "instr": "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", )"
                               R"("warps": 1, "ilp": 2, "iters": 64, "cycles": 1000, "ab": "per_chain"})";
    const std::vector<cli::CompareRow> rows = cli::timing_rows(cli::parse_record_line(record, "mma_sweep.jsonl:1"));
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_NE(rows[0].key.find("ab=per_chain"), std::string::npos) << rows[0].key;
    EXPECT_FALSE(rows[0].simulated);
    EXPECT_NE(rows[0].note.find("replay validation/mma_bench's own kernels only"), std::string::npos) << rows[0].note;
}

// Bad records are refused with a clear error before any simulation, never run without bound.
TEST(CompareRecords, OutOfRangeFieldsAreRefusedBeforeSimulating) {
    const auto error_of = [](const std::string& line) -> std::string {
        try {
            cli::timing_rows(cli::parse_record_line(line, "mma_sweep.jsonl:3"));
        } catch (const UserError& error) {
            return error.what();
        }
        return "no error";
    };
    // Long records are extrapolated from two short runs; beyond 2^50 iterations they are refused.
    EXPECT_NE(error_of(R"({"experiment": "mma", "instr": "x", "warps": 1, "ilp": 1, "iters": 2251799813685248, "cycles": 1})")
                  .find("mma_sweep.jsonl:3: key 'iters': expected an integer from 1 to 1125899906842624, got 2251799813685248"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "mma", "instr": "x", "warps": 18446744073709551615, "ilp": 1, "iters": 1, "cycles": 1})")
                  .find("key 'warps': expected an integer from 1 to 1024"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "latency", "footprint": -5, "stride": 8, "latency_cycles": 1})").find("key 'footprint'"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "gemm", "m": 4294967296, "n": 128, "k": 64})").find("key 'm'"), std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "ldmatrix", "x": 3, "trans": false, "latency_cycles": 30, "cycles_per_instr_per_sm": 3})")
                  .find("mma_sweep.jsonl:3: key 'x': expected 1, 2 or 4"),
              std::string::npos);
    const std::string pipe = R"({"experiment": "pipe", "warps": 4, "steps": 1024, "cycles": 100, )";
    EXPECT_NE(error_of(pipe + R"("stream": "hmma", "chains": 8, "cycles_double": 200})")
                  .find("mma_sweep.jsonl:3: key 'stream': 'hmma' is no pipe_bench stream"),
              std::string::npos);
    EXPECT_NE(error_of(pipe + R"("stream": "imad", "chains": 4, "cycles_double": 200})").find("key 'chains': expected 1 or 8, got 4"),
              std::string::npos);
    EXPECT_NE(error_of(pipe + R"("stream": "imad", "chains": 8, "cycles_double": 100})").find("key 'cycles_double': 100 is not above"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "mma", "instr": "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", "warps": 1, "ilp": 2, )"
                       R"("iters": 64, "cycles": 1000, "ab": "mixed"})")
                  .find(R"(mma_sweep.jsonl:3: key 'ab' must be "shared" or "per_chain", got "mixed")"),
              std::string::npos);
    const std::string stores = R"({"experiment": "stores", "ctas": 1, "warps": 4, "steps": 4096, "cycles": 100, )";
    EXPECT_NE(error_of(stores + R"("pattern": "diagonal", "cycles_double": 200})")
                  .find("mma_sweep.jsonl:3: key 'pattern': expected contiguous or fragment_rows, got 'diagonal'"),
              std::string::npos);
    EXPECT_NE(error_of(stores + R"("pattern": "contiguous", "cycles_double": 50})").find("key 'cycles_double': 50 is not above"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "stores", "pattern": "contiguous", "ctas": 100000, "warps": 4, "steps": 64, "cycles": 1, )"
                       R"("cycles_double": 2})")
                  .find("key 'ctas': expected an integer from 1 to 1024"),
              std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "mma", "experiment": "mma"})").find("appears twice"), std::string::npos);
    EXPECT_NE(error_of(R"({"experiment": "mma"} trailing)").find("mma_sweep.jsonl:3: malformed JSON"), std::string::npos);
    EXPECT_NE(error_of(std::string(100000, '[')).find("nested deeper than"), std::string::npos);
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST_F(Compare, ReportWritesOneSelfContainedPage) {
    const fs::path out = clean_->string() + "-report";
    fs::remove_all(out);
    const CommandResult r = run_stcsim(compare(*corrupt_, "--report '" + out.string() + "'"));
    ASSERT_EQ(r.status, 0) << r.err;
    const std::string html = slurp(out / "report.html");
    EXPECT_NE(html.find("SYNTHETIC DATA"), std::string::npos);
    EXPECT_NE(html.find("D[3][5]"), std::string::npos);
    EXPECT_NE(html.find("generated by tests/compare_test.cpp"), std::string::npos);
    if (fs::exists(out / "mma.png")) {
        EXPECT_NE(html.find("src=\"data:image/png;base64,"), std::string::npos);
        EXPECT_NE(r.out.find("report: "), std::string::npos);
    } else {
        EXPECT_NE(html.find("no plots"), std::string::npos) << "plots missing without a reason";
        EXPECT_NE(r.out.find("no plots"), std::string::npos) << r.out;
    }
    fs::remove_all(out);
}

TEST_F(Compare, ReportWithoutPythonStillWritesTheHtml) {
    const fs::path out = clean_->string() + "-report-no-python";
    fs::remove_all(out);
    ::setenv("STCSIM_PYTHON", "/nonexistent/python3", 1);
    const CommandResult r = run_stcsim(compare(*clean_, "--report '" + out.string() + "'"));
    ::unsetenv("STCSIM_PYTHON");
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("no plots: cannot run '/nonexistent/python3'"), std::string::npos) << r.out;
    const std::string html = slurp(out / "report.html");
    EXPECT_NE(html.find("no plots"), std::string::npos);
    EXPECT_EQ(html.find("data:image/png"), std::string::npos);
    EXPECT_FALSE(fs::exists(out / "mma.png"));
    fs::remove_all(out);
}

// A folder of third-party results: header "published": true and source.json naming the publisher.
fs::path make_published_folder(const std::string& name, bool all_skipped) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare" / ("published-" + name + "-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << json{{"published", true}, {"gpu", "a GPU of a paper"}, {"compute_capability", "8.0"}}.dump();
    std::ofstream(dir / "source.json") << json{{"published_by", "Doe et al. (a benchmark suite)"}}.dump();
    std::ofstream mma(dir / "mma_sweep.jsonl");
    json record{{"experiment", "mma"}, {"instr", kDense}, {"warps", 1}, {"ilp", 1}, {"iters", 64}, {"cycles", 2000},
                {"source", "raw/mma_m16n8k16.log:7"}};
    if (all_skipped) record["skipped"] = "failed on the GPU";
    mma << record.dump() << '\n';
    return dir;
}

TEST(ComparePublished, RowsNameTheirSourceAndTheReportItsPublisher) {
    const fs::path dir = make_published_folder("named", false);
    const CommandResult r = run_stcsim(compare(dir));
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("published by Doe et al. (a benchmark suite)"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("measured:"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("mma_sweep.jsonl:1 (raw/mma_m16n8k16.log:7)"), std::string::npos) << r.out;
    fs::remove(dir / "source.json");
    const CommandResult missing = run_stcsim(compare(dir));
    EXPECT_EQ(missing.status, 1);
    EXPECT_NE(missing.err.find("source.json: missing"), std::string::npos) << missing.err;
    fs::remove_all(dir);
}

TEST(ComparePublished, CheckOnAFolderWithoutComparableRowsFails) {
    const fs::path dir = make_published_folder("empty", true);
    const CommandResult r = run_stcsim(compare(dir, "--check"));
    EXPECT_EQ(r.status, 4);
    EXPECT_NE(r.err.find("no rows"), std::string::npos) << r.err;
    EXPECT_EQ(run_stcsim(compare(dir)).status, 0) << "without --check";
    fs::remove_all(dir);
}

// The SM clock of a run: the median of clock64 cycles over event time of its long mma_bench kernels;
// short kernels (launch cost) and skipped records do not count, and too few long ones give none.
TEST(CompareGemmClock, MedianOfTheLongKernelsCyclesPerMicrosecond) {
    auto mma = [](double cycles, double ms, bool skipped = false) {
        json d{{"experiment", "mma"}, {"cycles", cycles * 2}, {"cycles_span", cycles}, {"kernel_ms", ms}};
        if (skipped) d["skipped"] = "not run";
        return cli::MeasuredRecord{"mma_sweep.jsonl:1", d, ""};
    };
    std::vector<cli::MeasuredRecord> records;
    for (int i = 0; i < 9; ++i) records.push_back(mma(1790e3 + 1e3 * i, 1.0));  // 1790 .. 1798 MHz
    records.push_back(mma(100e3, 0.1));                 // 1000 MHz, but a short kernel
    records.push_back(mma(5000e3, 1.0, true));          // skipped
    EXPECT_FALSE(cli::measured_sm_clock_mhz(records).has_value()) << "nine long kernels are too few";
    records.push_back(mma(1799e3, 1.0));
    const auto clock = cli::measured_sm_clock_mhz(records);
    ASSERT_TRUE(clock.has_value());
    EXPECT_DOUBLE_EQ(*clock, 1794.5);  // median of 1790 .. 1799, from cycles_span (not cycles)
}

// A folder whose mma records time long kernels converts its GEMM's ms to cycles at that clock.
TEST(CompareGemmClock, GemmTimeIsConvertedAtTheRunsMeasuredClock) {
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare" / ("gemm-clock-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << json{{"synthetic", true}, {"gpu", "SYNTHETIC"}, {"compute_capability", "8.0"}}.dump();
    std::ofstream mma(dir / "mma_sweep.jsonl");
    // fp8 forms do not exist on the A100 config: these rows are listed, not simulated.
    for (int i = 0; i < 10; ++i)
        mma << json{{"experiment", "mma"}, {"instr", "mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32"}, {"warps", 1},
                    {"ilp", 1}, {"iters", 1000}, {"cycles", 1.8e6}, {"cycles_span", 1.8e6}, {"kernel_ms", 1.0}}.dump()
            << '\n';
    mma.close();
    std::ofstream(dir / "gemm.jsonl") << json{{"experiment", "gemm"}, {"m", 256}, {"n", 256}, {"k", 512}, {"dtype", "f16"},
                                              {"acc", "f32"}, {"sparse", true}, {"tile", "128x128x64"}, {"warp_tile", "64x64x64"},
                                              {"stages", 3}, {"ms", 0.01}, {"clock_mhz", 1980}, {"cycles_est", 19800}}.dump() << '\n';
    const CommandResult r = run_stcsim(compare(dir, "--json"));
    ASSERT_EQ(r.status, 0) << r.err;
    bool found = false;
    const json out = json::parse(r.out);
    for (const json& row : out["rows"]) {
        if (row["class"] != "gemm") continue;
        found = true;
        EXPECT_DOUBLE_EQ(row["measured"].get<double>(), 18000.0);  // 0.01 ms x 1800 MHz, not cycles_est
        EXPECT_NE(row["note"].get<std::string>().find("0.01 ms x 1800 MHz"), std::string::npos) << row.dump();
        EXPECT_TRUE(row["simulated"].is_number()) << row.dump();
    }
    EXPECT_TRUE(found) << r.out;
    fs::remove_all(dir);
}

// The CUTLASS 2.x SASS a GPU runs: sm_80's on every 8.x GPU, sm_90's (compiled from the same PTX)
// on a 9.0 one, none elsewhere; a record of a kernel cutlass_gemm lacks is one error naming it.
TEST(CompareCutlass2, ArchitectureAndRecord) {
    EXPECT_EQ(cli::cutlass2_sass_arch("sm_80"), "sm_80");
    EXPECT_EQ(cli::cutlass2_sass_arch("sm_86"), "sm_80");
    EXPECT_EQ(cli::cutlass2_sass_arch("sm_90a"), "sm_90");
    EXPECT_EQ(cli::cutlass2_sass_arch("sm_100"), "");
    const json good{{"experiment", "cutlass_gemm"}, {"impl", "cutlass2"}, {"kernel", "stcsim_cutlass_sparse_f16"},
                    {"m", 256}, {"n", 512}, {"k", 1024}, {"ms", 0.5}};
    const cli::Cutlass2Record c = cli::parse_cutlass2_record(cli::MeasuredRecord{"cutlass2_gemm.jsonl:3", good, ""});
    EXPECT_TRUE(c.sparse);
    EXPECT_EQ(c.m * 10000 + c.n * 10 + c.k / 1024, 256 * 10000 + 512 * 10 + 1);
    EXPECT_EQ(c.key, "cutlass2 256x512x1024 sparse");
    json bad = good;
    bad["kernel"] = "stcsim_cutlass_dense_s8";
    try {
        cli::parse_cutlass2_record(cli::MeasuredRecord{"cutlass2_gemm.jsonl:3", bad, ""});
        ADD_FAILURE() << "accepted a kernel cutlass_gemm does not have";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("cutlass2_gemm.jsonl:3: key 'kernel'"), std::string::npos) << e.what();
    }
}

// A CUTLASS 2.x timing replays cutlass_gemm's kernel for the config's architecture (sm_90 on the
// H200), its ms converted at the config's clock when the folder has no long mma kernels.
TEST(CompareCutlass2, ReplaysTheKernelForTheConfigsArchitecture) {
    if (cli::default_cutlass_gemm().empty()) GTEST_SKIP() << "cutlass_gemm was not built (no CUTLASS headers)";
    const fs::path dir = fs::path(STCSIM_TEST_TMP_DIR) / "compare" / ("cutlass2-" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    std::ofstream(dir / "header.json") << json{{"synthetic", true}, {"gpu", "SYNTHETIC"}, {"compute_capability", "9.0"}}.dump();
    std::ofstream(dir / "cutlass2_gemm.jsonl") << json{{"kernel", "stcsim_cutlass_dense_f16"}, {"m", 256}, {"n", 256}, {"k", 256},
                                                       {"ms", 0.01}, {"ok", true}}.dump() << '\n';
    const std::string config = std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json";
    const CommandResult r = run_stcsim("compare --measured '" + dir.string() + "' --config " + config + " --threads 2 --json");
    ASSERT_EQ(r.status, 0) << r.err;
    const json out = json::parse(r.out);
    ASSERT_EQ(out["rows"].size(), 1u) << r.out;
    const json& row = out["rows"][0];
    EXPECT_EQ(row["class"], "cutlass_gemm");
    EXPECT_EQ(row["key"], "cutlass2 256x256x256 dense");
    EXPECT_DOUBLE_EQ(row["measured"].get<double>(), 0.01 * 1e3 * 1980);
    ASSERT_TRUE(row["simulated"].is_number()) << row.dump();
    EXPECT_GT(row["simulated"].get<double>(), 0);
    EXPECT_NE(row["note"].get<std::string>().find("validation/cutlass_gemm's sm_90 kernel"), std::string::npos) << row.dump();
    EXPECT_NE(row["note"].get<std::string>().find("the config's clock"), std::string::npos) << row.dump();
    fs::remove_all(dir);
}

// memory_bench's shared-memory chains, replayed from its sm_90 SASS, cost what the config says a
// step of them costs: each further wavefront of an access adds wavefront_latency_cycles (a 32-way
// conflict 31 of them), the ldmatrix latency enters each step once, and 32 warps of x4 ldmatrix
// are bound by the banks at 4 wavefronts per instruction.
TEST(CompareMemoryBench, ReplayedChainsFollowTheSharedMemoryConfig) {
    const fs::path bench = cli::default_memory_bench();
    if (bench.empty()) GTEST_SKIP() << "validation/memory_bench was not built (no nvcc)";
    const cli::MemoryBenchKernels kernels(bench, "sm_90");
    const std::string config = std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json";
    for (const int extra : {1, 3}) {
        const sim::GpuSpec spec =
            sim::config::load_config_file(config, {fmt::format("memory.shared.wavefront_latency_cycles={}", extra)}).spec;
        const double conflict_free = kernels.bank_cycles_per_access(spec, 1);
        EXPECT_NEAR(kernels.bank_cycles_per_access(spec, 32) - conflict_free, 31.0 * extra, 0.5) << extra;
        EXPECT_NEAR(kernels.bank_cycles_per_access(spec, 33), conflict_free, 0.5) << extra;
        EXPECT_NEAR(kernels.bank_cycles_per_access(spec, 2) - conflict_free, 1.0 * extra, 0.5) << extra;
    }
    const sim::GpuSpec base = sim::config::load_config_file(config).spec;
    const sim::GpuSpec slower = sim::config::load_config_file(config, {fmt::format("memory.shared.ldmatrix_latency={}", base.memory.shared.ldmatrix_latency + 10)}).spec;
    for (const int x : {1, 2, 4})
        EXPECT_NEAR(kernels.ldmatrix_latency(slower, x, false) - kernels.ldmatrix_latency(base, x, false), 10.0, 0.5) << x;
    EXPECT_NEAR(kernels.ldmatrix_cycles_per_instr(base, 4, true, 32), 4.0 * base.memory.shared.wavefront_cycles, 0.1);
    EXPECT_NE(kernels.note().find("validation/memory_bench's own kernel (sm_90 SASS)"), std::string::npos) << kernels.note();
}

// memory_bench's index chase, replayed from its sm_90 SASS with the chain the host wrote: what its
// compiled step costs beyond the load (the IMAD.WIDE.U32 of the loaded index, stall count 6, the
// cycle its data takes to reach the registers, and a share of the LDC that reloads the chain's base
// every 16 steps) does not depend on where the load hits, so the records of every footprint add
// the same cycles to the memory's chase.
TEST(CompareMemoryBench, TheIndexChaseAddsItsOwnInstructionsToTheLoad) {
    const fs::path bench = cli::default_memory_bench();
    if (bench.empty()) GTEST_SKIP() << "validation/memory_bench was not built (no nvcc)";
    const cli::MemoryBenchKernels kernels(bench, "sm_90");
    const std::string config = std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json";
    const sim::GpuSpec base = sim::config::load_config_file(config).spec;
    const sim::GpuSpec slower =
        sim::config::load_config_file(config, {fmt::format("memory.l1.hit_latency={}", base.memory.l1.hit_latency + 10)}).spec;
    const double instructions = kernels.chase_instruction_cycles(base, 128);
    EXPECT_GE(instructions, 6.0);
    EXPECT_LE(instructions, 9.0);
    EXPECT_NEAR(kernels.chase_instruction_cycles(slower, 128), instructions, 0.1);
}

// memory_bench's store kernels replayed: one SM's 32 warps post their stores at the L1's bytes per
// clock, and with one CTA on every SM each SM gets its share of the L2's; both patterns write 8
// sectors per store. Halving the L1's rate halves the one-SM figure only.
TEST(CompareMemoryBench, ReplayedStoresFollowTheL1AndL2Bandwidths) {
    const fs::path bench = cli::default_memory_bench();
    if (bench.empty()) GTEST_SKIP() << "validation/memory_bench was not built (no nvcc)";
    const cli::MemoryBenchKernels kernels(bench, "sm_90");
    const std::string config = std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json";
    const sim::GpuSpec base = sim::config::load_config_file(config).spec;
    const sim::GpuSpec half_l1 =
        sim::config::load_config_file(config, {fmt::format("memory.l1.bytes_per_clk={}", base.memory.l1.bytes_per_clk / 2)}).spec;
    const double l2_share = static_cast<double>(base.memory.l2.bytes_per_clk) / base.gpu.sms;
    for (const auto pattern : {validation::StorePattern::contiguous, validation::StorePattern::fragment_rows}) {
        EXPECT_NEAR(kernels.store_bytes_per_clk_per_sm(base, pattern, 1, 32), base.memory.l1.bytes_per_clk, 0.05 * base.memory.l1.bytes_per_clk)
            << static_cast<int>(pattern);
        EXPECT_NEAR(kernels.store_bytes_per_clk_per_sm(half_l1, pattern, 1, 32), base.memory.l1.bytes_per_clk / 2.0,
                    0.05 * base.memory.l1.bytes_per_clk / 2)
            << static_cast<int>(pattern);
        EXPECT_NEAR(kernels.store_bytes_per_clk_per_sm(base, pattern, base.gpu.sms, 32), l2_share, 0.05 * l2_share)
            << static_cast<int>(pattern);
    }
}

// The pipe records' replay follows the config's pipelines: IMAD on the half-rate fmaheavy pipe, the
// uniform loop counter off the integer pipe. Putting either back as it was changes the rows.
TEST(ComparePipeBench, ReplayedStreamsFollowThePipelines) {
    const fs::path bench = cli::default_pipe_bench();
    if (bench.empty()) GTEST_SKIP() << "validation/pipe_bench was not built (no nvcc)";
    const cli::PipeKernels kernels(bench, "sm_90");
    const sim::GpuSpec base = sim::config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json").spec;
    const auto per_instr = [&](const sim::GpuSpec& spec, std::string_view stream) {  // 32 warps, 8 chains: 64 per sub-partition
        return kernels.cycles_per_step(spec, *validation::find_pipe_stream(stream), 8, 32) / 64.0;
    };
    EXPECT_NEAR(per_instr(base, "imad"), 2.0, 0.05);
    EXPECT_NEAR(per_instr(base, "ffma"), 1.0 + 3.0 / 32, 0.05);      // and the loop's 3 instructions per 32
    EXPECT_NEAR(per_instr(base, "imad+ffma"), 1.0 + 3.0 / 32, 0.05);  // IMAD beside FFMA, not in its way
    EXPECT_NEAR(per_instr(base, "iadd3"), 2.0 + 2.0 / 32, 0.05);     // 32 IADD3 and the ISETP at 2 cycles each

    sim::GpuSpec imad_full_rate = base, uniform_on_alu = base;
    for (sim::PipelineSpec& p : imad_full_rate.sm.pipelines)
        if (p.name == "fmaheavy") p.interval = 1;
    for (sim::PipelineSpec& p : uniform_on_alu.sm.pipelines) {
        if (p.name == "alu") p.opcodes += " UIADD3";
        if (p.name == "uniform") p.opcodes.erase(p.opcodes.find("UIADD3"), 6);
    }
    EXPECT_NEAR(per_instr(imad_full_rate, "imad"), 1.0 + 3.0 / 32, 0.05);
    EXPECT_NEAR(per_instr(uniform_on_alu, "iadd3"), 2.0 + 4.0 / 32, 0.05);
    const double latency = kernels.cycles_per_step(base, *validation::find_pipe_stream("imad"), 1, 1);
    EXPECT_GE(latency, 4.0);
    EXPECT_LT(latency, 4.25);
    // One warp per sub-partition: with the loop's taken branch refetching (sm.scheduler.taken_branch_cycles
    // = 10 cycles from the BRA, whose stall count is 6), 4 cycles per iteration of 32 instructions beyond
    // their stall counts, as the H200 runs them; without the refetch, the stall counts alone.
    sim::GpuSpec no_refetch = base;
    no_refetch.sm.scheduler.taken_branch_cycles = 0;
    const auto one_warp = [&](const sim::GpuSpec& spec) {
        return kernels.cycles_per_step(spec, *validation::find_pipe_stream("ffma"), 8, 1) / 8.0;
    };
    EXPECT_EQ(base.sm.scheduler.taken_branch_cycles, 10);
    EXPECT_NEAR(one_warp(base), 1.375, 0.01);  // the H200's 1.375
    EXPECT_NEAR(one_warp(no_refetch), 1.25, 0.01);
    EXPECT_NEAR(kernels.cycles_per_step(base, *validation::find_pipe_stream("imad"), 1, 1), 4.109, 0.01);  // the H200's
    EXPECT_NE(kernels.note().find("validation/pipe_bench's own kernel (sm_90 SASS)"), std::string::npos) << kernels.note();
}

// The call stream's step is a subroutine call and its return (CALL.REL.NOINC, RET.REL.NODEC through a
// register): every step pays the return's indirect_branch_cycles once, per chain, and the call's jump
// is a taken branch. This is what lets a GPU run of the stream split the int4 subroutines' 40 cycles
// per call between the call and the return.
TEST(ComparePipeBench, CallStreamPaysOneReturnPerStepAndChain) {
    const fs::path bench = cli::default_pipe_bench();
    if (bench.empty()) GTEST_SKIP() << "validation/pipe_bench was not built (no nvcc)";
    const cli::PipeKernels kernels(bench, "sm_90");
    const sim::GpuSpec base = sim::config::load_config_file(std::string(STCSIM_SOURCE_DIR) + "/configs/h200.json").spec;
    const validation::PipeStream& call = *validation::find_pipe_stream("call");
    sim::GpuSpec slower_return = base, no_refetch = base;
    slower_return.sm.scheduler.indirect_branch_cycles += 10;
    no_refetch.sm.scheduler.taken_branch_cycles = 0;
    for (int chains : {1, 8}) {
        const double step = kernels.cycles_per_step(base, call, chains, 1);
        EXPECT_GT(step, chains * base.sm.scheduler.indirect_branch_cycles) << chains;
        EXPECT_NEAR(kernels.cycles_per_step(slower_return, call, chains, 1) - step, 10.0 * chains, 0.05) << chains;
        EXPECT_GT(step, kernels.cycles_per_step(no_refetch, call, chains, 1) + 0.5 * chains) << chains;
    }
}

}  // namespace
}  // namespace stcsim::testing
