"""Sweeps: many simulations over configs, -p overrides and traces, into one result table.

    stcsim sweep SPEC [--out FILE] [--scheduler ADDRESS] [--workers N]
    python -m stcsim sweep SPEC ...          (the same)
    stcsim.sweep("spec.json") / stcsim.sweep({...}, out="results.sqlite", scheduler="tcp://...")

SPEC is described in sweep_spec.py. Points run on the local cores by default, or on the Dask
cluster at --scheduler. Points already in the table are skipped, so a killed sweep started again
runs only what is missing; each point is one row (sweep_store.py).
"""

import argparse
import os
import sqlite3
import sys
import time

from . import sweep_spec
from ._native import Error, InternalError
from .sweep_runners import run_dask, run_local
from .sweep_store import Store
from .progress import ProgressLine


class SweepSummary:
    """What a sweep did: total points, run now, already done, failed (key -> message), seconds."""

    def __init__(self, out, total, skipped):
        self.out, self.total, self.skipped = out, total, skipped
        self.ran, self.failed, self.seconds = 0, {}, 0.0

    def __repr__(self):
        return "<stcsim.SweepSummary {}: {} points, {} run, {} already done, {} failed, {:.1f} s>".format(
            self.out, self.total, self.ran, self.skipped, len(self.failed), self.seconds)


def sweep(spec, out=None, scheduler=None, workers=None, progress=None):
    """Runs the missing points of `spec` (a spec file path or a spec dict, relative paths then from
    the current folder) and writes them to `out` (SQLite; default: the spec's "out"). scheduler:
    None for local processes (`workers` of them, default one per core), or a Dask scheduler address,
    Client or cluster object. progress(summary, point, error) is called after every point. Returns
    a SweepSummary; stcsim.Error if a point failed (after every other point has run and been saved)."""
    if isinstance(spec, dict):
        points, spec_out = sweep_spec.expand(spec, "<spec>", "."), spec.get("out")
    else:
        points, spec_out = sweep_spec.load(os.fspath(spec))
    out = out or spec_out
    if not out:
        raise sweep_spec.SpecError("no result table: give out= (--out) or 'out' in the spec")
    store = Store(os.fspath(out))
    start = time.perf_counter()
    try:
        done = store.done_keys()
        todo = [p for p in points if p["key"] not in done]
        summary = SweepSummary(os.fspath(out), len(points), len(points) - len(todo))
        runner = run_local(todo, workers) if scheduler is None else run_dask(todo, scheduler)
        for point, row in runner:
            if isinstance(row, BaseException):
                summary.failed[point["key"]] = "{} {} {}: {}".format(point["config"], point["trace"], point["params"], row)
            else:
                store.add(point, row)
                summary.ran += 1
            if progress:
                progress(summary, point, row if isinstance(row, BaseException) else None)
    finally:
        store.close()
    summary.seconds = time.perf_counter() - start
    if summary.failed:
        raise Error("{} of {} points failed (the others are saved in {}); first: {}".format(
            len(summary.failed), len(todo), out, next(iter(summary.failed.values()))))
    return summary


def _progress_line():
    """A progress(summary, point, error) callback drawing ProgressLine (on a terminal only), and its close."""
    line = ProgressLine()

    def progress(summary, point, error):
        line.update(summary.skipped + summary.ran + len(summary.failed), summary.total)
    return progress, line


def main(argv=None):
    parser = argparse.ArgumentParser(prog="stcsim sweep", description=__doc__.split("\n\n")[0],
                                     epilog="The spec format: see python/stcsim/sweep_spec.py and the README.")
    parser.add_argument("spec", help="sweep spec (JSON): configs, traces, params (grid) or points, out")
    parser.add_argument("--out", help="result table (SQLite); default: the spec's 'out'")
    parser.add_argument("--scheduler", help="Dask scheduler address (tcp://host:8786); default: local processes")
    parser.add_argument("--workers", type=int, help="local worker processes (default: one per core)")
    parser.add_argument("--quiet", action="store_true", help="no progress line on a terminal")
    args = parser.parse_args(argv)
    if args.workers is not None and args.workers < 1:
        parser.error("--workers must be at least 1")
    progress, line = _progress_line() if not args.quiet else (None, None)
    try:
        summary = sweep(args.spec, out=args.out, scheduler=args.scheduler, workers=args.workers, progress=progress)
    except Error as error:
        if line:
            line.close()
        print("stcsim sweep: error: {}".format(error), file=sys.stderr)
        return 1
    except InternalError as error:
        if line:
            line.close()
        print("stcsim sweep: internal error (a simulator bug): {}".format(error), file=sys.stderr)
        return 3
    except (OSError, sqlite3.Error) as error:  # the scheduler cannot be reached, the table cannot be written
        if line:
            line.close()
        print("stcsim sweep: error: {}".format(error), file=sys.stderr)
        return 1
    if line:
        line.close()
    print("{}: {} points: {} run now, {} already there; {:.1f} s".format(
        summary.out, summary.total, summary.ran, summary.skipped, summary.seconds))
    return 0
