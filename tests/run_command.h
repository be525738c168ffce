// Runs the stcsim binary as a user would, for end-to-end tests: captures stdout, stderr and the
// exit status.
#pragma once

#include <string>

namespace stcsim::testing {

struct CommandResult {
    int status = -1;
    std::string out;
    std::string err;
};

// `arguments` is appended to the binary's path and run by /bin/sh; `stdin_text` is fed on stdin.
CommandResult run_stcsim(const std::string& arguments, const std::string& stdin_text = "");

// A file under the build's temporary test folder, holding `contents`; returns its path.
std::string write_temp_file(const std::string& name, const std::string& contents);

}  // namespace stcsim::testing
