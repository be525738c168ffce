#include "sim/trace/sass_trace.h"

#include <fmt/format.h>

#include <chrono>
#include <filesystem>
#include <string_view>
#include <vector>

#include "common/errors.h"
#include "isa/sass/emulator.h"
#include "sim/trace/instruction_line.h"
#include "sim/trace/trace_writer.h"

namespace stcsim::trace {
namespace {

using isa::sass::Decoded;
using isa::sass::kLanes;

// Formats executed instructions into one text buffer per warp; writes the CTA at its end.
class TraceSink final : public isa::sass::InstructionSink {
public:
    TraceSink(const isa::sass::Program& program, const KernelHeader& header, TraceWriter& writer)
        : program_(program), header_(header), writer_(writer), opcodes_(program.size(), nullptr),
          tails_(program.size()) {}

    void begin_cta(const isa::sass::Dim& ctaid, std::uint32_t warps) override {
        writer_.begin_block({ctaid.x, ctaid.y, ctaid.z});
        if (buffers_.size() < warps) buffers_.resize(warps), counts_.resize(warps);
        for (std::uint32_t w = 0; w < warps; ++w) buffers_[w].clear(), counts_[w] = 0;
        warps_ = warps;
    }

    void executed(std::uint32_t warp, std::uint32_t index, const Decoded& d, std::uint32_t mask,
                  const std::array<std::uint64_t, kLanes>& addresses) override {
        fmt::memory_buffer& out = buffers_[warp];
        ++counts_[warp];
        if (d.space == isa::sass::Space::none || mask == 0) {
            // Everything but the mask is the same each time the instruction runs: format it once.
            std::string& tail = tails_[index];
            if (tail.empty()) {
                line_.clear();
                TraceInstruction inst = make(index, d, 0, addresses);
                format_instruction_line(inst, header_, line_);
                const std::string_view text(line_.data(), line_.size());
                tail.assign(text.substr(text.find(' ', text.find(' ') + 1)));
                tail.push_back('\n');
            }
            fmt::format_to(std::back_inserter(out), "{:04x} {:08x}", d.inst->pc, mask);
            out.append(std::string_view(tail));
            return;
        }
        TraceInstruction inst = make(index, d, mask, addresses);
        format_instruction_line(inst, header_, out);
        out.push_back('\n');
    }

    void end_cta() override {
        for (std::uint32_t w = 0; w < warps_; ++w)
            writer_.write_warp_text(w, counts_[w], std::string_view(buffers_[w].data(), buffers_[w].size()));
        writer_.end_block();
    }

private:
    TraceInstruction make(std::uint32_t index, const Decoded& d, std::uint32_t mask,
                          const std::array<std::uint64_t, kLanes>& addresses) {
        if (opcodes_[index] == nullptr) opcodes_[index] = table_.intern(d.inst->opcode);
        TraceInstruction inst;
        inst.pc = d.inst->pc;
        inst.active_mask = mask;
        inst.opcode = opcodes_[index];
        inst.dst_count = d.n_dst_regs;
        for (int i = 0; i < d.n_dst_regs; ++i) inst.dst[static_cast<std::size_t>(i)] = {d.dst_regs[static_cast<std::size_t>(i)].reg, d.dst_regs[static_cast<std::size_t>(i)].width};
        inst.src_count = d.n_src_regs;
        for (int i = 0; i < d.n_src_regs; ++i) inst.src[static_cast<std::size_t>(i)] = {d.src_regs[static_cast<std::size_t>(i)].reg, d.src_regs[static_cast<std::size_t>(i)].width};
        inst.has_immediate = true;
        inst.immediate = d.trace_immediate;
        inst.mem_width = d.trace_mem_width;
        if (inst.mem_width > 0) {
            const std::uint64_t base = d.space == isa::sass::Space::shared ? kSassShmemBase : 0;
            for (int lane = 0; lane < kLanes; ++lane)
                inst.addresses[static_cast<std::size_t>(lane)] =
                    ((mask >> lane) & 1u) ? base + addresses[static_cast<std::size_t>(lane)] : 0;
            inst.address_mode = choose_address_mode(mask, inst.addresses);
        }
        return inst;
    }

    const isa::sass::Program& program_;
    const KernelHeader& header_;
    TraceWriter& writer_;
    OpcodeTable table_;
    std::vector<const Opcode*> opcodes_;
    std::vector<std::string> tails_;
    std::vector<fmt::memory_buffer> buffers_;
    std::vector<std::uint64_t> counts_;
    fmt::memory_buffer line_;
    std::uint32_t warps_ = 0;
};

}  // namespace

SassTraceResult write_sass_trace(const isa::sass::Program& program, const std::string& dir,
                                 const SassTraceOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const isa::sass::Launch& launch = program.launch();
    std::filesystem::create_directories(dir);
    KernelHeader header;
    header.kernel_name = program.code().name;
    header.kernel_id = 1;
    header.grid = {launch.grid.x, launch.grid.y, launch.grid.z};
    header.block = {launch.block.x, launch.block.y, launch.block.z};
    header.shmem = program.shared_bytes();
    header.nregs = program.code().registers;
    header.binary_version = static_cast<std::uint32_t>(program.code().sm);
    header.shmem_base_addr = kSassShmemBase;
    header.local_mem_base_addr = kSassLocalBase;
    header.nvbit_version = "none (stcsim SASS front end)";
    header.tracer_version = 5;
    header.stcsim_version = kStcsimTraceVersion;

    const std::string path = (std::filesystem::path(dir) / options.kernel_file).string();
    SassTraceResult result;
    result.kernel_file = path;
    {
        TraceWriter writer(path, header);
        TraceSink sink(program, header, writer);
        isa::sass::Emulator emulator(program);
        const std::uint64_t total = launch.grid.count();
        const std::uint64_t last = std::min(options.last_cta, total == 0 ? 0 : total - 1);
        for (std::uint64_t i = options.first_cta; i <= last && i < total; ++i) {
            const isa::sass::Dim id{static_cast<std::uint32_t>(i % launch.grid.x),
                                    static_cast<std::uint32_t>((i / launch.grid.x) % launch.grid.y),
                                    static_cast<std::uint32_t>(i / (std::uint64_t{launch.grid.x} * launch.grid.y))};
            emulator.run_cta(id, sink);
            ++result.ctas;
        }
        writer.close();
        result.instructions = writer.instructions_written();
    }
    std::vector<TraceCommand> commands = options.memcpys;
    commands.push_back(TraceCommand{TraceCommand::Kind::kernel, options.kernel_file, path, 0, 0});
    write_kernelslist((std::filesystem::path(dir) / "kernelslist.g").string(), commands);
    result.emulate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace stcsim::trace
