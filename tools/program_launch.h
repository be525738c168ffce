// A GEMM program's launch, traced from its SASS: the validation programs (gemm_bench,
// cutlass_gemm, cutlass3_gemm) build the launch of one of their kernels on the host, without a GPU:
// they write the parameter bytes to a file and print one JSON object (kernel, grid, block, smem,
// optionally param_offset, buffers {A, B, E, D: [address, bytes]}, ...). This module runs such a
// program, reads what it wrote, disassembles the kernel from the same binary and traces the launch
// through the SASS front end (sim/trace/sass_trace.h).
//
// Contract: read_program_launch returns the launch exactly as the program described it (UserError
// naming the program when it fails or prints something else than the expected object);
// trace_program_launch writes DIR/kernelslist.g (MemcpyHtoD lines for the A, B and E buffers that
// are not empty, then the kernel) and DIR/<kernel_file>.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "isa/sass/program.h"
#include "sim/trace/gemm_trace.h"
#include "sim/trace/sass_trace.h"

namespace stcsim::cli {

struct ProgramLaunch {
    std::string program;  // the binary that holds the kernel
    std::string kernel;   // its name in the SASS listing
    isa::sass::Launch launch;
    nlohmann::json description;  // the object the program printed
};

// Runs `program args... <params_flag> params_path` and reads the launch it describes.
ProgramLaunch read_program_launch(const std::string& program, std::vector<std::string> args, const std::string& params_flag,
                                  const std::string& params_path);

// validation/gemm_bench's launch for the spec (its defaults filled in): `gemm_bench --m .. --n ..
// --k .. --dtype .. --acc .. --tile .. --warp-tile .. --stages .. [--sparse] --launch-out PATH`.
// UserError with gemm_bench's message when it has no kernel for the spec.
ProgramLaunch gemm_bench_launch(const std::string& gemm_bench, const trace::GemmTraceSpec& spec, const std::string& params_path);

// validation/cutlass_gemm's launch of one of its kernels (CUTLASS 2.x: stcsim_cutlass_{dense,sparse}_{f16,bf16}):
// `cutlass_gemm launch --kernel K --m .. --n .. --k .. --params-out PATH`.
ProgramLaunch cutlass_gemm_launch(const std::string& cutlass_gemm, const std::string& kernel, std::int64_t m, std::int64_t n,
                                  std::int64_t k, const std::string& params_path);

// The gemm_bench this build made; empty when the validation build did not make it.
std::filesystem::path default_gemm_bench();

// The cutlass_gemm (CUTLASS 2.x) this build made; empty when it was not built.
std::filesystem::path default_cutlass_gemm();

struct TracedLaunch {
    trace::SassTraceResult trace;
    std::string mma_sass;  // the opcode of the kernel's tensor-core instructions ("" when none)
};

// Disassembles the kernel for `arch` (cuobjdump) and writes its trace to `dir`.
TracedLaunch trace_program_launch(const ProgramLaunch& launch, const std::string& arch, const std::string& dir,
                                  trace::SassTraceOptions options);

}  // namespace stcsim::cli
