#include "tools/compare_regimes.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <utility>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::cli {
namespace {

bool skipped(const MeasuredRecord& r) { return r.data.contains("skipped"); }

std::string experiment(const MeasuredRecord& r) { return r.data["experiment"].get<std::string>(); }

// Warp instructions per cycle: the FMA rate of one form up to its constant m*n*k.
double mma_rate(const MeasuredRecord& r) {
    const double work = static_cast<double>(integer_field(r, "warps", 1, kMaxRecordWarps) * integer_field(r, "ilp", 1, kMaxRecordIlp)) *
                        static_cast<double>(integer_field(r, "iters", 1, kMaxRecordIters));
    const double cycles = number_field(r, "cycles");
    return cycles > 0 ? work / cycles : 0;
}

// The plateau a point is held against: its instruction, and for a wgmma also where A came from
// (a register A and a shared-memory A are different programs with different peaks), for an mma
// whether its chains share A and B.
std::string plateau_key(const MeasuredRecord& r) {
    const std::string instr = string_field(r, "instr");
    if (is_wgmma_record(r)) return instr + " a=" + wgmma_a_source(r);
    return mma_own_ab(r) ? instr + " ab=per_chain" : instr;
}

void classify_mma(const std::vector<MeasuredRecord>& records, std::vector<std::string>& out) {
    std::map<std::string, double> best;
    std::map<std::string, int> count;
    for (const MeasuredRecord& r : records) {
        if (skipped(r) || experiment(r) != "mma") continue;
        const std::string key = plateau_key(r);
        best[key] = std::max(best[key], mma_rate(r));
        ++count[key];
    }
    for (std::size_t i = 0; i < records.size(); ++i) {
        const MeasuredRecord& r = records[i];
        if (skipped(r) || experiment(r) != "mma") continue;
        const std::string key = plateau_key(r);
        const std::string prefix = is_wgmma_record(r) ? "wgmma" : "mma";
        if (count[key] == 1) {
            out[i] = prefix;
            continue;
        }
        out[i] = prefix + (mma_rate(r) >= kSaturatedFraction * best[key] ? "_throughput" : "_latency");
    }
}

void classify_latency(const std::vector<MeasuredRecord>& records, std::vector<std::string>& out) {
    // Per stride: (footprint, latency, record index), in footprint order.
    std::map<std::int64_t, std::vector<std::tuple<std::int64_t, double, std::size_t>>> curves;
    for (std::size_t i = 0; i < records.size(); ++i) {
        const MeasuredRecord& r = records[i];
        if (skipped(r) || experiment(r) != "latency") continue;
        curves[integer_field(r, "stride", 1, kMaxRecordFootprint)].emplace_back(integer_field(r, "footprint", 1, kMaxRecordFootprint),
                                                                                number_field(r, "latency_cycles"), i);
    }
    for (auto& curve : curves) {
        auto& points = curve.second;
        std::sort(points.begin(), points.end());
        for (std::size_t p = 0; p < points.size(); ++p) {
            const double here = std::get<1>(points[p]);
            auto close = [&](std::size_t q) { return std::abs(std::get<1>(points[q]) - here) <= kPlateauTolerance * here; };
            const std::size_t index = std::get<2>(points[p]);
            if (points.size() == 1) {
                out[index] = "latency";
                continue;
            }
            const bool plateau = (p == 0 || close(p - 1)) && (p + 1 == points.size() || close(p + 1));
            out[index] = plateau ? "latency_plateau" : "latency_transition";
        }
    }
}

}  // namespace

bool is_wgmma_record(const MeasuredRecord& record) { return string_field(record, "instr").starts_with("wgmma."); }

std::string wgmma_a_source(const MeasuredRecord& record) {
    if (!record.data.contains("a_source")) return "shared";
    const std::string source = string_field(record, "a_source");
    if (source != "shared" && source != "registers")
        throw UserError(fmt::format("{}: key 'a_source' must be \"shared\" or \"registers\", got \"{}\"", record.source, source));
    return source;
}

bool mma_own_ab(const MeasuredRecord& record) {
    if (!record.data.contains("ab")) return false;
    const std::string ab = string_field(record, "ab");
    if (ab != "shared" && ab != "per_chain")
        throw UserError(fmt::format("{}: key 'ab' must be \"shared\" or \"per_chain\", got \"{}\"", record.source, ab));
    return ab == "per_chain";
}

std::vector<std::string> regime_classes(const std::vector<MeasuredRecord>& records) {
    std::vector<std::string> out(records.size());
    classify_mma(records, out);
    classify_latency(records, out);
    return out;
}

}  // namespace stcsim::cli
