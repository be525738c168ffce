#include "isa/lowering.h"

#include <map>
#include <sstream>
#include <string_view>
#include <utility>

#include "common/errors.h"

namespace stcsim::isa {
namespace {

struct Listing {
    const char* ptx;
    const char* steps;
};

const Listing kSm90[] = {
#include "isa/lowering_sm_90.inc"
};

// The first line of the generated file names the compiler.
constexpr std::string_view kSm90Source = "ptxas -arch=sm_90, CUDA 13.0 (isa/lowering_sm_90.inc)";

std::vector<int> numbers(std::istringstream& in) {
    std::vector<int> out;
    for (int r; in >> r;) out.push_back(r);
    return out;
}

// One "OPCODE w w < r r | stall" line.
LoweredStep parse_step(const std::string& line, const char* ptx) {
    const auto split = line.find('<'), bar = line.find('|');
    if (split == std::string::npos || bar == std::string::npos || bar < split)
        throw InternalError(std::string("isa/lowering_sm_90.inc: a step of ") + ptx + " is not 'OPCODE w < r | stall'");
    std::istringstream head(line.substr(0, split)), reads(line.substr(split + 1, bar - split - 1)), stall(line.substr(bar + 1));
    LoweredStep step;
    head >> step.opcode;
    step.written = numbers(head);
    step.read = numbers(reads);
    if (!(stall >> step.stall)) throw InternalError(std::string("isa/lowering_sm_90.inc: no stall count in a step of ") + ptx);
    return step;
}

Lowering parse_listing(const Listing& listing) {
    Lowering out;
    out.source = kSm90Source;
    std::istringstream lines(listing.steps);
    for (std::string line; std::getline(lines, line);) {
        if (line.empty()) continue;
        LoweredStep step = parse_step(line, listing.ptx);
        for (const auto* regs : {&step.written, &step.read})
            for (int r : *regs) out.registers = std::max(out.registers, r + 1);
        out.steps.push_back(std::move(step));
    }
    return out;
}

// Keyed by the canonical PTX of the form, as parse_mma spells it.
const std::map<std::string, Lowering>& sm90_table() {
    static const std::map<std::string, Lowering> table = [] {
        std::map<std::string, Lowering> t;
        for (const Listing& l : kSm90) t.emplace(parse_mma(l.ptx, Arch::sm_90).ptx, parse_listing(l));
        return t;
    }();
    return table;
}

}  // namespace

const Lowering* lowering(const MmaForm& form, Arch arch) {
    if (!is_hopper(arch)) return nullptr;
    const auto& table = sm90_table();
    const auto it = table.find(form.ptx);
    return it == table.end() ? nullptr : &it->second;
}

}  // namespace stcsim::isa
