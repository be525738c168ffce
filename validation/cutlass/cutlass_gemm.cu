// cutlass_gemm: CUTLASS's dense and 2:4 sparse Ampere GEMMs (cutlass_kernels.h) for stcsim.
//
//   cutlass_gemm launch --kernel NAME --m M --n N --k K --params-out FILE
//       builds the kernel's launch without a GPU: writes the parameter bytes (the kernel's Params,
//       for buffers at fixed device addresses) to FILE and prints one JSON object: the kernel name,
//       grid, block, dynamic shared memory, the buffers (address, bytes) and the tiling.
//       `stcsim trace gen gemm --impl cutlass` runs this and traces the kernel from its SASS.
//   cutlass_gemm run --kernel NAME --m M --n N --k K [--iters I]
//       on a GPU: runs the kernel on random inputs, checks D against a reference computed on the
//       host from the same inputs, and times it with CUDA events; prints one JSON object.
//   cutlass_gemm list     the kernel names.
#include <cuda_runtime.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include <cutlass/util/host_reorder.h>
#include <cutlass/util/host_uncompress.h>

#include <algorithm>
#include <cmath>

#include "validation/cutlass/cutlass_common.h"
#include "validation/cutlass/cutlass_kernels.h"

#define STCSIM_DEFINE_KERNEL(name, Op)                                                              \
    extern "C" __global__ void __launch_bounds__(Op::GemmKernel::kThreadCount, 1)                   \
        name(typename Op::GemmKernel::Params params) {                                              \
        extern __shared__ int shared_storage_base[];                                                \
        typename Op::GemmKernel op;                                                                 \
        op(params, *reinterpret_cast<typename Op::GemmKernel::SharedStorage*>(shared_storage_base)); \
    }
STCSIM_CUTLASS_KERNELS(STCSIM_DEFINE_KERNEL)

