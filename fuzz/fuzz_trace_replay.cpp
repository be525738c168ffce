// Fuzz target: the trace reader (plain, gzip, zstd and xz kernel traces: the reader recognises a
// compressed file by its content) with a short replay of what it accepts on a small A100 config (2 SMs, 1 MiB of L2).
// A trace is bounded by its own size (every block of the grid must be listed), so replays are short.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_support.h"
#include "sim/config/gpu_schema.h"
#include "sim/gpu/replay.h"

namespace {

const stcsim::sim::GpuSpec& small_gpu() {
    static const stcsim::sim::GpuSpec spec =
        stcsim::sim::config::load_config_file(STCSIM_SOURCE_DIR "/configs/a100.json", {"gpu.sms=2", "memory.l2.size_bytes=1048576"}).spec;
    return spec;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string path = stcsim::fuzz::scratch_file(stcsim::fuzz::as_text(data, size), ".traceg");
    stcsim::fuzz::refuse_or_accept([&] { stcsim::sim::run_replay(small_gpu(), path); });
    return 0;
}
