#include "tools/cli.h"

#include <unistd.h>

#include <exception>
#include <filesystem>
#include <fstream>
#include <ios>
#include <ostream>

#include "common/errors.h"
#include "common/printable.h"
#include "sim/core/engine.h"
#include "tools/commands.h"

#ifndef STCSIM_VERSION
#define STCSIM_VERSION "unknown"
#endif

namespace stcsim::cli {
namespace {

// A deadlock report ends with the state of every unit (hundreds of kilobytes on a full GPU): it
// goes to a file, and the message names it.
std::string deadlock_summary(const std::string& report) {
    const std::string marker = "; state: ";
    const std::size_t at = report.find(marker);
    if (at == std::string::npos) return report;
    const std::filesystem::path path =
        std::filesystem::temp_directory_path() / ("stcsim-deadlock-" + std::to_string(::getpid()) + ".json");
    std::ofstream out(path);
    out << report.substr(at + marker.size()) << '\n';
    out.close();
    if (!out) return report.substr(0, at) + "; the state of every unit could not be written to " + path.string();
    return report.substr(0, at) + "; the state of every unit is in " + path.string();
}

void print_usage(std::ostream& out) {
    out << "usage: stcsim <command> [options]\n\n"
           "stcsim simulates NVIDIA Sparse Tensor Cores (mma / mma.sp) bit-exactly and cycle by "
           "cycle.\n\ncommands:\n";
    for (const auto& command : subcommands()) {
        out << "  " << command.name;
        for (std::size_t pad = command.name.size(); pad < 12; ++pad) out << ' ';
        out << command.summary << '\n';
    }
    out << "\nRun 'stcsim <command> --help' for the options of one command.\n";
}

}  // namespace

const std::vector<Subcommand>& subcommands() {
    static const std::vector<Subcommand> all = {
        {"mma", "execute one warp-level mma / mma.sp instruction on given matrices", mma_main},
        {"bench", "simulate microbenchmarks (bench mma, latency, bandwidth, smem, ldmatrix) and measure simulator speed", bench_main},
        {"config-doc", "print the reference of every configuration key", config_doc_main},
        {"config", "list the shipped GPU configs that --config NAME finds (config list)", config_main},
        {"stats-doc", "print the reference of every stat that run and bench write", stats_doc_main},
        {"run", "replay a kernel trace on a configured GPU: cycles, instructions, utilisation, stalls, memory", run_main},
        {"trace", "generate kernel traces (trace gen gemm) and read them (trace stats)", trace_main},
        {"compare", "hold simulated results against a measurement folder (MAPE, correlation, bit-exact probes)", compare_main},
        {"summary", "a table of finished runs: cycles, time, TFLOP/s, share of the tensor peak, speedup", summary_main},
        {"sweep", "run a grid or list of simulations (configs x -p overrides x traces) locally or on a Dask cluster", sweep_main},
    };
    return all;
}

int run_cli(const std::vector<std::string>& argv, Streams& io) {
    if (argv.size() < 2) {
        print_usage(io.err);
        return kExitBadUsage;
    }
    const std::string& first = argv[1];
    if (first == "help" && argv.size() > 2) {  // `stcsim help run` is `stcsim run --help`
        return run_cli({argv[0], argv[2], "--help"}, io);
    }
    if (first == "--help" || first == "-h" || first == "help") {
        print_usage(io.out);
        return kExitOk;
    }
    if (first == "--version") {
        io.out << "stcsim " << STCSIM_VERSION << '\n';
        return kExitOk;
    }
    for (const auto& command : subcommands()) {
        if (command.name != first) continue;
        const std::vector<std::string> args(argv.begin() + 2, argv.end());
        try {
            return command.main(args, io);
        } catch (const UsageError& error) {
            io.err << "stcsim " << command.name << ": " << printable(error.what())
                   << " (see 'stcsim " << command.name << " --help')\n";
            return kExitBadUsage;
        } catch (const UserError& error) {
            io.err << "stcsim " << command.name << ": error: " << printable(error.what()) << '\n';
            return kExitBadInput;
        } catch (const std::filesystem::filesystem_error& error) {  // the file system refused: not a bug
            io.err << "stcsim " << command.name << ": error: " << printable(error.what()) << '\n';
            return kExitBadInput;
        } catch (const std::ios_base::failure& error) {
            io.err << "stcsim " << command.name << ": error: " << printable(error.what()) << '\n';
            return kExitBadInput;
        } catch (const sim::DeadlockError& error) {
            // Warps that wait for each other forever (a trace that lost an arrive, say) or a bug.
            io.err << "stcsim " << command.name << ": the simulation stopped making progress (warps that wait "
                   << "for each other forever, or a simulator bug): " << printable(deadlock_summary(error.what())) << '\n';
            return kExitInternalError;
        } catch (const InternalError& error) {
            io.err << "stcsim " << command.name << ": internal error (a simulator bug): "
                   << printable(error.what()) << '\n';
            return kExitInternalError;
        } catch (const std::exception& error) {
            // Anything else escaping a subcommand is a bug too; report it rather than abort.
            io.err << "stcsim " << command.name << ": internal error (a simulator bug): "
                   << printable(error.what()) << '\n';
            return kExitInternalError;
        }
    }
    io.err << "stcsim: unknown command '" << first << "' (see 'stcsim --help')\n";
    return kExitBadUsage;
}

}  // namespace stcsim::cli
