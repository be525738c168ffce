// wgmma against the warp-level mma model, which the GPU outputs in shared/reference check on
// Hopper: a wgmma m64nNkK is, slice by slice, 4 warps x N/8 column blocks of mma m16n8kK with
// the same K, so each D register of the warp group must equal the D register of the mma that
// computes its slice. This checks the fragment layouts, the metadata layout and the K order.
#include "isa/wgmma_execute.h"

#include <gtest/gtest.h>

#include <functional>
#include <random>

#include "common/errors.h"
#include "isa/packing.h"
#include "isa/sparsity.h"

namespace stcsim::isa {
namespace {

Matrix random_matrix(ElemType type, int rows, int cols, std::mt19937& rng) {
    Matrix m(type, rows, cols);
    for (auto& bits : m.bits) {
        bits = static_cast<std::uint32_t>(rng()) & container_mask(type);
        if (type == ElemType::tf32) bits &= 0xffffe000u;
        // Mostly moderate exponents so that sums cancel and truncate, with occasional extremes.
        if (is_float(type) && rng() % 8 != 0) {
            const FloatFormat f = float_format(type);
            const int shift = container_bits(type) == 32 ? 23 : f.fraction_bits;
            const std::uint32_t mid = static_cast<std::uint32_t>(f.bias - 3 + static_cast<int>(rng() % 7));
            const std::uint32_t exp_mask = ((1u << f.exponent_bits) - 1) << shift;
            bits = (bits & ~exp_mask) | (mid << shift);
        }
    }
    return m;
}

Matrix block(const Matrix& m, int row, int col, int rows, int cols) {
    Matrix out(m.type, rows, cols);
    for (int r = 0; r < rows; ++r)
        for (int c = 0; c < cols; ++c) out.at(r, c) = m.at(row + r, col + c);
    return out;
}

struct Inputs {
    WgmmaMatrices matrices;
    Matrix logical_a;
};

Inputs random_inputs(const WgmmaForm& f, int selector, std::mt19937& rng) {
    Inputs in;
    in.logical_a = random_matrix(f.a, 64, f.shape.k, rng);
    in.matrices.b = random_matrix(f.b, f.shape.k, f.shape.n, rng);
    in.matrices.c = random_matrix(f.d, 64, f.shape.n, rng);
    in.matrices.selector = selector;
    if (f.sparse) {
        in.logical_a = prune_by_magnitude(in.logical_a, sparsity_pattern(f.a));
        const PackedWgmmaA packed = pack_wgmma_sparse_a(f, in.logical_a, selector);
        in.matrices.a = packed.values;
        in.matrices.metadata = packed.metadata;
    } else {
        in.matrices.a = in.logical_a;
    }
    return in;
}

// The D fragment of the warp group against the D fragments of 4 x N/8 warp-level mma on sm_90.
// Not for fp8: mma.sync fp8 on sm_90 runs as two f16 HMMAs and an FADD (isa/execute_fp8_sm90.h),
// which round differently from wgmma's fp8 unit; the H200 probes check each of them.
void expect_equals_mma_slices(const char* wgmma_ptx, const char* mma_ptx) {
    const WgmmaForm f = parse_wgmma(wgmma_ptx, Arch::sm_90a);
    const MmaForm m = parse_mma(mma_ptx, Arch::sm_90);
    std::mt19937 rng(2024);
    for (int selector = 0; selector < std::max(1, f.selector_count); ++selector)
        for (int trial = 0; trial < 3; ++trial) {
            const Inputs in = random_inputs(f, selector, rng);
            const WarpgroupFragment d = wgmma_to_fragment(f, WgmmaOperand::D, compute_wgmma(f, Arch::sm_90a, in.matrices));
            for (int warp = 0; warp < 4; ++warp)
                for (int j = 0; j < f.shape.n / 8; ++j) {
                    MmaOperands ops;
                    ops.a = to_fragment(m, Operand::A, block(in.matrices.a, 16 * warp, 0, 16, f.stored_a_cols()));
                    ops.b = to_fragment(m, Operand::B, block(in.matrices.b, 0, 8 * j, f.shape.k, 8));
                    ops.c = to_fragment(m, Operand::C, block(in.matrices.c, 16 * warp, 8 * j, 16, 8));
                    for (int lane = 0; lane < 32; ++lane)
                        ops.metadata[static_cast<std::size_t>(lane)] = in.matrices.metadata[static_cast<std::size_t>(32 * warp + lane)];
                    ops.selector = selector;
                    const WarpFragment expected = execute(m, Arch::sm_90, ops);
                    for (int lane = 0; lane < 32; ++lane)
                        for (int reg = 0; reg < m.d_regs; ++reg)
                            ASSERT_EQ(d.at(32 * warp + lane, m.d_regs * j + reg), expected.at(lane, reg))
                                << wgmma_ptx << " selector " << selector << " warp " << warp << " block " << j
                                << " lane " << lane << " reg " << reg;
                }
        }
}

TEST(WgmmaExecute, DenseEqualsTheWarpLevelMmaModelSliceBySlice) {
    expect_equals_mma_slices("wgmma.mma_async.sync.aligned.m64n24k16.f32.f16.f16", "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32");
    expect_equals_mma_slices("wgmma.mma_async.sync.aligned.m64n16k16.f16.f16.f16", "mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16");
    expect_equals_mma_slices("wgmma.mma_async.sync.aligned.m64n16k16.f32.bf16.bf16", "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32");
    expect_equals_mma_slices("wgmma.mma_async.sync.aligned.m64n16k8.f32.tf32.tf32", "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32");
    expect_equals_mma_slices("wgmma.mma_async.sync.aligned.m64n16k32.satfinite.s32.s8.u8", "mma.sync.aligned.m16n8k32.row.col.satfinite.s32.s8.u8.s32");
}

TEST(WgmmaExecute, SparseEqualsTheWarpLevelMmaSpModelSliceBySlice) {
    expect_equals_mma_slices("wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16", "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32");
    expect_equals_mma_slices("wgmma.mma_async.sp.sync.aligned.m64n8k32.f16.f16.f16", "mma.sp.sync.aligned.m16n8k32.row.col.f16.f16.f16.f16");
    expect_equals_mma_slices("wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.bf16.bf16", "mma.sp.sync.aligned.m16n8k32.row.col.f32.bf16.bf16.f32");
    expect_equals_mma_slices("wgmma.mma_async.sp.sync.aligned.m64n16k16.f32.tf32.tf32", "mma.sp.sync.aligned.m16n8k16.row.col.f32.tf32.tf32.f32");
    expect_equals_mma_slices("wgmma.mma_async.sp.sync.aligned.m64n16k64.s32.s8.s8", "mma.sp.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32");
}

// A from registers, A and B from shared memory under each swizzle, transposed or not: one D.
TEST(WgmmaExecute, RegisterAndDescriptorOperandsGiveTheSameResult) {
    const char* ptx = "wgmma.mma_async.sp.sync.aligned.m64n16k32.f32.f16.f16";
    const WgmmaForm shared = parse_wgmma(ptx, Arch::sm_90a), regs = parse_wgmma(ptx, Arch::sm_90a, WgmmaSource::registers);
    std::mt19937 rng(5);
    const Inputs in = random_inputs(shared, 1, rng);
    const Matrix expected = compute_wgmma(shared, Arch::sm_90a, in.matrices);
    WgmmaOperands ops;
    ops.d = wgmma_to_fragment(shared, WgmmaOperand::D, in.matrices.c);
    ops.metadata = in.matrices.metadata;
    ops.selector = 1;
    ops.a = wgmma_to_fragment(regs, WgmmaOperand::A, in.matrices.a);
    for (Swizzle swizzle : {Swizzle::none, Swizzle::b32, Swizzle::b64, Swizzle::b128})
        for (bool trans : {false, true}) {
            const auto w = static_cast<std::uint32_t>(swizzle_bytes(swizzle));
            ops.smem = {0x1000, std::vector<std::uint8_t>(32 * 1024, 0)};
            ops.imm.trans_a = ops.imm.trans_b = trans;
            // A at 0x1000, B at 0x5000; offsets that keep the core matrices apart.
            MatrixDescriptor a{0x1000, trans ? 8 * w * 2 : 8 * w * 8, trans ? 8 * w : 8 * w, 0, swizzle};
            // B holds 64 bytes of K: K-major it needs a row of 64 bytes or more (or no swizzle).
            const Swizzle b_swizzle = !trans && swizzle == Swizzle::b32 ? Swizzle::b64 : swizzle;
            const auto bw = static_cast<std::uint32_t>(swizzle_bytes(b_swizzle));
            MatrixDescriptor b{0x5000, trans ? 8 * bw * 4 : 8 * bw * 2, 8 * bw, 0, b_swizzle};
            if (swizzle == Swizzle::none && trans) a = {0x1000, 1024, 128, 0, swizzle}, b = {0x5000, 256, 128, 0, swizzle};
            write_operand(ops.smem, a, wgmma_tile(shared, true, trans), in.matrices.a, true);
            write_operand(ops.smem, b, wgmma_tile(shared, false, trans), in.matrices.b, false);
            ops.a_descriptor = encode_descriptor(a);
            ops.b_descriptor = encode_descriptor(b);
            EXPECT_EQ(wgmma_from_fragment(shared, WgmmaOperand::D, execute_wgmma(shared, Arch::sm_90a, ops)), expected)
                << swizzle_name(swizzle) << (trans ? " transposed" : "");
            if (trans) continue;  // A in registers has no transpose
            EXPECT_EQ(wgmma_from_fragment(regs, WgmmaOperand::D, execute_wgmma(regs, Arch::sm_90a, ops)), expected);
        }
}

TEST(WgmmaExecute, ScaleDAndNegationFollowThePtx) {
    const WgmmaForm f = parse_wgmma("wgmma.mma_async.sync.aligned.m64n8k16.f32.f16.f16", Arch::sm_90a);
    std::mt19937 rng(3);
    Inputs in = random_inputs(f, 0, rng);
    WgmmaMatrices zero_c = in.matrices;
    std::fill(zero_c.c.bits.begin(), zero_c.c.bits.end(), 0u);
    WgmmaMatrices no_d = in.matrices;
    no_d.imm.scale_d = false;
    const Matrix product = compute_wgmma(f, Arch::sm_90a, zero_c);
    EXPECT_EQ(compute_wgmma(f, Arch::sm_90a, no_d), product);  // D = A*B
    WgmmaMatrices both = in.matrices;
    both.imm.negate_a = both.imm.negate_b = true;  // (-a)(-b) = ab
    EXPECT_EQ(compute_wgmma(f, Arch::sm_90a, both), compute_wgmma(f, Arch::sm_90a, in.matrices));
    WgmmaMatrices neg = zero_c;
    neg.imm.negate_a = true;  // truncation is symmetric: -(A*B), zeros keep +0
    const Matrix negated = compute_wgmma(f, Arch::sm_90a, neg);
    for (std::size_t i = 0; i < product.bits.size(); ++i) {
        const std::uint32_t p = product.bits[i];
        const bool nan = (p & 0x7f800000u) == 0x7f800000u && (p & 0x7fffffu) != 0;
        EXPECT_EQ(negated.bits[i], (p & 0x7fffffffu) == 0 || nan ? p : p ^ 0x80000000u) << i;
    }
}

// Every type combination of the catalog executes (N = 8 and 24 stand for the rest: the model
// does not depend on N beyond the column count), and D has the form's type and shape.
TEST(WgmmaExecute, EveryCatalogTypeCombinationExecutes) {
    std::mt19937 rng(1);
    int executed = 0;
    for (const WgmmaForm& f : wgmma_catalog(Arch::sm_90a)) {
        if ((f.shape.n != 8 && f.shape.n != 24) || f.a_source != WgmmaSource::shared) continue;
        const Matrix d = compute_wgmma(f, Arch::sm_90a, random_inputs(f, f.selector_count - 1 > 0 ? 1 : 0, rng).matrices);
        EXPECT_EQ(d.type, f.d);
        EXPECT_EQ(d.cols, f.shape.n);
        ++executed;
    }
    EXPECT_EQ(executed, 2 * 2 * (2 + 1 + 1 + 8 + 8));
}

void expect_error(const std::function<void()>& action, const std::string& fragment) {
    try {
        action();
        ADD_FAILURE() << "accepted; expected an error with '" << fragment << "'";
    } catch (const UserError& error) {
        EXPECT_NE(std::string(error.what()).find(fragment), std::string::npos) << error.what();
    }
}

TEST(WgmmaExecute, RejectsIllegalImmediatesSelectorsMetadataAndDescriptors) {
    std::mt19937 rng(9);
    const WgmmaForm tf32 = parse_wgmma("wgmma.mma_async.sync.aligned.m64n8k8.f32.tf32.tf32", Arch::sm_90a);
    WgmmaMatrices t = random_inputs(tf32, 0, rng).matrices;
    t.imm.trans_b = true;
    expect_error([&] { compute_wgmma(tf32, Arch::sm_90a, t); }, "transpose) exists only for .f16 and .bf16");
    const WgmmaForm s8 = parse_wgmma("wgmma.mma_async.sync.aligned.m64n8k32.s32.s8.s8", Arch::sm_90a);
    WgmmaMatrices n = random_inputs(s8, 0, rng).matrices;
    n.imm.negate_a = true;
    expect_error([&] { compute_wgmma(s8, Arch::sm_90a, n); }, "only for floating-point types");
    expect_error([&] { compute_wgmma(s8, Arch::sm_90, random_inputs(s8, 0, rng).matrices); }, "needs sm_90a");

    const WgmmaForm sp = parse_wgmma("wgmma.mma_async.sp.sync.aligned.m64n8k32.f32.f16.f16", Arch::sm_90a);
    WgmmaMatrices s = random_inputs(sp, 0, rng).matrices;
    s.selector = 2;
    expect_error([&] { compute_wgmma(sp, Arch::sm_90a, s); }, "selector 2 is illegal");
    s.selector = 0;
    s.metadata[33] &= ~0xfu;  // lane 33 (warp 1) bits 3:0 describe row 16 + 8*0 + ..., now 0b0000
    expect_error([&] { compute_wgmma(sp, Arch::sm_90a, s); }, "metadata lane 33 bits 3:0");
    ExecuteOptions mux;
    mux.invalid_metadata = InvalidMetadataMode::mux;
    EXPECT_NO_THROW(compute_wgmma(sp, Arch::sm_90a, s, mux));

    const WgmmaForm regs = parse_wgmma(sp.ptx, Arch::sm_90a, WgmmaSource::registers);
    WgmmaOperands ops;
    ops.a = WarpgroupFragment(4);
    ops.d = WarpgroupFragment(regs.d_regs);
    ops.metadata.fill(0x4444eeeeu);
    ops.smem = {0, std::vector<std::uint8_t>(4096, 0)};
    ops.b_descriptor = 1ull << 47;
    expect_error([&] { execute_wgmma(regs, Arch::sm_90a, ops); }, "B descriptor: descriptor 0x0000800000000000: reserved bits");
    ops.b_descriptor = encode_descriptor({0xff0, 16, 256, 0, Swizzle::none});
    expect_error([&] { execute_wgmma(regs, Arch::sm_90a, ops); }, "B descriptor: element [");
    ops.imm.trans_a = true;
    expect_error([&] { execute_wgmma(regs, Arch::sm_90a, ops); }, "not to A in registers");
}

// wgmma.sp tf32 decodes an illegal nibble as mma.sp does (H200: every case of
// wgmma_wgsp_n16_f32_tf32_{shared,registers}.invalid.cases.jsonl): 0x1 swaps the 16-bit halves of
// B[0] = 0x3f804000 (1 + 2^-9), so D = 1.0 * tf32(0x40003f80) = 2 + 2^-9, not 1 + 2^-9.
TEST(WgmmaExecute, MuxModeSelectsSixteenBitHalvesOfBForTf32) {
    const WgmmaForm sp = parse_wgmma("wgmma.mma_async.sp.sync.aligned.m64n8k16.f32.tf32.tf32", Arch::sm_90a);
    WgmmaMatrices in;
    in.a = Matrix(ElemType::tf32, 64, 8);
    in.b = Matrix(ElemType::tf32, 16, 8);
    in.c = Matrix(ElemType::f32, 64, 8);
    in.a.at(0, 0) = 0x3f800000u;
    in.b.at(0, 0) = 0x3f804000u;
    in.metadata.fill(0x11111111u);
    ExecuteOptions mux;
    mux.invalid_metadata = InvalidMetadataMode::mux;
    EXPECT_EQ(compute_wgmma(sp, Arch::sm_90a, in, mux).at(0, 0), 0x40002000u);
    in.metadata.fill(0x44444444u);
    EXPECT_EQ(compute_wgmma(sp, Arch::sm_90a, in).at(0, 0), 0x3f804000u);
}

}  // namespace
}  // namespace stcsim::isa
