#include "tools/measurements.h"

#include <algorithm>
#include <fstream>
#include <iterator>

#include <fmt/format.h>

#include "common/errors.h"
#include "common/json_text.h"
#include "sim/trace/compressed_stream.h"

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The checks every record passes, on its parsed object.
MeasuredRecord make_record(json data, const std::string& source) {
    MeasuredRecord record{source, std::move(data), {}};
    if (!record.data.is_object()) throw UserError(record.source + ": expected a JSON object");
    if (!record.data.contains("experiment") || !record.data["experiment"].is_string())
        throw UserError(record.source + ": key 'experiment' is missing or not a string");
    if (record.data.contains("source")) {
        if (!record.data["source"].is_string()) throw UserError(record.source + ": key 'source' is not a string");
        record.origin = record.data["source"].get<std::string>();
    }
    return record;
}

json read_json_file(const fs::path& path) {
    std::ifstream in(path);
    if (!in) throw UserError(fmt::format("{}: cannot open", path.string()));
    const std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return parse_json_text<json>(text, path.string());
}

// cutlass2_gemm.jsonl holds `cutlass_gemm run`'s lines as the program prints them (run_all.sh),
// without an "experiment": each is a CUTLASS 2.x GEMM timing.
constexpr const char* kCutlass2File = "cutlass2_gemm.jsonl";

void read_records(const fs::path& path, std::vector<MeasuredRecord>& out) {
    const std::vector<std::string> lines = read_lines(path);
    const bool cutlass2 = path.filename() == kCutlass2File;
    for (std::size_t i = 0; i < lines.size(); ++i) {
        const std::string& line = lines[i];
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string source = fmt::format("{}:{}", path.filename().string(), i + 1);
        json data = parse_json_text<json>(line, source);
        if (cutlass2 && data.is_object() && !data.contains("experiment")) {
            data["experiment"] = "cutlass_gemm";
            data["impl"] = "cutlass2";
        }
        out.push_back(make_record(std::move(data), source));
    }
}

}  // namespace

MeasuredRecord parse_record_line(std::string_view line, const std::string& source) {
    return make_record(parse_json_text<json>(line, source), source);
}

namespace {

const json& field(const MeasuredRecord& record, const std::string& key) {
    if (!record.data.contains(key)) throw UserError(fmt::format("{}: key '{}' is missing", record.source, key));
    return record.data.at(key);
}

// A published folder names its publisher in source.json beside header.json.
void read_publication(const fs::path& dir, MeasurementFolder& folder) {
    const fs::path header = dir / "header.json";
    if (!folder.header.contains("published")) return;
    if (!folder.header["published"].is_boolean()) throw UserError(header.string() + ": key 'published' must be true or false");
    folder.published = folder.header["published"].get<bool>();
    if (!folder.published) return;
    const fs::path source = dir / "source.json";
    if (!fs::exists(source)) throw UserError(fmt::format("{}: missing (a published folder says where its data comes from)", source.string()));
    const json j = read_json_file(source);
    if (!j.is_object() || !j.contains("published_by") || !j["published_by"].is_string())
        throw UserError(source.string() + ": key 'published_by' is missing or not a string");
    folder.published_by = j["published_by"].get<std::string>();
}

}  // namespace

fs::path stored_path(const fs::path& path) {
    if (fs::exists(path)) return path;
    for (const char* suffix : {".xz", ".gz", ".zst"}) {
        fs::path compressed = path;
        compressed += suffix;
        if (fs::exists(compressed)) return compressed;
    }
    return path;
}

std::vector<std::string> read_lines(const fs::path& path) {
    const fs::path stored = stored_path(path);
    trace::LineReader reader(trace::open_input(stored.string()), stored.string());
    std::vector<std::string> lines;
    for (std::string_view line; reader.next(line);) lines.emplace_back(line);
    return lines;
}

MeasurementFolder read_measurement_folder(const fs::path& dir) {
    if (!fs::is_directory(dir)) throw UserError(fmt::format("{}: not a measurement folder", dir.string()));
    MeasurementFolder folder;
    folder.dir = dir;
    const fs::path header = dir / "header.json";
    if (!fs::exists(header)) throw UserError(fmt::format("{}: missing (every measurement folder has one)", header.string()));
    folder.header = read_json_file(header);
    if (!folder.header.is_object()) throw UserError(header.string() + ": expected a JSON object");
    if (folder.header.contains("synthetic")) {
        if (!folder.header["synthetic"].is_boolean()) throw UserError(header.string() + ": key 'synthetic' must be true or false");
        folder.synthetic = folder.header["synthetic"].get<bool>();
    }
    read_publication(dir, folder);
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(dir))
        if (entry.is_regular_file() && entry.path().extension() == ".jsonl") files.push_back(entry.path());
    std::sort(files.begin(), files.end());
    for (const auto& file : files) read_records(file, folder.records);
    // probes/index.json (mma_probes) and probes/wgmma_index.json (wgmma_probes): one list of forms.
    for (const char* name : {"index.json", "wgmma_index.json"}) {
        const fs::path index = dir / "probes" / name;
        if (!fs::exists(index)) continue;
        json part = read_json_file(index);
        if (!part.is_object() || !part.contains("forms") || !part["forms"].is_array())
            throw UserError(index.string() + ": key 'forms' is missing or not an array");
        if (!folder.probe_index) folder.probe_index = std::move(part);
        else for (json& form : part["forms"]) (*folder.probe_index)["forms"].push_back(std::move(form));
    }
    return folder;
}

double number_field(const MeasuredRecord& record, const std::string& key) {
    const json& value = field(record, key);
    if (!value.is_number()) throw UserError(fmt::format("{}: key '{}' is not a number", record.source, key));
    return value.get<double>();
}

std::int64_t integer_field(const MeasuredRecord& record, const std::string& key, std::int64_t min, std::int64_t max) {
    const json& value = field(record, key);
    const bool in_range = value.is_number_unsigned()  ? value.get<std::uint64_t>() <= static_cast<std::uint64_t>(max) &&
                                                           static_cast<std::int64_t>(value.get<std::uint64_t>()) >= min
                          : value.is_number_integer() ? value.get<std::int64_t>() >= min && value.get<std::int64_t>() <= max
                                                      : false;
    if (!value.is_number_integer()) throw UserError(fmt::format("{}: key '{}' is not an integer", record.source, key));
    if (!in_range)
        throw UserError(fmt::format("{}: key '{}': expected an integer from {} to {}, got {}", record.source, key, min, max,
                                    value.dump()));
    return value.get<std::int64_t>();
}

std::string string_field(const MeasuredRecord& record, const std::string& key) {
    const json& value = field(record, key);
    if (!value.is_string()) throw UserError(fmt::format("{}: key '{}' is not a string", record.source, key));
    return value.get<std::string>();
}

bool bool_field(const MeasuredRecord& record, const std::string& key, bool fallback) {
    if (!record.data.contains(key)) return fallback;
    const json& value = record.data.at(key);
    if (!value.is_boolean()) throw UserError(fmt::format("{}: key '{}' is not true or false", record.source, key));
    return value.get<bool>();
}

}  // namespace stcsim::cli
