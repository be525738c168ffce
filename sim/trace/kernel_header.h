// The header of a kernel trace (`-key = value` lines before the first `#` line) and the
// kernelslist.g file that lists a run's kernels and memory copies.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stcsim::trace {

// The most threads a CUDA thread block holds (every architecture so far).
inline constexpr std::uint64_t kMaxBlockThreads = 1024;

struct Dim3 {
    std::uint32_t x = 1, y = 1, z = 1;
    std::uint64_t count() const { return std::uint64_t{x} * y * z; }
    bool operator==(const Dim3&) const = default;
};

// The stcsim extension's version, written as `-stcsim trace version = 1`; 0 in plain files.
inline constexpr int kStcsimTraceVersion = 1;

struct KernelHeader {
    std::string kernel_name;
    std::uint32_t kernel_id = 0;
    Dim3 grid{0, 0, 0}, block{0, 0, 0};
    std::uint32_t shmem = 0;  // bytes of shared memory per CTA
    std::uint32_t nregs = 0;
    std::uint32_t binary_version = 0;  // 80 for sm_80
    std::uint64_t cuda_stream_id = 0;
    std::uint64_t shmem_base_addr = 0, local_mem_base_addr = 0;
    std::string nvbit_version;
    std::uint32_t tracer_version = 0;  // `-accelsim tracer version`; absent means an old (< 3) trace
    std::uint32_t enable_lineinfo = 0;
    std::uint32_t stcsim_version = 0;  // `-stcsim trace version`; 0: plain Accel-Sim trace
    std::vector<std::pair<std::string, std::string>> other;  // keys stcsim does not know, kept verbatim

    std::uint32_t warps_per_block() const {
        return static_cast<std::uint32_t>((block.count() + 31) / 32);
    }
    bool extended() const { return stcsim_version > 0; }
};

// Applies one `-key = value` line to `header`; `where` ("FILE:LINE") prefixes errors.
void parse_header_line(std::string_view line, KernelHeader& header, const std::string& where);
// Checks what a kernel needs (grid and block dimensions) once the header is complete.
void check_header(const KernelHeader& header, const std::string& where);
std::string format_header(const KernelHeader& header);

struct TraceCommand {
    enum class Kind { kernel, memcpy_htod, memcpy_dtoh };
    Kind kind = Kind::kernel;
    std::string text;     // the line as written
    std::string path;     // kernel: the trace file, resolved against the list's folder
    std::uint64_t address = 0, bytes = 0;  // memcpy
};

// Reads kernelslist.g: `kernel-N.traceg[.gz|.zst|.xz]` lines and `MemcpyHtoD,0xADDRESS,BYTES` lines.
std::vector<TraceCommand> read_kernelslist(const std::string& path);

}  // namespace stcsim::trace
