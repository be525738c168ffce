#include "validation/mma/probe_output.h"

#include "validation/common/fragment_layout.h"
#include "validation/common/json_line.h"
#include "validation/common/values.h"

namespace stcsim::validation {
namespace {

std::string lanes_json(const std::vector<std::uint32_t>& regs, int per_lane) {
    std::vector<std::string> lanes;
    for (int lane = 0; lane < 32; ++lane) {
        std::vector<std::string> words;
        for (int r = 0; r < per_lane; ++r) words.push_back(json_hex(regs[static_cast<std::size_t>(lane * per_lane + r)], 8));
        lanes.push_back(json_array(words));
    }
    return json_array(lanes);
}

}  // namespace

std::string case_json(const FormInfo& f, const ProbeCase& pc) {
    JsonLine fragments;
    fragments.add_raw("a", lanes_json(pc.a, f.a_regs));
    fragments.add_raw("b", lanes_json(pc.b, f.b_regs));
    fragments.add_raw("c", lanes_json(pc.c, f.c_regs));
    if (f.sparse()) {
        std::vector<std::string> words;
        for (std::uint32_t w : pc.e) words.push_back(json_hex(w, 8));
        fragments.add_raw("e", json_array(words));
    }
    JsonLine line;
    line.add_raw("fragments", fragments.str());
    if (f.sparse()) line.add("selector", pc.selector);  // stcsim mma rejects a selector on dense forms
    return line.str();
}

std::string d_json(const FormInfo& f, const std::uint32_t* d) {
    std::vector<std::vector<std::string>> matrix(static_cast<std::size_t>(f.m),
                                                 std::vector<std::string>(static_cast<std::size_t>(f.n)));
    const int digits = elem_bits(f.d) / 4;
    for (int lane = 0; lane < 32; ++lane)
        for (int reg = 0; reg < f.d_regs; ++reg)
            for (int sub = 0; sub < elements_per_reg(f, Operand::D); ++sub) {
                const Coord rc = fragment_coord(f, Operand::D, lane, reg, sub);
                const std::uint32_t word = d[lane * f.d_regs + reg];
                matrix[static_cast<std::size_t>(rc.row)][static_cast<std::size_t>(rc.col)] =
                    json_hex(element_of(f.d, word, sub), digits);
            }
    std::vector<std::string> rows;
    for (const auto& row : matrix) rows.push_back(json_array(row));
    JsonLine line;
    line.add_raw("d", json_array(rows));
    return line.str();
}

}  // namespace stcsim::validation
