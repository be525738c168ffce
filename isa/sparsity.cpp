#include "isa/sparsity.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

constexpr SparsityPattern kTwoFour{4, 2, false};
constexpr SparsityPattern kOneTwo{2, 1, false};
constexpr SparsityPattern kFourEightPairs{8, 4, true};

void check_pattern(const SparsityPattern& pattern) {
    if (pattern != kTwoFour && pattern != kOneTwo && pattern != kFourEightPairs) {
        throw InternalError(fmt::format("unknown sparsity pattern: chunk {} kept {} pairwise {}",
                                        pattern.chunk_width, pattern.kept_per_chunk,
                                        pattern.pairwise));
    }
}

int index0(std::uint32_t nibble) { return static_cast<int>(nibble & 3u); }
int index1(std::uint32_t nibble) { return static_cast<int>((nibble >> 2) & 3u); }

std::uint8_t make_nibble(int idx0, int idx1) {
    return static_cast<std::uint8_t>(idx0 | (idx1 << 2));
}

int chunks_per_row(const Matrix& dense, const SparsityPattern& pattern) {
    if (dense.cols % pattern.chunk_width != 0) {
        throw UserError(fmt::format("matrix has {} columns; {} sparsity needs a multiple of {}",
                                    dense.cols, pattern_name(pattern), pattern.chunk_width));
    }
    return dense.cols / pattern.chunk_width;
}

int first_col(int chunk, int unit, const SparsityPattern& pattern) {
    return chunk * pattern.chunk_width + unit * pattern.unit_width();
}

bool unit_nonzero(const Matrix& dense, int row, int chunk, int unit,
                  const SparsityPattern& pattern) {
    const int col = first_col(chunk, unit, pattern);
    for (int e = 0; e < pattern.unit_width(); ++e) {
        if (dense.at(row, col + e) != 0u) return true;
    }
    return false;
}

int count_nonzero_units(const Matrix& dense, int row, int chunk, const SparsityPattern& pattern) {
    int count = 0;
    for (int unit = 0; unit < pattern.units_per_chunk(); ++unit) {
        if (unit_nonzero(dense, row, chunk, unit, pattern)) ++count;
    }
    return count;
}

// Orders units by magnitude: NaN above everything, then |value| (pairs: summed).
struct Magnitude {
    bool nan = false;
    double abs = 0.0;
    bool operator>(const Magnitude& other) const {
        if (nan != other.nan) return nan;
        return abs > other.abs;
    }
};

Magnitude unit_magnitude(const Matrix& dense, int row, int chunk, int unit,
                         const SparsityPattern& pattern) {
    Magnitude magnitude;
    const int col = first_col(chunk, unit, pattern);
    for (int e = 0; e < pattern.unit_width(); ++e) {
        const double value = to_double(dense.type, dense.at(row, col + e));
        magnitude.nan = magnitude.nan || std::isnan(value);
        magnitude.abs += std::fabs(value);
    }
    return magnitude;
}

void zero_unit(Matrix& dense, int row, int chunk, int unit, const SparsityPattern& pattern) {
    const int col = first_col(chunk, unit, pattern);
    for (int e = 0; e < pattern.unit_width(); ++e) dense.at(row, col + e) = 0u;
}

void prune_chunk(Matrix& dense, int row, int chunk, const SparsityPattern& pattern) {
    std::array<int, 4> order{};
    std::array<Magnitude, 4> magnitude{};
    const int units = pattern.units_per_chunk();
    for (int unit = 0; unit < units; ++unit) {
        order[unit] = unit;
        magnitude[unit] = unit_magnitude(dense, row, chunk, unit, pattern);
    }
    std::stable_sort(order.begin(), order.begin() + units,
                     [&](int a, int b) { return magnitude[a] > magnitude[b]; });
    for (int i = pattern.kept_units(); i < units; ++i) {
        zero_unit(dense, row, chunk, order[i], pattern);
    }
}

// The kept units of a chunk in increasing order: the non-zero ones, padded with the highest
// zero units.
std::vector<int> kept_units(const Matrix& dense, int row, int chunk,
                            const SparsityPattern& pattern) {
    std::vector<int> kept;
    for (int unit = 0; unit < pattern.units_per_chunk(); ++unit) {
        if (unit_nonzero(dense, row, chunk, unit, pattern)) kept.push_back(unit);
    }
    for (int unit = pattern.units_per_chunk() - 1;
         static_cast<int>(kept.size()) < pattern.kept_units(); --unit) {
        if (std::find(kept.begin(), kept.end(), unit) == kept.end()) kept.push_back(unit);
    }
    std::sort(kept.begin(), kept.end());
    return kept;
}

