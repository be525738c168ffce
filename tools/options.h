// Option parsing shared by the subcommands (Boost.program_options), with stcsim's conventions:
// `--help` prints the usage and the options, and any parse error becomes a UsageError (exit 2).
#pragma once

#include <boost/program_options.hpp>
#include <string>
#include <vector>

#include "tools/cli.h"

namespace stcsim::cli {

// Parses `args` into `values`. Returns false when --help was asked for (and printed).
// Writes `text` to `path`; UserError if it cannot.
void write_text_file(const std::string& path, const std::string& text);



bool parse_options(const std::vector<std::string>& args, const std::string& usage,
                   boost::program_options::options_description& options,
                   boost::program_options::variables_map& values, Streams& io);

}  // namespace stcsim::cli
