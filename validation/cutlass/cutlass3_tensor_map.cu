// cuTensorMapEncodeTiled, defined by cutlass3_gemm itself (see cutlass3_host.h): CUTLASS, built
// with CUTLASS_ENABLE_DIRECT_CUDA_DRIVER_CALL, calls the driver function by name, and the program
// does not link libcuda, so this definition is the one it reaches. Recording, it writes stcsim's
// TensorMapRecord; forwarding, it calls the driver's own function from libcuda.so.1.
#include <cuda.h>
#include <dlfcn.h>

#include <cstdio>
#include <cstdlib>

#include "validation/cutlass/cutlass3_host.h"

namespace stcsim::cutlass3_gemm {
namespace {

bool use_driver = false;
std::vector<isa::sass::TensorMapRecord> recorded;

using EncodeTiled = CUresult (*)(CUtensorMap*, CUtensorMapDataType, cuuint32_t, void*, const cuuint64_t*,
                                 const cuuint64_t*, const cuuint32_t*, const cuuint32_t*, CUtensorMapInterleave,
                                 CUtensorMapSwizzle, CUtensorMapL2promotion, CUtensorMapFloatOOBfill);

// The driver's function: a library loaded after this program that defines it (RTLD_NEXT), else
// libcuda.so.1 itself; null without a driver.
EncodeTiled driver_encode_tiled() {
    static EncodeTiled found = [] {
        void* f = dlsym(RTLD_NEXT, "cuTensorMapEncodeTiled");
        if (!f) {
            if (void* lib = dlopen("libcuda.so.1", RTLD_NOW | RTLD_LOCAL)) f = dlsym(lib, "cuTensorMapEncodeTiled");
        }
        return reinterpret_cast<EncodeTiled>(f);
    }();
    return found;
}

// Bytes per element of the data types CUTLASS's TMA copies use; 0 for the packed sub-byte ones.
unsigned element_bytes(CUtensorMapDataType type) {
    switch (type) {
    case CU_TENSOR_MAP_DATA_TYPE_UINT8: return 1;
    case CU_TENSOR_MAP_DATA_TYPE_UINT16:
    case CU_TENSOR_MAP_DATA_TYPE_FLOAT16:
    case CU_TENSOR_MAP_DATA_TYPE_BFLOAT16: return 2;
    case CU_TENSOR_MAP_DATA_TYPE_UINT32:
    case CU_TENSOR_MAP_DATA_TYPE_INT32:
    case CU_TENSOR_MAP_DATA_TYPE_FLOAT32:
    case CU_TENSOR_MAP_DATA_TYPE_FLOAT32_FTZ:
    case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32:
    case CU_TENSOR_MAP_DATA_TYPE_TFLOAT32_FTZ: return 4;
    case CU_TENSOR_MAP_DATA_TYPE_UINT64:
    case CU_TENSOR_MAP_DATA_TYPE_INT64:
    case CU_TENSOR_MAP_DATA_TYPE_FLOAT64: return 8;
    default: return 0;
    }
}

// A map the record cannot hold is a defect of this program's kernels, not of the user's input:
// one line on stderr and exit 1 (CUTLASS only asserts on a failed encoding).
[[noreturn]] void unsupported(const char* what, long value) {
    std::fprintf(stderr, "cutlass3_gemm: cuTensorMapEncodeTiled: %s %ld cannot be recorded\n", what, value);
    std::exit(1);
}

}  // namespace

void tensor_maps_use_driver(bool use) { use_driver = use; }

const std::vector<isa::sass::TensorMapRecord>& recorded_tensor_maps() { return recorded; }

}  // namespace stcsim::cutlass3_gemm

extern "C" CUresult CUDAAPI cuTensorMapEncodeTiled(CUtensorMap* map, CUtensorMapDataType type, cuuint32_t rank,
                                                   void* address, const cuuint64_t* dims, const cuuint64_t* strides,
                                                   const cuuint32_t* box, const cuuint32_t* element_strides,
                                                   CUtensorMapInterleave interleave, CUtensorMapSwizzle swizzle,
                                                   CUtensorMapL2promotion l2, CUtensorMapFloatOOBfill oob) {
    namespace c3 = stcsim::cutlass3_gemm;
    if (c3::use_driver) {
        const c3::EncodeTiled real = c3::driver_encode_tiled();
        if (!real) {
            std::fprintf(stderr, "cutlass3_gemm: the CUDA driver (libcuda.so.1) has no cuTensorMapEncodeTiled\n");
            return CUDA_ERROR_NOT_FOUND;
        }
        return real(map, type, rank, address, dims, strides, box, element_strides, interleave, swizzle, l2, oob);
    }
    stcsim::isa::sass::TensorMapRecord r;
    r.rank = rank;
    r.element_bytes = c3::element_bytes(type);
    if (r.element_bytes == 0) c3::unsupported("data type", long(type));
    if (rank < 1 || rank > 5) c3::unsupported("rank", long(rank));
    if (unsigned(swizzle) > 3) c3::unsupported("swizzle", long(swizzle));
    r.swizzle = unsigned(swizzle);
    r.interleave = unsigned(interleave);
    r.global_address = reinterpret_cast<std::uint64_t>(address);
    for (unsigned d = 0; d < rank; ++d) {
        if (dims[d] > 0xffffffffull) c3::unsupported("dimension of", long(dims[d]));
        r.global_dim[d] = dims[d];
        if (d >= 1) r.global_stride[d] = strides[d - 1];  // the driver takes the strides of dimensions 1..rank-1
        r.box_dim[d] = box[d];
        r.element_stride[d] = element_strides[d];
    }
    static_assert(sizeof(CUtensorMap) == stcsim::isa::sass::TensorMapRecord::kBytes);
    stcsim::isa::sass::encode_tensor_map(r, reinterpret_cast<unsigned char*>(map));
    c3::recorded.push_back(r);
    return CUDA_SUCCESS;
}
