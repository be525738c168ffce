// The `stcsim` command line: one binary, one subcommand per job.
//
// run_cli parses argv, runs the subcommand and returns the process exit status:
// 0 success, 1 bad input (a UserError, printed as one line on stderr), 2 bad usage,
// 3 a simulator bug (an InternalError or any other escaping exception).
#pragma once

#include <functional>
#include <iosfwd>
#include <string>
#include <vector>

namespace stcsim::cli {

struct Streams {
    std::istream& in;
    std::ostream& out;
    std::ostream& err;
};

// A subcommand gets its own arguments (argv after the subcommand name).
using SubcommandMain = std::function<int(const std::vector<std::string>& args, Streams& io)>;

struct Subcommand {
    std::string name;
    std::string summary;
    SubcommandMain main;
};

// Every subcommand the binary offers, in the order `stcsim --help` lists them.
const std::vector<Subcommand>& subcommands();

int run_cli(const std::vector<std::string>& argv, Streams& io);

// Exit statuses shared by every subcommand.
inline constexpr int kExitOk = 0;
inline constexpr int kExitBadInput = 1;
inline constexpr int kExitBadUsage = 2;
inline constexpr int kExitInternalError = 3;

}  // namespace stcsim::cli
