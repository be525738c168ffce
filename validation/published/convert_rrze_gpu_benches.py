#!/usr/bin/env python3
"""Converts RRZE-HPC gpu-benches pointer-chase results (gpu-latency) into `stcsim compare` records.

Input (never copied here; the repository is GPL-3.0): RRZE-HPC/gpu-benches at COMMIT,
gpu-latency/a100_80.txt and gpu-latency/gh200.txt; the code read to interpret them is
gpu-latency/main.cu, gpu-clock.cuh and MeasurementSeries.hpp at the same commit.

Usage:
  convert_rrze_gpu_benches.py --raw-root DIR [--out DIR]
DIR/RRZE-HPC+gpu-benches is a checkout of the repository at COMMIT; every raw file is checked
against its git blob id before it is read. Writes <gpu>/rrze-gpu-benches/{source,header}.json and
memory.jsonl under --out (default: this script's folder). Python 3 standard library only;
deterministic.

Not converted: gpu-cache, gpu-l2-cache and gpu-stream (bandwidth). They are sweeps over footprint or
occupancy, in GB/s of the whole GPU, and no single row corresponds to stcsim's per-level streaming
benchmark without choosing one; a100_40/h100_pcie exist only for gpu-stream.
"""
import argparse
import hashlib
import json
import os
import sys

SOURCE = "rrze-gpu-benches"
REPO = "RRZE-HPC/gpu-benches"
COMMIT = "1038c5d0d0f48cfe9912930d34eb2d8a31b72b9b"
BLOBS = {
    "gpu-latency/a100_80.txt": "793f3be8cdbb0a98dd9dc72999dfe91c2c114c1e",
    "gpu-latency/gh200.txt": "27871e5c66e0a70659dd68add442a108d31f24ed",
}

# gpu-latency/main.cu: cl_size = 128 / sizeof(int64_t) = 16 slots per 128-byte line, skip_factor 1;
# the buffer holds LEN lines; printed footprint = LEN * 16 * 8 / 1024 KiB.
LINE_BYTES = 128

METHOD = (
    "gpu-latency (RRZE-HPC gpu-benches, main.cu as of the data commit c1cad2a, 2025-01-04): one "
    "thread (<<<1,1>>>) chases 8-byte pointers through LEN 128-byte lines in a random cyclic order "
    "(re-randomised for each of the 21 repeats; all lines visited once before any is revisited: the "
    "chain walks slot 0 of every line, then slot 1, ... slot 15); iters = printed first column (1e6, "
    "or LEN when larger; the committed main.cu says 1e5, so the data came from a slightly different "
    "build, and the printed iters is used); 2 untimed launches, then one launch timed with cudaEvents "
    "per repeat. Cycles per load = time / iters x the SM clock NVML reported after a warm-up kernel "
    "(gpu-clock.cuh; printed second column), so cycles are NOT counted by clock64. Columns 5-8: "
    "MeasurementSeries value() (mean without min and max), median, 5th and 95th percentile; "
    "latency_cycles is the median, the others are kept. footprint = LEN x 128 bytes with LEN = "
    "round(KiB x 8), exact because KiB is printed to 0.1 (error <= 0.4 line); checked against iters "
    "where iters = LEN. stride = 128 in random order, whereas stcsim's latency benchmark walks in "
    "address order; the carveout attribute asks for the smallest shared memory, i.e. the largest L1.")

TARGETS = [
    {"gpu": "a100-80gb", "path": "gpu-latency/a100_80.txt", "device": "NVIDIA A100 80GB (form factor not stated)",
     "clock_mhz": 1410, "cc": "8.0"},
    {"gpu": "gh200", "path": "gpu-latency/gh200.txt", "device": "NVIDIA GH200 (H100 GPU of a Grace Hopper superchip)",
     "clock_mhz": 1980, "cc": "9.0"},
]


