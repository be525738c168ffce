#include "validation/wgmma/probe_cases.h"

#include <algorithm>
#include <stdexcept>

#include "isa/wgmma_descriptor.h"
#include "isa/wgmma_execute.h"
#include "isa/wgmma_fragments.h"
#include "validation/common/json_line.h"
#include "validation/common/mma_forms.h"
#include "validation/common/values.h"
#include "validation/mma/probe_cases.h"

namespace stcsim::validation {
namespace {

constexpr int kRandomPerSelector = 4;
constexpr int kSpecialPerSelector = 2;
constexpr std::uint32_t kTileAlign = 1024;  // the longest swizzle pattern (8 x 128 bytes)

isa::ElemType isa_type(Elem e) {
    const auto t = isa::parse_elem_type(elem_name(e));
    if (!t) throw std::logic_error("no isa type for " + std::string(elem_name(e)));
    return *t;
}

isa::WgmmaForm isa_form(const WgmmaFormInfo& f, ASource source) {
    return isa::parse_wgmma(f.ptx, isa::Arch::sm_90a,
                            source == ASource::registers ? isa::WgmmaSource::registers : isa::WgmmaSource::shared);
}

// The warp-level view of the form that validation/mma/probe_cases.h knows (metadata nibbles).
FormInfo slice_info(const WgmmaFormInfo& f) {
    FormInfo info;
    info.a = f.a;
    info.b = f.b;
    info.sparsity = f.sparse ? Sparsity::sp : Sparsity::dense;
    return info;
}

enum class Layout { plain, mn_first, sw32, sw64, sw128, mn_major, mn_major_sw128 };

bool transposed(Layout l) { return l == Layout::mn_major || l == Layout::mn_major_sw128; }

isa::Swizzle swizzle_of(Layout l) {
    switch (l) {
        case Layout::sw32: return isa::Swizzle::b32;
        case Layout::sw64: return isa::Swizzle::b64;
        case Layout::sw128: return isa::Swizzle::b128;
        default: return isa::Swizzle::none;
    }
}

// Descriptor fields of a K-major tile of `rows` rows and `k_bytes` bytes of K at `start`.
isa::MatrixDescriptor tile_descriptor(Layout layout, std::uint32_t start, int rows, int k_bytes) {
    isa::MatrixDescriptor d;
    d.start_address = start;
    const isa::Swizzle sw = swizzle_of(layout);
    const auto width = static_cast<std::uint32_t>(isa::swizzle_bytes(sw));
    if (sw != isa::Swizzle::none && static_cast<std::uint32_t>(k_bytes) <= width) {
        d.swizzle = sw;
        d.leading_byte_offset = 16;  // unused by K-major swizzled layouts
        d.stride_byte_offset = 8 * width;
    } else if (layout == Layout::mn_first) {
        d.leading_byte_offset = kCoreMatrixBytes * static_cast<std::uint32_t>(rows / 8);
        d.stride_byte_offset = kCoreMatrixBytes;
    } else {
        const DescriptorFields plain = plain_k_major(start, k_bytes);
        d.leading_byte_offset = plain.lbo;
        d.stride_byte_offset = plain.sbo;
    }
    return d;
}

// Descriptor fields of an M/N-major tile (imm-trans 1) of `mn_bytes` bytes along M/N at `start`:
// without a swizzle, 16-byte chunks of M/N one core matrix (8 K rows x 16 bytes) apart (SBO = 128)
// and groups of 8 K rows after the whole M/N extent (LBO); with the 128-byte swizzle (a tile exactly
// one 128-byte atom wide), groups of 8 K rows 8 x 128 bytes apart (SBO; LBO, the step between
// atoms along M/N, is not used).
isa::MatrixDescriptor mn_major_descriptor(bool swizzle128, std::uint32_t start, int mn_bytes) {
    isa::MatrixDescriptor d;
    d.start_address = start;
    if (swizzle128 && mn_bytes == 128) {
        d.swizzle = isa::Swizzle::b128;
        d.leading_byte_offset = 16;
        d.stride_byte_offset = 8 * 128;
    } else {
        d.leading_byte_offset = kCoreMatrixBytes * static_cast<std::uint32_t>(mn_bytes / 16);
        d.stride_byte_offset = kCoreMatrixBytes;
    }
    return d;
}

std::uint32_t tile_end(const isa::MatrixDescriptor& d, const isa::OperandTile& tile) {
    std::uint32_t end = d.start_address;
    for (int mn = 0; mn < tile.mn_extent; ++mn)
        for (int k = 0; k < tile.k_extent; ++k)
            end = std::max(end, isa::element_address(d, tile, mn, k) + static_cast<std::uint32_t>(tile.element_bits / 8));
    return end;
}

std::uint32_t align_up(std::uint32_t x, std::uint32_t a) { return (x + a - 1) / a * a; }

DescriptorFields fields_of(const isa::MatrixDescriptor& d) {
    return {d.start_address, d.leading_byte_offset, d.stride_byte_offset, static_cast<std::uint32_t>(d.base_offset),
            static_cast<std::uint32_t>(d.swizzle)};
}

isa::Matrix random_matrix(Elem e, int rows, int cols, Rng& rng, bool special) {
    isa::Matrix m(isa_type(e), rows, cols);
    for (auto& v : m.bits) v = special ? random_special(rng, e) : random_normal(rng, e, -4, 4);
    return m;
}

class Builder {
public:
    Builder(const WgmmaFormInfo& f, ASource source) : f_(f), source_(source), form_(isa_form(f, source)) {}

