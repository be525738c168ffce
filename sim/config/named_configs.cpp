#include "sim/config/named_configs.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <set>

#include "common/errors.h"
#include "common/printable.h"

#ifndef STCSIM_CONFIG_DIR
#define STCSIM_CONFIG_DIR ""
#endif

namespace stcsim::sim::config {
namespace {

namespace fs = std::filesystem;

// The folder of the running binary (Linux: /proc/self/exe), or empty.
fs::path binary_dir() {
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    return ec ? fs::path() : exe.parent_path();
}

}  // namespace

std::vector<std::string> config_dirs() {
    std::vector<fs::path> candidates;
    if (const char* env = std::getenv("STCSIM_CONFIG_DIR"); env != nullptr && *env != '\0') candidates.emplace_back(env);
    if (const fs::path bin = binary_dir(); !bin.empty()) candidates.push_back(bin.parent_path() / "share" / "stcsim" / "configs");
    if (*STCSIM_CONFIG_DIR != '\0') candidates.emplace_back(STCSIM_CONFIG_DIR);
    std::vector<std::string> dirs;
    for (const fs::path& dir : candidates) {
        std::error_code ec;
        if (fs::is_directory(dir, ec)) dirs.push_back(dir.lexically_normal().string());
    }
    return dirs;
}

std::vector<NamedConfig> named_configs() {
    std::vector<NamedConfig> all;
    std::set<std::string> seen;
    for (const std::string& dir : config_dirs()) {
        std::error_code ec;
        for (const auto& entry : fs::directory_iterator(dir, ec)) {
            const fs::path& p = entry.path();
            if (p.extension() != ".json" || !entry.is_regular_file(ec)) continue;
            if (seen.insert(p.stem().string()).second) all.push_back({p.stem().string(), p.string()});
        }
    }
    std::sort(all.begin(), all.end(), [](const NamedConfig& a, const NamedConfig& b) { return a.name < b.name; });
    return all;
}

std::string resolve_config_path(const std::string& name_or_path) {
    std::error_code ec;
    if (name_or_path.empty() || name_or_path.find('/') != std::string::npos || name_or_path.ends_with(".json") ||
        fs::exists(name_or_path, ec))
        return name_or_path;
    const std::vector<NamedConfig> all = named_configs();
    for (const NamedConfig& c : all)
        if (c.name == name_or_path) return c.path;
    std::string names;
    for (const NamedConfig& c : all) names += (names.empty() ? "" : ", ") + c.name;
    throw UserError(printable(name_or_path) + ": no such config file, nor a shipped config of that name (shipped: " +
                    (names.empty() ? std::string("none found") : names) + "; see 'stcsim config list')");
}

}  // namespace stcsim::sim::config
