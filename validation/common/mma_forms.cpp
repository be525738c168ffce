#include "validation/common/mma_forms.h"

#include <sstream>

namespace stcsim::validation {
namespace {

constexpr Sparsity DENSE = Sparsity::dense;
constexpr Sparsity SP = Sparsity::sp;
constexpr Sparsity SPO = Sparsity::sp_ordered;

// "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32.satfinite" -> satfinite moved after ".col".
std::string canonical(std::string_view ptx) {
    std::vector<std::string> tokens;
    std::stringstream in{std::string(ptx)};
    bool satfinite = false;
    for (std::string token; std::getline(in, token, '.');) {
        if (token == "satfinite") satfinite = true;
        else tokens.push_back(token);
    }
    std::string out;
    for (const std::string& token : tokens) {
        out += (out.empty() ? "" : ".") + token;
        if (token == "col" && satfinite) out += ".satfinite";
    }
    return out;
}

}  // namespace

bool FormInfo::satfinite() const { return ptx.find(".satfinite") != std::string_view::npos; }

const std::vector<FormInfo>& forms() {
    static const std::vector<FormInfo> table = {
#define STC_FORM(id, ptx, M, N, K, AT, BT, CT, DT, NA, NB, NC, ND, SPARSITY, NSEL, MINCC) \
    {#id, ptx, M, N, K, Elem::AT, Elem::BT, Elem::CT, Elem::DT, NA, NB, NC, ND, SPARSITY, NSEL, MINCC},
#include "validation/common/mma_forms.def"
#undef STC_FORM
    };
    return table;
}

std::optional<int> find_form(std::string_view ptx) {
    const std::string wanted = canonical(ptx);
    const auto& all = forms();
    for (std::size_t i = 0; i < all.size(); ++i)
        if (all[i].ptx == wanted) return static_cast<int>(i);
    return std::nullopt;
}

}  // namespace stcsim::validation
