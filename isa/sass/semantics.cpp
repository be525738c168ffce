#include "isa/sass/semantics.h"

#include <fmt/format.h>

#include <map>

namespace stcsim::isa::sass {

std::vector<const Semantics*> all_semantics() {
    std::vector<const Semantics*> out;
    for (auto family : {integer_semantics(), logic_semantics(), compare_semantics(), move_semantics(),
                        float_semantics(), memory_semantics(), control_semantics(), async_semantics()})
        for (const Semantics& s : family) out.push_back(&s);
    return out;
}

const Semantics* find_semantics(std::string_view base) {
    static const std::map<std::string_view, const Semantics*> table = [] {
        std::map<std::string_view, const Semantics*> m;
        for (auto family : {integer_semantics(), logic_semantics(), compare_semantics(), move_semantics(),
                            float_semantics(), memory_semantics(), control_semantics(), async_semantics()})
            for (const Semantics& s : family) m.emplace(s.base, &s);
        return m;
    }();
    auto it = table.find(base);
    return it == table.end() ? nullptr : it->second;
}

void unsupported(const Decoded& d, std::string_view what) {
    (void)d;
    throw UserError(fmt::format("{} is not emulated", what));
}

bool has(const Decoded& d, std::string_view modifier) {
    for (const auto& m : d.inst->modifiers)
        if (m == modifier) return true;
    return false;
}

}  // namespace stcsim::isa::sass
