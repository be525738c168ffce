// `stcsim config-doc`: prints the reference page of every config key (docs/config-reference.md),
// generated from the same field tables that validate configs.
#include <ostream>

#include "sim/config/gpu_schema.h"
#include "tools/commands.h"

namespace stcsim::cli {

int config_doc_main(const std::vector<std::string>& args, Streams& io) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        io.out << "usage: stcsim config-doc\nPrints the Markdown reference of every config key.\n";
        return kExitOk;
    }
    if (!args.empty()) throw UsageError("unexpected argument '" + args[0] + "'");
    io.out << sim::config::reference_markdown(sim::config::gpu_schema().info());
    return kExitOk;
}

}  // namespace stcsim::cli
