// mma_probes: functional probes of every warp-level mma / mma.sp form on this GPU, written so that
// the simulator's output can be diffed against the GPU's line by line.
//
// For each form the GPU can run (or the one given with --instr), with seeded random inputs
// (mma/probe_cases.h lists the groups), it writes into --out DIR:
//   <id>.cases.jsonl          one case per line in the raw fragments form that `stcsim mma` reads
//   <id>.gpu.jsonl            the GPU's D for each case, {"d": [[..]]} row-major M x N
//   <id>.invalid.cases.jsonl  cases with metadata nibbles PTX leaves undefined (sparse forms),
//   <id>.invalid.gpu.jsonl    to compare with `stcsim mma --invalid-metadata=mux`
//   index.json                device, arch, seed, command, and per form: instr, arch, case counts,
//                             file names, and the groups (label, first line, count) of each file
// Check: stcsim mma --arch ARCH --instr INSTR --input <id>.cases.jsonl | diff - <id>.gpu.jsonl
// Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <fstream>
#include <iostream>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/common/mma_forms.h"
#include "validation/mma/probe_cases.h"
#include "validation/mma/probe_launch.h"
#include "validation/mma/probe_output.h"

using namespace stcsim::validation;

namespace {

bool launch(const ProbeLaunch& p) {
    switch (forms()[static_cast<std::size_t>(p.form)].sparsity) {
        case Sparsity::dense: return launch_mma_probe_dense(p);
        case Sparsity::sp: return launch_mma_probe_sp(p);
        case Sparsity::sp_ordered: return launch_mma_probe_spo(p);
    }
    return false;
}

template <class T>
T* to_device(const std::vector<T>& host) {
    T* dev = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&dev, std::max<std::size_t>(1, host.size()) * sizeof(T)));
    if (!host.empty()) STC_CUDA_CHECK(cudaMemcpy(dev, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    return dev;
}

// Runs every case (batched per selector) and returns 32 x D regs words per case.
std::vector<std::vector<std::uint32_t>> run_cases(int form, const std::vector<const ProbeCase*>& cases) {
    const FormInfo& f = forms()[static_cast<std::size_t>(form)];
    std::vector<std::vector<std::uint32_t>> results(cases.size());
    for (int sel = 0; sel < std::max(1, f.selectors); ++sel) {
        std::vector<std::size_t> picked;
        std::vector<std::uint32_t> a, b, c, e;
        for (std::size_t i = 0; i < cases.size(); ++i) {
            if (cases[i]->selector != sel) continue;
            picked.push_back(i);
            a.insert(a.end(), cases[i]->a.begin(), cases[i]->a.end());
            b.insert(b.end(), cases[i]->b.begin(), cases[i]->b.end());
            c.insert(c.end(), cases[i]->c.begin(), cases[i]->c.end());
            e.insert(e.end(), cases[i]->e.begin(), cases[i]->e.end());
        }
        if (picked.empty()) continue;
        const std::size_t d_words = picked.size() * 32 * static_cast<std::size_t>(f.d_regs);
        std::vector<std::uint32_t> d(d_words, 0);
        ProbeLaunch p{form, sel, static_cast<int>(picked.size()), to_device(a), to_device(b), to_device(c), to_device(e), to_device(d)};
        if (!launch(p)) {
            std::cerr << "mma_probes: no kernel for " << f.ptx << " selector " << sel << "\n";
            std::exit(1);
        }
        STC_CUDA_CHECK(cudaGetLastError());
        STC_CUDA_CHECK(cudaMemcpy(d.data(), p.d, d_words * sizeof(std::uint32_t), cudaMemcpyDeviceToHost));
        for (const void* ptr : {static_cast<const void*>(p.a), static_cast<const void*>(p.b), static_cast<const void*>(p.c),
                                static_cast<const void*>(p.e), static_cast<const void*>(p.d)})
            STC_CUDA_CHECK(cudaFree(const_cast<void*>(ptr)));
        const std::size_t per_case = 32 * static_cast<std::size_t>(f.d_regs);
        for (std::size_t j = 0; j < picked.size(); ++j)
            results[picked[j]].assign(d.begin() + static_cast<std::ptrdiff_t>(j * per_case),
                                      d.begin() + static_cast<std::ptrdiff_t>((j + 1) * per_case));
    }
    return results;
}

// Writes <stem>.cases.jsonl and <stem>.gpu.jsonl; returns the index entry of the file pair.
std::string write_pair(const std::string& dir, const std::string& stem, int form, const std::vector<ProbeGroup>& groups) {
    const FormInfo& f = forms()[static_cast<std::size_t>(form)];
    std::vector<const ProbeCase*> cases;
    std::vector<std::string> group_json;
    for (const ProbeGroup& g : groups) {
        group_json.push_back(JsonLine().add("label", g.label).add("first_line", static_cast<int>(cases.size()) + 1)
                                 .add("count", static_cast<int>(g.cases.size())).str());
        for (const ProbeCase& pc : g.cases) cases.push_back(&pc);
    }
    const auto results = run_cases(form, cases);
    std::ofstream case_file(dir + "/" + stem + ".cases.jsonl"), gpu_file(dir + "/" + stem + ".gpu.jsonl");
    if (!case_file || !gpu_file) {
        std::cerr << "mma_probes: cannot write into " << dir << "\n";
        std::exit(1);
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
        case_file << case_json(f, *cases[i]) << "\n";
        gpu_file << d_json(f, results[i].data()) << "\n";
    }
    return JsonLine().add("cases", static_cast<int>(cases.size())).add("cases_file", stem + ".cases.jsonl")
        .add("gpu_file", stem + ".gpu.jsonl").add_raw("groups", json_array(group_json)).str();
}

}  // namespace

