// gemm_bench: sparse and dense GEMM kernels of the structure `stcsim trace gen gemm` describes
// (validation/gemm/gemm_kernel.cuh), with the same parameters, timed with CUDA events.
//   gemm_bench --m M --n N --k K --dtype f16|bf16 --acc f32 [--sparse] [--tile MxNxK]
//              [--warp-tile MxNxK] [--stages S] [--iters R] [--out FILE]
//   gemm_bench --m M --n N --k K ... --launch-out FILE     (no GPU needed)
// With --launch-out it runs nothing: it writes the kernel's parameter bytes, as the launch below
// packs them (buffers at fixed addresses), to FILE and prints one JSON object: kernel (the
// mangled name in this binary's SASS), grid, block, smem (dynamic shared memory), params_bytes,
// sparse, tile, warp_tile, stages, buffers ({A, B, E, D}: [address, bytes]), mma_instructions.
// `stcsim trace gen gemm --impl bench` and `stcsim compare` trace that launch from the SASS.
// First it runs the same kernel on a small problem (--check-size, default 256 x 256 x 4 K tiles)
// and compares D with a simple reference kernel (inputs are exact in f32: the error must be 0);
// then 2 warm-up launches and R timed ones. One JSON line:
//   {"experiment": "gemm", "arch", "device", "m", "n", "k", "dtype", "acc", "sparse", "tile",
//    "warp_tile", "stages", "iters", "ms" (per launch), "clock_mhz" (cudaDevAttrClockRate),
//    "cycles_est" (ms x clock), "tflops" (2 M N K / time, dense-equivalent), "max_error",
//    "check_size", "command"}
// Instantiated: the trace generator's default tiles (dense 128x128x32, sparse 128x128x64; warp
// 64x64xTK; 3 stages) for f16 and bf16. Exit status: 0 ok, 1 runtime failure or a wrong result,
// 2 bad usage, 3 no CUDA device.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/gemm/gemm_host.h"
#include "validation/gemm/gemm_kernel.cuh"

using namespace stcsim::validation;
using namespace stcsim::validation::gemm;

