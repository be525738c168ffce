#include "sim/trace/gemm_program.h"

#include <algorithm>
#include <bit>
#include <cctype>

#include "common/errors.h"

namespace stcsim::trace {
namespace {

constexpr std::uint32_t kFullMask = 0xffffffffu;

std::uint64_t align_up(std::uint64_t value, std::uint64_t alignment) {
    return (value + alignment - 1) / alignment * alignment;
}

// Byte offset of 16-byte chunk `chunk` of row `row` in a tile of `chunks_per_row` chunks per row,
// XOR-swizzled over 128-byte lines so that eight consecutive rows of one chunk column hit
// different banks (the CUTLASS shared-memory layouts do the same).
std::uint64_t swizzled(int row, int chunk, int chunks_per_row) {
    int physical = chunk;
    if (std::has_single_bit(static_cast<unsigned>(chunks_per_row))) {
        const int rows_per_line = std::max(1, 8 / chunks_per_row);
        physical = chunk ^ ((row / rows_per_line) % std::min(chunks_per_row, 8));
    }
    return static_cast<std::uint64_t>(row) * static_cast<std::uint64_t>(chunks_per_row) * 16 +
           static_cast<std::uint64_t>(physical) * 16;
}

RegOperand reg(int r, int width = 1) { return {static_cast<std::uint8_t>(r), static_cast<std::uint8_t>(width)}; }

}  // namespace

std::uint32_t tracer_mem_width(const Opcode& opcode) {
    for (const std::string& m : opcode.modifiers) {
        const bool digits = !m.empty() && std::all_of(m.begin(), m.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); });
        if (digits) return static_cast<std::uint32_t>(std::stoul(m) / 8);
        if (m.size() > 1 && m[0] == 'U' && std::all_of(m.begin() + 1, m.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); }))
            return static_cast<std::uint32_t>(std::stoul(m.substr(1)) / 8);
    }
    return 4;
}

GemmGeometry::GemmGeometry(const GemmTraceSpec& s, const isa::MmaForm& f) : spec(s), form(f) {
    elem_bytes = s.dtype == "tf32" ? 4 : s.dtype == "s8" ? 1 : 2;
    acc_bytes = s.acc == "f16" ? 2 : 4;
    b_row_major = elem_bytes == 2;
    warps_m = s.tile.m / s.warp_tile.m;
    warps_n = s.tile.n / s.warp_tile.n;
    warps = warps_m * warps_n;
    mma_m = s.warp_tile.m / f.shape.m;
    mma_n = s.warp_tile.n / f.shape.n;
    steps = s.tile.k / f.shape.k;
    selector_groups = f.is_sparse() ? std::max(1, f.selector_count) : 1;
    k_tiles = s.k / s.tile.k;
    k_stored = f.is_sparse() ? s.k / 2 : s.k;
    const int tile_k_stored = f.is_sparse() ? s.tile.k / 2 : s.tile.k;
    a_chunks_per_row = tile_k_stored * elem_bytes / 16;
    b_chunks_per_row = (b_row_major ? s.tile.n : s.tile.k) * elem_bytes / 16;
    a_stage_bytes = static_cast<std::uint64_t>(s.tile.m) * tile_k_stored * elem_bytes;
    b_stage_bytes = static_cast<std::uint64_t>(s.tile.k) * s.tile.n * elem_bytes;
    e_stage_bytes = f.is_sparse() ? static_cast<std::uint64_t>(s.tile.m) * s.tile.k / 8 : 0;
    stage_bytes = a_stage_bytes + b_stage_bytes + e_stage_bytes;
    const auto m = static_cast<std::uint64_t>(s.m), n = static_cast<std::uint64_t>(s.n), k = static_cast<std::uint64_t>(s.k);
    a_bytes = m * static_cast<std::uint64_t>(k_stored) * elem_bytes;
    b_bytes = k * n * elem_bytes;
    e_bytes = f.is_sparse() ? m * k / 8 : 0;
    d_bytes = m * n * static_cast<std::uint64_t>(acc_bytes);
    constexpr std::uint64_t kAlign = 2 << 20;
    a_base = 0x00007f0000000000ULL;
    b_base = align_up(a_base + a_bytes, kAlign);
    e_base = align_up(b_base + b_bytes, kAlign);
    d_base = align_up(e_base + e_bytes, kAlign);
    shmem_base = 0x00007f8000000000ULL;
    // R0 thread id, R2:R3 A pointer, R4:R5 B, R6:R7 E, R8..R10 shared write offsets, R11..R13 shared
    // read offsets, R14:R15 D pointer; then the fragments and the accumulators.
    r_a = 16;
    r_b = r_a + mma_m * f.a_regs;
    r_e = r_b + mma_n * f.b_regs;
    r_acc = r_e + (f.is_sparse() ? mma_m : 0);
    registers = r_acc + mma_m * mma_n * f.d_regs;
}

