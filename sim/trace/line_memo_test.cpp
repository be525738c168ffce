// LineMemo: a recalled line equals what the parser makes of it; lines that differ in anything but
// the base address of a base+stride / base+delta list are not recalled.
#include <gtest/gtest.h>

#include "sim/trace/instruction_line.h"
#include "sim/trace/line_memo.h"

namespace stcsim::trace {
namespace {

class LineMemoTest : public ::testing::Test {
protected:
    LineMemoTest() { header_.tracer_version = 5; }

    TraceInstruction parse(std::string_view line) {
        TraceInstruction out;
        parse_instruction_line(line, header_, opcodes_, out, Where(file_, 1));
        return out;
    }
    // Parses and remembers `line` in `memo`.
    void learn(LineMemo& memo, std::string_view line) { memo.remember(line, parse(line)); }

    KernelHeader header_;
    OpcodeTable opcodes_;
    std::string file_ = "test.traceg";
};

TEST_F(LineMemoTest, RepeatedLineWithoutAddressesIsRecalledAsParsed) {
    LineMemo memo(header_);
    const std::string hmma = "0ba0 ffffffff 1 R68 HMMA.SP.16832.F32 4 R16 R32 R68 R64 0 1";
    TraceInstruction out;
    EXPECT_FALSE(memo.recall(hmma, out));
    learn(memo, hmma);
    ASSERT_TRUE(memo.recall(hmma, out));
    EXPECT_EQ(out, parse(hmma));
    // The same instruction with another selector is another line.
    EXPECT_FALSE(memo.recall("0ba0 ffffffff 1 R68 HMMA.SP.16832.F32 4 R16 R32 R68 R64 0 0", out));
    EXPECT_FALSE(memo.recall("0ba0 ffffffff 1 R68 HMMA.SP.16832.F32 4 R16 R32 R68 R64 0 1 ", out));
}

TEST_F(LineMemoTest, BaseDeltaLineWithAnotherBaseMovesEveryActiveLane) {
    LineMemo memo(header_);
    learn(memo, "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x7f0000240000 16 -48 1808 0");
    for (const std::string line : {"0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x7f0000244000 16 -48 1808 0",
                                   "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x10 16 -48 1808 0",
                                   "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 7f0000244000 16 -48 1808 0"}) {
        TraceInstruction out;
        ASSERT_TRUE(memo.recall(line, out)) << line;
        EXPECT_EQ(out, parse(line)) << line;
    }
}

TEST_F(LineMemoTest, BaseStrideLineWithPartialMask) {
    LineMemo memo(header_);
    learn(memo, "0100 0000f0f0 0 STG.E 2 R2 R5 4 1 0x1000 4 0");
    const std::string line = "0100 0000f0f0 0 STG.E 2 R2 R5 4 1 0x2000 4 0";
    TraceInstruction out;
    ASSERT_TRUE(memo.recall(line, out));
    EXPECT_EQ(out, parse(line));
    EXPECT_EQ(out.addresses[4], 0x2000u);
    EXPECT_EQ(out.addresses[0], 0u);  // inactive lanes stay 0
}

TEST_F(LineMemoTest, AnyOtherDifferenceIsAMiss) {
    LineMemo memo(header_);
    learn(memo, "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x7f0000240000 16 -48 1808 0");
    TraceInstruction out;
    for (const std::string line : {"0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x7f0000240000 16 -48 1800 0",
                                   "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2 0x7f0000240000 16 -48 1808 1",
                                   "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R6 16 2 0x7f0000240000 16 -48 1808 0",
                                   "0a20 0000000f 0 LDGSTS.E.BYPASS.128 2 R9 R4 16 2  0x7f0000240000 16 -48 1808 0"})
        EXPECT_FALSE(memo.recall(line, out)) << line;
}

TEST_F(LineMemoTest, MalformedBaseIsLeftToTheParser) {
    LineMemo memo(header_);
    learn(memo, "0100 00000003 0 STG.E 1 R4 4 2 0x10 4 0");
    TraceInstruction out;
    EXPECT_FALSE(memo.recall("0100 00000003 0 STG.E 1 R4 4 2 0xzz 4 0", out));
    EXPECT_FALSE(memo.recall("0100 00000003 0 STG.E 1 R4 4 2 0x1ffffffffffffffff 4 0", out));
}

TEST_F(LineMemoTest, ExplicitAddressListsAreNotRemembered) {
    LineMemo memo(header_);
    const std::string line = "0100 00000003 0 STG.E 1 R4 4 0 0x10 0x20 0";
    learn(memo, line);
    TraceInstruction out;
    EXPECT_FALSE(memo.recall(line, out));
}

TEST_F(LineMemoTest, LineNumbersAndOldTracerIdsAreLeadingTokens) {
    header_.enable_lineinfo = 1;
    LineMemo with_lines(header_);
    learn(with_lines, "17 0100 00000003 0 STG.E 1 R4 4 2 0x10 4 0");
    TraceInstruction out;
    ASSERT_TRUE(with_lines.recall("17 0100 00000003 0 STG.E 1 R4 4 2 0x80 4 0", out));
    EXPECT_EQ(out, parse("17 0100 00000003 0 STG.E 1 R4 4 2 0x80 4 0"));

    header_.enable_lineinfo = 0;
    header_.tracer_version = 2;
    LineMemo old(header_);
    learn(old, "0 0 0 3 0100 00000003 0 STG.E 1 R4 4 1 0x10 4");
    ASSERT_TRUE(old.recall("0 0 0 3 0100 00000003 0 STG.E 1 R4 4 1 0x90 4", out));
    EXPECT_EQ(out, parse("0 0 0 3 0100 00000003 0 STG.E 1 R4 4 1 0x90 4"));
}

}  // namespace
}  // namespace stcsim::trace
