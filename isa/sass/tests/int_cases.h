// The expressions of the integer-semantics tests, shared by the CUDA kernels (int_kernels.cu) and
// the host evaluation (../int_semantics_test.cpp): each kernel stores to out[(unsigned)(expr)], so
// the address the SASS emulator computes reveals every bit of the compiled expression's value.
//
// Variables: t = threadIdx.x + threadIdx.y * blockDim.x, c = blockIdx.x + blockIdx.y * gridDim.x,
// tx / ty / cx / cy the components, a, b (int), u (unsigned), w (long long) kernel parameters.
// Intrinsics (__popc, __clz, ...) have host versions in the test with CUDA's documented semantics.
// Expressions avoid signed overflow (undefined in C++ and CUDA alike).
#pragma once

#define STCSIM_INT_CASES(X)                                                          \
    X(mul_add, t * a + b)                                                            \
    X(three_adds, t - a - b + c * 5)                                                 \
    X(negate, -t * 3 + a)                                                            \
    X(ids_2d, tx * 1000 + ty * 100 + cx * 10 + cy)                                   \
    X(umul_wrap, u * (unsigned)t + 0x9e3779b9u)                                      \
    X(div_const_u, u / 7u + (unsigned)t / 3u)                                        \
    X(div_const_s, (a - t) / 5)                                                      \
    X(div_pow2_s, (a - t) / 4 + (b - t) / 64)                                        \
    X(mod_pow2_s, (a - t) % 8)                                                       \
    X(mod_const_u, (u + (unsigned)t) % 1000u)                                        \
    X(div_var_u, u / (unsigned)(t + 1))                                              \
    X(div_var_s, (a - t * 7) / (b + t % 5 + 1))                                      \
    X(mod_var_s, (a * 1000 - t * 77) % (t - 40 == 0 ? 3 : t - 40))                   \
    X(shifts_u, (u >> (t & 31)) ^ (u << (t & 15)))                                   \
    X(shift_s, (a - t * 1000) >> (t & 7))                                            \
    X(shift_const, ((unsigned)t << 7) | (u >> 25) | ((a - t) >> 2))                  \
    X(logic, (t & a) | (~t ^ b) | (t & ~u))                                          \
    X(logic3, (t ^ a ^ u) & (b | t))                                                 \
    X(compare_select, t < a ? t * 2 : t + b)                                         \
    X(compare_unsigned, (unsigned)t * 77u >= u >> 24 ? 5 : 9)                        \
    X(compare_chain, (t > 10 && t < 50) || t == a ? t : -t)                          \
    X(minmax, min(t, a) + max(t - b, c))                                             \
    X(minmax_u, umin(u ^ (unsigned)t, 1000000u) + umax((unsigned)t, 17u))            \
    X(absolute, abs(a - t) * 3)                                                      \
    X(popcount, __popc(u ^ (unsigned)t) + __popcll((unsigned long long)w + t))       \
    X(count_leading, __clz(t + 1) + __clz(a - t))                                    \
    X(find_first, __ffs(u >> (t & 7)) + __ffs(t))                                    \
    X(bit_reverse, __brev((unsigned)t) >> 20)                                        \
    X(byte_perm, __byte_perm(u, (unsigned)t, 0x5140))                                \
    X(byte_perm_var, __byte_perm(u, (unsigned)t * 0x01010101u, (unsigned)t & 0x7777)) \
    X(sign_extend8, (int)(signed char)(t * 37))                                      \
    X(sign_extend16, (int)(short)(t * 1237 + a * 40000))                             \
    X(zero_extend8, (unsigned)(unsigned char)(t * 37 + a))                           \
    X(wide_mul, (unsigned)(((unsigned long long)u * (unsigned)t) >> 32))             \
    X(wide_mul_s, (unsigned)(((long long)(a - t) * 987654321) >> 33))                \
    X(add64, (unsigned)((w + t) >> 3) ^ (unsigned)((w + t) >> 35))                   \
    X(sub64, (unsigned)((w - (long long)t * u) >> 29))                               \
    X(mul64, (unsigned)((w * (t + 3)) >> 17))                                        \
    X(shift64, (unsigned)(w >> (t & 31)) + (unsigned)(((unsigned long long)u << (t & 31)) >> 32)) \
    X(compare64, (long long)t * w > ((long long)a << 36) ? 1 : 2)                   \
    X(compare64_u, (unsigned long long)t * 0x100000001ull < (unsigned long long)w ? 3 : 4) \
    X(mulhi_u, __umulhi(u, (unsigned)t * 1234567u))                                  \
    X(mulhi_s, __mulhi(a - t, 987654321))                                            \
    X(float_round_trip, (int)((float)t * 0.5f + (float)a))                           \
    X(float_unsigned, (unsigned)((float)u * 0.25f))                                  \
    X(uniform_math, c * a + b * 7 + (cx ^ cy) * 3 + t)                               \
    X(loop_sum, loop_sum(t, b))                                                      \
    X(branchy, branchy(t, a, b))

// Helpers with control flow: divergent loops and branches (BSSY / BSYNC, predicated BRA).
#ifdef __CUDACC__
#define STCSIM_HD __host__ __device__
#else
#define STCSIM_HD
#endif

STCSIM_HD inline int loop_sum(int t, int b) {
    int v = 0;
    for (int i = 0; i < (t & 7); ++i) v += i * b + (v >> 1);
    return v;
}

STCSIM_HD inline int branchy(int t, int a, int b) {
    int v;
    if (t % 3 == 0) {
        v = t * a;
    } else if (t % 3 == 1) {
        v = t - b;
        if (t > 20) v ^= 0x55;
    } else {
        v = 7;
        while (v < t) v = v * 2 + 1;
    }
    return v + t;
}
