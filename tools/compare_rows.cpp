#include "tools/compare_rows.h"

#include <cmath>
#include <functional>

#include <fmt/format.h>

#include "common/errors.h"
#include "sim/gpu/memory_bench.h"
#include "sim/gpu/mma_bench.h"
#include "tools/compare_gemm.h"
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
    return CompareRow{std::move(cls), std::move(key), r.source, number_field(r, measured_key), std::nullopt, ""};
}

Pending mma_job(const MeasuredRecord& r) {
    sim::MmaBenchParams p;
    p.instr = string_field(r, "instr");
    p.warps = static_cast<int>(integer_field(r, "warps", 1, 1024));
    p.ilp = static_cast<int>(integer_field(r, "ilp", 1, 255));
    p.iters = integer_field(r, "iters", 1, sim::kMaxBenchIters);
    Pending out{{row(r, "mma", fmt::format("{} w{} ilp{} n{}", p.instr, p.warps, p.ilp, p.iters), "cycles")}, {}};
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = static_cast<double>(sim::run_mma_bench(spec, p).cycles);
    };
    return out;
}

Pending latency_job(const MeasuredRecord& r) {
    sim::LatencyBenchParams p;
    constexpr auto kMaxFootprint = static_cast<std::int64_t>(sim::kMaxFootprintBytes);
    p.footprint_bytes = static_cast<std::uint64_t>(integer_field(r, "footprint", 1, kMaxFootprint));
    p.stride_bytes = static_cast<std::uint64_t>(integer_field(r, "stride", 1, kMaxFootprint));
    Pending out{{row(r, "latency", fmt::format("footprint {} stride {}", p.footprint_bytes, p.stride_bytes), "latency_cycles")}, {}};
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = sim::run_latency_bench(spec, p).latency_cycles;
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

Pending ldmatrix_job(const MeasuredRecord& r) {
    sim::LdmatrixBenchParams p;
    p.num = static_cast<int>(integer_field(r, "x", 1, 4));
    p.trans = bool_field(r, "trans", false);
    p.row_pitch_bytes = 32;  // the GPU kernel's conflict-free layout: consecutive 16-byte rows
    const std::string key = fmt::format("x{}{}", p.num, p.trans ? ".trans" : "");
    Pending out{{row(r, "ldmatrix_latency", key, "latency_cycles"),
                 row(r, "ldmatrix_throughput", key, "cycles_per_instr_per_sm")}, {}};
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        const sim::SmemBenchResult result = sim::run_ldmatrix_bench(spec, p);
        rows[0].simulated = result.latency_cycles;
        rows[1].simulated = result.cycles_per_access;
    };
    return out;
}

Pending banks_job(const MeasuredRecord& r) {
    sim::SmemBenchParams p;
    const std::int64_t stride = integer_field(r, "stride_words", 0, 1 << 20);
    p.stride_bytes = static_cast<std::uint64_t>(stride) * 4;
    Pending out{{row(r, "banks", fmt::format("stride {} words", stride), "cycles_per_access")}, {}};
    out.job = [p](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        rows[0].simulated = sim::run_smem_bench(spec, p).cycles_per_access;
    };
    return out;
}

Pending gemm_job(const MeasuredRecord& r) {
    const GemmRecord g = parse_gemm_record(r);
    Pending out{{CompareRow{"gemm", g.key, r.source, g.measured_cycles, std::nullopt, ""}}, {}};
    out.job = [g](const sim::GpuSpec& spec, std::vector<CompareRow>& rows) {
        const GemmSimulation s = simulate_gemm(spec, g);
        rows[0].simulated = s.cycles;
        rows[0].note = s.note;
    };
    return out;
}

// nullopt for a record the GPU run skipped.
std::optional<Pending> pending_for(const MeasuredRecord& r) {
    if (r.data.contains("skipped")) return std::nullopt;
    const std::string experiment = r.data["experiment"].get<std::string>();
    if (experiment == "mma") return mma_job(r);
    if (experiment == "latency") return latency_job(r);
    if (experiment == "bandwidth") return bandwidth_job(r);
    if (experiment == "ldmatrix") return ldmatrix_job(r);
    if (experiment == "banks") return banks_job(r);
    if (experiment == "gemm") return gemm_job(r);
    return Pending{{CompareRow{experiment, "", r.source, 0, std::nullopt,
                               fmt::format("not simulated: unknown experiment '{}'", experiment)}}, {}};
}

}  // namespace

std::vector<CompareRow> timing_rows(const MeasuredRecord& record) {
    auto p = pending_for(record);
    return p ? std::move(p->rows) : std::vector<CompareRow>{};
}

std::optional<double> CompareRow::error_percent() const {
    if (!simulated || measured == 0) return std::nullopt;
    return (*simulated - measured) / measured * 100.0;
}

TimingComparison compare_timing(const sim::GpuSpec& spec, const std::vector<MeasuredRecord>& records, int threads) {
    TimingComparison result;
    std::vector<Pending> pending;
    for (const MeasuredRecord& r : records) {
        auto p = pending_for(r);
        if (p) pending.push_back(std::move(*p));
        else ++result.skipped;
    }
    parallel_for(pending.size(), threads, [&](std::size_t i) {
        Pending& p = pending[i];
        if (!p.job) return;
        try {
            p.job(spec, p.rows);
        } catch (const UserError& error) {
            for (CompareRow& r : p.rows) r.note = fmt::format("not simulated: {}", error.what());
        }
    });
    for (Pending& p : pending)
        for (CompareRow& r : p.rows) result.rows.push_back(std::move(r));
    return result;
}

}  // namespace stcsim::cli
