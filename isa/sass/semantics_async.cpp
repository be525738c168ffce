// Hopper's asynchronous machinery: mbarriers (SYNCS), TMA copies (UTMALDG, UTMASTG and their
// prefetch / flush companions), warp-group MMA (HGMMA, IGMMA, QGMMA, WARPGROUP) and the
// election and fences around them.
//
// Sources of the semantics: PTX ISA "mbarrier" (init, arrive, expect_tx, complete_tx, test_wait /
// try_wait.parity, inval), "cp.async.bulk.tensor", "elect.sync", "wgmma", and the SASS that nvcc
// 13 writes for each of them on sm_90a (read from kernels compiled for the purpose):
//   mbarrier.init [a], n              SYNCS.EXCH.64 URZ, [a], UR  with UR = {(2^20-n)<<1, (2^20-n)<<11}
//   mbarrier.arrive [a]               SYNCS.ARRIVE.TRANS64.A1T0 Rd, [a], RZ     (Rd: the 64-bit state)
//   mbarrier.arrive [a], n            SYNCS.ARRIVE.TRANS64.ART0 Rd, [a], Rn
//   mbarrier.arrive.expect_tx [a], t  SYNCS.ARRIVE.TRANS64 Rd, [a], Rt
//   mbarrier.complete_tx [a], t       SYNCS.ARRIVE.TRANS64.RED.A0TX Rd, [a], Rt
//   test_wait / try_wait.parity       SYNCS.PHASECHK.TRANS64[.TRYWAIT] P, [a], R  (R bit 31: the parity)
//   mbarrier.inval [a]                SYNCS.CCTL.IV [a]
//   cp.async.bulk.tensor load         UTMALDG.nD [URa], [URm]: URa = smem, URa+1 = mbarrier, URa+2.. = coordinates;
//                                     URm:URm+1 = the tensor map's generic address
//   cp.async.bulk.tensor store        UTMASTG.nD [URa], [URm]: URa = smem, URa+1.. = coordinates
//   elect.sync                        ELECT P, UR, Pmember: P true in the lowest member lane, UR = its lane
// A __grid_constant__ tensor map is addressed through c[0x0][0x198], the generic address of the
// parameter buffer (kParamWindow here). The arrive's state operand holds the phase parity in bit 63
// (only that bit is modelled). Emulated TMA loads complete at once (their data is opaque).
#include <fmt/format.h>

#include <bit>
#include <cstring>

#include "isa/sass/semantics.h"
#include "isa/sass/tensor_map_record.h"
#include "isa/wgmma_catalog.h"

