// `cutlass3_gemm run`: one kernel on an sm_90 GPU, checked and timed with CUDA events.
//
// Inputs are small integers (exact in f16, their f32 sums exact), so D must equal the reference
// exactly. Sparse: A is built dense with a random valid 2:4 pattern along K and compressed on the
// GPU by CUTLASS's StructuredSparseCompressor into the kernel's compressed A and metadata E, as
// CUTLASS's example 62 does; the reference uses the dense A. The reference is computed on the host
// for a sample of 4096 outputs (all of them when D is smaller); D starts as NaN, so an output the
// kernel does not write fails. Prints one JSON line (and appends it to --out FILE):
//   {"experiment": "cutlass_gemm", "impl": "cutlass3", "kernel", "arch", "device", "m", "n", "k",
//    "dtype", "acc", "sparse", "tile", "cluster", "schedule", "stages", "sms", "grid", "iters",
//    "ms" (per launch), "clock_mhz", "cycles_est" (ms x clock), "tflops" (2 M N K / time),
//    "max_error", "checked"}
// Exit status: 0 ok, 1 a CUDA failure, 3 no sm_90 GPU, 4 a wrong result.
#include <cuda_runtime.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include <cutlass/transform/device/transform_universal_adapter.hpp>

#include "validation/common/json_line.h"
#include "validation/cutlass/cutlass_common.h"
#include "validation/cutlass/cutlass3_args.h"
#include "validation/cutlass/cutlass3_host.h"

