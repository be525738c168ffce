#include "tools/compare_rows.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/catalog.h"
#include "isa/lowering.h"
#include "isa/wgmma_catalog.h"
#include "sim/gpu/memory_bench.h"
#include "sim/gpu/mma_bench.h"
#include "tools/compare_gemm.h"
#include "tools/compare_regimes.h"
#include "tools/compare_twin_chase.h"
#include "tools/parallel.h"

namespace stcsim::cli {
namespace {

// One record's simulation: fills the simulated values (or notes) of its rows.
using Job = std::function<void(const sim::GpuSpec&, std::vector<CompareRow>&)>;

struct Pending {
    std::vector<CompareRow> rows;
    Job job;
};

CompareRow row(const MeasuredRecord& r, std::string cls, std::string key, const std::string& measured_key) {
    return CompareRow{std::move(cls), std::move(key), r.cited(), number_field(r, measured_key), std::nullopt, ""};
}

// A record whose loop issues at most kExactInstructions warp instructions is simulated as
// measured. A longer one is simulated at two shorter lengths, n and 2n iterations, and
// extrapolated linearly: in steady state every further iteration adds the same cycles, and a run
// of 1e7 iterations per warp (or 32 warps of an emulated int4 sequence of ~150 instructions)
// would otherwise cost minutes of host time for the same answer. n keeps the two runs together
// near that budget, between kMinShortIters (every warp is past its first iteration's start-up by
// then) and kMaxShortIters.
constexpr double kExactInstructions = 1 << 17;
constexpr std::int64_t kMinShortIters = 64;
constexpr std::int64_t kMaxShortIters = 1000;

// `steps`: warp instructions per mma of the form (1, or the length of its emulated sequence).
double simulated_mma_cycles(const sim::GpuSpec& spec, sim::MmaBenchParams p, int steps, std::string& note) {
    const double per_iteration = static_cast<double>(p.warps) * p.ilp * steps;
    const auto budget_iters = static_cast<std::int64_t>(kExactInstructions / (3 * per_iteration)) / 4 * 4;
    const std::int64_t short_iters = std::clamp(budget_iters, kMinShortIters, kMaxShortIters);
    if (per_iteration * static_cast<double>(p.iters) <= kExactInstructions || 2 * short_iters >= p.iters)
        return static_cast<double>(sim::run_mma_bench(spec, p).cycles);
    const std::int64_t iters = p.iters;
    p.iters = short_iters;
    const double short_run = static_cast<double>(sim::run_mma_bench(spec, p).cycles);
    p.iters = 2 * short_iters;
    const double long_run = static_cast<double>(sim::run_mma_bench(spec, p).cycles);
    note = fmt::format("extrapolated from {} and {} iterations", short_iters, 2 * short_iters);
    return short_run + (long_run - short_run) * static_cast<double>(iters - short_iters) / static_cast<double>(short_iters);
}

// The dense FMAs of one instruction of the record's form on `arch` (UserError for a form the arch
// lacks); a form the compiler emulates marks its class "_emulated". A wgmma record's form is read
// with its A source, and its warps must make whole warp groups.
std::int64_t record_form_fmas(const MeasuredRecord& r, sim::MmaBenchParams& p, isa::Arch arch, std::string& regime,
                              int& steps) {
    if (is_wgmma_record(r)) {
        p.a_source = wgmma_a_source(r);
        if (p.warps % (isa::kWarpgroupSize / 32) != 0)
            throw UserError(fmt::format("{}: key 'warps' must be a multiple of 4 for a wgmma (whole warp groups), got {}",
                                        r.source, p.warps));
        if (r.data.contains("wgmma_wait"))
            p.wgmma_wait = static_cast<int>(integer_field(r, "wgmma_wait", 0, 255));
        // Per warp: one 16-row slice of each warp-group instruction, as the simulator counts it.
        const isa::WgmmaForm form = isa::parse_wgmma(p.instr, arch, p.a_source == "registers" ? isa::WgmmaSource::registers
                                                                                              : isa::WgmmaSource::shared);
        return form.dense_fma_count() / (isa::kWarpgroupSize / 32);
    }
    const isa::MmaForm form = isa::parse_mma(p.instr, arch);
    // A form the compiler emulates is a sequence of instructions, held to its own limits.
    if (form.emulated && regime.rfind("mma", 0) == 0) regime.insert(3, "_emulated");
    if (const isa::Lowering* lowered = isa::lowering(form, arch)) steps = static_cast<int>(lowered->steps.size());
    return form.dense_fma_count();
}

// *_latency rows compare cycles per dependent instruction, *_throughput rows dense FMAs per cycle
// per SM, lone "mma" / "wgmma" rows whole-run cycles (compare_regimes.h says which is which).
Pending mma_job(const MeasuredRecord& r, const std::string& cls, isa::Arch arch, const BenchmarkTwin* twin) {
    sim::MmaBenchParams p;
    p.instr = string_field(r, "instr");
    p.warps = static_cast<int>(integer_field(r, "warps", 1, kMaxRecordWarps));
    p.ilp = static_cast<int>(integer_field(r, "ilp", 1, kMaxRecordIlp));
    // Longer than a simulation may run: such records are extrapolated from two short runs.
    p.iters = integer_field(r, "iters", 1, kMaxRecordIters);
    const double measured_cycles = number_field(r, "cycles");
    if (!(measured_cycles > 0)) throw UserError(r.source + ": key 'cycles' must be positive");
    const bool throughput = cls.ends_with("_throughput");
    std::string key = fmt::format("{} w{} ilp{} n{}", p.instr, p.warps, p.ilp, p.iters);
    // Dense FMAs of the whole run; a form the config's arch lacks leaves the row unsimulated.
    double work = 0;
    std::string unsupported;
    std::string regime = cls;
    int steps = 1;
    try {
        work = static_cast<double>(record_form_fmas(r, p, arch, regime, steps)) * p.warps * p.ilp * static_cast<double>(p.iters);
    } catch (const UserError& error) {
        if (std::string(error.what()).rfind(r.source, 0) == 0) throw;  // a malformed record
        unsupported = fmt::format("not simulated: {}", error.what());
    }
    if (is_wgmma_record(r)) key = fmt::format("{} a={} w{} ilp{} n{}", p.instr, p.a_source, p.warps, p.ilp, p.iters);
    const bool own_ab = !is_wgmma_record(r) && mma_own_ab(r);
    if (own_ab) {
        key += " ab=per_chain";
        if (unsupported.empty() && !(twin && twin->own()))
            unsupported = "not simulated: chains with A and B of their own replay validation/mma_bench's own kernels only";
    }
    const double per = cls.ends_with("_latency") ? static_cast<double>(p.iters) : 1.0;
    auto value = [throughput, work, per](double cycles) { return throughput ? work / cycles : cycles / per; };
    Pending out{{CompareRow{regime, key, r.cited(), value(measured_cycles), std::nullopt, unsupported}}, {}};
    if (!unsupported.empty()) return out;
    out.job = [p, value, twin, steps, own_ab](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        if (own_ab && !(twin && twin->covers(p, spec.gpu.arch))) {
            rows[0].note = fmt::format("not simulated: mma_bench has no kernel with A and B per chain for {}", spec.gpu.arch);
            return;
        }
        if (twin && twin->covers(p, spec.gpu.arch)) {
            try {
                rows[0].simulated = value(twin->mma_cycles(spec, p, rows[0].note, own_ab));
                return;
            } catch (const UserError& error) {
                // Our own benchmark's kernel may hold code the SASS front end does not emulate (local
                // memory in a few ILP-4 kernels): that record keeps the synthetic loop, and says so.
                // The synthetic loop shares A and B, so a record with its own per chain cannot.
                if (!twin->own() || own_ab) throw;
                std::string synthetic_note;
                rows[0].simulated = value(simulated_mma_cycles(spec, p, steps, synthetic_note));
                rows[0].note = fmt::format("synthetic loop: the benchmark's kernel is not replayed ({})", error.what());
                return;
            }
        }
        rows[0].simulated = value(simulated_mma_cycles(spec, p, steps, rows[0].note));
    };
    return out;
}

// A pointer-chase record is simulated over at most this many measured loads: the mean of a
// plateau is settled long before, and a sweep of a few hundred footprints stays within seconds.
constexpr std::uint64_t kComparedLoads = std::uint64_t{1} << 15;

// `kernels`: memory_bench's own kernels (our own runs: its chase's index arithmetic is added to the
// memory's chase); `twin`: a published folder's benchmark twin, whose latency kernel replays the
// record when it has one (compare_twin_chase.h); else the published benchmarks' pointer chase,
// whose loads follow each other.
Pending latency_job(const MeasuredRecord& r, const std::string& cls, const MemoryBenchKernels* kernels, const BenchmarkTwin* twin) {
    sim::LatencyBenchParams p;
    static_assert(kMaxRecordFootprint == static_cast<std::int64_t>(sim::kMaxFootprintBytes));
    p.footprint_bytes = static_cast<std::uint64_t>(integer_field(r, "footprint", 1, kMaxRecordFootprint));
    p.stride_bytes = static_cast<std::uint64_t>(integer_field(r, "stride", 1, kMaxRecordFootprint));
    p.max_measured_loads = kComparedLoads;
    Pending out{{row(r, cls, fmt::format("footprint {} stride {}", p.footprint_bytes, p.stride_bytes), "latency_cycles")}, {}};
    const std::uint64_t loads = r.data.contains("loads") ? static_cast<std::uint64_t>(integer_field(r, "loads", 1, kMaxRecordFootprint)) : 0;
    out.job = [p, kernels, twin, loads](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        if (twin && loads > 0) {
            rows[0].simulated = twin_chase_cycles_per_load(*twin, spec, p.footprint_bytes, p.stride_bytes, loads, rows[0].note);
            if (rows[0].simulated) return;
        }
        const double memory = sim::run_latency_bench(spec, p).latency_cycles;
        rows[0].simulated = memory;
        if (kernels) {
            const double instructions = kernels->chase_instruction_cycles(spec, p.stride_bytes);
            rows[0].simulated = memory + instructions;
            rows[0].note = fmt::format("the memory's chase + {:.2f} cycles per step of the compiled chain's own instructions ({})",
                                       instructions, kernels->note());
        }
    };
    return out;
}

Pending bandwidth_job(const MeasuredRecord& r) {
    const std::string level = string_field(r, "level");
    Pending out{{row(r, "bandwidth", level, "bytes_per_clk_per_sm")}, {}};
    out.job = [level](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = sim::run_bandwidth_bench(spec, level).bytes_per_clk_per_sm;
    };
    return out;
}

// `kernels`: memory_bench's own kernels (our own runs), else the synthetic benchmark.
Pending ldmatrix_job(const MeasuredRecord& r, const MemoryBenchKernels* kernels) {
    sim::LdmatrixBenchParams p;
    p.num = static_cast<int>(integer_field(r, "x", 1, 4));
    if (p.num == 3) throw UserError(fmt::format("{}: key 'x': expected 1, 2 or 4 (ldmatrix .x1, .x2, .x4), got 3", r.source));
    p.trans = bool_field(r, "trans", false);
    p.row_pitch_bytes = 16;  // the GPU kernel's layout: lane l reads the 16 bytes at l * 16, conflict-free
    const std::string key = fmt::format("x{}{}", p.num, p.trans ? ".trans" : "");
    Pending out{{row(r, "ldmatrix_latency", key, "latency_cycles"),
                 row(r, "ldmatrix_throughput", key, "cycles_per_instr_per_sm")}, {}};
    if (kernels) {
        const int warps = static_cast<int>(integer_field(r, "warps", 1, 32));
        out.job = [p, kernels, warps](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
            rows[0].simulated = kernels->ldmatrix_latency(spec, p.num, p.trans);
            rows[1].simulated = kernels->ldmatrix_cycles_per_instr(spec, p.num, p.trans, warps);
            rows[0].note = rows[1].note = kernels->note();
        };
        return out;
    }
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        const sim::SmemBenchResult result = sim::run_ldmatrix_bench(spec, p);
        rows[0].simulated = result.latency_cycles;
        rows[1].simulated = result.cycles_per_access;
    };
    return out;
}

Pending banks_job(const MeasuredRecord& r, const MemoryBenchKernels* kernels) {
    sim::SmemBenchParams p;
    const std::int64_t stride = integer_field(r, "stride_words", 0, 1 << 20);
    p.stride_bytes = static_cast<std::uint64_t>(stride) * 4;
    Pending out{{row(r, "banks", fmt::format("stride {} words", stride), "cycles_per_access")}, {}};
    if (kernels) {
        out.job = [stride, kernels](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
            rows[0].simulated = kernels->bank_cycles_per_access(spec, static_cast<int>(stride));
            rows[0].note = kernels->note();
        };
        return out;
    }
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = sim::run_smem_bench(spec, p).cycles_per_access;
    };
    return out;
}

