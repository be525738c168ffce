// The CUTLASS 3.x Hopper GEMMs that stcsim traces and times: cutlass::gemm::kernel::GemmUniversal
// built by CUTLASS's CollectiveBuilder for sm_90a, f16 A (row-major) and B (column-major), f32
// accumulate, f32 C and D (row-major), alpha 1 and beta 0, cluster 1x1x1 (no TMA multicast):
//   dense  OpClassTensorOp        tile 128x128x64   (CUTLASS example 49 / profiler shape)
//   sparse OpClassSparseTensorOp  tile 128x128x128  (example 62_hopper_sparse_gemm; A compressed
//          to M x K/2 and its metadata E in the layouts of the collective's SparseConfig)
// Both use the schedule CUTLASS's KernelScheduleAuto picks for a 128-row tile with CUDA >= 12.1:
// KernelTmaWarpSpecializedCooperative (persistent; one producer warp group issuing TMA loads and
// two consumer warp groups issuing wgmma, 384 threads) with the TMA warp-specialized cooperative
// epilogue, stages as many as fit beside the epilogue's shared memory (StageCountAutoCarveout).
// Built from the headers of the PyPI package nvidia-cutlass (scripts/setup.sh); nvcc for sm_90a only.
#pragma once

#include <cute/tensor.hpp>
#include <cutlass/cutlass.h>
#include <cutlass/epilogue/collective/collective_builder.hpp>
#include <cutlass/gemm/collective/collective_builder.hpp>
#include <cutlass/gemm/dispatch_policy.hpp>
#include <cutlass/gemm/kernel/gemm_universal.hpp>

#include "validation/cutlass/cutlass3_host.h"

namespace stcsim::cutlass3_gemm {

using ProblemShape = cute::Shape<int, int, int, int>;  // M, N, K, L (batch)
using ClusterShape = cute::Shape<cute::_1, cute::_1, cute::_1>;
using LayoutA = cutlass::layout::RowMajor;
using LayoutB = cutlass::layout::ColumnMajor;
using LayoutD = cutlass::layout::RowMajor;
constexpr int kAlignment16 = 8;  // f16 elements per 16-byte access (TMA needs 16-byte aligned rows)
constexpr int kAlignment32 = 4;  // f32 elements per 16-byte access

template <class OpClass, class Element, class TileShape>
struct Config {
    using Epilogue = typename cutlass::epilogue::collective::CollectiveBuilder<
        cutlass::arch::Sm90, OpClass, TileShape, ClusterShape, cutlass::epilogue::collective::EpilogueTileAuto,
        float, float, float, LayoutD, kAlignment32, float, LayoutD, kAlignment32,
        cutlass::epilogue::TmaWarpSpecializedCooperative>::CollectiveOp;
    using Mainloop = typename cutlass::gemm::collective::CollectiveBuilder<
        cutlass::arch::Sm90, OpClass, Element, LayoutA, kAlignment16, Element, LayoutB, kAlignment16, float, TileShape,
        ClusterShape,
        cutlass::gemm::collective::StageCountAutoCarveout<static_cast<int>(sizeof(typename Epilogue::SharedStorage))>,
        cutlass::gemm::KernelTmaWarpSpecializedCooperative>::CollectiveOp;
    using Kernel = cutlass::gemm::kernel::GemmUniversal<ProblemShape, Mainloop, Epilogue>;
};

using DenseF16 = Config<cutlass::arch::OpClassTensorOp, cutlass::half_t,
                        cute::Shape<cute::_128, cute::_128, cute::_64>>::Kernel;
using SparseF16 = Config<cutlass::arch::OpClassSparseTensorOp, cutlass::half_t,
                         cute::Shape<cute::_128, cute::_128, cute::_128>>::Kernel;

}  // namespace stcsim::cutlass3_gemm

// The kernels (STCSIM_CUTLASS3_KERNELS, cutlass3_host.h), declared for the host code that launches
// them; each is defined in its own translation unit (cutlass3_dense_kernel.cu, cutlass3_sparse_kernel.cu).

#define STCSIM_CUTLASS3_DECLARE(name, Kernel) \
    extern "C" __global__ void name(CUTLASS_GRID_CONSTANT typename Kernel::Params const params);
STCSIM_CUTLASS3_KERNELS(STCSIM_CUTLASS3_DECLARE)
#undef STCSIM_CUTLASS3_DECLARE

// The definition of one kernel: exactly cutlass::device_kernel<Kernel> (cutlass/device_kernel.h), the
// kernel GemmUniversalAdapter launches (launch bounds, dynamic shared memory, operator()), under a
// plain name so that `cuobjdump -sass -fun NAME` finds it.
#define STCSIM_CUTLASS3_DEFINE(name, Kernel)                                                        \
    extern "C" __global__ void __launch_bounds__(Kernel::MaxThreadsPerBlock, Kernel::MinBlocksPerMultiprocessor) \
        name(CUTLASS_GRID_CONSTANT typename Kernel::Params const params) {                           \
        extern __shared__ char smem[];                                                              \
        Kernel op;                                                                                  \
        op(params, smem);                                                                           \
        cutlass::arch::synclog_print();                                                             \
    }
