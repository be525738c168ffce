// The SASS parser and emulator on hand-written listings (no nvcc, no cuobjdump needed): operand
// forms, the opcodes that compiled C++ does not produce for sm_80 (uniform-datapath twins, PLOP3,
// R2P, BMSK, ...), control flow, and the errors that stop a trace instead of making it wrong.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <functional>
#include <memory>

#include "common/errors.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/emulator.h"
#include "isa/sass/parser.h"
#include "isa/sass/program.h"

namespace stcsim::isa::sass {
namespace {

std::string listing(const std::vector<std::string>& lines) {
    std::string text = "\n\tcode for sm_80\n\t\tFunction : k\n";
    for (std::size_t i = 0; i < lines.size(); ++i)
        text += fmt::format("        /*{:04x}*/                   {} ;   /* 0x0000 */\n", i * 16, lines[i]);
    return text;
}

struct Event {
    std::uint32_t warp, pc, mask;
    std::string opcode;
    std::array<std::uint64_t, kLanes> addresses;
};

class Recorder final : public InstructionSink {
public:
    std::vector<Event> events;
    void begin_cta(const Dim&, std::uint32_t) override {}
    void executed(std::uint32_t warp, std::uint32_t, const Decoded& d, std::uint32_t mask,
                  const std::array<std::uint64_t, kLanes>& addresses) override {
        events.push_back({warp, static_cast<std::uint32_t>(d.inst->pc), mask, d.inst->opcode, addresses});
    }
    void end_cta() override {}
};

std::vector<std::uint8_t> params(std::initializer_list<std::uint32_t> words) {
    std::vector<std::uint8_t> p(words.size() * 4);
    std::size_t i = 0;
    for (std::uint32_t w : words) std::memcpy(p.data() + 4 * i++, &w, 4);
    return p;
}

std::vector<Event> run(const std::vector<std::string>& lines, std::uint32_t threads = 32,
                       std::vector<std::uint8_t> bytes = params({0, 0, 0, 0}), std::uint32_t smem = 0) {
    KernelCode code = kernel_from_listing(listing(lines), "", "k", "", "test");
    Program program(std::move(code), Launch{{1, 1, 1}, {threads, 1, 1}, smem, std::move(bytes), nullptr});
    Emulator emulator(program);
    Recorder recorder;
    emulator.run_cta({0, 0, 0}, recorder);
    return recorder.events;
}

// The per-lane value of R4 (as the address of `STG.E [R4.64], RZ` with R5 = 0).
std::vector<std::uint64_t> values(std::vector<std::string> lines, std::uint32_t threads = 32,
                                  std::vector<std::uint8_t> bytes = params({0, 0, 0, 0})) {
    lines.insert(lines.begin(), "S2R R0, SR_TID.X");
    lines.push_back("MOV R5, RZ");
    lines.push_back("STG.E [R4.64], RZ");
    lines.push_back("EXIT");
    std::vector<std::uint64_t> out;
    for (const Event& e : run(lines, threads, std::move(bytes)))
        if (e.opcode == "STG.E")
            for (int lane = 0; lane < kLanes; ++lane)
                if ((e.mask >> lane) & 1u) out.push_back(e.addresses[static_cast<std::size_t>(lane)]);
    return out;
}

TEST(SassParser, OperandForms) {
    const Instruction i = parse_instruction("@!P3 IADD3.X R3, -R2.reuse, ~c[0x0][0x164], |R9|, P0, !PT ;", 0x40);
    EXPECT_TRUE(i.guarded);
    EXPECT_TRUE(i.guard_negated);
    EXPECT_EQ(i.guard, 3);
    EXPECT_EQ(i.base, "IADD3");
    EXPECT_EQ(i.modifiers, std::vector<std::string>{"X"});
    ASSERT_EQ(i.operands.size(), 6u);
    EXPECT_EQ(i.operands[1].kind, OperandKind::reg);
    EXPECT_TRUE(i.operands[1].negate);
    EXPECT_EQ(i.operands[1].suffix, "");
    EXPECT_EQ(i.operands[2].kind, OperandKind::cbank);
    EXPECT_TRUE(i.operands[2].invert);
    EXPECT_EQ(i.operands[2].imm, 0x164);
    EXPECT_TRUE(i.operands[3].absolute);
    EXPECT_EQ(i.operands[5].kind, OperandKind::pred);
    EXPECT_TRUE(i.operands[5].invert);
    EXPECT_EQ(i.operands[5].reg, kPT);

    const Instruction m = parse_instruction("LDG.E.128 R4, desc[UR6][R2.64+UR8+-0x10]", 0);
    EXPECT_EQ(m.operands[1].kind, OperandKind::mem);
    EXPECT_EQ(m.operands[1].reg, 2);
    EXPECT_EQ(m.operands[1].base_width, 2);
    EXPECT_EQ(m.operands[1].index_ureg, 8);
    EXPECT_EQ(m.operands[1].desc_ureg, 6);
    EXPECT_EQ(m.operands[1].imm, -0x10);
    const Instruction s = parse_instruction("STS [R5.X4+0x100], R0", 0);
    EXPECT_EQ(s.operands[0].scale, 4);
    EXPECT_EQ(s.operands[0].imm, 0x100);
    const Instruction h = parse_instruction("HFMA2.MMA R5, -RZ, RZ, 0, 5.9604644775390625e-08", 0);
    EXPECT_EQ(h.operands[3].kind, OperandKind::fimm);
    EXPECT_DOUBLE_EQ(h.operands[4].fimm, 5.9604644775390625e-08);
    const Instruction r = parse_instruction("RET.REL.NODEC R20 0x0", 0);
    EXPECT_EQ(r.operands.size(), 2u);
    const Instruction c = parse_instruction("S2UR UR4, SR_CTAID.X", 0);
    EXPECT_EQ(c.operands[0].kind, OperandKind::ureg);
    EXPECT_EQ(c.operands[1].kind, OperandKind::special);
    EXPECT_THROW(parse_instruction("LDG.E R2, [R2.64+R3+R4+Q]", 0), UserError);
}

TEST(SassParser, NvdisasmListingsResolveLabels) {
    const std::string text =
        "\t.target\tsm_80\n"
        "//--------------------- .text.k --------------------------\n"
        "k:\n.text.k:\n"
        "        /*0000*/                   S2R R0, SR_TID.X ;\n"
        "        /*0010*/                   ISETP.GE.AND P0, PT, R0, 0x10, PT ;\n"
        "        /*0020*/               @P0 BRA `(.L_x_1) ;\n"
        "        /*0030*/                   IADD3 R1, R0, 0x1, RZ ;\n"
        ".L_x_1:\n"
        "        /*0040*/                   EXIT ;\n"
        ".L_x_0:\n"
        "        /*0050*/                   BRA `(.L_x_0);\n"
        ".L_x_2:\n";
    const auto functions = parse_nvdisasm_listing(text);
    ASSERT_EQ(functions.size(), 1u);
    EXPECT_EQ(functions[0].name, "k");
    EXPECT_EQ(functions[0].arch, "sm_80");
    ASSERT_EQ(functions[0].instructions.size(), 6u);
    const Operand& target = functions[0].instructions[2].operands.back();
    EXPECT_EQ(target.kind, OperandKind::imm);
    EXPECT_EQ(target.imm, 0x40);
    EXPECT_EQ(functions[0].instructions[5].operands.back().imm, 0x50);
    EXPECT_THROW(parse_nvdisasm_listing(".text.k:\n /*0000*/ BRA `(.L_nowhere) ;\n"), UserError);
}

TEST(SassEmulator, UniformDatapath) {
    // UR values computed once per warp, then used by every lane.
    const auto v = values({"UMOV UR4, 0x30", "UIADD3 UR5, UR4, 0x10, URZ", "USHF.L.U32 UR6, UR5, 0x2, URZ",
                           "ULOP3.LUT UR7, UR6, 0xf0, URZ, 0xc0, !PT", "UIMAD UR8, UR7, 0x3, UR4",
                           "ULEA UR9, UR8, UR4, 0x1", "UISETP.GT.AND UP0, PT, UR9, 0x100, PT",
                           "USEL UR10, UR9, URZ, UP0", "S2UR UR11, SR_CTAID.X", "UIADD3 UR10, UR10, UR11, URZ",
                           "IADD3 R4, R0, UR10, RZ"});
    // UR5 = 0x40, UR6 = 0x100, UR7 = 0, UR8 = 0x30, UR9 = 0x90, not > 0x100: UR10 = 0.
    ASSERT_EQ(v.size(), 32u);
    for (int lane = 0; lane < 32; ++lane) EXPECT_EQ(v[static_cast<std::size_t>(lane)], static_cast<std::uint64_t>(lane));
}

// The forms compiled C++ rarely produces for sm_80 (uniform twins, SHL / SHR, half2 arithmetic,
// R2UR, VOTEU): each result moved to R4.
TEST(SassEmulator, UniformTwinsAndRareForms) {
    const std::vector<std::string> setup = {
        "UMOV UR4, 0x12345678", "UPOPC UR5, UR4", "UFLO.U32 UR6, UR4", "UBREV UR7, UR4", "UBMSK UR8, 0x4, 0x3",
        "USGXT UR9, 0xf0, 0x8", "UIMNMX UR10, UR9, 0x5, PT", "USHL UR11, UR8, 0x4", "USHR.U32 UR12, UR7, 0x10",
        "UPRMT UR13, UR4, 0x1032, URZ", "UPLOP3.LUT UP0, UP1, UPT, UPT, UPT, 0x80, 0x0", "USEL UR16, 0x7, 0x9, UP0",
        "USEL UR17, 0x7, 0x9, UP1", "VOTEU.ANY UR14, UPT, PT", "R2UR UR15, R0", "SHL R6, R0, 0x2", "SHR R7, R0, 0x1",
        "MOV R9, 0x3c003c00", "HADD2 R8, R9, R9", "HMUL2 R10, R8, R8"};
    const std::vector<std::pair<std::string, std::function<std::uint32_t(std::uint32_t)>>> checks = {
        {"MOV R4, UR5", [](std::uint32_t) { return 13u; }},
        {"MOV R4, UR6", [](std::uint32_t) { return 28u; }},
        {"MOV R4, UR7", [](std::uint32_t) { return 0x1e6a2c48u; }},
        {"MOV R4, UR8", [](std::uint32_t) { return 0x70u; }},
        {"MOV R4, UR9", [](std::uint32_t) { return 0xfffffff0u; }},
        {"MOV R4, UR10", [](std::uint32_t) { return 0xfffffff0u; }},
        {"MOV R4, UR11", [](std::uint32_t) { return 0x700u; }},
        {"MOV R4, UR12", [](std::uint32_t) { return 0x1e6au; }},
        {"MOV R4, UR13", [](std::uint32_t) { return 0x56781234u; }},
        {"MOV R4, UR16", [](std::uint32_t) { return 7u; }},
        {"MOV R4, UR17", [](std::uint32_t) { return 9u; }},
        {"MOV R4, UR14", [](std::uint32_t) { return 0xffffffffu; }},
        {"MOV R4, UR15", [](std::uint32_t) { return 0u; }},
        {"MOV R4, R6", [](std::uint32_t lane) { return lane * 4; }},
        {"MOV R4, R7", [](std::uint32_t lane) { return lane >> 1; }},
        {"MOV R4, R8", [](std::uint32_t) { return 0x40004000u; }},
        {"MOV R4, R10", [](std::uint32_t) { return 0x44004400u; }},
    };
    for (const auto& [move, expected] : checks) {
        auto lines = setup;
        lines.push_back(move);
        const auto v = values(lines);
        ASSERT_EQ(v.size(), 32u) << move;
        for (std::uint32_t lane = 0; lane < 32; ++lane) EXPECT_EQ(v[lane], expected(lane)) << move << " lane " << lane;
    }
}

TEST(SassEmulator, DataConversionsAreOpaque) {
    // F2F / F2FP / FRND values are not computed: an address made from one is refused.
    for (const char* op : {"F2F.F16.F32 R6, R0", "F2FP.PACK_AB R6, R0, R0", "FRND R6, R0"}) {
        KernelCode code = kernel_from_listing(listing({op, "MOV R7, RZ", "STG.E [R6.64], RZ", "EXIT"}), "", "k", "", "test");
        Program program(std::move(code), Launch{{1, 1, 1}, {32, 1, 1}, 0, params({0}), nullptr});
        Emulator emulator(program);
        Recorder recorder;
        EXPECT_THROW(emulator.run_cta({0, 0, 0}, recorder), UserError) << op;
    }
}

TEST(SassEmulator, PredicatesAndBitOps) {
    const auto v = values({"ISETP.GE.AND P0, PT, R0, 0x8, PT", "ISETP.LT.AND P1, PT, R0, 0x18, PT",
                           "PLOP3.LUT P2, P3, P0, P1, PT, 0x80, 0x8",
                           "P2R R6, PR, RZ, 0x7f", "R2P PR, R0, 0x3",        // P0, P1 := bits 0, 1 of the lane id
                           "SEL R7, RZ, 0x100, P0", "SEL R8, RZ, 0x200, P1",
                           "BMSK R9, R0, 0x2", "SGXT R10, R0, 0x3", "IABS R11, R10",
                           "PRMT R12, R0, 0x3210, RZ",
                           "LOP3.LUT R4, R6, R7, R8, 0xfe, !PT",
                           "IMAD R4, R9, 0x10000, R4", "IMAD R4, R11, 0x1000000, R4"});
    ASSERT_EQ(v.size(), 32u);
    for (std::uint32_t lane = 0; lane < 32; ++lane) {
        const bool p0 = lane >= 8, p1 = lane < 0x18;
        const bool p2 = p0 && p1, p3 = !p0 && p1;  // LUT 0x80: a & b & c; 0x08: !a & b & c (c = PT)
        const std::uint32_t pr = (p0 ? 1u : 0u) | (p1 ? 2u : 0u) | (p2 ? 4u : 0u) | (p3 ? 8u : 0u);
        const std::uint32_t sel = ((lane & 1u) ? 0u : 0x100u) | ((lane & 2u) ? 0u : 0x200u);
        const std::uint32_t bmsk = (lane >= 32 ? 0u : (3u << lane));
        std::int32_t sg = static_cast<std::int32_t>(lane & 7u);
        if (sg & 4) sg -= 8;
        const std::uint32_t expected = (pr | sel) + (bmsk << 16) + static_cast<std::uint32_t>(sg < 0 ? -sg : sg) * 0x1000000u;
        EXPECT_EQ(v[lane], expected) << "lane " << lane;
    }
}

// ptxas's saturating 32-bit add (int4 mma .satfinite on sm_90): PLOP3 on the addends' and the
// sum's sign bits (LUT 0x2: both non-negative, sum negative; 0x40: both negative, sum
// non-negative), then SEL of the clamp. Lane l adds 0x7ffffff0 + 8 l (overflows from lane 2)
// and, for odd lanes, negates both addends first (clamps to 0x80000000 from lane 3).
TEST(SassEmulator, PlopOfSignBitsClampsAnOverflowingAdd) {
    const auto v = values({"IMAD R6, R0, 0x8, RZ", "MOV R7, 0x7ffffff0", "LOP3.LUT R9, R0, 0x1, RZ, 0xc0, !PT",
                           "ISETP.NE.AND P4, PT, R9, RZ, PT",
                           "@P4 IADD3 R6, RZ, -R6, RZ", "@P4 MOV R7, 0x80000010",
                           "IMAD.IADD R8, R7, 0x1, R6",
                           "PLOP3.LUT P5, PT, R7.reuse.SIGN, R6.reuse.SIGN, R8.reuse.SIGN, 0x2, 0x0",
                           "PLOP3.LUT P6, PT, R7.SIGN, R6.SIGN, R8.SIGN, 0x40, 0x0",
                           "SEL R4, R8, 0x7fffffff, !P5", "SEL R4, R4, 0x80000000, !P6"});
    ASSERT_EQ(v.size(), 32u);
    for (std::int64_t lane = 0; lane < 32; ++lane) {
        const std::int64_t sum = lane % 2 == 0 ? 0x7ffffff0LL + 8 * lane : -0x7ffffff0LL - 8 * lane;
        const std::int64_t clamped = sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : sum;
        EXPECT_EQ(static_cast<std::uint32_t>(v[static_cast<std::size_t>(lane)]), static_cast<std::uint32_t>(clamped))
            << "lane " << lane;
    }
    EXPECT_THROW(values({"PLOP3.LUT P5, PT, R7, R6.SIGN, R8.SIGN, 0x2, 0x0", "MOV R4, RZ"}), UserError)
        << "a register input without .SIGN";
}

TEST(SassEmulator, FloatAndConstants) {
    const auto v = values({"I2F.U32 R6, R0", "FMUL R6, R6, 0.5", "FADD R6, R6, 1", "FSETP.GT.AND P0, PT, R6, 8, PT",
                           "FSEL R7, R6, 8, !P0", "FMNMX R7, R7, 4, !PT", "MUFU.RCP R8, 2",
                           "FMUL R7, R7, R8", "F2I.TRUNC.NTZ R4, R7", "LOP3.LUT R9, R0, 0x3, RZ, 0xc0, !PT",
                           "LDC R9, c[0x0][R9.X4+0x160]",
                           "IADD3 R4, R4, R9, RZ", "CS2R R10, SRZ", "IADD3 R4, R4, R11, R10"},
                          32, params({10, 20, 30, 40}));
    ASSERT_EQ(v.size(), 32u);
    for (std::uint32_t lane = 0; lane < 32; ++lane) {
        float f = static_cast<float>(lane) * 0.5f + 1.0f;
        f = f > 8 ? 8 : f;  // FSEL: f where !P0 (f <= 8), else 8
        f = std::max(f, 4.0f) * 0.5f;
        EXPECT_EQ(v[lane], static_cast<std::uint64_t>(static_cast<std::int32_t>(f)) + 10 * ((lane & 3) + 1)) << lane;
    }
}

TEST(SassEmulator, DivergenceAndReconvergence) {
    const auto events = run({"S2R R0, SR_TID.X", "ISETP.GE.AND P0, PT, R0, 0x10, PT", "BSSY B0, 0x70",
                             "@P0 BRA 0x60", "IADD3 R1, R0, 0x1, RZ", "BRA 0x70", "IADD3 R1, R0, 0x2, RZ",
                             "BSYNC B0", "EXIT"});
    std::vector<std::pair<std::uint32_t, std::uint32_t>> pcs;
    for (const Event& e : events) pcs.emplace_back(e.pc, e.mask);
    // The branch is taken by lanes 16..31 (its mask: the lanes whose guard holds). Lanes 0..15 run
    // first (lower PC) up to the BRA to 0x70, then lanes 16..31 run 0x60 and reach 0x70 too: the
    // groups meet there, and BSYNC and EXIT run once with the whole warp.
    const std::vector<std::pair<std::uint32_t, std::uint32_t>> expected = {
        {0x00, ~0u}, {0x10, ~0u}, {0x20, ~0u}, {0x30, 0xffff0000u}, {0x40, 0x0000ffffu},
        {0x50, 0x0000ffffu}, {0x60, 0xffff0000u}, {0x70, ~0u}, {0x80, ~0u}};
    EXPECT_EQ(pcs, expected);
}

TEST(SassEmulator, ConvergenceBranches) {
    // Converged: BRA.CONV ~URZ is taken, BRA.DIV is not. After a split, the lanes apart take BRA.DIV.
    auto events = run({"BRA.DIV ~URZ, 0x30", "BRA.CONV ~URZ, 0x30", "EXIT", "S2R R0, SR_TID.X",
                       "ISETP.GE.AND P0, PT, R0, 0x8, PT", "@P0 EXIT", "BRA.DIV ~URZ, 0x80", "EXIT", "EXIT"});
    std::vector<std::uint32_t> pcs;
    for (const Event& e : events) pcs.push_back(e.pc);
    // 0x00 not taken, 0x10 taken to 0x30; lanes 8.. exit at 0x50; BRA.DIV at 0x60: lanes 8.. have exited,
    // so the remaining lanes are all there: not diverged, EXIT at 0x70.
    EXPECT_EQ(pcs, (std::vector<std::uint32_t>{0x00, 0x10, 0x30, 0x40, 0x50, 0x60, 0x70}));
}

TEST(SassEmulator, PartialWarpAndExit) {
    const auto events = run({"S2R R0, SR_TID.X", "ISETP.GT.AND P0, PT, R0, 0x3, PT", "@P0 EXIT",
                             "IMAD.SHL.U32 R2, R0, 0x4, RZ", "STS [R2], R0", "BAR.SYNC.DEFER_BLOCKING 0x0", "EXIT"},
                            8, params({0}), 64);
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(events[0].mask, 0xffu);
    EXPECT_EQ(events[4].mask, 0x0fu);  // STS by lanes 0..3
    EXPECT_EQ(events[4].addresses[3], 12u);
}

TEST(SassEmulator, SharedMemoryIsReadBackAcrossWarps) {
    // Warp 1 reads what warp 0 stored before the barrier.
    const auto events = run({"S2R R0, SR_TID.X", "IMAD.SHL.U32 R2, R0, 0x4, RZ", "IMAD R3, R0, 0x3, RZ", "STS [R2], R3",
                             "BAR.SYNC.DEFER_BLOCKING 0x0", "LOP3.LUT R2, R2, 0x7c, RZ, 0x3c, !PT", "LDS R4, [R2]",
                             "MOV R5, RZ", "STG.E [R4.64], RZ", "EXIT"},
                            64, params({0}), 256);
    int checked = 0;
    for (const Event& e : events)
        if (e.opcode == "STG.E")
            for (std::uint32_t lane = 0; lane < 32; ++lane) {
                const std::uint32_t t = e.warp * 32 + lane;
                EXPECT_EQ(e.addresses[lane], (t ^ 31u) * 3u) << t;
                ++checked;
            }
    EXPECT_EQ(checked, 64);
}

// ldmatrix reads what the CTA stored: 4 warps fill 512 bytes of shared memory with byte i = i mod
// 256, then lane l of each warp gives the address of row l (16 bytes apart). The fragment layout
// is the PTX ISA's (ldmatrix): lane l holds row l / 4, bytes 4(l % 4).. of matrix j; transposed,
// the 16-bit elements at column l / 4 of rows 2(l % 4) and 2(l % 4) + 1.
TEST(SassEmulator, LdmatrixLoadsTheFragmentsOfWhatWasStored) {
    auto byte = [](std::uint32_t i) { return i & 0xffu; };
    for (const bool trans : {false, true})
        for (const int matrices : {1, 2, 4})
            for (int j = 0; j < matrices; ++j) {
                const std::string shape = fmt::format("LDSM.16.{}{}", trans ? "MT88" : "M88", matrices == 1 ? "" : fmt::format(".{}", matrices));
                const auto events = run({"S2R R0, SR_TID.X", "IMAD.SHL.U32 R2, R0, 0x4, RZ", "LOP3.LUT R6, R2, 0xff, RZ, 0xc0, !PT",
                                         "MOV R7, 0x3020100", "IMAD R3, R6, 0x1010101, R7", "STS [R2], R3",
                                         "BAR.SYNC.DEFER_BLOCKING 0x0", "LOP3.LUT R8, R0, 0x1f, RZ, 0xc0, !PT",
                                         "IMAD.SHL.U32 R8, R8, 0x10, RZ", shape + " R12, [R8]", fmt::format("MOV R4, R{}", 12 + j),
                                         "MOV R5, RZ", "STG.E [R4.64], RZ", "EXIT"},
                                        128, params({0}), 512);
                int checked = 0;
                for (const Event& e : events) {
                    if (e.opcode != "STG.E") continue;
                    for (std::uint32_t l = 0; l < 32; ++l) {
                        std::uint32_t expected = 0;
                        if (trans) {
                            const std::uint32_t row = 8 * static_cast<std::uint32_t>(j) + 2 * (l % 4), column = 2 * (l / 4);
                            expected = byte(16 * row + column) | byte(16 * row + column + 1) << 8 |
                                       byte(16 * (row + 1) + column) << 16 | byte(16 * (row + 1) + column + 1) << 24;
                        } else {
                            const std::uint32_t first = 16 * (8 * static_cast<std::uint32_t>(j) + l / 4) + 4 * (l % 4);
                            expected = byte(first) | byte(first + 1) << 8 | byte(first + 2) << 16 | byte(first + 3) << 24;
                        }
                        EXPECT_EQ(e.addresses[l], expected) << shape << " register " << j << " lane " << l;
                        ++checked;
                    }
                }
                EXPECT_EQ(checked, 128) << shape;
            }
}

// LDSM.16.M88 (one matrix) writes one register: R9, set before it, stays a known address.
TEST(SassEmulator, OneMatrixLdmatrixWritesOneRegister) {
    const auto events = run({"S2R R0, SR_TID.X", "LOP3.LUT R2, R0, 0x7, RZ, 0xc0, !PT", "IMAD.SHL.U32 R2, R2, 0x10, RZ",
                             "MOV R9, 0x40", "LDSM.16.M88 R8, [R2]", "LDS R10, [R9]", "EXIT"},
                            32, params({0}), 128);
    ASSERT_EQ(events.size(), 7u);
    EXPECT_EQ(events[5].addresses[0], 0x40u);
}

void expect_error(const std::vector<std::string>& lines, const std::string& needle) {
    try {
        run(lines, 32, params({0, 0, 0, 0}), 64);
        ADD_FAILURE() << "expected an error containing '" << needle << "'";
    } catch (const UserError& e) {
        const std::string message = e.what();
        EXPECT_NE(message.find(needle), std::string::npos) << message;
        EXPECT_NE(message.find("kernel k"), std::string::npos) << message;
        EXPECT_NE(message.find("PC 0x"), std::string::npos) << message;
    }
}

TEST(SassEmulator, RefusesWhatItCannotEmulate) {
    expect_error({"TEX.SCR.LL R0, R2, R4, UR4, 2D", "EXIT"}, "opcode TEX is not emulated");
    expect_error({"MOV R0, c[0x3][0x10]", "EXIT"}, "constant bank 3");
    expect_error({"MOV R0, c[0x0][0x400]", "EXIT"}, "beyond the 16 parameter bytes");
    expect_error({"LDG.E.64 R2, [R4.64]", "LDG.E R6, [R2.64]", "EXIT"}, "the address depends on data");
    expect_error({"LDG.E R2, [R4.64]", "ISETP.NE.AND P0, PT, R2, RZ, PT", "@P0 BRA 0x30", "EXIT"},
                 "the guard predicate depends on data");
    expect_error({"LDS R2, [0x100]", "EXIT"}, "beyond the CTA's 64 bytes");
    // What no lane executes is no error: a branch over it, or a guard false in every lane.
    EXPECT_NO_THROW(run({"BRA 0x20", "TEX.SCR.LL R0, R2, R4, UR4, 2D", "@!PT CALL.REL.NOINC 0x0", "EXIT"}));
    expect_error({"S2R R0, SR_TID.X", "IADD3 R0, R0, 0x1, RZ"}, "runs past the last instruction without EXIT");
    expect_error({"LEA R0, R1", "EXIT"}, "expected at least 4 operands, found 2");
    expect_error({"BRA.DIV R4, 0x10", "EXIT"}, "BRA.DIV / BRA.CONV without a lane mask is not emulated");
}

// Eight 8-byte pointers at 0x1000: slot i points at slot (i + 3) mod 8.
class PointerRing final : public GlobalMemory {
public:
    static constexpr std::uint64_t kBase = 0x1000, kSlots = 8;
    bool read(std::uint64_t address, std::size_t bytes, std::uint8_t* out) const override {
        if (bytes != 8 || address < kBase || address >= kBase + 8 * kSlots || address % 8 != 0) return false;
        const std::uint64_t next = kBase + 8 * ((address - kBase) / 8 + 3) % (8 * kSlots);
        std::memcpy(out, &next, 8);
        return true;
    }
    bool covers(std::uint64_t address, std::size_t bytes) const override {
        return address < kBase + 8 * kSlots && address + bytes > kBase;
    }
};

std::vector<Event> run_with_ring(const std::vector<std::string>& lines) {
    KernelCode code = kernel_from_listing(listing(lines), "", "k", "", "test");
    Program program(std::move(code), Launch{{1, 1, 1}, {32, 1, 1}, 0, params({0}), std::make_shared<PointerRing>()});
    Emulator emulator(program);
    Recorder recorder;
    emulator.run_cta({0, 0, 0}, recorder);
    return recorder.events;
}

// With the global memory the host wrote, a pointer chase follows its data: each load's address is
// the value the one before loaded. Bytes the launch does not know stay opaque, and a store over
// known bytes is refused unless it writes what they hold.
TEST(SassEmulator, KnownGlobalMemoryLetsAChaseFollowItsData) {
    const auto events = run_with_ring({"MOV R4, 0x1000", "MOV R5, RZ", "LDG.E.64 R4, [R4.64]", "LDG.E.64 R4, [R4.64]",
                                       "LDG.E.64 R4, [R4.64]", "STG.E [R4.64+0x1000], RZ", "EXIT"});
    std::vector<std::uint64_t> chased;
    for (const Event& e : events)
        if (e.opcode == "LDG.E.64" || e.opcode == "STG.E") chased.push_back(e.addresses[31]);
    EXPECT_EQ(chased, (std::vector<std::uint64_t>{0x1000, 0x1018, 0x1030, 0x2008}));
    try {
        run_with_ring({"MOV R4, 0x2000", "MOV R5, RZ", "LDG.E.64 R4, [R4.64]", "LDG.E.64 R4, [R4.64]", "EXIT"});
        ADD_FAILURE() << "a load outside the known bytes must stay opaque";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("the address depends on data"), std::string::npos) << e.what();
    }
    try {
        run_with_ring({"MOV R4, 0x1010", "MOV R5, RZ", "STG.E [R4.64], RZ", "EXIT"});
        ADD_FAILURE() << "a store that changes the known bytes must be refused";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("stores that change it are not emulated"), std::string::npos) << e.what();
    }
    // Slot 2 (0x1010) holds 0x1028: storing that again is what the host wrote.
    EXPECT_NO_THROW(run_with_ring({"MOV R4, 0x1010", "MOV R5, RZ", "MOV R6, 0x1028", "MOV R7, RZ", "STG.E.64 [R4.64], R6", "EXIT"}));
}

