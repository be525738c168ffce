#include "sim/trace/sass_trace.h"

#include <fmt/format.h>

#include <bit>
#include <charconv>
#include <chrono>
#include <ctime>
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

// "PC MASK" as the trace writer formats them ({:04x} {:08x}), without the formatting library's parsing.
void append_pc_mask(fmt::memory_buffer& out, std::uint64_t pc, std::uint32_t mask) {
    static constexpr char kHex[] = "0123456789abcdef";
    char text[32];
    int n = 0;
    int digits = 4;
    while (digits < 16 && (pc >> (4 * digits)) != 0) ++digits;
    for (int i = digits - 1; i >= 0; --i) text[n++] = kHex[(pc >> (4 * i)) & 0xf];
    text[n++] = ' ';
    for (int i = 7; i >= 0; --i) text[n++] = kHex[(mask >> (4 * i)) & 0xf];
    out.append(text, text + n);
}

// The emulator's record of an mbarrier / TMA instruction and the trace's are the same list.
static_assert(static_cast<int>(isa::sass::AsyncKind::mbar_init) == static_cast<int>(AsyncKind::mbar_init) &&
              static_cast<int>(isa::sass::AsyncKind::mbar_arrive) == static_cast<int>(AsyncKind::mbar_arrive) &&
              static_cast<int>(isa::sass::AsyncKind::mbar_complete) == static_cast<int>(AsyncKind::mbar_complete) &&
              static_cast<int>(isa::sass::AsyncKind::mbar_wait) == static_cast<int>(AsyncKind::mbar_wait) &&
              static_cast<int>(isa::sass::AsyncKind::mbar_inval) == static_cast<int>(AsyncKind::mbar_inval) &&
              static_cast<int>(isa::sass::AsyncKind::tma_load) == static_cast<int>(AsyncKind::tma_load) &&
              static_cast<int>(isa::sass::AsyncKind::tma_store) == static_cast<int>(AsyncKind::tma_store) &&
              isa::sass::kMaxBoxRowDims == kMaxBoxRowDims);

// Formats executed instructions into one text buffer per warp; writes the CTA at its end.
class TraceSink final : public isa::sass::InstructionSink {
public:
    TraceSink(const isa::sass::Program& program, const KernelHeader& header, TraceWriter& writer)
        : program_(program), header_(header), writer_(writer), opcodes_(program.size(), nullptr),
          cache_(program.size()) {}

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
        if (d.kind == isa::sass::Kind::tensor && mask != 0) ++tensor_;
        // Everything but the mask and the addresses is the same each time the instruction runs:
        // it is formatted once (by the trace writer's own formatter) and reused.
        if (async_.kind != AsyncKind::none) {  // varies from one execution to the next: formatted whole
            TraceInstruction inst = make(index, d, mask, addresses);
            inst.async = async_;
            async_ = AsyncOp{};
            line_.clear();
            format_instruction_line(inst, header_, line_);
            out.append(std::string_view(line_.data(), line_.size()));
            out.push_back('\n');
            return;
        }
        Cached& cached = cache_[index];
        if (!cached.ready) prepare(index, d, cached);
        append_pc_mask(out, d.inst->pc, mask);
        out.append(std::string_view(cached.middle));
        if (d.trace_mem_width > 0) append_addresses(out, d, mask, addresses);
        out.append(std::string_view(cached.tail));
    }

    void async_op(const isa::sass::AsyncRecord& r) override {
        async_ = AsyncOp{};
        async_.kind = static_cast<AsyncKind>(r.kind);
        async_.count = r.count;
        async_.bytes = r.bytes;
        const bool tma = async_.is_tma();
        async_.smem = tma ? kSassShmemBase + r.smem : 0;
        async_.mbar = r.kind == isa::sass::AsyncKind::tma_load ? kSassShmemBase + r.mbar : 0;
        async_.global = r.global;
        async_.row_bytes = r.row_bytes;
        async_.row_dims = r.row_dims;
        for (int i = 0; i < kMaxBoxRowDims; ++i) {
            async_.extent[static_cast<std::size_t>(i)] = r.extent[static_cast<std::size_t>(i)];
            async_.stride[static_cast<std::size_t>(i)] = r.stride[static_cast<std::size_t>(i)];
        }
    }

    void end_cta() override {
        for (std::uint32_t w = 0; w < warps_; ++w)
            writer_.write_warp_text(w, counts_[w], std::string_view(buffers_[w].data(), buffers_[w].size()));
        writer_.end_block();
    }

