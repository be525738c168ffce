#!/usr/bin/env python3
"""Converts results of Luo et al.'s NVIDIA-Hopper-Benchmark into `stcsim compare` records.

Inputs (never copied here; both repositories are GPL-3.0):
  - Johnsonms/NVIDIA-Hopper-Benchmark at JOHNSONMS_COMMIT: the raw stdout of the benchmarks run on
    an H100 80GB HBM3 SXM5 (reproduction/H100-dapperdingo/raw/*.log).
  - HPMLL/NVIDIA-Hopper-Benchmark at HPMLL_COMMIT: the pointer-chase results
    RegularUnits/random_latency/{a100_pcie,h800_pcie}.txt.
The benchmark source code read to interpret the numbers is HPMLL/NVIDIA-Hopper-Benchmark at
HPMLL_COMMIT (TensorCores/mma/*/run_*_{single,all}_SM.cu, RegularUnits/*/*.cu).

Usage:
  convert_luo_hopper_benchmark.py --raw-root DIR [--out DIR]
DIR holds one checkout per repository, named owner+name (e.g. DIR/Johnsonms+NVIDIA-Hopper-Benchmark/
reproduction/...), at the commits below. Every raw file is checked against its git blob id before it
is read. The output (default: this script's folder) gets <gpu>/luo-hopper-benchmark/ with
source.json, header.json and the records. Python 3 standard library only; deterministic.
"""
import argparse
import hashlib
import json
import os
import re
import sys

SOURCE = "luo-hopper-benchmark"
JOHNSONMS = "Johnsonms/NVIDIA-Hopper-Benchmark"
JOHNSONMS_COMMIT = "374a9f1622a84985b4cd970619189f688b66b4dd"
HPMLL = "HPMLL/NVIDIA-Hopper-Benchmark"
HPMLL_COMMIT = "ded6f5765ad1b6e58573abb7cfe9c9b10a1719a7"
RAW_DIR = "reproduction/H100-dapperdingo/raw"

# git blob id of every raw file read (sha1 of "blob <size>\0<content>").
BLOBS = {
    (JOHNSONMS, RAW_DIR + "/mma_m16n8k4.log"): "37363ef43dc1ec2a93bb7a717b5cf0fb687d1a9d",
    (JOHNSONMS, RAW_DIR + "/mma_m16n8k8.log"): "75284fac5cc4b29f6d8d7916dbbd3a383336f53f",
    (JOHNSONMS, RAW_DIR + "/mma_m16n8k16.log"): "26251b5181c4d4045f8d23a77300cb64163e194a",
    (JOHNSONMS, RAW_DIR + "/mma_m16n8k32.log"): "2b92f4d55be4b295b29a6943a6aa739c3c206ab1",
    (JOHNSONMS, RAW_DIR + "/mma_m16n8k64.log"): "1843bdbbc1e4ad4c6b148f996c0b63457684cff3",
    (JOHNSONMS, RAW_DIR + "/mma_m8n8k16.log"): "bc67b2d52bb86feee1a48162bf5d84727ee1c55c",
    (JOHNSONMS, RAW_DIR + "/mma_m8n8k32.log"): "71a66cd28f22ec3cb840407c05711d66cc923678",
    (JOHNSONMS, RAW_DIR + "/l1_lat.log"): "95adc3bd7a587de9db3f9edf794da6a31908d66c",
    (JOHNSONMS, RAW_DIR + "/l1_bw_128.log"): "8793632397d19806e9aacabce7b9f78e458d8bf3",
    (JOHNSONMS, RAW_DIR + "/l2_bw_128.log"): "09f7c7760d7dac28b3ac578ff70a64f50d88ac8c",
    (HPMLL, "RegularUnits/random_latency/a100_pcie.txt"): "4ecdb7fd648e3bb9f9fe394910b0052988fd2a71",
    (HPMLL, "RegularUnits/random_latency/h800_pcie.txt"): "1826ad3b5f56edff07d7755b40715c64bd821cc9",
}

