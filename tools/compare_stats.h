// Summary statistics of `stcsim compare`: per experiment class and overall, the mean absolute
// percentage error (MAPE, over the rows that have a simulated value) and the Pearson correlation
// of measured against simulated; and the per-class MAPE thresholds of --check
// (validation/thresholds.json: {"max_mape_percent": {"mma": 10, ...}}).
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
    bool exceeds() const { return threshold && mape && *mape > *threshold; }
};

using Thresholds = std::map<std::string, double>;

// UserError naming the file and key for a malformed file.
Thresholds read_thresholds(const std::filesystem::path& path);

std::optional<double> mean_absolute_percentage_error(const std::vector<double>& measured, const std::vector<double>& simulated);
std::optional<double> pearson_correlation(const std::vector<double>& x, const std::vector<double>& y);

// One summary per class in order of first appearance, then "overall".
std::vector<ClassSummary> summarize(const std::vector<CompareRow>& rows, const Thresholds& thresholds);

}  // namespace stcsim::cli