private:
    struct Cached {
        bool ready = false;
        std::string middle, tail;  // after "PC MASK": up to the memory width; after the addresses (with '\n')
    };

    void prepare(std::uint32_t index, const Decoded& d, Cached& cached) {
        const std::array<std::uint64_t, kLanes> none{};
        const TraceInstruction inst = make(index, d, 0, none);
        line_.clear();
        format_instruction_line(inst, header_, line_);
        const std::string_view text(line_.data(), line_.size());
        // Tokens: PC MASK DST_NUM dsts... OPCODE SRC_NUM srcs... MEM_WIDTH [ADDRESS_MODE] rest.
        std::size_t pos = 0;
        const int fixed = 2 + 1 + inst.dst_count + 1 + 1 + inst.src_count + 1;
        std::size_t starts[64] = {};
        int tokens = 0;
        for (std::size_t i = 0; i <= text.size() && tokens < 64; ++i)
            if (i == text.size() || text[i] == ' ') {
                starts[tokens++] = pos;
                pos = i + 1;
            }
        if (tokens < fixed) throw InternalError("SASS trace: unexpected instruction line '" + std::string(text) + "'");
        const std::size_t middle_begin = starts[2] - 1;
        const std::size_t after_width = fixed < tokens ? starts[fixed] - 1 : text.size();
        cached.middle.assign(text.substr(middle_begin, after_width - middle_begin));
        std::size_t tail_begin = after_width;
        if (d.trace_mem_width > 0) tail_begin = fixed + 1 < tokens ? starts[fixed + 1] - 1 : text.size();  // skip " 0"
        cached.tail.assign(text.substr(tail_begin));
        cached.tail.push_back('\n');
        cached.ready = true;
    }

    // The address fields exactly as the trace writer writes them (traces/README.md).
    void append_addresses(fmt::memory_buffer& out, const Decoded& d, std::uint32_t mask,
                          const std::array<std::uint64_t, kLanes>& addresses) {
        const std::uint64_t base = d.space == isa::sass::Space::shared ? kSassShmemBase : 0;
        std::uint64_t values[kLanes];
        int lanes = 0;
        for (std::uint32_t m = mask; m != 0; m &= m - 1) values[lanes++] = base + addresses[static_cast<std::size_t>(std::countr_zero(m))];
        std::array<std::uint64_t, kLanes> full{};
        for (std::uint32_t m = mask; m != 0; m &= m - 1) {
            const int lane = std::countr_zero(m);
            full[static_cast<std::size_t>(lane)] = base + addresses[static_cast<std::size_t>(lane)];
        }
        const AddressMode mode = choose_address_mode(mask, full);
        char text[32 * 24 + 8];
        char* p = text;
        auto hex = [&p](std::uint64_t v, int min_digits) {
            *p++ = '0';
            *p++ = 'x';
            char buf[16];
            int n = 0;
            do {
                buf[n++] = "0123456789abcdef"[v & 0xf];
                v >>= 4;
            } while (v != 0);
            for (int i = n; i < min_digits; ++i) *p++ = '0';
            while (n > 0) *p++ = buf[--n];
        };
        auto dec = [&p](std::int64_t v) { p = std::to_chars(p, p + 24, v).ptr; };
        *p++ = ' ';
        *p++ = static_cast<char>('0' + static_cast<int>(mode));
        if (mode == AddressMode::list) {
            for (int i = 0; i < lanes; ++i) *p++ = ' ', hex(values[i], 16);
        } else if (mode == AddressMode::base_stride) {
            *p++ = ' ';
            hex(values[0], 1);
            *p++ = ' ';
            dec(lanes > 1 ? static_cast<std::int64_t>(values[1] - values[0]) : 0);
        } else {
            *p++ = ' ';
            hex(values[0], 1);
            for (int i = 1; i < lanes; ++i) *p++ = ' ', dec(static_cast<std::int64_t>(values[i] - values[i - 1]));
        }
        out.append(text, p);
    }

    // BAR.SYNC id [, threads]: the named barrier and the threads it waits for (the `bar=` token).
    void set_barrier(const Decoded& d, TraceInstruction& inst) const {
        if (d.ops.empty()) return;
        if (d.ops[0].kind != isa::sass::OperandKind::imm || (d.ops.size() > 1 && d.ops[1].kind != isa::sass::OperandKind::imm))
            throw UserError(program_.where(d) + ": a barrier named by a register is not traced");
        const std::int64_t id = d.ops[0].imm, threads = d.ops.size() > 1 ? d.ops[1].imm : 0;
        if (id < 0 || id > 15 || threads < 0 || threads > 1024 || threads % 32 != 0)
            throw UserError(program_.where(d) + fmt::format(": barrier {} of {} threads (0..15, 0..1024 in multiples of 32)", id, threads));
        inst.barrier = static_cast<std::uint8_t>(id);
        inst.barrier_threads = static_cast<std::uint16_t>(threads);
    }

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
        inst.stall = d.inst->stall;
        inst.hold = d.inst->hold;
        if (d.inst->base == "BAR") set_barrier(d, inst);
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
    std::vector<Cached> cache_;
    std::vector<fmt::memory_buffer> buffers_;
    std::vector<std::uint64_t> counts_;
    fmt::memory_buffer line_;
    std::uint32_t warps_ = 0;
    AsyncOp async_;  // the record of the instruction about to be reported

