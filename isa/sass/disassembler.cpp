#include "isa/sass/disassembler.h"

#include <fmt/format.h>

#include <charconv>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/errors.h"
#include "common/scratch_dir.h"
#include "isa/sass/parser.h"

namespace stcsim::isa::sass {
namespace {

std::string shell_quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

// "REG:40 STACK:0 SHARED:1024 ..." after the line " Function NAME:".
void read_resource_usage(const std::string& text, KernelCode& code) {
    std::istringstream in(text);
    std::string line;
    bool mine = false;
    while (std::getline(in, line)) {
        const auto start = line.find_first_not_of(' ');
        if (start == std::string::npos) continue;
        std::string_view l = std::string_view(line).substr(start);
        if (l.substr(0, 9) == "Function ") {
            std::string_view name = l.substr(9);
            if (!name.empty() && name.back() == ':') name.remove_suffix(1);
            mine = name == code.name;
        } else if (mine && l.substr(0, 4) == "REG:") {
            std::istringstream fields{std::string(l)};
            std::string field;
            while (fields >> field) {
                const auto colon = field.find(':');
                if (colon == std::string::npos) continue;
                const std::string key = field.substr(0, colon);
                std::uint32_t value = 0;
                const std::string digits = field.substr(colon + 1);
                const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
                if (error != std::errc() || end != digits.data() + digits.size()) continue;  // not a count: not ours
                if (key == "REG") code.registers = value;
                else if (key == "SHARED") code.static_shared = value;
                else if (key == "STACK") code.stack = value;
            }
            return;
        }
    }
}

}  // namespace

std::string run_tool(const std::string& tool, const std::vector<std::string>& args, const std::string& directory) {
    const auto err_path = std::filesystem::temp_directory_path() / fmt::format("stcsim-tool-{}.err", ::getpid());
    std::string command = directory.empty() ? "" : "cd " + shell_quote(directory) + " && ";
    command += shell_quote(tool);
    for (const auto& a : args) command += " " + shell_quote(a);
    command += " 2>" + shell_quote(err_path.string());
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe == nullptr) throw UserError(fmt::format("cannot run {}", tool));
    std::string out;
    char buffer[1 << 16];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0) out.append(buffer, n);
    const int status = ::pclose(pipe);
    std::ifstream err_in(err_path);
    std::string err((std::istreambuf_iterator<char>(err_in)), std::istreambuf_iterator<char>());
    std::filesystem::remove(err_path);
    if (status != 0) {
        while (!err.empty() && (err.back() == '\n' || err.back() == ' ')) err.pop_back();
        if (auto nl = err.find('\n'); nl != std::string::npos) err = err.substr(0, nl);
        throw UserError(fmt::format("{} {} failed (exit {}): {}", std::filesystem::path(tool).filename().string(),
                                    args.empty() ? "" : args.back(), WIFEXITED(status) ? WEXITSTATUS(status) : -1,
                                    err.empty() ? "no message" : err));
    }
    return out;
}

KernelCode kernel_from_listing(const std::string& listing, const std::string& resource_usage,
                               const std::string& kernel, const std::string& arch, const std::string& where) {
    return kernel_from_functions(parse_listing(listing, kernel), resource_usage, kernel, arch, where);
}

KernelCode kernel_from_functions(std::vector<Function> functions, const std::string& resource_usage,
                                 const std::string& kernel, const std::string& arch, const std::string& where) {
    std::vector<Function*> matches;
    std::string names;
    for (auto& f : functions) {
        if (f.name == kernel && (arch.empty() || f.arch == arch)) matches.push_back(&f);
        if (names.find(f.name) == std::string::npos && names.size() < 2000)
            names += (names.empty() ? "" : ", ") + f.name;
    }
    if (matches.empty())
        throw UserError(fmt::format("{}: no kernel '{}'{} (kernels: {})", where, kernel,
                                    arch.empty() ? "" : " for " + arch, names.empty() ? "none" : names));
    if (matches.size() > 1) {
        std::string archs;
        for (auto* f : matches) archs += " " + f->arch;
        throw UserError(fmt::format("{}: kernel '{}' is there for several architectures ({}): choose one with --arch",
                                    where, kernel, archs.substr(1)));
    }
    KernelCode code;
    code.name = matches[0]->name;
    code.arch = matches[0]->arch;
    code.instructions = std::move(matches[0]->instructions);
    if (code.arch.substr(0, 3) == "sm_") code.sm = std::atoi(code.arch.c_str() + 3);
    if (code.instructions.empty()) throw UserError(fmt::format("{}: kernel '{}' has no instructions", where, kernel));
    for (std::size_t i = 0; i < code.instructions.size(); ++i)
        if (code.instructions[i].pc != i * 16)
            throw UserError(fmt::format("{}: kernel '{}': instruction {} at PC 0x{:x}, expected 16-byte steps", where,
                                        kernel, i, code.instructions[i].pc));
    read_resource_usage(resource_usage, code);
    return code;
}

KernelCode disassemble_kernel(const std::string& cuobjdump, const std::string& binary, const std::string& kernel,
                              const std::string& arch) {
    if (!std::filesystem::exists(binary)) throw UserError(fmt::format("{}: no such file", binary));
    std::vector<std::string> args;
    if (!arch.empty()) args = {"-arch", arch};
    auto sass_args = args;
    sass_args.insert(sass_args.end(), {"-sass", binary});
    auto res_args = args;
    res_args.insert(res_args.end(), {"-res-usage", binary});
    return kernel_from_listing(run_tool(cuobjdump, sass_args), run_tool(cuobjdump, res_args), kernel, arch, binary);
}

KernelCode disassemble_kernel_nvdisasm(const std::string& cuobjdump, const std::string& nvdisasm,
                                       const std::string& binary, const std::string& kernel, const std::string& arch) {
    namespace fs = std::filesystem;
    if (!fs::exists(binary)) throw UserError(fmt::format("{}: no such file", binary));
    const ScratchDir scratch("stcsim-xelf");
    const fs::path& dir = scratch.path();
    run_tool(cuobjdump, {"-xelf", "all", fs::absolute(binary).string()}, dir.string());
    std::vector<Function> functions;
    for (const auto& entry : fs::directory_iterator(dir)) {
        const std::string name = entry.path().filename().string();
        if (entry.path().extension() != ".cubin") continue;
        if (!arch.empty() && name.find("." + arch + ".") == std::string::npos) continue;
        for (Function& f : parse_nvdisasm_listing(run_tool(nvdisasm, {"-c", entry.path().string()})))
            functions.push_back(std::move(f));
    }
    std::vector<std::string> args;
    if (!arch.empty()) args = {"-arch", arch};
    args.insert(args.end(), {"-res-usage", binary});
    return kernel_from_functions(std::move(functions), run_tool(cuobjdump, args), kernel, arch, binary);
}

}  // namespace stcsim::isa::sass