namespace {

struct Shape3 {
    int m = 0, n = 0, k = 0;
};

Shape3 parse_shape(const std::string& text, const char* option) {
    Shape3 s;
    char x1 = 0, x2 = 0;
    int used = 0;
    if (std::sscanf(text.c_str(), "%d%c%d%c%d%n", &s.m, &x1, &s.n, &x2, &s.k, &used) != 5 || x1 != 'x' || x2 != 'x' ||
        used != static_cast<int>(text.size()) || s.m <= 0 || s.n <= 0 || s.k <= 0)
        throw UsageError(std::string("--") + option + ": expected MxNxK, got '" + text + "'");
    return s;
}

std::string shape_text(int m, int n, int k) { return std::to_string(m) + "x" + std::to_string(n) + "x" + std::to_string(k); }

template <bool BF16>
__device__ float to_float(std::uint16_t bits) {
    if constexpr (BF16) return __bfloat162float(__ushort_as_bfloat16(bits));
    else return __half2float(__ushort_as_half(bits));
}

template <bool BF16>
__global__ void reference_kernel(const std::uint16_t* a, const std::uint16_t* b, float* d, int m, int n, int k) {
    const int row = blockIdx.y * blockDim.y + threadIdx.y, col = blockIdx.x * blockDim.x + threadIdx.x;
    if (row >= m || col >= n) return;
    float sum = 0;
    for (int i = 0; i < k; ++i) sum += to_float<BF16>(a[static_cast<long long>(row) * k + i]) * to_float<BF16>(b[static_cast<long long>(i) * n + col]);
    d[static_cast<long long>(row) * n + col] = sum;
}

template <class T>
T* upload(const std::vector<T>& host) {
    T* dev = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&dev, std::max<std::size_t>(1, host.size()) * sizeof(T)));
    if (!host.empty()) STC_CUDA_CHECK(cudaMemcpy(dev, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    return dev;
}

struct Buffers {
    std::uint16_t *a = nullptr, *a_dense = nullptr, *b = nullptr;
    std::uint32_t* e = nullptr;
    float* d = nullptr;
    explicit Buffers(const GemmData& data, std::int64_t m, std::int64_t n)
        : a(upload(data.a)), a_dense(upload(data.a_dense)), b(upload(data.b)), e(upload(data.e)) {
        STC_CUDA_CHECK(cudaMalloc(&d, static_cast<std::size_t>(m * n) * sizeof(float)));
    }
    ~Buffers() {
        cudaFree(a);
        cudaFree(a_dense);
        cudaFree(b);
        cudaFree(e);
        cudaFree(d);
    }
};

struct Problem {
    int m, n, k, iters;
    std::string dtype;
};

struct Outcome {
    double ms = 0, max_error = 0;
};

template <class T>
void launch(const Buffers& buf, int m, int n, int k) {
    gemm_kernel<T><<<dim3(m / T::TM, n / T::TN), T::THREADS, T::SMEM_BYTES>>>(buf.a, buf.b, buf.e, buf.d, m, n, k);
}

template <class T>
double check(const Problem& p, int size) {
    const GemmConfig c{T::TM, T::TN, T::TK, T::WM, T::WN, T::S, T::SPARSE};
    const int m = ((size + T::TM - 1) / T::TM) * T::TM, n = ((size + T::TN - 1) / T::TN) * T::TN, k = 4 * T::TK;
    const GemmData data = make_gemm_data(m, n, k, p.dtype, c, 7);
    const Buffers buf(data, m, n);
    float* ref = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&ref, static_cast<std::size_t>(m) * n * sizeof(float)));
    launch<T>(buf, m, n, k);
    STC_CUDA_CHECK(cudaGetLastError());
    reference_kernel<T::BF16><<<dim3((n + 15) / 16, (m + 15) / 16), dim3(16, 16)>>>(buf.a_dense, buf.b, ref, m, n, k);
    STC_CUDA_CHECK(cudaGetLastError());
    std::vector<float> got(static_cast<std::size_t>(m) * n), want(got.size());
    STC_CUDA_CHECK(cudaMemcpy(got.data(), buf.d, got.size() * sizeof(float), cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaMemcpy(want.data(), ref, want.size() * sizeof(float), cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(ref));
    double max_error = 0;
    for (std::size_t i = 0; i < got.size(); ++i) max_error = std::max(max_error, std::fabs(static_cast<double>(got[i]) - want[i]));
    return max_error;
}

template <class T>
Outcome run(const Problem& p, int check_size) {
    STC_CUDA_CHECK(cudaFuncSetAttribute(gemm_kernel<T>, cudaFuncAttributeMaxDynamicSharedMemorySize, T::SMEM_BYTES));
    Outcome out;
    out.max_error = check<T>(p, check_size);
    const GemmConfig c{T::TM, T::TN, T::TK, T::WM, T::WN, T::S, T::SPARSE};
    const GemmData data = make_gemm_data(p.m, p.n, p.k, p.dtype, c, 11);
    const Buffers buf(data, p.m, p.n);
    for (int i = 0; i < 2; ++i) launch<T>(buf, p.m, p.n, p.k);
    STC_CUDA_CHECK(cudaGetLastError());
    cudaEvent_t begin, end;
    STC_CUDA_CHECK(cudaEventCreate(&begin));
    STC_CUDA_CHECK(cudaEventCreate(&end));
    STC_CUDA_CHECK(cudaEventRecord(begin));
    for (int i = 0; i < p.iters; ++i) launch<T>(buf, p.m, p.n, p.k);
    STC_CUDA_CHECK(cudaEventRecord(end));
    STC_CUDA_CHECK(cudaEventSynchronize(end));
    STC_CUDA_CHECK(cudaGetLastError());
    float total = 0;
    STC_CUDA_CHECK(cudaEventElapsedTime(&total, begin, end));
    out.ms = static_cast<double>(total) / p.iters;
    return out;
}

// The instantiated configurations: the trace generator's defaults.
using DenseF16 = Tiles<128, 128, 32, 64, 64, 3, false, false>;
using SparseF16 = Tiles<128, 128, 64, 64, 64, 3, true, false>;
using DenseBf16 = Tiles<128, 128, 32, 64, 64, 3, false, true>;
using SparseBf16 = Tiles<128, 128, 64, 64, 64, 3, true, true>;

// Buffers of a launch built without a GPU: distinct, 4 GiB apart, 16-byte aligned.
constexpr std::uint64_t kAddressA = 0x0000700000000000ull, kAddressB = 0x0000700100000000ull,
                        kAddressE = 0x0000700200000000ull, kAddressD = 0x0000700300000000ull;

// gemm_kernel<T>'s Itanium-mangled name, as cuobjdump lists it: the template arguments of Tiles
// (ints as Li<n>E, bools as Lb<0|1>E) inside the fixed frame of the kernel's namespace and
// parameter list (const u16*, const u16*, const u32*, float*, int, int, int).
template <class T>
std::string kernel_name() {
    std::string name = "_ZN6stcsim10validation4gemm11gemm_kernelINS1_5TilesI";
    for (int v : {T::TM, T::TN, T::TK, T::WM, T::WN, T::S}) name += "Li" + std::to_string(v) + "E";
    name += std::string("Lb") + (T::SPARSE ? "1" : "0") + "ELb" + (T::BF16 ? "1" : "0") + "E";
    return name + "EEEEvPKtS6_PKjPfiii";
}

// --launch-out: the parameter bytes of launch<T> (a, b, e, d, m, n, k: the kernel's signature,
// pointers 8-byte aligned, ints after them) and the JSON object described at the top.
template <class T>
int write_launch(const Problem& p, const std::string& path) {
    unsigned char bytes[44];
    const std::uint64_t pointers[4] = {kAddressA, kAddressB, kAddressE, kAddressD};
    const int sizes[3] = {p.m, p.n, p.k};
    std::memcpy(bytes, pointers, sizeof pointers);
    std::memcpy(bytes + sizeof pointers, sizes, sizeof sizes);
    FILE* f = std::fopen(path.c_str(), "wb");
    if (!f || std::fwrite(bytes, sizeof bytes, 1, f) != 1 || std::fclose(f) != 0) {
        std::cerr << "gemm_bench: cannot write " << path << "\n";
        return 1;
    }
    const std::uint64_t m = p.m, n = p.n, k = p.k;
    const std::uint64_t a_bytes = m * (T::SPARSE ? k / 2 : k) * 2, b_bytes = k * n * 2, e_bytes = T::SPARSE ? m * k / 8 : 0,
                        d_bytes = m * n * 4;
    auto buffer = [](std::uint64_t address, std::uint64_t size) {
        return "[" + std::to_string(address) + ", " + std::to_string(size) + "]";
    };
    std::cout << "{\"kernel\": \"" << kernel_name<T>() << "\", \"grid\": [" << p.m / T::TM << ", " << p.n / T::TN
              << ", 1], \"block\": [" << T::THREADS << ", 1, 1], \"smem\": " << T::SMEM_BYTES
              << ", \"params_bytes\": " << sizeof bytes << ", \"sparse\": " << (T::SPARSE ? "true" : "false")
              << ", \"tile\": [" << T::TM << ", " << T::TN << ", " << T::TK << "], \"warp_tile\": [" << T::WM << ", "
              << T::WN << ", " << T::TK << "], \"stages\": " << T::S << ", \"buffers\": {\"A\": "
              << buffer(kAddressA, a_bytes) << ", \"B\": " << buffer(kAddressB, b_bytes) << ", \"E\": "
              << buffer(kAddressE, e_bytes) << ", \"D\": " << buffer(kAddressD, d_bytes)
              << "}, \"mma_instructions\": " << m * n * k / (16 * 8 * T::KI) << "}" << std::endl;
    return 0;
}

template <class T>
bool matches(const Shape3& tile, const Shape3& warp, int stages) {
    return tile.m == T::TM && tile.n == T::TN && tile.k == T::TK && warp.m == T::WM && warp.n == T::WN && warp.k == T::TK &&
           stages == T::S;
}

}  // namespace

