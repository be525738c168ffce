#include "sim/memory/shared_memory.h"

#include <algorithm>
#include <array>
#include <bit>

#include "common/errors.h"
#include "sim/core/divisor.h"

namespace stcsim::sim {
namespace {

// The bank-width words one phase touches, in a fixed buffer: a phase has at most 32 lanes of at
// most 16 bytes, and a 16-byte access spans at most 17 words (bank width >= 1 byte).
struct PhaseWords {
    static constexpr int kCapacity = 32 * 17;
    std::array<std::uint64_t, kCapacity> word;
    int size = 0;
};

// Whether no bank holds two distinct words (the usual case: swizzled layouts avoid conflicts), by
// remembering the one word seen per bank. Answers false (undecided) for more than 64 banks.
bool conflict_free(const SharedMemorySpec& spec, const PhaseWords& words) {
    if (spec.banks > 64) return false;
    const Divisor banks(static_cast<std::uint64_t>(spec.banks));
    std::uint64_t used = 0;
    std::array<std::uint64_t, 64> held;  // held[b] is valid where bit b of `used` is set
    for (int i = 0; i < words.size; ++i) {
        const std::uint64_t w = words.word[static_cast<std::size_t>(i)];
        const std::uint64_t b = banks.mod(w);
        if ((used >> b & 1u) == 0) {
            used |= std::uint64_t{1} << b;
            held[b] = w;
        } else if (held[b] != w) {
            return false;
        }
    }
    return true;
}

// Wavefronts of one phase: the most distinct words that any one bank holds. Sorts `words` in
// place when banks conflict; allocates nothing.
int phase_wavefronts(const SharedMemorySpec& spec, PhaseWords& words) {
    if (words.size == 0) return 0;
    if (conflict_free(spec, words)) return 1;
    std::uint64_t* begin = words.word.data();
    std::sort(begin, begin + words.size);
    const auto distinct = static_cast<int>(std::unique(begin, begin + words.size) - begin);
    // The banks of the distinct words, sorted: the longest run of one bank is the answer.
    std::array<std::uint64_t, PhaseWords::kCapacity> bank;
    const Divisor banks(static_cast<std::uint64_t>(spec.banks));
    for (int i = 0; i < distinct; ++i) bank[static_cast<std::size_t>(i)] = banks.mod(begin[i]);
    std::sort(bank.begin(), bank.begin() + distinct);
    int most = 1, run = 1;
    for (int i = 1; i < distinct; ++i) {
        run = bank[static_cast<std::size_t>(i)] == bank[static_cast<std::size_t>(i - 1)] ? run + 1 : 1;
        most = std::max(most, run);
    }
    return most;
}

void add_words(const SharedMemorySpec& spec, std::uint64_t addr, int bytes, PhaseWords& words) {
    const Divisor bw(static_cast<std::uint64_t>(spec.bank_width_bytes));
    const std::uint64_t last = bw.div(addr + static_cast<std::uint64_t>(bytes) - 1);
    for (std::uint64_t w = bw.div(addr); w <= last; ++w) words.word[static_cast<std::size_t>(words.size++)] = w;
}

}  // namespace

int shared_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int width_bytes) {
    if (width_bytes != 1 && width_bytes != 2 && width_bytes != 4 && width_bytes != 8 && width_bytes != 16)
        throw UserError("shared-memory access width must be 1, 2, 4, 8 or 16 bytes, got " + std::to_string(width_bytes));
    const int wavefront_bytes = spec.banks * spec.bank_width_bytes;
    const int lanes_per_phase = std::min(32, std::max(1, wavefront_bytes / width_bytes));
    int total = 0;
    PhaseWords words;
    for (int first = 0; first < 32; first += lanes_per_phase) {
        words.size = 0;
        for (int l = first; l < first + lanes_per_phase; ++l)
            if (lanes.active >> l & 1u) add_words(spec, lanes.addr[static_cast<std::size_t>(l)], width_bytes, words);
        total += phase_wavefronts(spec, words);
    }
    return total;
}

