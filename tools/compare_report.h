// `stcsim compare --report OUT`: OUT/points.json (measured and simulated per class), PNG scatter
// plots measured against simulated per class (OUT/<class>.png, drawn by tools/plot_compare.py with
// the project's .venv/bin/python when present, else python3) and OUT/report.html, one
// self-contained page (plots embedded as data URIs): header (GPU, driver, clocks, commands), the
// per-class MAPE and correlation, the functional results and every row. Plotting is optional: when
// Python or matplotlib is missing the page says so and has no images; the comparison goes on.
#pragma once

#include <filesystem>
#include <ostream>

#include "tools/compare.h"

namespace stcsim::cli {

struct ReportResult {
    std::filesystem::path html;
    int plots = 0;
    std::string plot_message;  // why there are no plots (empty when plotting worked)
};

ReportResult write_report(const Comparison& c, const std::filesystem::path& out_dir);

}  // namespace stcsim::cli
