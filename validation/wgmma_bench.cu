// wgmma_bench: the warp-group MMA microbenchmark (sm_90a) that `stcsim bench mma --instr 'wgmma...'`
// simulates.
//
// One CTA of G warp groups (W = 4G warps) on one SM; every warp group runs I independent
// accumulator chains of N dependent wgmma instructions: per iteration one instruction per chain,
// wgmma.commit_group, wgmma.wait_group 1 (sim/gpu/wgmma_bench.h runs the same program). A and B
// lie in shared memory (plain K-major layout, descriptors built on the device; wgmma/descriptor.h),
// or A comes from registers (--a-source registers); .sp forms read metadata 0x44444444 (legal for
// every form, selector 0). Per point it prints one JSON line in the record form of mma_bench,
// which `stcsim compare` replays as `stcsim bench mma --instr I --a-source S --warps W --ilp I`:
//   {"experiment": "mma", "instr", "a_source", "arch", "device", "warp_groups", "warps", "ilp",
//    "iters", "wgmma_wait": 1, "cycles" (max over warps of the clock64 cycles around the loop),
//    "cycles_min_warp", "cycles_span", "latency_cycles" (cycles / N),
//    "fma_per_clk_per_sm" (G I N 64 n k / cycles: dense-equivalent, also for .sp), "kernel_ms",
//    "command"}
// Points the GPU cannot run are written with "skipped" and the reason: a GPU other than compute
// capability 9.0 (the kernels are sm_90a SASS), an ILP whose accumulators exceed 128 registers per
// thread, or G warp groups whose registers exceed the SM's register file.
// Modes: one point (--instr --a-source --groups --ilp --iters), --sweep (warp groups x ILP for
// --instr, or for every form; both A sources unless --a-source is given). --list prints the forms
// (no GPU needed). Exit status: 0 ok, 1 runtime failure, 2 bad usage, 3 no CUDA device.
#include <algorithm>
#include <fstream>
#include <iostream>
#include <vector>

#include "validation/common/args.h"
#include "validation/common/cuda_util.cuh"
#include "validation/common/json_line.h"
#include "validation/common/values.h"
#include "validation/wgmma/bench_launch.h"
#include "validation/wgmma/descriptor.h"
#include "validation/wgmma/wgmma_forms.h"

using namespace stcsim::validation;

namespace {

constexpr std::uint32_t kBenchMetadata = 0x44444444u;

struct Point {
    int form;
    ASource source;
    int groups, ilp, iters;
};

std::uint32_t random_word(Elem e, Rng& rng) {
    return pack_register(e, [&](int) { return random_normal(rng, e, -8, -6); });
}

// The shared-memory image: A (64 x stored K) at 0, B (N x K) after it, small normal values.
std::vector<std::uint32_t> smem_image(const WgmmaFormInfo& f, Rng& rng, std::uint32_t& b_offset) {
    b_offset = plain_tile_bytes(kWgmmaRows, f.a_k_bytes());
    const std::uint32_t bytes = b_offset + plain_tile_bytes(f.n, f.b_k_bytes());
    std::vector<std::uint32_t> words(bytes / 4);
    for (std::size_t i = 0; i < words.size(); ++i) words[i] = random_word(i < b_offset / 4 ? f.a : f.b, rng);
    return words;
}

class Runner {
public:
    Runner(const DeviceInfo& dev, std::string command, std::ostream& out)
        : dev_(dev), command_(std::move(command)), out_(out) {
        STC_CUDA_CHECK(cudaMalloc(&smem_, 64 * 1024));
        STC_CUDA_CHECK(cudaMalloc(&a_regs_, kWarpgroupThreads * kWgmmaARegs * sizeof(std::uint32_t)));
        STC_CUDA_CHECK(cudaMalloc(&sink_, 1024 * sizeof(std::uint32_t)));
        STC_CUDA_CHECK(cudaMalloc(&cycles_, 3 * 32 * sizeof(long long)));
        STC_CUDA_CHECK(cudaEventCreate(&begin_));
        STC_CUDA_CHECK(cudaEventCreate(&end_));
        STC_CUDA_CHECK(cudaDeviceGetAttribute(&regs_per_sm_, cudaDevAttrMaxRegistersPerMultiprocessor, dev.index));
    }

