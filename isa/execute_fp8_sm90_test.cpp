// fp8 mma / mma.sp on sm_90 as ptxas lowers them (isa/execute_fp8_sm90.h): elements measured on an
// H200 (probe files of the H200 measurement, cited per case; the old single fused block got every
// one of them wrong), and hand-made cases for the two properties the lowering adds: the K split of
// the two HMMAs and C added last with round to nearest even.
#include "isa/execute_fp8_sm90.h"

#include <gtest/gtest.h>

#include <cmath>
#include <string>
#include <vector>

#include "common/errors.h"
#include "isa/packing.h"

namespace stcsim::isa {
namespace {

using LaneRegs = std::vector<std::vector<std::uint32_t>>;  // registers of lanes 4q .. 4q+3

struct ProbeElement {
    std::string ptx;
    int row = 0, col = 0;
    LaneRegs a;  // A registers of the lanes of group row % 8
    LaneRegs b;  // B registers of the lanes of group col
    std::uint32_t c = 0;                 // C[row][col]
    std::vector<std::uint32_t> e = {};   // metadata of the lanes of group row % 8 (.sp)
};

// D[row][col] only reads the registers a ProbeElement holds; every other register is 0, and other
// lanes' metadata a legal 0x4 in every nibble.
std::uint32_t run(const ProbeElement& p, Arch arch = Arch::sm_90,
                  InvalidMetadataMode mode = InvalidMetadataMode::reject) {
    const MmaForm form = parse_mma(p.ptx, arch);
    MmaOperands ops;
    ops.metadata.fill(0x44444444u);
    ops.a = WarpFragment(form.a_regs);
    ops.b = WarpFragment(form.b_regs);
    for (int t = 0; t < 4; ++t) {
        for (int reg = 0; reg < form.a_regs; ++reg) ops.a.at(4 * (p.row % 8) + t, reg) = p.a[t][reg];
        for (int reg = 0; reg < form.b_regs; ++reg) ops.b.at(4 * p.col + t, reg) = p.b[t][reg];
        if (!p.e.empty()) ops.metadata[4 * (p.row % 8) + t] = p.e[t];
    }
    Matrix c(form.c, form.shape.m, form.shape.n);
    c.at(p.row, p.col) = p.c;
    ops.c = to_fragment(form, Operand::C, c);
    ExecuteOptions options;
    options.invalid_metadata = mode;
    return from_fragment(form, Operand::D, execute(form, arch, ops, options)).at(p.row, p.col);
}

// dense_m16n8k16_f32_e4m3_e4m3_f32.cases.jsonl / .gpu.jsonl line 1, D[0][0].
const ProbeElement kDenseK16F32{
    "mma.sync.aligned.m16n8k16.row.col.f32.e4m3.e4m3.f32", 0, 0,
    {{0xc735dc59, 0x1b2b5dcc}, {0xb5d7afb0, 0xb22257b3}, {0xa7acdc22, 0x2fdbcac5}, {0xcdd1beb2, 0xab98b4af}},
    {{0xca9ca29a}, {0x4c485dc3}, {0xcc9d453b}, {0x1aaebf1d}},
    0xc1ed7abd};

TEST(ExecuteFp8Sm90, DenseF32MatchesH200) {
    EXPECT_EQ(run(kDenseK16F32), 0xc31a0c58u);
    EXPECT_EQ(run(kDenseK16F32, Arch::sm_90a), 0xc31a0c58u);
    // dense_m16n8k32_f32_e4m3_e4m3_f32.cases.jsonl / .gpu.jsonl line 1, D[0][0].
    EXPECT_EQ(run({"mma.sync.aligned.m16n8k32.row.col.f32.e4m3.e4m3.f32", 0, 0,
                   {{0x1cd04cdf, 0x29382ebd, 0xbc30cbb3, 0xbbb7bab4}, {0x5a2f1bcc, 0xc49fd82d, 0xa1225bcb, 0xadb0de4c},
                    {0xb4aea0be, 0x25a31939, 0x479db2bf, 0x1b2d1fd4}, {0x4bcea83c, 0x3bd1a8cb, 0x1ecf4ba6, 0x19242aa8}},
                   {{0x26a84c2a, 0xaeaf3e3a}, {0xa59f53bd, 0x22565fc4}, {0x2228bbb6, 0x5d32b9b1}, {0xc4b1293e, 0x1d5f1826}},
                   0xbea20571}),
              0x440e5eb9u);
}

TEST(ExecuteFp8Sm90, DenseF16MatchesH200) {
    // dense_m16n8k16_f16_e4m3_e4m3_f16.cases.jsonl / .gpu.jsonl line 3, D[0][0].
    EXPECT_EQ(run({"mma.sync.aligned.m16n8k16.row.col.f16.e4m3.e4m3.f16", 0, 0,
                   {{0x5bd799b0, 0xcb5728b1}, {0xda3921db, 0x9cc542a7}, {0x3d993b1c, 0x25d5ab28}, {0x2a3b9ca0, 0xa9bdac38}},
                   {{0xb05ca3c6}, {0x9bcea8d9}, {0x43214b3c}, {0x34db9ece}},
                   0xc7d1}),  // low half of lane 0's C register 0 (0xb5f0c7d1)
              0xc448u);
    // dense_m16n8k32_f16_e5m2_e4m3_f16.cases.jsonl / .gpu.jsonl line 1, D[0][1].
    EXPECT_EQ(run({"mma.sync.aligned.m16n8k32.row.col.f16.e5m2.e4m3.f16", 0, 1,
                   {{0xc0b2cb31, 0xb4c5483f, 0x46c1c032, 0xb52cb037}, {0xbb43b1bf, 0xc9333444, 0xbaca3842, 0x3daebfb2},
                    {0xadb135c7, 0x3e44b74b, 0x3fcfcd39, 0xae43b62f}, {0xb12f4443, 0xc63cce2f, 0x4634b4cf, 0x36c83e31}},
                   {{0x2eb7afcc, 0x9dccd62d}, {0xa6c243b5, 0x514a1caa}, {0x9f58cd27, 0x1fc45ba8}, {0xd959a657, 0xadba5346}},
                   0x3b7a}),  // high half of lane 0's C register 0 (0x3b7a30d1)
              0xded0u);
}

// sp_m16n8k64_f32_e4m3_e4m3_f32.invalid.cases.jsonl / .gpu.jsonl line 3, D[0][0]: every nibble
// 0x5 (both indices 1), run with --invalid-metadata=mux.
const ProbeElement kInvalidSparse{
    "mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e4m3.f32", 0, 0,
    {{0xdbd5d7ad, 0xcd3da848, 0xafce4aab, 0x3c54cc30}, {0x44a6d01d, 0xb9dc502e, 0x53c61ca2, 0x2e1ac92d},
     {0xa1ba1a9d, 0xcbaa242f, 0x24c4b2b5, 0x44b9dd2c}, {0x47b651a7, 0x3dcda031, 0x5fa29ccc, 0xd41dba56}},
    {{0x541c23da, 0x9d2f4ecf, 0x2f9a43ab, 0x5d2f5ecd}, {0x1926c01c, 0xafa42155, 0xcc314cc1, 0xb54242b1},
     {0x1cca1b21, 0xc51f3c21, 0xd02420d4, 0x489b4bd0}, {0x45d6b32d, 0x38254126, 0xd5195140, 0x393cbfae}},
    0x419e5376,
    {0x55555555, 0x55555555, 0x55555555, 0x55555555}};

TEST(ExecuteFp8Sm90, SparseMatchesH200) {
    // sp_m16n8k64_f32_e4m3_e5m2_f32.cases.jsonl / .gpu.jsonl line 1, D[0][0].
    EXPECT_EQ(run({"mma.sp.sync.aligned.m16n8k64.row.col.f32.e4m3.e5m2.f32", 0, 0,
                   {{0x1adfb62d, 0xc2a4ac2e, 0x989c9f25, 0xbd5add56}, {0x5258991b, 0x29b5d5bc, 0x2cdf38c1, 0xb234a645},
                    {0x5c4f5427, 0xc9b158d4, 0xb9569e3d, 0xcabb2d2c}, {0x3d5c485c, 0xd5453319, 0x3abc591d, 0x1a9fc4bf}},
                   {{0x4f4dc6ca, 0xb1b5bf4d, 0xbbb84134, 0x434033c7}, {0xc9b42f3c, 0xc53740bc, 0x47313eb0, 0xc7afc133},
                    {0x2dbe32b8, 0x2dbfb844, 0xb2ce3635, 0x3f4c4a38}, {0x393e3d45, 0x443f32cb, 0x4d49c6be, 0xb1cfcb43}},
                   0xbd8551fc,
                   {0x427844b2, 0x68c19bb7, 0xb26e4bc2, 0x6446b68e}}),
              0x426d65d7u);
    // spo_m16n8k64_f32_e5m2_e5m2_f32.cases.jsonl / .gpu.jsonl line 1, D[0][0].
    EXPECT_EQ(run({"mma.sp::ordered_metadata.sync.aligned.m16n8k64.row.col.f32.e5m2.e5m2.f32", 0, 0,
                   {{0x31caaeb5, 0x433ccc34, 0x3e4fc6bc, 0xbeb83441}, {0xb1414a31, 0x31adaec1, 0x3b363d40, 0x3341cf30},
                    {0xb6cdb0ba, 0xae34484f, 0xbcbc353c, 0x3ab34c2d}, {0xcd46c145, 0x4e4c342c, 0xc7b240bd, 0x41c3bcbd}},
                   {{0x4dbd49cf, 0x4dc6c1b1, 0x2cbf4db5, 0x3f46c838}, {0x4fc23533, 0x3a323338, 0x34c3bcbf, 0x3043ac44},
                    {0xc23eafbd, 0x31b946be, 0xbc4ec7c7, 0xcab94730}, {0xcd3fcd4e, 0xcabdbe31, 0xbc404830, 0xc042b5ce}},
                   0x40fdb519,
                   {0x484ed88c, 0xede4dce4, 0xc88d4d8c, 0x848dde89}}),
              0xc273455du);
    EXPECT_EQ(run(kInvalidSparse, Arch::sm_90, InvalidMetadataMode::mux), 0x40228eb0u);
}

TEST(ExecuteFp8Sm90, InvalidMetadataIsRejectedAsTheFp8Form) {
    try {
        run(kInvalidSparse);
        FAIL() << "invalid metadata accepted";
    } catch (const UserError& error) {
        // The fp8 form's place (metadata lane 0, A row 0, dense columns 0..3), not the f16 one's.
        EXPECT_NE(std::string(error.what()).find("metadata lane 0 bits 3:0 (A row 0, columns 0..3)"),
                  std::string::npos)
            << error.what();
    }
}

TEST(ExecuteFp8Sm90, OnlyFp8OnHopperIsLowered) {
    for (Arch arch : {Arch::sm_90, Arch::sm_90a}) {
        EXPECT_TRUE(is_lowered_fp8(parse_mma(kDenseK16F32.ptx, arch), arch));
        EXPECT_FALSE(is_lowered_fp8(parse_mma("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32", arch), arch));
    }
    EXPECT_FALSE(is_lowered_fp8(parse_mma(kDenseK16F32.ptx, Arch::sm_89), Arch::sm_89));
    EXPECT_NE(run(kDenseK16F32, Arch::sm_89), 0xc31a0c58u);  // sm_89's native fp8 unit rounds otherwise
}

// Logical matrices of an e5m2 m16n8k16 f32 form with the given non-zero A[0][k] * B[k][0] and C[0][0].
std::uint32_t d00(const std::vector<std::pair<int, std::pair<double, double>>>& products, float c00) {
    const MmaForm form = parse_mma("mma.sync.aligned.m16n8k16.row.col.f32.e5m2.e5m2.f32", Arch::sm_90);
    Matrix a(form.a, 16, 16), b(form.b, 16, 8), c(form.c, 16, 8);
    for (const auto& [k, ab] : products) {
        a.at(0, k) = encode_exact(form.a, ab.first).value();
        b.at(k, 0) = encode_exact(form.b, ab.second).value();
    }
    c.at(0, 0) = encode_exact(form.c, c00).value();
    MmaOperands ops{to_fragment(form, Operand::A, a), to_fragment(form, Operand::B, b),
                    to_fragment(form, Operand::C, c)};
    return from_fragment(form, Operand::D, execute(form, Arch::sm_90, ops)).at(0, 0);
}

TEST(ExecuteFp8Sm90, KWithTheSameMod4HalfShareAnHmma) {
    // k 0 and 1 (first HMMA) cancel exactly; 2^-30 at k 2 is the second HMMA's only product.
    const double tiny = std::ldexp(1.0, -14), tinier = std::ldexp(1.0, -16);  // 2^-14 * 2^-16
    EXPECT_EQ(d00({{0, {1, 1}}, {1, {-1, 1}}, {2, {tiny, tinier}}}, 0.0f), 0x30800000u);  // 2^-30
    // In one block with 1 and -1 the tiny product is truncated away (F 25 below 2^0).
    EXPECT_EQ(d00({{0, {1, 1}}, {4, {-1, 1}}, {1, {tiny, tinier}}}, 0.0f), 0x00000000u);
}

TEST(ExecuteFp8Sm90, CIsAddedLastToNearestEven) {
    // 1 + 1.5 * 2^-24 = 1 + 0.75 ulp: FADD rounds up to 1 + 2^-23, a fused truncating block gives 1.
    EXPECT_EQ(d00({{0, {1.5 * std::ldexp(1.0, -12), std::ldexp(1.0, -12)}}}, 1.0f), 0x3f800001u);
}

}  // namespace
}  // namespace stcsim::isa