# ---------------------------------------------------------------------------------------------
# H100 SXM5 run (Johnsonms reproduction): constants of the benchmark as built by run_suite.sh.
H100_SMS = 132                   # "SMs = 132" in every header line (cudaDevAttrMultiProcessorCount)
H100_GPU_FREQ_HZ = 1980000000    # "GPUFreq = 1980000000": util.h sets GPUFreq = prop.clockRate * 1000
SINGLE_ITERS = 10000             # run_*_single_SM.cu: #define ITERs 10000 (dependent steps per chain)
ALL_ITERS = 10000000             # run_*_all_SM.cu:    #define ITERs 10000000

# Per log file: the shape and, per label printed in the log, the PTX the kernel issues (the asm
# string of the benchmark source; the all_SM binaries print i32/i8/i4 where the asm says s32/s8/s4).
MMA_LOGS = [
    ("mma_m16n8k4.log", "m16n8k4", (16, 8, 4), {}),
    ("mma_m16n8k8.log", "m16n8k8", (16, 8, 8), {}),
    ("mma_m16n8k16.log", "m16n8k16", (16, 8, 16), {
        "mma.sync.aligned.m16n8k16.row.col.i32.i8.i8.i32": "mma.sync.aligned.m16n8k16.row.col.s32.s8.s8.s32"}),
    ("mma_m16n8k32.log", "m16n8k32", (16, 8, 32), {
        "mma.sync.aligned.m16n8k32.row.col.i32.i4.i4.i32": "mma.sync.aligned.m16n8k32.row.col.s32.s4.s4.s32",
        "mma.sync.aligned.m16n8k32.row.col.i32.i8.i8.i32": "mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32"}),
    ("mma_m16n8k64.log", "m16n8k64", (16, 8, 64), {
        "mma.sync.aligned.m16n8k64.row.col.i32.i4.i4.i32": "mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32"}),
    ("mma_m8n8k16.log", "m8n8k16", (8, 8, 16), {
        "mma.sync.aligned.m8n8k16.row.col.i32.i8.i8.i32": "mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32"}),
    ("mma_m8n8k32.log", "m8n8k32", (8, 8, 32), {
        "mma.sync.aligned.m8n8k32.row.col.i32.i4.i4.i32": "mma.sync.aligned.m8n8k32.row.col.s32.s4.s4.s32"}),
]
# mma_m16n8k128.log / mma_m16n8k256.log (.b1 xor/and popc forms) are not converted: stcsim's form
# table has no single-bit forms.

# The all_SM "Throughput(mma inst)" line divides by 1e12 (TFLOPS); run_m8n8k16_all_SM.cu line 179
# divides by 1e9 instead (and its whole-kernel line by 1e12 instead of 1e9), so its printed figures
# are 1000x (and 1/1000x) TFLOPS. The scales below invert exactly the formula of each source file.
MMA_INST_SCALE = {"m8n8k16": 1e9}      # default 1e12
WHOLE_KERNEL_SCALE = {"m8n8k16": 1e12}  # default 1e9

HEADER_RE = re.compile(r"^(mma\.\S+) TEST with ILP = (\d+), warp num = (\d+), SMs = (\d+), GPUFreq = (\d*)$")
NUM = r"([-+0-9.eE]+)"


