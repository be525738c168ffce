// fp8 (e4m3 / e5m2) warp-level mma and mma.sp on sm_90 / sm_90a, executed as ptxas lowers them.
//
// Hopper has no fp8 mma.sync tensor instruction. ptxas turns each form into two f16 tensor
// instructions on the exactly converted values and adds C afterwards (cuobjdump of the H200 probe
// program; mma.sync.aligned.m16n8k16.row.col.f32.e4m3.e4m3.f32):
//     F2FP.F16.E4M3.UNPACK_B  A_lo, B_lo    (low 16 bits of each A/B register -> two f16)
//     HMMA.1688.F32  T, A_lo, B_lo, RZ
//     F2FP.F16.E4M3.UNPACK_B  A_hi, B_hi    (.H1: the high 16 bits)
//     HMMA.1688.F32  T, A_hi, B_hi, T
//     FADD  D, C, T                         (one per C register)
// m16n8k32 uses HMMA.16816; an f16 D uses HMMA.*.F16 and HADD2. The sparse m16n8k64 (.sp and
// .sp::ordered_metadata, f32 D) unpacks A the same way, rebuilds B and the metadata with PRMT,
// SHF, LOP3 and SHFL, and runs HMMA.SP.16832.F32 with selector 0x0, then 0x1, then FADD.
//
// Contract. With H(A, B, C) = execute() of the f16 form of half the K (m16n8k8, m16n8k16, or
// mma.sp m16n8k32; same C/D type, same sparse kind), and fp8 values converted exactly to f16:
//     T0 = H(A_0, B_0, 0),  T1 = H(A_1, B_1, T0),  D = C + T1  (IEEE add, round to nearest even)
// where part p (0 or 1) holds
//   dense:  the K with k mod 4 in {2p, 2p+1}: f16 k' = 2q + s is fp8 k = 4q + 2p + s;
//   sparse: the 4-wide K chunks 2c + p: f16 chunk c is fp8 chunk 2c + p with its nibble unchanged
//           (metadata slot of selector p), so f16 stored A column 2c + s is fp8 stored column
//           4c + 2p + s and f16 B row 4c + i is fp8 B row 4(2c + p) + i.
// So C enters through one final rounding, and each part is fused by the H100 HMMA arithmetic.
// Metadata is checked against the fp8 form (the errors execute() gives); with
// InvalidMetadataMode::mux an invalid nibble is passed on unchanged to the f16 operation.
// Every fp8 probe of the H200 (dense k16/k32 f16 and f32, sparse and ordered k64, invalid
// metadata included) matches this bit for bit.
#pragma once

#include "isa/execute.h"

namespace stcsim::isa {

// True when `execute` runs `form` on `arch` through execute_fp8_sm90.
bool is_lowered_fp8(const MmaForm& form, Arch arch);

// D fragment of an fp8 form on sm_90 / sm_90a, following the contract above.
WarpFragment execute_fp8_sm90(const MmaForm& form, Arch arch, const MmaOperands& operands,
                              const ExecuteOptions& options);

}  // namespace stcsim::isa
