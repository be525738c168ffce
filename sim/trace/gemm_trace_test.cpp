// The generated CUTLASS-like GEMM traces: instruction counts, structure, validation.
#include <gtest/gtest.h>

#include "sim/trace/gemm_trace.h"
