#include "sim/memory/shared_memory.h"

#include <algorithm>
#include <vector>

#include "common/errors.h"

namespace stcsim::sim {
namespace {

// Wavefronts of one phase: words[i] are the distinct bank-width words it touches.
int phase_wavefronts(const SharedMemorySpec& spec, std::vector<std::uint64_t>& words) {
    if (words.empty()) return 0;
    std::sort(words.begin(), words.end());
    words.erase(std::unique(words.begin(), words.end()), words.end());
    std::vector<int> per_bank(static_cast<std::size_t>(spec.banks), 0);
    int most = 0;
    for (std::uint64_t w : words) {
        int& n = per_bank[static_cast<std::size_t>(w % static_cast<std::uint64_t>(spec.banks))];
        most = std::max(most, ++n);
    }
    return most;
}

void add_words(const SharedMemorySpec& spec, std::uint64_t addr, int bytes, std::vector<std::uint64_t>& words) {
    const auto bw = static_cast<std::uint64_t>(spec.bank_width_bytes);
    for (std::uint64_t w = addr / bw; w <= (addr + static_cast<std::uint64_t>(bytes) - 1) / bw; ++w) words.push_back(w);
}

}  // namespace

int shared_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int width_bytes) {
    if (width_bytes != 1 && width_bytes != 2 && width_bytes != 4 && width_bytes != 8 && width_bytes != 16)
        throw UserError("shared-memory access width must be 1, 2, 4, 8 or 16 bytes, got " + std::to_string(width_bytes));
    const int wavefront_bytes = spec.banks * spec.bank_width_bytes;
    const int lanes_per_phase = std::min(32, std::max(1, wavefront_bytes / width_bytes));
    int total = 0;
    std::vector<std::uint64_t> words;
    for (int first = 0; first < 32; first += lanes_per_phase) {
        words.clear();
        for (int l = first; l < first + lanes_per_phase; ++l)
            if (lanes.active >> l & 1u) add_words(spec, lanes.addr[static_cast<std::size_t>(l)], width_bytes, words);
        total += phase_wavefronts(spec, words);
    }
    return total;
}

int ldmatrix_wavefronts(const SharedMemorySpec& spec, const LaneAddresses& lanes, int num) {
    if (num != 1 && num != 2 && num != 4) throw UserError("ldmatrix: .x1, .x2 or .x4 expected, got .x" + std::to_string(num));
    int total = 0;
    std::vector<std::uint64_t> words;
    for (int m = 0; m < num; ++m) {
        words.clear();
        for (int r = 0; r < 8; ++r) {
            const std::uint64_t row = lanes.addr[static_cast<std::size_t>(8 * m + r)];
            if (row % 16 != 0) throw UserError("ldmatrix: row address of lane " + std::to_string(8 * m + r) + " is not 16-byte aligned");
            add_words(spec, row, 16, words);
        }
        total += phase_wavefronts(spec, words);
    }
    return total;
}

MatrixElement ldmatrix_source(int lane, int reg, int half, bool trans) {
    const int group = lane / 4;
    const int pair = 2 * (lane % 4) + half;
    return trans ? MatrixElement{reg, pair, group} : MatrixElement{reg, group, pair};
}

std::uint64_t SharedMemory::access(Kind kind, int wavefronts, std::uint64_t now) {
    const std::uint64_t start = std::max(now, state_.busy_until);
    const auto busy = static_cast<std::uint64_t>(std::max(1, wavefronts) * spec_.wavefront_cycles);
    state_.busy_until = start + busy;
    const int latency = kind == Kind::load ? spec_.load_latency : kind == Kind::store ? spec_.store_latency : spec_.ldmatrix_latency;
    if (kind == Kind::ldmatrix) ++state_.ldmatrix;
    return start + static_cast<std::uint64_t>(latency) + busy - static_cast<std::uint64_t>(spec_.wavefront_cycles);
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
