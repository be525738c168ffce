// Summary statistics of `stcsim compare`: per experiment class and overall, the mean absolute
// percentage error (MAPE, over the rows that have a simulated value) and the Pearson correlation
// of measured against simulated; and the per-class MAPE thresholds of --check
// (validation/thresholds.json: {"max_mape_percent": {"mma_latency": 3, ...},
// "max_point_error_percent": {"mma_throughput": 5, ...}}; the second part is optional).
#pragma once

#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "tools/compare_rows.h"

namespace stcsim::cli {

struct ClassSummary {
    std::string cls;  // "overall" for all rows
    int rows = 0, simulated = 0;
    std::optional<double> mape;         // percent; nullopt without simulated rows
    std::optional<double> correlation;  // nullopt with fewer than 2 points or no variance
    std::optional<double> threshold;    // max MAPE percent
    std::optional<double> worst;        // largest absolute error of one row, percent
    std::optional<double> point_threshold;  // max absolute error of any one row, percent
    bool exceeds() const {
        return (threshold && mape && *mape > *threshold) || (point_threshold && worst && *worst > *point_threshold);
    }
};

struct Thresholds {
    std::map<std::string, double> max_mape;   // per class, percent
    std::map<std::string, double> max_point;  // per class, percent, for every single row
};

// UserError naming the file and key for a malformed file.
Thresholds read_thresholds(const std::filesystem::path& path);

std::optional<double> mean_absolute_percentage_error(const std::vector<double>& measured, const std::vector<double>& simulated);
std::optional<double> pearson_correlation(const std::vector<double>& x, const std::vector<double>& y);

// One summary per class in order of first appearance, then "overall".
std::vector<ClassSummary> summarize(const std::vector<CompareRow>& rows, const Thresholds& thresholds);

}  // namespace stcsim::cli
