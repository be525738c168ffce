// Memory, tensor and barrier instructions. None of them computes a value the emulator
// needs from memory it does not have: global loads are opaque unless the launch knows the bytes
// they read (Launch::global, what the host wrote), tensor results are opaque, shared memory
// holds what the CTA stored (opaque where cp.async or atomics wrote it), and every access records
// each executing lane's address for the trace.
//
// Sources of the semantics: PTX ISA "ld" / "st" / "atom" / "red" (LDG, STG, LD, ST, ATOM(G), RED;
// LDS, STS, ATOMS for shared), "ldmatrix" (LDSM: each lane gives one row address), "cp.async"
// (LDGSTS [shared], [global]), "bar.sync", "cp.async.commit_group / wait_group" (LDGDEPBAR,
// DEPBAR), "membar", "mma" / "mma.sp" (HMMA, IMMA: registers per operand from isa/catalog).
// The address of an operand [Ra(.64)(.Xn) + URb + imm] is Ra * n + URb + imm, with URb a register
// pair in 64-bit (global) addressing.
#include <array>
#include <cstring>

#include <fmt/format.h>

#include "isa/ldmatrix_layout.h"
#include "isa/sass/semantics.h"

namespace stcsim::isa::sass {
namespace {

}  // namespace

std::uint64_t memory_address(const Exec& x, int lane) {
    const Operand& o = x.op(x.d.mem_op);
    std::uint64_t a = static_cast<std::uint64_t>(o.imm);
    if (o.reg != kRZ) {
        const auto l = static_cast<std::size_t>(lane);
        std::uint64_t base = x.w.r[o.reg][l];
        if (o.base_width == 2) base |= std::uint64_t{x.w.r[(o.reg + 1) & 255][l]} << 32;
        a += base * o.scale;
    }
    if (o.index_ureg != kURZ) {
        std::uint64_t u = x.w.ur[o.index_ureg];
        if (x.d.space == Space::global || x.d.space == Space::ldgsts) u |= std::uint64_t{x.w.ur[(o.index_ureg + 1) & 63]} << 32;
        a += u;
    }
    if (x.d.space == Space::shared) a &= 0xffffffffu;
    return a;
}

namespace {

void check_shared(const Exec& x, std::uint64_t a, std::size_t bytes) {
    if (a + bytes > x.cta.shared.bytes.size())
        x.fail(fmt::format("shared-memory access at 0x{:x} ({} bytes) beyond the CTA's {} bytes (give --smem?)", a,
                           bytes, x.cta.shared.bytes.size()));
}

void record(Exec& x) {
    x.each([&](int lane) { x.addresses[static_cast<std::size_t>(lane)] = memory_address(x, lane); });
}

// Loads whose data the emulator does not have: global and generic loads, atomics.
void load_opaque(Exec& x) {
    record(x);
    if (x.d.space == Space::shared)
        x.each([&](int lane) { check_shared(x, x.addresses[static_cast<std::size_t>(lane)], x.d.access_bytes); });
    x.known = false;  // the destination's values are not computed: opaque registers are never read as values
}

// A loaded value of `n` bytes (1, 2, 4, 8 or 16) into the destination register(s) of `lane`; the
// 1- and 2-byte forms widen as their .S8 / .S16 modifier says.
void put_loaded(Exec& x, int lane, const std::uint8_t* buf, std::size_t n) {
    if (n < 4) {
        const bool sign = has(x.d, "S8") || has(x.d, "S16");
        std::uint32_t v = n == 1 ? buf[0] : static_cast<std::uint32_t>(buf[0] | (buf[1] << 8));
        if (sign && ((v >> (8 * n - 1)) & 1u)) v |= ~((1u << (8 * n)) - 1);
        x.set(0, lane, v);
        return;
    }
    for (std::size_t part = 0; part < n / 4; ++part) {
        std::uint32_t v;
        std::memcpy(&v, buf + 4 * part, 4);
        x.set(0, lane, v, static_cast<int>(part));
    }
}

// LDG: known values where the launch knows every byte every lane reads, opaque otherwise.
void ldg(Exec& x) {
    const GlobalMemory* memory = x.cta.program->launch().global.get();
    if (memory == nullptr || x.d.space != Space::global) return load_opaque(x);
    record(x);
    const std::size_t n = x.d.access_bytes;
    std::array<std::array<std::uint8_t, 16>, kLanes> loaded{};
    bool known = n <= 16;
    x.each([&](int lane) {
        const auto l = static_cast<std::size_t>(lane);
        known = known && memory->read(x.addresses[l], n, loaded[l].data());
    });
    if (!known) {
        x.known = false;
        return;
    }
    // Every value is read before any is written: a destination may be the address register.
    x.each([&](int lane) { put_loaded(x, lane, loaded[static_cast<std::size_t>(lane)].data(), n); });
}

// The bytes a store instruction writes in `lane` (its data operand follows the address), in `buf`.
void stored_bytes(const Exec& x, int lane, std::uint8_t* buf) {
    const int data = x.d.mem_op + 1;
    const Operand& o = x.op(data);
    for (std::size_t part = 0; part < (x.d.access_bytes + 3u) / 4; ++part) {
        const std::uint32_t v = o.kind == OperandKind::reg && o.reg != kRZ
                                    ? x.w.r[(o.reg + part) & 255][static_cast<std::size_t>(lane)]
                                    : x.u32(data, lane);
        std::memcpy(buf + 4 * part, &v, 4);
    }
}

// A store over bytes the launch knows must write what they hold (a kernel that fills its own
// table as the host would have); anything else would make later loads of them wrong.
void store_global(Exec& x) {
    record(x);
    const GlobalMemory* memory = x.cta.program->launch().global.get();
    if (memory == nullptr) return;
    const std::size_t n = x.d.access_bytes;
    x.each([&](int lane) {
        const std::uint64_t a = x.addresses[static_cast<std::size_t>(lane)];
        if (!memory->covers(a, n)) return;
        std::uint8_t stored[16] = {}, held[16] = {};
        stored_bytes(x, lane, stored);
        if (!x.known || n > 16 || !memory->read(a, n, held) || std::memcmp(stored, held, n) != 0)
            x.fail(fmt::format("a store to 0x{:x} changes the global memory the launch knows: stores that change it are not emulated", a));
    });
}

// LDSM.16.M88 / .MT88 (.2 / .4): matrix j (register j) is 8 rows of 16 bytes whose addresses lanes
// 8j..8j+7 give; each lane's two 16-bit elements per register are placed as isa/ldmatrix_layout.h
// says. Known when every byte read is known and every lane that gives a row address executes.
void ldsm(Exec& x) {
    record(x);
    const int matrices = x.d.dst_width[0];
    const bool trans = x.d.inst->has_modifier("MT88");
    for (int lane = 0; lane < 8 * matrices; ++lane) {
        if (!((x.mask >> lane) & 1u)) {
            x.known = false;
            return;
        }
        check_shared(x, x.addresses[static_cast<std::size_t>(lane)], 16);
    }
    auto element = [&x](int matrix, const MatrixElement& e) {
        const std::uint64_t a = x.addresses[static_cast<std::size_t>(8 * matrix + e.row)] + 2 * static_cast<std::uint64_t>(e.col);
        if (!x.cta.shared.known[a] || !x.cta.shared.known[a + 1]) x.known = false;
        return std::uint32_t{x.cta.shared.bytes[a]} | std::uint32_t{x.cta.shared.bytes[a + 1]} << 8;
    };
    // Every value is read before any is written: a destination may be an address register.
    std::array<std::array<std::uint32_t, 4>, kLanes> values{};
    x.each([&](int lane) {
        for (int j = 0; j < matrices; ++j)
            values[static_cast<std::size_t>(lane)][static_cast<std::size_t>(j)] =
                element(j, ldmatrix_source(lane, j, 0, trans)) | element(j, ldmatrix_source(lane, j, 1, trans)) << 16;
    });
    x.each([&](int lane) {
        for (int j = 0; j < matrices; ++j) x.set(0, lane, values[static_cast<std::size_t>(lane)][static_cast<std::size_t>(j)], j);
    });
}

void lds(Exec& x) {
    record(x);
    const std::size_t n = x.d.access_bytes;
    x.each([&](int lane) {
        const std::uint64_t a = x.addresses[static_cast<std::size_t>(lane)];
        check_shared(x, a, n);
        std::uint8_t buf[16] = {};
        for (std::size_t i = 0; i < n; ++i) {
            buf[i] = x.cta.shared.bytes[a + i];
            if (!x.cta.shared.known[a + i]) x.known = false;
        }
        put_loaded(x, lane, buf, n);
    });
}

void sts(Exec& x) {
    record(x);
    const std::size_t n = x.d.access_bytes;
    const std::uint8_t known = x.known ? 1 : 0;
    x.each([&](int lane) {
        const std::uint64_t a = x.addresses[static_cast<std::size_t>(lane)];
        check_shared(x, a, n);
        std::uint8_t buf[16] = {};
        stored_bytes(x, lane, buf);
        std::memcpy(&x.cta.shared.bytes[a], buf, n);
        std::memset(&x.cta.shared.known[a], known, n);
    });
}

// Shared memory written by something whose data the emulator does not have (cp.async, atomics).
void shared_opaque_write(Exec& x, int mem_operand) {
    const Operand& o = x.op(mem_operand);
    x.each([&](int lane) {
        std::uint64_t a = static_cast<std::uint64_t>(o.imm);
        if (o.reg != kRZ) a += std::uint64_t{x.w.r[o.reg][static_cast<std::size_t>(lane)]} * o.scale;
        if (o.index_ureg != kURZ) a += x.w.ur[o.index_ureg];
        a &= 0xffffffffu;
        check_shared(x, a, x.d.access_bytes);
        std::memset(&x.cta.shared.known[a], 0, x.d.access_bytes);
    });
}

// LDGSTS [shared], [global] (, P): the trace carries the global addresses. With a predicate (the
// zero-fill form of cp.async, src-size 0 where it is false) the lanes where it is false read nothing
// (they fill shared memory with zeros) and are left out of the access.
void ldgsts(Exec& x) {
    record(x);
    shared_opaque_write(x, 0);
    const int last = x.nops() - 1;
    if (last >= 2 && (x.op(last).kind == OperandKind::pred || x.op(last).kind == OperandKind::upred)) {
        std::uint32_t reads = 0;
        x.each([&](int lane) { reads |= x.pred(last, lane) ? (1u << lane) : 0u; });
        x.access_mask = reads;
    }
}

void atoms(Exec& x) {
    load_opaque(x);
    shared_opaque_write(x, x.d.mem_op);
}

void nothing(Exec&) {}

// Tensor-core instructions: the accumulators become opaque data (their values are not computed).
void mma(Exec& x) { x.known = false; }

void decode_bar(Decoded& d) {
    const auto& m = d.inst->modifiers;
    if (m.empty() || (m[0] != "SYNC" && m[0] != "ARV")) unsupported(d, "a barrier other than BAR.SYNC / BAR.ARV");
    if (m[0] == "SYNC") d.flow = Flow::barrier;
}

const Semantics kTable[] = {
    {"LDG", ldg, 1, Kind::memory, nullptr},
    {"LD", load_opaque, 1, Kind::memory, nullptr},
    {"STG", store_global, 0, Kind::memory, nullptr},
    {"ST", store_global, 0, Kind::memory, nullptr},
    {"ATOMG", load_opaque, 1, Kind::memory, nullptr},
    {"ATOM", load_opaque, 1, Kind::memory, nullptr},
    {"RED", store_global, 0, Kind::memory, nullptr},
    {"LDS", lds, 1, Kind::memory, nullptr},
    {"STS", sts, 0, Kind::memory, nullptr},
    {"ATOMS", atoms, 1, Kind::memory, nullptr},
    {"LDSM", ldsm, 1, Kind::memory, nullptr},
    {"LDGSTS", ldgsts, 0, Kind::memory, nullptr},
    {"HMMA", mma, 1, Kind::tensor, nullptr},
    {"IMMA", mma, 1, Kind::tensor, nullptr},
    {"BAR", nothing, 0, Kind::barrier, decode_bar},
    {"DEPBAR", nothing, 0, Kind::barrier, nullptr},
    {"LDGDEPBAR", nothing, 0, Kind::barrier, nullptr},
    {"MEMBAR", nothing, 0, Kind::barrier, nullptr},
    {"ERRBAR", nothing, 0, Kind::barrier, nullptr},
    {"CCTL", nothing, 0, Kind::barrier, nullptr},
};

}  // namespace

std::span<const Semantics> memory_semantics() { return kTable; }

}  // namespace stcsim::isa::sass
