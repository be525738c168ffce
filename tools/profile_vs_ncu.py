#!/usr/bin/env python3
"""Set a simulated per-instruction profile beside Nsight Compute's samples of the same kernel.

Usage:
  python3 tools/profile_vs_ncu.py --ncu NCU.csv[.xz] --profile DIR/pc_profile.csv
      [--kernel 1] [--cycles-per-instruction X] [--top 20]

NCU.csv: `ncu --section SourceCounters --section WarpStateStats --page source --print-source sass
--csv ...` of one kernel launch (the committed ones are under validation/measurements/profiles/).
pc_profile.csv: `stcsim run --pc-profile --out DIR` of the same compiled kernel (for instance the
trace of `stcsim trace gen gemm --impl bench`). Rows are joined by PC offset from the kernel's
first instruction; their execution counts must agree, or the two are not the same code.

Both sides measure where warps wait: Nsight Compute samples each warp's next instruction and the
reason it has not issued; the profile counts, at each instruction, the cycles its warp waited since
its previous issue. Without --cycles-per-instruction the comparison is in shares of all warp time;
with Nsight Compute's "Warp Cycles Per Issued Instruction" (WarpStateStats) the GPU's samples are
scaled to warp-cycles and set against the simulated cycles. Printed: per opcode, executions, the
GPU's and the simulation's warp time per execution, the GPU's "selected + wait" (the compiler's
stall counts) against the simulated stall-count wait, the GPU's largest other reasons; then the
instructions whose difference is largest. Exit 1 with one line naming the file on bad input.
"""
import argparse
import collections
import csv
import io
import lzma
import sys


class InputError(Exception):
    pass


def open_text(path):
    try:
        if path.endswith(".xz"):
            return io.StringIO(lzma.open(path, "rt", encoding="utf-8", newline="").read())
        return open(path, encoding="utf-8", newline="")
    except (OSError, lzma.LZMAError) as e:
        raise InputError(f"{path}: cannot read: {e}")


def int_field(path, line, row, name):
    text = row.get(name, "")
    try:
        return int(text.replace(",", ""))
    except ValueError:
        raise InputError(f"{path}:{line}: column '{name}' is '{text}'; expected a whole number")


def read_ncu(path):
    """{offset: (sass text, executions, samples, {reason: samples})} from a source-page CSV."""
    lines = [l for l in open_text(path).read().splitlines() if l.startswith('"')]
    header_at = next((i for i, l in enumerate(lines) if l.startswith('"Address","Source"')), None)
    if header_at is None:
        raise InputError(f"{path}: no header line starting \"Address\",\"Source\" (ncu --page source --print-source sass --csv)")
    reader = csv.DictReader(lines[header_at:])
    for need in ("Instructions Executed", "Warp Stall Sampling (All Samples)"):
        if need not in (reader.fieldnames or []):
            raise InputError(f"{path}: no column '{need}' (collect --section SourceCounters --section WarpStateStats)")
    reasons = [f for f in reader.fieldnames if f.startswith("stall_") and "Not Issued" not in f]
    rows, base = {}, None
    for n, row in enumerate(reader, start=header_at + 2):
        try:
            address = int(row["Address"], 16)
        except (TypeError, ValueError):
            raise InputError(f"{path}:{n}: Address '{row.get('Address')}'; expected a hexadecimal PC")
        base = address if base is None else base
        rows[address - base] = (row["Source"].strip(), int_field(path, n, row, "Instructions Executed"),
                                int_field(path, n, row, "Warp Stall Sampling (All Samples)"),
                                {r[len("stall_"):]: int_field(path, n, row, r) for r in reasons})
    if not rows:
        raise InputError(f"{path}: no instruction rows")
    return rows


def read_profile(path, kernel):
    """{pc: (sass, executions, warp_cycles, stall_count_cycles)} of one kernel of a pc_profile.csv."""
    reader = csv.DictReader(open_text(path))
    need = ["kernel", "pc", "sass", "executions", "warp_cycles", "stall_count_cycles"]
    missing = [c for c in need if c not in (reader.fieldnames or [])]
    if missing:
        raise InputError(f"{path}: no column {', '.join(missing)} (stcsim run --pc-profile writes pc_profile.csv)")
    rows = {}
    for n, row in enumerate(reader, start=2):
        if int_field(path, n, row, "kernel") != kernel:
            continue
        try:
            pc = int(row["pc"], 16)
        except ValueError:
            raise InputError(f"{path}:{n}: pc '{row['pc']}'; expected a hexadecimal PC")
        rows[pc] = (row["sass"], int_field(path, n, row, "executions"), int_field(path, n, row, "warp_cycles"),
                    int_field(path, n, row, "stall_count_cycles"))
    if not rows:
        raise InputError(f"{path}: no rows of kernel {kernel}")
    return rows


