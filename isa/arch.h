// GPU architectures whose tensor cores stcsim models, named as PTX targets.
//
// sm_90a is Hopper with its architecture-specific features: everything sm_90 has (the same
// tensor-core arithmetic, the same warp-level mma forms) plus the warp-group `wgmma.mma_async`
// instructions (isa/wgmma_catalog.h), which PTX allows only for the `a` target.
#pragma once

#include <optional>
#include <string_view>

namespace stcsim::isa {

// Ordered so that "newer than" is a comparison: sm_90a has every feature sm_90 has.
enum class Arch { sm_80, sm_86, sm_89, sm_90, sm_90a };

std::string_view name(Arch arch);
std::optional<Arch> parse_arch(std::string_view name);
// Architectures in increasing order, for iteration in tests and tools.
inline constexpr Arch kAllArchs[] = {Arch::sm_80, Arch::sm_86, Arch::sm_89, Arch::sm_90, Arch::sm_90a};

// Hopper (sm_90 and sm_90a): one tensor core, one arithmetic, one set of warp-level lowerings.
inline constexpr bool is_hopper(Arch arch) { return arch == Arch::sm_90 || arch == Arch::sm_90a; }
// wgmma.mma_async and wgmma.mma_async.sp exist only on sm_90a.
inline constexpr bool has_wgmma(Arch arch) { return arch == Arch::sm_90a; }

}  // namespace stcsim::isa
