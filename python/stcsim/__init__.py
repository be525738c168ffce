"""stcsim: a cycle-level simulator of NVIDIA Sparse Tensor Cores, from Python.

    import stcsim
    d = stcsim.mma("mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32", a, b, c, arch="sm_80")
    r = stcsim.run("a100", "traces/samples/stcsim_sparse", {"gpu.sms": 2})
    r["cycles"], r.units["cycles"], r.to_dataframe()
    stcsim.sweep("sweep.json", scheduler="tcp://host:8786")
    stcsim.plot("results.sqlite", x="gpu.sms", y="cycles", out="cycles.png")

Everything runs in-process in the C++ library (the compiled module _stcsim). Bad input raises
stcsim.Error (a ValueError) with the same message as the command line.
"""

from ._native import Error, InternalError, UsageError
from .mma import mma, mma_form, mma_fragments
from .plot import plot
from .results import Result
from .simulate import bench_bandwidth, bench_latency, bench_mma, run
from .sweep import SweepSummary, sweep
from .sweep_spec import SpecError
from .sweep_store import load as load_sweep

__all__ = ["Error", "InternalError", "UsageError", "SpecError", "Result", "SweepSummary", "mma", "mma_form",
           "mma_fragments", "run", "bench_mma", "bench_latency",
           "bench_bandwidth", "sweep", "load_sweep", "plot"]