// A loop the GPU timed at `steps` and at twice as many steps (`cycles`, `cycles_double`): what the
// added steps cost, the loop's set-up and the clock reads taken out. UserError when the longer run
// was not longer.
struct TwoLengths {
    std::int64_t steps = 0;
    double added_cycles = 0;
};
TwoLengths two_lengths(const MeasuredRecord& r) {
    const std::int64_t steps = integer_field(r, "steps", 1, std::int64_t{1} << 40);
    const std::int64_t cycles = integer_field(r, "cycles", 0, std::int64_t{1} << 62);
    const std::int64_t cycles_double = integer_field(r, "cycles_double", 0, std::int64_t{1} << 62);
    if (cycles_double <= cycles)
        throw UserError(fmt::format("{}: key 'cycles_double': {} is not above 'cycles' ({}): twice the steps must take longer",
                                    r.source, cycles_double, cycles));
    return {steps, static_cast<double>(cycles_double - cycles)};
}

// The GPU reported the slowest warp's span at `steps` and twice as many stores per warp; one SM's
// rate is the added bytes over the added cycles (validation/memory_bench.cu). Its own
// bytes_per_clk_per_sm is not read.
Pending stores_job(const MeasuredRecord& r, const MemoryBenchKernels* kernels) {
    const std::string pattern = string_field(r, "pattern");
    if (pattern != "contiguous" && pattern != "fragment_rows")
        throw UserError(fmt::format("{}: key 'pattern': expected contiguous or fragment_rows, got '{}'", r.source, pattern));
    const int ctas = static_cast<int>(integer_field(r, "ctas", 1, 1024));  // one per SM: bounds the replay
    const int warps = static_cast<int>(integer_field(r, "warps", 1, 32));
    const TwoLengths run = two_lengths(r);
    const double measured = 256.0 * warps * static_cast<double>(run.steps) / run.added_cycles;
    CompareRow row{"store_bandwidth", fmt::format("{} {} CTAs w{}", pattern, ctas, warps), r.cited(), measured, std::nullopt, ""};
    if (!kernels) {
        row.note = "not simulated: validation/memory_bench is not built (the validation build needs nvcc)";
        return Pending{{row}, {}};
    }
    const auto kind = pattern == "contiguous" ? validation::StorePattern::contiguous : validation::StorePattern::fragment_rows;
    Pending out{{row}, {}};
    out.job = [kernels, kind, ctas, warps](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = kernels->store_bytes_per_clk_per_sm(spec, kind, ctas, warps);
        rows[0].note = kernels->note();
    };
    return out;
}

