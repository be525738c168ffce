// Host side of cutlass3_gemm (CUTLASS 3.x sm_90a GEMMs, cutlass3_kernels.h): the options, the two
// commands and the tensor maps that CUTLASS encodes while it builds a launch.
//
// CUTLASS builds every TMA descriptor of a kernel's Params with the driver's
// cuTensorMapEncodeTiled; this program defines that function itself (cutlass3_tensor_map.cu, with
// CUTLASS_ENABLE_DIRECT_CUDA_DRIVER_CALL so that CUTLASS calls it by name). In `launch` (no GPU)
// it writes stcsim's record (isa/sass/tensor_map_record.h) into the 128 bytes and keeps a copy;
// in `run` it forwards to the real driver.
#pragma once

#include <string>
#include <vector>

#include "isa/sass/tensor_map_record.h"

// The kernels: X(extern "C" name, Kernel type of cutlass3_kernels.h).
#define STCSIM_CUTLASS3_KERNELS(X)                                \
    X(stcsim_cutlass3_dense_f16, stcsim::cutlass3_gemm::DenseF16) \
    X(stcsim_cutlass3_sparse_f16, stcsim::cutlass3_gemm::SparseF16)

namespace stcsim::cutlass3_gemm {

struct Options {
    std::string command, kernel, params_out, out;
    long m = 0, n = 0, k = 0;
    int iters = 20;
    int sms = 132;  // SMs of the persistent grid in `launch` (H100 SXM and H200); `run` asks the GPU
};

inline constexpr const char* kUsage =
    "usage: cutlass3_gemm launch --kernel NAME --m M --n N --k K --params-out FILE [--sms S]  (no GPU needed)\n"
    "       cutlass3_gemm run --kernel NAME --m M --n N --k K [--iters I] [--out FILE]        (on an sm_90 GPU)\n"
    "       cutlass3_gemm list\n";

// "cutlass3_gemm: MESSAGE" and the usage on stderr, exit 2.
[[noreturn]] void usage(const std::string& message);

// The commands, for the kernel o.kernel of cutlass3_kernels.h (the caller checked the name).
int launch_command(const Options& o);
int run_command(const Options& o);

// The tensor-map encoder: records (false, the default) or forwards to the driver (true; the
// driver must then be present, or encoding fails with a message).
void tensor_maps_use_driver(bool use);
// The maps encoded as records so far, in the order CUTLASS encoded them.
const std::vector<isa::sass::TensorMapRecord>& recorded_tensor_maps();

}  // namespace stcsim::cutlass3_gemm
