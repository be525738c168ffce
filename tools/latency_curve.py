#!/usr/bin/env python3
"""Pointer-chase latency curve (footprint 4 KB to 1 GB) of one or more GPU configs.

Usage:
  .venv/bin/python tools/latency_curve.py [--stcsim build/release/stcsim] [--stride 128]
      [--l2-sides all,near,far] [--out latency-curve] configs/a100.json ...

Runs `stcsim bench latency --config FILE --footprint BYTES --stride S --json` for footprints
2^12 .. 2^30 bytes and 1.5 times each, writes OUT.csv (config, l2_side, footprint_bytes,
latency_cycles) and OUT.png (latency against footprint, one line per config and side). l2_side
"all" is the classic benchmark; "near" / "far" keep only the lines of the L2 partition near to /
far from the chasing SM (--l2-side of stcsim bench latency), which separates the two L2 plateaus. The PNG needs matplotlib
(scripts/setup.sh installs it into .venv); with --no-plot only the CSV is written. OUT defaults to
latency-curve in the current folder; the committed figure is rewritten only when asked for with
--out docs/figures/latency-curve.
"""
import argparse
import csv
import json
import os
import subprocess
import sys


def footprints():
    out = []
    for e in range(12, 31):
        out.append(1 << e)
        if e < 30:
            out.append(3 << (e - 1))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("configs", nargs="+", help="GPU config files")
    parser.add_argument("--stcsim", default="build/release/stcsim", help="the stcsim binary")
    parser.add_argument("--stride", type=int, default=128, help="bytes between consecutive loads")
    parser.add_argument("--l2-sides", default="all", help="comma-separated: all, near, far")
    parser.add_argument("--out", default="latency-curve",
                        help="output path without extension (default: latency-curve in the current folder)")
    parser.add_argument("--no-plot", action="store_true", help="write the CSV only")
    args = parser.parse_args()

    rows = []
    for config in args.configs:
        name = os.path.splitext(os.path.basename(config))[0]
        for side in args.l2_sides.split(","):
            for footprint in footprints():
                result = subprocess.run([args.stcsim, "bench", "latency", "--config", config, "--footprint", str(footprint),
                                         "--stride", str(args.stride), "--l2-side", side, "--json"],
                                        check=True, capture_output=True, text=True)
                latency = json.loads(result.stdout)["latency_cycles"]
                rows.append((name, side, footprint, latency))
                print(f"{name} {side} {footprint} {latency:.1f}", file=sys.stderr)

    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    with open(args.out + ".csv", "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["config", "l2_side", "footprint_bytes", "latency_cycles"])
        for name, side, footprint, latency in rows:
            writer.writerow([name, side, footprint, f"{latency:.2f}"])
    print(f"wrote {args.out}.csv")
    if args.no_plot:
        return 0

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4.8))
    styles = {"all": "-", "near": "--", "far": ":"}
    colors = {}
    for config, side in dict.fromkeys((r[0], r[1]) for r in rows):
        points = [(fp, lat) for name, s, fp, lat in rows if name == config and s == side]
        line = ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, linestyle=styles[side],
                       color=colors.get(config), label=config if side == "all" else f"{config} (L2 {side} lines only)")
        colors.setdefault(config, line[0].get_color())
    ax.set_xscale("log", base=2)
    ticks = [1 << e for e in range(12, 31, 2)]
    ax.set_xticks(ticks)
    ax.set_xticklabels([f"{t >> 10} KB" if t < (1 << 20) else f"{t >> 20} MB" for t in ticks], rotation=30)
    ax.set_xlabel(f"footprint (pointer chase, stride {args.stride} B)")
    ax.set_ylabel("cycles per load")
    ax.set_title("stcsim pointer-chase latency (one warp, after a warm-up pass)")
    ax.grid(True, alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(args.out + ".png", dpi=120)
    print(f"wrote {args.out}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
