#include "isa/arch.h"

namespace stcsim::isa {

std::string_view name(Arch arch) {
    switch (arch) {
        case Arch::sm_80: return "sm_80";
        case Arch::sm_86: return "sm_86";
        case Arch::sm_89: return "sm_89";
        case Arch::sm_90: return "sm_90";
        case Arch::sm_90a: return "sm_90a";
    }
    return "?";
}

std::optional<Arch> parse_arch(std::string_view text) {
    for (Arch arch : kAllArchs) {
        if (name(arch) == text) return arch;
    }
    return std::nullopt;
}

}  // namespace stcsim::isa