def git_blob_id(data):
    """git's object id of a file's bytes: sha1 over 'blob <size>\\0' + content."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def check(cond, where, what):
    if not cond:
        sys.exit(f"{where}: {what}")


def read_raw(raw_root, path):
    full = os.path.join(raw_root, REPO.replace("/", "+"), path)
    with open(full, "rb") as f:
        data = f.read()
    got = git_blob_id(data)
    check(got == BLOBS[path], full, f"git blob {got}, expected {BLOBS[path]} ({REPO} at {COMMIT})")
    return data.decode("ascii").split("\n")


def convert(raw_root, t):
    path = t["path"]
    lines = read_raw(raw_root, path)
    check(lines[0].startswith("clock: "), f"{path}:1", "clock line expected")
    out = []
    prev = 0
    for n, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        f = line.split()
        check(len(f) == 8, f"{path}:{n}", "8 columns expected")
        iters, clock, kib, ms = int(f[0]), int(f[1]), float(f[2]), float(f[3])
        value, median, p5, p95 = (float(x) for x in f[4:])
        check(clock == t["clock_mhz"], f"{path}:{n}", f"clock {clock}")
        # LEN lines of 128 bytes: KiB = LEN * 128 / 1024 = LEN / 8, printed to 0.1
        length = round(kib * 8)
        check(abs(length / 8 - kib) <= 0.05 + 1e-9 and length > prev, f"{path}:{n}", f"{kib} KiB is no whole line count")
        check(iters == max(length, 1000000) or (iters == 1000000 and length <= 1000000), f"{path}:{n}",
              f"iters {iters}, LEN {length}")
        # cycles = seconds / iters * clock[MHz] * 1e6; ms printed to 0.1, cycles to 0.1
        check(abs(ms / 1000 / iters * clock * 1e6 - value) <= 0.05 + 0.05e-3 / iters * clock * 1e6 + 1e-9,
              f"{path}:{n}", "cycles do not follow from the time")
        prev = length
        out.append({
            "experiment": "latency", "footprint": length * LINE_BYTES, "stride": LINE_BYTES,
            "latency_cycles": median, "source": f"{path}:{n}", "published": True, "device": t["device"],
            "iters": iters, "clock_mhz": clock, "time_ms": ms, "statistic": "median of 21 runs",
            "cycles_trimmed_mean": value, "cycles_p5": p5, "cycles_p95": p95,
            "cycles_from": "cudaEvent time x the SM clock NVML reported at the start (not clock64)",
            "order": "random cyclic permutation of 128-byte lines", "load": "ld.global (default caching), 8 bytes, one thread",
        })
    return out


def write_json(path, obj):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(json.dumps(obj, indent=2) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--raw-root", required=True, help="folder holding RRZE-HPC+gpu-benches, a checkout at COMMIT")
    ap.add_argument("--out", default=os.path.dirname(os.path.abspath(__file__)))
    a = ap.parse_args()
    for t in TARGETS:
        records = convert(a.raw_root, t)
        folder = os.path.join(a.out, t["gpu"], SOURCE)
        os.makedirs(folder, exist_ok=True)
        with open(os.path.join(folder, "memory.jsonl"), "w", encoding="ascii", newline="\n") as f:
            for r in records:
                f.write(json.dumps(r) + "\n")
        write_json(os.path.join(folder, "source.json"), {
            "published_by": "RRZE-HPC / NHR@FAU (Dominik Ernst et al.)", "repository": REPO, "commit": COMMIT,
            "paper": "none for gpu-latency; the repository README cites D. Ernst et al., Analytical performance "
                     "estimation during code generation on modern GPUs, JPDC 2023 (doi 10.1016/j.jpdc.2022.11.003)",
            "table_or_files": [t["path"], "gpu-latency/main.cu", "gpu-clock.cuh", "MeasurementSeries.hpp", "README.md"],
            "gpu": t["device"], "clock_mhz_as_run": t["clock_mhz"], "method": METHOD, "licence": "GPL-3.0",
            "raw_copied": False,
            "raw_not_copied_because": "GPL-3.0 repository; records carry repository path:line instead",
            "raw_files": [{"path": t["path"], "git_blob": BLOBS[t["path"]]}],
            "records": {"latency": len(records)},
            "conversion": "validation/published/convert_rrze_gpu_benches.py",
        })
        write_json(os.path.join(folder, "header.json"), {
            "published": True, "synthetic": False, "gpu": t["device"], "clock_mhz": t["clock_mhz"],
            "clocks_sm_mhz": f"{t['clock_mhz']} (NVML at start)", "compute_capability": t["cc"],
            "source": "source.json",
            "command": "python3 validation/published/convert_rrze_gpu_benches.py --raw-root DIR",
        })
        print(t["gpu"], {"latency": len(records)})


if __name__ == "__main__":
    main()
