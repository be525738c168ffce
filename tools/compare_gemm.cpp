#include "tools/compare_gemm.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/printable.h"
#include "common/scratch_dir.h"
#include "sim/gpu/replay.h"
#include "tools/program_launch.h"

namespace stcsim::cli {
namespace {

// "128x128x64" -> Shape; UserError naming the record and key otherwise.
isa::Shape shape_field(const MeasuredRecord& record, const std::string& key) {
    const std::string text = string_field(record, key);
    isa::Shape shape;
    char x1 = 0, x2 = 0;
    int used = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c%d%n", &shape.m, &x1, &shape.n, &x2, &shape.k, &used) != 5 || x1 != 'x' ||
        x2 != 'x' || used != static_cast<int>(text.size()) || shape.m <= 0 || shape.n <= 0 || shape.k <= 0)
        throw UserError(fmt::format("{}: key '{}': expected MxNxK, got '{}'", record.source, key, text));
    return shape;
}

std::string shape_text(const isa::Shape& s) { return fmt::format("{}x{}x{}", s.m, s.n, s.k); }

// The row's note for a kernel of more mma instructions than compare replays; nothing otherwise.
std::optional<GemmSimulation> beyond_replay_limit(double mmas) {
    if (mmas <= kMaxComparedGemmMmas) return std::nullopt;
    return GemmSimulation{std::nullopt, fmt::format("not simulated: the kernel issues {:.0f} million mma instructions, more "
                                                    "than compare replays ({:.0f} million); `stcsim trace gen gemm` and "
                                                    "`stcsim run` replay it",
                                                    mmas / 1e6, kMaxComparedGemmMmas / 1e6)};
}

// Traces the launch's kernel for `arch` into `dir` (compressed: a 4096^3 GEMM is gigabytes of
// text) and replays it on `spec`; the kernel's cycles.
double trace_and_replay(const sim::GpuSpec& spec, const ProgramLaunch& launch, const std::string& arch,
                        const std::filesystem::path& dir) {
    trace::SassTraceOptions options;
    options.kernel_file = "kernel-1.traceg.zst";
    trace_program_launch(launch, arch, dir.string(), options);
    return static_cast<double>(sim::run_replay(spec, (dir / "kernelslist.g").string()).cycles);
}

}  // namespace

GemmRecord parse_gemm_record(const MeasuredRecord& record) {
    GemmRecord g;
    g.spec.m = integer_field(record, "m", 1, trace::kMaxGemmDim);
    g.spec.n = integer_field(record, "n", 1, trace::kMaxGemmDim);
    g.spec.k = integer_field(record, "k", 1, trace::kMaxGemmDim);
    g.spec.dtype = string_field(record, "dtype");
    g.spec.acc = string_field(record, "acc");
    g.spec.sparse = bool_field(record, "sparse", false);
    g.spec.tile = shape_field(record, "tile");
    g.spec.warp_tile = shape_field(record, "warp_tile");
    g.spec.stages = static_cast<int>(integer_field(record, "stages", 2, 16));
    g.ms = number_field(record, "ms");
    g.measured_cycles = number_field(record, "cycles_est");
    if (record.data.contains("arch")) g.arch = string_field(record, "arch");
    g.key = fmt::format("{}x{}x{} {}/{} {} tile {} warp {} s{}", g.spec.m, g.spec.n, g.spec.k, g.spec.dtype, g.spec.acc,
                        g.spec.sparse ? "sparse" : "dense", shape_text(g.spec.tile), shape_text(g.spec.warp_tile),
                        g.spec.stages);
    return g;
}

std::optional<double> measured_sm_clock_mhz(const std::vector<MeasuredRecord>& records) {
    std::vector<double> clocks;
    for (const MeasuredRecord& r : records) {
        const nlohmann::json& d = r.data;
        if (d.contains("skipped") || d.value("experiment", nlohmann::json()) != "mma") continue;
        const nlohmann::json& ms = d.value("kernel_ms", nlohmann::json());
        const nlohmann::json& cycles = d.contains("cycles_span") ? d["cycles_span"] : d.value("cycles", nlohmann::json());
        if (!ms.is_number() || !cycles.is_number() || ms.get<double>() < kMinClockKernelMs) continue;
        clocks.push_back(cycles.get<double>() / (ms.get<double>() * 1e3));
    }
    if (clocks.size() < kMinClockRecords) return std::nullopt;
    std::sort(clocks.begin(), clocks.end());
    const std::size_t mid = clocks.size() / 2;
    return clocks.size() % 2 ? clocks[mid] : (clocks[mid - 1] + clocks[mid]) / 2;
}

