// The L1 latency kernel of Luo et al.'s suite (HPMLL/NVIDIA-Hopper-Benchmark, RegularUnits/l1_lat,
// after Jia et al.'s Volta dissection), written from its method so that `stcsim compare` replays
// the SASS nvcc makes of it against the published H100 record
// (validation/published/h100-sxm/luo-hopper-benchmark/memory.jsonl, "l1_lat"):
// one thread fills an array of 4096 8-byte pointers, each pointing at the next (the last at the
// first: 32 KB in address order), loads the first with ld.global.ca, waits at a barrier, reads the
// 32-bit %clock, follows ITERS pointers with ld.global.ca.u64 and reads %clock again; both clocks
// and the last pointer are stored. No warm-up pass: the first pass over the array is timed, right
// after the same thread wrote it. ITERS is a compile-time constant, as in the original (32768).
//
// Kernels: luo_mma_l1_lat_n<ITERS>, extern "C", parameters (u32* start, u32* stop, u64* array,
// u64* sink). The compare replays ITERS = 32768 and ITERS = 0 (the same kernel without its loop)
// and takes the difference per load.
#pragma once

#include <cstdint>

namespace stcsim::validation::device {

constexpr unsigned kLuoL1Pointers = 4096;

template <unsigned ITERS>
__device__ __forceinline__ void luo_l1_lat(std::uint32_t* start_clock, std::uint32_t* stop_clock, std::uint64_t* array,
                                           std::uint64_t* sink) {
    if (threadIdx.x != 0) return;
    for (unsigned i = 0; i + 1 < kLuoL1Pointers; ++i) array[i] = reinterpret_cast<std::uint64_t>(array + i + 1);
    array[kLuoL1Pointers - 1] = reinterpret_cast<std::uint64_t>(array);
    std::uint64_t next;
    asm volatile("ld.global.ca.u64 %0, [%1];" : "=l"(next) : "l"(array) : "memory");
    asm volatile("bar.sync 0;");
    std::uint32_t start, stop;
    asm volatile("mov.u32 %0, %%clock;" : "=r"(start)::"memory");
    for (unsigned i = 0; i < ITERS; ++i) {
        std::uint64_t loaded;
        asm volatile("ld.global.ca.u64 %0, [%1];" : "=l"(loaded) : "l"(next) : "memory");
        next = loaded;
    }
    asm volatile("mov.u32 %0, %%clock;" : "=r"(stop)::"memory");
    *start_clock = start;
    *stop_clock = stop;
    *sink = next;
}

}  // namespace stcsim::validation::device

#define STC_LUO_L1_LAT_KERNEL(iters)                                                                                 \
    extern "C" __global__ void luo_mma_l1_lat_n##iters(std::uint32_t* start, std::uint32_t* stop,                   \
                                                       std::uint64_t* array, std::uint64_t* sink) {                   \
        stcsim::validation::device::luo_l1_lat<iters>(start, stop, array, sink);                                     \
    }
STC_LUO_L1_LAT_KERNEL(0)
STC_LUO_L1_LAT_KERNEL(32768)