std::uint8_t nibble_for(const std::vector<int>& kept, const SparsityPattern& pattern) {
    if (pattern.kept_units() == 1) return make_nibble(2 * kept[0], 2 * kept[0] + 1);  // tf32
    return make_nibble(kept[0], kept[1]);
}

void require_pattern(const Matrix& dense, const SparsityPattern& pattern) {
    const auto violation = find_pattern_violation(dense, pattern);
    if (!violation) return;
    throw UserError(fmt::format(
        "A row {} chunk {} (columns {}..{}) has {} non-zero {}; {} sparsity keeps at most {}",
        violation->row, violation->chunk, violation->chunk * pattern.chunk_width,
        (violation->chunk + 1) * pattern.chunk_width - 1, violation->nonzeros,
        pattern.pairwise ? "pairs" : "values", pattern_name(pattern), pattern.kept_units()));
}

void compress_chunk(const Matrix& dense, int row, int chunk, const SparsityPattern& pattern,
                    CompressedMatrix& out) {
    const std::vector<int> kept = kept_units(dense, row, chunk, pattern);
    int slot = chunk * pattern.kept_per_chunk;
    for (int unit : kept) {
        const int col = first_col(chunk, unit, pattern);
        for (int e = 0; e < pattern.unit_width(); ++e) {
            out.values.at(row, slot++) = dense.at(row, col + e);
        }
    }
    out.nibbles.push_back(nibble_for(kept, pattern));
}

void check_compressed_shape(const CompressedMatrix& compressed, const SparsityPattern& pattern) {
    const Matrix& values = compressed.values;
    const auto expected_nibbles =
        static_cast<std::size_t>(values.rows) * static_cast<std::size_t>(compressed.chunks_per_row);
    if (compressed.chunks_per_row * pattern.kept_per_chunk != values.cols ||
        compressed.nibbles.size() != expected_nibbles) {
        throw UserError(fmt::format(
            "compressed A has {}x{} values and {} nibbles; {} chunks per row of {} sparsity need "
            "{} values and {} nibbles per row",
            values.rows, values.cols, compressed.nibbles.size(), compressed.chunks_per_row,
            pattern_name(pattern), compressed.chunks_per_row * pattern.kept_per_chunk,
            compressed.chunks_per_row));
    }
}

void decompress_chunk(const CompressedMatrix& compressed, int row, int chunk,
                      const SparsityPattern& pattern, Matrix& dense) {
    const std::size_t index = static_cast<std::size_t>(row) *
                                  static_cast<std::size_t>(compressed.chunks_per_row) +
                              static_cast<std::size_t>(chunk);
    const std::uint32_t nibble = compressed.nibbles[index];
    if (auto why = metadata_violation(nibble, pattern, MetadataRule::sp)) {
        throw UserError(fmt::format("A row {} chunk {}: {}", row, chunk, *why));
    }
    const ChunkPositions positions = decode_nibble(nibble, pattern);
    for (int slot = 0; slot < positions.count; ++slot) {
        dense.at(row, chunk * pattern.chunk_width + positions.position[slot]) =
            compressed.values.at(row, chunk * pattern.kept_per_chunk + slot);
    }
}

}  // namespace

SparsityPattern sparsity_pattern(ElemType a_type) {
    switch (a_type) {
        case ElemType::f16: case ElemType::bf16: case ElemType::e4m3: case ElemType::e5m2:
        case ElemType::s8: case ElemType::u8:
            return kTwoFour;
        case ElemType::tf32: return kOneTwo;
        case ElemType::s4: case ElemType::u4: return kFourEightPairs;
        case ElemType::f32: case ElemType::s32: break;
    }
    throw UserError(fmt::format("{} is not a sparse A type (mma.sp takes f16, bf16, tf32, e4m3, "
                                "e5m2, s8, u8, s4, u4)", name(a_type)));
}

std::string pattern_name(const SparsityPattern& pattern) {
    check_pattern(pattern);
    if (pattern.pairwise) return "4:8 pairwise";
    return fmt::format("{}:{}", pattern.kept_per_chunk, pattern.chunk_width);
}

