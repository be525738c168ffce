// `stcsim compare`: one comparison of a measurement folder against a config, its text table and
// its JSON summary. The parts: measurements.h (reading), compare_rows.h (timing records and
// their simulations), compare_gemm.h (GEMM kernels), compare_functional.h (bit-exact probe
// replay), compare_stats.h (MAPE, correlation, thresholds), compare_report.h (--report).
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tools/compare_functional.h"
#include "tools/compare_rows.h"
#include "tools/compare_stats.h"
#include "tools/measurements.h"

namespace stcsim::cli {

struct Comparison {
    MeasurementFolder folder;
    std::string config_path, config_name, config_arch;
    TimingComparison timing;
    std::vector<ClassSummary> classes;  // per class, then "overall"
    std::vector<FunctionalResult> functional;
    std::vector<std::string> warnings;  // e.g. the GPU's arch differs from the config's

    int functional_mismatches() const;
    // Timing rows with a simulated value plus functional cases: what the comparison rests on.
    int comparable_rows() const;
    // No comparable row, a class above its threshold, or a functional mismatch.
    bool check_failed() const;
};

void print_comparison(const Comparison& c, std::ostream& out);
nlohmann::ordered_json comparison_json(const Comparison& c);

// "NVIDIA H100 80GB HBM3, driver 550.54, SM 1980 MHz (max 1980), memory 2619 MHz, cc 9.0"
std::string header_line(const nlohmann::json& header);

}  // namespace stcsim::cli
