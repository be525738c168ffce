"""Plot helper: one stat against one parameter of a sweep's result table (matplotlib, PNG)."""

import json
import os


def plot(table, x, y, out="sweep.png", by=None, title=None):
    """Draws column `y` (a stat, e.g. "cycles") against column `x` (a -p key, e.g. "gpu.sms") of a
    sweep table (SQLite path or DataFrame from stcsim.load_sweep), one line per value of `by`
    (default: per combination of the configs, traces and other parameters that vary). Axis labels carry the stat's unit. Writes
    `out` and returns its path; stcsim.Error if a column is missing."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ._native import Error
    from .sweep_store import load

    frame = table if not isinstance(table, (str, os.PathLike)) else load(os.fspath(table))
    for column in [x, y] + ([by] if by else []):
        if column not in frame.columns:
            raise Error("{}: no column '{}'; the table has {}".format(
                table if isinstance(table, (str, os.PathLike)) else "table", column, ", ".join(map(str, frame.columns))))
    if by is None:  # one line per combination of whatever else varies
        others = ["config", "trace"] + sorted({k for text in frame["params"] for k in json.loads(text)} - {x})
        varying = [c for c in others if c in frame.columns and frame[c].nunique() > 1]
        groups = frame.groupby(varying) if varying else [((), frame)]
    else:
        varying = [by]
        groups = frame.groupby(varying)
    units = frame.attrs.get("units", {})
    figure, axes = plt.subplots(figsize=(6, 4))
    for label, group in groups:
        group = group.sort_values(x)
        values = label if isinstance(label, tuple) else (label,)
        name = ", ".join(str(v) if c in ("config", "trace") else "{}={}".format(c, v) for c, v in zip(varying, values))
        axes.plot(group[x], group[y], marker="o", label=name or None)
    axes.set_xlabel(x)
    axes.set_ylabel("{} ({})".format(y, units[y]) if units.get(y) else y)
    if title:
        axes.set_title(title)
    if len(axes.get_legend_handles_labels()[0]) > 1:
        axes.legend(fontsize="small")
    axes.grid(alpha=0.3)
    figure.tight_layout()
    figure.savefig(out, dpi=120)
    plt.close(figure)
    return out
