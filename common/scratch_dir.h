// A private temporary folder: created empty under the system's temporary directory (named after
// the given stem, the process id and a counter, so concurrent users never share one) and removed
// with everything in it when the object goes, however the scope ends.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>
#include <system_error>

namespace stcsim {

class ScratchDir {
public:
    explicit ScratchDir(const std::string& stem) {
        static std::atomic<unsigned long long> counter{0};
        path_ = std::filesystem::temp_directory_path() /
                (stem + "-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
        std::filesystem::remove_all(path_);
        std::filesystem::create_directories(path_);
    }
    ~ScratchDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    ScratchDir(const ScratchDir&) = delete;
    ScratchDir& operator=(const ScratchDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace stcsim
