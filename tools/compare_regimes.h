// Which regime a measured timing point lies in, decided from the measured data alone (never from
// the simulation), so that `stcsim compare` can hold each regime to its own limit:
//   mma records      "mma_throughput" when the point is on its form's plateau: its measured
//                    rate (warps x ilp x iters / cycles, the FMA rate up to the form's constant)
//                    is at least kSaturatedFraction of the highest rate measured for that
//                    instruction in the folder; else "mma_latency" (limited by the dependent
//                    chain, not by the tensor core's rate); "mma" for the only record of its
//                    instruction (no plateau to hold it against), compared in cycles. A form the
//                    architecture has no tensor instruction for (isa::MmaForm::emulated) gets
//                    "_emulated" after "mma" (mma_emulated_latency, ...): a compiled instruction
//                    sequence, held to its own limits. A warp-group record (instr "wgmma...")
//                    gets "wgmma_throughput", "wgmma_latency" or "wgmma" instead, and its plateau
//                    is that of its instruction with the same A source ("a_source").
//   latency records  "latency_plateau" when its neighbours on the curve (same stride, the next
//                    smaller and larger footprints, where they exist) measure within
//                    kPlateauTolerance of it; else "latency_transition" (a footprint between two
//                    cache levels, where the curve depends on replacement and hashing details);
//                    "latency" for a curve of a single point.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "tools/measurements.h"

namespace stcsim::cli {

inline constexpr double kSaturatedFraction = 0.9;

// The ranges a timing record's numbers must lie in (iters may exceed what one simulation runs:
// compare_rows extrapolates such records).
inline constexpr std::int64_t kMaxRecordWarps = 1024;
inline constexpr std::int64_t kMaxRecordIlp = 255;
inline constexpr std::int64_t kMaxRecordIters = std::int64_t{1} << 50;
inline constexpr std::int64_t kMaxRecordFootprint = std::int64_t{1} << 36;  // sim::kMaxFootprintBytes
inline constexpr double kPlateauTolerance = 0.03;

// True for a record of a warp-group MMA (its "instr" starts with "wgmma.").
bool is_wgmma_record(const MeasuredRecord& record);
// Where a wgmma record's A came from: its "a_source", "shared" (the default) or "registers";
// UserError naming the record for anything else.
std::string wgmma_a_source(const MeasuredRecord& record);
// Whether an mma record's chains had A and B registers of their own (its "ab": "per_chain";
// "shared", the default, when they all read the same); UserError naming the record otherwise.
bool mma_own_ab(const MeasuredRecord& record);

// One class name per record (empty for records of other experiments); UserError naming the
// record for a malformed one.
std::vector<std::string> regime_classes(const std::vector<MeasuredRecord>& records);

}  // namespace stcsim::cli
