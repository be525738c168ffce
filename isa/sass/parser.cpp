#include "isa/sass/parser.h"

#include <fmt/format.h>

#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <map>

#include "common/errors.h"

namespace stcsim::isa::sass {
namespace {

std::string_view trim(std::string_view s) {
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
    while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
    return s;
}

[[noreturn]] void fail(std::string_view what, std::string_view text) {
    throw UserError(fmt::format("SASS operand '{}': {}", text, what));
}

bool parse_hex(std::string_view s, std::int64_t& out) {
    bool negative = false;
    if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
        negative = s[0] == '-';
        s.remove_prefix(1);
    }
    if (s.size() < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X')) return false;
    std::uint64_t v = 0;
    auto [p, ec] = std::from_chars(s.data() + 2, s.data() + s.size(), v, 16);
    if (ec != std::errc() || p != s.data() + s.size()) return false;
    out = negative ? -static_cast<std::int64_t>(v) : static_cast<std::int64_t>(v);
    return true;
}

bool parse_number(std::string_view s, std::uint16_t& out, std::string_view prefix, unsigned max) {
    if (s.substr(0, prefix.size()) != prefix) return false;
    s.remove_prefix(prefix.size());
    if (s.empty()) return false;
    unsigned v = 0;
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || p != s.data() + s.size() || v > max) return false;
    out = static_cast<std::uint16_t>(v);
    return true;
}

// "R12", "RZ", "UR4", "URZ", "P0", "PT", "UP1", "UPT" with an optional ".suffix" list.
bool parse_register(std::string_view s, Operand& op) {
    std::string_view name = s, suffix;
    if (auto dot = s.find('.'); dot != std::string_view::npos) {
        name = s.substr(0, dot);
        suffix = s.substr(dot);
    }
    if (name == "RZ") op.kind = OperandKind::reg, op.reg = kRZ;
    else if (name == "URZ") op.kind = OperandKind::ureg, op.reg = kURZ;
    else if (name == "PT") op.kind = OperandKind::pred, op.reg = kPT;
    else if (name == "UPT") op.kind = OperandKind::upred, op.reg = kPT;
    // Hardware's register files: R0..R254 (+RZ), UR0..UR62 (+URZ), P0..P6 / UP0..UP6 (+PT).
    else if (parse_number(name, op.reg, "UR", kURZ)) op.kind = OperandKind::ureg;
    else if (parse_number(name, op.reg, "UP", kPT)) op.kind = OperandKind::upred;
    else if (parse_number(name, op.reg, "R", kRZ)) op.kind = OperandKind::reg;
    else if (parse_number(name, op.reg, "P", kPT)) op.kind = OperandKind::pred;
    else return false;
    // Drop the register-reuse cache hint; keep the sub-register selectors.
    std::string kept;
    while (!suffix.empty()) {
        std::size_t next = suffix.find('.', 1);
        std::string_view part = suffix.substr(0, next);
        if (part != ".reuse") kept.append(part);
        suffix = next == std::string_view::npos ? std::string_view{} : suffix.substr(next);
    }
    op.suffix = std::move(kept);
    return true;
}

// The inside of `[...]` of a memory operand or of a constant bank's offset: terms joined by '+'.
void parse_address_terms(std::string_view inner, Operand& op, std::string_view text) {
    op.reg = kRZ;
    op.index_reg = kRZ;
    op.index_ureg = kURZ;
    while (!inner.empty()) {
        std::size_t plus = inner.find('+', 1);
        std::string_view term = inner.substr(0, plus);
        inner = plus == std::string_view::npos ? std::string_view{} : inner.substr(plus + 1);
        std::int64_t value = 0;
        Operand reg;
        if (parse_hex(term, value)) {
            op.imm += value;
        } else if (parse_register(term, reg) && reg.kind == OperandKind::reg) {
            op.index_reg = reg.reg;
            for (std::size_t i = 0; i < reg.suffix.size();) {
                std::size_t next = reg.suffix.find('.', i + 1);
                std::string_view part = std::string_view(reg.suffix).substr(i, next - i);
                if (part == ".64") op.base_width = 2;
                else if (part == ".X4") op.scale = 4;
                else if (part == ".X8") op.scale = 8;
                else if (part == ".X16") op.scale = 16;
                else if (part == ".U32" || part == ".X2") op.scale = part == ".X2" ? 2 : op.scale;
                else fail(fmt::format("unknown address register suffix '{}'", part), text);
                if (next == std::string::npos) break;
                i = next;
            }
        } else if (parse_register(term, reg) && reg.kind == OperandKind::ureg) {
            op.index_ureg = reg.reg;
        } else {
            fail(fmt::format("unknown address term '{}'", term), text);
        }
    }
}

bool parse_float(std::string_view s, double& out) {
    std::string_view body = s;
    bool negative = false;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
        negative = body[0] == '-';
        body.remove_prefix(1);
    }
    if (body == "INF") out = std::numeric_limits<double>::infinity();
    else if (body == "QNAN" || body == "NAN") out = std::numeric_limits<double>::quiet_NaN();
    else {
        if (body.empty() || !(std::isdigit(static_cast<unsigned char>(body[0])) || body[0] == '.')) return false;
        std::string copy(body);
        char* end = nullptr;
        out = std::strtod(copy.c_str(), &end);
        if (end != copy.c_str() + copy.size()) return false;
    }
    if (negative) out = -out;
    return true;
}

}  // namespace

