"""Sweeps on local cores: a grid into one SQLite table, resumed after rows are lost or the sweep is
killed, never duplicated; `stcsim sweep` on the command line; the plot helper."""

import json
import os
import signal
import sqlite3
import subprocess
import time

import pytest

import stcsim
from conftest import write_spec


def rows(db):
    with sqlite3.connect(db) as connection:
        return connection.execute("SELECT key, \"gpu.sms\", trace, cycles FROM points").fetchall()


@pytest.fixture
def grid(tmp_path, source):
    return write_spec(tmp_path / "sweep.json", configs=[str(source / "configs" / "a100.json")],
                      traces=[str(source / "traces/samples/stcsim_sparse"),
                              str(source / "traces/samples/accelsim_dense")],
                      params={"gpu.sms": [1, 2]}, out="results.sqlite")


def test_grid_runs_every_point_once_and_resumes(grid, source, tmp_path):
    summary = stcsim.sweep(grid, workers=2)
    db = tmp_path / "results.sqlite"
    assert (summary.total, summary.ran, summary.skipped) == (4, 4, 0)
    table = rows(db)
    assert len(table) == 4 and len({r[0] for r in table}) == 4
    # Each row holds the stats of that point as a direct run gives them.
    for key, sms, trace, cycles in table:
        assert cycles == stcsim.run(source / "configs" / "a100.json", trace, {"gpu.sms": sms})["cycles"]
    frame = stcsim.load_sweep(db)
    assert sorted(frame["gpu.sms"]) == [1, 1, 2, 2] and frame.attrs["units"]["cycles"] == "cycles"

    with sqlite3.connect(db) as connection:
        lost = [k for (k,) in connection.execute("SELECT key FROM points ORDER BY key LIMIT 2")]
        connection.execute("DELETE FROM points WHERE key IN (?, ?)", lost)
    ran = []
    summary = stcsim.sweep(grid, workers=2, progress=lambda s, point, error: ran.append(point["key"]))
    assert (summary.ran, summary.skipped) == (2, 2) and sorted(ran) == sorted(lost)
    assert sorted(rows(db)) == sorted(table)
    assert stcsim.sweep(grid).ran == 0


def test_killed_sweep_restarts_with_only_the_missing_points(tmp_path, source, binary, gemm_trace):
    spec = write_spec(tmp_path / "sweep.json", configs=["a100"], traces=[str(gemm_trace)],
                      params={"gpu.sms": [1, 2, 3, 4, 5, 6, 7, 8]}, out="killed.sqlite")
    db = tmp_path / "killed.sqlite"
    process = subprocess.Popen([binary, "sweep", str(spec), "--workers", "1", "--quiet"], start_new_session=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.time() + 60
    while time.time() < deadline and not (db.exists() and _count(db) >= 1):
        time.sleep(0.02)
    os.killpg(process.pid, signal.SIGKILL)
    process.wait()
    before = _count(db)
    assert 1 <= before < 8, "the sweep was not killed midway ({} of 8 points done)".format(before)
    result = subprocess.run([binary, "sweep", str(spec), "--workers", "2"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "8 points: {} run now, {} already there".format(8 - before, before) in result.stdout
    table = rows(db)
    assert len(table) == 8 and sorted(r[1] for r in table) == list(range(1, 9))


def _count(db):
    try:
        with sqlite3.connect(db) as connection:
            return connection.execute("SELECT count(*) FROM points").fetchone()[0]
    except sqlite3.OperationalError:  # the table is being created
        return 0


def test_bad_specs_and_failing_points(tmp_path, source, cli):
    spec = write_spec(tmp_path / "bad.json", configs=["a100"], traces=["t"], params={"gpu.sms": 2})
    result = cli("sweep", spec)
    assert result.returncode == 1
    assert result.stderr.strip() == "stcsim sweep: error: {}: params.gpu.sms must be a non-empty list of numbers, " \
                                    "strings or booleans".format(spec)
    assert cli("sweep", tmp_path / "missing.json").returncode == 1
    assert cli("sweep").returncode == 2
    spec = write_spec(tmp_path / "sweep.json", configs=["a100"], traces=[str(source / "traces/samples/stcsim_sparse")],
                      points=[{"gpu.sms": 2}, {"gpu.no_such_key": 1}], out="partial.sqlite")
    with pytest.raises(stcsim.Error, match=r"1 of 2 points failed .*gpu.no_such_key"):
        stcsim.sweep(spec, workers=1)
    assert len(rows(tmp_path / "partial.sqlite")) == 1  # the good point is kept


def test_plot_draws_a_stat_against_a_parameter(grid, tmp_path):
    stcsim.sweep(grid, workers=2)
    png = stcsim.plot(tmp_path / "results.sqlite", x="gpu.sms", y="cycles", out=str(tmp_path / "cycles.png"))
    assert open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    with pytest.raises(stcsim.Error, match="no column 'nope'"):
        stcsim.plot(tmp_path / "results.sqlite", x="gpu.sms", y="nope", out=str(tmp_path / "x.png"))


def test_stats_beyond_the_column_limit_share_one_json_column(tmp_path, monkeypatch):
    from stcsim import sweep_store
    monkeypatch.setattr(sweep_store, "MAX_COLUMNS", 9)  # 6 fixed columns, the parameter, 2 stats
    store = sweep_store.Store(str(tmp_path / "t.sqlite"))
    stats = {"cycles": 10, "b": 2.5, "c": 3, "d": 4}
    row = {"stats": stats, "units": dict.fromkeys(stats, "u"), "descriptions": dict.fromkeys(stats, "x"),
           "seconds": 0.1, "host": "h:1"}
    point = {"key": "k1", "config": "a100", "trace": "t", "params": {"gpu.sms": 2}}
    store.add(point, row)
    store.add(point, row)  # the same point again: still one row
    store.close()
    frame = stcsim.load_sweep(tmp_path / "t.sqlite")
    assert len(frame) == 1
    assert (frame["gpu.sms"][0], frame["cycles"][0], frame["b"][0]) == (2, 10, 2.5)
    assert json.loads(frame["more_stats"][0]) == {"c": 3, "d": 4}
