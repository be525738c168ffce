// cutlass3_gemm: CUTLASS 3.x's dense and 2:4 sparse Hopper GEMMs (cutlass3_kernels.h) for stcsim.
//
//   cutlass3_gemm launch --kernel NAME --m M --n N --k K --params-out FILE [--sms S]
//       builds the kernel's launch without a GPU (cutlass3_launch.cu): writes the Params bytes
//       (buffers at fixed device addresses, TMA descriptors as stcsim tensor-map records) to FILE
//       and prints one JSON object (grid, block, cluster, smem, param_offset, tensor_maps, ...).
//   cutlass3_gemm run --kernel NAME --m M --n N --k K [--iters I] [--out FILE]
//       on an sm_90 GPU (cutlass3_run.cu): runs the kernel on random inputs, checks D against a
//       host reference and times it with CUDA events; prints one JSON line (appended to FILE too).
//   cutlass3_gemm list     the kernel names.
// Exit status: 0 ok, 1 failure, 2 bad usage, 3 no sm_90 GPU (run), 4 a wrong result (run).
#include <cstdio>
#include <cstdlib>
#include <string>

#include "validation/cutlass/cutlass3_host.h"

namespace stcsim::cutlass3_gemm {

void usage(const std::string& message) {
    std::fprintf(stderr, "cutlass3_gemm: %s\n%s", message.c_str(), kUsage);
    std::exit(2);
}

namespace {

long number(const std::string& option, const char* text) {
    char* end = nullptr;
    const long v = std::strtol(text, &end, 10);
    if (end == text || *end != '\0') usage(option + " expects an integer, got '" + text + "'");
    return v;
}

Options parse(int argc, char** argv) {
    Options o;
    if (argc < 2) usage("expected a command");
    o.command = argv[1];
    if (o.command == "--help" || o.command == "-h") {
        std::printf("%s", kUsage);
        std::exit(0);
    }
    if (o.command.rfind("--", 0) == 0) usage("unknown option '" + o.command + "'");
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a != "--kernel" && a != "--m" && a != "--n" && a != "--k" && a != "--params-out" && a != "--iters" &&
            a != "--out" && a != "--sms")
            usage("unknown option '" + a + "'");
        if (i + 1 >= argc) usage("missing value after " + a);
        const char* v = argv[++i];
        if (a == "--kernel") o.kernel = v;
        else if (a == "--m") o.m = number(a, v);
        else if (a == "--n") o.n = number(a, v);
        else if (a == "--k") o.k = number(a, v);
        else if (a == "--params-out") o.params_out = v;
        else if (a == "--out") o.out = v;
        else if (a == "--iters") o.iters = int(number(a, v));
        else if (a == "--sms") o.sms = int(number(a, v));
    }
    return o;
}

bool known_kernel(const std::string& name) {
#define STCSIM_KNOWN(kernel, Kernel) \
    if (name == #kernel) return true;
    STCSIM_CUTLASS3_KERNELS(STCSIM_KNOWN)
#undef STCSIM_KNOWN
    return false;
}

}  // namespace
}  // namespace stcsim::cutlass3_gemm

int main(int argc, char** argv) {
    using namespace stcsim::cutlass3_gemm;
    const Options o = parse(argc, argv);
    if (o.command == "list") {
#define STCSIM_LIST(name, Kernel) std::printf("%s\n", #name);
        STCSIM_CUTLASS3_KERNELS(STCSIM_LIST)
#undef STCSIM_LIST
        return 0;
    }
    if (o.command != "launch" && o.command != "run") usage("unknown command '" + o.command + "'");
    if (!known_kernel(o.kernel)) usage("unknown kernel '" + o.kernel + "' (see cutlass3_gemm list)");
    // Up to 2^20 per dimension: the problem fits the int coordinates of CUTLASS and the record's dims.
    if (o.m <= 0 || o.n <= 0 || o.k <= 0 || o.m > (1 << 20) || o.n > (1 << 20) || o.k > (1 << 20))
        usage("--m, --n and --k must be 1..1048576");
    if (o.iters < 1) usage("--iters must be positive");
    return o.command == "launch" ? launch_command(o) : run_command(o);
}
