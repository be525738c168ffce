// Fuzz target: the SASS front end. The input's first line is "<grid x> <block x> <parameter bytes
// in hex>", the rest a `cuobjdump -sass` listing; its first function is bound to that launch
// (grid and block clamped to 1..4 CTAs and 1..128 threads) and traced as `stcsim trace gen kernel`
// traces it: the emulator and the trace writer, with a small per-warp instruction limit so that
// an endless loop ends as the refusal it gets on the command line.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <sstream>
#include <string>
#include <unistd.h>

#include "fuzz/fuzz_support.h"
#include "isa/sass/disassembler.h"
#include "isa/sass/parser.h"
#include "isa/sass/program.h"
#include "sim/trace/sass_trace.h"

namespace {

std::vector<std::uint8_t> hex_bytes(const std::string& hex) {
    std::vector<std::uint8_t> bytes;
    for (std::size_t i = 0; i + 1 < hex.size() && bytes.size() < 4096; i += 2) {
        const auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9') return c - '0';
            if (c >= 'a' && c <= 'f') return c - 'a' + 10;
            return 0;
        };
        bytes.push_back(static_cast<std::uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
    }
    return bytes;
}

const std::string& scratch_dir() {
    static const std::string dir =
        (std::filesystem::temp_directory_path() / ("stcsim-fuzz-sass-" + std::to_string(::getpid()))).string();
    std::filesystem::create_directories(dir);
    return dir;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stcsim;
    const std::string_view text = fuzz::as_text(data, size);
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return 0;
    std::istringstream head{std::string(text.substr(0, newline))};
    std::uint32_t grid = 1, block = 32;
    std::string params;
    head >> grid >> block >> params;
    const std::string listing(text.substr(newline + 1));
    fuzz::refuse_or_accept([&] {
        auto functions = isa::sass::parse_listing(listing);
        if (functions.empty()) return;
        const std::string name = functions.front().name;
        isa::sass::Launch launch;
        launch.grid.x = 1 + grid % 4;
        launch.block.x = 1 + block % 128;
        launch.params = hex_bytes(params);
        launch.dynamic_shared = 8192;
        const isa::sass::Program program(isa::sass::kernel_from_functions(std::move(functions), "", name, "", "<fuzz>"),
                                         std::move(launch));
        trace::SassTraceOptions options;
        options.max_warp_instructions = 20000;
        trace::write_sass_trace(program, scratch_dir(), options);
    });
    return 0;
}