// A warp that never ends is refused once it passes the per-warp limit, at that instruction.
TEST(SassEmulator, EndlessLoopStopsAtTheWarpLimit) {
    KernelCode code = kernel_from_listing(listing({"IADD3 R0, R0, 0x1, RZ", "BRA 0x0"}), "", "k", "", "test");
    Program program(std::move(code), Launch{{1, 1, 1}, {32, 1, 1}, 0, params({0}), nullptr});
    Emulator emulator(program, 1000);
    Recorder recorder;
    try {
        emulator.run_cta({0, 0, 0}, recorder);
        FAIL() << "an endless loop ran to completion";
    } catch (const UserError& e) {
        EXPECT_NE(std::string(e.what()).find("ran more than 1000 instructions"), std::string::npos) << e.what();
    }
    EXPECT_EQ(recorder.events.size(), 1000u);
    // The same kernel with the loop left after 10 turns runs under a limit it does not reach.
    KernelCode bounded = kernel_from_listing(listing({"IADD3 R0, R0, 0x1, RZ", "ISETP.LT.AND P0, PT, R0, 0xa, PT",
                                                      "@P0 BRA 0x0", "EXIT"}),
                                             "", "k", "", "test");
    Program bounded_program(std::move(bounded), Launch{{1, 1, 1}, {32, 1, 1}, 0, params({0}), nullptr});
    Emulator bounded_emulator(bounded_program, 31);
    Recorder bounded_recorder;
    EXPECT_NO_THROW(bounded_emulator.run_cta({0, 0, 0}, bounded_recorder));
    EXPECT_EQ(bounded_recorder.events.size(), 31u);
}

}  // namespace
// ptxas's subroutine call (the int4 mma of sm_90): MOV Rx, <return PC>; CALL.REL.NOINC <target>;
// the subroutine ends with RET.REL.NODEC Rx 0x0. Called twice, the subroutine runs twice and each
// return lands after its own call.
TEST(SassEmulator, CallsReturnToTheAddressTheCallerSaved) {
    const auto events = run({"MOV R8, 0x20",                 // 0x00
                             "CALL.REL.NOINC 0x60",          // 0x10
                             "MOV R8, 0x40",                 // 0x20
                             "CALL.REL.NOINC 0x60",          // 0x30
                             "EXIT",                         // 0x40
                             "BRA 0x50",                     // 0x50
                             "IADD3 R0, R0, 0x1, RZ",        // 0x60: the subroutine
                             "RET.REL.NODEC R8 0x0"});       // 0x70
    std::vector<std::uint32_t> pcs;
    for (const Event& e : events) pcs.push_back(e.pc);
    EXPECT_EQ(pcs, (std::vector<std::uint32_t>{0x00, 0x10, 0x60, 0x70, 0x20, 0x30, 0x60, 0x70, 0x40}));
    expect_error({"LDG.E R8, [R2.64]", "RET.REL.NODEC R8 0x0", "EXIT"}, "the return address depends on data");
    expect_error({"MOV R8, 0x1000", "RET.REL.NODEC R8 0x0", "EXIT"}, "return address 0x1000 is outside the kernel");
    expect_error({"S2R R8, SR_TID.X", "SHF.L.U32 R8, R8, 0x4, RZ", "RET.REL.NODEC R8 0x0", "EXIT"},
                 "the lanes return to different addresses");
    expect_error({"CALL.ABS.NOINC 0x0", "EXIT"}, "a call other than CALL.REL.NOINC <target> is not emulated");
}

