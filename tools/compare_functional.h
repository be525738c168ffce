// The functional half of `stcsim compare`: every probe file pair named by probes/index.json is
// replayed through the functional model exactly as `stcsim mma` runs it (tools/mma_case.h; a
// "wgmma..." instr through tools/wgmma_case.h), and
// each case's D is held against the GPU's, bit for bit. Invalid-metadata files are replayed with
// --invalid-metadata=mux, as the index says.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace stcsim::cli {

struct FunctionalMismatch {
    std::string where;  // cases file:line
    std::string what;   // "D[3][5]: gpu 0x3f800000, stcsim 0x3f800001" or the model's error
};

struct FunctionalResult {
    std::string instr, arch, cases_file, flags;
    int cases = 0, matches = 0, mismatches = 0;
    std::vector<FunctionalMismatch> first;  // the first few mismatches
    std::string note;                       // why the file was not replayed
};

// UserError for a malformed index or file (missing key, missing file, malformed JSON line, line
// counts that differ); runs the forms on `threads`.
std::vector<FunctionalResult> compare_functional(const std::filesystem::path& probes_dir, const nlohmann::json& index,
                                                 int threads, int keep_mismatches);

}  // namespace stcsim::cli
