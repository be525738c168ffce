// The CUTLASS 2.x Ampere GEMMs that stcsim traces and times: cutlass::gemm::device::Gemm (dense)
// and cutlass::gemm::device::SparseGemm (2:4 structured sparse A), f16 and bf16 inputs, f32
// accumulate and output, sm_80 tensor-op configurations of CUTLASS's own examples and profiler
// (dense 128x128x32 / warp 64x64x32 / mma 16x8x16; sparse 128x128x64 / 64x64x64 / 16x8x32; 3 stages).
// Built from the headers of the PyPI package nvidia-cutlass (scripts/setup.sh); nvcc only.
#pragma once

#include <cutlass/cutlass.h>
#include <cutlass/epilogue/thread/linear_combination.h>
#include <cutlass/gemm/device/gemm.h>
#include <cutlass/gemm/device/gemm_sparse.h>

namespace stcsim::cutlass_gemm {

using Epilogue = cutlass::epilogue::thread::LinearCombination<float, 4, float, float>;
using Swizzle = cutlass::gemm::threadblock::GemmIdentityThreadblockSwizzle<>;

template <typename T>
using Dense = cutlass::gemm::device::Gemm<T, cutlass::layout::RowMajor, T, cutlass::layout::ColumnMajor, float,
                                          cutlass::layout::RowMajor, float, cutlass::arch::OpClassTensorOp,
                                          cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 32>,
                                          cutlass::gemm::GemmShape<64, 64, 32>, cutlass::gemm::GemmShape<16, 8, 16>,
                                          Epilogue, Swizzle, 3>;

template <typename T>
using Sparse = cutlass::gemm::device::SparseGemm<T, cutlass::layout::RowMajor, T, cutlass::layout::ColumnMajor, float,
                                                 cutlass::layout::RowMajor, float, cutlass::arch::OpClassTensorOp,
                                                 cutlass::arch::Sm80, cutlass::gemm::GemmShape<128, 128, 64>,
                                                 cutlass::gemm::GemmShape<64, 64, 64>,
                                                 cutlass::gemm::GemmShape<16, 8, 32>, Epilogue, Swizzle, 3>;

using DenseF16 = Dense<cutlass::half_t>;
using DenseBF16 = Dense<cutlass::bfloat16_t>;
using SparseF16 = Sparse<cutlass::half_t>;
using SparseBF16 = Sparse<cutlass::bfloat16_t>;

}  // namespace stcsim::cutlass_gemm

// The kernels, under plain names: each is exactly cutlass::Kernel<GemmKernel> (cutlass/device_kernel.h),
// the GemmKernel's operator() on the dynamic shared memory, so the SASS traced is the SASS CUTLASS runs.
#define STCSIM_CUTLASS_KERNELS(X)                           \
    X(stcsim_cutlass_dense_f16, stcsim::cutlass_gemm::DenseF16)   \
    X(stcsim_cutlass_dense_bf16, stcsim::cutlass_gemm::DenseBF16) \
    X(stcsim_cutlass_sparse_f16, stcsim::cutlass_gemm::SparseF16) \
    X(stcsim_cutlass_sparse_bf16, stcsim::cutlass_gemm::SparseBF16)
