// mma_bench: the warp-level mma / mma.sp microbenchmark that `stcsim bench mma` simulates.
//
// One CTA of W warps on one SM; every warp runs I independent chains of N dependent instructions
// (D of one is C of the next; A, B and the metadata register stay constant; metadata 0x44444444,
// legal for every form and selector 0). Per point it prints one JSON line:
//   {"experiment": "mma", "instr", "arch", "device", "warps", "ilp", "iters",
//    "cycles" (max over warps of the clock64 cycles around the loop), "cycles_min_warp",
//    "cycles_span" (last end - first start over warps), "latency_cycles" (cycles / N),
//    "fma_per_clk_per_sm" (W I N m n k / cycles: dense-equivalent, also for .sp),
//    "kernel_ms" (cudaEvent time of the whole launch), "command"}, and "ab": "per_chain" with --own-ab
// Modes: one point (--instr --warps --ilp --iters), --sweep (warps x ILP grid for --instr, or for
// every form without it), --all (every form at a few points). --list prints the forms (no GPU
// needed). --own-ab gives each chain A and B registers of its own (no operand reuse between
// consecutive instructions), for the forms STC_OWN_AB_FORMS names (mma/bench_launch.h); with
// --sweep and no --instr it sweeps those forms. Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <algorithm>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/common/mma_forms.h"
#include "validation/common/values.h"
#include "validation/mma/bench_launch.h"

using namespace stcsim::validation;

namespace {

struct Point {
    int form, warps, ilp, iters;
    bool own_ab = false;
};

bool launch(const BenchLaunch& p) {
    if (p.own_ab) return launch_mma_bench_own_ab(p);
    switch (forms()[static_cast<std::size_t>(p.form)].sparsity) {
        case Sparsity::dense: return launch_mma_bench_dense(p);
        case Sparsity::sp: return launch_mma_bench_sp(p);
        case Sparsity::sp_ordered: return launch_mma_bench_spo(p);
    }
    return false;
}

// Per lane: A[4], B[4], C[4], metadata. Small normal values keep the chains finite for long runs.
std::vector<std::uint32_t> bench_inputs(const FormInfo& f, Rng& rng) {
    std::vector<std::uint32_t> in(32 * kBenchWordsPerLane, 0);
    for (int lane = 0; lane < 32; ++lane) {
        std::uint32_t* w = &in[static_cast<std::size_t>(lane * kBenchWordsPerLane)];
        for (int i = 0; i < 4; ++i) {
            w[i] = pack_register(f.a, [&](int) { return random_normal(rng, f.a, -8, -6); });
            w[4 + i] = pack_register(f.b, [&](int) { return random_normal(rng, f.b, -8, -6); });
        }
        w[12] = 0x44444444u;
    }
    return in;
}

class Runner {
public:
    Runner(const DeviceInfo& dev, std::string command, std::ostream& out)
        : dev_(dev), command_(std::move(command)), out_(out) {
        STC_CUDA_CHECK(cudaMalloc(&in_, 32 * kBenchWordsPerLane * sizeof(std::uint32_t)));
        STC_CUDA_CHECK(cudaMalloc(&sink_, 1024 * sizeof(std::uint32_t)));
        STC_CUDA_CHECK(cudaMalloc(&cycles_, 3 * 32 * sizeof(long long)));
        STC_CUDA_CHECK(cudaEventCreate(&begin_));
        STC_CUDA_CHECK(cudaEventCreate(&end_));
    }

