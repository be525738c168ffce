// Fuzz target: the `stcsim mma` front end and the functional model behind it. The input's first
// line is "<arch> <PTX instruction> [mux]" (as --arch, --instr and --invalid-metadata=mux give
// them; mma, mma.sp or wgmma), the second one input case, parsed and executed as `stcsim mma` does.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "fuzz/fuzz_support.h"
#include "isa/arch.h"
#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"
#include <nlohmann/json.hpp>

#include "tools/mma_case.h"
#include "tools/wgmma_case.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace stcsim;
    const std::string_view text = fuzz::as_text(data, size);
    const std::size_t newline = text.find('\n');
    if (newline == std::string_view::npos) return 0;
    std::istringstream head{std::string(text.substr(0, newline))};
    std::string arch_name, instr, mode;
    head >> arch_name >> instr >> mode;
    const auto arch = isa::parse_arch(arch_name);
    if (!arch) return 0;
    isa::ExecuteOptions options;
    options.invalid_metadata = mode == "mux" ? isa::InvalidMetadataMode::mux : isa::InvalidMetadataMode::reject;
    const std::string line(text.substr(newline + 1));
    fuzz::refuse_or_accept([&] {
        const auto object = cli::parse_case_line(line, "<fuzz>:1");
        if (isa::is_wgmma_name(instr)) {
            cli::run_wgmma_case(isa::parse_wgmma(instr, *arch), *arch, options, object, "<fuzz>:1");
        } else {
            cli::run_mma_case(isa::parse_mma(instr, *arch), *arch, options, object, "<fuzz>:1");
        }
    });
    return 0;
}