bool Instruction::has_modifier(const std::string& m) const {
    for (const auto& x : modifiers)
        if (x == m) return true;
    return false;
}

Operand parse_operand(std::string_view text) {
    std::string_view s = trim(text);
    Operand op;
    if (s.empty()) fail("empty operand", text);
    // Prefixes: sign, complement / logical not, absolute value.
    if (s[0] == '-' && s.size() > 1 && !std::isdigit(static_cast<unsigned char>(s[1])) && s.substr(1) != "INF" &&
        s.substr(1) != "QNAN") {
        op.negate = true;
        s.remove_prefix(1);
    } else if (s[0] == '~' || s[0] == '!') {
        op.invert = true;
        s.remove_prefix(1);
    }
    if (s.size() >= 2 && s.front() == '|' && s.back() == '|') {
        op.absolute = true;
        s = s.substr(1, s.size() - 2);
    }
    if (parse_register(s, op)) return op;
    if (parse_hex(s, op.imm)) {
        op.kind = OperandKind::imm;
        op.fimm = static_cast<double>(op.imm);
        return op;
    }
    if (s.substr(0, 2) == "c[") {  // c[bank][offset], optionally followed by a sub-register selector
        op.kind = OperandKind::cbank;
        const std::size_t close = s.find(']');
        std::int64_t bank = 0;
        if (close == std::string_view::npos || !parse_hex(s.substr(2, close - 2), bank)) fail("expected c[bank][offset]", text);
        std::size_t open = close + 1;
        while (open < s.size() && s[open] == ' ') ++open;  // nvdisasm may write "c[0x0] [0x198]"
        const std::size_t end = s.find(']', open);
        if (open >= s.size() || s[open] != '[' || end == std::string_view::npos) fail("expected c[bank][offset]", text);
        op.bank = static_cast<std::uint16_t>(bank);
        parse_address_terms(s.substr(open + 1, end - open - 1), op, text);
        op.suffix = std::string(s.substr(end + 1));
        return op;
    }
    if (s.substr(0, 6) == "gdesc[" && s.back() == ']') {  // HGMMA's descriptors: URn..URn+3
        if (!parse_register(s.substr(6, s.size() - 7), op) || op.kind != OperandKind::ureg) fail("expected gdesc[URn]", text);
        op.suffix = "gdesc";
        return op;
    }
    if (s.substr(0, 5) == "desc[" || s.front() == '[') {
        op.kind = OperandKind::mem;
        if (s.front() == 'd') {
            const std::size_t close = s.find(']');
            Operand desc;
            if (close == std::string_view::npos || !parse_register(s.substr(5, close - 5), desc) ||
                desc.kind != OperandKind::ureg)
                fail("expected desc[URn]", text);
            op.desc_ureg = static_cast<std::int16_t>(desc.reg);
            s.remove_prefix(close + 1);
            if (s.empty()) {  // a descriptor alone (a TMA copy's cache policy): the uniform registers
                op = desc;
                op.suffix = "desc";
                return op;
            }
        }
        if (s.size() < 2 || s.front() != '[' || s.back() != ']') fail("expected [address]", text);
        parse_address_terms(s.substr(1, s.size() - 2), op, text);
        op.reg = op.index_reg;
        op.base_width = op.base_width == 0 ? 1 : op.base_width;
        return op;
    }
    if (s.substr(0, 3) == "SR_" || s == "SRZ") {
        op.kind = OperandKind::special;
        op.text = std::string(s);
        return op;
    }
    double value = 0;
    if (parse_float(s, value)) {
        op.kind = OperandKind::fimm;
        op.fimm = value;
        if (std::isfinite(value) && value == std::floor(value) && std::fabs(value) < 9e18)
            op.imm = static_cast<std::int64_t>(value);
        return op;
    }
    op.kind = OperandKind::name;  // PR, UPR, B0, SB0, labels
    op.text = std::string(s);
    return op;
}

