// CUDA kernels of the integer-semantics tests: one per case of int_cases.h, plus the cases whose
// host evaluation needs the whole warp (shuffles, votes) or the whole CTA (shared memory).
// Compiled to a cubin by the build when nvcc is present; never run: the SASS emulator runs them.
#include "int_cases.h"

#define STCSIM_KERNEL(name, expr)                                                                      \
    extern "C" __global__ void name(unsigned* out, int a, int b, unsigned u, long long w) {            \
        const int tx = threadIdx.x, ty = threadIdx.y, cx = blockIdx.x, cy = blockIdx.y;                \
        const int t = tx + ty * blockDim.x, c = cx + cy * gridDim.x;                                   \
        (void)a, (void)b, (void)u, (void)w, (void)c, (void)tx, (void)ty, (void)cx, (void)cy;           \
        out[(unsigned)(expr)] = 1;                                                                     \
    }
STCSIM_INT_CASES(STCSIM_KERNEL)

#define STCSIM_T const int t = threadIdx.x + threadIdx.y * blockDim.x

extern "C" __global__ void shfl_idx(unsigned* out, int a, int, unsigned, long long) {
    STCSIM_T;
    out[(unsigned)__shfl_sync(0xffffffffu, t * 3 + a, (t + 1) & 31)] = 1;
}
extern "C" __global__ void shfl_xor(unsigned* out, int, int, unsigned, long long) {
    STCSIM_T;
    out[(unsigned)__shfl_xor_sync(0xffffffffu, t * 5, 5)] = 1;
}
extern "C" __global__ void shfl_up_down(unsigned* out, int, int, unsigned, long long) {
    STCSIM_T;
    out[(unsigned)(__shfl_up_sync(0xffffffffu, t, 3) * 100 + __shfl_down_sync(0xffffffffu, t, 2, 16))] = 1;
}
extern "C" __global__ void ballot(unsigned* out, int, int, unsigned, long long) {
    STCSIM_T;
    out[__ballot_sync(0xffffffffu, (t % 3) == 0) ^ (unsigned)t] = 1;
}
extern "C" __global__ void vote_any_all(unsigned* out, int a, int, unsigned, long long) {
    STCSIM_T;
    out[(unsigned)(__any_sync(0xffffffffu, t == a) * 2 + __all_sync(0xffffffffu, t < 1000))] = 1;
}
extern "C" __global__ void shared_readback(unsigned* out, int a, int, unsigned, long long) {
    __shared__ int s[256];
    __shared__ unsigned short h[256];
    STCSIM_T;
    const int n = blockDim.x * blockDim.y;
    s[t] = t * a;
    h[t] = (unsigned short)(t * 1000 + 7);
    __syncthreads();
    out[(unsigned)(s[(t + 33) % n] + h[(t + 5) % n])] = 1;
}
