// read_program_launch against stand-in programs (shell scripts) that print a launch: a good one is
// read exactly, parameter bytes included; anything else is one UserError naming the program.
#include "tools/program_launch.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "common/errors.h"

namespace stcsim::cli {
namespace {

namespace fs = std::filesystem;

// A script that prints `json` and writes the bytes "ABCD" to its last argument (the params path).
fs::path stand_in(const std::string& name, const std::string& json) {
    const fs::path dir = fs::temp_directory_path() / ("stcsim-launch-test-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path script = dir / name;
    std::ofstream(script) << "#!/bin/sh\nfor last; do :; done\nprintf ABCD > \"$last\"\ncat <<'EOF'\n" << json << "\nEOF\n";
    fs::permissions(script, fs::perms::owner_all);
    return script;
}

std::string params_path() {
    return (fs::temp_directory_path() / ("stcsim-launch-test-" + std::to_string(::getpid())) / "params").string();
}

std::string error_of(const std::string& json) {
    try {
        read_program_launch(stand_in("bad", json).string(), {"--m", "1"}, "--launch-out", params_path());
    } catch (const UserError& e) {
        return e.what();
    }
    return "";
}

TEST(ProgramLaunch, AGoodLaunchIsReadExactly) {
    const fs::path program = stand_in(
        "good", R"({"kernel": "k", "grid": [2, 3, 1], "block": [128, 1, 1], "smem": 4096, "param_offset": 4,
                   "buffers": {"A": [4096, 64], "B": [8192, 0]}})");
    const ProgramLaunch launch = read_program_launch(program.string(), {"--m", "1"}, "--launch-out", params_path());
    EXPECT_EQ(launch.kernel, "k");
    EXPECT_EQ(launch.launch.grid.x, 2u);
    EXPECT_EQ(launch.launch.grid.y, 3u);
    EXPECT_EQ(launch.launch.block.x, 128u);
    EXPECT_EQ(launch.launch.dynamic_shared, 4096u);
    // param_offset bytes of padding, then the bytes the program wrote.
    const std::vector<std::uint8_t> expected = {0, 0, 0, 0, 'A', 'B', 'C', 'D'};
    EXPECT_EQ(launch.launch.params, expected);
    fs::remove_all(program.parent_path());
}

TEST(ProgramLaunch, AnythingElseIsOneErrorNamingTheProgram) {
    for (const auto& [json, expected] : std::vector<std::pair<std::string, std::string>>{
             {"not json", "(the launch it printed): malformed JSON"},
             {"[1, 2]", "expected the launch as one JSON object"},
             {R"({"kernel": "k", "kernel": "k"})", "twice"},
             {R"({"grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0})", "has no 'kernel'"},
             {R"({"kernel": 5, "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0})", "'kernel' must be a string"},
             {R"({"kernel": "k", "grid": [1, 1], "block": [32, 1, 1], "smem": 0})", "'grid' must be three integers in [0, 2^32)"},
             {R"({"kernel": "k", "grid": [4294967296, 1, 1], "block": [32, 1, 1], "smem": 0})", "'grid' must be three integers"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, -1, 1], "smem": 0})", "'block' must be three"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": "big"})", "'smem' must be a byte count"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "param_offset": "8"})",
              "'param_offset' must be a byte offset in [0, 32764]"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "param_offset": 1e12})",
              "'param_offset' must be a byte offset"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "param_offset": 40000})",
              "'param_offset' must be a byte offset"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "buffers": [1, 2]})",
              "'buffers' must be an object"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "buffers": {"A": [1]}})",
              "buffer 'A' must be [address, bytes]"},
             {R"({"kernel": "k", "grid": [1, 1, 1], "block": [32, 1, 1], "smem": 0, "buffers": {"B\n": [-1, 4]}})",
              "buffer 'B\\n' must be [address, bytes]"},
         }) {
        const std::string error = error_of(json);
        EXPECT_NE(error.find(expected), std::string::npos) << json << " -> " << error;
        EXPECT_NE(error.find("bad"), std::string::npos) << "names the program: " << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << "one line: " << error;
    }
    fs::remove_all(fs::path(params_path()).parent_path());
}

TEST(ProgramLaunch, AProgramThatFailsIsAnErrorWithItsMessage) {
    const fs::path dir = fs::temp_directory_path() / ("stcsim-launch-fail-" + std::to_string(::getpid()));
    fs::create_directories(dir);
    const fs::path script = dir / "failing";
    std::ofstream(script) << "#!/bin/sh\necho 'failing: the tile does not divide the problem' >&2\nexit 2\n";
    fs::permissions(script, fs::perms::owner_all);
    try {
        read_program_launch(script.string(), {}, "--launch-out", (dir / "params").string());
        ADD_FAILURE() << "no error";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("the tile does not divide the problem"), std::string::npos) << e.what();
    }
    fs::remove_all(dir);
}

}  // namespace
}  // namespace stcsim::cli
