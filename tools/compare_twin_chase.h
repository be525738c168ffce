// A published pointer-chase record replayed through its benchmark twin: the folder's twin cubin
// (compare_twin.h) may hold the suite's latency kernel, <twin>_l1_lat_n<loads>, which fills a
// table of 8-byte pointers in address order, each pointing at the next (validation/twins/
// luo_l1_lat.cuh), and times `loads` loads along it with no warm-up pass. The replay is given
// that table (isa/sass/global_memory.h), so that each load's address is the data of the one
// before, as on the GPU; it runs the kernel with its loop and without it (<twin>_l1_lat_n0), and
// the difference over `loads` is the record's cycles per load: the cold first pass, the loop's
// own instructions and the L1 hits, as the GPU timed them.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "sim/config/gpu_spec.h"
#include "tools/compare_twin.h"

namespace stcsim::cli {

// Cycles per load, or nullopt when the twin has no latency kernel for `loads` loads or its table
// is not the record's (footprint, stride); `note` says how the value was obtained.
std::optional<double> twin_chase_cycles_per_load(const BenchmarkTwin& twin, const sim::GpuSpec& spec, std::uint64_t footprint,
                                                 std::uint64_t stride, std::uint64_t loads, std::string& note);

}  // namespace stcsim::cli
