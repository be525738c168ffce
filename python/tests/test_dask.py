"""A sweep on a real Dask cluster on loopback: `dask scheduler` and two `dask worker` processes;
one worker is killed mid-run and the sweep still ends with every point exactly once."""

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

import stcsim
from conftest import write_spec

distributed = pytest.importorskip("distributed")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dask_command():
    beside = Path(sys.executable).parent / "dask"
    found = str(beside) if beside.exists() else shutil.which("dask")
    if not found:
        pytest.fail("the `dask` command is missing (tools/requirements.txt: dask[distributed])")
    return found


@pytest.fixture
def cluster(tmp_path):
    """(address, {name: worker process}) of a scheduler and two single-threaded workers."""
    port = free_port()
    address = "tcp://127.0.0.1:{}".format(port)
    dask = dask_command()
    processes = []

    def start(name, *args):
        log = open(tmp_path / (name + ".log"), "w")
        processes.append(subprocess.Popen([dask, *args], stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
        return processes[-1]

    start("scheduler", "scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard")
    workers = {name: start(name, "worker", address, "--nthreads", "1", "--no-nanny", "--host", "127.0.0.1",
                           "--no-dashboard", "--name", name) for name in ("w1", "w2")}
    with distributed.Client(address, timeout="30s") as client:
        client.wait_for_workers(2, timeout=60)
    yield address, workers
    for process in processes:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def test_sweep_survives_a_killed_worker(cluster, tmp_path, gemm_trace):
    address, workers = cluster
    spec = write_spec(tmp_path / "sweep.json", configs=["a100"], traces=[str(gemm_trace)],
                      params={"gpu.sms": [1, 2], "sm.register_file.collector_units": [1, 2, 3, 4]}, out="dask.sqlite")
    observer = distributed.Client(address, timeout="30s")
    pids = observer.run(os.getpid)  # worker address -> pid
    killed = []

    def kill_a_busy_worker(summary, point, error):
        assert error is None, error
        if killed:
            return
        busy = {w: tasks for w, tasks in observer.processing().items() if tasks}
        assert busy, "no point left running after the first one finished"
        victim = next(iter(busy))
        killed.append((pids[victim], len(busy[victim])))
        os.kill(pids[victim], signal.SIGKILL)  # mid-point: its running point is lost with it

    try:
        start = time.time()
        summary = stcsim.sweep(spec, scheduler=address, progress=kill_a_busy_worker)
        assert (summary.total, summary.ran) == (8, 8) and time.time() - start < 120
    finally:
        observer.close()
    victim_pid, running = killed[0]
    assert running >= 1
    victim = next(w for w in workers.values() if w.pid == victim_pid)
    assert victim.wait(timeout=10) == -signal.SIGKILL
    with sqlite3.connect(tmp_path / "dask.sqlite") as db:
        table = db.execute("SELECT key, \"gpu.sms\", \"sm.register_file.collector_units\", host FROM points").fetchall()
    assert len(table) == 8 and len({r[0] for r in table}) == 8
    assert sorted((r[1], r[2]) for r in table) == [(s, c) for s in (1, 2) for c in (1, 2, 3, 4)]
    survivor = next(w.pid for w in workers.values() if w.pid != victim_pid)
    assert any(r[3].endswith(":{}".format(survivor)) for r in table)
    # Started again on the cluster (one worker left), nothing is run twice.
    assert stcsim.sweep(spec, scheduler=address).ran == 0
