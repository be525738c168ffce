// `stcsim mma`: executes one warp-level mma / mma.sp, or one warp-group wgmma.mma_async[.sp]
// (sm_90a), per input case and prints the raw bits of D.
#include <fmt/format.h>

#include <istream>
#include <nlohmann/json.hpp>
#include <ostream>
#include <sstream>

#include "common/errors.h"
#include "isa/catalog.h"
#include "isa/wgmma_catalog.h"
#include "tools/commands.h"
#include "tools/measurements.h"
#include "tools/mma_case.h"
#include "tools/options.h"
#include "tools/wgmma_case.h"

namespace stcsim::cli {
namespace {

namespace po = boost::program_options;

constexpr const char* kUsage =
    "usage: stcsim mma --arch sm_80 --instr 'mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32' "
    "--input FILE\n\n"
    "Executes one warp-level mma / mma.sp per input line and prints one JSON line per case:\n"
    "{\"d\": [[\"0x3f800000\", ...], ...]}, the raw bits of D, row-major M x N.\n"
    "A case is {\"a\": [[..]], \"b\": [[..]], \"c\": [[..]], \"selector\": 0} (A uncompressed, M x K;\n"
    "B K x N; C M x N; elements as exact JSON numbers or \"0x..\" raw bits), or\n"
    "{\"fragments\": {\"a\": [[lane regs]..], \"b\": .., \"c\": .., \"e\": [32 words]}, \"selector\": 0}.\n"
    "With --arch sm_90a, --instr may be a warp-group 'wgmma.mma_async[.sp].sync.aligned.m64nNkK.dtype.atype.btype':\n"
    "A is 64 x K, B K x N, C 64 x N; the raw form gives 128 lanes' registers (\"a\" or \"a_desc\"), \"b_desc\",\n"
    "\"c\", \"e\" and \"smem\": {\"base\": \"0x0\", \"bytes\": \"<hex>\"}; optional scale_d, scale_a, scale_b,\n"
    "trans_a, trans_b (see README).";

struct MmaSettings {
    isa::Arch arch;
    bool wgmma = false;
    isa::MmaForm form;
    isa::WgmmaForm wgmma_form;
    isa::ExecuteOptions execute;
    std::string input;
};

MmaSettings read_settings(const po::variables_map& values) {
    MmaSettings settings;
    settings.arch = parse_arch_option(values["arch"].as<std::string>());
    const std::string instr = values["instr"].as<std::string>();
    settings.wgmma = isa::is_wgmma_name(instr);
    if (settings.wgmma) settings.wgmma_form = isa::parse_wgmma(instr, settings.arch);
    else settings.form = isa::parse_mma(instr, settings.arch);
    settings.execute = execute_options(values["invalid-metadata"].as<std::string>(), values["sparse-block-products"].as<int>());
    settings.input = values["input"].as<std::string>();
    return settings;
}

void run_cases(const MmaSettings& settings, std::istream& in, const std::string& name, std::ostream& out) {
    std::string line;
    for (int line_number = 1; std::getline(in, line); ++line_number) {
        if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
        const std::string where = fmt::format("{}:{}", name, line_number);
        const auto object = parse_case_line(line, where);
        out << (settings.wgmma ? run_wgmma_case(settings.wgmma_form, settings.arch, settings.execute, object, where)
                               : run_mma_case(settings.form, settings.arch, settings.execute, object, where))
                   .dump()
            << '\n';
    }
}

}  // namespace

int mma_main(const std::vector<std::string>& args, Streams& io) {
    po::options_description options("options");
    options.add_options()
        ("arch", po::value<std::string>()->required(), "target architecture: sm_80, sm_86, sm_89, sm_90, sm_90a")
        ("instr", po::value<std::string>()->required(), "PTX instruction name, e.g. mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32 or wgmma.mma_async.sp.sync.aligned.m64n128k32.f32.f16.f16")
        ("input", po::value<std::string>()->required(), "file of JSON cases, one per line, plain or compressed (gzip, zstd, xz) ('-' for stdin)")
        ("invalid-metadata", po::value<std::string>()->default_value("reject"),
         "illegal metadata nibbles: 'reject' (error) or 'mux' (emulate the hardware's operand select, measured on H200)")
        ("sparse-block-products", po::value<int>()->default_value(0),
         "kept products per fused block on the sparse path (0: the architecture's default hypothesis)");
    po::variables_map values;
    if (!parse_options(args, kUsage, options, values, io)) return kExitOk;
    const MmaSettings settings = read_settings(values);
    if (settings.input == "-") {
        run_cases(settings, io.in, "<stdin>", io.out);
    } else {
        // Plain or compressed (a committed probe file may be .xz): every line, then the cases.
        std::string text;
        for (const std::string& line : read_lines(settings.input)) text.append(line).push_back('\n');
        std::istringstream file(text);
        run_cases(settings, file, settings.input, io.out);
    }
    return kExitOk;
}

}  // namespace stcsim::cli
