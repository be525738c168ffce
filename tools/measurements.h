// A measurement folder as validation/run_all.sh writes it (validation/README.md lists the files):
// header.json, the timing records of every top-level *.jsonl file (mma_sweep.jsonl, memory.jsonl,
// gemm.jsonl, ...: one JSON object per line with "experiment"), and probes/index.json with the
// functional probe files it names (and probes/wgmma_index.json, the warp-group probes). Reading
// checks the structure only; every problem is a
// UserError that names the file and the line or key.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

namespace stcsim::cli {

struct MeasuredRecord {
    std::string source;     // "memory.jsonl:12"
    nlohmann::json data;    // the line's object; has a string "experiment"
    // Where the figure was first printed, for published data: the record's string "source"
    // ("raw/mma_m16n8k16.log:40"); empty for our own runs.
    std::string origin;
    std::string cited() const { return origin.empty() ? source : source + " (" + origin + ")"; }
};

struct MeasurementFolder {
    std::filesystem::path dir;
    nlohmann::json header;                        // header.json
    bool synthetic = false;                       // header "synthetic": true (test data, not a GPU)
    // header "published": true: third-party results (validation/published/), not our own run;
    // published_by is source.json's "published_by" beside it.
    bool published = false;
    std::string published_by;
    std::vector<MeasuredRecord> records;          // every timing record, files in name order
    // probes/index.json when present, with the forms of probes/wgmma_index.json appended
    std::optional<nlohmann::json> probe_index;
};

MeasurementFolder read_measurement_folder(const std::filesystem::path& dir);

// One line of a timing-record file: a JSON object with a string "experiment"; UserError "<source>: ..."
// otherwise.
MeasuredRecord parse_record_line(std::string_view line, const std::string& source);

// Field access that names the record and the key on failure.
double number_field(const MeasuredRecord& record, const std::string& key);
// An integer outside [min, max] (declared by the caller, beside the use) is a UserError.
std::int64_t integer_field(const MeasuredRecord& record, const std::string& key, std::int64_t min, std::int64_t max);
std::string string_field(const MeasuredRecord& record, const std::string& key);
bool bool_field(const MeasuredRecord& record, const std::string& key, bool fallback);

// Where a file of a measurement folder is stored: the path itself or, when only that exists, its
// compressed copy (path + ".xz", ".gz" or ".zst"; large probe files are committed compressed).
std::filesystem::path stored_path(const std::filesystem::path& path);

// A text file (stored_path of it; plain or compressed, recognised by its first bytes) read line by
// line; UserError when it cannot be opened or its compressed data is corrupt.
std::vector<std::string> read_lines(const std::filesystem::path& path);

}  // namespace stcsim::cli
