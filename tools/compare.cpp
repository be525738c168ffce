#include "tools/compare.h"

#include <fmt/format.h>

namespace stcsim::cli {
namespace {

using Json = nlohmann::ordered_json;

std::string header_text(const nlohmann::json& header, const char* key) {
    if (!header.contains(key)) return "?";
    const auto& v = header[key];
    return v.is_string() ? v.get<std::string>() : v.dump();
}

std::string optional_number(const std::optional<double>& v, const char* format) {
    return v ? fmt::format(fmt::runtime(format), *v) : std::string("-");
}

Json optional_json(const std::optional<double>& v) { return v ? Json(*v) : Json(nullptr); }

void print_rows(const Comparison& c, std::ostream& out) {
    out << fmt::format("{:<20} {:<64} {:>14} {:>14} {:>9}  {}\n", "class", "key", c.folder.published ? "published" : "measured",
                       "simulated", "error %", "source");
    for (const CompareRow& r : c.timing.rows) {
        if (r.simulated)
            out << fmt::format("{:<20} {:<64} {:>14.6g} {:>14.6g} {:>+9.2f}  {}{}\n", r.cls, r.key, r.measured, *r.simulated,
                               r.error_percent().value_or(0), r.source, r.note.empty() ? "" : "; " + r.note);
        else
            out << fmt::format("{:<20} {:<64} {:>14.6g} {:>14} {:>9}  {} ({})\n", r.cls, r.key, r.measured, "-", "-",
                               r.note, r.source);
    }
}

void print_summary(const Comparison& c, std::ostream& out) {
    out << fmt::format("\n{:<20} {:>6} {:>9} {:>8} {:>11} {:>11} {:>8} {:>9}  {}\n", "class", "rows", "simulated", "MAPE %",
                       "correlation", "threshold %", "worst %", "limit %", "status");
    for (const ClassSummary& s : c.classes) {
        const bool overall = s.cls == "overall";
        const std::string status = overall || (!s.threshold && !s.point_threshold) ? "" : !s.mape ? "not checked (nothing simulated)"
                                   : s.exceeds()                         ? "FAIL"
                                                                         : "ok";
        out << fmt::format("{:<20} {:>6} {:>9} {:>8} {:>11} {:>11} {:>8} {:>9}  {}\n", s.cls, s.rows, s.simulated,
                           optional_number(s.mape, "{:.2f}"), optional_number(s.correlation, "{:.4f}"),
                           optional_number(s.threshold, "{:g}"), optional_number(s.worst, "{:.2f}"),
                           optional_number(s.point_threshold, "{:g}"), status);
    }
}

void print_functional(const Comparison& c, std::ostream& out) {
    if (c.functional.empty()) return;
    out << fmt::format("\nfunctional (bit for bit against the GPU's D)\n{:<72} {:<36} {:>6} {:>6} {:>8}\n", "instr",
                       "file", "cases", "match", "mismatch");
    int cases = 0, matches = 0;
    for (const FunctionalResult& f : c.functional) {
        out << fmt::format("{:<72} {:<36} {:>6} {:>6} {:>8}{}\n", f.instr, f.cases_file, f.cases, f.matches, f.mismatches,
                           f.note.empty() ? "" : "  " + f.note);
        cases += f.cases;
        matches += f.matches;
    }
    out << fmt::format("functional: {} cases, {} match, {} mismatch\n", cases, matches, c.functional_mismatches());
    for (const FunctionalResult& f : c.functional)
        for (const FunctionalMismatch& m : f.first) out << fmt::format("  mismatch {}{}: {}\n", m.where, f.flags.empty() ? "" : " (" + f.flags + ")", m.what);
}

}  // namespace

int Comparison::functional_mismatches() const {
    int n = 0;
    for (const FunctionalResult& f : functional) n += f.mismatches;
    return n;
}

int Comparison::comparable_rows() const {
    int n = 0;
    for (const CompareRow& r : timing.rows) n += r.simulated ? 1 : 0;
    for (const FunctionalResult& f : functional) n += f.cases;
    return n;
}

bool Comparison::check_failed() const {
    if (comparable_rows() == 0) return true;
    for (const ClassSummary& s : classes)
        if (s.cls != "overall" && s.exceeds()) return true;
    return functional_mismatches() > 0;
}

std::string header_line(const nlohmann::json& header) {
    return fmt::format("{}, driver {}, SM {} (max {}), memory {}, cc {}", header_text(header, "gpu"),
                       header_text(header, "driver_version"), header_text(header, "clocks_sm_mhz"),
                       header_text(header, "clocks_max_sm_mhz"), header_text(header, "clocks_mem_mhz"),
                       header_text(header, "compute_capability"));
}

void print_comparison(const Comparison& c, std::ostream& out) {
    if (c.folder.published)
        out << fmt::format("published by {}: {} ({})\n", c.folder.published_by, c.folder.dir.string(), header_line(c.folder.header));
    else
        out << fmt::format("measured: {} ({}){}\n", c.folder.dir.string(), header_line(c.folder.header),
                           c.folder.synthetic ? " [SYNTHETIC: test data, not a GPU measurement]" : "");
    out << fmt::format("simulated: {} ({}, {})\n", c.config_path, c.config_name, c.config_arch);
    for (const std::string& w : c.warnings) out << "warning: " << w << '\n';
    if (c.timing.skipped > 0) out << fmt::format("{} records the GPU run skipped are left out\n", c.timing.skipped);
    out << '\n';
    print_rows(c, out);
    print_summary(c, out);
    print_functional(c, out);
}

Json comparison_json(const Comparison& c) {
    Json rows = Json::array();
    for (const CompareRow& r : c.timing.rows) {
        Json row{{"class", r.cls}, {"key", r.key}, {"source", r.source}, {"measured", r.measured},
                 {"simulated", optional_json(r.simulated)}, {"error_percent", optional_json(r.error_percent())}};
        if (!r.note.empty()) row["note"] = r.note;
        rows.push_back(std::move(row));
    }
    Json classes = Json::object();
    for (const ClassSummary& s : c.classes)
        classes[s.cls] = Json{{"rows", s.rows}, {"simulated", s.simulated}, {"mape_percent", optional_json(s.mape)},
                              {"correlation", optional_json(s.correlation)}, {"max_mape_percent", optional_json(s.threshold)},
                              {"worst_error_percent", optional_json(s.worst)}, {"max_point_error_percent", optional_json(s.point_threshold)},
                              {"exceeds", s.exceeds()}};
    Json functional = Json::array();
    for (const FunctionalResult& f : c.functional) {
        Json mismatches = Json::array();
        for (const FunctionalMismatch& m : f.first) mismatches.push_back(Json{{"where", m.where}, {"what", m.what}});
        Json entry{{"instr", f.instr}, {"arch", f.arch}, {"cases_file", f.cases_file}, {"flags", f.flags}, {"cases", f.cases},
                   {"matches", f.matches}, {"mismatches", f.mismatches}, {"first_mismatches", mismatches}};
        if (!f.note.empty()) entry["note"] = f.note;
        functional.push_back(std::move(entry));
    }
    return Json{{"measured", c.folder.dir.string()}, {"synthetic", c.folder.synthetic}, {"published", c.folder.published},
                {"published_by", c.folder.published_by}, {"header", c.folder.header},
                {"config", c.config_path}, {"config_name", c.config_name}, {"warnings", c.warnings},
                {"skipped_records", c.timing.skipped}, {"classes", classes}, {"functional_mismatches", c.functional_mismatches()},
                {"check_failed", c.check_failed()}, {"functional", functional}, {"rows", rows}};
}

}  // namespace stcsim::cli
