#include "tools/compare_stats.h"

#include <algorithm>
#include <cmath>
#include <fstream>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "common/errors.h"

namespace stcsim::cli {

Thresholds read_thresholds(const std::filesystem::path& path) {
    std::ifstream in(path);
    if (!in) throw UserError(fmt::format("{}: cannot open the thresholds file", path.string()));
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(in);
    } catch (const nlohmann::json::parse_error& error) {
        throw UserError(fmt::format("{}: malformed JSON at byte {}", path.string(), error.byte));
    }
    if (!j.is_object() || !j.contains("max_mape_percent") || !j["max_mape_percent"].is_object())
        throw UserError(fmt::format("{}: key 'max_mape_percent' is missing or not an object", path.string()));
    Thresholds thresholds;
    auto read_limits = [&](const char* key, std::map<std::string, double>& out) {
        if (!j.contains(key)) return;
        if (!j[key].is_object()) throw UserError(fmt::format("{}: key '{}' is not an object", path.string(), key));
        for (const auto& [cls, value] : j[key].items()) {
            if (!value.is_number() || value.get<double>() < 0)
                throw UserError(fmt::format("{}: {}.{}: expected a non-negative number", path.string(), key, cls));
            out[cls] = value.get<double>();
        }
    };
    read_limits("max_mape_percent", thresholds.max_mape);
    read_limits("max_point_error_percent", thresholds.max_point);
    return thresholds;
}

std::optional<double> mean_absolute_percentage_error(const std::vector<double>& measured, const std::vector<double>& simulated) {
    double sum = 0;
    int n = 0;
    for (std::size_t i = 0; i < measured.size(); ++i) {
        if (measured[i] == 0) continue;
        sum += std::abs((simulated[i] - measured[i]) / measured[i]);
        ++n;
    }
    if (n == 0) return std::nullopt;
    return sum / n * 100.0;
}

std::optional<double> pearson_correlation(const std::vector<double>& x, const std::vector<double>& y) {
    const auto n = static_cast<double>(x.size());
    if (x.size() < 2) return std::nullopt;
    double mx = 0, my = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        mx += x[i];
        my += y[i];
    }
    mx /= n;
    my /= n;
    double sxy = 0, sxx = 0, syy = 0;
    for (std::size_t i = 0; i < x.size(); ++i) {
        sxy += (x[i] - mx) * (y[i] - my);
        sxx += (x[i] - mx) * (x[i] - mx);
        syy += (y[i] - my) * (y[i] - my);
    }
    if (sxx == 0 || syy == 0) return std::nullopt;
    return sxy / std::sqrt(sxx * syy);
}

namespace {

ClassSummary summary_of(const std::string& cls, const std::vector<const CompareRow*>& rows, const Thresholds& thresholds) {
    ClassSummary s;
    s.cls = cls;
    s.rows = static_cast<int>(rows.size());
    std::vector<double> measured, simulated;
    for (const CompareRow* r : rows) {
        if (!r->simulated) continue;
        measured.push_back(r->measured);
        simulated.push_back(*r->simulated);
        if (const auto e = r->error_percent()) s.worst = std::max(s.worst.value_or(0.0), std::abs(*e));
    }
    s.simulated = static_cast<int>(measured.size());
    s.mape = mean_absolute_percentage_error(measured, simulated);
    s.correlation = pearson_correlation(measured, simulated);
    if (const auto it = thresholds.max_mape.find(cls); it != thresholds.max_mape.end()) s.threshold = it->second;
    if (const auto it = thresholds.max_point.find(cls); it != thresholds.max_point.end()) s.point_threshold = it->second;
    return s;
}

}  // namespace

std::vector<ClassSummary> summarize(const std::vector<CompareRow>& rows, const Thresholds& thresholds) {
    std::vector<std::string> order;
    std::map<std::string, std::vector<const CompareRow*>> by_class;
    std::vector<const CompareRow*> all;
    for (const CompareRow& r : rows) {
        if (!by_class.count(r.cls)) order.push_back(r.cls);
        by_class[r.cls].push_back(&r);
        all.push_back(&r);
    }
    std::vector<ClassSummary> out;
    for (const std::string& cls : order) out.push_back(summary_of(cls, by_class[cls], thresholds));
    out.push_back(summary_of("overall", all, thresholds));
    return out;
}

}  // namespace stcsim::cli
