// Host-callable instruction-pipe and launch microbenchmarks (pipe_bench): each runs one experiment
// on the current device and returns what it timed (clock64 cycles on the SM, or CUDA-event time).
#pragma once

#include <string>

#include "validation/pipe/pipe_streams.h"

namespace stcsim::validation {

struct PipeTiming {
    long long steps = 0;          // instructions per chain of the shorter run (4 per loop iteration)
    long long cycles = 0;         // the slowest warp's clock64 cycles around its loop, shorter run
    long long cycles_double = 0;  // the same with twice the iterations
    // What one more step of every chain costs, the loop's set-up and the clock reads taken out.
    double cycles_per_step() const { return static_cast<double>(cycles_double - cycles) / static_cast<double>(steps); }
};
// One CTA of `warps` warps, each running `chains` (1 or 8) independent chains of `stream`
// (pipe_streams.h), timed at `iterations` and 2 x `iterations` loop iterations. Throws
// std::invalid_argument for a chain count other than 1 or 8.
PipeTiming time_pipe_stream(const PipeStream& stream, int chains, int warps, int iterations);

struct LaunchTiming {
    double us_per_launch = 0;  // `launches` back-to-back launches between two events, divided
    double us_single = 0;      // one launch between two events (median of 20)
};
// Empty kernels of `ctas` CTAs of `threads` threads.
LaunchTiming time_empty_launches(int ctas, int threads, int launches);

}  // namespace stcsim::validation
