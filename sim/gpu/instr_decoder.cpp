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

OpcodeClasses::OpcodeClasses(const SmSpec& spec, const std::string& arch) : arch_(arch) {
    const auto parsed = isa::parse_arch(arch);
    if (!parsed) throw UserError("gpu.arch: unknown architecture " + arch);
    has_tma_ = arch == "sm_90" || arch == "sm_90a";
    indirect_branch_cycles_ = static_cast<std::uint8_t>(spec.scheduler.indirect_branch_cycles);  // schema: 0 to 255
    taken_branch_cycles_ = static_cast<std::uint8_t>(spec.scheduler.taken_branch_cycles);  // schema: 0 to 255
    for (const isa::MmaForm& form : isa::catalog(*parsed)) {
        if (by_sass_.count(form.sass) != 0 && form.c != form.d) continue;
        MmaTiming timing;
        try {
            timing = resolve_timing(form, spec.tensor_core);
        } catch (const UserError& error) {
            unrunnable_.emplace(form.sass, error.what());  // replaying one is an error (unless another form runs it)
            continue;
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
    for (const isa::WgmmaForm& form : isa::wgmma_catalog(*parsed)) {
        if (form.a_source != isa::WgmmaSource::shared || by_wgmma_sass_.count(form.sass) != 0 ||
            unrunnable_.count(form.sass) != 0)
            continue;
        try {
            timings_.push_back(resolve_wgmma_timing(form, spec.tensor_core, spec.sub_partitions));
        } catch (const UserError& error) {
            unrunnable_.emplace(form.sass, error.what());
            continue;
        }
        const int index = static_cast<int>(timings_.size()) - 1;
        by_wgmma_sass_[form.sass] = index;
        wgmma_d_regs_[index] = form.d_regs;
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

int OpcodeClasses::wgmma_index(const std::string& sass) const {
    const auto it = by_wgmma_sass_.find(sass);
    return it == by_wgmma_sass_.end() ? -1 : it->second;
}

int OpcodeClasses::wgmma_d_regs(int index) const {
    const auto it = wgmma_d_regs_.find(index);
    return it == wgmma_d_regs_.end() ? 1 : it->second;
}

const std::string* OpcodeClasses::unrunnable(const std::string& sass) const {
    if (by_sass_.count(sass) != 0 || by_wgmma_sass_.count(sass) != 0) return nullptr;
    const auto it = unrunnable_.find(sass);
    return it == unrunnable_.end() ? nullptr : &it->second;
}

std::uint8_t OpcodeClasses::redirect_cycles(const Opcode& opcode) const {
    const std::string& b = opcode.base;
    if (b == "RET" || b == "BRX" || b == "JMX") return indirect_branch_cycles_;
    // BSYNC: the convergence barrier unit resolves where the warp goes on, and fetch restarts there.
    if (b == "BSYNC") return taken_branch_cycles_;
    return 0;
}

int OpcodeClasses::pipeline_of(const Opcode& opcode) const {
    auto it = by_opcode_.find(opcode.full);
    if (it == by_opcode_.end()) it = by_opcode_.find(opcode.base);
    return it == by_opcode_.end() ? default_pipe_ : it->second;
}

KernelDecoder::KernelDecoder(const OpcodeClasses& classes, const Sm& sm, bool extended, OpcodeCounts& counts,
                             PcProfile* profile, std::uint32_t kernel)
    : classes_(classes), sm_(sm), extended_(extended), counts_(counts), profile_(profile), kernel_(kernel) {}

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

WarpInstr KernelDecoder::decode(const TraceInstruction& t, bool jump_target) const {
    const Opcode& op = *t.opcode;
    WarpInstr in;
    in.stall = t.stall;
    in.hold = t.hold;
    in.redirect = classes_.redirect_cycles(op);
    in.refetch = jump_target ? classes_.taken_branch_cycles() : std::uint8_t{0};
    int mma = -1, wgmma = -1;
    const MemKind mem = t.is_memory() && t.async.kind == trace::AsyncKind::none ? memory_kind(op) : MemKind::none;
    if (t.async.kind != trace::AsyncKind::none) {
        if (!classes_.has_tma())
            throw UserError(fmt::format("{}: {} needs an sm_90 config (mbarrier transactions and TMA); this config's arch is {}",
                                        op.full, t.async.is_tma() ? "a TMA copy (tma=)" : "an mbarrier operation (mbar=)",
                                        classes_.arch()));
        in.unit = ExecUnit::control;
        in.control = Control::async;
        in.async = t.async.kind;
    } else if (op.is_mma && (mma = classes_.mma_index(op.full)) >= 0) {
        in.unit = ExecUnit::tensor;
        in.op = static_cast<std::uint16_t>(mma);
    } else if (op.is_wgmma && (wgmma = classes_.wgmma_index(op.full)) >= 0) {
        in.unit = ExecUnit::tensor;
        in.op = static_cast<std::uint16_t>(wgmma);
        in.wgmma = true;
    } else if (op.is_wgmma && classes_.unrunnable(op.full) == nullptr) {
        throw UserError(fmt::format("{}: not a warp-group MMA of this config's arch (sm_90a has e.g. HGMMA.64x128x16.F32, "
                                    "HGMMA.SP.64x128x32.F32, IGMMA.64x64x32.S8.S8, QGMMA.64x64x32.F32.E4M3.E4M3)", op.full));
    } else if (const std::string* why = op.is_mma || op.is_wgmma ? classes_.unrunnable(op.full) : nullptr) {
        throw UserError(fmt::format("{}: the configured tensor cores cannot run it: {}", op.full, *why));
    } else if (mem != MemKind::none) {
        in.unit = ExecUnit::memory;
        in.mem = mem;
        in.width = static_cast<std::uint8_t>(std::min<std::uint32_t>(t.mem_width, 255));
        in.bypass_l1 = op.has_modifier("CG") || op.has_modifier("BYPASS") || mem == MemKind::cp_async;
        if (mem == MemKind::ldmatrix) in.count = ldmatrix_count(op);
        const bool shared = mem == MemKind::shared_load || mem == MemKind::shared_store;
        if (shared && !(t.mem_width == 1 || t.mem_width == 2 || t.mem_width == 4 || t.mem_width == 8 || t.mem_width == 16))
            throw UserError(fmt::format("{}: a shared-memory access of {} bytes per lane; expected 1, 2, 4, 8 or 16",
                                        op.full, t.mem_width));
    } else if (op.base == "LDGDEPBAR") {
        in.unit = ExecUnit::control;
        in.control = Control::commit;
    } else if (op.base == "WARPGROUP" && op.has_modifier("ARRIVE")) {
        in.unit = ExecUnit::control;
        in.control = Control::wgmma_fence;
    } else if (op.base == "WARPGROUP" && op.has_modifier("DEPBAR")) {
        in.unit = ExecUnit::control;
        in.control = Control::wgmma_wait;
        in.commits = true;
        in.count = static_cast<std::uint8_t>(std::clamp<std::int64_t>(t.immediate, 0, 255));
    } else if (op.base == "DEPBAR") {
        in.unit = ExecUnit::control;
        in.control = Control::wait;
        in.count = static_cast<std::uint8_t>(std::clamp<std::int64_t>(t.immediate, 0, 255));
    } else if (op.base == "BAR" && !op.has_modifier("ARV")) {
        in.unit = ExecUnit::control;
        in.control = Control::barrier;
        in.count = t.barrier;
        in.threads = t.barrier_threads;
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
            else if (wgmma >= 0) width = classes_.wgmma_d_regs(wgmma);
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
    if (op->is_mma || op->is_wgmma) info.full = &counts_.mma_by_full[op->full];
    return ops_.emplace(op, info).first->second;
}

std::uint32_t KernelDecoder::index_of(const Key& key, const TraceInstruction& t, bool jump_target) {
    Recent& recent = recent_[KeyHash{}(key) % recent_.size()];
    if (recent.index != UINT32_MAX && recent.key == key) return recent.index;
    auto it = index_.find(key);
    if (it == index_.end()) {
        table_.push_back(decode(t, jump_target));
        if (profile_ != nullptr) table_.back().site = profile_->site(kernel_, t.pc, t.opcode->full);
        table_counts_.push_back(info(t.opcode));
        it = index_.emplace(key, static_cast<std::uint32_t>(table_.size() - 1)).first;
    }
    recent = {key, it->second};
    return it->second;
}

void KernelDecoder::append(const TraceInstruction& t, CompactWarp& warp) {
    Key key{};
    key.w[0] = reinterpret_cast<std::uintptr_t>(t.opcode);
    key.w[1] = t.opcode->base == "DEPBAR" ? static_cast<std::uint64_t>(t.immediate) : 0;
    key.w[1] |= std::uint64_t{static_cast<std::uint8_t>(t.async.kind)} << 56;
    key.w[1] |= (std::uint64_t{t.barrier} << 32) | (std::uint64_t{t.barrier_threads} << 40);
    key.w[2] = t.mem_width | (std::uint64_t{t.is_memory()} << 32) | (std::uint64_t{t.dst_count} << 40) |
               (std::uint64_t{t.src_count} << 48) | (std::uint64_t{t.stall} << 56) | (std::uint64_t{t.hold} << 60);
    for (int i = 0; i < t.dst_count; ++i)
        key.w[3] |= (std::uint64_t{t.dst[static_cast<std::size_t>(i)].reg} | std::uint64_t{t.dst[static_cast<std::size_t>(i)].width} << 8) << (16 * i);
    for (int i = 0; i < t.src_count; ++i)
        key.w[4 + i / 4] |= (std::uint64_t{t.src[static_cast<std::size_t>(i)].reg} | std::uint64_t{t.src[static_cast<std::size_t>(i)].width} << 8) << (16 * (i % 4));
    // SASS instructions are 16 bytes (sm_70 on): any other step from the warp's last PC is a jump.
    // Marked only when the fetch restart costs cycles, so that a mark never splits table entries for nothing.
    const bool jump_target = classes_.taken_branch_cycles() > 0 && warp.count > 0 && t.pc != warp.last_pc + 16;
    warp.last_pc = t.pc;
    key.w[2] |= std::uint64_t{jump_target} << 61;
    if (profile_ != nullptr) key.w[6] = t.pc + 1;
    const std::uint32_t index = index_of(key, t, jump_target);
    const OpInfo& counts = table_counts_[index];  // the key holds the opcode: one entry, one opcode
    ++*counts.base;
    if (counts.full != nullptr) ++*counts.full;
    const bool async = table_[index].control == Control::async;
    const bool memory = table_[index].unit == ExecUnit::memory || (async && t.async.is_mbarrier());
    if (t.opcode->is_sparse_mma && t.has_immediate && table_[index].unit == ExecUnit::tensor) {
        const int selectors = classes_.mma_form(table_[index].op).selector_count;
        if (t.immediate < 0 || t.immediate >= selectors)
            throw UserError(fmt::format("{}: selector {} is illegal: legal values are 0..{}", t.opcode->full, t.immediate,
                                        selectors - 1));
    }
    if (memory && table_[index].mem == MemKind::ldmatrix)  // the lanes that give the row addresses
        for (int l = 0; l < 8 * table_[index].count && l < trace::kWarpSize; ++l)
            if (t.lane_active(l) && t.addresses[static_cast<std::size_t>(l)] % 16 != 0)
                throw UserError(fmt::format("{}: the row address 0x{:x} of lane {} is not 16-byte aligned", t.opcode->full,
                                            t.addresses[static_cast<std::size_t>(l)], l));
    std::uint64_t lanes[trace::kWarpSize];
    int n = 0;
    if (memory)
        for (int l = 0; l < trace::kWarpSize; ++l)
            if (t.lane_active(l)) lanes[n++] = t.addresses[static_cast<std::size_t>(l)];
    warp.append(index, memory, t.active_mask, lanes, n, patterns_);
    if (async) warp.append_async(t.async);
}

void CompactStream::reset(const CompactWarp& warp, const KernelDecoder& decoder) {
    decoder_ = &decoder;
    reader_.reset(warp, decoder.patterns());
}

const WarpInstr* CompactStream::next() {
    if (reader_.at_end()) return nullptr;
    const std::uint32_t index = reader_.next_index();
    const WarpInstr* in = &decoder_->instr(index);
    if (in->control == Control::async) {
        if (in->async != trace::AsyncKind::tma_load && in->async != trace::AsyncKind::tma_store) reader_.read_addresses(index);
        reader_.read_async(async_);
    } else if (in->unit == ExecUnit::memory) {
        reader_.read_addresses(index);
    }
    return in;
}

void CompactStream::addresses(LaneAddresses& out) const { reader_.addresses(out); }

}  // namespace stcsim::sim
