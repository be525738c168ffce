"""Where the points of a sweep run: local processes, or the workers of a Dask cluster.

Both runners call run_point (in-process simulation through the binding) on the workers and yield
(point, row) in the driving process as points finish, which writes them to the store. On a Dask
cluster a point whose worker dies is run again elsewhere by the scheduler; the store keeps one row.
Workers must see the same paths (configs, traces) as the driver: a shared file system.
"""

import concurrent.futures
import multiprocessing
import os
import socket
import time


def run_point(point):
    """Simulates one point; returns its stats with units, the host time and host:pid of the worker."""
    from .simulate import run
    start = time.perf_counter()
    result = run(point["config_path"], point["trace_path"], point["params"])
    return {"stats": result.stats, "units": result.units, "descriptions": result.descriptions,
            "seconds": time.perf_counter() - start, "host": "{}:{}".format(socket.gethostname(), os.getpid())}


def run_local(points, workers=None):
    """Processes on this machine (default: one per core); yields (point, row or exception)."""
    workers = workers or os.cpu_count() or 1
    context = multiprocessing.get_context("spawn")  # a clean interpreter per worker: no forked locks
    with concurrent.futures.ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        futures = {pool.submit(run_point, p): p for p in points}
        try:
            for future in concurrent.futures.as_completed(futures):
                error = future.exception()
                yield futures[future], error if error is not None else future.result()
        finally:
            for future in futures:
                future.cancel()


def _client(scheduler):
    from dask.distributed import Client
    if isinstance(scheduler, Client):
        return scheduler, False
    if isinstance(scheduler, str):
        return Client(scheduler, timeout="30s"), True
    return Client(scheduler), True  # a cluster object: dask_jobqueue.SLURMCluster, LocalCluster, ...


def run_dask(points, scheduler):
    """On a Dask cluster: `scheduler` is an address ("tcp://host:8786"), a Client or a cluster object."""
    from dask.distributed import as_completed
    client, owned = _client(scheduler)
    try:
        # Keys named after the point: the scheduler holds each point once, whoever submits it.
        futures = client.map(run_point, points, key=["stcsim-point-" + p["key"] for p in points], pure=False)
        by_key = {f.key: p for f, p in zip(futures, points)}
        for future in as_completed(futures):
            if future.status == "error":
                yield by_key[future.key], future.exception()
            else:
                yield by_key[future.key], future.result()
            future.release()
    finally:
        if owned:
            client.close()