Instruction parse_instruction(std::string_view text, std::uint64_t pc) {
    Instruction inst;
    inst.pc = pc;
    std::string_view s = trim(text);
    if (!s.empty() && s.back() == ';') s = trim(s.substr(0, s.size() - 1));
    inst.text = std::string(s);
    if (s.empty()) throw UserError(fmt::format("SASS at 0x{:04x}: empty instruction", pc));
    if (s[0] == '@') {
        const std::size_t space = s.find(' ');
        if (space == std::string_view::npos)
            throw UserError(fmt::format("SASS at 0x{:04x}: '{}': a guard without an instruction", pc, text));
        Operand guard = parse_operand(s.substr(1, space - 1));
        if (guard.kind != OperandKind::pred && guard.kind != OperandKind::upred)
            throw UserError(fmt::format("SASS at 0x{:04x}: '{}': the guard is not a predicate", pc, text));
        inst.guarded = true;
        inst.guard_uniform = guard.kind == OperandKind::upred;
        inst.guard_negated = guard.invert;
        inst.guard = static_cast<std::uint8_t>(guard.reg);
        s = trim(s.substr(space + 1));
    }
    const std::size_t space = s.find_first_of(" \t");
    inst.opcode = std::string(s.substr(0, space));
    s = space == std::string_view::npos ? std::string_view{} : trim(s.substr(space));
    std::string_view op = inst.opcode;
    const std::size_t dot = op.find('.');
    inst.base = std::string(op.substr(0, dot));
    while (dot != std::string_view::npos && !op.empty()) {
        op = op.substr(op.find('.') + 1);
        const std::size_t next = op.find('.');
        inst.modifiers.emplace_back(op.substr(0, next));
        if (next == std::string_view::npos) break;
    }
    // Operands are separated by commas, and a few control instructions separate them by spaces
    // ("RET.REL.NODEC R20 0x0"); neither occurs inside brackets.
    int depth = 0;
    std::size_t start = 0;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        const char c = i < s.size() ? s[i] : ',';
        if (c == '[') ++depth;
        if (c == ']') --depth;
        const bool blank = c == ' ' || c == '\t';
        if (depth == 0 && blank) {
            std::size_t next = i;
            while (next < s.size() && (s[next] == ' ' || s[next] == '\t')) ++next;
            if (next < s.size() && s[next] == '[') continue;  // "c[0x0] [0x198]"
        }
        if (depth == 0 && (c == ',' || blank)) {
            std::string_view part = trim(s.substr(start, i - start));
            if (!part.empty()) {
                try {
                    inst.operands.push_back(parse_operand(part));
                } catch (const UserError& e) {
                    throw UserError(fmt::format("SASS at 0x{:04x} '{}': {}", pc, inst.text, e.what()));
                }
            }
            start = i + 1;
        }
    }
    return inst;
}

namespace {

// "sm_90a" -> 90; 0 when the text names no sm_ architecture.
int arch_number(std::string_view arch) {
    if (!arch.starts_with("sm_")) return 0;
    int value = 0;
    std::from_chars(arch.data() + 3, arch.data() + arch.size(), value);
    return value;
}

// "/* 0x000fe20000000f00 */" -> the 64-bit word; false when the line is not one such word.
bool read_encoding_word(std::string_view line, std::uint64_t& word) {
    const std::string_view digits = line.substr(5);
    auto [p, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), word, 16);
    return ec == std::errc() && trim(std::string_view(p, static_cast<std::size_t>(digits.data() + digits.size() - p))) == "*/";
}

}  // namespace