public:
    std::uint64_t tensor_ = 0;
};

}  // namespace

SassTraceResult write_sass_trace(const isa::sass::Program& program, const std::string& dir,
                                 const SassTraceOptions& options) {
    const auto start = std::chrono::steady_clock::now();
    const std::clock_t cpu_start = std::clock();
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
    try {
        {
            TraceWriter writer(path, header);
            TraceSink sink(program, header, writer);
            isa::sass::Emulator emulator(program, options.max_warp_instructions);
            const std::uint64_t total = launch.grid.count();
            const std::uint64_t last = std::min(options.last_cta, total == 0 ? 0 : total - 1);
            for (std::uint64_t i = options.first_cta; i <= last && i < total; ++i) {
                const isa::sass::Dim id{static_cast<std::uint32_t>(i % launch.grid.x),
                                        static_cast<std::uint32_t>((i / launch.grid.x) % launch.grid.y),
                                        static_cast<std::uint32_t>(i / (std::uint64_t{launch.grid.x} * launch.grid.y))};
                emulator.run_cta(id, sink);
                ++result.ctas;
                if (options.progress) options.progress(result.ctas, last - options.first_cta + 1);
            }
            writer.close();
            result.instructions = writer.instructions_written();
            result.tensor_instructions = sink.tensor_;
        }
    } catch (...) {
        std::error_code ec;
        std::filesystem::remove(path, ec);  // no truncated trace is left behind
        throw;
    }
    std::vector<TraceCommand> commands = options.memcpys;
    commands.push_back(TraceCommand{TraceCommand::Kind::kernel, options.kernel_file, path, 0, 0});
    write_kernelslist((std::filesystem::path(dir) / "kernelslist.g").string(), commands);
    result.cpu_seconds = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
    result.emulate_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    return result;
}

}  // namespace stcsim::trace
