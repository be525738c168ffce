// Option parsing shared by the subcommands (Boost.program_options), with stcsim's conventions:
// `--help` prints the usage and the options, and any parse error becomes a UsageError (exit 2).
#pragma once

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace stcsim::cli {

// Writes `text` to `path` so that no truncated file is ever left behind: into a temporary file
// beside it, checked through the final close, then renamed over `path`. A path that names an
// existing non-regular file (a device, a pipe) is written directly, also checked. UserError
// "<path>: cannot write: <reason>" on any failure.
void write_text_file(const std::string& path, const std::string& text);

// Creates the output folder `dir` (and its parents) and checks that files can be written into
// it, before any simulation starts; UserError naming `dir` otherwise.
void prepare_output_dir(const std::string& dir);

// A count or size from the command line, which Boost would wrap if negative ("-5" read as 2^64-5):
// UsageError unless 0 <= value <= max.
std::uint64_t checked_count(const std::string& option, std::int64_t value, std::uint64_t max);

// A byte count from the command line: an integer with an optional K, M or G suffix (powers of
// 1024, as the CUDA programs of validation/ read them: 4K = 4096, 2M = 2097152). UsageError
// naming --option unless it is a whole number from 0 to max.
std::uint64_t parse_size(const std::string& option, const std::string& text, std::uint64_t max);

// Parses `args` into `values`. Returns false when --help was asked for (and printed).
bool parse_options(const std::vector<std::string>& args, const std::string& usage,
                   boost::program_options::options_description& options,
                   boost::program_options::variables_map& values, Streams& io);

}  // namespace stcsim::cli
