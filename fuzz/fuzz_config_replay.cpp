// Fuzz target: the config loader (JSON text -> GpuSpec, every check of the field tables) with a
// short replay of the dense sample trace on each config it accepts. The engine's own limits are
// pinned (skip idle cycles, the default watchdog, no max_cycles): they bound run time, and the
// watchdog's report on a config that shortens it is by design.
#include <algorithm>
#include <cstddef>
#include <cstdint>

#include "common/json_text.h"
#include "fuzz/fuzz_support.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stcsim;
    fuzz::refuse_or_accept([&] {
        const auto raw = parse_json_text<sim::config::Json>(fuzz::as_text(data, size), "fuzz.json");
        sim::config::LoadedConfig config = sim::config::load_config_json(raw, "fuzz.json");
        sim::GpuSpec& spec = config.spec;
        spec.gpu.sms = std::min(spec.gpu.sms, 2);  // allocation per SM: keep each run small
        spec.engine.skip_idle = true;
        spec.engine.max_cycles = 0;
        spec.engine.watchdog_cycles = std::max<std::uint64_t>(spec.engine.watchdog_cycles, 100000);
        sim::run_replay(spec, STCSIM_SOURCE_DIR "/traces/samples/accelsim_dense/kernelslist.g");
    });
    return 0;
}
