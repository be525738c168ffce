// The validation programs' form table and fragment layouts agree with the simulator's: every form
// of isa::catalog() is in mma_forms.def with the same registers and selectors (and nothing else is),
// and fragment_coord() names the same (row, col) as isa::element_coord() for every lane, register
// and element of every operand. So the CUDA probes build their inputs and read their outputs with
// the layouts the simulator executes, and a mismatch on a GPU is a finding about the hardware.
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "isa/catalog.h"
#include "isa/fragments.h"
#include "validation/common/fragment_layout.h"
#include "validation/common/mma_forms.h"

namespace stcsim::validation {
namespace {

TEST(ValidationForms, MatchTheCatalogOfEveryArch) {
    for (isa::Arch arch : isa::kAllArchs) {
        const int cc = arch == isa::Arch::sm_80 ? 80 : arch == isa::Arch::sm_86 ? 86 : arch == isa::Arch::sm_89 ? 89 : 90;
        std::map<std::string, const FormInfo*> ours;
        for (const FormInfo& f : forms())
            if (f.min_cc <= cc) ours[std::string(f.ptx)] = &f;
        const std::vector<isa::MmaForm> theirs = isa::catalog(arch);
        EXPECT_EQ(ours.size(), theirs.size()) << isa::name(arch);
        for (const isa::MmaForm& form : theirs) {
            const auto it = ours.find(form.ptx);
            ASSERT_NE(it, ours.end()) << form.ptx << " missing from mma_forms.def";
            const FormInfo& f = *it->second;
            EXPECT_EQ(f.m, form.shape.m) << form.ptx;
            EXPECT_EQ(f.n, form.shape.n) << form.ptx;
            EXPECT_EQ(f.k, form.shape.k) << form.ptx;
            EXPECT_EQ(f.a_regs, form.a_regs) << form.ptx;
            EXPECT_EQ(f.b_regs, form.b_regs) << form.ptx;
            EXPECT_EQ(f.c_regs, form.c_regs) << form.ptx;
            EXPECT_EQ(f.d_regs, form.d_regs) << form.ptx;
            EXPECT_EQ(f.selectors, form.selector_count) << form.ptx;
            EXPECT_EQ(f.sparse(), form.is_sparse()) << form.ptx;
            EXPECT_EQ(std::string(elem_name(f.a)), std::string(isa::name(form.a))) << form.ptx;
            EXPECT_EQ(std::string(elem_name(f.d)), std::string(isa::name(form.d))) << form.ptx;
        }
    }
}

TEST(ValidationForms, FindFormAcceptsSatfiniteAtTheEnd) {
    const auto at_end = find_form("mma.sp.sync.aligned.m16n8k64.row.col.s32.s8.s8.s32.satfinite");
    const auto in_middle = find_form("mma.sp.sync.aligned.m16n8k64.row.col.satfinite.s32.s8.s8.s32");
    ASSERT_TRUE(at_end.has_value());
    EXPECT_EQ(at_end, in_middle);
    EXPECT_FALSE(find_form("mma.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32").has_value());
}

TEST(ValidationLayouts, MatchTheSimulatorsFragments) {
    const std::pair<Operand, isa::Operand> operands[] = {
        {Operand::A, isa::Operand::A}, {Operand::B, isa::Operand::B},
        {Operand::C, isa::Operand::C}, {Operand::D, isa::Operand::D}};
    for (const FormInfo& f : forms()) {
        const isa::MmaForm form = isa::parse_mma(f.ptx, isa::Arch::sm_90);
        for (const auto& [ours, theirs] : operands) {
            ASSERT_EQ(elements_per_reg(f, ours), isa::elements_per_register(form, theirs)) << f.ptx;
            for (int lane = 0; lane < 32; ++lane)
                for (int reg = 0; reg < operand_regs(f, ours); ++reg)
                    for (int sub = 0; sub < elements_per_reg(f, ours); ++sub) {
                        const Coord c = fragment_coord(f, ours, lane, reg, sub);
                        const isa::MatrixCoord m = isa::element_coord(form, theirs, {lane, reg, sub});
                        ASSERT_EQ(c.row, m.row) << f.ptx << " operand " << static_cast<int>(ours) << " lane " << lane << " reg " << reg << " sub " << sub;
                        ASSERT_EQ(c.col, m.col) << f.ptx << " operand " << static_cast<int>(ours) << " lane " << lane << " reg " << reg << " sub " << sub;
                    }
        }
    }
}

}  // namespace
}  // namespace stcsim::validation
