// CUDA helpers shared by the validation programs: error checks that name the failing call, the
// device check every program makes after parsing its arguments ("no CUDA device" and exit status 3
// when there is none), and a query of the SASS architecture the loaded kernels were built for.
#pragma once

#include <cuda_runtime.h>

#include <cstdio>
#include <cstdlib>
#include <string>

namespace stcsim::validation {

inline constexpr int kExitNoDevice = 3;

#define STC_CUDA_CHECK(call)                                                                          \
    do {                                                                                              \
        const cudaError_t stc_err_ = (call);                                                          \
        if (stc_err_ != cudaSuccess) {                                                                \
            std::fprintf(stderr, "CUDA error: %s at %s:%d: %s\n", #call, __FILE__, __LINE__,          \
                         cudaGetErrorString(stc_err_));                                               \
            std::exit(1);                                                                             \
        }                                                                                             \
    } while (0)

struct DeviceInfo {
    int index = 0;
    std::string name;
    int cc = 0;         // compute capability x 10, e.g. 90
    int sass_arch = 0;  // __CUDA_ARCH__ of the kernels that run on it, e.g. 900
    int sm_count = 0;
    int clock_khz = 0;  // as reported by the runtime (cudaDevAttrClockRate)
    std::string arch_name() const { return "sm_" + std::to_string(cc); }
};

namespace detail {
static __global__ void report_arch(int* out) {
#ifdef __CUDA_ARCH__
    *out = __CUDA_ARCH__;
#endif
}
}  // namespace detail

// Exits with kExitNoDevice and "no CUDA device: <reason>" on stderr when no GPU can be used.
inline DeviceInfo require_device(const char* program) {
    int count = 0;
    const cudaError_t err = cudaGetDeviceCount(&count);
    if (err != cudaSuccess || count == 0) {
        std::fprintf(stderr, "%s: no CUDA device: %s\n", program,
                     err != cudaSuccess ? cudaGetErrorString(err) : "the runtime reports zero devices");
        std::exit(kExitNoDevice);
    }
    DeviceInfo info;
    STC_CUDA_CHECK(cudaGetDevice(&info.index));
    cudaDeviceProp prop{};
    STC_CUDA_CHECK(cudaGetDeviceProperties(&prop, info.index));
    info.name = prop.name;
    info.cc = prop.major * 10 + prop.minor;
    info.sm_count = prop.multiProcessorCount;
    STC_CUDA_CHECK(cudaDeviceGetAttribute(&info.clock_khz, cudaDevAttrClockRate, info.index));
    int* arch = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&arch, sizeof(int)));
    STC_CUDA_CHECK(cudaMemset(arch, 0, sizeof(int)));
    detail::report_arch<<<1, 1>>>(arch);
    STC_CUDA_CHECK(cudaGetLastError());
    STC_CUDA_CHECK(cudaMemcpy(&info.sass_arch, arch, sizeof(int), cudaMemcpyDeviceToHost));
    STC_CUDA_CHECK(cudaFree(arch));
    return info;
}

}  // namespace stcsim::validation
