// `stcsim compare --measured DIR --config FILE [--report OUT] [--json] [--check]`: holds the
// simulator against a measurement folder of validation/run_all.sh (see tools/compare.h).
// Exit status: 0; 1 malformed measurements, config or thresholds (the message names file and
// line or key); 2 bad usage; 4 with --check, when a class's MAPE exceeds its threshold or a
// functional record differs from the GPU's bits.
#include <algorithm>
#include <filesystem>
#include <ostream>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/config/gpu_schema.h"
#include "tools/commands.h"
#include "tools/compare.h"
#include "tools/compare_report.h"
#include "tools/options.h"
#include "tools/program_launch.h"
#include "tools/progress.h"

#ifndef STCSIM_SOURCE_DIR
#define STCSIM_SOURCE_DIR "."
#endif

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;
namespace fs = std::filesystem;

constexpr int kExitCheckFailed = 4;

constexpr const char* kUsage =
    "usage: stcsim compare --measured DIR --config FILE [--report OUT] [--json] [--check] [--thresholds FILE]\n"
    "                      [--twins DIR]\n\n"
    "Runs the simulation matching every record of a measurement folder (validation/run_all.sh) and prints,\n"
    "per experiment, measured, simulated and error %, then per class and overall the mean absolute\n"
    "percentage error (MAPE) and the Pearson correlation. Functional probe files are replayed through\n"
    "the functional model (as `stcsim mma` runs them) and must match the GPU's D bit for bit.\n"
    "--report OUT writes OUT/report.html (self-contained) and PNG plots per class (needs matplotlib).\n"
    "A folder whose header.json names a \"twin\" replays that benchmark's compiled loop for its mma records\n"
    "(validation/twins; --twins DIR: where its cubin is, default this build's); our own runs\n"
    "(validation/run_all.sh) replay validation/mma_bench's own kernels, and for their ldmatrix, banks and\n"
    "stores records validation/memory_bench's shared-memory chains and store streams, for their pipe\n"
    "records validation/pipe_bench's instruction streams.\n"
    "Exit status: 0; 1 malformed input; 2 bad usage; 4 with --check when a class exceeds its MAPE\n"
    "threshold or a functional record mismatches.";

struct CompareOptions {
    std::string measured, config, report, thresholds, twins;
    std::vector<std::string> overrides;
    bool json = false, check = false;
    int threads = 0, mismatches = 5;
};

std::string arch_of_compute_capability(const nlohmann::json& header) {
    if (!header.contains("compute_capability") || !header["compute_capability"].is_string()) return "";
    std::string cc = header["compute_capability"].get<std::string>();
    std::erase(cc, '.');
    return cc.empty() ? "" : "sm_" + cc;
}

Comparison run(const CompareOptions& o, std::ostream& err) {
    Comparison c;
    c.folder = read_measurement_folder(o.measured);
    const auto config = sim::config::load_config_file(o.config, o.overrides);
    c.config_path = o.config;
    c.config_name = config.spec.gpu.name;
    c.config_arch = config.spec.gpu.arch;
    const std::string gpu_arch = arch_of_compute_capability(c.folder.header);
    // sm_90a (the arch-specific features, wgmma) runs on the same GPU as sm_90.
    if (!gpu_arch.empty() && gpu_arch != c.config_arch && gpu_arch + "a" != c.config_arch)
        c.warnings.push_back(fmt::format("the GPU is {} (header.json), the config models {}", gpu_arch, c.config_arch));
    const int threads = o.threads > 0 ? o.threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::optional<BenchmarkTwin> twin;
    if (c.folder.header.contains("twin")) {
        if (!c.folder.header["twin"].is_string())
            throw UserError(fmt::format("{}: key 'twin' must be a string", (c.folder.dir / "header.json").string()));
        twin.emplace(c.folder.header["twin"].get<std::string>(), o.twins.empty() ? default_twin_dir() : fs::path(o.twins));
    } else if (!c.folder.published && !c.folder.synthetic && c.folder.header.dump().find("mma_bench --sweep") != std::string::npos) {
        // Our own run: its mma records come from validation/mma_bench, whose compiled loop is replayed.
        const fs::path bench = default_own_benchmark();
        if (bench.empty())
            c.warnings.push_back("validation/mma_bench is not built (the validation build needs nvcc): the mma records "
                                 "are replayed as the synthetic loop, not the benchmark's compiled one");
        else
            twin.emplace(BenchmarkTwin::own_benchmark(bench));
    }
    ReplayPrograms programs{twin ? &*twin : nullptr, default_gemm_bench(), default_cutlass_gemm()};
    // The SASS our own run's microbenchmarks ran as: that of the measured GPU (sm_90a: the sm_90 SASS).
    std::string sass_arch = gpu_arch.empty() ? c.config_arch : gpu_arch;
    if (!sass_arch.empty() && sass_arch.back() == 'a') sass_arch.pop_back();
    // Our own run's latency, shared-memory and store records replay validation/memory_bench's kernels, as the GPU ran them.
    std::optional<MemoryBenchKernels> memory_kernels;
    const bool has_shared = std::any_of(c.folder.records.begin(), c.folder.records.end(), [](const MeasuredRecord& r) {
        return r.data.contains("experiment") &&
               (r.data["experiment"] == "latency" || r.data["experiment"] == "ldmatrix" || r.data["experiment"] == "banks" ||
                r.data["experiment"] == "stores");
    });
    if (has_shared && !c.folder.published && !c.folder.synthetic) {
        const fs::path bench = default_memory_bench();
        if (bench.empty())
            c.warnings.push_back("validation/memory_bench is not built (the validation build needs nvcc): the latency, ldmatrix "
                                 "and banks records are simulated as the memory access alone, not the benchmark's chain, "
                                 "and the stores records are not simulated");
        else
            programs.memory_bench = &memory_kernels.emplace(bench, sass_arch);
    }
    // ... and their pipe records validation/pipe_bench's kernels.
    std::optional<PipeKernels> pipe_kernels;
    const bool has_pipe = std::any_of(c.folder.records.begin(), c.folder.records.end(), [](const MeasuredRecord& r) {
        return r.data.contains("experiment") && r.data["experiment"] == "pipe";
    });
    if (has_pipe && !c.folder.published && !c.folder.synthetic) {
        const fs::path bench = default_pipe_bench();
        if (bench.empty())
            c.warnings.push_back("validation/pipe_bench is not built (the validation build needs nvcc): the pipe records are not simulated");
        else
            programs.pipe_bench = &pipe_kernels.emplace(bench, sass_arch);
    }
    const bool has_gemm = std::any_of(c.folder.records.begin(), c.folder.records.end(), [](const MeasuredRecord& r) {
        return r.data.contains("experiment") && r.data["experiment"] == "gemm";
    });
    if (has_gemm && programs.gemm_bench.empty())
        c.warnings.push_back("validation/gemm_bench is not built (the validation build needs nvcc): the gemm records are "
                             "replayed as the hand-built look-alike kernel, not the benchmark's compiled one");
    {
        Progress bar(err, "compare");
        c.timing = compare_timing(
            config.spec, c.folder.records, threads,
            [&bar](std::size_t done, std::size_t total) {
                bar.update(static_cast<double>(done), static_cast<double>(total), fmt::format("records {}/{}", done, total));
            },
            programs);
    }
    const fs::path thresholds = o.thresholds.empty() ? fs::path(STCSIM_SOURCE_DIR) / "validation" / "thresholds.json"
                                                     : fs::path(o.thresholds);
    Thresholds limits;
    if (!o.thresholds.empty() || o.check || fs::exists(thresholds)) limits = read_thresholds(thresholds);
    c.classes = summarize(c.timing.rows, limits);
    if (c.folder.probe_index)
        c.functional = compare_functional(c.folder.dir / "probes", *c.folder.probe_index, threads, o.mismatches);
    return c;
}

}  // namespace

