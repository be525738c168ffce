#include "validation/wgmma/wgmma_forms.h"

namespace stcsim::validation {
namespace {
constexpr bool DENSE = false;
constexpr bool SP = true;
}  // namespace

std::string_view a_source_name(ASource source) { return source == ASource::registers ? "registers" : "shared"; }

const std::vector<WgmmaFormInfo>& wgmma_forms() {
    static const std::vector<WgmmaFormInfo> table = {
#define STC_WGMMA(id, ptx, N, K, AT, BT, DT, DREGS, SYNTAX, SPARSITY, NSEL, BENCH, PROBE) \
    {#id, ptx, N, K, Elem::AT, Elem::BT, Elem::DT, DREGS, SPARSITY, NSEL, BENCH == 1, PROBE == 1},
#include "validation/wgmma/wgmma_forms.def"
#undef STC_WGMMA
    };
    return table;
}

std::optional<int> find_wgmma_form(std::string_view ptx) {
    const auto& table = wgmma_forms();
    for (std::size_t i = 0; i < table.size(); ++i)
        if (table[i].ptx == ptx) return static_cast<int>(i);
    return std::nullopt;
}

}  // namespace stcsim::validation
