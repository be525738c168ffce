// Stall counts and yield hints from the control bits of cuobjdump listings: the high word printed on
// the line after each instruction gives the stall count in bits 41-44 and, in bit 45, the yield hint
// (set bit: the hint is clear, the warp holds the issue slot) for sm_70 and later; listings without encodings, or of older
// architectures, leave them unknown (0). The words below are nvcc's own (sm_90 code of the
// emulator's integer test kernels, isa/sass/tests/int_kernels.cu).
#include <gtest/gtest.h>

#include "isa/sass/parser.h"

namespace stcsim::isa::sass {
namespace {

const char* kListing = R"LISTING(
	code for sm_90
		Function : k
	.headerflags	@"EF_CUDA_TEXMODE_UNIFIED EF_CUDA_64BIT_ADDRESS EF_CUDA_SM90 EF_CUDA_VIRTUAL_SM(EF_CUDA_SM90)"
        /*0030*/                   S2R R2, SR_TID.X ;                                   /* 0x0000000000027919 */
                                                                                        /* 0x000e620000002100 */
        /*0040*/                   S2R R9, SR_TID.Y ;                                   /* 0x0000000000097919 */
                                                                                        /* 0x000e6c0000002200 */
        /*0060*/                   IMAD R0, R0, UR4, RZ ;                               /* 0x0000000400007c24 */
                                                                                        /* 0x001fca000f8e02ff */
        /*00e0*/                   IADD3 R6, R2, 0x21, RZ ;                             /* 0x0000002102067810 */
                                                                                        /* 0x000fe20007ffe0ff */
        /*0450*/                   EXIT ;                                               /* 0x000000000000794d */
                                                                                        /* 0x000fea0003800000 */
)LISTING";

TEST(ListingControlBits, StallCountsComeFromTheHighWord) {
    const std::vector<Function> functions = parse_listing(kListing);
    ASSERT_EQ(functions.size(), 1u);
    const auto& code = functions[0].instructions;
    ASSERT_EQ(code.size(), 5u);
    EXPECT_EQ(code[0].stall, 1);  // 0x000e620000002100: bits 41-44 = 0b0001
    EXPECT_EQ(code[1].stall, 6);  // 0x000e6c0000002200: 0b0110
    EXPECT_EQ(code[2].stall, 5);  // 0x001fca000f8e02ff: 0b0101
    EXPECT_EQ(code[3].stall, 1);
    EXPECT_EQ(code[4].stall, 5);
    EXPECT_EQ(code[2].base, "IMAD");
}

TEST(ListingControlBits, HoldComesFromBit45OfTheHighWord) {
    const std::vector<Function> functions = parse_listing(kListing);
    const auto& code = functions.at(0).instructions;
    ASSERT_EQ(code.size(), 5u);
    EXPECT_TRUE(code[0].hold);   // 0x000e620000002100: bit 45 set
    EXPECT_TRUE(code[1].hold);   // 0x000e6c0000002200
    EXPECT_FALSE(code[2].hold);  // 0x001fca000f8e02ff: bit 45 clear, the compiler lets the warp yield
    EXPECT_TRUE(code[3].hold);   // 0x000fe20007ffe0ff
}

TEST(ListingControlBits, UnknownWithoutEncodingsOrBeforeVolta) {
    const std::vector<Function> bare = parse_listing("code for sm_90\nFunction : k\n/*0000*/ NOP ;\n/*0010*/ EXIT ;\n");
    ASSERT_EQ(bare.at(0).instructions.size(), 2u);
    EXPECT_EQ(bare[0].instructions[0].stall, 0);
    EXPECT_FALSE(bare[0].instructions[0].hold);
    std::string pascal = kListing;
    pascal.replace(pascal.find("sm_90"), 5, "sm_61");
    const std::vector<Function> older = parse_listing(pascal);
    for (const Instruction& inst : older.at(0).instructions) {
        EXPECT_EQ(inst.stall, 0) << inst.text;
        EXPECT_FALSE(inst.hold) << inst.text;
    }
    // A low word without its high word: the next instruction is read, not taken for the word.
    const auto lone = parse_listing("code for sm_90\nFunction : k\n/*0000*/ NOP ; /* 0x0000000000007918 */\n/*0010*/ EXIT ;\n");
    ASSERT_EQ(lone.at(0).instructions.size(), 2u);
    EXPECT_EQ(lone[0].instructions[0].stall, 0);
}

}  // namespace
}  // namespace stcsim::isa::sass
