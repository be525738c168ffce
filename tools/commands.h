// Entry points of the subcommands, registered in cli.cpp.
#pragma once

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "sim/trace/gemm_trace.h"
#include "sim/trace/sass_trace.h"
#include "tools/cli.h"

namespace stcsim::cli {

// Wrong options or arguments: reported with a pointer to --help, exit status 2.
class UsageError : public std::runtime_error {
public:
    explicit UsageError(const std::string& message) : std::runtime_error(message) {}
};

int mma_main(const std::vector<std::string>& args, Streams& io);
int bench_main(const std::vector<std::string>& args, Streams& io);
// The memory microbenchmarks (memory_bench_command.cpp), dispatched by bench_main.
int bench_latency(const std::vector<std::string>& args, Streams& io);
int bench_bandwidth(const std::vector<std::string>& args, Streams& io);
int bench_smem(const std::vector<std::string>& args, Streams& io);
int bench_ldmatrix(const std::vector<std::string>& args, Streams& io);
int config_doc_main(const std::vector<std::string>& args, Streams& io);
int config_main(const std::vector<std::string>& args, Streams& io);
int stats_doc_main(const std::vector<std::string>& args, Streams& io);
int run_main(const std::vector<std::string>& args, Streams& io);
// `trace gen kernel` (trace_kernel_command.cpp), dispatched by trace_main.
int gen_kernel(const std::vector<std::string>& args, Streams& io);
// The options of a kernel launch to trace from its SASS (--binary, --kernel, --grid, --block, --smem,
// --params, --ctas, --arch, --disassembler), shared by `trace gen kernel` and `run --binary`, and the
// tracing itself: DIR/kernelslist.g and DIR/kernel_file, with a progress line on `err` when it is a terminal.
void add_kernel_trace_options(boost::program_options::options_description& options, bool required);
trace::SassTraceResult trace_kernel(const boost::program_options::variables_map& values, const std::string& dir,
                                    const std::string& kernel_file, std::string* kernel_name, std::string* arch,
                                    std::ostream& err);
// `trace gen gemm --impl cutlass` and `--impl bench` (trace_gemm_programs.cpp), dispatched by the
// gemm generator; `spec` holds the bench kernel's problem, types, tiles and stages.
int gen_gemm_cutlass(const boost::program_options::variables_map& values, Streams& io);
int gen_gemm_bench(const boost::program_options::variables_map& values, const trace::GemmTraceSpec& spec, Streams& io);
int trace_main(const std::vector<std::string>& args, Streams& io);
// `sweep` (sweep_command.cpp): runs the Python package's sweep driver.
int sweep_main(const std::vector<std::string>& args, Streams& io);
int compare_main(const std::vector<std::string>& args, Streams& io);
int summary_main(const std::vector<std::string>& args, Streams& io);

}  // namespace stcsim::cli
