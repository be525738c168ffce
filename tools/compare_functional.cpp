#include "tools/compare_functional.h"

#include <charconv>

#include <fmt/format.h>

#include "common/errors.h"
#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"
#include "tools/measurements.h"
#include "tools/mma_case.h"
#include "tools/parallel.h"
#include "tools/wgmma_case.h"

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

struct PairJob {
    FunctionalResult result;
    fs::path cases_path, gpu_path;
    bool mux = false;
};

std::string key_string(const json& object, const std::string& key, const std::string& where) {
    if (!object.contains(key) || !object[key].is_string())
        throw UserError(fmt::format("{}: key '{}' is missing or not a string", where, key));
    return object[key].get<std::string>();
}

std::uint64_t hex_bits(const std::string& text, const std::string& where) {
    std::uint64_t bits = 0;
    const char* begin = text.data() + (text.rfind("0x", 0) == 0 ? 2 : 0);
    const char* end = text.data() + text.size();
    const auto [ptr, ec] = std::from_chars(begin, end, bits, 16);
    if (ec != std::errc() || ptr != end || begin == end)
        throw UserError(fmt::format("{}: '{}' is not a \"0x..\" hex string", where, text));
    return bits;
}

// The first element where two {"d": [[..]]} differ, compared as raw bits; "" when equal.
std::string first_difference(const json& gpu, const json& sim, const std::string& where) {
    if (!gpu.contains("d") || !gpu["d"].is_array()) throw UserError(where + ": key 'd' is missing or not an array");
    const json& g = gpu["d"];
    const json& s = sim["d"];
    if (g.size() != s.size()) return fmt::format("D has {} rows on the GPU, {} in stcsim", g.size(), s.size());
    for (std::size_t r = 0; r < g.size(); ++r) {
        if (!g[r].is_array() || g[r].size() != s[r].size())
            return fmt::format("D row {} has a different length on the GPU", r);
        for (std::size_t c = 0; c < g[r].size(); ++c) {
            if (!g[r][c].is_string()) throw UserError(fmt::format("{}: D[{}][{}] is not a \"0x..\" string", where, r, c));
            const std::string gs = g[r][c].get<std::string>(), ss = s[r][c].get<std::string>();
            if (hex_bits(gs, where) != hex_bits(ss, where))
                return fmt::format("D[{}][{}]: gpu {}, stcsim {}", r, c, gs, ss);
        }
    }
    return "";
}

void replay(PairJob& job, int keep) {
    FunctionalResult& res = job.result;
    const auto arch = isa::parse_arch(res.arch);
    if (!arch) {
        res.note = fmt::format("not replayed: stcsim does not model arch '{}'", res.arch);
        return;
    }
    // A warp-group instruction replays through tools/wgmma_case.h, as `stcsim mma` runs it.
    const bool wgmma = isa::is_wgmma_name(res.instr);
    isa::MmaForm form;
    isa::WgmmaForm wgmma_form;
    try {
        if (wgmma) wgmma_form = isa::parse_wgmma(res.instr, *arch);
        else form = isa::parse_mma(res.instr, *arch);
    } catch (const UserError& error) {
        res.note = fmt::format("not replayed: {}", error.what());
        return;
    }
    isa::ExecuteOptions options;
    if (job.mux) options.invalid_metadata = isa::InvalidMetadataMode::mux;
    const std::vector<std::string> cases = read_lines(job.cases_path), gpu = read_lines(job.gpu_path);
    if (cases.size() != gpu.size())
        throw UserError(fmt::format("{}: {} lines, but {} has {}", job.gpu_path.string(), gpu.size(),
                                    job.cases_path.filename().string(), cases.size()));
    for (std::size_t i = 0; i < cases.size(); ++i) {
        if (cases[i].find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = fmt::format("{}:{}", job.cases_path.filename().string(), i + 1);
        const std::string gpu_where = fmt::format("{}:{}", job.gpu_path.filename().string(), i + 1);
        const json object = parse_case_line(cases[i], where);
        const json gpu_d = parse_case_line(gpu[i], gpu_where);
        ++res.cases;
        std::string difference;
        try {
            const json sim_d = wgmma ? run_wgmma_case(wgmma_form, *arch, options, object, where)
                                     : run_mma_case(form, *arch, options, object, where);
            difference = first_difference(gpu_d, sim_d, gpu_where);
        } catch (const UserError& error) {
            if (std::string(error.what()).rfind(gpu_where, 0) == 0) throw;
            difference = fmt::format("stcsim rejects the case: {}", error.what());
        }
        if (difference.empty()) {
            ++res.matches;
            continue;
        }
        ++res.mismatches;
        if (static_cast<int>(res.first.size()) < keep) res.first.push_back({where, difference});
    }
}

void add_pair(std::vector<PairJob>& jobs, const fs::path& dir, const json& form, const char* part, bool mux,
              const std::string& where) {
    if (!form.contains(part)) return;
    const json& pair = form[part];
    const std::string pair_where = fmt::format("{} '{}'", where, part);
    PairJob job;
    job.result.instr = key_string(form, "instr", where);
    job.result.arch = key_string(form, "arch", where);
    job.result.cases_file = key_string(pair, "cases_file", pair_where);
    job.result.flags = mux ? "--invalid-metadata=mux" : "";
    job.cases_path = dir / job.result.cases_file;
    job.gpu_path = dir / key_string(pair, "gpu_file", pair_where);
    job.mux = mux;
    jobs.push_back(std::move(job));
}

}  // namespace

std::vector<FunctionalResult> compare_functional(const fs::path& probes_dir, const json& index, int threads,
                                                 int keep_mismatches) {
    std::vector<PairJob> jobs;
    const json& forms = index["forms"];
    for (std::size_t i = 0; i < forms.size(); ++i) {
        const std::string where = fmt::format("{}: forms[{}]", (probes_dir / "index.json").string(), i);
        if (!forms[i].is_object()) throw UserError(where + ": expected an object");
        add_pair(jobs, probes_dir, forms[i], "valid", false, where);
        add_pair(jobs, probes_dir, forms[i], "invalid", true, where);
    }
    parallel_for(jobs.size(), threads, [&](std::size_t i) { replay(jobs[i], keep_mismatches); });
    std::vector<FunctionalResult> results;
    for (PairJob& job : jobs) results.push_back(std::move(job.result));
    return results;
}

}  // namespace stcsim::cli
