// wgmma_probes: functional probes of warp-group wgmma / wgmma.sp forms on an sm_90a GPU (Hopper),
// written so that the simulator's output can be diffed against the GPU's line by line.
//
// For each probed form of wgmma/wgmma_forms.def (or the one given with --instr) and each A source
// (shared memory, registers; or --a-source), with seeded inputs (wgmma/probe_cases.h lists the
// groups), it writes into --out DIR:
//   wgmma_<id>_<source>.cases.jsonl          one case per line in the raw form `stcsim mma` reads
//                                            for a wgmma: registers, descriptors, shared memory
//   wgmma_<id>_<source>.gpu.jsonl            the GPU's D for each case, {"d": [[..]]} row-major 64 x N
//   wgmma_<id>_<source>.invalid.*.jsonl      cases with metadata nibbles PTX leaves undefined (.sp),
//                                            to compare with `stcsim mma --invalid-metadata=mux`
//   wgmma_index.json                         device, arch, seed, command, and per form and source:
//                                            instr, arch (sm_90a), a_source, files, case counts, groups
// `stcsim compare` reads wgmma_index.json beside mma_probes' index.json. Check one file:
//   stcsim mma --arch sm_90a --instr INSTR --input <file>.cases.jsonl | diff - <file>.gpu.jsonl
// Exit status: 0 ok (also on a GPU other than compute capability 9.0: nothing is probed, the index
// says why), 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/wgmma/probe_cases.h"
#include "validation/wgmma/probe_launch.h"
#include "validation/wgmma/wgmma_forms.h"

using namespace stcsim::validation;

namespace {

template <class T>
T* to_device(const std::vector<T>& host) {
    T* dev = nullptr;
    STC_CUDA_CHECK(cudaMalloc(&dev, std::max<std::size_t>(1, host.size()) * sizeof(T)));
    if (!host.empty()) STC_CUDA_CHECK(cudaMemcpy(dev, host.data(), host.size() * sizeof(T), cudaMemcpyHostToDevice));
    return dev;
}

template <class T>
std::vector<T> to_host(const T* dev, std::size_t count) {
    std::vector<T> host(count);
    STC_CUDA_CHECK(cudaMemcpy(host.data(), dev, count * sizeof(T), cudaMemcpyDeviceToHost));
    return host;
}

struct CaseResult {
    std::vector<std::uint32_t> d;
    std::uint64_t a_desc = 0, b_desc = 0;
    std::uint32_t smem_base = 0;
};

// The batch of one selector's cases, in the arrays the kernel reads.
struct Batch {
    std::vector<std::size_t> picked;
    std::vector<std::uint32_t> images, offsets, words, a, c, e;
    std::vector<DescriptorFields> fa, fb;
    std::uint32_t max_bytes = 0;

