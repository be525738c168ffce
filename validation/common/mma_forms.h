// Host view of the form table (mma_forms.def): one FormInfo per warp-level mma / mma.sp form, with
// lookup by PTX name. The index of a form in forms() is the index the kernel launchers take.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "validation/common/elem_types.h"

namespace stcsim::validation {

enum class Sparsity { dense, sp, sp_ordered };

struct FormInfo {
    std::string_view id;   // C identifier, e.g. spo_m16n8k32_f32_f16_f16_f32
    std::string_view ptx;  // the exact instruction string given to the assembler
    int m = 0, n = 0, k = 0;
    Elem a{}, b{}, c{}, d{};
    int a_regs = 0, b_regs = 0, c_regs = 0, d_regs = 0;
    Sparsity sparsity = Sparsity::dense;
    int selectors = 0;  // legal selectors 0..selectors-1 (0 for dense forms)
    int min_cc = 80;    // compute capability x 10

    bool sparse() const { return sparsity != Sparsity::dense; }
    bool satfinite() const;
    // D can feed the next instruction's C unchanged (the benchmark's dependent chains need it).
    bool chainable() const { return c == d; }
    std::int64_t dense_fmas() const { return std::int64_t{m} * n * k; }
    int stored_a_cols() const { return sparse() ? k / 2 : k; }
};

const std::vector<FormInfo>& forms();

// The form named by `ptx`, accepting `.satfinite` before the types or at the end, as ptxas does.
std::optional<int> find_form(std::string_view ptx);

}  // namespace stcsim::validation