GemmWarpProgram::GemmWarpProgram(const GemmGeometry& geometry, OpcodeTable& t) : g_(geometry) {
    op_ = {t.intern("S2R"), t.intern("IMAD.WIDE"), t.intern("IMAD.SHL.U32"), t.intern("CS2R"),
           t.intern("LDGSTS.E.BYPASS.LTC128B.128"), t.intern("LDGDEPBAR"), t.intern("DEPBAR.LE"),
           t.intern("BAR.SYNC.DEFER_BLOCKING"), t.intern("IADD3"), t.intern("ISETP.NE.AND"), t.intern("BRA"),
           t.intern("LDSM.16.M88.4"), t.intern("LDSM.16.M88.2"), t.intern("LDSM.16.M88"),
           t.intern("LDSM.16.MT88.4"), t.intern("LDSM.16.MT88.2"), t.intern("LDSM.16.MT88"),
           t.intern(g_.form.sass), t.intern(g_.acc_bytes == 4 ? "STG.E.64" : "STG.E"), t.intern("EXIT")};
}

TraceInstruction& GemmWarpProgram::emit(const Opcode* op, std::initializer_list<RegOperand> dst,
                                        std::initializer_list<RegOperand> src, std::int64_t immediate) {
    TraceInstruction& inst = out_->emplace_back();
    inst.pc = pc_;
    pc_ += 16;
    inst.active_mask = kFullMask;
    inst.opcode = op;
    for (const RegOperand& r : dst) inst.dst[inst.dst_count++] = r;
    for (const RegOperand& r : src) inst.src[inst.src_count++] = r;
    inst.has_immediate = true;
    inst.immediate = immediate;
    return inst;
}

std::uint64_t GemmWarpProgram::smem(int stage, std::uint64_t offset) const {
    return g_.shmem_base + static_cast<std::uint64_t>(stage) * g_.stage_bytes + offset;
}

std::uint64_t GemmWarpProgram::generate(std::uint32_t cta_m, std::uint32_t cta_n, int warp,
                                        std::vector<TraceInstruction>& out) {
    out_ = &out;
    pc_ = 0;
    mmas_ = 0;
    cta_m_ = cta_m;
    cta_n_ = cta_n;
    warp_ = warp;
    warp_m_ = warp % g_.warps_m;
    warp_n_ = warp / g_.warps_m;
    prologue();
    const int stages = g_.spec.stages;
    for (std::int64_t kt = 0; kt < std::min<std::int64_t>(stages - 1, g_.k_tiles); ++kt) tile_loads(kt, true);
    for (std::int64_t kt = std::min<std::int64_t>(stages - 1, g_.k_tiles); kt < stages - 1; ++kt) emit(op_.ldgdepbar, {}, {});
    emit(op_.depbar, {}, {}, stages - 2);
    emit(op_.bar, {}, {}, 0);
    const std::uint64_t loop_pc = pc_;
    for (std::int64_t kt = 0; kt < g_.k_tiles; ++kt) {
        pc_ = loop_pc;
        const int stage = static_cast<int>(kt % stages);
        for (int ks = 0; ks < g_.steps; ++ks) {
            k_step(stage, ks);
            if (ks == 0) tile_loads(kt + stages - 1, kt + stages - 1 < g_.k_tiles);
        }
        emit(op_.depbar, {}, {}, stages - 2);
        emit(op_.bar, {}, {}, 0);
        emit(op_.isetp, {}, {reg(0)});
        emit(op_.bra, {}, {});
    }
    epilogue();
    out_ = nullptr;
    return mmas_;
}