// `sm_clock_mhz`: the SM clock the run's GPU ran at (measured_sm_clock_mhz), which converts the
// GEMM's time to cycles in place of the record's cycles_est.
Pending gemm_job(const MeasuredRecord& r, const std::filesystem::path& gemm_bench, std::optional<double> sm_clock_mhz) {
    GemmRecord g = parse_gemm_record(r);
    std::string measured_how;
    if (sm_clock_mhz) {
        g.measured_cycles = g.ms * 1e3 * *sm_clock_mhz;
        measured_how = fmt::format("; measured: {:.4g} ms x {:.0f} MHz, the SM clock of this run's long mma_bench kernels",
                                   g.ms, *sm_clock_mhz);
    }
    Pending out{{CompareRow{"gemm", g.key, r.cited(), g.measured_cycles, std::nullopt, ""}}, {}};
    out.job = [g, gemm_bench, measured_how](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        const GemmSimulation s = simulate_gemm(spec, g, gemm_bench);
        rows[0].simulated = s.cycles;
        rows[0].note = s.note + measured_how;
    };
    return out;
}

// CUTLASS's own GEMMs (run_all.sh: cutlass3_gemm records in gemm.jsonl, cutlass_gemm lines in
// cutlass2_gemm.jsonl). The CUTLASS 2.x ones replay cutlass_gemm's kernel for the config's
// architecture when this build made cutlass_gemm, their time converted to cycles like a gemm
// record's; the CUTLASS 3.x ones are listed with their measured ms, not simulated here (`stcsim
// trace gen gemm --arch sm_90a` and `stcsim run` replay them).
// `config_clock_mhz` converts the time when the folder has no measured SM clock.
Pending cutlass_gemm_row(const MeasuredRecord& r, const std::filesystem::path& cutlass_gemm, double config_clock_mhz,
                         std::optional<double> sm_clock_mhz) {
    auto text = [&r](const char* key) {
        return r.data.contains(key) && r.data[key].is_string() ? r.data[key].get<std::string>() : std::string();
    };
    const std::string impl = text("impl");
    if (impl == "cutlass2" && !cutlass_gemm.empty()) {
        const Cutlass2Record c = parse_cutlass2_record(r);
        const double clock = sm_clock_mhz.value_or(config_clock_mhz);
        const std::string measured_how =
            sm_clock_mhz ? fmt::format("; measured: {:.4g} ms x {:.0f} MHz, the SM clock of this run's long mma_bench kernels", c.ms, clock)
                         : fmt::format("; measured: {:.4g} ms x {:.0f} MHz, the config's clock", c.ms, clock);
        Pending out{{CompareRow{"cutlass_gemm", c.key, r.cited(), c.ms * 1e3 * clock, std::nullopt, ""}}, {}};
        out.job = [c, cutlass_gemm, measured_how](const sim::GpuSpec& s, std::vector<CompareRow>& rows) {
            const GemmSimulation sim = simulate_cutlass2(s, c, cutlass_gemm);
            rows[0].simulated = sim.cycles;
            rows[0].note = sim.note + measured_how;
        };
        return out;
    }
    const bool sparse = bool_field(r, "sparse", text("kernel").find("sparse") != std::string::npos);
    const std::string key = fmt::format("{} {}x{}x{} {}", impl, integer_field(r, "m", 1, trace::kMaxGemmDim),
                                        integer_field(r, "n", 1, trace::kMaxGemmDim), integer_field(r, "k", 1, trace::kMaxGemmDim),
                                        sparse ? "sparse" : "dense");
    const std::string why = impl == "cutlass3"
                                ? "not simulated here (ms): `stcsim trace gen gemm --arch sm_90a` and `stcsim run` replay this kernel"
                                : "not simulated (ms): validation/cutlass_gemm is not built (it needs nvcc and the CUTLASS headers)";
    return Pending{{CompareRow{"cutlass_gemm", key, r.cited(), number_field(r, "ms"), std::nullopt, why}}, {}};
}

