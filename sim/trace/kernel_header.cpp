#include "sim/trace/kernel_header.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>

#include "common/errors.h"
#include "sim/trace/parse_util.h"

namespace stcsim::trace {
namespace {

template <typename T>
void read_number(std::string_view value, T& out, int base, const std::string& where, std::string_view key) {
    std::uint64_t number = 0;
    if (!parse_unsigned(value, number, base) || number > static_cast<std::uint64_t>(T(~T{0})))
        fail_expected(where, fmt::format("{} {} after '-{} ='", base == 16 ? "a hex" : "an unsigned decimal",
                                         "number", key),
                      value);
    out = static_cast<T>(number);
}

void read_dim(std::string_view value, Dim3& out, const std::string& where, std::string_view key) {
    if (!parse_triple(value, out.x, out.y, out.z))
        fail_expected(where, fmt::format("'(x,y,z)' after '-{} ='", key), value);
}

}  // namespace

void parse_header_line(std::string_view line, KernelHeader& h, const std::string& where) {
    const std::size_t equal = line.find('=');
    if (line.empty() || line.front() != '-' || equal == std::string_view::npos)
        fail_expected(where, "a header line '-key = value'", line);
    const std::string_view key = trim(line.substr(1, equal - 1));
    const std::string_view value = trim(line.substr(equal + 1));
    if (key == "kernel name") h.kernel_name = std::string(value);
    else if (key == "kernel id") read_number(value, h.kernel_id, 10, where, key);
    else if (key == "grid dim") read_dim(value, h.grid, where, key);
    else if (key == "block dim") read_dim(value, h.block, where, key);
    else if (key == "shmem") read_number(value, h.shmem, 10, where, key);
    else if (key == "nregs") read_number(value, h.nregs, 10, where, key);
    else if (key == "binary version") read_number(value, h.binary_version, 10, where, key);
    else if (key == "cuda stream id") read_number(value, h.cuda_stream_id, 10, where, key);
    else if (key == "shmem base_addr") read_number(value, h.shmem_base_addr, 16, where, key);
    else if (key == "local mem base_addr") read_number(value, h.local_mem_base_addr, 16, where, key);
    else if (key == "nvbit version") h.nvbit_version = std::string(value);
    else if (key == "accelsim tracer version") read_number(value, h.tracer_version, 10, where, key);
    else if (key == "enable lineinfo") {
        read_number(value, h.enable_lineinfo, 10, where, key);
        if (h.enable_lineinfo > 1) fail_expected(where, "0 or 1 after '-enable lineinfo ='", value);
    } else if (key == "stcsim trace version") {
        read_number(value, h.stcsim_version, 10, where, key);
        if (h.stcsim_version == 0 || h.stcsim_version > static_cast<std::uint32_t>(kStcsimTraceVersion))
            fail_expected(where, fmt::format("a stcsim trace version from 1 to {}", kStcsimTraceVersion), value);
    } else {
        h.other.emplace_back(std::string(key), std::string(value));
    }
}

void check_header(const KernelHeader& h, const std::string& where) {
    if (h.grid.count() == 0) fail_expected(where, "a '-grid dim = (x,y,z)' line with non-zero dimensions before the first '#' line", "");
    if (h.block.count() == 0) fail_expected(where, "a '-block dim = (x,y,z)' line with non-zero dimensions before the first '#' line", "");
    // CUDA's limits: a block of at most 1024 threads (x, y <= 1024, z <= 64), a grid of at most
    // 2^31-1 x 65535 x 65535 blocks.
    const auto dim = [](const Dim3& d) { return fmt::format("({},{},{})", d.x, d.y, d.z); };
    if (h.block.x > 1024 || h.block.y > 1024 || h.block.z > 64 || h.block.count() > kMaxBlockThreads)
        fail_expected(where, fmt::format("a block dim of at most {} threads (x, y <= 1024, z <= 64)", kMaxBlockThreads),
                      dim(h.block));
    if (h.grid.x > 0x7fffffffu || h.grid.y > 65535 || h.grid.z > 65535)
        fail_expected(where, "a grid dim of at most (2147483647,65535,65535)", dim(h.grid));
}

std::string format_header(const KernelHeader& h) {
    std::string out;
    auto line = [&out](std::string_view key, const std::string& value) {
        out += fmt::format("-{} = {}\n", key, value);
    };
    line("kernel name", h.kernel_name);
    line("kernel id", std::to_string(h.kernel_id));
    line("grid dim", fmt::format("({},{},{})", h.grid.x, h.grid.y, h.grid.z));
    line("block dim", fmt::format("({},{},{})", h.block.x, h.block.y, h.block.z));
    line("shmem", std::to_string(h.shmem));
    line("nregs", std::to_string(h.nregs));
    line("binary version", std::to_string(h.binary_version));
    line("cuda stream id", std::to_string(h.cuda_stream_id));
    line("shmem base_addr", fmt::format("0x{:016x}", h.shmem_base_addr));
    line("local mem base_addr", fmt::format("0x{:016x}", h.local_mem_base_addr));
    line("nvbit version", h.nvbit_version);
    line("accelsim tracer version", std::to_string(h.tracer_version));
    line("enable lineinfo", std::to_string(h.enable_lineinfo));
    if (h.stcsim_version > 0) line("stcsim trace version", std::to_string(h.stcsim_version));
    for (const auto& [key, value] : h.other) line(key, value);
    out += "\n#traces format = [line_num] PC mask dest_num [reg_dests] opcode src_num [reg_srcs] mem_width "
           "[adrrescompress?] [mem_addresses] immediate";
    if (h.stcsim_version > 0) out += " [dst=R:W,...] [src=R:W,...]";
    out += "\n\n";
    return out;
}

std::vector<TraceCommand> read_kernelslist(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw UserError(fmt::format("{}: cannot open the kernels list", path));
    const std::filesystem::path folder = std::filesystem::path(path).parent_path();
    std::vector<TraceCommand> commands;
    std::string text;
    for (int number = 1; std::getline(in, text); ++number) {
        const std::string where = fmt::format("{}:{}", path, number);
        const std::string_view line = trim(text);
        if (line.empty() || line.front() == '#') continue;
        TraceCommand command;
        command.text = std::string(line);
        if (line.starts_with("MemcpyHtoD") || line.starts_with("MemcpyDtoH")) {
            command.kind = line.starts_with("MemcpyHtoD") ? TraceCommand::Kind::memcpy_htod
                                                          : TraceCommand::Kind::memcpy_dtoh;
            const std::size_t first = line.find(',');
            const std::size_t second = first == std::string_view::npos ? first : line.find(',', first + 1);
            if (second == std::string_view::npos ||
                !parse_unsigned(trim(line.substr(first + 1, second - first - 1)), command.address, 16) ||
                !parse_unsigned(trim(line.substr(second + 1)), command.bytes))
                fail_expected(where, "'MemcpyHtoD,0xADDRESS,BYTES'", line);
        } else if (line.find(".trace") != std::string_view::npos && line.find_first_of(" \t,") == std::string_view::npos) {
            command.kind = TraceCommand::Kind::kernel;
            const std::filesystem::path file{std::string(line)};
            command.path = (file.is_absolute() ? file : folder / file).string();
        } else {
            fail_expected(where, "a kernel trace file name (kernel-N.traceg) or 'MemcpyHtoD,0xADDRESS,BYTES'", line);
        }
        commands.push_back(std::move(command));
    }
    return commands;
}

}  // namespace stcsim::trace