namespace {

using cutlass::gemm::GemmCoord;
namespace cutlass_common = stcsim::cutlass_common;

using cutlass_common::kAddressA;
using cutlass_common::kAddressB;
using cutlass_common::kAddressD;
using cutlass_common::kAddressE;
using cutlass_common::Rng;

constexpr const char* kUsage =
    "usage: cutlass_gemm launch --kernel NAME --m M --n N --k K --params-out FILE   (no GPU needed)\n"
    "       cutlass_gemm run --kernel NAME --m M --n N --k K [--iters I]            (on a GPU)\n"
    "       cutlass_gemm list\n";

[[noreturn]] void usage(const char* message) {
    std::fprintf(stderr, "cutlass_gemm: %s\n%s", message, kUsage);
    std::exit(2);
}

struct Options {
    std::string command, kernel, params_out;
    long m = 0, n = 0, k = 0;
    int iters = 20;
};

Options parse(int argc, char** argv) {
    Options o;
    if (argc < 2) usage("expected a command");
    o.command = argv[1];
    if (o.command == "--help" || o.command == "-h") {
        std::printf("%s", kUsage);
        std::exit(0);
    }
    if (o.command.rfind("--", 0) == 0) usage(("unknown option '" + o.command + "'").c_str());
    for (int i = 2; i < argc; ++i) {
        const std::string a = argv[i];
        if (a != "--kernel" && a != "--m" && a != "--n" && a != "--k" && a != "--params-out" && a != "--iters")
            usage(("unknown option '" + a + "'").c_str());
        if (i + 1 >= argc) usage(("missing value after " + a).c_str());
        const char* v = argv[++i];
        if (a == "--kernel") o.kernel = v;
        else if (a == "--m") o.m = std::atol(v);
        else if (a == "--n") o.n = std::atol(v);
        else if (a == "--k") o.k = std::atol(v);
        else if (a == "--params-out") o.params_out = v;
        else if (a == "--iters") o.iters = std::atoi(v);
    }
    return o;
}

template <typename Op>
constexpr bool kIsSparse = Op::kSparse > 1;

template <typename Op, typename = void>
struct SparseOf {
    static constexpr int kSparse = 1;
};

// Buffers of one problem: element counts and the layouts' leading dimensions.
template <typename Op>
struct Problem {
    using Kernel = typename Op::GemmKernel;
    using ElementA = typename Op::ElementA;
    static constexpr bool sparse = std::is_same_v<Op, stcsim::cutlass_gemm::SparseF16> ||
                                   std::is_same_v<Op, stcsim::cutlass_gemm::SparseBF16>;
    GemmCoord size;
    long a_cols = 0, e_cols = 0;
    std::uint64_t a_bytes = 0, b_bytes = 0, e_bytes = 0, d_bytes = 0;
    explicit Problem(GemmCoord s) : size(s) {
        int sparsity = 1, per_e = 1;
        if constexpr (sparse) {
            sparsity = Op::kSparse;
            per_e = Op::kElementsPerElementE;
        }
        a_cols = s.k() / sparsity;
        a_bytes = std::uint64_t(s.m()) * a_cols * sizeof(ElementA);
        b_bytes = std::uint64_t(s.k()) * s.n() * sizeof(ElementA);
        d_bytes = std::uint64_t(s.m()) * s.n() * sizeof(float);
        if constexpr (sparse) {
            e_cols = a_cols / per_e;
            e_bytes = std::uint64_t(s.m()) * e_cols * sizeof(typename Op::ElementE);
        }
    }
};

// The kernel's Params for buffers at A, B, E, D (as device::Gemm / SparseGemm::initialize builds
// them; initialize itself also sets the kernel's shared-memory attribute, which needs a GPU).
template <typename Op>
typename Op::GemmKernel::Params make_params(const Problem<Op>& p, std::uint64_t a, std::uint64_t b, std::uint64_t e,
                                            std::uint64_t d) {
    using Kernel = typename Op::GemmKernel;
    using ElementA = typename Op::ElementA;
    typename Op::ThreadblockSwizzle swizzle;
    const GemmCoord grid = swizzle.get_tiled_shape(
        p.size, {Op::ThreadblockShape::kM, Op::ThreadblockShape::kN, Op::ThreadblockShape::kK}, 1);
    cutlass::TensorRef<ElementA, cutlass::layout::RowMajor> ref_a(reinterpret_cast<ElementA*>(a),
                                                                 cutlass::layout::RowMajor(p.a_cols));
    cutlass::TensorRef<ElementA, cutlass::layout::ColumnMajor> ref_b(reinterpret_cast<ElementA*>(b),
                                                                    cutlass::layout::ColumnMajor(p.size.k()));
    cutlass::TensorRef<float, cutlass::layout::RowMajor> ref_d(reinterpret_cast<float*>(d),
                                                               cutlass::layout::RowMajor(p.size.n()));
    typename Op::EpilogueOutputOp::Params epilogue(1.0f, 0.0f);
    if constexpr (Problem<Op>::sparse) {
        using ElementE = typename Op::ElementE;
        using LayoutE = typename Op::LayoutE;
        cutlass::TensorRef<ElementE, LayoutE> ref_e(reinterpret_cast<ElementE*>(e),
                                                    LayoutE::packed({p.size.m(), int(p.e_cols)}));
        return typename Kernel::Params{p.size, grid, ref_a, ref_b, ref_d, ref_d, ref_e, epilogue, nullptr};
    } else {
        (void)e;
        return typename Kernel::Params{p.size, grid, ref_a, ref_b, ref_d, ref_d, epilogue, nullptr, nullptr, nullptr, nullptr};
    }
}

// CUTLASS's iterators predicate partial tiles; the 128-bit accesses need M, N multiples of 8 and K
// a multiple of the k-step of one metadata element (sparse) or of 8 (dense).
template <typename Op>
void check_alignment(const Options& o) {
    const long k_align = Problem<Op>::sparse ? 64 : 8;
    if (o.m % 8 || o.n % 8 || o.k % k_align) {
        const std::string message = "M and N must be multiples of 8 and K of " + std::to_string(k_align);
        usage(message.c_str());
    }
}

template <typename Op>
dim3 grid_of(const typename Op::GemmKernel::Params& params) {
    typename Op::ThreadblockSwizzle swizzle;
    return swizzle.get_grid_shape(params.grid_tiled_shape);
}

template <typename Op>
int launch(const Options& o, const char* name) {
    using Kernel = typename Op::GemmKernel;
    const GemmCoord size(int(o.m), int(o.n), int(o.k));
    check_alignment<Op>(o);
    const Problem<Op> p(size);
    const auto params = make_params<Op>(p, kAddressA, kAddressB, kAddressE, kAddressD);
    if (o.params_out.empty()) usage("launch needs --params-out FILE");
    FILE* f = std::fopen(o.params_out.c_str(), "wb");
    if (!f || std::fwrite(&params, sizeof params, 1, f) != 1 || std::fclose(f) != 0) {
        std::fprintf(stderr, "cutlass_gemm: cannot write %s\n", o.params_out.c_str());
        return 1;
    }
    const dim3 grid = grid_of<Op>(params);
    const int mma_k = Op::InstructionShape::kK;
    std::printf("{\"kernel\": \"%s\", \"grid\": [%u, %u, %u], \"block\": [%d, 1, 1], \"smem\": %zu, "
                "\"params_bytes\": %zu, \"sparse\": %s, \"tile\": [%d, %d, %d], \"warp_tile\": [%d, %d, %d], "
                "\"mma\": [%d, %d, %d], \"stages\": %d, "
                "\"buffers\": {\"A\": [%llu, %llu], \"B\": [%llu, %llu], \"E\": [%llu, %llu], \"D\": [%llu, %llu]}, "
                "\"mma_instructions\": %lld}\n",  // M*N*K over the instruction shape (partial tiles compute more)
                name, grid.x, grid.y, grid.z, Kernel::kThreadCount, sizeof(typename Kernel::SharedStorage),
                sizeof params, Problem<Op>::sparse ? "true" : "false", Op::ThreadblockShape::kM,
                Op::ThreadblockShape::kN, Op::ThreadblockShape::kK, Op::WarpShape::kM, Op::WarpShape::kN,
                Op::WarpShape::kK, Op::InstructionShape::kM, Op::InstructionShape::kN, mma_k, Op::kStages,
                (unsigned long long)kAddressA, (unsigned long long)p.a_bytes, (unsigned long long)kAddressB,
                (unsigned long long)p.b_bytes, (unsigned long long)kAddressE, (unsigned long long)p.e_bytes,
                (unsigned long long)kAddressD, (unsigned long long)p.d_bytes,
                (long long)o.m * o.n * o.k / (Op::InstructionShape::kM * Op::InstructionShape::kN * mma_k));
    return 0;
}

#include "validation/cutlass/cutlass_run.inc"

template <typename Op>
int dispatch(const Options& o, const char* name, void (*kernel)(typename Op::GemmKernel::Params)) {
    if (o.command == "launch") return launch<Op>(o, name);
    if (o.command == "run") return run<Op>(o, name, kernel);
    usage("unknown command");
}

}  // namespace

int main(int argc, char** argv) {
    const Options o = parse(argc, argv);
    if (o.command == "list") {
#define STCSIM_LIST(name, Op) std::printf("%s\n", #name);
        STCSIM_CUTLASS_KERNELS(STCSIM_LIST)
        return 0;
    }
    if (o.m <= 0 || o.n <= 0 || o.k <= 0) usage("--m, --n and --k must be positive");
#define STCSIM_DISPATCH(name, Op) \
    if (o.kernel == #name) return dispatch<Op>(o, #name, name);
    STCSIM_CUTLASS_KERNELS(STCSIM_DISPATCH)
    usage(("unknown kernel '" + o.kernel + "' (see cutlass_gemm list)").c_str());
}