// The GPU reported the loop at `steps` and twice as many steps per chain; a step costs their
// difference (validation/pipe_bench.cu). Its own cycles_per_step and cycles_per_instr_per_smsp are
// not read: runs of 045d530 wrote the latter multiplied by the chains instead of divided.
Pending pipe_job(const MeasuredRecord& r, const PipeKernels* kernels) {
    const std::string name = string_field(r, "stream");
    const validation::PipeStream* stream = validation::find_pipe_stream(name);
    if (!stream) throw UserError(fmt::format("{}: key 'stream': '{}' is no pipe_bench stream (validation/pipe/pipe_streams.h)", r.source, name));
    const int warps = static_cast<int>(integer_field(r, "warps", 1, 32));
    const int chains = static_cast<int>(integer_field(r, "chains", 1, 8));
    if (chains != 1 && chains != 8) throw UserError(fmt::format("{}: key 'chains': expected 1 or 8, got {}", r.source, chains));
    const TwoLengths run = two_lengths(r);
    const bool latency = chains == 1;
    const int per_smsp = latency ? 1 : chains * ((warps + 3) / 4);  // warp w runs on sub-partition w % 4
    const double measured = run.added_cycles / static_cast<double>(run.steps) / per_smsp;
    CompareRow row{latency ? "pipe_latency" : "pipe_throughput", fmt::format("{} w{} c{}", name, warps, chains), r.cited(), measured,
                   std::nullopt, ""};
    if (!kernels) {
        row.note = "not simulated: validation/pipe_bench is not built (the validation build needs nvcc)";
        return Pending{{row}, {}};
    }
    Pending out{{row}, {}};
    out.job = [stream, chains, warps, per_smsp, kernels](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = kernels->cycles_per_step(spec, *stream, chains, warps) / per_smsp;
        rows[0].note = kernels->note();
    };
    return out;
}