int compare_main(const std::vector<std::string>& args, Streams& io) {
    CompareOptions o;
    po::options_description desc("options");
    desc.add_options()
        ("measured", po::value(&o.measured), "measurement folder written by validation/run_all.sh (required)")
        ("config", po::value(&o.config), "GPU config (JSON) to simulate, e.g. configs/h100-sxm.json (required)")
        ("param,p", po::value(&o.overrides)->composing(), "override a config key: -p key.path=value (repeatable)")
        ("report", po::value(&o.report), "write OUT/report.html and OUT/<class>.png plots")
        ("json", po::bool_switch(&o.json), "print the summary and every row as JSON instead of tables")
        ("check", po::bool_switch(&o.check), "exit 4 when a class exceeds its MAPE threshold or a functional record mismatches")
        ("thresholds", po::value(&o.thresholds), "per-class MAPE thresholds (default: validation/thresholds.json of the sources)")
        ("threads", po::value(&o.threads)->default_value(0), "simulations run in parallel (0: one per core)")
        ("twins", po::value(&o.twins), "folder of the compiled benchmark twins (default: this build's validation/twins)")
        ("mismatches", po::value(&o.mismatches)->default_value(5), "functional mismatches listed per file");
    po::variables_map values;
    if (!parse_options(args, kUsage, desc, values, io)) return kExitOk;
    if (o.measured.empty()) throw UsageError("--measured DIR is required");
    if (o.config.empty()) throw UsageError("--config FILE is required");
    if (o.threads < 0 || o.threads > 1024) throw UsageError(fmt::format("--threads: expected 0 to 1024, got {}", o.threads));
    if (o.mismatches < 0) throw UsageError(fmt::format("--mismatches: expected at least 0, got {}", o.mismatches));
    if (!o.report.empty()) prepare_output_dir(o.report);  // before the simulations
    const Comparison c = run(o, io.err);
    if (o.json) io.out << comparison_json(c).dump(1) << '\n';
    else print_comparison(c, io.out);
    if (!o.report.empty()) {
        const ReportResult r = write_report(c, o.report);
        std::ostream& note = o.json ? io.err : io.out;
        note << fmt::format("report: {} ({} plots)\n", r.html.string(), r.plots);
        if (!r.plot_message.empty()) note << r.plot_message << '\n';
    }
    if (o.check && c.comparable_rows() == 0) {
        io.err << fmt::format("stcsim compare: check failed: no rows: {} holds no record the simulator could compare\n", o.measured);
        return kExitCheckFailed;
    }
    if (o.check && c.check_failed()) {
        io.err << "stcsim compare: check failed: a class exceeds its limit or a functional record mismatches\n";
        return kExitCheckFailed;
    }
    return kExitOk;
}

}  // namespace stcsim::cli
