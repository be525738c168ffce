#include "fuzz/fuzz_support.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace stcsim::fuzz {

std::string scratch_file(std::string_view text, const char* suffix) {
    static const std::string path =
        (std::filesystem::temp_directory_path() / ("stcsim-fuzz-" + std::to_string(::getpid()) + suffix)).string();
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    return path;
}

}  // namespace stcsim::fuzz