namespace {

// One ldmatrix phase when a 16-byte row fills whole banks of one group of consecutive banks (the
// bank window, banks x bank width bytes, a multiple of 16): rows in the same group conflict unless
// they are the same row, rows in different groups never do. So the wavefronts are the most
// distinct rows any group holds, found without listing words.
int ldmatrix_phase_by_groups(const std::uint64_t* rows, const Divisor& window) {
    std::uint64_t seen = 0;  // the usual case first: eight rows in eight groups
    for (int r = 0; r < 8; ++r) seen |= std::uint64_t{1} << (window.mod(rows[r]) / 16);
    if (std::popcount(seen) == 8) return 1;
    std::array<int, 64> per_group{};
    int most = 0;
    for (int r = 0; r < 8; ++r) {
        bool repeated = false;
        for (int earlier = 0; earlier < r && !repeated; ++earlier) repeated = rows[earlier] == rows[r];
        if (repeated) continue;
        most = std::max(most, ++per_group[static_cast<std::size_t>(window.mod(rows[r]) / 16)]);
    }
    return most;
}

}  // namespace

int ldmatrix_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int num) {
    if (num != 1 && num != 2 && num != 4) throw UserError("ldmatrix: .x1, .x2 or .x4 expected, got .x" + std::to_string(num));
    const Divisor window(static_cast<std::uint64_t>(spec.banks * spec.bank_width_bytes));
    const bool by_groups = 16 % spec.bank_width_bytes == 0 && window.d % 16 == 0 && window.d / 16 <= 64;
    int total = 0;
    PhaseWords words;
    for (int m = 0; m < num; ++m) {
        const std::uint64_t* rows = lanes.addr.data() + 8 * m;
        for (int r = 0; r < 8; ++r)
            if (rows[r] % 16 != 0) throw UserError("ldmatrix: row address of lane " + std::to_string(8 * m + r) + " is not 16-byte aligned");
        if (by_groups) {
            total += ldmatrix_phase_by_groups(rows, window);
            continue;
        }
        words.size = 0;
        for (int r = 0; r < 8; ++r) add_words(spec, rows[r], 16, words);
        total += phase_wavefronts(spec, words);
    }
    return total;
}

std::uint64_t SharedMemory::access(Kind kind, int wavefronts, std::uint64_t now) {
    const std::uint64_t start = std::max(now, state_.busy_until);
    const auto busy = static_cast<std::uint64_t>(std::max(1, wavefronts) * spec_.wavefront_cycles);
    state_.busy_until = start + busy;
    const int latency = kind == Kind::load ? spec_.load_latency : kind == Kind::store ? spec_.store_latency : spec_.ldmatrix_latency;
    if (kind == Kind::ldmatrix) ++state_.ldmatrix;
    return start + static_cast<std::uint64_t>(latency) +
           static_cast<std::uint64_t>(std::max(0, wavefronts - 1)) * static_cast<std::uint64_t>(spec_.wavefront_latency_cycles);
}

void SharedMemory::count(std::uint64_t bytes, int phases, int wavefronts) {
    ++state_.accesses;
    state_.bytes += bytes;
    state_.wavefronts += static_cast<std::uint64_t>(wavefronts);
    state_.bank_conflicts += static_cast<std::uint64_t>(std::max(0, wavefronts - phases));
}

void SharedMemory::register_stats(Stats& stats, const std::string& prefix) const {
    stats.counter(prefix + ".accesses", "warp accesses", "shared-memory warp accesses (ld/st.shared, ldmatrix)", &state_.accesses);
    stats.counter(prefix + ".ldmatrix", "warp instructions", "ldmatrix instructions", &state_.ldmatrix);
    stats.counter(prefix + ".wavefronts", "wavefronts", "bank wavefronts served (one per 128 B without conflicts)", &state_.wavefronts);
    stats.counter(prefix + ".bank_conflicts", "wavefronts", "extra wavefronts caused by bank conflicts", &state_.bank_conflicts);
    stats.counter(prefix + ".bytes", "bytes", "bytes moved between shared memory and registers", &state_.bytes);
}

}  // namespace stcsim::sim
