// Host view of the warp-group form table (wgmma/wgmma_forms.def): one WgmmaFormInfo per row, with
// lookup by PTX name. The index of a form in wgmma_forms() is the index the kernel launchers take.
// Host code only; no CUDA.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "validation/common/elem_types.h"

namespace stcsim::validation {

inline constexpr int kWarpgroupThreads = 128;
inline constexpr int kWgmmaRows = 64;  // M of every wgmma

enum class ASource { shared, registers };
std::string_view a_source_name(ASource source);  // "shared", "registers" (stcsim's --a-source)

struct WgmmaFormInfo {
    std::string_view id;   // C identifier, e.g. wgsp_n128_f32_f16
    std::string_view ptx;  // the exact instruction string given to the assembler
    int n = 0, k = 0;      // k: the dense (logical) K
    Elem a{}, b{}, d{};
    int d_regs = 0;        // accumulator registers per thread
    bool sparse = false;
    int selectors = 0;     // legal selectors 0..selectors-1 (0 for dense forms)
    bool bench = false;    // run by wgmma_bench
    bool probe = false;    // run by wgmma_probes

    int stored_a_cols() const { return sparse ? k / 2 : k; }
    // Bytes of one A row (always 32) and of one B column along K as stored in shared memory.
    int a_k_bytes() const { return stored_a_cols() * elem_bits(a) / 8; }
    int b_k_bytes() const { return k * elem_bits(b) / 8; }
    std::int64_t dense_fmas() const { return std::int64_t{kWgmmaRows} * n * k; }
};

inline constexpr int kWgmmaARegs = 4;  // A from registers: always 4 per thread

const std::vector<WgmmaFormInfo>& wgmma_forms();
std::optional<int> find_wgmma_form(std::string_view ptx);

}  // namespace stcsim::validation