    // Returns false (and writes a "skipped" line) when the form cannot run here.
    bool run(const Point& p) {
        const FormInfo& f = forms()[static_cast<std::size_t>(p.form)];
        JsonLine line;
        line.add("experiment", "mma").add("instr", f.ptx).add("arch", dev_.arch_name()).add("device", dev_.name);
        line.add("warps", p.warps).add("ilp", p.ilp).add("iters", p.iters);
        if (p.own_ab) line.add("ab", "per_chain");
        const char* skip = dev_.sass_arch < f.min_cc * 10 ? "needs a newer GPU than this one"
                           : !f.chainable()              ? "C and D types differ: no dependent chain"
                                                         : nullptr;
        if (skip) {
            out_ << line.add("skipped", skip).add("command", command_).str() << std::endl;
            return false;
        }
        Rng rng(12345u + static_cast<unsigned>(p.form));
        const auto inputs = bench_inputs(f, rng);
        STC_CUDA_CHECK(cudaMemcpy(in_, inputs.data(), inputs.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
        const BenchLaunch l{p.form, p.ilp, p.warps, p.iters, p.own_ab, in_, sink_, cycles_};
        if (!launch(l)) {  // warm-up: instruction cache, clocks
            out_ << line.add("skipped", "no kernel for this form").add("command", command_).str() << std::endl;
            return false;
        }
        STC_CUDA_CHECK(cudaDeviceSynchronize());
        STC_CUDA_CHECK(cudaEventRecord(begin_));
        launch(l);
        STC_CUDA_CHECK(cudaEventRecord(end_));
        STC_CUDA_CHECK(cudaGetLastError());
        STC_CUDA_CHECK(cudaEventSynchronize(end_));
        float ms = 0;
        STC_CUDA_CHECK(cudaEventElapsedTime(&ms, begin_, end_));
        std::vector<long long> c(static_cast<std::size_t>(3 * p.warps));
        STC_CUDA_CHECK(cudaMemcpy(c.data(), cycles_, c.size() * sizeof(long long), cudaMemcpyDeviceToHost));
        long long max_elapsed = 0, min_elapsed = c[2], first = c[0], last = c[1];
        for (int w = 0; w < p.warps; ++w) {
            const auto i = static_cast<std::size_t>(3 * w);
            max_elapsed = std::max(max_elapsed, c[i + 2]);
            min_elapsed = std::min(min_elapsed, c[i + 2]);
            first = std::min(first, c[i]);
            last = std::max(last, c[i + 1]);
        }
        const double cycles = static_cast<double>(max_elapsed);
        const double fmas = static_cast<double>(p.warps) * p.ilp * p.iters * static_cast<double>(f.dense_fmas());
        line.add("cycles", std::int64_t{max_elapsed}).add("cycles_min_warp", std::int64_t{min_elapsed});
        line.add("cycles_span", std::int64_t{last - first});
        line.add("latency_cycles", cycles / p.iters).add("fma_per_clk_per_sm", fmas / cycles);
        line.add("kernel_ms", static_cast<double>(ms)).add("command", command_);
        out_ << line.str() << std::endl;
        return true;
    }

private:
    DeviceInfo dev_;
    std::string command_;
    std::ostream& out_;
    std::uint32_t* in_ = nullptr;
    std::uint32_t* sink_ = nullptr;
    long long* cycles_ = nullptr;
    cudaEvent_t begin_{}, end_{};
};

bool has_own_ab_kernels(int form) {
    static const std::vector<std::string_view> ids = {
#define STC_NAME(id) #id,
        STC_OWN_AB_FORMS(STC_NAME)
#undef STC_NAME
    };
    return std::find(ids.begin(), ids.end(), forms()[static_cast<std::size_t>(form)].id) != ids.end();
}

std::vector<Point> plan(const Args& args) {
    std::vector<int> selected;
    const bool own_ab = args.has("own-ab");
    if (args.has("instr")) {
        const auto form = find_form(args.str("instr"));
        if (!form) throw UsageError("unknown instruction '" + args.str("instr") + "' (see --list)");
        if (own_ab && !has_own_ab_kernels(*form)) throw UsageError("--own-ab: no such kernels for '" + args.str("instr") + "' (see --help)");
        selected.push_back(*form);
    } else if (own_ab && args.has("sweep")) {
        for (std::size_t i = 0; i < forms().size(); ++i)
            if (has_own_ab_kernels(static_cast<int>(i))) selected.push_back(static_cast<int>(i));
    } else if (own_ab) {
        throw UsageError("--own-ab needs --instr or --sweep");
    } else if (args.has("sweep") || args.has("all")) {
        for (std::size_t i = 0; i < forms().size(); ++i) selected.push_back(static_cast<int>(i));
    } else {
        throw UsageError("give --instr, --sweep or --all");
    }
    const int iters = static_cast<int>(args.integer("iters"));
    if (iters < 1 || iters % 4 != 0) throw UsageError("--iters must be a positive multiple of 4");
    const auto check = [](std::int64_t warps, std::int64_t ilp) {
        if (warps < 1 || warps > 32) throw UsageError("warps must be 1..32");
        if (ilp < 1 || ilp > kBenchMaxIlp) throw UsageError("ilp must be 1..4");
    };
    std::vector<Point> points;
    for (int form : selected) {
        if (args.has("sweep")) {
            for (auto w : args.integers("sweep-warps"))
                for (auto i : args.integers("sweep-ilp")) {
                    check(w, i);
                    points.push_back({form, static_cast<int>(w), static_cast<int>(i), iters, own_ab});
                }
        } else if (args.has("all")) {
            for (auto [w, i] : {std::pair{1, 1}, std::pair{4, 1}, std::pair{8, 2}, std::pair{16, 4}, std::pair{32, 4}})
                points.push_back({form, w, i, iters});
        } else {
            check(args.integer("warps"), args.integer("ilp"));
            points.push_back({form, static_cast<int>(args.integer("warps")), static_cast<int>(args.integer("ilp")), iters, own_ab});
        }
    }
    return points;
}

}  // namespace

int main(int argc, char** argv) {
    Args args("mma_bench", "Latency and throughput of one warp-level mma / mma.sp form on this GPU.");
    args.option("instr", "PTX instruction, e.g. 'mma.sp::ordered_metadata.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32'");
    args.option("warps", "warps in the CTA (1..32)", "1");
    args.option("ilp", "independent chains per warp (1..4)", "1");
    args.option("iters", "dependent instructions per chain (multiple of 4)", "2048");
    args.flag("sweep", "warps x ILP grid (--sweep-warps, --sweep-ilp) for --instr, or for every form");
    args.option("sweep-warps", "warp counts of --sweep", "1,2,4,8,16,32");
    args.option("sweep-ilp", "ILP values of --sweep", "1,2,3,4");
    args.flag("all", "every form at (warps, ilp) = (1,1) (4,1) (8,2) (16,4) (32,4)");
    args.flag("own-ab", "A and B registers per chain (no operand reuse between chains), with --instr or --sweep; "
                        "f16 m16n8k8 (f16, f32), m16n8k16 f32 and mma.sp m16n8k16 / m16n8k32 f32 only");
    args.flag("list", "print the PTX name of every form and exit (needs no GPU)");
    args.flag("json", "JSON lines output (always on; accepted for symmetry with stcsim bench)");
    args.option("out", "write the JSON lines to this file instead of stdout");
    std::vector<Point> points;
    try {
        args.parse(argc, argv);
        if (args.has("help")) {
            std::cout << args.usage();
            return 0;
        }
        if (args.has("list")) {
            for (const FormInfo& f : forms()) std::cout << f.ptx << "\n";
            return 0;
        }
        points = plan(args);
    } catch (const UsageError& e) {
        std::cerr << "mma_bench: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("mma_bench");
    std::ofstream file;
    if (args.has("out")) {
        file.open(args.str("out"));
        if (!file) {
            std::cerr << "mma_bench: cannot write " << args.str("out") << "\n";
            return 1;
        }
    }
    Runner runner(dev, args.command_line(), args.has("out") ? static_cast<std::ostream&>(file) : std::cout);
    int ran = 0;
    for (const Point& p : points) ran += runner.run(p) ? 1 : 0;
    if (ran == 0) {
        std::cerr << "mma_bench: nothing could run on " << dev.name << " (" << dev.arch_name() << ")\n";
        return 1;
    }
    return 0;
}
