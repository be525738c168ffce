// The `mbar=` and `tma=` extension tokens of an instruction line (traces/README.md, "TMA and
// mbarriers"): Hopper mbarrier operations and TMA copies, read into and written from AsyncOp.
//
//   mbar=init:COUNT | mbar=arrive:COUNT:TX | mbar=complete:TX | mbar=wait:PARITY | mbar=inval
//   tma=load,SMEM,MBAR,BYTES,GLOBAL,ROW_BYTES{,N*STRIDE}
//   tma=store,SMEM,BYTES,GLOBAL,ROW_BYTES{,N*STRIDE}
//
// Limits (PTX's mbarrier ranges): an init COUNT 1..2^20-1, an arrive COUNT 0..2^20-1, TX
// 0..2^20-1, PARITY 0 or 1; SMEM 16-byte and MBAR 8-byte aligned, addresses hex; at most
// kMaxBoxRowDims row dimensions, each N >= 1; BYTES at least the box's rows (rows x ROW_BYTES),
// at most 2^32-1. A line may carry one such token, after `dst=` / `src=`, and only in an extended
// file; an `mbar=` line must be a memory line of width 8 (one barrier address per active lane; their
// alignment is checked by the replay, as the reader's line memo moves addresses unchecked), a `tma=` line one without addresses (MEM_WIDTH 0). Every violation is a
// UserError "FILE:LINE: expected <what>, got '<token>'".
#pragma once

#include <fmt/format.h>

#include <string_view>

#include "sim/trace/parse_util.h"
#include "sim/trace/trace_instruction.h"

namespace stcsim::trace {

inline constexpr std::uint32_t kMaxMbarrierCount = (1u << 20) - 1;

// Whether `token` starts like one of these tokens ("mbar=" or "tma=").
inline bool is_async_token(std::string_view token) { return token.starts_with("mbar=") || token.starts_with("tma="); }

// Parses `token` into `inst.async`, checking it against the line's other fields (memory width,
// addresses). Precondition: is_async_token(token).
void parse_async_token(std::string_view token, TraceInstruction& inst, const Where& where);

// Appends " mbar=..." / " tma=..." for `op` (nothing for AsyncKind::none).
void format_async_token(const AsyncOp& op, fmt::memory_buffer& out);

// The `bar=ID,THREADS` token of a BAR.SYNC line (named barriers: ID 0..15, THREADS a multiple of 32
// up to 1024, or 0 for every thread of the CTA), into inst.barrier / barrier_threads.
inline bool is_barrier_token(std::string_view token) { return token.starts_with("bar="); }
void parse_barrier_token(std::string_view token, TraceInstruction& inst, const Where& where);
// Appends " bar=ID,THREADS" unless the line names barrier 0 of every thread.
void format_barrier_token(const TraceInstruction& inst, fmt::memory_buffer& out);

// Rows of a TMA box (the product of its extents; 1 for a box without row dimensions).
std::uint64_t box_rows(const AsyncOp& op);

}  // namespace stcsim::trace
