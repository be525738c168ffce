// A small command-line parser for the validation programs: `--name value` options and `--flag`
// switches, each declared with a one-line help text. Host code only; no CUDA.
// Bad usage (unknown option, missing or malformed value) throws UsageError; the programs print
// its message and the usage text and exit 2.
#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace stcsim::validation {

struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

class Args {
public:
    Args(std::string program, std::string summary);
    void option(const std::string& name, const std::string& help, const std::string& default_value = "");
    void flag(const std::string& name, const std::string& help);
    void parse(int argc, char** argv);  // throws UsageError

    bool has(const std::string& name) const;  // given on the command line (or a flag set)
    std::string str(const std::string& name) const;
    std::int64_t integer(const std::string& name) const;  // accepts K/M/G suffixes (powers of 1024)
    std::vector<std::int64_t> integers(const std::string& name) const;  // comma-separated
    std::string usage() const;
    std::string command_line() const { return command_line_; }

private:
    struct Spec {
        std::string help, default_value;
        bool is_flag = false;
    };
    std::string program_, summary_, command_line_;
    std::vector<std::string> order_;
    std::map<std::string, Spec> specs_;
    std::map<std::string, std::string> values_;
};

std::int64_t parse_integer(const std::string& text, const std::string& what);  // throws UsageError

}  // namespace stcsim::validation