// nullopt for a record the GPU run skipped.
std::optional<Pending> pending_for(const MeasuredRecord& r, const std::string& cls, isa::Arch arch,
                                   const ReplayPrograms& programs = {}, std::optional<double> sm_clock_mhz = std::nullopt,
                                   double config_clock_mhz = 0) {
    if (r.data.contains("skipped")) return std::nullopt;
    const std::string experiment = r.data["experiment"].get<std::string>();
    if (experiment == "mma") return mma_job(r, cls, arch, programs.twin);
    if (experiment == "latency") return latency_job(r, cls, programs.memory_bench, programs.twin);
    if (experiment == "bandwidth") return bandwidth_job(r);
    if (experiment == "ldmatrix") return ldmatrix_job(r, programs.memory_bench);
    if (experiment == "banks") return banks_job(r, programs.memory_bench);
    if (experiment == "stores") return stores_job(r, programs.memory_bench);
    if (experiment == "pipe") return pipe_job(r, programs.pipe_bench);
    if (experiment == "launch")
        return Pending{{CompareRow{"launch", fmt::format("{} CTAs", integer_field(r, "ctas", 1, 1 << 30)), r.cited(),
                                   number_field(r, "us_per_launch"), std::nullopt,
                                   "not simulated: the time between kernel launches (us) lies outside the simulated kernel"}},
                       {}};
    if (experiment == "gemm") return gemm_job(r, programs.gemm_bench, sm_clock_mhz);
    if (experiment == "cutlass_gemm") return cutlass_gemm_row(r, programs.cutlass_gemm, config_clock_mhz, sm_clock_mhz);
    return Pending{{CompareRow{experiment, "", r.cited(), 0, std::nullopt,
                               fmt::format("not simulated: unknown experiment '{}'", experiment)}}, {}};
}

}  // namespace

