#include "sim/trace/trace_instruction.h"

#include <algorithm>
#include <bit>

namespace stcsim::trace {

bool Opcode::has_modifier(std::string_view modifier) const {
    return std::find(modifiers.begin(), modifiers.end(), modifier) != modifiers.end();
}

Opcode parse_opcode(std::string_view text) {
    Opcode op;
    op.full = std::string(text);
    std::size_t start = 0;
    bool first = true;
    while (start <= text.size()) {
        const std::size_t dot = std::min(text.find('.', start), text.size());
        const std::string_view part = text.substr(start, dot - start);
        if (first) op.base = std::string(part);
        else if (!part.empty()) op.modifiers.emplace_back(part);
        first = false;
        start = dot + 1;
    }
    static constexpr std::array<std::string_view, 5> kMma = {"HMMA", "IMMA", "QMMA", "DMMA", "BMMA"};
    op.is_mma = std::find(kMma.begin(), kMma.end(), op.base) != kMma.end();
    op.is_sparse_mma = op.is_mma && op.has_modifier("SP");
    op.is_wgmma = op.base == "HGMMA" || op.base == "IGMMA" || op.base == "QGMMA";
    return op;
}

const Opcode* OpcodeTable::intern(std::string_view text) {
    if (text.empty()) return intern_slow(text);
    const Opcode*& recent = recent_[recent_slot(text)];
    if (recent == nullptr || recent->full != text) recent = intern_slow(text);
    return recent;
}

const Opcode* OpcodeTable::intern_slow(std::string_view text) {
    const auto found = by_name_.find(text);
    if (found != by_name_.end()) return found->second.get();
    auto op = std::make_unique<Opcode>(parse_opcode(text));
    const Opcode* pointer = op.get();
    by_name_.emplace(std::string(text), std::move(op));
    return pointer;
}

int TraceInstruction::active_lanes() const { return std::popcount(active_mask); }

int TraceInstruction::metadata_register() const {
    if (!is_sparse_mma() || src_count == 0) return -1;
    return src[src_count - 1].reg;
}

int TraceInstruction::selector() const {
    if (!is_sparse_mma()) return -1;
    return static_cast<int>(immediate);
}

namespace {
int expand(const RegOperand* operands, int count, std::array<std::uint8_t, 64>& out) {
    int n = 0;
    for (int i = 0; i < count; ++i)
        for (int w = 0; w < operands[i].width && n < 64; ++w)
            out[static_cast<std::size_t>(n++)] = static_cast<std::uint8_t>(operands[i].reg + w);
    return n;
}
}  // namespace

int TraceInstruction::dst_registers(std::array<std::uint8_t, 64>& out) const {
    return expand(dst.data(), dst_count, out);
}

int TraceInstruction::src_registers(std::array<std::uint8_t, 64>& out) const {
    return expand(src.data(), src_count, out);
}

bool TraceInstruction::operator==(const TraceInstruction& o) const {
    const bool same_opcode = (opcode == nullptr || o.opcode == nullptr) ? opcode == o.opcode
                                                                        : opcode->full == o.opcode->full;
    return same_opcode && source_line == o.source_line && pc == o.pc && active_mask == o.active_mask &&
           dst_count == o.dst_count && src_count == o.src_count &&
           std::equal(dst.begin(), dst.begin() + dst_count, o.dst.begin()) &&
           std::equal(src.begin(), src.begin() + src_count, o.src.begin()) &&
           has_immediate == o.has_immediate && immediate == o.immediate && mem_width == o.mem_width &&
           (mem_width == 0 || (address_mode == o.address_mode && addresses == o.addresses)) && async == o.async &&
           barrier == o.barrier && barrier_threads == o.barrier_threads && stall == o.stall && hold == o.hold;
}

AddressMode choose_address_mode(std::uint32_t mask, const std::array<std::uint64_t, kWarpSize>& addresses) {
    if (mask == 0) return AddressMode::list;
    const int first = std::countr_zero(mask);
    const std::uint32_t run = mask >> first;
    if ((run & (run + 1)) != 0) return AddressMode::base_delta;  // not one contiguous run
    const int count = std::popcount(mask);
    if (count < 2) return AddressMode::base_delta;
    const auto stride = static_cast<std::int64_t>(addresses[static_cast<std::size_t>(first) + 1] -
                                                  addresses[static_cast<std::size_t>(first)]);
    if (stride < INT32_MIN || stride > INT32_MAX) return AddressMode::base_delta;
    for (int lane = first + 1; lane < first + count; ++lane) {
        const auto step = static_cast<std::int64_t>(addresses[static_cast<std::size_t>(lane)] -
                                                    addresses[static_cast<std::size_t>(lane) - 1]);
        if (step != stride) return AddressMode::base_delta;
    }
    return AddressMode::base_stride;
}

}  // namespace stcsim::trace