void GemmWarpProgram::prologue() {
    emit(op_.s2r, {reg(0)}, {});
    emit(op_.s2r, {reg(13)}, {});
    for (int r : {2, 4, 6, 14})
        if (r != 6 || g_.form.is_sparse()) emit(op_.imad_wide, {reg(r, 2)}, {reg(0), reg(13)});
    for (int r = 8; r <= 13; ++r) emit(op_.imad_shl, {reg(r)}, {reg(0)});
    const int acc_regs = g_.mma_m * g_.mma_n * g_.form.d_regs;
    for (int r = 0; r < acc_regs; r += 2) emit(op_.cs2r, {reg(g_.r_acc + r, std::min(2, acc_regs - r))}, {});
}

// The cp.async copies of K tile `kt` into its stage, then the commit. Inactive (past the last K
// tile): the copies are predicated off and not traced, but their PCs stay where they are.
void GemmWarpProgram::tile_loads(std::int64_t kt, bool active) {
    const auto& s = g_.spec;
    const int tile_k_stored = g_.form.is_sparse() ? s.tile.k / 2 : s.tile.k;
    const std::uint64_t eb = static_cast<std::uint64_t>(g_.elem_bytes);
    const std::uint64_t row0_m = static_cast<std::uint64_t>(cta_m_) * static_cast<std::uint64_t>(s.tile.m);
    const std::uint64_t row0_n = static_cast<std::uint64_t>(cta_n_) * static_cast<std::uint64_t>(s.tile.n);
    const auto ukt = static_cast<std::uint64_t>(kt);
    copy_tile(s.tile.m * g_.a_chunks_per_row, [&](int c) {
        const auto row = static_cast<std::uint64_t>(c / g_.a_chunks_per_row);
        return g_.a_base + ((row0_m + row) * static_cast<std::uint64_t>(g_.k_stored) + ukt * static_cast<std::uint64_t>(tile_k_stored)) * eb +
               static_cast<std::uint64_t>(c % g_.a_chunks_per_row) * 16;
    }, reg(8), reg(2, 2), active);
    if (active) emit(op_.iadd3, {reg(2)}, {reg(2)}); else skip();
    const int b_rows = g_.b_row_major ? s.tile.k : s.tile.n;
    copy_tile(b_rows * g_.b_chunks_per_row, [&](int c) {
        const auto row = static_cast<std::uint64_t>(c / g_.b_chunks_per_row);
        const auto chunk = static_cast<std::uint64_t>(c % g_.b_chunks_per_row) * 16;
        if (g_.b_row_major)
            return g_.b_base + ((ukt * static_cast<std::uint64_t>(s.tile.k) + row) * static_cast<std::uint64_t>(s.n) + row0_n) * eb + chunk;
        return g_.b_base + ((row0_n + row) * static_cast<std::uint64_t>(s.k) + ukt * static_cast<std::uint64_t>(s.tile.k)) * eb + chunk;
    }, reg(9), reg(4, 2), active);
    if (active) emit(op_.iadd3, {reg(4)}, {reg(4)}); else skip();
    if (g_.form.is_sparse()) {
        const std::uint64_t block = (static_cast<std::uint64_t>(cta_m_) * static_cast<std::uint64_t>(g_.k_tiles) + ukt) * g_.e_stage_bytes;
        copy_tile(static_cast<int>(g_.e_stage_bytes / 16), [&](int c) { return g_.e_base + block + static_cast<std::uint64_t>(c) * 16; },
                  reg(10), reg(6, 2), active);
        if (active) emit(op_.iadd3, {reg(6)}, {reg(6)}); else skip();
    }
    emit(op_.ldgdepbar, {}, {});
}