int main(int argc, char** argv) {
    Args args("mma_probes", "Bit-exact functional probes of the warp-level mma / mma.sp forms on this GPU.");
    args.option("out", "output folder (must exist)");
    args.option("instr", "probe only this PTX instruction (default: every form this GPU runs)");
    args.option("seed", "random seed of the inputs", "20240601");
    std::vector<int> selected;
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        if (!args.has("out")) throw UsageError("--out DIR is required");
        if (args.has("instr")) {
            const auto form = find_form(args.str("instr"));
            if (!form) throw UsageError("unknown instruction '" + args.str("instr") + "'");
            selected.push_back(*form);
        } else {
            for (std::size_t i = 0; i < forms().size(); ++i) selected.push_back(static_cast<int>(i));
        }
        (void)args.integer("seed");
    } catch (const UsageError& e) {
        std::cerr << "mma_probes: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("mma_probes");
    const std::string dir = args.str("out");
    const auto seed = static_cast<std::uint32_t>(args.integer("seed"));
    std::vector<std::string> entries;
    for (int form : selected) {
        const FormInfo& f = forms()[static_cast<std::size_t>(form)];
        if (dev.sass_arch < f.min_cc * 10) continue;
        const ProbeSet set = make_probes(f, seed + static_cast<std::uint32_t>(form));
        JsonLine entry;
        entry.add("instr", f.ptx).add("arch", dev.arch_name()).add("id", f.id);
        entry.add_raw("valid", write_pair(dir, std::string(f.id), form, set.valid));
        if (!set.invalid.empty()) {
            entry.add_raw("invalid", write_pair(dir, std::string(f.id) + ".invalid", form, set.invalid));
            entry.add("invalid_stcsim_flags", "--invalid-metadata=mux");
        }
        entries.push_back(entry.str());
        std::cerr << "mma_probes: " << f.ptx << " done\n";
    }
    std::ofstream index(dir + "/index.json");
    JsonLine head;
    head.add("experiment", "mma_probes").add("device", dev.name).add("arch", dev.arch_name()).add("seed", std::int64_t{seed});
    head.add("command", args.command_line()).add_raw("forms", json_array(entries));
    index << head.str() << "\n";
    return index ? 0 : 1;
}
