#!/usr/bin/env python3
"""Plot the `stcsim bench mma --sweep` table (CSV) for one config and instruction.

Usage:
  stcsim bench mma --config configs/a100.json --instr '<PTX>' --sweep > sweep.csv
  .venv/bin/python tools/plot_sweep.py sweep.csv -o sweep.png [--title TEXT] [--peak FMA_PER_CLK]

Left: dense-equivalent FMA/clk/SM against warps, one line per ILP. Right: cycles per dependent
instruction (latency) against warps. Optional: needs matplotlib (scripts/setup.sh installs it).
"""
import argparse
import csv
import sys


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("csv", help="sweep CSV from stcsim bench mma --sweep ('-' for stdin)")
    parser.add_argument("-o", "--output", default="sweep.png", help="PNG file to write")
    parser.add_argument("--title", default="", help="plot title (e.g. GPU and instruction)")
    parser.add_argument("--peak", type=float, default=None, help="draw a horizontal line at this FMA/clk/SM")
    args = parser.parse_args()

    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    stream = sys.stdin if args.csv == "-" else open(args.csv, newline="")
    rows = list(csv.DictReader(stream))
    by_ilp = {}
    for row in rows:
        by_ilp.setdefault(int(row["ilp"]), []).append(row)

    fig, (rate_ax, lat_ax) = plt.subplots(1, 2, figsize=(11, 4.2))
    for ilp, points in sorted(by_ilp.items()):
        warps = [int(p["warps"]) for p in points]
        rate_ax.plot(warps, [float(p["fma_per_clk_per_sm"]) for p in points], marker="o", label=f"ILP {ilp}")
        lat_ax.plot(warps, [float(p["latency_cycles"]) for p in points], marker="o", label=f"ILP {ilp}")
    if args.peak:
        rate_ax.axhline(args.peak, color="grey", linestyle="--", label="peak")
    for ax in (rate_ax, lat_ax):
        ax.set_xscale("log", base=2)
        ax.set_xlabel("warps per SM")
        ax.grid(True, alpha=0.3)
        ax.legend()
    rate_ax.set_ylabel("dense-equivalent FMA / clock / SM")
    lat_ax.set_ylabel("cycles per dependent instruction")
    if args.title:
        fig.suptitle(args.title)
    fig.tight_layout()
    fig.savefig(args.output, dpi=120)
    print(f"wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