    // Returns false (and writes a "skipped" line) when the point cannot run here.
    bool run(const Point& p) {
        const WgmmaFormInfo& f = wgmma_forms()[static_cast<std::size_t>(p.form)];
        JsonLine line;
        line.add("experiment", "mma").add("instr", f.ptx).add("a_source", a_source_name(p.source));
        line.add("arch", "sm_90a").add("device", dev_.name).add("warp_groups", p.groups).add("warps", 4 * p.groups);
        line.add("ilp", p.ilp).add("iters", p.iters).add("wgmma_wait", 1);
        Rng rng(777u + static_cast<unsigned>(p.form));
        WgmmaBenchLaunch l;
        l.form = p.form;
        l.a_from_registers = p.source == ASource::registers;
        l.ilp = p.ilp;
        l.groups = p.groups;
        l.iters = p.iters;
        const std::vector<std::uint32_t> image = smem_image(f, rng, l.b_offset);
        l.smem_words = static_cast<std::uint32_t>(image.size());
        l.a_k_bytes = f.a_k_bytes();
        l.b_k_bytes = f.b_k_bytes();
        l.metadata = kBenchMetadata;
        l.smem_image = smem_;
        l.a_regs = a_regs_;
        l.out = sink_;
        l.cycles = cycles_;
        const WgmmaKernelInfo info = f.sparse ? wgmma_bench_info_sp(l) : wgmma_bench_info_dense(l);
        const int threads = kWarpgroupThreads * p.groups;
        const std::string skip =
            dev_.cc != 90 ? "needs compute capability 9.0 (the kernels are sm_90a SASS)"
            : info.registers == 0 ? "no kernel: the accumulators of this ILP exceed 128 registers per thread"
            : threads > info.max_threads || info.registers * threads > regs_per_sm_
                ? "the kernel's " + std::to_string(info.registers) + " registers per thread do not fit " +
                      std::to_string(p.groups) + " warp groups on one SM"
                : "";
        if (!skip.empty()) {
            out_ << line.add("skipped", skip).add("command", command_).str() << std::endl;
            return false;
        }
        std::vector<std::uint32_t> a_regs(kWarpgroupThreads * kWgmmaARegs);
        for (auto& w : a_regs) w = random_word(f.a, rng);
        STC_CUDA_CHECK(cudaMemcpy(smem_, image.data(), image.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
        STC_CUDA_CHECK(cudaMemcpy(a_regs_, a_regs.data(), a_regs.size() * sizeof(std::uint32_t), cudaMemcpyHostToDevice));
        const auto launch = [&] { return f.sparse ? launch_wgmma_bench_sp(l) : launch_wgmma_bench_dense(l); };
        if (!launch()) {  // warm-up: instruction cache, clocks
            out_ << line.add("skipped", std::string("launch failed: ") + cudaGetErrorString(cudaGetLastError()))
                        .add("command", command_).str() << std::endl;
            return false;
        }
        STC_CUDA_CHECK(cudaDeviceSynchronize());
        STC_CUDA_CHECK(cudaEventRecord(begin_));
        launch();
        STC_CUDA_CHECK(cudaEventRecord(end_));
        STC_CUDA_CHECK(cudaGetLastError());
        STC_CUDA_CHECK(cudaEventSynchronize(end_));
        float ms = 0;
        STC_CUDA_CHECK(cudaEventElapsedTime(&ms, begin_, end_));
        const int warps = 4 * p.groups;
        std::vector<long long> c(static_cast<std::size_t>(3 * warps));
        STC_CUDA_CHECK(cudaMemcpy(c.data(), cycles_, c.size() * sizeof(long long), cudaMemcpyDeviceToHost));
        long long max_elapsed = 0, min_elapsed = c[2], first = c[0], last = c[1];
        for (int w = 0; w < warps; ++w) {
            const auto i = static_cast<std::size_t>(3 * w);
            max_elapsed = std::max(max_elapsed, c[i + 2]);
            min_elapsed = std::min(min_elapsed, c[i + 2]);
            first = std::min(first, c[i]);
            last = std::max(last, c[i + 1]);
        }
        const double cycles = static_cast<double>(max_elapsed);
        const double fmas = static_cast<double>(p.groups) * p.ilp * p.iters * static_cast<double>(f.dense_fmas());
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
    std::uint32_t* smem_ = nullptr;
    std::uint32_t* a_regs_ = nullptr;
    std::uint32_t* sink_ = nullptr;
    long long* cycles_ = nullptr;
    int regs_per_sm_ = 65536;
    cudaEvent_t begin_{}, end_{};
};

std::vector<ASource> sources(const Args& args) {
    if (!args.has("a-source")) return {ASource::shared, ASource::registers};
    const std::string s = args.str("a-source");
    if (s == "shared") return {ASource::shared};
    if (s == "registers") return {ASource::registers};
    throw UsageError("--a-source must be shared or registers, not '" + s + "'");
}

std::vector<Point> plan(const Args& args) {
    std::vector<int> selected;
    if (args.has("instr")) {
        const auto form = find_wgmma_form(args.str("instr"));
        if (!form || !wgmma_forms()[static_cast<std::size_t>(*form)].bench)
            throw UsageError("unknown instruction '" + args.str("instr") + "' (see --list)");
        selected.push_back(*form);
    } else if (args.has("sweep")) {
        for (std::size_t i = 0; i < wgmma_forms().size(); ++i)
            if (wgmma_forms()[i].bench) selected.push_back(static_cast<int>(i));
    } else {
        throw UsageError("give --instr or --sweep");
    }
    const int iters = static_cast<int>(args.integer("iters"));
    if (iters < 1) throw UsageError("--iters must be positive");
    const auto check = [](std::int64_t groups, std::int64_t ilp) {
        if (groups < 1 || groups > 8) throw UsageError("warp groups must be 1..8");
        if (ilp < 1 || ilp > kWgmmaMaxIlp) throw UsageError("ilp must be 1..4");
    };
    const std::vector<ASource> from = sources(args);
    std::vector<Point> points;
    for (int form : selected)
        for (ASource source : from) {
            if (!args.has("sweep")) {
                check(args.integer("groups"), args.integer("ilp"));
                points.push_back({form, source, static_cast<int>(args.integer("groups")), static_cast<int>(args.integer("ilp")), iters});
                continue;
            }
            const int max_ilp = wgmma_max_ilp(wgmma_forms()[static_cast<std::size_t>(form)].d_regs);
            for (auto g : args.integers("sweep-groups"))
                for (auto i : args.integers("sweep-ilp")) {
                    check(g, i);
                    if (i <= max_ilp) points.push_back({form, source, static_cast<int>(g), static_cast<int>(i), iters});
                }
        }
    return points;
}

}  // namespace

int main(int argc, char** argv) {
    Args args("wgmma_bench", "Latency and throughput of warp-group wgmma / wgmma.sp forms on an sm_90a GPU (Hopper).");
    args.option("instr", "PTX instruction, e.g. 'wgmma.mma_async.sp.sync.aligned.m64n128k32.f32.f16.f16'");
    args.option("a-source", "where A comes from: shared or registers (default: both)");
    args.option("groups", "warp groups in the CTA (1..8; warps = 4 x groups)", "1");
    args.option("ilp", "independent accumulator chains per warp group (1..4, within 128 accumulator registers)", "1");
    args.option("iters", "dependent instructions per chain", "1024");
    args.flag("sweep", "warp groups x ILP grid (--sweep-groups, --sweep-ilp) for --instr, or for every form");
    args.option("sweep-groups", "warp-group counts of --sweep", "1,2,3,4");
    args.option("sweep-ilp", "ILP values of --sweep (those beyond a form's register limit are left out)", "1,2,3,4");
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
            for (const WgmmaFormInfo& f : wgmma_forms())
                if (f.bench) std::cout << f.ptx << "\n";
            return 0;
        }
        points = plan(args);
    } catch (const UsageError& e) {
        std::cerr << "wgmma_bench: " << e.what() << "\n" << args.usage();
        return 2;
    }
    const DeviceInfo dev = require_device("wgmma_bench");
    std::ofstream file;
    if (args.has("out")) {
        file.open(args.str("out"));
        if (!file) {
            std::cerr << "wgmma_bench: cannot write " << args.str("out") << "\n";
            return 1;
        }
    }
    if (dev.cc != 90) std::cerr << "wgmma_bench: " << dev.name << " is not compute capability 9.0; every point is skipped\n";
    Runner runner(dev, args.command_line(), args.has("out") ? static_cast<std::ostream&>(file) : std::cout);
    int ran = 0;
    for (const Point& p : points) ran += runner.run(p) ? 1 : 0;
    if (ran == 0 && dev.cc == 90) {
        std::cerr << "wgmma_bench: nothing could run on " << dev.name << "\n";
        return 1;
    }
    return 0;
}