ChunkPositions decode_nibble(std::uint32_t nibble, const SparsityPattern& pattern) {
    check_pattern(pattern);
    const int idx0 = index0(nibble);
    const int idx1 = index1(nibble);
    if (pattern.kept_units() == 1) return {1, {idx0 >> 1, 0, 0, 0}};
    if (pattern.pairwise) return {4, {2 * idx0, 2 * idx0 + 1, 2 * idx1, 2 * idx1 + 1}};
    return {2, {idx0, idx1, 0, 0}};
}

std::uint32_t tf32_sparse_b(std::uint32_t nibble, std::uint32_t b_first, std::uint32_t b_second) {
    const std::uint32_t halves[4] = {b_first & 0xffffu, b_first >> 16, b_second & 0xffffu, b_second >> 16};
    return (halves[index1(nibble)] << 16) | halves[index0(nibble)];
}

std::optional<std::string> metadata_violation(std::uint32_t nibble, const SparsityPattern& pattern,
                                              MetadataRule rule) {
    check_pattern(pattern);
    if (nibble > 0xFu) return fmt::format("metadata nibble 0x{:X} does not fit 4 bits", nibble);
    if (pattern.kept_units() == 1) {
        if (nibble == 0x4u || nibble == 0xEu) return std::nullopt;
        return fmt::format("nibble 0x{:X}: tf32 nibble must be 0x4 or 0xE", nibble);
    }
    const char* what = pattern.pairwise ? "pair index" : "index";
    if (rule == MetadataRule::sp && index0(nibble) == index1(nibble)) {
        return fmt::format("nibble 0x{:X} repeats {} {}; .sp needs two distinct indices", nibble,
                           what, index0(nibble));
    }
    if (rule == MetadataRule::ordered && index0(nibble) >= index1(nibble)) {
        return fmt::format(
            "nibble 0x{:X} is not increasing; .sp::ordered_metadata needs idx0 < idx1", nibble);
    }
    return std::nullopt;
}

std::optional<PatternViolation> find_pattern_violation(const Matrix& dense,
                                                       const SparsityPattern& pattern) {
    check_pattern(pattern);
    const int chunks = chunks_per_row(dense, pattern);
    for (int row = 0; row < dense.rows; ++row) {
        for (int chunk = 0; chunk < chunks; ++chunk) {
            const int nonzeros = count_nonzero_units(dense, row, chunk, pattern);
            if (nonzeros > pattern.kept_units()) return PatternViolation{row, chunk, nonzeros};
        }
    }
    return std::nullopt;
}

Matrix prune_by_magnitude(const Matrix& dense, const SparsityPattern& pattern) {
    check_pattern(pattern);
    const int chunks = chunks_per_row(dense, pattern);
    Matrix pruned = dense;
    for (int row = 0; row < dense.rows; ++row) {
        for (int chunk = 0; chunk < chunks; ++chunk) prune_chunk(pruned, row, chunk, pattern);
    }
    return pruned;
}

CompressedMatrix compress(const Matrix& dense, const SparsityPattern& pattern) {
    check_pattern(pattern);
    const int chunks = chunks_per_row(dense, pattern);
    require_pattern(dense, pattern);
    CompressedMatrix out{Matrix(dense.type, dense.rows, chunks * pattern.kept_per_chunk), {},
                         chunks};
    out.nibbles.reserve(static_cast<std::size_t>(dense.rows) * static_cast<std::size_t>(chunks));
    for (int row = 0; row < dense.rows; ++row) {
        for (int chunk = 0; chunk < chunks; ++chunk) {
            compress_chunk(dense, row, chunk, pattern, out);
        }
    }
    return out;
}

Matrix decompress(const CompressedMatrix& compressed, const SparsityPattern& pattern) {
    check_pattern(pattern);
    check_compressed_shape(compressed, pattern);
    const Matrix& values = compressed.values;
    Matrix dense(values.type, values.rows, compressed.chunks_per_row * pattern.chunk_width);
    for (int row = 0; row < values.rows; ++row) {
        for (int chunk = 0; chunk < compressed.chunks_per_row; ++chunk) {
            decompress_chunk(compressed, row, chunk, pattern, dense);
        }
    }
    return dense;
}

}  // namespace stcsim::isa
