"""Trace replay and the mma microbenchmark, run in-process by the C++ library."""

import json
import os

from ._native import native
from .configs import override_strings, resolve_config
from .results import Result

DEFAULT_BENCH_INSTR = "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"


def run(config, trace, overrides=None):
    """Replays a trace (kernelslist.g, a folder holding one, or one kernel .traceg[.gz|.zst|.xz])
    as `stcsim run --config CONFIG --trace TRACE -p ...` does. `config`: a path, a name in configs/
    ("a100") or a dict; `overrides`: {key.path: value} or ["key.path=value", ...]. Returns a Result;
    stcsim.Error with the command's message for bad input."""
    text, is_json = resolve_config(config)
    out = json.loads(native.run_replay(text, os.fspath(trace), override_strings(overrides), is_json))
    return Result(out["described"], nested=out["stats"], config=out["config"])


def bench_mma(config, instr=DEFAULT_BENCH_INSTR, warps=1, ilp=1, iters=1000, overrides=None):
    """`stcsim bench mma`: one CTA of `warps` warps, each running `ilp` chains of `iters` dependent
    instructions. The Result starts with cycles, latency_cycles, fma_per_clk_per_sm and
    peak_fma_per_clk_per_sm, followed by every registered stat."""
    text, is_json = resolve_config(config)
    return _bench_result(native.bench_mma(text, override_strings(overrides), is_json, instr, warps, ilp, iters))


def bench_latency(config, footprint_bytes, stride_bytes=128, l2_side="all", overrides=None):
    """`stcsim bench latency`: one warp's pointer chase through `footprint_bytes`. The Result
    starts with latency_cycles (per dependent load), loads and cycles."""
    text, is_json = resolve_config(config)
    return _bench_result(native.bench_latency(text, override_strings(overrides), is_json, footprint_bytes,
                                              stride_bytes, l2_side))


def bench_bandwidth(config, level, loads_per_sm=0, overrides=None):
    """`stcsim bench bandwidth`: all SMs streaming from `level` (l1, l2 or dram). The Result starts
    with bytes_per_clk_per_sm, bytes_per_clk, gigabytes_per_s and cycles."""
    text, is_json = resolve_config(config)
    return _bench_result(native.bench_bandwidth(text, override_strings(overrides), is_json, level, loads_per_sm))


def _bench_result(text):
    out = json.loads(text)
    described = dict(out["results"])
    described.update(out["described"])
    return Result(described, config=out["config"])