def git_blob_id(data):
    """git's object id of a file's bytes: sha1 over 'blob <size>\\0' + content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def read_raw(raw_root, repo, path):
    full = os.path.join(raw_root, repo.replace("/", "+"), path)
    with open(full, "rb") as f:
        data = f.read()
    want = BLOBS[(repo, path)]
    got = git_blob_id(data)
    if got != want:
        sys.exit(f"{full}: git blob {got}, expected {want} ({repo} at the pinned commit)")
    return data.decode("ascii").split("\n")


def close(a, b, rel):
    return abs(a - b) <= rel * max(abs(a), abs(b))


def check(cond, where, what):
    if not cond:
        sys.exit(f"{where}: {what}")


def decimals(text):
    """Digits after the decimal point of a printed number ('16.0017' -> 4, '172.7' -> 1)."""
    return len(text.split(".")[1]) if "." in text else 0


def expect(lines, i, pattern, where):
    m = re.match(pattern, lines[i]) if i < len(lines) else None
    check(m is not None, f"{where}:{i + 1}", f"expected /{pattern}/, got {lines[i]!r}" if i < len(lines) else "end of file")
    return m


def mma_single(lines, i, path, shape, mnk, ptx, ilp, warps):
    """single_SM: one CTA of `warps` warps on one SM; prints Latency = clock / ITERs with
    clock = max(end clock64 over all threads) - min(start clock64 over all threads), then
    Throughput = ILP*m*n*k*warps*ITERs / clock (FMA/SM/clk, float, 6 significant digits)."""
    m, n, k = mnk
    lat = expect(lines, i + 1, r"^Latency = " + NUM + "$", path)
    thr = expect(lines, i + 2, r"^Throughput = " + NUM + r" FMA/SM/clk, ideally " + NUM + r" TFLOPS/TOPS$", path)
    latency_text = lat.group(1)
    published_latency = float(latency_text)
    # cycles = printed latency x ITERs; cout prints 6 significant digits, so the clock count is known
    # to +-0.5 unit of the last printed digit times ITERs (0 when at least 4 decimals are printed).
    cycles = round(published_latency * SINGLE_ITERS)
    uncertainty = 0.5 * 10 ** (-decimals(latency_text)) * SINGLE_ITERS
    uncertainty = 0 if uncertainty < 1 else uncertainty
    fma = warps * ilp * SINGLE_ITERS * m * n * k / cycles
    published_fma = float(thr.group(1))
    # Cross-check against the printed throughput: 6 significant digits (5e-6) + the cycle rounding.
    check(close(fma, published_fma, 1.1e-5 + uncertainty / cycles), f"{path}:{i + 3}",
          f"printed {published_fma} FMA/SM/clk, {fma} from the latency")
    rec = {
        "experiment": "mma", "instr": ptx, "arch": "sm_90", "device": "NVIDIA H100 80GB HBM3",
        "warps": warps, "ilp": ilp, "iters": SINGLE_ITERS, "cycles": cycles,
        "latency_cycles": cycles / SINGLE_ITERS, "fma_per_clk_per_sm": fma,
        "source": f"{RAW_DIR}/{path}:{i + 2}",
        "published": True,
        "benchmark": f"TensorCores/mma/{shape}/run_{shape}_single_SM.cu (1 CTA on 1 SM)",
        "cycles_from": "printed Latency x ITERs (10000): clock64 span from the earliest start to the latest end over all threads of the CTA",
        "cycles_uncertainty": uncertainty,
        "published_latency": published_latency,
        "published_fma_per_clk_per_sm": published_fma,
    }
    return rec, i + 3


def mma_all(lines, i, path, shape, mnk, ptx, ilp, warps, sms, freq):
    """all_SM: SMs CTAs of `warps` warps (one per SM); prints Time (cudaEvent ms), Throughput(whole
    kernel), Latency = max over all threads of (end clock64 - start clock64), an exact integer, and
    Throughput(mma inst) = m*n*k*2*warps*SMs*ILP / scale * GPUFreq * ITERs / Latency."""
    m, n, k = mnk
    t = expect(lines, i + 1, r"^Time : " + NUM + r" ms$", path)
    w = expect(lines, i + 2, r"^Throughput\(whole kernel\) : " + NUM + r" TFLOPS/TOPS$", path)
    lat = expect(lines, i + 3, r"^Latency = (\d+)$", path)
    thr = expect(lines, i + 4, r"^Throughput\(mma inst\) = " + NUM + r" TFLOPS/TOPS$", path)
    cycles = int(lat.group(1))          # primary: an exact clock64 count
    kernel_ms = float(t.group(1))
    published_tflops = float(thr.group(1))
    scale = MMA_INST_SCALE.get(shape, 1e12)
    wscale = WHOLE_KERNEL_SCALE.get(shape, 1e9)
    flops = m * n * k * 2 * warps * sms * ilp   # per iteration, whole GPU (2 flops per FMA)
    check(close(flops / scale * freq * ALL_ITERS / cycles, published_tflops, 1e-5), f"{path}:{i + 5}",
          "printed Throughput(mma inst) does not follow from Latency")
    check(close(flops / wscale * ALL_ITERS / kernel_ms, float(w.group(1)), 2e-5), f"{path}:{i + 3}",
          "printed Throughput(whole kernel) does not follow from Time")
    # The source's own figure per SM and clock: TFLOPS x scale / 2 (flops per FMA) / (GPUFreq x SMs).
    published_fma = published_tflops * scale / 2 / (freq * sms)
    fma = warps * ilp * ALL_ITERS * m * n * k / cycles
    rec = {
        "experiment": "mma", "instr": ptx, "arch": "sm_90", "device": "NVIDIA H100 80GB HBM3",
        "warps": warps, "ilp": ilp, "iters": ALL_ITERS, "cycles": cycles,
        "latency_cycles": cycles / ALL_ITERS, "fma_per_clk_per_sm": fma,
        "source": f"{RAW_DIR}/{path}:{i + 4}",
        "published": True,
        "benchmark": f"TensorCores/mma/{shape}/run_{shape}_all_SM.cu ({sms} CTAs, one per SM)",
        "cycles_from": "printed Latency: the largest per-thread clock64 span (end - start) over all threads of all CTAs",
        "cycles_uncertainty": 0,
        "kernel_ms": kernel_ms,
        "published_tflops_mma_inst": published_tflops,
        "published_tflops_whole_kernel": float(w.group(1)),
        "published_fma_per_clk_per_sm": published_fma,
    }
    return rec, i + 5


def convert_mma(raw_root):
    records = []
    for path, shape, mnk, labels in MMA_LOGS:
        lines = read_raw(raw_root, JOHNSONMS, f"{RAW_DIR}/{path}")
        i = 0
        while i < len(lines):
            h = HEADER_RE.match(lines[i])
            if not h:
                i += 1
                continue
            label, ilp, warps, sms = h.group(1), int(h.group(2)), int(h.group(3)), int(h.group(4))
            check(sms == H100_SMS, f"{path}:{i + 1}", f"SMs = {sms}")
            # run_m8n8k32_all_SM.cu line 196 omits the GPUFreq variable from the header; its formula
            # still uses GPUFreq, set by InitGPUDeviceProperty() on the same GPU as every other line.
            freq = int(h.group(5)) if h.group(5) else H100_GPU_FREQ_HZ
            check(freq == H100_GPU_FREQ_HZ, f"{path}:{i + 1}", f"GPUFreq = {freq}")
            ptx = labels.get(label, label)
            is_all = i + 1 < len(lines) and lines[i + 1].startswith("Time : ")
            if is_all:
                rec, i = mma_all(lines, i, path, shape, mnk, ptx, ilp, warps, sms, freq)
            else:
                rec, i = mma_single(lines, i, path, shape, mnk, ptx, ilp, warps)
            records.append(rec)
    return records


def convert_h100_memory(raw_root):
    """l1_lat, l1_bw_128, l2_bw_128 (RegularUnits/*). l2_lat and mem_lat(_dram) are not converted:
    they load with ld.global.cg (L1 bypassed), which stcsim's latency benchmark cannot express;
    mem_bw is not converted: it streams five reads and one write, stcsim's dram benchmark only reads."""
    out = []
    lines = read_raw(raw_root, JOHNSONMS, f"{RAW_DIR}/l1_lat.log")
    lat = expect(lines, 0, r"^L1 Latency  = +" + NUM + r" cycles$", "l1_lat.log")
    tot = expect(lines, 1, r"^Total Clk number = (\d+) $", "l1_lat.log")
    # l1_lat.cu: one thread chases 8-byte pointers through ARRAY_SIZE = 4096 uint64 (32768 bytes),
    # posArray[i] -> posArray[i+1] (stride 8 bytes, address order), ITERS = 32768 loads of
    # ld.global.ca, timed with the 32-bit %clock; latency = Total Clk / ITERS.
    loads = 32768
    clk = int(tot.group(1))
    check(close(clk / loads, float(lat.group(1)), 1e-5), "l1_lat.log:1", "latency != total / ITERS")
    out.append({
        "experiment": "latency", "footprint": 4096 * 8, "stride": 8,
        "latency_cycles": clk / loads, "source": f"{RAW_DIR}/l1_lat.log:1", "published": True,
        "cycles": clk, "loads": loads, "published_latency_cycles": float(lat.group(1)),
        "load": "ld.global.ca.u64, one thread", "order": "address order",
        "warm_up": "none: the 8 passes over the array include the first, cold one (the array was just written by the same thread)",
    })
    lines = read_raw(raw_root, JOHNSONMS, f"{RAW_DIR}/l1_bw_128.log")
    bw = expect(lines, 0, r"^L1 bandwidth = " + NUM + r" \(byte/clk/SM\)$", "l1_bw_128.log")
    tot = expect(lines, 1, r"^Total Clk number = (\d+) $", "l1_bw_128.log")
    # l1_bw_128.cu: 1 CTA of 1024 threads on one SM, REPEAT_TIMES = 4096 ld.global.ca.v4.f32 (16 bytes)
    # per thread from a 64 KB array already loaded once; bytes = 4096 * 1024 * 16 over the %clock span
    # of thread 0 (both ends after bar.sync).
    nbytes = 4096 * 1024 * 4 * 4
    clk = int(tot.group(1))
    check(close(nbytes / clk, float(bw.group(1)), 1e-6), "l1_bw_128.log:1", "bandwidth != bytes / clocks")
    out.append({
        "experiment": "bandwidth", "level": "l1", "bytes_per_clk_per_sm": nbytes / clk,
        "gb_per_s": None, "source": f"{RAW_DIR}/l1_bw_128.log:1", "published": True,
        "published_bytes_per_clk_per_sm": float(bw.group(1)), "bytes": nbytes, "cycles": clk,
        "sms_measured": 1, "load": "ld.global.ca.v4.f32 (16 bytes per lane), 32 warps",
        "note": "one SM only, so no whole-GPU GB/s was measured",
    })
    lines = read_raw(raw_root, JOHNSONMS, f"{RAW_DIR}/l2_bw_128.log")
    bw = expect(lines, 0, r"^L2 bandwidth = " + NUM + r" \(byte/cycle\)$", "l2_bw_128.log")
    expect(lines, 1, r"^Total Clk number = (\d+) $", "l2_bw_128.log")
    # l2_bw_128.cu: 228 CTAs x 1024 threads, REPEAT_TIMES = 2048 ld.global.cg.v4.f32 per thread over a
    # 4.8 MB L2-resident array; time = %globaltimer (ns) span over all threads of the last of 10
    # launches, converted to clocks as ns * clockRate (1.98 GHz). Printed: bytes / clocks, whole GPU.
    per_gpu = float(bw.group(1))
    ghz = H100_GPU_FREQ_HZ / 1e9
    out.append({
        "experiment": "bandwidth", "level": "l2",
        # whole-GPU bytes per clock / 132 SMs (every SM runs at least one of the 228 CTAs)
        "bytes_per_clk_per_sm": per_gpu / H100_SMS,
        # bytes per clock x clocks per ns = bytes per ns = GB/s (undoes the benchmark's ns -> clock step)
        "gb_per_s": per_gpu * ghz,
        "source": f"{RAW_DIR}/l2_bw_128.log:1", "published": True,
        "published_bytes_per_clk": per_gpu, "bytes": 228 * 1024 * 2048 * 16, "sms": H100_SMS,
        "load": "ld.global.cg.v4.f32 (16 bytes per lane), 228 CTAs x 32 warps",
        "note": "timed with %globaltimer, converted to clocks at 1980 MHz by the benchmark",
    })
    return out


def random_latency(raw_root, path, device):
    """RegularUnits/random_latency/main.cu: one CTA of 4 threads (one warp) chases pointers through
    LEN 8-byte slots 128 bytes apart (cl_size 1, skip_factor 16: one slot per 128-byte line) in a
    random cyclic order; iters = max(LEN, 1000000) loads; 1 warm-up launch, then 7 timed launches
    (host wall clock around launch + synchronize); printed: iters, clock (MHz, NVML, read once at
    start), footprint in KiB (integer division), min time in ms, min time / iters * clock."""
    lines = read_raw(raw_root, HPMLL, path)
    check(lines[0].startswith("clock: "), f"{path}:1", "clock line expected")
    out = []
    length = 16
    row = 1
    while length < (1 << 24):  # the benchmark's loop, replayed to recover the exact LEN of each row
        if length * 16 * 1 * 8 > 120 * 1024 * 1024:
            length = int(length * 1.5)  # C++: LEN *= 1.5 on an int64 truncates
        f = lines[row].split()
        check(len(f) == 5, f"{path}:{row + 1}", "5 columns expected")
        iters, clock, kib, ms, cyc = int(f[0]), int(f[1]), int(f[2]), float(f[3]), float(f[4])
        check(iters == max(length, 1000000), f"{path}:{row + 1}", f"iters {iters}, LEN {length}")
        check(kib == length * 128 // 1024, f"{path}:{row + 1}", f"{kib} KiB, LEN {length}")
        # cycles per load = seconds / iters * MHz * 1e6; both printed to 0.1 (ms and cycles)
        check(abs(ms / 1000 / iters * clock * 1e6 - cyc) <= 0.05 + 0.05e-3 / iters * clock * 1e6 + 1e-9,
              f"{path}:{row + 1}", "cycles do not follow from the time")
        out.append({
            "experiment": "latency", "footprint": length * 128, "stride": 128, "latency_cycles": cyc,
            "source": f"{path}:{row + 1}", "published": True, "device": device, "iters": iters,
            "clock_mhz": clock, "time_ms_min_of_7": ms, "statistic": "minimum of 7 runs",
            "cycles_from": "wall-clock time x the SM clock NVML reported at the start (not clock64)",
            "order": "random cyclic permutation of 128-byte lines", "load": "ld.global (default caching), 8 bytes",
        })
        length = int(length * 1.04 + 32)  # C++: LEN = LEN * 1.04 + 32, truncated
        row += 1
    check(lines[row] == "" and all(x == "" for x in lines[row:]), f"{path}:{row + 1}", "trailing data")
    return out


METHOD_H100 = (
    "Luo et al.'s warp-level tensor-core benchmark (HPMLL TensorCores/mma, sources at "
    f"{HPMLL_COMMIT}) run by Johnsonms on an H100 80GB HBM3 SXM5 (CUDA 12.9, driver 575.57.08, clocks "
    "recorded, not locked; METHODOLOGY.md states the part held 1980 MHz). Each warp runs ILP "
    "independent chains of ITERs dependent mma.sync (D and C are the same registers; A and B constant; "
    "__syncwarp after every ILP-group). single_SM (ILP 1, ITERs 10000): one CTA of 1..32 warps on one SM, "
    "cycles = max end clock64 - min start clock64 over all threads (printed as Latency = cycles/ITERs "
    "with 6 significant digits, so cycles = Latency x 10000, exact when 4 decimals are printed, else "
    "+-cycles_uncertainty). all_SM (ILP 4, ITERs 1e7): 132 CTAs (one per SM), cycles = the largest "
    "per-thread clock64 span, printed exactly. Primary value: cycles, counted by clock64 on the SM "
    "clock, so no clock conversion enters it; latency_cycles = cycles/iters and fma_per_clk_per_sm = "
    "warps*ilp*iters*m*n*k/cycles are derived; the source's printed throughput is kept as "
    "published_fma_per_clk_per_sm (single_SM: as printed; all_SM: TFLOPS*1e12/2/(1.98e9*132)) and "
    "cross-checked against cycles by the converter. Differences from stcsim's benchmark: timing ends "
    "after a __syncthreads (not at the last write-back), chains advance in lock-step ILP groups "
    "separated by __syncwarp, all_SM runs 132 CTAs instead of one, and iters is 1e4 or 1e7. Memory: "
    "l1_lat (one thread, 32 KB, 8-byte stride, ld.global.ca, no warm-up pass), l1_bw_128 (one SM, "
    "v4 loads, %clock) and l2_bw_128 (228 CTAs, ld.global.cg.v4, %globaltimer converted to clocks at "
    "1.98 GHz by the benchmark; per SM = whole GPU / 132). Not converted: the .b1 forms (m16n8k128, "
    "m16n8k256: no such form in stcsim), l2_lat and mem_lat (ld.global.cg chases), mem_bw (5 reads + "
    "1 write), wgmma. The benchmark sources of the fork are assumed equal to HPMLL's at the commit above "
    "(the fork adds only reproduction/ and docs; the log format matches those sources line for line).")

METHOD_RANDOM = (
    "Pointer chase of RegularUnits/random_latency/main.cu (a variant of RRZE-HPC gpu-benches "
    "gpu-latency): one warp (4 active threads, same addresses) follows LEN 8-byte pointers, one per "
    "128-byte line, in a random cyclic order, iters = max(LEN, 1e6) loads with default caching; one "
    "warm-up launch, then the minimum host wall-clock time of 7 launches. Cycles per load = time / "
    "iters x the SM clock that NVML reported at the start (printed in the file's first column pair), "
    "i.e. cycles are NOT counted by clock64: if the clock moved during the run the figure is off by the "
    "same ratio. footprint = LEN x 128 bytes, LEN recovered exactly by replaying the benchmark's loop "
    "(LEN = LEN*1.04+32; LEN *= 1.5 above 120 MB) and checked against the printed iters and KiB. "
    "stride = 128 with random order, whereas stcsim's latency benchmark walks in address order. "
    "Launch overhead is inside the timed interval (< 0.1 % at 1e6 loads).")

TARGETS = [
    {
        "gpu": "h100-sxm", "repo": JOHNSONMS, "commit": JOHNSONMS_COMMIT,
        "published_by": "Luo, Fan, Li, Du, Wang, Chu (HPMLL, HKUST-GZ): benchmark code; run and published by GitHub user Johnsonms (node dapperdingo-002)",
        "paper": "W. Luo et al., Benchmarking and Dissecting the Nvidia Hopper GPU Architecture, IPDPS 2024; extended as arXiv:2501.12084 (cited by the run's METHODOLOGY.md)",
        "files": [f"{RAW_DIR}/{p}" for p, *_ in MMA_LOGS] + [f"{RAW_DIR}/l1_lat.log", f"{RAW_DIR}/l1_bw_128.log", f"{RAW_DIR}/l2_bw_128.log",
                  "reproduction/H100-dapperdingo/METHODOLOGY.md", "reproduction/H100-dapperdingo/run_suite.sh",
                  "reproduction/H100-dapperdingo/env/gpu-spec.csv", "reproduction/H100-dapperdingo/env/nvidia-smi.txt"],
        "device": "NVIDIA H100 80GB HBM3 (SXM5)", "clock_mhz": 1980, "cc": "9.0",
        "header_extra": {"driver_version": "575.57.08", "cuda": "12.9", "clocks_sm_mhz": "1980 (recorded, not locked)",
                         "clocks_max_sm_mhz": "1980", "clocks_mem_mhz": "2619", "sms": 132,
                         # stcsim compare replays the benchmark's loop as nvcc compiles it (validation/twins/luo_mma.cu)
                         "twin": "luo_mma"},
        "licence": "GPL-3.0, inherited from HPMLL/NVIDIA-Hopper-Benchmark (this is its fork; no licence file of the fork itself was seen)",
        "method": METHOD_H100,
    },
    {
        "gpu": "a100-pcie", "repo": HPMLL, "commit": HPMLL_COMMIT,
        "published_by": "Luo, Fan, Li, Du, Wang, Chu (HPMLL, HKUST-GZ)",
        "paper": "W. Luo et al., Benchmarking and Dissecting the Nvidia Hopper GPU Architecture, IPDPS 2024",
        "files": ["RegularUnits/random_latency/a100_pcie.txt", "RegularUnits/random_latency/main.cu"],
        "device": "NVIDIA A100 PCIe (memory size not stated)", "clock_mhz": 1395, "cc": "8.0",
        "header_extra": {"clocks_sm_mhz": "1395 (NVML at start)"},
        "licence": "GPL-3.0", "method": METHOD_RANDOM,
    },
    {
        "gpu": "h800-pcie", "repo": HPMLL, "commit": HPMLL_COMMIT,
        "published_by": "Luo, Fan, Li, Du, Wang, Chu (HPMLL, HKUST-GZ)",
        "paper": "W. Luo et al., Benchmarking and Dissecting the Nvidia Hopper GPU Architecture, IPDPS 2024",
        "files": ["RegularUnits/random_latency/h800_pcie.txt", "RegularUnits/random_latency/main.cu"],
        "device": "NVIDIA H800 PCIe", "clock_mhz": 1755, "cc": "9.0",
        "header_extra": {"clocks_sm_mhz": "1755 (NVML at start)"},
        "licence": "GPL-3.0", "method": METHOD_RANDOM,
    },
]


def write_jsonl(path, records):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        for r in records:
            f.write(json.dumps(r, sort_keys=False) + "\n")


def write_json(path, obj):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(json.dumps(obj, indent=2) + "\n")


def emit(out_root, t, files):
    folder = os.path.join(out_root, t["gpu"], SOURCE)
    os.makedirs(folder, exist_ok=True)
    counts = {}
    for name, records in files.items():
        write_jsonl(os.path.join(folder, name), records)
        for r in records:
            counts[r["experiment"]] = counts.get(r["experiment"], 0) + 1
    raw = [{"path": p, "git_blob": BLOBS[(t["repo"], p)]} for p in t["files"] if (t["repo"], p) in BLOBS]
    write_json(os.path.join(folder, "source.json"), {
        "published_by": t["published_by"], "repository": t["repo"], "commit": t["commit"],
        "benchmark_source": {"repository": HPMLL, "commit": HPMLL_COMMIT},
        "paper": t["paper"], "table_or_files": t["files"], "gpu": t["device"],
        "clock_mhz_as_run": t["clock_mhz"], "method": t["method"], "licence": t["licence"],
        "raw_copied": False,
        "raw_not_copied_because": "GPL-3.0 repository; records carry repository path:line instead",
        "raw_files": raw, "records": counts,
        "conversion": "validation/published/convert_luo_hopper_benchmark.py",
    })
    header = {"published": True, "synthetic": False, "gpu": t["device"], "clock_mhz": t["clock_mhz"],
              "compute_capability": t["cc"], "source": "source.json",
              "command": "python3 validation/published/convert_luo_hopper_benchmark.py --raw-root DIR"}
    header.update(t["header_extra"])
    write_json(os.path.join(folder, "header.json"), header)
    return counts


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw-root", required=True, help="folder with owner+name checkouts of the repositories")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    h100, a100, h800 = TARGETS
    print(h100["gpu"], emit(a.out, h100, {"mma_sweep.jsonl": convert_mma(a.raw_root),
                                          "memory.jsonl": convert_h100_memory(a.raw_root)}))
    print(a100["gpu"], emit(a.out, a100, {"memory.jsonl": random_latency(
        a.raw_root, "RegularUnits/random_latency/a100_pcie.txt", a100["device"])}))
    print(h800["gpu"], emit(a.out, h800, {"memory.jsonl": random_latency(
        a.raw_root, "RegularUnits/random_latency/h800_pcie.txt", h800["device"])}))


if __name__ == "__main__":
    main()