int main(int argc, char** argv) {
    Args args("gemm_bench", "Sparse and dense GEMM kernels of the structure `stcsim trace gen gemm` describes, timed with CUDA events.");
    args.option("m", "rows of A and D", "4096");
    args.option("n", "columns of B and D", "4096");
    args.option("k", "columns of A, rows of B (dense K)", "4096");
    args.option("dtype", "input type: f16 | bf16", "f16");
    args.option("acc", "accumulator type: f32", "f32");
    args.flag("sparse", "2:4 sparse A (mma.sp m16n8k32)");
    args.option("tile", "CTA tile MxNxK (default 128x128x32 dense, 128x128x64 sparse)");
    args.option("warp-tile", "warp tile MxNxK (default 64x64x<tile K>)");
    args.option("stages", "cp.async pipeline stages", "3");
    args.option("iters", "timed launches", "20");
    args.option("check-size", "M and N of the validation run against the reference kernel", "256");
    args.option("out", "append the JSON line to this file instead of stdout");
    args.option("launch-out", "run nothing: write the launch's parameter bytes here and print the launch as JSON");
    Problem p;
    bool sparse = false;
    Shape3 tile, warp;
    int stages = 3;
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        p.dtype = args.str("dtype");
        if (p.dtype != "f16" && p.dtype != "bf16") throw UsageError("--dtype must be f16 or bf16 (tf32 and s8 are not built)");
        if (args.str("acc") != "f32") throw UsageError("--acc must be f32");
        sparse = args.has("sparse");
        tile = args.has("tile") ? parse_shape(args.str("tile"), "tile") : Shape3{128, 128, sparse ? 64 : 32};
        warp = args.has("warp-tile") ? parse_shape(args.str("warp-tile"), "warp-tile") : Shape3{64, 64, tile.k};
        stages = static_cast<int>(args.integer("stages"));
        const bool known = sparse ? matches<SparseF16>(tile, warp, stages) : matches<DenseF16>(tile, warp, stages);
        if (!known)
            throw UsageError("tile " + shape_text(tile.m, tile.n, tile.k) + ", warp tile " + shape_text(warp.m, warp.n, warp.k) +
                             ", " + std::to_string(stages) + " stages is not instantiated (built: 128x128x" +
                             (sparse ? "64, warp 64x64x64" : "32, warp 64x64x32") + ", 3 stages)");
        p.m = static_cast<int>(args.integer("m"));
        p.n = static_cast<int>(args.integer("n"));
        p.k = static_cast<int>(args.integer("k"));
        if (p.m <= 0 || p.n <= 0 || p.k <= 0 || p.m % tile.m || p.n % tile.n || p.k % tile.k)
            throw UsageError("the tile " + shape_text(tile.m, tile.n, tile.k) + " does not divide the problem " + shape_text(p.m, p.n, p.k));
        p.iters = static_cast<int>(args.integer("iters"));
        if (p.iters < 1) throw UsageError("--iters must be positive");
        if (args.integer("check-size") < 1) throw UsageError("--check-size must be positive");
    } catch (const UsageError& e) {
        std::cerr << "gemm_bench: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const bool bf16 = p.dtype == "bf16";
    if (args.has("launch-out")) {
        const std::string path = args.str("launch-out");
        return sparse ? (bf16 ? write_launch<SparseBf16>(p, path) : write_launch<SparseF16>(p, path))
                      : (bf16 ? write_launch<DenseBf16>(p, path) : write_launch<DenseF16>(p, path));
    }
    const DeviceInfo dev = require_device("gemm_bench");
    const int check_size = static_cast<int>(args.integer("check-size"));
    const Outcome o = sparse ? (bf16 ? run<SparseBf16>(p, check_size) : run<SparseF16>(p, check_size))
                             : (bf16 ? run<DenseBf16>(p, check_size) : run<DenseF16>(p, check_size));
    const double clock_mhz = dev.clock_khz / 1000.0;
    const double flops = 2.0 * p.m * p.n * static_cast<double>(p.k);
    JsonLine line;
    line.add("experiment", "gemm").add("arch", dev.arch_name()).add("device", dev.name);
    line.add("m", p.m).add("n", p.n).add("k", p.k).add("dtype", p.dtype).add("acc", "f32").add("sparse", sparse);
    line.add("tile", shape_text(tile.m, tile.n, tile.k)).add("warp_tile", shape_text(warp.m, warp.n, warp.k)).add("stages", stages);
    line.add("iters", p.iters).add("ms", o.ms).add("clock_mhz", clock_mhz).add("cycles_est", o.ms * 1e3 * clock_mhz);
    line.add("tflops", flops / (o.ms * 1e-3) / 1e12).add("max_error", o.max_error).add("check_size", check_size);
    line.add("command", args.command_line());
    std::ofstream file;
    if (args.has("out")) file.open(args.str("out"), std::ios::app);
    std::ostream& out = args.has("out") ? static_cast<std::ostream&>(file) : std::cout;
    out << line.str() << std::endl;
    if (o.max_error != 0) {
        std::cerr << "gemm_bench: the kernel's D differs from the reference (max error " << o.max_error << ")\n";
        return 1;
    }
    return 0;
}
