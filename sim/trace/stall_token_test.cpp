// The `stall=N` and `hold` extension tokens (the compiler's stall count and its clear yield hint):
// written lines read back equal, the values reach the instruction, and a bad value, a repeated token
// or a token in a plain Accel-Sim file is an error naming the place and what was expected.
#include <gtest/gtest.h>

#include "common/errors.h"
#include "sim/trace/instruction_line.h"

namespace stcsim::trace {
namespace {

KernelHeader header(bool extended) {
    KernelHeader h;
    h.tracer_version = 5;
    h.stcsim_version = extended ? 1 : 0;
    return h;
}

TraceInstruction parse(const std::string& line, OpcodeTable& opcodes, bool extended = true) {
    static const std::string file = "k.traceg";
    TraceInstruction out;
    parse_instruction_line(line, header(extended), opcodes, out, Where(file, 3));
    return out;
}

std::string error_of(const std::string& line, bool extended = true) {
    OpcodeTable opcodes;
    try {
        parse(line, opcodes, extended);
    } catch (const UserError& e) {
        return e.what();
    }
    return "no error";
}

TEST(StallToken, ReadsTheCountAfterTheOtherTokens) {
    OpcodeTable opcodes;
    const auto mma = parse("0300 ffffffff 1 R20 HMMA.1688.F32.TF32 3 R4 R40 R20 0 0 dst=R20:4 src=R4:4,R40:2,R20:4 stall=6", opcodes);
    EXPECT_EQ(mma.stall, 6);
    EXPECT_EQ(mma.dst[0].width, 4);
    const auto bar = parse("0250 ffffffff 0 BAR.SYNC.DEFER_BLOCKING 0 0 0 bar=1,256 stall=1", opcodes);
    EXPECT_EQ(bar.stall, 1);
    EXPECT_EQ(bar.barrier_threads, 256);
    const auto plain = parse("0310 ffffffff 1 R42 VIADD 1 R42 0 16", opcodes);
    EXPECT_EQ(plain.stall, 0);  // not said: no constraint
    EXPECT_FALSE(plain.hold);
}

TEST(StallToken, HoldFollowsTheStallCount) {
    OpcodeTable opcodes;
    const auto held = parse("0300 ffffffff 1 R20 HMMA.1688.F32.TF32 3 R4 R40 R20 0 0 dst=R20:4 stall=1 hold", opcodes);
    EXPECT_TRUE(held.hold);
    EXPECT_EQ(held.stall, 1);
    EXPECT_FALSE(parse("0820 ffffffff 0 NOP 0 0 0 stall=13", opcodes).hold);
}

TEST(StallToken, WrittenLinesReadBackEqual) {
    OpcodeTable opcodes;
    for (const std::string line : {"0830 ffffffff 0 BRA 0 0 768 stall=15", "0820 ffffffff 0 NOP 0 0 0 stall=8",
                                   "0300 ffffffff 1 R20 HMMA.1688.F32 3 R4 R40 R20 0 0 dst=R20:4 src=R4:2,R40,R20:4 stall=1",
                                   "0840 ffffffff 0 NOP 0 0 0 stall=1 hold"}) {
        const TraceInstruction in = parse(line, opcodes);
        fmt::memory_buffer out;
        format_instruction_line(in, header(true), out);
        EXPECT_EQ(std::string(out.data(), out.size()), line);
        EXPECT_EQ(parse(std::string(out.data(), out.size()), opcodes), in);
    }
}

TEST(StallToken, BadValuesAreErrors) {
    for (const std::string token : {"stall=0", "stall=16", "stall=x", "stall=", "stall=-1"}) {
        const std::string message = error_of("0820 ffffffff 0 NOP 0 0 0 " + token);
        EXPECT_NE(message.find("k.traceg:3: expected stall=N with N from 1 to 15"), std::string::npos) << message;
        EXPECT_NE(message.find(token), std::string::npos) << message;
    }
    EXPECT_NE(error_of("0820 ffffffff 0 NOP 0 0 0 stall=2 stall=3").find("k.traceg:3: expected"), std::string::npos);
    EXPECT_NE(error_of("0820 ffffffff 0 NOP 0 0 0 stall=2", false).find("k.traceg:3: expected the end of the line"),
              std::string::npos);
    const std::string twice = error_of("0820 ffffffff 0 NOP 0 0 0 stall=2 hold hold");
    EXPECT_NE(twice.find("k.traceg:3: expected"), std::string::npos) << twice;
    EXPECT_NE(twice.find("hold"), std::string::npos) << twice;
    EXPECT_NE(error_of("0820 ffffffff 0 NOP 0 0 0 hold", false).find("k.traceg:3: expected"), std::string::npos);
}

}  // namespace
}  // namespace stcsim::trace
