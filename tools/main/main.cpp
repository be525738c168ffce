#include <iostream>
#include <string>
#include <vector>

#include "tools/cli.h"

int main(int argc, char** argv) {
    std::ios::sync_with_stdio(false);
    const std::vector<std::string> args(argv, argv + argc);
    stcsim::cli::Streams io{std::cin, std::cout, std::cerr};
    const int status = stcsim::cli::run_cli(args, io);
    std::cout.flush();
    return status;
}