def opcode_of(source):
    words = source.split()
    words = words[1:] if words and words[0].startswith("@") else words
    return words[0].split(".")[0] if words else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--ncu", required=True, help="Nsight Compute source-page CSV (.xz allowed)")
    parser.add_argument("--profile", required=True, help="pc_profile.csv of stcsim run --pc-profile")
    parser.add_argument("--kernel", type=int, default=1, help="the kernel of the profile (1-based)")
    parser.add_argument("--cycles-per-instruction", type=float, default=None,
                        help="Nsight Compute's Warp Cycles Per Issued Instruction: compare in warp-cycles")
    parser.add_argument("--top", type=int, default=20, help="instructions listed by largest difference")
    args = parser.parse_args()
    try:
        gpu = read_ncu(args.ncu)
        sim = read_profile(args.profile, args.kernel)
    except InputError as e:
        print(f"profile_vs_ncu: {e}", file=sys.stderr)
        return 1
    mismatched = [pc for pc in sorted(set(gpu) | set(sim))
                  if gpu.get(pc, ("", 0))[1] != sim.get(pc, ("", 0))[1]]
    if mismatched:
        pc = mismatched[0]
        print(f"warning: {len(mismatched)} instructions executed a different number of times, first at offset "
              f"0x{pc:x} (GPU {gpu.get(pc, ('', 0))[1]}, simulated {sim.get(pc, ('', 0))[1]}): not the same code or launch?",
              file=sys.stderr)
    samples = sum(g[2] for g in gpu.values())
    sim_total = sum(s[2] for s in sim.values())
    if samples == 0 or sim_total == 0:
        print("profile_vs_ncu: no warp time on one side (no samples, or no simulated waits)", file=sys.stderr)
        return 1
    executions = sum(g[1] for g in gpu.values())
    if args.cycles_per_instruction:
        unit, gpu_scale, sim_scale = "warp-cycles", args.cycles_per_instruction * executions / samples, 1.0
    else:
        unit, gpu_scale, sim_scale = "% of warp time x 1e4 / exec", 1e6 / samples, 1e6 / sim_total
    print(f"GPU: {samples} samples over {executions} warp instructions; simulated: {sim_total} warp-cycles"
          + (f"; GPU warp-cycles {args.cycles_per_instruction * executions:.4g} (ratio GPU/sim "
             f"{args.cycles_per_instruction * executions / sim_total:.3f})" if args.cycles_per_instruction else ""))
    by_op = collections.defaultdict(lambda: collections.Counter())
    per_pc = []
    for pc in sorted(set(gpu) | set(sim)):
        source, ex, smp, reasons = gpu.get(pc, (sim.get(pc, ("?",))[0], 0, 0, {}))
        _, sex, cyc, fixed = sim.get(pc, ("", 0, 0, 0))
        op = opcode_of(source)
        a = by_op[op]
        a["executions"] += sex or ex
        a["gpu"] += smp * gpu_scale
        a["sim"] += cyc * sim_scale
        a["sim_stall_count"] += fixed * sim_scale
        for reason, n in reasons.items():
            a["gpu_" + reason] += n * gpu_scale
        per_pc.append((smp * gpu_scale - cyc * sim_scale, pc, source, sex or ex))
    print(f"\nper opcode, {unit} per execution (GPU stall reasons over 0.1 listed):")
    print(f"{'opcode':10} {'executions':>11} {'GPU':>8} {'sim':>8} {'diff':>8} {'GPU sel+wait':>12} {'sim stall cnt':>13}  GPU other")
    for op, a in sorted(by_op.items(), key=lambda kv: -(kv[1]["gpu"] - kv[1]["sim"])):
        n = max(a["executions"], 1)
        fixed = a["gpu_selected"] + a["gpu_wait"]
        others = sorted(((k[4:], v / n) for k, v in a.items()
                         if k.startswith("gpu_") and k not in ("gpu_selected", "gpu_wait") and v / n >= 0.1),
                        key=lambda kv: -kv[1])
        print(f"{op:10} {a['executions']:11d} {a['gpu'] / n:8.2f} {a['sim'] / n:8.2f} {(a['gpu'] - a['sim']) / n:8.2f} "
              f"{fixed / n:12.2f} {a['sim_stall_count'] / n:13.2f}  " + " ".join(f"{k}={v:.2f}" for k, v in others))
    print(f"\n{args.top} instructions with the largest difference (GPU - sim, {unit} in all):")
    for diff, pc, source, ex in sorted(per_pc, key=lambda r: -abs(r[0]))[:args.top]:
        print(f"  0x{pc:05x} {diff:12.4g}  executions {ex:9d}  {source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
