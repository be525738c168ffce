#include "tools/cuda_tools.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <vector>

#include "common/errors.h"

#ifndef STCSIM_SOURCE_DIR
#define STCSIM_SOURCE_DIR "."
#endif

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;

bool executable(const fs::path& p) { return fs::is_regular_file(p) && ::access(p.c_str(), X_OK) == 0; }

// .venv/lib/python3.*/site-packages/nvidia/cu*/bin/NAME, newest CUDA first.
std::optional<std::string> in_venv(const fs::path& venv, const std::string& name) {
    std::error_code ec;
    std::vector<fs::path> found;
    if (!fs::is_directory(venv / "lib", ec)) return std::nullopt;
    for (const auto& python : fs::directory_iterator(venv / "lib", ec)) {
        const fs::path nvidia = python.path() / "site-packages" / "nvidia";
        if (!fs::is_directory(nvidia, ec)) continue;
        for (const auto& cuda : fs::directory_iterator(nvidia, ec))
            if (executable(cuda.path() / "bin" / name)) found.push_back(cuda.path() / "bin" / name);
    }
    if (found.empty()) return std::nullopt;
    std::sort(found.begin(), found.end());
    return found.back().string();
}

}  // namespace

std::optional<std::string> locate_cuda_tool(const std::string& name) {
    std::string variable = "STCSIM_" + name;
    std::transform(variable.begin(), variable.end(), variable.begin(),
                   [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
    if (const char* value = std::getenv(variable.c_str()); value != nullptr && *value != '\0') {
        if (!executable(value)) throw UserError(fmt::format("{}={}: not an executable", variable, value));
        return std::string(value);
    }
    if (auto venv = in_venv(fs::path(STCSIM_SOURCE_DIR) / ".venv", name)) return venv;
    if (const char* path = std::getenv("PATH")) {
        std::string_view rest(path);
        while (!rest.empty()) {
            const auto colon = rest.find(':');
            const fs::path candidate = fs::path(std::string(rest.substr(0, colon))) / name;
            if (executable(candidate)) return candidate.string();
            if (colon == std::string_view::npos) break;
            rest.remove_prefix(colon + 1);
        }
    }
    if (executable(fs::path("/usr/local/cuda/bin") / name)) return (fs::path("/usr/local/cuda/bin") / name).string();
    return std::nullopt;
}

std::string find_cuda_tool(const std::string& name) {
    if (auto path = locate_cuda_tool(name)) return *path;
    throw UserError(fmt::format("{} not found: run scripts/setup.sh (it installs the PyPI package nvidia-cuda-{} into "
                                "{}/.venv), put it on PATH, or set STCSIM_{}",
                                name, name, STCSIM_SOURCE_DIR,
                                name == "cuobjdump" ? "CUOBJDUMP" : "NVDISASM"));
}

}  // namespace stcsim::cli