    WgmmaProbeCase make(Rng& rng, int selector, bool special, Layout layout) const {
        WgmmaProbeCase pc;
        pc.selector = selector;
        const isa::Matrix a = random_matrix(f_.a, kWgmmaRows, f_.stored_a_cols(), rng, special);
        const isa::Matrix b = random_matrix(f_.b, f_.k, f_.n, rng, special);
        const isa::Matrix c = random_matrix(f_.d, kWgmmaRows, f_.n, rng, special);
        place(pc, a, b, layout);
        pc.c_regs = isa::wgmma_to_fragment(form_, isa::WgmmaOperand::D, c).words;
        pc.e.assign(kWarpgroupThreads, 0);
        if (f_.sparse) {
            const auto legal = legal_nibbles(slice_info(f_));
            for (auto& word : pc.e)
                for (int slot = 0; slot < 8; ++slot)
                    word |= legal[random_bits(rng, static_cast<std::uint32_t>(legal.size()))] << (4 * slot);
        }
        return pc;
    }

private:
    void place(WgmmaProbeCase& pc, const isa::Matrix& a, const isa::Matrix& b, Layout layout) const {
        isa::SharedMemoryImage smem;
        std::uint32_t next = 0;
        isa::MatrixDescriptor da{}, db{};
        const bool trans = transposed(layout);
        pc.transposed = trans;
        const isa::OperandTile ta = isa::wgmma_tile(form_, true, trans), tb = isa::wgmma_tile(form_, false, trans);
        if (source_ == ASource::shared) {
            da = trans ? mn_major_descriptor(layout == Layout::mn_major_sw128, 0, kWgmmaRows * elem_bits(f_.a) / 8)
                       : tile_descriptor(layout, 0, kWgmmaRows, f_.a_k_bytes());
            next = align_up(tile_end(da, ta), kTileAlign);
        }
        db = trans ? mn_major_descriptor(false, next, f_.n * elem_bits(f_.b) / 8)
                   : tile_descriptor(layout, next, f_.n, f_.b_k_bytes());
        smem.bytes.assign(align_up(tile_end(db, tb), 16), 0);
        if (source_ == ASource::shared) isa::write_operand(smem, da, ta, a, true);
        isa::write_operand(smem, db, tb, b, false);
        pc.image = std::move(smem.bytes);
        pc.a_desc = fields_of(da);
        pc.b_desc = fields_of(db);
        pc.a_regs.assign(kWarpgroupThreads * kWgmmaARegs, 0);
        if (source_ == ASource::registers) pc.a_regs = isa::wgmma_to_fragment(form_, isa::WgmmaOperand::A, a).words;
    }

