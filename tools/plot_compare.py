#!/usr/bin/env python3
"""Scatter plots of measured against simulated values, one PNG per experiment class.

Usage: plot_compare.py POINTS_JSON OUT_DIR
POINTS_JSON (written by `stcsim compare --report`): {"title": str, "classes": {class: {"unit": str,
"mape": float|null, "correlation": float|null, "points": [[measured, simulated], ...]}}}.
Writes OUT_DIR/<class>.png and prints their names. Exit status 3 when matplotlib is missing.
"""
import json
import sys
import textwrap


def main() -> int:
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("matplotlib is not installed (run scripts/setup.sh to create .venv)", file=sys.stderr)
        return 3
    with open(sys.argv[1]) as f:
        data = json.load(f)
    for cls, entry in data["classes"].items():
        points = entry["points"]
        if not points:
            continue
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        fig, ax = plt.subplots(figsize=(5.5, 5))
        ax.scatter(xs, ys, s=12, alpha=0.7)
        lo, hi = min(xs + ys), max(xs + ys)
        ax.plot([lo, hi], [lo, hi], color="gray", linewidth=1, label="simulated = measured")
        if lo > 0 and hi / lo > 100:
            ax.set_xscale("log")
            ax.set_yscale("log")
        stats = []
        if entry.get("mape") is not None:
            stats.append(f"MAPE {entry['mape']:.2f}%")
        if entry.get("correlation") is not None:
            stats.append(f"r = {entry['correlation']:.4f}")
        ax.set_title(f"{cls} ({len(points)} points{', ' + ', '.join(stats) if stats else ''})", fontsize=10)
        ax.set_xlabel(f"measured ({entry.get('unit', '')})")
        ax.set_ylabel(f"simulated ({entry.get('unit', '')})")
        ax.legend(loc="upper left", fontsize=8)
        fig.suptitle("\n".join(textwrap.wrap(data.get("title", ""), 90)), fontsize=7)
        fig.tight_layout()
        fig.savefig(f"{sys.argv[2]}/{cls}.png", dpi=100)
        plt.close(fig)
        print(f"{cls}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
