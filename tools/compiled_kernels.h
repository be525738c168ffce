// The kernels of a compiled CUDA program, replayed one launch at a time: what `stcsim compare` uses to
// time a microbenchmark's own compiled loop (compare_twin.h, compare_memory_bench.h).
//
// Contract: the constructor disassembles the binary once (cuobjdump -sass and -res-usage, for one
// architecture or every one it holds); a missing binary or tool is a UserError. cycles() traces
// the CTAs of the named kernel through the SASS front end with the given parameter bytes, in a
// scratch folder of its own (so that replays may run in parallel), and replays it on the config.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "isa/sass/global_memory.h"
#include "sim/config/gpu_spec.h"

namespace stcsim::cli {

// Writes the low `bytes` bytes of `value` little-endian at `offset` of a kernel's parameter bytes
// (growing them as needed), as cudaLaunchKernel packs an int (4) or a pointer (8).
void put_param(std::vector<std::uint8_t>& params, std::size_t offset, std::uint64_t value, int bytes);

class CompiledKernels {
public:
    CompiledKernels() = default;
    // `arch` ("sm_90"): the SASS of that architecture only; empty: whatever the binary holds.
    CompiledKernels(std::filesystem::path binary, const std::string& arch);

    const std::filesystem::path& binary() const { return binary_; }
    bool empty() const { return listing_.empty(); }
    // The mangled name of the first kernel whose name contains `marker`; UserError naming the
    // binary and `what` when none does.
    std::string kernel_containing(const std::string& marker, const std::string& what) const;
    // The same for the first kernel whose name contains every one of `markers`.
    std::string kernel_containing_all(const std::vector<std::string>& markers, const std::string& what) const;
    // Cycles of `ctas` CTAs (a grid along x) of `threads` threads running `kernel` with `params`
    // (the parameter bytes) and `global`, what the host wrote to global memory before the launch
    // (null: nothing known; every global load is opaque).
    std::uint64_t cycles(const sim::GpuSpec& spec, const std::string& kernel, std::uint32_t threads,
                         std::vector<std::uint8_t> params, std::uint32_t ctas = 1,
                         std::shared_ptr<const isa::sass::GlobalMemory> global = nullptr) const;

private:
    std::filesystem::path binary_;
    std::string listing_, resource_usage_;
};

}  // namespace stcsim::cli
