#include "isa/lowering.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <regex>
#include <set>

namespace stcsim::isa {
namespace {

bool is_int4(const MmaForm& f) { return f.a == ElemType::s4 || f.a == ElemType::u4; }

TEST(Lowering, EveryInt4FormOnHopperAndNothingElse) {
    int lowered = 0;
    for (const MmaForm& form : catalog(Arch::sm_90)) {
        EXPECT_EQ(lowering(form, Arch::sm_90) != nullptr, is_int4(form)) << form.ptx;
        if (is_int4(form)) {
            EXPECT_TRUE(form.emulated) << form.ptx;
        }
        lowered += is_int4(form) ? 1 : 0;
    }
    EXPECT_EQ(lowered, 56);
    for (Arch arch : {Arch::sm_80, Arch::sm_86, Arch::sm_89})
        for (const MmaForm& form : catalog(arch)) EXPECT_EQ(lowering(form, arch), nullptr) << form.ptx;
}

TEST(Lowering, StepsCallTwoEightBitTensorInstructionsTheCatalogKnows) {
    std::set<std::string> sass;
    for (const MmaForm& f : catalog(Arch::sm_90)) sass.insert(f.sass);
    for (const MmaForm& form : catalog(Arch::sm_90)) {
        const Lowering* l = lowering(form, Arch::sm_90);
        if (l == nullptr) continue;
        int tensor = 0, calls = 0, returns = 0;
        for (const LoweredStep& step : l->steps) {
            if (step.opcode.rfind("IMMA", 0) == 0) {
                ++tensor;
                EXPECT_TRUE(sass.count(step.opcode)) << form.ptx << ": " << step.opcode;
                EXPECT_TRUE(std::regex_search(step.opcode, std::regex(R"(\.[SU]8\.[SU]8$)"))) << step.opcode;
            }
            calls += step.opcode.rfind("CALL", 0) == 0;
            returns += step.opcode.rfind("RET", 0) == 0;
            for (int r : step.written) EXPECT_LT(r, l->registers);
            for (int r : step.read) EXPECT_LT(r, l->registers);
        }
        EXPECT_EQ(tensor, 2) << form.ptx;
        EXPECT_EQ(calls, 1) << form.ptx;
        EXPECT_EQ(returns, 1) << form.ptx;
        EXPECT_GT(l->steps.size(), 12u) << form.ptx;  // unpacking, two IMMAs, the adds (u4.u4 m8n8k32: 15 steps)
    }
}

// The C registers feed the steps and the D registers come out of them: some register read
// before any step writes it is also written later (the accumulator), so a chain of lowered
// instructions depends on itself.
TEST(Lowering, TheAccumulatorIsReadBeforeItIsWritten) {
    for (const MmaForm& form : catalog(Arch::sm_90)) {
        const Lowering* l = lowering(form, Arch::sm_90);
        if (l == nullptr) continue;
        std::set<int> written, live_in;
        for (const LoweredStep& step : l->steps) {
            for (int r : step.read)
                if (!written.count(r)) live_in.insert(r);
            written.insert(step.written.begin(), step.written.end());
        }
        const bool carried = std::any_of(live_in.begin(), live_in.end(), [&](int r) { return written.count(r) > 0; });
        EXPECT_TRUE(carried) << form.ptx;
    }
}

}  // namespace
}  // namespace stcsim::isa