    void add(std::size_t index, const WgmmaProbeCase& pc) {
        picked.push_back(index);
        offsets.push_back(static_cast<std::uint32_t>(images.size()));
        words.push_back(static_cast<std::uint32_t>(pc.image.size() / 4));
        for (std::size_t w = 0; w < pc.image.size() / 4; ++w)
            images.push_back(std::uint32_t{pc.image[4 * w]} | std::uint32_t{pc.image[4 * w + 1]} << 8 |
                             std::uint32_t{pc.image[4 * w + 2]} << 16 | std::uint32_t{pc.image[4 * w + 3]} << 24);
        max_bytes = std::max(max_bytes, static_cast<std::uint32_t>(pc.image.size()));
        fa.push_back(pc.a_desc);
        fb.push_back(pc.b_desc);
        a.insert(a.end(), pc.a_regs.begin(), pc.a_regs.end());
        c.insert(c.end(), pc.c_regs.begin(), pc.c_regs.end());
        e.insert(e.end(), pc.e.begin(), pc.e.end());
    }
};

// Runs every case (batched per selector and transpose); the descriptors the kernel built must be the ones
// isa::encode_descriptor gives for the case's fields at the kernel's shared address.
std::vector<CaseResult> run_cases(int form, ASource source, const std::vector<const WgmmaProbeCase*>& cases) {
    const WgmmaFormInfo& f = wgmma_forms()[static_cast<std::size_t>(form)];
    std::vector<CaseResult> results(cases.size());
    const auto per_case = static_cast<std::size_t>(kWarpgroupThreads * f.d_regs);
    for (int batch_index = 0; batch_index < 2 * std::max(1, f.selectors); ++batch_index) {
        const int sel = batch_index / 2;
        const bool trans = batch_index % 2 == 1;
        Batch batch;
        for (std::size_t i = 0; i < cases.size(); ++i)
            if (cases[i]->selector == sel && cases[i]->transposed == trans) batch.add(i, *cases[i]);
        const std::size_t n = batch.picked.size();
        if (n == 0) continue;
        WgmmaProbeLaunch p;
        p.form = form;
        p.a_from_registers = source == ASource::registers;
        p.selector = sel;
        p.transposed = trans;
        p.cases = static_cast<int>(n);
        p.max_image_bytes = batch.max_bytes;
        p.images = to_device(batch.images);
        p.image_offset = to_device(batch.offsets);
        p.image_words = to_device(batch.words);
        p.a_fields = to_device(batch.fa);
        p.b_fields = to_device(batch.fb);
        p.a_regs = to_device(batch.a);
        p.c_regs = to_device(batch.c);
        p.e = to_device(batch.e);
        p.d_regs = to_device(std::vector<std::uint32_t>(n * per_case, 0));
        p.descriptors = to_device(std::vector<std::uint64_t>(2 * n, 0));
        p.smem_base = to_device(std::vector<std::uint32_t>(n, 0));
        if (!(f.sparse ? launch_wgmma_probe_sp(p) : launch_wgmma_probe_dense(p))) {
            std::cerr << "wgmma_probes: no kernel for " << f.ptx << " selector " << sel << "\n";
            std::exit(1);
        }
        STC_CUDA_CHECK(cudaGetLastError());
        const auto d = to_host(p.d_regs, n * per_case);
        const auto descriptors = to_host(p.descriptors, 2 * n);
        const auto bases = to_host(p.smem_base, n);
        for (const void* ptr : {static_cast<const void*>(p.images), static_cast<const void*>(p.image_offset),
                                static_cast<const void*>(p.image_words), static_cast<const void*>(p.a_fields),
                                static_cast<const void*>(p.b_fields), static_cast<const void*>(p.a_regs),
                                static_cast<const void*>(p.c_regs), static_cast<const void*>(p.e),
                                static_cast<const void*>(p.d_regs), static_cast<const void*>(p.descriptors),
                                static_cast<const void*>(p.smem_base)})
            STC_CUDA_CHECK(cudaFree(const_cast<void*>(ptr)));
        for (std::size_t j = 0; j < n; ++j) {
            CaseResult& r = results[batch.picked[j]];
            r.d.assign(d.begin() + static_cast<std::ptrdiff_t>(j * per_case), d.begin() + static_cast<std::ptrdiff_t>((j + 1) * per_case));
            r.a_desc = descriptors[2 * j];
            r.b_desc = descriptors[2 * j + 1];
            r.smem_base = bases[j];
            const WgmmaProbeCase& pc = *cases[batch.picked[j]];
            if (r.b_desc != expected_descriptor(pc.b_desc, r.smem_base) ||
                (source == ASource::shared && r.a_desc != expected_descriptor(pc.a_desc, r.smem_base))) {
                std::cerr << "wgmma_probes: " << f.ptx << ": the kernel's descriptor differs from isa::encode_descriptor\n";
                std::exit(1);
            }
        }
    }
    return results;
}

// Writes <stem>.cases.jsonl and <stem>.gpu.jsonl; returns the index entry of the file pair.
std::string write_pair(const std::string& dir, const std::string& stem, int form, ASource source,
                       const std::vector<WgmmaProbeGroup>& groups) {
    const WgmmaFormInfo& f = wgmma_forms()[static_cast<std::size_t>(form)];
    std::vector<const WgmmaProbeCase*> cases;
    std::vector<std::string> group_json;
    for (const WgmmaProbeGroup& g : groups) {
        group_json.push_back(JsonLine().add("label", g.label).add("first_line", static_cast<int>(cases.size()) + 1)
                                 .add("count", static_cast<int>(g.cases.size())).str());
        for (const WgmmaProbeCase& pc : g.cases) cases.push_back(&pc);
    }
    const auto results = run_cases(form, source, cases);
    std::ofstream case_file(dir + "/" + stem + ".cases.jsonl"), gpu_file(dir + "/" + stem + ".gpu.jsonl");
    if (!case_file || !gpu_file) {
        std::cerr << "wgmma_probes: cannot write into " << dir << "\n";
        std::exit(1);
    }
    for (std::size_t i = 0; i < cases.size(); ++i) {
        const CaseResult& r = results[i];
        case_file << wgmma_case_json(f, source, *cases[i], r.smem_base, r.a_desc, r.b_desc) << "\n";
        gpu_file << wgmma_d_json(f, r.d.data()) << "\n";
    }
    return JsonLine().add("cases", static_cast<int>(cases.size())).add("cases_file", stem + ".cases.jsonl")
        .add("gpu_file", stem + ".gpu.jsonl").add_raw("groups", json_array(group_json)).str();
}

std::vector<ASource> sources(const Args& args) {
    if (!args.has("a-source")) return {ASource::shared, ASource::registers};
    const std::string s = args.str("a-source");
    if (s == "shared") return {ASource::shared};
    if (s == "registers") return {ASource::registers};
    throw UsageError("--a-source must be shared or registers, not '" + s + "'");
}

}  // namespace

