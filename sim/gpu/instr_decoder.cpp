#include "sim/gpu/instr_decoder.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <sstream>

#include <fmt/format.h>

#include "common/errors.h"

namespace stcsim::sim {

using trace::Opcode;
using trace::TraceInstruction;

OpcodeClasses::OpcodeClasses(const SmSpec& spec, const std::string& arch) {
    const auto parsed = isa::parse_arch(arch);
    if (!parsed) throw UserError("gpu.arch: unknown architecture " + arch);
    for (const isa::MmaForm& form : isa::catalog(*parsed)) {
        if (by_sass_.count(form.sass) != 0 && form.c != form.d) continue;
        MmaTiming timing;
        try {
            timing = resolve_timing(form, spec.tensor_core);
        } catch (const UserError&) {
            continue;  // a form this GPU's tensor cores do not run: its opcode replays on the default pipeline
        }
        const auto it = by_sass_.find(form.sass);
        if (it != by_sass_.end()) {  // prefer the form whose C and D types agree
            if (forms_[static_cast<std::size_t>(it->second)].c == forms_[static_cast<std::size_t>(it->second)].d) continue;
            forms_[static_cast<std::size_t>(it->second)] = form;
            timings_[static_cast<std::size_t>(it->second)] = timing;
            continue;
        }
        by_sass_[form.sass] = static_cast<int>(forms_.size());
        forms_.push_back(form);
        timings_.push_back(timing);
    }
    for (std::size_t i = 0; i < spec.pipelines.size(); ++i) {
        const PipelineSpec& p = spec.pipelines[i];
        pipes_.push_back({p.latency, std::max(1, p.interval)});
        names_.push_back(p.name);
        std::istringstream words(p.opcodes);
        for (std::string op; words >> op;) by_opcode_.emplace(op, static_cast<int>(i));
    }
    const auto def = std::find(names_.begin(), names_.end(), spec.default_pipeline);
    if (def == names_.end())
        throw UserError(fmt::format("sm.default_pipeline: no sm.pipelines entry is named \"{}\" (trace replay needs it)",
                                    spec.default_pipeline));
    default_pipe_ = static_cast<int>(def - names_.begin());
}

int OpcodeClasses::mma_index(const std::string& sass) const {
    const auto it = by_sass_.find(sass);
    return it == by_sass_.end() ? -1 : it->second;
}

int OpcodeClasses::pipeline_of(const Opcode& opcode) const {
    auto it = by_opcode_.find(opcode.full);
    if (it == by_opcode_.end()) it = by_opcode_.find(opcode.base);
    return it == by_opcode_.end() ? default_pipe_ : it->second;
}

KernelDecoder::KernelDecoder(const OpcodeClasses& classes, const Sm& sm, bool extended, OpcodeCounts& counts)
    : classes_(classes), sm_(sm), extended_(extended), counts_(counts) {}

bool KernelDecoder::Key::operator==(const Key& o) const { return std::memcmp(w, o.w, sizeof w) == 0; }

std::size_t KernelDecoder::KeyHash::operator()(const Key& k) const {
    std::uint64_t h = 1469598103934665603ULL;
    for (std::uint64_t v : k.w) h = (h ^ v) * 1099511628211ULL ^ (h >> 29);
    return static_cast<std::size_t>(h);
}

namespace {

MemKind memory_kind(const Opcode& op) {
    const std::string& b = op.base;
    if (b == "LDG" || b == "LD" || b == "LDL" || b == "ATOM" || b == "ATOMG") return MemKind::global_load;
    if (b == "STG" || b == "ST" || b == "STL" || b == "RED") return MemKind::global_store;
    if (b == "LDS" || b == "LDSU") return MemKind::shared_load;
    if (b == "STS") return MemKind::shared_store;
    if (b == "LDSM") return MemKind::ldmatrix;
    if (b == "LDGSTS") return MemKind::cp_async;
    return MemKind::none;
}

std::uint8_t ldmatrix_count(const Opcode& op) {
    if (op.modifiers.empty()) return 1;
    const std::string& last = op.modifiers.back();
    return last == "4" ? 4 : last == "2" ? 2 : 1;
}

struct RegList {
    std::uint8_t* regs;
    std::uint8_t& n;
    int cap;
    void add(int base, int width) {
        for (int r = base; r < base + width && r < trace::kMaxRegister; ++r)
            if (n < cap) regs[n++] = static_cast<std::uint8_t>(r);
    }
};

}  // namespace

WarpInstr KernelDecoder::decode(const TraceInstruction& t) const {
    const Opcode& op = *t.opcode;
    WarpInstr in;
    int mma = -1;
    const MemKind mem = t.is_memory() ? memory_kind(op) : MemKind::none;
    if (op.is_mma && (mma = classes_.mma_index(op.full)) >= 0) {
        in.unit = ExecUnit::tensor;
        in.op = static_cast<std::uint16_t>(mma);
    } else if (mem != MemKind::none) {
        in.unit = ExecUnit::memory;
        in.mem = mem;
        in.width = static_cast<std::uint8_t>(std::min<std::uint32_t>(t.mem_width, 255));
        in.bypass_l1 = op.has_modifier("CG") || op.has_modifier("BYPASS") || mem == MemKind::cp_async;
        if (mem == MemKind::ldmatrix) in.count = ldmatrix_count(op);
    } else if (op.base == "LDGDEPBAR") {
        in.unit = ExecUnit::control;
        in.control = Control::commit;
    } else if (op.base == "DEPBAR") {
        in.unit = ExecUnit::control;
        in.control = Control::wait;
        in.count = static_cast<std::uint8_t>(std::clamp<std::int64_t>(t.immediate, 0, 255));
    } else if (op.base == "BAR" && !op.has_modifier("ARV")) {
        in.unit = ExecUnit::control;
        in.control = Control::barrier;
    } else if (op.base == "EXIT") {
        in.unit = ExecUnit::control;
        in.control = Control::exit;
    } else {
        in.unit = ExecUnit::pipeline;
        in.op = static_cast<std::uint16_t>(classes_.pipeline_of(op));
    }
    // Registers, widened where a plain Accel-Sim line names base registers only.
    RegList dst{in.dst.data(), in.n_dst, WarpInstr::kMaxDst};
    RegList src{in.src.data(), in.n_src, WarpInstr::kMaxSrc};
    const isa::MmaForm* form = mma >= 0 ? &classes_.mma_form(mma) : nullptr;
    const bool load = mem == MemKind::global_load || mem == MemKind::shared_load || mem == MemKind::ldmatrix;
    const bool store = mem == MemKind::global_store || mem == MemKind::shared_store;
    for (int i = 0; i < t.dst_count; ++i) {
        int width = t.dst[static_cast<std::size_t>(i)].width;
        if (!extended_ && width == 1 && i == 0) {
            if (form != nullptr) width = form->d_regs;
            else if (mem == MemKind::ldmatrix) width = in.count;
            else if (load) width = std::max(1, static_cast<int>(t.mem_width) / 4);
        }
        dst.add(t.dst[static_cast<std::size_t>(i)].reg, width);
    }
    for (int i = 0; i < t.src_count; ++i) {
        int width = t.src[static_cast<std::size_t>(i)].width;
        if (!extended_ && width == 1) {
            if (form != nullptr) width = i == 0 ? form->a_regs : i == 1 ? form->b_regs : i == 2 ? form->c_regs : 1;
            else if (store && i == t.src_count - 1) width = std::max(1, static_cast<int>(t.mem_width) / 4);
        }
        src.add(t.src[static_cast<std::size_t>(i)].reg, width);
    }
    sm_.prepare(in);
    return in;
}

KernelDecoder::OpInfo& KernelDecoder::info(const Opcode* op) {
    auto it = ops_.find(op);
    if (it != ops_.end()) return it->second;
    OpInfo info;
    info.base = &counts_.by_base[op->base];
    if (op->is_mma) info.full = &counts_.mma_by_full[op->full];
    return ops_.emplace(op, info).first->second;
}

void KernelDecoder::append(const TraceInstruction& t, CompactWarp& warp) {
    OpInfo& counts = info(t.opcode);
    ++*counts.base;
    if (counts.full != nullptr) ++*counts.full;
    Key key{};
    key.w[0] = reinterpret_cast<std::uintptr_t>(t.opcode);
    key.w[1] = t.opcode->base == "DEPBAR" ? static_cast<std::uint64_t>(t.immediate) : 0;
    key.w[2] = t.mem_width | (std::uint64_t{t.is_memory()} << 32) | (std::uint64_t{t.dst_count} << 40) |
               (std::uint64_t{t.src_count} << 48);
    for (int i = 0; i < t.dst_count; ++i)
        key.w[3] |= (std::uint64_t{t.dst[static_cast<std::size_t>(i)].reg} | std::uint64_t{t.dst[static_cast<std::size_t>(i)].width} << 8) << (16 * i);
    for (int i = 0; i < t.src_count; ++i)
        key.w[4 + i / 4] |= (std::uint64_t{t.src[static_cast<std::size_t>(i)].reg} | std::uint64_t{t.src[static_cast<std::size_t>(i)].width} << 8) << (16 * (i % 4));
    auto it = index_.find(key);
    if (it == index_.end()) {
        table_.push_back(decode(t));
        it = index_.emplace(key, static_cast<std::uint32_t>(table_.size() - 1)).first;
    }
    warp.instrs.push_back(it->second);
    if (table_[it->second].unit == ExecUnit::memory) pack_addresses(t, warp.addresses);
}

// Record: header word (active mask | form << 32), base, then form 0: stride; form 1: one int32
// delta per further active lane, two per word; form 2: every further active lane's address.
void pack_addresses(const TraceInstruction& in, std::vector<std::uint64_t>& out) {
    std::uint64_t lanes[trace::kWarpSize];
    int n = 0;
    for (int l = 0; l < trace::kWarpSize; ++l)
        if (in.lane_active(l)) lanes[n++] = in.addresses[static_cast<std::size_t>(l)];
    bool stride = true, fits = true;
    for (int i = 1; i < n; ++i) {
        const auto d = static_cast<std::int64_t>(lanes[i] - lanes[i - 1]);
        if (i > 1 && d != static_cast<std::int64_t>(lanes[1] - lanes[0])) stride = false;
        if (d < INT32_MIN || d > INT32_MAX) fits = false;
    }
    const std::uint64_t form = stride ? 0 : fits ? 1 : 2;
    out.push_back(in.active_mask | form << 32);
    out.push_back(n > 0 ? lanes[0] : 0);
    if (form == 0) {
        out.push_back(n > 1 ? lanes[1] - lanes[0] : 0);
    } else if (form == 1) {
        for (int i = 1; i < n; i += 2) {
            const auto lo = static_cast<std::uint32_t>(lanes[i] - lanes[i - 1]);
            const auto hi = i + 1 < n ? static_cast<std::uint32_t>(lanes[i + 1] - lanes[i]) : 0u;
            out.push_back(lo | std::uint64_t{hi} << 32);
        }
    } else {
        for (int i = 1; i < n; ++i) out.push_back(lanes[i]);
    }
}

std::size_t unpack_addresses(const std::vector<std::uint64_t>& words, std::size_t at, LaneAddresses& lanes) {
    const std::uint64_t header = words[at];
    const auto mask = static_cast<std::uint32_t>(header);
    const auto form = header >> 32;
    lanes.active = mask;
    lanes.addr.fill(0);
    std::uint64_t address = words[at + 1];
    std::size_t pos = at + 2;
    const std::uint64_t stride = form == 0 ? words[pos++] : 0;
    int i = 0;
    for (int l = 0; l < trace::kWarpSize; ++l) {
        if (((mask >> l) & 1u) == 0) continue;
        if (i > 0) {
            if (form == 0) address += stride;
            else if (form == 1) {
                const std::uint64_t word = words[pos + static_cast<std::size_t>((i - 1) / 2)];
                const auto delta = static_cast<std::int32_t>(static_cast<std::uint32_t>((i - 1) % 2 == 0 ? word : word >> 32));
                address += static_cast<std::uint64_t>(static_cast<std::int64_t>(delta));
            } else address = words[pos + static_cast<std::size_t>(i - 1)];
        }
        lanes.addr[static_cast<std::size_t>(l)] = address;
        ++i;
    }
    const int n = std::popcount(mask);
    if (form == 1) pos += static_cast<std::size_t>(n / 2);
    else if (form == 2) pos += static_cast<std::size_t>(std::max(0, n - 1));
    return pos;
}

void CompactStream::reset(const CompactWarp& warp, const KernelDecoder& decoder) {
    warp_ = &warp;
    decoder_ = &decoder;
    pos_ = addr_next_ = addr_current_ = 0;
}

const WarpInstr* CompactStream::next() {
    if (pos_ == warp_->instrs.size()) return nullptr;
    const WarpInstr* in = &decoder_->instr(warp_->instrs[pos_++]);
    if (in->unit == ExecUnit::memory) {
        addr_current_ = addr_next_;
        const std::uint64_t header = warp_->addresses[addr_current_];
        const int n = std::popcount(static_cast<std::uint32_t>(header));
        const std::uint64_t form = header >> 32;
        addr_next_ = addr_current_ + 2 + (form == 0 ? 1 : form == 1 ? static_cast<std::size_t>(n / 2) : static_cast<std::size_t>(std::max(0, n - 1)));
    }
    return in;
}

void CompactStream::addresses(LaneAddresses& out) const { unpack_addresses(warp_->addresses, addr_current_, out); }

}  // namespace stcsim::sim