std::vector<CompareRow> timing_rows(const MeasuredRecord& record, isa::Arch arch) {
    auto p = pending_for(record, regime_classes({record}).front(), arch);
    return p ? std::move(p->rows) : std::vector<CompareRow>{};
}

std::optional<double> CompareRow::error_percent() const {
    if (!simulated || measured == 0) return std::nullopt;
    return (*simulated - measured) / measured * 100.0;
}

TimingComparison compare_timing(const sim::GpuSpec& spec, const std::vector<MeasuredRecord>& records, int threads,
                                const std::function<void(std::size_t, std::size_t)>& progress, const ReplayPrograms& programs) {
    TimingComparison result;
    const auto arch = isa::parse_arch(spec.gpu.arch);
    if (!arch) throw UserError("gpu.arch: unknown architecture " + spec.gpu.arch);
    const std::vector<std::string> classes = regime_classes(records);
    const std::optional<double> sm_clock_mhz = measured_sm_clock_mhz(records);
    std::vector<Pending> pending;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const MeasuredRecord& r = records[i];
        auto p = pending_for(r, classes[i], *arch, programs, sm_clock_mhz, spec.gpu.clock_mhz);
        if (p) pending.push_back(std::move(*p));
        else ++result.skipped;
    }
    std::atomic<std::size_t> done{0};
    parallel_for(pending.size(), threads, [&](std::size_t i) {
        Pending& p = pending[i];
        struct Report {  // counts the record however it ends
            const std::function<void(std::size_t, std::size_t)>& progress;
            std::atomic<std::size_t>& done;
            std::size_t total;
            ~Report() {
                const std::size_t n = ++done;
                if (progress) progress(n, total);
            }
        } report{progress, done, pending.size()};
        if (!p.job) return;
        try {
            p.job(spec, p.rows);
        } catch (const UserError& error) {
            for (CompareRow& r : p.rows) {
                r.simulated.reset();
                r.note = fmt::format("not simulated: {}", error.what());
            }
        }
    });
    for (Pending& p : pending)
        for (CompareRow& r : p.rows) result.rows.push_back(std::move(r));
    return result;
}

}  // namespace stcsim::cli