// BREAK B0 takes lanes 0..3 out of convergence barrier B0 before they branch away: the other lanes
// are released at BSYNC B0 at once and run on (lowest PC first), instead of waiting there until
// lanes 0..3 exit.
TEST(SassEmulator, BreakLeavesTheConvergenceBarrier) {
    const auto events = run({"S2R R0, SR_TID.X",                   // 0x00
                             "ISETP.LT.AND P0, PT, R0, 0x4, PT",   // 0x10
                             "BSSY B0, 0x70",                      // 0x20
                             "@P0 BREAK B0",                       // 0x30
                             "@P0 BRA 0x90",                       // 0x40
                             "IADD3 R1, R0, 0x1, RZ",              // 0x50
                             "NOP",                                // 0x60
                             "BSYNC B0",                           // 0x70
                             "EXIT",                               // 0x80: lanes 4..31
                             "IADD3 R2, R0, 0x2, RZ",              // 0x90: lanes 0..3
                             "EXIT"});                             // 0xa0
    std::vector<std::uint32_t> pcs;
    for (const Event& e : events) pcs.push_back(e.pc);
    EXPECT_EQ(pcs, (std::vector<std::uint32_t>{0x00, 0x10, 0x20, 0x30, 0x40, 0x50, 0x60, 0x70, 0x80, 0x90, 0xa0}));
    EXPECT_EQ(events[3].mask, 0x0000000fu);  // BREAK by lanes 0..3
    EXPECT_EQ(events[8].mask, 0xfffffff0u);  // EXIT of the released lanes
}

}  // namespace stcsim::isa::sass