// Chunk c of a tile goes to thread c % threads in iteration c / threads; a warp skips an
// iteration in which none of its lanes has a chunk.
void GemmWarpProgram::copy_tile(int chunks, const std::function<std::uint64_t(int)>& global, RegOperand smem_reg,
                                RegOperand gmem_reg, bool active) {
    const int threads = g_.warps * 32;
    const int iterations = (chunks + threads - 1) / threads;
    for (int i = 0; i < iterations; ++i) {
        const int first = i * threads + warp_ * 32;
        const int lanes = std::clamp(chunks - first, 0, 32);
        if (!active || lanes == 0) {
            skip();
            continue;
        }
        TraceInstruction& inst = emit(op_.ldgsts, {}, {smem_reg, gmem_reg});
        inst.active_mask = lanes == 32 ? kFullMask : (1u << lanes) - 1;
        inst.mem_width = tracer_mem_width(*op_.ldgsts);
        for (int l = 0; l < lanes; ++l) inst.addresses[static_cast<std::size_t>(l)] = global(first + l);
        inst.address_mode = choose_address_mode(inst.active_mask, inst.addresses);
    }
}

// ldmatrix of `units` 16-byte rows (8 per 8x8 matrix): .x4 while 32 remain, then .x2 / .x1. Lane l
// of an .xN gives the address of row l of the N*8 (lanes past N*8 repeat, as the hardware ignores them).
void GemmWarpProgram::ldsm(bool trans, int units, const Address& address, int dst_reg) {
    for (int done = 0; done < units;) {
        const int n = units - done >= 32 ? 32 : units - done >= 16 ? 16 : 8;
        const Opcode* op = n == 32 ? (trans ? op_.ldsmt4 : op_.ldsm4) : n == 16 ? (trans ? op_.ldsmt2 : op_.ldsm2)
                                                                                : (trans ? op_.ldsmt1 : op_.ldsm1);
        TraceInstruction& inst = emit(op, {reg(dst_reg, n / 8)}, {reg(trans ? 12 : 11)});
        inst.mem_width = tracer_mem_width(*op);
        for (int l = 0; l < 32; ++l) inst.addresses[static_cast<std::size_t>(l)] = address(done + l % n);
        inst.address_mode = choose_address_mode(inst.active_mask, inst.addresses);
        dst_reg += n / 8;
        done += n;
    }
}

