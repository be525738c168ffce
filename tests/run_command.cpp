#include "run_command.h"

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace stcsim::testing {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::filesystem::path temp_dir() {
    const auto dir = std::filesystem::path(STCSIM_TEST_TMP_DIR);
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

std::string write_temp_file(const std::string& name, const std::string& contents) {
    const auto path = temp_dir() / name;
    std::filesystem::create_directories(path.parent_path());
    std::ofstream(path) << contents;
    return path.string();
}

CommandResult run_stcsim(const std::string& arguments, const std::string& stdin_text) {
    static int counter = 0;
    const std::string stem = (temp_dir() / ("cmd" + std::to_string(::getpid()) + "_" + std::to_string(counter++))).string();
    const std::string in_path = write_temp_file(std::filesystem::path(stem + ".in").filename().string(), stdin_text);
    const std::string command = std::string("'") + STCSIM_BINARY + "' " + arguments + " <'" + in_path + "' >'" +
                                stem + ".out' 2>'" + stem + ".err'";
    const int raw = std::system(command.c_str());
    CommandResult result;
    result.status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
    result.out = slurp(stem + ".out");
    result.err = slurp(stem + ".err");
    return result;
}

}  // namespace stcsim::testing