std::vector<Function> parse_listing(std::string_view listing, std::string_view only) {
    std::vector<Function> functions;
    std::string arch;
    bool wanted = true;
    bool control_bits = false;      // the architecture's encodings carry a stall count (sm_70 and later)
    bool awaiting_high = false;     // the last instruction's line ended with its low word
    while (!listing.empty()) {
        const std::size_t eol = listing.find('\n');
        std::string_view line = listing.substr(0, eol);
        listing = eol == std::string_view::npos ? std::string_view{} : listing.substr(eol + 1);
        line = trim(line);
        if (awaiting_high) {  // a line that is no encoding word is read as any other
            awaiting_high = false;
            std::uint64_t high = 0;
            if (line.starts_with("/* 0x") && read_encoding_word(line, high)) {
                Instruction& last = functions.back().instructions.back();
                last.stall = static_cast<std::uint8_t>((high >> 41) & 0xF);
                last.hold = ((high >> 45) & 1U) != 0;
                continue;
            }
        }
        if (line.substr(0, 9) == "code for ") {
            arch = std::string(trim(line.substr(9)));
            control_bits = arch_number(arch) >= 70;
        } else if (line.substr(0, 10) == "Function :") {
            functions.push_back({std::string(trim(line.substr(10))), arch, {}});
            wanted = only.empty() || functions.back().name == only;
        } else if (wanted && line.size() > 8 && line.substr(0, 2) == "/*" && line[2] != ' ') {
            // "/*0010*/  S2R R5, SR_TID.X ;  /* 0x... */"
            const std::size_t close = line.find("*/");
            if (close == std::string_view::npos || functions.empty()) continue;
            std::uint64_t pc = 0;
            auto [p, ec] = std::from_chars(line.data() + 2, line.data() + close, pc, 16);
            if (ec != std::errc() || p != line.data() + close) continue;
            std::string_view body = line.substr(close + 2);
            const std::size_t semi = body.find(';');
            if (semi == std::string_view::npos)
                throw UserError(fmt::format("SASS listing: function {}: line '{}' has no ';'", functions.back().name, line));
            try {
                functions.back().instructions.push_back(parse_instruction(body.substr(0, semi), pc));
            } catch (const UserError& e) {
                throw UserError(fmt::format("kernel {}: {}", functions.back().name, e.what()));
            }
            // "... ;  /* 0x<low word> */": the next line holds the high word with the control bits.
            awaiting_high = control_bits && body.substr(semi).find("/* 0x") != std::string_view::npos;
        }
    }
    return functions;
}

std::vector<Function> parse_nvdisasm_listing(std::string_view listing) {
    std::vector<Function> functions;
    std::string arch;
    std::map<std::string, std::uint64_t, std::less<>> labels;  // of the current function
    std::vector<std::string> pending;                          // labels waiting for their instruction
    auto finish = [&] {
        if (functions.empty()) return;
        Function& f = functions.back();
        for (const std::string& label : pending) labels[label] = f.instructions.size() * 16;  // the end
        pending.clear();
        for (Instruction& inst : f.instructions)
            for (Operand& o : inst.operands) {
                if (o.kind != OperandKind::name || o.text.size() < 4 || o.text.substr(0, 2) != "`(") continue;
                const std::string label = o.text.substr(2, o.text.size() - 3);
                const auto it = labels.find(label);
                if (it == labels.end())
                    throw UserError(fmt::format("nvdisasm listing: function {}: unknown label '{}' at PC 0x{:04x}", f.name,
                                                label, inst.pc));
                o.kind = OperandKind::imm;
                o.imm = static_cast<std::int64_t>(it->second);
                o.text.clear();
            }
        labels.clear();
    };
    while (!listing.empty()) {
        const std::size_t eol = listing.find('\n');
        std::string_view line = trim(listing.substr(0, eol));
        listing = eol == std::string_view::npos ? std::string_view{} : listing.substr(eol + 1);
        if (line.substr(0, 7) == ".target") {
            arch = std::string(trim(line.substr(7)));
        } else if (line.size() > 7 && line.substr(0, 6) == ".text." && line.back() == ':') {
            finish();
            functions.push_back({std::string(line.substr(6, line.size() - 7)), arch, {}});
        } else if (!line.empty() && line.back() == ':' && line.find(' ') == std::string_view::npos && !functions.empty()) {
            pending.emplace_back(line.substr(0, line.size() - 1));
        } else if (line.size() > 8 && line.substr(0, 2) == "/*" && line[2] != ' ' && !functions.empty()) {
            const std::size_t close = line.find("*/");
            std::uint64_t pc = 0;
            auto [p, ec] = std::from_chars(line.data() + 2, line.data() + close, pc, 16);
            if (close == std::string_view::npos || ec != std::errc() || p != line.data() + close) continue;
            for (const std::string& label : pending) labels[label] = pc;
            pending.clear();
            std::string_view body = line.substr(close + 2);
            const std::size_t semi = body.find(';');
            if (semi == std::string_view::npos)
                throw UserError(fmt::format("nvdisasm listing: function {}: line '{}' has no ';'", functions.back().name, line));
            functions.back().instructions.push_back(parse_instruction(body.substr(0, semi), pc));
        }
    }
    finish();
    return functions;
}

}  // namespace stcsim::isa::sass