void GemmWarpProgram::k_step(int stage, int ks) {
    const auto& s = g_.spec;
    const auto& f = g_.form;
    const int eb = g_.elem_bytes;
    if (f.is_sparse() && ks % g_.selector_groups == 0) {
        const std::uint64_t share = static_cast<std::uint64_t>(s.warp_tile.m) * static_cast<std::uint64_t>(s.tile.k) / 8;
        const std::uint64_t base = g_.a_stage_bytes + g_.b_stage_bytes + static_cast<std::uint64_t>(warp_m_) * share;
        const std::uint64_t group = static_cast<std::uint64_t>(ks / g_.selector_groups) * static_cast<std::uint64_t>(g_.mma_m) * 128;
        ldsm(false, g_.mma_m * 8, [&](int u) { return smem(stage, base + (group + static_cast<std::uint64_t>(u) * 16) % share); }, g_.r_e);
    }
    // A: the warp's WM rows, the k-step's chunks; 16-row tiles in order.
    const int a_chunks = f.stored_a_cols() * eb / 16;
    ldsm(false, s.warp_tile.m * a_chunks, [&](int u) {
        const int tile = u / (16 * a_chunks), within = u % (16 * a_chunks);
        const int row = warp_m_ * s.warp_tile.m + tile * 16 + within % 16;
        return smem(stage, swizzled(row, ks * a_chunks + within / 16, g_.a_chunks_per_row));
    }, g_.r_a);
    if (g_.b_row_major) {  // K x N: k rows of the step, the warp's N chunks, transposed on load
        const int n_chunks = s.warp_tile.n * eb / 16, k = f.shape.k;
        ldsm(true, k * n_chunks, [&](int u) {
            const int row = ks * k + u % k, chunk = warp_n_ * n_chunks + u / k;
            return smem(stage, g_.a_stage_bytes + swizzled(row, chunk, g_.b_chunks_per_row));
        }, g_.r_b);
    } else {  // N x K: the warp's N rows, the k-step's chunks; 8-row tiles in order
        const int k_chunks = f.shape.k * eb / 16;
        ldsm(false, s.warp_tile.n * k_chunks, [&](int u) {
            const int tile = u / (8 * k_chunks), within = u % (8 * k_chunks);
            const int row = warp_n_ * s.warp_tile.n + tile * 8 + within % 8;
            return smem(stage, g_.a_stage_bytes + swizzled(row, ks * k_chunks + within / 8, g_.b_chunks_per_row));
        }, g_.r_b);
    }
    for (int mi = 0; mi < g_.mma_m; ++mi)
        for (int j = 0; j < g_.mma_n; ++j) {
            const int ni = (mi % 2 == 0) ? j : g_.mma_n - 1 - j;  // serpentine, as CUTLASS orders them
            const RegOperand acc = reg(g_.r_acc + (mi * g_.mma_n + ni) * f.d_regs, f.d_regs);
            const RegOperand a = reg(g_.r_a + mi * f.a_regs, f.a_regs), b = reg(g_.r_b + ni * f.b_regs, f.b_regs);
            if (f.is_sparse()) emit(op_.mma, {acc}, {a, b, acc, reg(g_.r_e + mi)}, ks % g_.selector_groups);
            else emit(op_.mma, {acc}, {a, b, acc});
            ++mmas_;
        }
}

void GemmWarpProgram::epilogue() {
    const auto& s = g_.spec;
    const int d_regs = g_.form.d_regs;
    const int per_store = d_regs / 2;  // registers per row half: c0,c1 (row g) and c2,c3 (row g+8)
    for (int mi = 0; mi < g_.mma_m; ++mi)
        for (int ni = 0; ni < g_.mma_n; ++ni)
            for (int half = 0; half < 2; ++half) {
                const int r = g_.r_acc + (mi * g_.mma_n + ni) * d_regs + half * per_store;
                TraceInstruction& inst = emit(op_.stg, {}, {reg(14, 2), reg(r, per_store)});
                inst.mem_width = tracer_mem_width(*op_.stg);
                for (int l = 0; l < 32; ++l) {
                    const std::uint64_t row = static_cast<std::uint64_t>(cta_m_) * static_cast<std::uint64_t>(s.tile.m) +
                                              static_cast<std::uint64_t>(warp_m_ * s.warp_tile.m + mi * 16 + l / 4 + half * 8);
                    const std::uint64_t col = static_cast<std::uint64_t>(cta_n_) * static_cast<std::uint64_t>(s.tile.n) +
                                              static_cast<std::uint64_t>(warp_n_ * s.warp_tile.n + ni * 8 + 2 * (l % 4));
                    inst.addresses[static_cast<std::size_t>(l)] =
                        g_.d_base + (row * static_cast<std::uint64_t>(s.n) + col) * static_cast<std::uint64_t>(g_.acc_bytes);
                }
                inst.address_mode = choose_address_mode(inst.active_mask, inst.addresses);
            }
    emit(op_.exit, {}, {});
}

}  // namespace stcsim::trace
