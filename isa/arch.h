// GPU architectures whose tensor cores stcsim models, named as PTX targets.
#pragma once

#include <optional>
#include <string_view>

namespace stcsim::isa {

enum class Arch { sm_80, sm_86, sm_89, sm_90 };

std::string_view name(Arch arch);
std::optional<Arch> parse_arch(std::string_view name);
// Architectures in increasing order, for iteration in tests and tools.
inline constexpr Arch kAllArchs[] = {Arch::sm_80, Arch::sm_86, Arch::sm_89, Arch::sm_90};

}  // namespace stcsim::isa