namespace stcsim::isa::sass {
namespace {

void nothing(Exec&) {}

std::uint32_t shared_offset(const Exec& x, std::uint64_t window_address, std::size_t bytes, const char* what) {
    const std::uint64_t rank = window_address >> 24;
    if (rank != 0)
        x.fail(fmt::format("{} at shared-memory address 0x{:x} names CTA rank {} of a cluster; launches here have no "
                           "clusters",
                           what, window_address, rank));
    if (window_address + bytes > x.cta.shared.bytes.size())
        x.fail(fmt::format("{} at 0x{:x} ({} bytes) beyond the CTA's {} bytes of shared memory", what, window_address,
                           bytes, x.cta.shared.bytes.size()));
    return static_cast<std::uint32_t>(window_address);
}

MbarrierState& barrier_at(Exec& x, std::uint32_t offset) {
    const auto it = x.cta.mbarriers.find(offset);
    if (it == x.cta.mbarriers.end())
        x.fail(fmt::format("mbarrier at shared offset 0x{:x} used before its initialisation", offset));
    return it->second;
}

void settle(MbarrierState& b) {
    if (b.pending == 0 && b.tx == 0) {
        ++b.phase;
        b.pending = b.expected;
    }
}

// The one value every executing lane gives (the trace states one per line).
template <typename F>
std::uint64_t same_in_every_lane(Exec& x, const char* what, F value) {
    bool first = true;
    std::uint64_t v = 0;
    x.each([&](int lane) {
        const std::uint64_t here = value(lane);
        if (!first && here != v) x.fail(fmt::format("lanes give different {} ({} and {}); not traced", what, v, here));
        v = here, first = false;
    });
    return v;
}

void require_known_ur(const Exec& x, int ur, const char* what) {
    if (ur != kURZ && !x.w.ur_known[static_cast<std::size_t>(ur & 63)])
        x.fail(fmt::format("the {} (UR{}) depends on data the emulator does not have", what, ur));
}
std::uint32_t ureg(const Exec& x, int ur) { return ur >= kURZ ? 0u : x.w.ur[static_cast<std::size_t>(ur)]; }

// ---- mbarriers -------------------------------------------------------------------------------

void syncs_exch(Exec& x) {
    const int lane = std::countr_zero(x.mask);
    x.access_mask = 1u << lane;  // an initialisation is one operation, whichever lanes run it
    x.addresses[static_cast<std::size_t>(lane)] = memory_address(x, lane);
    const std::uint32_t offset = shared_offset(x, x.addresses[static_cast<std::size_t>(lane)], 8, "mbarrier");
    if (!x.known) x.fail("the mbarrier's initial value depends on data the emulator does not have");
    const std::uint64_t v = x.u64(2, lane);
    const auto lo = static_cast<std::uint32_t>(v), hi = static_cast<std::uint32_t>(v >> 32);
    const std::uint32_t field = (lo >> 1) & 0xfffffu;
    if ((lo & ~0x1ffffeu) != 0 || hi != (field << 11) || field == 0)
        x.fail(fmt::format("SYNCS.EXCH.64 of 0x{:016x}, which is not an mbarrier initialisation", v));
    const std::uint32_t count = 0x100000u - field;
    x.cta.mbarriers[offset] = MbarrierState{count, count, 0, 0};
    std::memcpy(&x.cta.shared.bytes[offset], &v, 8);
    std::memset(&x.cta.shared.known[offset], 1, 8);
    x.cta.async = AsyncRecord{};
    x.cta.async.kind = AsyncKind::mbar_init;
    x.cta.async.count = count;
}

void decode_exch(Decoded& d) {
    if (!has(d, "64") || d.ops.size() != 3 || d.ops[2].kind != OperandKind::ureg)
        unsupported(d, "SYNCS.EXCH other than the 64-bit mbarrier initialisation");
}

// SYNCS.ARRIVE.TRANS64[.RED][.A1T0|.ART0|.A0TX|.A0TR] Rd, [a], Rv (d.mode: 0 arrive once and expect
// Rv bytes, 1 arrive once, 2 arrive Rv times, 3 complete Rv bytes, 4 expect Rv bytes).
void syncs_arrive(Exec& x) {
    const int value = 2;
    std::uint64_t count = 0, bytes = 0;
    switch (x.d.mode) {
        case 0: count = 1, bytes = same_in_every_lane(x, "transaction counts", [&](int l) { return x.u32(value, l); }); break;
        case 1: count = 1; break;
        case 2: count = same_in_every_lane(x, "arrival counts", [&](int l) { return x.u32(value, l); }); break;
        default: bytes = same_in_every_lane(x, "transaction counts", [&](int l) { return x.u32(value, l); }); break;
    }
    if (!x.known && x.d.mode != 1)
        x.fail("the arrival or transaction count depends on data the emulator does not have");
    x.each([&](int lane) {
        const std::uint64_t a = memory_address(x, lane);
        x.addresses[static_cast<std::size_t>(lane)] = a;
        MbarrierState& b = barrier_at(x, shared_offset(x, a, 8, "mbarrier"));
        const std::uint32_t parity = b.phase & 1u;
        if (x.d.mode == 3) {
            b.tx -= static_cast<std::int64_t>(bytes);
        } else {
            b.tx += static_cast<std::int64_t>(bytes);
            if (count > b.pending)
                x.fail(fmt::format("{} arrival(s) at an mbarrier expecting {} more in this phase", count, b.pending));
            b.pending -= static_cast<std::uint32_t>(count);
        }
        settle(b);
        x.set(0, lane, 0, 0);
        x.set(0, lane, parity << 31, 1);
    });
    x.cta.async = AsyncRecord{};
    x.cta.async.kind = x.d.mode == 3 ? AsyncKind::mbar_complete : AsyncKind::mbar_arrive;
    x.cta.async.count = static_cast<std::uint32_t>(count);
    x.cta.async.bytes = bytes;
}

// The suffix names the arrival count and the transaction bytes: A1 once, AR Rv times, A0 none;
// T0 none, TR Rv expected, TX Rv completed; none: once, and Rv expected. .RED is the form that may
// name another CTA of the cluster (the same operation here: a cluster of one CTA).
void decode_arrive(Decoded& d) {
    if (!has(d, "TRANS64") || d.ops.size() != 3) unsupported(d, "this SYNCS.ARRIVE form");
    const std::size_t plain = has(d, "RED") ? 3 : 2;
    if (has(d, "A1T0")) d.mode = 1;
    else if (has(d, "ART0")) d.mode = 2;
    else if (has(d, "A0TX")) d.mode = 3;
    else if (has(d, "A0TR")) d.mode = 4;
    else if (d.inst->modifiers.size() == plain) d.mode = 0;
    else unsupported(d, "this SYNCS.ARRIVE form");
    if (d.mode != 0 && d.inst->modifiers.size() != plain + 1) unsupported(d, "this SYNCS.ARRIVE form");
    d.dst_width[0] = 2;
}

std::uint32_t wait_parity(Exec& x, int lane) { return (x.u32(2, lane) >> 31) & 1u; }

void syncs_phasechk(Exec& x) {
    // The emulator runs it only once every lane's phase has completed (mbarrier_wait_ready).
    const std::uint64_t parity = same_in_every_lane(x, "phase parities", [&](int l) { return wait_parity(x, l); });
    x.each([&](int lane) {
        x.addresses[static_cast<std::size_t>(lane)] = memory_address(x, lane);
        x.set_pred(0, lane, true);
    });
    x.cta.async = AsyncRecord{};
    x.cta.async.kind = AsyncKind::mbar_wait;
    x.cta.async.count = static_cast<std::uint32_t>(parity);
}

void decode_phasechk(Decoded& d) {
    if (!has(d, "TRANS64") || d.ops.size() != 3 || d.ops[0].kind != OperandKind::pred)
        unsupported(d, "this SYNCS.PHASECHK form");
    d.flow = Flow::mbar_wait;
}

void syncs_cctl(Exec& x) {
    x.each([&](int lane) {
        const std::uint64_t a = memory_address(x, lane);
        x.addresses[static_cast<std::size_t>(lane)] = a;
        x.cta.mbarriers.erase(shared_offset(x, a, 8, "mbarrier"));
    });
    x.cta.async = AsyncRecord{};
    x.cta.async.kind = AsyncKind::mbar_inval;
}

void syncs(Exec& x) {
    const std::string& op = x.d.inst->modifiers[0];
    if (op == "EXCH") syncs_exch(x);
    else if (op == "ARRIVE") syncs_arrive(x);
    else if (op == "PHASECHK") syncs_phasechk(x);
    else syncs_cctl(x);
}

void decode_syncs(Decoded& d) {
    const auto& m = d.inst->modifiers;
    if (m.empty()) unsupported(d, "SYNCS without an operation");
    if (m[0] == "EXCH") decode_exch(d);
    else if (m[0] == "ARRIVE") decode_arrive(d);
    else if (m[0] == "PHASECHK") decode_phasechk(d);
    else if (m[0] == "CCTL" && m.size() == 2 && m[1] == "IV") d.ndst = 0;
    else unsupported(d, "SYNCS." + m[0]);
    d.space = Space::shared;
    d.trace_mem_width = 8;
}

// ---- TMA ---------------------------------------------------------------------------------------

TensorMapRecord tensor_map(const Exec& x, int ur) {
    require_known_ur(x, ur, "tensor map address");
    require_known_ur(x, ur + 1, "tensor map address");
    const std::uint64_t address = ureg(x, ur) | std::uint64_t{ureg(x, ur + 1)} << 32;
    const auto& params = x.cta.program->launch().params;
    if (address < kParamWindow || address - kParamWindow + TensorMapRecord::kBytes > params.size())
        x.fail(fmt::format("the tensor map at 0x{:x} is not in the kernel's parameters (only __grid_constant__ "
                           "tensor maps are emulated)",
                           address));
    TensorMapRecord map;
    if (!decode_tensor_map(params.data() + (address - kParamWindow), map))
        x.fail(fmt::format("the parameter bytes at offset 0x{:x} are not a tensor map this tracer can read (launches "
                           "built without a GPU carry isa/sass/tensor_map_record.h's record)",
                           address - kParamWindow));
    if (map.interleave != 0) x.fail("interleaved tensor maps are not emulated");
    return map;
}

// The copy's box at `coords` in global memory: the rows inside the tensor, and the box's bytes.
void box_of(const Exec& x, const TensorMapRecord& map, const std::int64_t* coords, AsyncRecord& r) {
    std::uint64_t bytes = map.element_bytes;
    std::uint64_t global = map.global_address;
    bool empty = false;
    std::array<std::uint64_t, 5> count{};
    for (std::uint32_t d = 0; d < map.rank; ++d) {
        if (map.element_stride[d] != 1) x.fail("tensor maps with element strides are not emulated");
        bytes *= map.box_dim[d];
        const std::int64_t lo = std::max<std::int64_t>(coords[d], 0);
        const std::int64_t hi = std::min<std::int64_t>(coords[d] + map.box_dim[d], static_cast<std::int64_t>(map.global_dim[d]));
        count[d] = hi > lo ? static_cast<std::uint64_t>(hi - lo) : 0;
        empty = empty || count[d] == 0;
        global += static_cast<std::uint64_t>(lo) * (d == 0 ? map.element_bytes : map.global_stride[d]);
    }
    r.bytes = bytes;
    if (empty) return;  // nothing is read: the whole box is filled with zeros
    r.global = global;
    r.row_bytes = static_cast<std::uint32_t>(count[0] * map.element_bytes);
    r.row_dims = static_cast<std::uint8_t>(map.rank - 1);
    for (std::uint32_t d = 1; d < map.rank; ++d) {
        r.extent[d - 1] = static_cast<std::uint32_t>(count[d]);
        r.stride[d - 1] = static_cast<std::int64_t>(map.global_stride[d]);
    }
}

// UTMALDG / UTMASTG: d.mode holds the copy's rank.
void tma_copy(Exec& x, bool load) {
    const int tuple = x.op(0).index_ureg, map_ur = x.op(1).index_ureg;
    const TensorMapRecord map = tensor_map(x, map_ur);
    if (map.rank != x.d.mode)
        x.fail(fmt::format("a {}-D copy through a tensor map of rank {}", x.d.mode, map.rank));
    const int first_coord = tuple + (load ? 2 : 1);
    std::int64_t coords[5] = {};
    for (std::uint32_t d = 0; d < map.rank; ++d) {
        require_known_ur(x, first_coord + static_cast<int>(d), "TMA coordinate");
        coords[d] = static_cast<std::int32_t>(ureg(x, first_coord + static_cast<int>(d)));
    }
    require_known_ur(x, tuple, "TMA shared-memory address");
    AsyncRecord r;
    r.kind = load ? AsyncKind::tma_load : AsyncKind::tma_store;
    box_of(x, map, coords, r);
    r.smem = shared_offset(x, ureg(x, tuple), r.bytes, "TMA copy");
    if (r.smem % 16 != 0) x.fail(fmt::format("TMA shared-memory address 0x{:x} is not 16-byte aligned", r.smem));
    if (load) {
        require_known_ur(x, tuple + 1, "mbarrier address");
        r.mbar = shared_offset(x, ureg(x, tuple + 1), 8, "mbarrier");
        std::memset(&x.cta.shared.known[r.smem], 0, r.bytes);  // global data: opaque
        MbarrierState& b = barrier_at(x, r.mbar);
        b.tx -= static_cast<std::int64_t>(r.bytes);  // emulated copies land at once
        settle(b);
    }
    x.cta.async = r;
}

void utmaldg(Exec& x) { tma_copy(x, true); }
void utmastg(Exec& x) { tma_copy(x, false); }

void decode_tma_copy(Decoded& d) {
    std::uint32_t rank = 0;
    for (const auto& m : d.inst->modifiers) {
        if (m.size() == 2 && m[1] == 'D' && m[0] >= '1' && m[0] <= '5') rank = static_cast<std::uint32_t>(m[0] - '0');
        else if (m != "TILE") unsupported(d, d.inst->base + "." + m);
    }
    // An optional third operand, desc[URc], is an L2 cache policy: no effect on what is copied.
    const bool policy = d.ops.size() == 3 && d.ops[2].kind == OperandKind::ureg && d.ops[2].suffix == "desc";
    if (rank == 0 || (d.ops.size() != 2 && !policy) || d.ops[0].kind != OperandKind::mem || d.ops[1].kind != OperandKind::mem ||
        d.ops[0].reg != kRZ || d.ops[1].reg != kRZ || d.ops[0].index_ureg == kURZ || d.ops[1].index_ureg == kURZ ||
        d.ops[0].imm != 0 || d.ops[1].imm != 0)
        unsupported(d, "this " + d.inst->base + " form (expected " + d.inst->base + ".nD [URa], [URb] [, desc[URc]])");
    d.mode = rank;
}

// ---- election ----------------------------------------------------------------------------------

// ELECT Pd, URd, Pmember: the lowest lane that runs it and is a member.
void elect(Exec& x) {
    std::uint32_t members = 0;
    x.each([&](int lane) { members |= x.pred(2, lane) ? (1u << lane) : 0u; });
    const int leader = members == 0 ? -1 : std::countr_zero(members);
    x.each([&](int lane) {
        x.set_pred(0, lane, lane == leader);
        x.set(1, lane, static_cast<std::uint32_t>(leader < 0 ? 0 : leader));
    });
}

void decode_elect(Decoded& d) {
    if (d.ops.size() != 3 || d.ops[0].kind != OperandKind::pred || d.ops[1].kind != OperandKind::ureg)
        unsupported(d, "this ELECT form (expected ELECT P, UR, P)");
}

// ---- warp-group MMA ----------------------------------------------------------------------------

// The accumulators become opaque data (their values are not computed here).
void gmma(Exec& x) { x.known = false; }

const Semantics kTable[] = {
    {"SYNCS", syncs, 1, Kind::barrier, decode_syncs},
    {"UTMALDG", utmaldg, 0, Kind::memory, decode_tma_copy},
    {"UTMASTG", utmastg, 0, Kind::memory, decode_tma_copy},
    {"UTMAPF", nothing, 0, Kind::control, nullptr},       // prefetch of a box into L2: no data moves here
    {"UTMACCTL", nothing, 0, Kind::control, nullptr},     // prefetch / invalidation of a tensor map
    {"UTMACMDFLUSH", nothing, 0, Kind::control, nullptr}, // commits the bulk copies issued so far
    {"ELECT", elect, 2, Kind::alu, decode_elect},
    {"HGMMA", gmma, 1, Kind::tensor, nullptr},
    {"IGMMA", gmma, 1, Kind::tensor, nullptr},
    {"QGMMA", gmma, 1, Kind::tensor, nullptr},
    {"WARPGROUP", nothing, 0, Kind::control, nullptr},    // ARRIVE (wgmma.fence), DEPBAR.LE gsb0, N (wait_group)
    {"FENCE", nothing, 0, Kind::barrier, nullptr},        // FENCE.VIEW.ASYNC.S (fence.proxy.async)
    {"USETMAXREG", nothing, 0, Kind::control, nullptr},   // setmaxnreg: register allocation only
    {"UCGABAR_ARV", nothing, 0, Kind::barrier, nullptr},  // cluster barrier: a cluster of one CTA
    {"UCGABAR_WAIT", nothing, 0, Kind::barrier, nullptr},
    {"CGAERRBAR", nothing, 0, Kind::barrier, nullptr},
};

}  // namespace

bool mbarrier_wait_ready(Exec& x, std::string& why) {
    bool ready = true;
    x.each([&](int lane) {
        if (!ready) return;
        const std::uint64_t a = memory_address(x, lane);
        const std::uint32_t offset = shared_offset(x, a, 8, "mbarrier");
        const std::uint32_t parity = wait_parity(x, lane);
        const auto it = x.cta.mbarriers.find(offset);
        if (it == x.cta.mbarriers.end() || !it->second.completed(parity)) {
            ready = false;
            why = fmt::format("at shared offset 0x{:x} (phase parity {}{})", offset, parity,
                              it == x.cta.mbarriers.end() ? ", never initialised" : "");
        }
    });
    return ready;
}

std::span<const Semantics> async_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
