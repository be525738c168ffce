// The arguments of one cutlass3_gemm problem, as CUTLASS's examples 49 and 62 build them for
// GemmUniversalAdapter: packed strides for B, C, D (dense A too), the SparseConfig's layouts of the
// compressed A and its metadata E (sparse), alpha 1, beta 0, and the SM count of the persistent
// grid. Params are what GemmUniversalAdapter::initialize passes to the kernel:
// Kernel::to_underlying_arguments(arguments, workspace), which encodes the TMA descriptors.
#pragma once

#include <cstdint>
#include <type_traits>

#include <cutlass/transform/kernel/sparse_gemm_compressor.hpp>
#include <cutlass/util/packed_stride.hpp>

#include "validation/cutlass/cutlass3_kernels.h"

namespace stcsim::cutlass3_gemm {

template <class Mainloop, class = void>
struct IsSparse : std::false_type {};
template <class Mainloop>
struct IsSparse<Mainloop, std::void_t<typename Mainloop::SparseConfig>> : std::true_type {};

template <class Kernel>
inline constexpr bool kSparse = IsSparse<typename Kernel::CollectiveMainloop>::value;

// Device addresses of the buffers (distinct, in separate 4 GiB ranges) and their sizes in bytes.
struct Buffers {
    std::uint64_t a = 0, b = 0, c = 0, d = 0, e = 0;
    std::uint64_t a_bytes = 0, b_bytes = 0, c_bytes = 0, d_bytes = 0, e_bytes = 0;
};

// The sparse problem's compressor (CUTLASS's StructuredSparseCompressorUtility: physical sizes of
// the compressed A and of E, the 2:4 zero pattern of a dense A).
template <class Kernel>
using Compression = cutlass::transform::kernel::StructuredSparseCompressorUtility<
    ProblemShape, typename Kernel::ElementA, LayoutA, typename Kernel::CollectiveMainloop::SparseConfig>;

template <class Kernel>
cutlass::gemm::TagToStrideA_t<LayoutA> dense_stride_a(int m, int k) {
    return cutlass::make_cute_packed_stride(cutlass::gemm::TagToStrideA_t<LayoutA>{}, cute::make_shape(m, k, 1));
}

// Sizes of the buffers of an M x N x K problem (A compressed for a sparse kernel).
template <class Kernel>
Buffers buffer_sizes(int m, int n, int k) {
    Buffers b;
    const ProblemShape shape{m, n, k, 1};
    using ElementA = typename Kernel::ElementA;
    if constexpr (kSparse<Kernel>) {
        Compression<Kernel> compression(shape, dense_stride_a<Kernel>(m, k));
        using ElementE = typename Kernel::CollectiveMainloop::ElementE;
        b.a_bytes = std::uint64_t(m) * compression.get_tensorA_k_physical() * sizeof(ElementA);
        b.e_bytes = std::uint64_t(compression.get_metadata_m_physical()) * compression.get_metadata_k_physical() *
                    sizeof(ElementE);
    } else {
        b.a_bytes = std::uint64_t(m) * k * sizeof(ElementA);
    }
    b.b_bytes = std::uint64_t(n) * k * sizeof(typename Kernel::ElementB);
    b.c_bytes = std::uint64_t(m) * n * sizeof(float);
    b.d_bytes = b.c_bytes;
    return b;
}

template <class Kernel>
typename Kernel::Arguments make_arguments(int m, int n, int k, const Buffers& buf, int sms) {
    using ElementA = typename Kernel::ElementA;
    using ElementB = typename Kernel::ElementB;
    const ProblemShape shape{m, n, k, 1};
    typename Kernel::Arguments args{};
    args.mode = cutlass::gemm::GemmUniversalMode::kGemm;
    args.problem_shape = shape;
    const auto stride_b = cutlass::make_cute_packed_stride(typename Kernel::StrideB{}, cute::make_shape(n, k, 1));
    const auto* a = reinterpret_cast<const ElementA*>(buf.a);
    const auto* b = reinterpret_cast<const ElementB*>(buf.b);
    if constexpr (kSparse<Kernel>) {
        using Mainloop = typename Kernel::CollectiveMainloop;
        using SparseConfig = typename Mainloop::SparseConfig;
        const auto* e = reinterpret_cast<const typename Mainloop::ElementE*>(buf.e);
        args.mainloop = {a, SparseConfig::fill_layoutA(shape), b, stride_b, e, SparseConfig::fill_layoutE(shape)};
    } else {
        args.mainloop = {a, dense_stride_a<Kernel>(m, k), b, stride_b};
    }
    args.epilogue.thread.alpha = 1.0f;
    args.epilogue.thread.beta = 0.0f;
    args.epilogue.ptr_C = reinterpret_cast<const float*>(buf.c);
    args.epilogue.dC = cutlass::make_cute_packed_stride(typename Kernel::StrideC{}, cute::make_shape(m, n, 1));
    args.epilogue.ptr_D = reinterpret_cast<float*>(buf.d);
    args.epilogue.dD = cutlass::make_cute_packed_stride(typename Kernel::StrideD{}, cute::make_shape(m, n, 1));
    args.hw_info.device_id = 0;
    args.hw_info.sm_count = sms;
    return args;
}

}  // namespace stcsim::cutlass3_gemm
