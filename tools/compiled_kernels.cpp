#include "tools/compiled_kernels.h"

#include <algorithm>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "common/errors.h"
#include "common/scratch_dir.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/program.h"
#include "sim/gpu/replay.h"
#include "sim/trace/sass_trace.h"
#include "tools/cuda_tools.h"

namespace stcsim::cli {

void put_param(std::vector<std::uint8_t>& params, std::size_t offset, std::uint64_t value, int bytes) {
    if (params.size() < offset + static_cast<std::size_t>(bytes)) params.resize(offset + static_cast<std::size_t>(bytes));
    for (int b = 0; b < bytes; ++b) params[offset + static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(value >> (8 * b));
}

CompiledKernels::CompiledKernels(std::filesystem::path binary, const std::string& arch) : binary_(std::move(binary)) {
    if (!std::filesystem::exists(binary_)) throw UserError(fmt::format("{}: no such file", binary_.string()));
    const std::string cuobjdump = find_cuda_tool("cuobjdump");
    const std::vector<std::string> only = arch.empty() ? std::vector<std::string>{} : std::vector<std::string>{"-arch", arch};
    std::vector<std::string> args = only;
    args.insert(args.end(), {"-sass", binary_.string()});
    listing_ = isa::sass::run_tool(cuobjdump, args);
    args = only;
    args.insert(args.end(), {"-res-usage", binary_.string()});
    resource_usage_ = isa::sass::run_tool(cuobjdump, args);
}

std::string CompiledKernels::kernel_containing(const std::string& marker, const std::string& what) const {
    const std::size_t at = listing_.find(marker);
    if (at == std::string::npos)
        throw UserError(fmt::format("{}: no kernel for {} (looked for '{}')", binary_.string(), what, marker));
    const std::size_t begin = listing_.rfind(' ', at) + 1, end = listing_.find_first_of(" \n", at);
    return listing_.substr(begin, end - begin);
}

std::string CompiledKernels::kernel_containing_all(const std::vector<std::string>& markers, const std::string& what) const {
    static const std::string kHeading = "Function : ";
    for (std::size_t at = listing_.find(kHeading); at != std::string::npos; at = listing_.find(kHeading, at + 1)) {
        const std::size_t begin = at + kHeading.size(), end = listing_.find_first_of(" \n", begin);
        const std::string name = listing_.substr(begin, end - begin);
        if (std::all_of(markers.begin(), markers.end(), [&](const std::string& m) { return name.find(m) != std::string::npos; }))
            return name;
    }
    throw UserError(fmt::format("{}: no kernel for {} (looked for a name holding '{}')", binary_.string(), what, fmt::join(markers, "', '")));
}

std::uint64_t CompiledKernels::cycles(const sim::GpuSpec& spec, const std::string& kernel, std::uint32_t threads,
                                      std::vector<std::uint8_t> params, std::uint32_t ctas,
                                      std::shared_ptr<const isa::sass::GlobalMemory> global) const {
    isa::sass::KernelCode code = isa::sass::kernel_from_listing(listing_, resource_usage_, kernel, "", binary_.string());
    const isa::sass::Program program(std::move(code), isa::sass::Launch{{ctas, 1, 1}, {threads, 1, 1}, 0, std::move(params), std::move(global)});
    const ScratchDir scratch("stcsim-kernel");  // a folder of its own for each replay
    trace::write_sass_trace(program, scratch.path().string(), {});
    return sim::run_replay(spec, (scratch.path() / "kernelslist.g").string()).cycles;
}

}  // namespace stcsim::cli