namespace stcsim::cutlass3_gemm {
namespace {

#define STCSIM_CUDA(call)                                                                       \
    do {                                                                                        \
        const cudaError_t status_ = (call);                                                     \
        if (status_ != cudaSuccess) {                                                           \
            std::fprintf(stderr, "cutlass3_gemm: %s: %s\n", #call, cudaGetErrorString(status_)); \
            return 1;                                                                           \
        }                                                                                       \
    } while (0)
#define STCSIM_CUTLASS(call)                                                                                   \
    do {                                                                                                       \
        const cutlass::Status status_ = (call);                                                                \
        if (status_ != cutlass::Status::kSuccess) {                                                            \
            std::fprintf(stderr, "cutlass3_gemm: %s: %s\n", #call, cutlass::cutlassGetStatusString(status_)); \
            return 1;                                                                                          \
        }                                                                                                      \
    } while (0)

using cutlass_common::Rng;

// Device buffers freed on every return path.
struct DeviceBuffers {
    std::vector<void*> owned;
    ~DeviceBuffers() {
        for (void* p : owned) cudaFree(p);
    }
    cudaError_t alloc(void** p, std::size_t bytes) {
        const cudaError_t e = cudaMalloc(p, bytes == 0 ? 1 : bytes);
        if (e == cudaSuccess) owned.push_back(*p);
        return e;
    }
};

// A's compression on the GPU (CUTLASS's example 62): dense A -> compressed A and E.
template <class Kernel>
int compress(int m, int n, int k, const void* dense_a, void* a, void* e, int sms) {
    using CompressorKernel = cutlass::transform::kernel::StructuredSparseCompressor<
        ProblemShape, typename Kernel::ElementA, LayoutA, typename Kernel::CollectiveMainloop::SparseConfig,
        cutlass::arch::Sm90>;
    using Compressor = cutlass::transform::device::TransformUniversalAdapter<CompressorKernel>;
    cutlass::KernelHardwareInfo hw_info;
    hw_info.device_id = 0;
    hw_info.sm_count = sms;
    typename Compressor::Arguments args{ProblemShape{m, n, k, 1}, {dense_a, dense_stride_a<Kernel>(m, k), a, e}, {hw_info}};
    DeviceBuffers workspace;
    void* w = nullptr;
    STCSIM_CUDA(workspace.alloc(&w, Compressor::get_workspace_size(args)));
    Compressor op;
    STCSIM_CUTLASS(op.can_implement(args));
    STCSIM_CUTLASS(op.initialize(args, w));
    STCSIM_CUTLASS(op.run());
    STCSIM_CUDA(cudaDeviceSynchronize());
    return 0;
}

template <class Kernel>
int run(const Options& o, const char* name, void (*kernel)(typename Kernel::Params)) {
    int devices = 0;
    const cudaError_t count_error = cudaGetDeviceCount(&devices);
    if (count_error != cudaSuccess || devices == 0) {
        std::fprintf(stderr, "cutlass3_gemm: no CUDA device: %s\n",
                     count_error != cudaSuccess ? cudaGetErrorString(count_error) : "the runtime reports zero devices");
        return 3;
    }
    cudaDeviceProp prop{};
    STCSIM_CUDA(cudaGetDeviceProperties(&prop, 0));
    if (prop.major != 9 || prop.minor != 0) {  // the kernels are sm_90a SASS only
        std::fprintf(stderr, "cutlass3_gemm: no CUDA device of compute capability 9.0 (device 0 is %s, %d.%d)\n",
                     prop.name, prop.major, prop.minor);
        return 3;
    }
    int clock_khz = 0;
    STCSIM_CUDA(cudaDeviceGetAttribute(&clock_khz, cudaDevAttrClockRate, 0));
    tensor_maps_use_driver(true);
    using ElementA = typename Kernel::ElementA;
    using ElementB = typename Kernel::ElementB;
    const int m = int(o.m), n = int(o.n), k = int(o.k);
    Buffers buf = buffer_sizes<Kernel>(m, n, k);
    Rng rng{0x5eed};
    std::vector<ElementA> a(std::size_t(m) * k);  // dense A, row-major
    std::vector<ElementB> b(std::size_t(n) * k);  // column-major: (k, j) at j * K + k
    for (auto& x : b) x = ElementB(float(rng.small()));
    if constexpr (kSparse<Kernel>) {
        static const int kPairs[6][2] = {{0, 1}, {0, 2}, {0, 3}, {1, 2}, {1, 3}, {2, 3}};
        for (std::size_t g = 0; g < a.size(); g += 4) {
            const int* pair = kPairs[rng.next() % 6];
            for (int i = 0; i < 4; ++i) a[g + i] = ElementA(0.0f);
            for (int i = 0; i < 2; ++i) a[g + pair[i]] = ElementA(float(rng.nonzero()));
        }
    } else {
        for (auto& x : a) x = ElementA(float(rng.small()));
    }
    DeviceBuffers device;
    void *da = nullptr, *db = nullptr, *dc = nullptr, *dd = nullptr, *de = nullptr, *dense_a = nullptr;
    STCSIM_CUDA(device.alloc(&da, buf.a_bytes));
    STCSIM_CUDA(device.alloc(&db, buf.b_bytes));
    STCSIM_CUDA(device.alloc(&dc, buf.c_bytes));
    STCSIM_CUDA(device.alloc(&dd, buf.d_bytes));
    STCSIM_CUDA(cudaMemcpy(db, b.data(), buf.b_bytes, cudaMemcpyHostToDevice));
    STCSIM_CUDA(cudaMemset(dc, 0, buf.c_bytes));
    STCSIM_CUDA(cudaMemset(dd, 0xff, buf.d_bytes));  // NaN
    if constexpr (kSparse<Kernel>) {
        STCSIM_CUDA(device.alloc(&de, buf.e_bytes));
        STCSIM_CUDA(device.alloc(&dense_a, a.size() * sizeof(ElementA)));
        STCSIM_CUDA(cudaMemcpy(dense_a, a.data(), a.size() * sizeof(ElementA), cudaMemcpyHostToDevice));
        STCSIM_CUDA(cudaMemset(da, 0, buf.a_bytes));
        STCSIM_CUDA(cudaMemset(de, 0, buf.e_bytes));
        if (const int rc = compress<Kernel>(m, n, k, dense_a, da, de, prop.multiProcessorCount)) return rc;
    } else {
        STCSIM_CUDA(cudaMemcpy(da, a.data(), buf.a_bytes, cudaMemcpyHostToDevice));
    }
    buf.a = std::uint64_t(da), buf.b = std::uint64_t(db), buf.c = std::uint64_t(dc), buf.d = std::uint64_t(dd);
    buf.e = std::uint64_t(de);
    const auto args = make_arguments<Kernel>(m, n, k, buf, prop.multiProcessorCount);
    if (!Kernel::can_implement(args)) usage("CUTLASS cannot run this problem size (TMA needs 16-byte aligned rows)");
    void* workspace = nullptr;
    STCSIM_CUDA(device.alloc(&workspace, Kernel::get_workspace_size(args)));
    STCSIM_CUTLASS(Kernel::initialize_workspace(args, workspace));
    const typename Kernel::Params params = Kernel::to_underlying_arguments(args, workspace);
    const int smem = Kernel::SharedStorageSize;
    STCSIM_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, smem));
    const dim3 grid = Kernel::get_grid_shape(params), block = Kernel::get_block_shape();
    kernel<<<grid, block, smem>>>(params);
    STCSIM_CUDA(cudaGetLastError());
    STCSIM_CUDA(cudaDeviceSynchronize());
    std::vector<float> d(buf.d_bytes / sizeof(float));
    STCSIM_CUDA(cudaMemcpy(d.data(), dd, buf.d_bytes, cudaMemcpyDeviceToHost));
    double max_error = 0;
    const long outputs = o.m * o.n, samples = outputs <= 4096 ? outputs : 4096;
    for (long s = 0; s < samples; ++s) {
        const long idx = samples == outputs ? s : long(rng.next() % std::uint64_t(outputs));
        const long i = idx / o.n, j = idx % o.n;
        double ref = 0;
        for (long kk = 0; kk < o.k; ++kk)
            ref += double(float(a[std::size_t(i * o.k + kk)])) * double(float(b[std::size_t(j * o.k + kk)]));
        const double error = std::abs(ref - double(d[std::size_t(idx)]));
        max_error = std::isnan(error) ? std::numeric_limits<double>::infinity() : std::max(max_error, error);
    }
    cudaEvent_t start, stop;
    STCSIM_CUDA(cudaEventCreate(&start));
    STCSIM_CUDA(cudaEventCreate(&stop));
    for (int i = 0; i < 2; ++i) kernel<<<grid, block, smem>>>(params);  // warm-up
    STCSIM_CUDA(cudaEventRecord(start));
    for (int i = 0; i < o.iters; ++i) kernel<<<grid, block, smem>>>(params);
    STCSIM_CUDA(cudaEventRecord(stop));
    STCSIM_CUDA(cudaEventSynchronize(stop));
    STCSIM_CUDA(cudaGetLastError());
    float total_ms = 0;
    STCSIM_CUDA(cudaEventElapsedTime(&total_ms, start, stop));
    const double ms = double(total_ms) / o.iters, clock_mhz = clock_khz / 1000.0;
    using Tile = typename Kernel::TileShape;
    const std::string tile = std::to_string(int(cute::size<0>(Tile{}))) + "x" + std::to_string(int(cute::size<1>(Tile{}))) +
                             "x" + std::to_string(int(cute::size<2>(Tile{})));
    validation::JsonLine line;
    line.add("experiment", "cutlass_gemm").add("impl", "cutlass3").add("kernel", name);
    line.add("arch", "sm_90").add("device", prop.name).add("m", o.m).add("n", o.n).add("k", o.k);
    line.add("dtype", "f16").add("acc", "f32").add("sparse", kSparse<Kernel>).add("tile", tile).add("cluster", "1x1x1");
    line.add("schedule", "KernelTmaWarpSpecializedCooperative").add("stages", int(Kernel::DispatchPolicy::Stages));
    line.add("sms", prop.multiProcessorCount).add("grid", int(grid.x * grid.y * grid.z)).add("iters", o.iters);
    line.add("ms", ms).add("clock_mhz", clock_mhz).add("cycles_est", ms * 1e3 * clock_mhz);
    line.add("tflops", 2.0 * o.m * o.n * double(o.k) / (ms * 1e-3) / 1e12);
    line.add("max_error", max_error).add("checked", samples);
    std::printf("%s\n", line.str().c_str());
    if (!o.out.empty()) {
        std::ofstream file(o.out, std::ios::app);
        if (!(file << line.str() << "\n")) {
            std::fprintf(stderr, "cutlass3_gemm: cannot append to %s\n", o.out.c_str());
            return 1;
        }
    }
    if (max_error != 0) {
        std::fprintf(stderr, "cutlass3_gemm: the kernel's D differs from the reference (max error %g)\n", max_error);
        return 4;
    }
    return 0;
}

}  // namespace

int run_command(const Options& o) {
#define STCSIM_RUN(name, Kernel) \
    if (o.kernel == #name) return run<Kernel>(o, #name, name);
    STCSIM_CUTLASS3_KERNELS(STCSIM_RUN)
#undef STCSIM_RUN
    usage("unknown kernel '" + o.kernel + "' (see cutlass3_gemm list)");
}

}  // namespace stcsim::cutlass3_gemm
