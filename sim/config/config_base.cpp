#include "sim/config/config_base.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/errors.h"
#include "common/json_text.h"
#include "sim/config/named_configs.h"

namespace stcsim::sim::config {
namespace {

namespace fs = std::filesystem;

// A chain longer than this is taken for a mistake (no real variant stacks more).
constexpr std::size_t kMaxBaseDepth = 16;

// The file `base` stands for, as named in `label`: a path is relative to the naming file's folder.
std::string base_path(const std::string& base, const std::string& label) {
    const bool is_path = base.find('/') != std::string::npos || fs::path(base).extension() == ".json";
    if (is_path && fs::path(base).is_relative() && fs::is_regular_file(label))
        return (fs::path(label).parent_path() / base).lexically_normal().string();
    return resolve_config_path(base);
}

Json with_base(Json raw, const std::string& label, std::vector<std::string>& chain) {
    if (!raw.is_object() || !raw.contains("base")) return raw;
    const Json& base = raw["base"];
    if (!base.is_string() || base.get<std::string>().empty())
        throw UserError(fmt::format("{}: key 'base': expected the name or path of the config this one changes, got {}", label,
                                    base.dump()));
    std::string path;
    try {
        path = base_path(base.get<std::string>(), label);
    } catch (const UserError& e) {
        throw UserError(fmt::format("{}: key 'base': {}", label, e.what()));
    }
    const std::string identity = fs::weakly_canonical(path).string();
    if (std::find(chain.begin(), chain.end(), identity) != chain.end() || chain.size() >= kMaxBaseDepth)
        throw UserError(fmt::format("{}: key 'base': {} is already on this config's chain of bases ({})", label, path,
                                    fmt::join(chain, " -> ")));
    chain.push_back(identity);
    Json merged = with_base(read_config_json(path), path, chain);
    raw.erase("base");
    merged.merge_patch(raw);
    return merged;
}

}  // namespace

Json read_config_json(const std::string& path) {
    std::ifstream in(path);
    if (!in) {
        // configs/a100.json from outside the source tree: the shipped config goes by its name.
        const std::string stem = fs::path(path).stem().string();
        for (const NamedConfig& c : named_configs())
            if (c.name == stem) throw UserError(path + ": cannot open the config file (the shipped one is --config " + stem + ")");
        throw UserError(path + ": cannot open the config file");
    }
    std::stringstream text;
    text << in.rdbuf();
    return parse_json_text<Json>(text.str(), path);
}

Json apply_base(const Json& raw, const std::string& label) {
    std::vector<std::string> chain;
    if (fs::is_regular_file(label)) chain.push_back(fs::weakly_canonical(label).string());
    return with_base(raw, label, chain);
}

}  // namespace stcsim::sim::config
