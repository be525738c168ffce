// The per-warp instruction stream of the CUTLASS-like GEMM kernel (see gemm_trace.h): the derived
// geometry (sizes, addresses, register allocation) and the generator of one warp's instructions.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

#include "isa/catalog.h"
#include "sim/trace/gemm_trace.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

struct GemmGeometry {
    GemmGeometry(const GemmTraceSpec& spec, const isa::MmaForm& form);

    GemmTraceSpec spec;
    isa::MmaForm form;
    int elem_bytes = 2, acc_bytes = 4;
    bool b_row_major = true;  // K x N (16-bit types, LDSM .trans), else N x K
    int warps_m = 0, warps_n = 0, warps = 0;
    int mma_m = 0, mma_n = 0;  // MMA tiles per warp: WM/16, WN/8
    int steps = 0;             // instruction k-steps per K tile
    int selector_groups = 1;   // k-steps covered by one metadata register (sparse)
    std::int64_t k_tiles = 0;
    std::int64_t k_stored = 0;  // columns of the stored A: K, or K/2 when sparse
    int a_chunks_per_row = 0, b_chunks_per_row = 0;  // 16-byte chunks per shared-memory row
    std::uint64_t a_stage_bytes = 0, b_stage_bytes = 0, e_stage_bytes = 0, stage_bytes = 0;
    std::uint64_t a_base = 0, b_base = 0, e_base = 0, d_base = 0, shmem_base = 0;
    std::uint64_t a_bytes = 0, b_bytes = 0, e_bytes = 0, d_bytes = 0;
    int r_a = 0, r_b = 0, r_e = 0, r_acc = 0, registers = 0;  // register allocation
};

class GemmWarpProgram {
public:
    GemmWarpProgram(const GemmGeometry& geometry, OpcodeTable& opcodes);
    // Appends warp `warp` of CTA (cta_m, cta_n) to `out`; returns its MMA count.
    std::uint64_t generate(std::uint32_t cta_m, std::uint32_t cta_n, int warp, std::vector<TraceInstruction>& out);

private:
    using Address = std::function<std::uint64_t(int unit)>;
    TraceInstruction& emit(const Opcode* op, std::initializer_list<RegOperand> dst,
                           std::initializer_list<RegOperand> src, std::int64_t immediate = 0);
    void skip() { pc_ += 16; }
    void prologue();
    void tile_loads(std::int64_t kt, bool active);
    void copy_tile(int chunks, const std::function<std::uint64_t(int chunk)>& global, RegOperand smem, RegOperand gmem,
                   bool active);
    void ldsm(bool trans, int units, const Address& address, int dst_reg);
    void k_step(int stage, int ks);
    void epilogue();
    std::uint64_t smem(int stage, std::uint64_t offset) const;

    const GemmGeometry& g_;
    std::vector<TraceInstruction>* out_ = nullptr;
    std::uint64_t pc_ = 0, mmas_ = 0;
    std::uint32_t cta_m_ = 0, cta_n_ = 0;
    int warp_m_ = 0, warp_n_ = 0, warp_ = 0;
    struct Ops {
        const Opcode *s2r, *imad_wide, *imad_shl, *cs2r, *ldgsts, *ldgdepbar, *depbar, *bar, *iadd3, *isetp, *bra,
            *ldsm4, *ldsm2, *ldsm1, *ldsmt4, *ldsmt2, *ldsmt1, *mma, *stg, *exit;
    } op_{};
};

// The memory width the NVBit tracer writes for an opcode: the first numeric modifier (or U<bits>)
// divided by 8, else 4 bytes.
std::uint32_t tracer_mem_width(const Opcode& opcode);

}  // namespace stcsim::trace
