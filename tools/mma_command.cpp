#include "tools/commands.h"

namespace stcsim::cli {

int mma_main(const std::vector<std::string>&, Streams&) { return kExitOk; }

}  // namespace stcsim::cli
