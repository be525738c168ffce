// `stcsim sweep SPEC [--out FILE] [--scheduler ADDRESS] [--workers N]`: sweeps run in the Python
// package (python/stcsim/sweep.py), which drives the simulations in-process on local cores or on a
// Dask cluster. This command runs `PYTHON -m stcsim sweep ARGS` with the package and this build's
// compiled module on PYTHONPATH, and returns its exit status.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <ostream>

#include <fmt/format.h>

#include "common/errors.h"
#include "tools/commands.h"

#ifndef STCSIM_PYTHON_MODULE_DIR
#define STCSIM_PYTHON_MODULE_DIR ""
#endif
#ifndef STCSIM_PYTHON_EXECUTABLE
#define STCSIM_PYTHON_EXECUTABLE ""
#endif

namespace stcsim::cli {
namespace {

constexpr const char* kSetUp = "run ./scripts/setup.sh (it installs pybind11-dev and python3-dev and builds the module)";

std::string python_path() {
    std::string path = std::string(STCSIM_SOURCE_DIR) + "/python:" + STCSIM_PYTHON_MODULE_DIR;
    if (const char* existing = std::getenv("PYTHONPATH"); existing != nullptr && *existing != '\0')
        path += std::string(":") + existing;
    return path;
}

}  // namespace

int sweep_main(const std::vector<std::string>& args, Streams& io) {
    if (std::string(STCSIM_PYTHON_MODULE_DIR).empty())
        throw UserError(fmt::format("sweeps need the Python module, which this build lacks; {}", kSetUp));
    const char* chosen = std::getenv("STCSIM_PYTHON");
    const std::string python = chosen != nullptr && *chosen != '\0' ? chosen : STCSIM_PYTHON_EXECUTABLE;
    std::error_code ec;
    if (python.empty() || !std::filesystem::exists(python, ec))
        throw UserError(fmt::format("no Python interpreter at '{}' for sweeps; {}", python, kSetUp));

    std::vector<std::string> words = {python, "-m", "stcsim", "sweep"};
    words.insert(words.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& word : words) argv.push_back(word.data());
    argv.push_back(nullptr);
    const std::string pythonpath = python_path();
    io.out.flush();
    io.err.flush();
    // Ctrl-C reaches the sweep too (same process group); this process waits for it to stop.
    struct sigaction ignore {}, previous {};
    ignore.sa_handler = SIG_IGN;
    sigaction(SIGINT, &ignore, &previous);
    const pid_t child = fork();
    if (child == 0) {
        sigaction(SIGINT, &previous, nullptr);
        setenv("PYTHONPATH", pythonpath.c_str(), 1);
        execv(python.c_str(), argv.data());
        _exit(127);
    }
    int status = 0;
    const bool waited = child > 0 && waitpid(child, &status, 0) == child;
    sigaction(SIGINT, &previous, nullptr);
    if (!waited) throw UserError(fmt::format("cannot run '{}'", python));
    if (WIFEXITED(status)) {
        if (WEXITSTATUS(status) == 127) throw UserError(fmt::format("cannot run '{}'; {}", python, kSetUp));
        return WEXITSTATUS(status);
    }
    return kExitInternalError;  // killed by a signal
}

}  // namespace stcsim::cli