int main(int argc, char** argv) {
    Args args("wgmma_probes", "Bit-exact functional probes of warp-group wgmma / wgmma.sp forms on an sm_90a GPU (Hopper).");
    args.option("out", "output folder (must exist)");
    args.option("instr", "probe only this PTX instruction (default: every probed form, see --list)");
    args.option("a-source", "probe only A from shared or from registers (default: both)");
    args.option("seed", "random seed of the inputs", "20240601");
    args.flag("list", "print the PTX name of every probed form and exit (needs no GPU)");
    std::vector<int> selected;
    std::vector<ASource> from;
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        if (args.has("list")) {
            for (const WgmmaFormInfo& f : wgmma_forms())
                if (f.probe) std::cout << f.ptx << "\n";
            return 0;
        }
        if (!args.has("out")) throw UsageError("--out DIR is required");
        if (args.has("instr")) {
            const auto form = find_wgmma_form(args.str("instr"));
            if (!form || !wgmma_forms()[static_cast<std::size_t>(*form)].probe)
                throw UsageError("unknown instruction '" + args.str("instr") + "' (see --list)");
            selected.push_back(*form);
        } else {
            for (std::size_t i = 0; i < wgmma_forms().size(); ++i)
                if (wgmma_forms()[i].probe) selected.push_back(static_cast<int>(i));
        }
        from = sources(args);
        (void)args.integer("seed");
    } catch (const UsageError& e) {
        std::cerr << "wgmma_probes: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("wgmma_probes");
    const std::string dir = args.str("out");
    const auto seed = static_cast<std::uint32_t>(args.integer("seed"));
    JsonLine head;
    head.add("experiment", "wgmma_probes").add("device", dev.name).add("arch", "sm_90a").add("seed", std::int64_t{seed});
    if (dev.cc != 90) {
        std::cerr << "wgmma_probes: " << dev.name << " is not compute capability 9.0; nothing is probed\n";
        head.add("skipped", "needs compute capability 9.0 (the kernels are sm_90a SASS)");
        selected.clear();
    }
    std::vector<std::string> entries;
    for (int form : selected)
        for (ASource source : from) {
            const WgmmaFormInfo& f = wgmma_forms()[static_cast<std::size_t>(form)];
            const auto form_seed = seed + static_cast<std::uint32_t>(2 * form) + (source == ASource::registers ? 1u : 0u);
            const WgmmaProbeSet set = make_wgmma_probes(f, source, form_seed);
            const std::string stem = "wgmma_" + std::string(f.id) + "_" + std::string(a_source_name(source));
            JsonLine entry;
            entry.add("instr", f.ptx).add("arch", "sm_90a").add("a_source", a_source_name(source)).add("id", stem);
            entry.add_raw("valid", write_pair(dir, stem, form, source, set.valid));
            if (!set.invalid.empty()) {
                entry.add_raw("invalid", write_pair(dir, stem + ".invalid", form, source, set.invalid));
                entry.add("invalid_stcsim_flags", "--invalid-metadata=mux");
            }
            entries.push_back(entry.str());
            std::cerr << "wgmma_probes: " << f.ptx << " (A from " << a_source_name(source) << ") done\n";
        }
    std::ofstream index(dir + "/wgmma_index.json");
    head.add("command", args.command_line()).add_raw("forms", json_array(entries));
    index << head.str() << "\n";
    return index ? 0 : 1;
}
