// The probe inputs are legal where they claim to be: every metadata nibble of the valid groups is
// legal for the form and every invalid-group nibble is not, selectors stay in range, and the
// register arrays have the sizes the instruction takes.
#include <gtest/gtest.h>

#include <algorithm>

#include "validation/mma/probe_cases.h"

namespace stcsim::validation {
namespace {

bool all_nibbles_in(const std::vector<std::uint32_t>& words, const std::vector<std::uint32_t>& allowed) {
    for (std::uint32_t w : words)
        for (int slot = 0; slot < 8; ++slot)
            if (std::find(allowed.begin(), allowed.end(), (w >> (4 * slot)) & 15u) == allowed.end()) return false;
    return true;
}

TEST(ProbeCases, InputsAreLegalWhereTheyClaimToBe) {
    for (const FormInfo& f : forms()) {
        const ProbeSet set = make_probes(f, 7);
        ASSERT_FALSE(set.valid.empty()) << f.ptx;
        for (const ProbeGroup& g : set.valid)
            for (const ProbeCase& pc : g.cases) {
                EXPECT_LT(pc.selector, std::max(1, f.selectors)) << f.ptx << " " << g.label;
                EXPECT_EQ(pc.a.size(), static_cast<std::size_t>(32 * f.a_regs));
                EXPECT_EQ(pc.b.size(), static_cast<std::size_t>(32 * f.b_regs));
                EXPECT_EQ(pc.c.size(), static_cast<std::size_t>(32 * f.c_regs));
                if (f.sparse()) {
                    EXPECT_TRUE(all_nibbles_in(pc.e, legal_nibbles(f))) << f.ptx << " " << g.label;
                }
            }
        EXPECT_EQ(set.invalid.size(), illegal_nibbles(f).size()) << f.ptx;
        for (const ProbeGroup& g : set.invalid)
            for (const ProbeCase& pc : g.cases) EXPECT_FALSE(all_nibbles_in(pc.e, legal_nibbles(f))) << f.ptx;
    }
}

TEST(ProbeCases, NibbleRulesFollowTheIsaReference) {
    const FormInfo& ordered = forms()[static_cast<std::size_t>(*find_form("mma.sp::ordered_metadata.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"))];
    const FormInfo& plain = forms()[static_cast<std::size_t>(*find_form("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"))];
    const FormInfo& tf32 = forms()[static_cast<std::size_t>(*find_form("mma.sp.sync.aligned.m16n8k16.row.col.f32.tf32.tf32.f32"))];
    EXPECT_EQ(legal_nibbles(ordered), (std::vector<std::uint32_t>{0x4, 0x8, 0x9, 0xC, 0xD, 0xE}));
    EXPECT_EQ(legal_nibbles(plain).size(), 12u);
    EXPECT_EQ(illegal_nibbles(plain), (std::vector<std::uint32_t>{0x0, 0x5, 0xA, 0xF}));
    EXPECT_EQ(legal_nibbles(tf32), (std::vector<std::uint32_t>{0x4, 0xE}));
}

}  // namespace
}  // namespace stcsim::validation
