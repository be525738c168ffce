// `stcsim summary [--json] RESULT...`: a readable table of finished runs. Each RESULT is a folder
// that `stcsim run --out` wrote (or its stats.json). One row per result: cycles, simulated time,
// the tensor cores' TFLOP/s and share of peak, and the speedup over the first result (its cycles
// over this one's), so that `summary dense sparse` reads off the sparse speedup.
#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <ostream>

#include "common/errors.h"
#include "common/json_text.h"
#include "tools/commands.h"

namespace stcsim::cli {
namespace {

struct RunSummary {
    std::string label, file;
    double cycles = 0, seconds = 0, tflops = 0, peak_share = 0;
};

double number_at(const nlohmann::json& stats, const std::string& path, const std::string& file) {
    const nlohmann::json* node = &stats;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t dot = path.find('.', start);
        const std::string key = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (!node->is_object() || !node->contains(key)) break;
        node = &(*node)[key];
        if (dot == std::string::npos) {
            if (node->is_number()) return node->get<double>();
            if (node->is_null()) return 0;  // a ratio over nothing (no cycles, no tensor work)
            break;
        }
        start = dot + 1;
    }
    throw UserError(fmt::format("{}: no number at '{}' (is it the stats.json of `stcsim run`?)", file, path));
}

RunSummary read_summary(const std::string& result) {
    namespace fs = std::filesystem;
    const fs::path given(result);
    const fs::path file = fs::is_directory(given) ? given / "stats.json" : given;
    std::ifstream in(file, std::ios::binary);
    if (!in) throw UserError(fmt::format("{}: cannot open (give a folder of `stcsim run --out` or its stats.json)", file.string()));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    const auto stats = parse_json_text<nlohmann::json>(text, file.string());
    RunSummary s;
    s.file = file.string();
    const fs::path folder = fs::is_directory(given) ? given : given.parent_path();
    s.label = fs::weakly_canonical(folder).filename().string();
    s.cycles = number_at(stats, "cycles", s.file);
    s.seconds = number_at(stats, "time_s", s.file);
    s.tflops = number_at(stats, "tensor_core.tflops", s.file);
    s.peak_share = number_at(stats, "tensor_core.peak_share", s.file);
    return s;
}

std::string time_text(double seconds) {
    if (seconds >= 1) return fmt::format("{:.3f} s", seconds);
    if (seconds >= 1e-3) return fmt::format("{:.3f} ms", seconds * 1e3);
    return fmt::format("{:.2f} us", seconds * 1e6);
}

}  // namespace

int summary_main(const std::vector<std::string>& args, Streams& io) {
    static const char* usage =
        "usage: stcsim summary [--json] RESULT...\n"
        "RESULT: a folder written by `stcsim run --out` (or its stats.json). Prints one row per result:\n"
        "cycles, simulated time at the config's clock, tensor-core TFLOP/s (dense-equivalent), share of the\n"
        "tensor-core peak, and the speedup over the first result (its cycles / this one's).\n";
    bool json = false;
    std::vector<std::string> results;
    for (const std::string& arg : args) {
        if (arg == "--help" || arg == "-h") {
            io.out << usage;
            return kExitOk;
        }
        if (arg == "--json") json = true;
        else if (arg.starts_with("-")) throw UsageError(fmt::format("unknown option '{}'", arg));
        else results.push_back(arg);
    }
    if (results.empty()) throw UsageError("give at least one result folder");
    std::vector<RunSummary> rows;
    for (const std::string& r : results) rows.push_back(read_summary(r));
    const double base = rows.front().cycles;
    if (json) {
        nlohmann::ordered_json out = nlohmann::ordered_json::array();
        for (const RunSummary& s : rows)
            out.push_back({{"result", s.label}, {"cycles", s.cycles}, {"time_s", s.seconds}, {"tflops", s.tflops},
                           {"peak_share", s.peak_share}, {"speedup", s.cycles > 0 ? base / s.cycles : 0.0}});
        io.out << out.dump(2) << "\n";
        return kExitOk;
    }
    std::size_t width = 6;
    for (const RunSummary& s : rows) width = std::max(width, s.label.size());
    io.out << fmt::format("{:<{}}  {:>12}  {:>10}  {:>9}  {:>11}  {:>8}\n", "result", width, "cycles", "time",
                          "TFLOP/s", "tensor peak", "speedup");
    for (const RunSummary& s : rows)
        io.out << fmt::format("{:<{}}  {:>12}  {:>10}  {:>9.1f}  {:>10.1f}%  {:>7.2f}x\n", s.label, width,
                              fmt::format("{:.0f}", s.cycles), time_text(s.seconds), s.tflops, 100 * s.peak_share,
                              s.cycles > 0 ? base / s.cycles : 0.0);
    return kExitOk;
}

}  // namespace stcsim::cli
