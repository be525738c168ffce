// Disassembly of a compiled CUDA binary (cubin, fatbinary, executable or shared library) with
// NVIDIA's cuobjdump, into the instructions and resource usage of one kernel.
//
// Contract: disassemble_kernel runs `cuobjdump -sass` and `cuobjdump -res-usage` on the binary
// (the tool's path is given: the caller finds it) and returns the named kernel's code for the
// requested architecture, or for the binary's only architecture when none is requested. A missing
// tool, a binary cuobjdump cannot read, an unknown kernel (the message lists the kernels there) or
// an ambiguous architecture are UserErrors. No time, no emulation.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "isa/sass/instruction.h"
#include "isa/sass/parser.h"

namespace stcsim::isa::sass {

struct KernelCode {
    std::string name;        // mangled
    std::string arch;        // "sm_80"
    int sm = 0;              // 80
    std::vector<Instruction> instructions;  // in PC order, starting at PC 0
    std::uint32_t registers = 0;      // per thread (REG)
    std::uint32_t static_shared = 0;  // bytes (SHARED)
    std::uint32_t stack = 0;          // bytes per thread (STACK)
};

// Runs `tool args...` (in `directory` when given) and returns its standard output; a non-zero exit
// is a UserError with its stderr.
std::string run_tool(const std::string& tool, const std::vector<std::string>& args, const std::string& directory = "");

KernelCode disassemble_kernel(const std::string& cuobjdump, const std::string& binary, const std::string& kernel,
                              const std::string& arch);

// The same with nvdisasm: the binary's cubins are extracted with `cuobjdump -xelf all` into a
// temporary folder, the kernel's cubin disassembled with `nvdisasm -c` (labels resolved to PCs).
KernelCode disassemble_kernel_nvdisasm(const std::string& cuobjdump, const std::string& nvdisasm,
                                       const std::string& binary, const std::string& kernel, const std::string& arch);

// Reads `cuobjdump -sass` text (for tests and for listings produced elsewhere).
KernelCode kernel_from_listing(const std::string& listing, const std::string& resource_usage,
                               const std::string& kernel, const std::string& arch, const std::string& where);
KernelCode kernel_from_functions(std::vector<Function> functions, const std::string& resource_usage,
                                 const std::string& kernel, const std::string& arch, const std::string& where);

}  // namespace stcsim::isa::sass
