// The 2:4 sparse sm_90a kernel of cutlass3_gemm (cutlass3_kernels.h), alone in its translation
// unit: CUTLASS 3.x kernels take minutes and gigabytes to compile.
#include "validation/cutlass/cutlass3_kernels.h"

STCSIM_CUTLASS3_DEFINE(stcsim_cutlass3_sparse_f16, stcsim::cutlass3_gemm::SparseF16)