    const WgmmaFormInfo& f_;
    ASource source_;
    isa::WgmmaForm form_;
};

std::string hex_nibble(std::uint32_t n) { return std::string(1, "0123456789ABCDEF"[n & 15u]); }

int selector_count(const WgmmaFormInfo& f) { return std::max(1, f.selectors); }

}  // namespace

WgmmaProbeSet make_wgmma_probes(const WgmmaFormInfo& f, ASource source, std::uint32_t seed) {
    Rng rng(seed);
    const Builder builder(f, source);
    WgmmaProbeSet set;
    // A wide form (N above 64) repeats the narrow one's D layout N/8 times: one random case per
    // selector and the layouts (its B tile is the one that reaches the far rows of a swizzle).
    const bool wide = f.n > 64;
    for (bool special : {false, true}) {
        if (wide && special) continue;
        WgmmaProbeGroup g{special ? "special" : "random", {}};
        for (int sel = 0; sel < selector_count(f); ++sel)
            for (int i = 0; i < (wide ? 1 : special ? kSpecialPerSelector : kRandomPerSelector); ++i)
                g.cases.push_back(builder.make(rng, sel, special, Layout::plain));
        set.valid.push_back(std::move(g));
    }
    const FormInfo slice = slice_info(f);
    const auto legal = wide ? std::vector<std::uint32_t>{} : legal_nibbles(slice);
    for (std::size_t i = 0; i < legal.size(); ++i) {
        WgmmaProbeCase pc = builder.make(rng, static_cast<int>(i) % selector_count(f), false, Layout::plain);
        std::fill(pc.e.begin(), pc.e.end(), uniform_metadata(legal[i]));
        set.valid.push_back({"metadata_nibble_" + hex_nibble(legal[i]), {std::move(pc)}});
    }
    for (auto [layout, label] : {std::pair{Layout::mn_first, "layout_mn_first"}, std::pair{Layout::sw32, "layout_sw32"},
                                 std::pair{Layout::sw64, "layout_sw64"}, std::pair{Layout::sw128, "layout_sw128"}})
        set.valid.push_back({label, {builder.make(rng, 0, false, layout)}});
    // M/N-major operands (imm-trans 1): f16 and bf16 only; the swizzled one needs A in shared memory.
    if (f.a == Elem::f16 || f.a == Elem::bf16) {
        set.valid.push_back({"layout_mn_major", {builder.make(rng, 0, false, Layout::mn_major)}});
        if (source == ASource::shared)
            set.valid.push_back({"layout_mn_major_sw128", {builder.make(rng, 0, false, Layout::mn_major_sw128)}});
    }
    for (std::uint32_t nibble : wide ? std::vector<std::uint32_t>{} : illegal_nibbles(slice)) {
        WgmmaProbeCase pc = builder.make(rng, 0, false, Layout::plain);
        std::fill(pc.e.begin(), pc.e.end(), uniform_metadata(nibble));
        set.invalid.push_back({"invalid_nibble_" + hex_nibble(nibble), {std::move(pc)}});
    }
    return set;
}

std::uint64_t expected_descriptor(DescriptorFields fields, std::uint32_t smem_base) {
    isa::MatrixDescriptor d;
    d.start_address = fields.start + smem_base;
    d.leading_byte_offset = fields.lbo;
    d.stride_byte_offset = fields.sbo;
    d.base_offset = static_cast<int>(fields.base_offset);
    d.swizzle = static_cast<isa::Swizzle>(fields.swizzle);
    return isa::encode_descriptor(d);
}

namespace {

std::string lanes_json(const std::vector<std::uint32_t>& regs, int per_lane) {
    std::vector<std::string> lanes;
    for (int lane = 0; lane < kWarpgroupThreads; ++lane) {
        std::vector<std::string> words;
        for (int r = 0; r < per_lane; ++r) words.push_back(json_hex(regs[static_cast<std::size_t>(lane * per_lane + r)], 8));
        lanes.push_back(json_array(words));
    }
    return json_array(lanes);
}

std::string hex64(std::uint64_t v) {
    return "0x" + json_hex(static_cast<std::uint32_t>(v >> 32), 8).substr(3, 8) +
           json_hex(static_cast<std::uint32_t>(v), 8).substr(3, 8);
}

}  // namespace

std::string wgmma_case_json(const WgmmaFormInfo& f, ASource source, const WgmmaProbeCase& pc, std::uint32_t smem_base,
                            std::uint64_t a_desc, std::uint64_t b_desc) {
    JsonLine fragments;
    if (source == ASource::registers) fragments.add_raw("a", lanes_json(pc.a_regs, kWgmmaARegs));
    else fragments.add("a_desc", hex64(a_desc));
    fragments.add("b_desc", hex64(b_desc));
    fragments.add_raw("c", lanes_json(pc.c_regs, f.d_regs));
    if (f.sparse) {
        std::vector<std::string> words;
        for (std::uint32_t w : pc.e) words.push_back(json_hex(w, 8));
        fragments.add_raw("e", json_array(words));
    }
    static const char digits[] = "0123456789abcdef";
    std::string bytes;
    bytes.reserve(pc.image.size() * 2);
    for (std::uint8_t b : pc.image) bytes += {digits[b >> 4], digits[b & 15]};
    JsonLine smem;
    smem.add_raw("base", json_hex(smem_base, 8)).add("bytes", bytes);
    JsonLine line;
    line.add_raw("fragments", fragments.str()).add_raw("smem", smem.str());
    if (f.sparse) line.add("selector", pc.selector);  // stcsim mma rejects a selector on dense forms
    if (pc.transposed) {
        if (source == ASource::shared) line.add("trans_a", 1);
        line.add("trans_b", 1);
    }
    return line.str();
}

std::string wgmma_d_json(const WgmmaFormInfo& f, const std::uint32_t* d_regs) {
    const isa::WgmmaForm form = isa_form(f, ASource::shared);
    isa::WarpgroupFragment fragment(f.d_regs);
    std::copy(d_regs, d_regs + kWarpgroupThreads * f.d_regs, fragment.words.begin());
    const isa::Matrix d = isa::wgmma_from_fragment(form, isa::WgmmaOperand::D, fragment);
    const int digits = elem_bits(f.d) / 4;
    std::vector<std::string> rows;
    for (int r = 0; r < d.rows; ++r) {
        std::vector<std::string> row;
        for (int c = 0; c < d.cols; ++c) row.push_back(json_hex(d.at(r, c), digits));
        rows.push_back(json_array(row));
    }
    JsonLine line;
    line.add_raw("d", json_array(rows));
    return line.str();
}

}  // namespace stcsim::validation