GemmSimulation simulate_gemm(const sim::GpuSpec& spec, const GemmRecord& record, const std::filesystem::path& gemm_bench) {
    const double mmas = static_cast<double>(record.spec.m) * static_cast<double>(record.spec.n) *
                        static_cast<double>(record.spec.k) /
                        static_cast<double>(trace::gemm_mma_form(trace::with_defaults(record.spec)).dense_fma_count());
    if (auto beyond = beyond_replay_limit(mmas)) return *beyond;
    // The trace goes to a private temporary folder, removed afterwards.
    const ScratchDir scratch("stcsim-compare-gemm");
    const std::filesystem::path& dir = scratch.path();
    if (!gemm_bench.empty()) {
        std::string arch = record.arch.empty() ? spec.gpu.arch : record.arch;
        if (arch.ends_with('a')) arch.pop_back();  // sm_90a's GPU runs the sm_90 SASS of gemm_bench
        const ProgramLaunch launch = gemm_bench_launch(gemm_bench.string(), record.spec, (dir / "kernel-1.params").string());
        return {trace_and_replay(spec, launch, arch, dir), fmt::format("validation/gemm_bench's {} kernel", arch)};
    }
    trace::write_gemm_trace(record.spec, dir.string(), "kernel-1.traceg.zst");
    return {static_cast<double>(sim::run_replay(spec, (dir / "kernelslist.g").string()).cycles),
            "the hand-built look-alike kernel: validation/gemm_bench is not built (the validation build needs nvcc)"};
}

Cutlass2Record parse_cutlass2_record(const MeasuredRecord& record) {
    Cutlass2Record c;
    c.kernel = string_field(record, "kernel");
    if (c.kernel != "stcsim_cutlass_dense_f16" && c.kernel != "stcsim_cutlass_sparse_f16" &&
        c.kernel != "stcsim_cutlass_dense_bf16" && c.kernel != "stcsim_cutlass_sparse_bf16")
        throw UserError(fmt::format("{}: key 'kernel': expected stcsim_cutlass_{{dense,sparse}}_{{f16,bf16}}, got '{}'",
                                    record.source, printable(c.kernel)));
    c.sparse = c.kernel.find("_sparse_") != std::string::npos;
    c.m = integer_field(record, "m", 1, trace::kMaxGemmDim);
    c.n = integer_field(record, "n", 1, trace::kMaxGemmDim);
    c.k = integer_field(record, "k", 1, trace::kMaxGemmDim);
    c.ms = number_field(record, "ms");
    c.key = fmt::format("cutlass2 {}x{}x{} {}{}", c.m, c.n, c.k, c.sparse ? "sparse" : "dense",
                        c.kernel.ends_with("bf16") ? " bf16" : "");
    return c;
}

std::string cutlass2_sass_arch(const std::string& gpu_arch) {
    if (gpu_arch.starts_with("sm_8")) return "sm_80";
    if (gpu_arch == "sm_90" || gpu_arch == "sm_90a") return "sm_90";
    return "";
}

GemmSimulation simulate_cutlass2(const sim::GpuSpec& spec, const Cutlass2Record& record, const std::filesystem::path& cutlass_gemm) {
    const std::string arch = cutlass2_sass_arch(spec.gpu.arch);
    if (arch.empty())
        return {std::nullopt, fmt::format("not simulated: cutlass_gemm holds sm_80 and sm_90 SASS, none that a {} GPU runs",
                                          spec.gpu.arch)};
    const double mmas = static_cast<double>(record.m) * static_cast<double>(record.n) * static_cast<double>(record.k) /
                        (16.0 * 8.0 * (record.sparse ? 32.0 : 16.0));
    if (auto beyond = beyond_replay_limit(mmas)) return *beyond;
    const ScratchDir scratch("stcsim-compare-cutlass2");
    const std::filesystem::path& dir = scratch.path();
    const ProgramLaunch launch =
        cutlass_gemm_launch(cutlass_gemm.string(), record.kernel, record.m, record.n, record.k, (dir / "kernel-1.params").string());
    return {trace_and_replay(spec, launch, arch, dir), fmt::format("validation/cutlass_gemm's {} kernel", arch)};
}

}  // namespace stcsim::cli
