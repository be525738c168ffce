#include "tools/options.h"

#include <fstream>
#include <ostream>

#include "common/errors.h"

#include "tools/commands.h"

namespace stcsim::cli {

namespace po = boost::program_options;

void write_text_file(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    if (!out) throw UserError(path + ": cannot write");
    out << text;
}

bool parse_options(const std::vector<std::string>& args, const std::string& usage,
                   po::options_description& options, po::variables_map& values, Streams& io) {
    options.add_options()("help,h", "print this help");
    try {
        po::store(po::command_line_parser(args).options(options).run(), values);
        if (values.count("help")) {
            io.out << usage << "\n\n" << options << '\n';
            return false;
        }
        po::notify(values);
    } catch (const po::error& error) {
        throw UsageError(error.what());
    }
    return true;
}

}  // namespace stcsim::cli
