"""Shared fixtures of the Python package's tests: the source tree, the `stcsim` binary (the CLI
the package must agree with), and the Python interpreter for subprocesses."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

SOURCE = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def source():
    return SOURCE


@pytest.fixture(scope="session")
def binary():
    path = os.environ.get("STCSIM_BINARY") or str(SOURCE / "build" / "release" / "stcsim")
    if not os.path.exists(path):
        pytest.fail("no stcsim binary at {} (set STCSIM_BINARY or build the release preset)".format(path))
    return path


@pytest.fixture
def cli(binary):
    """Runs `stcsim ARGS`; returns the CompletedProcess (text)."""
    def run(*args, **kwargs):
        return subprocess.run([binary, *map(str, args)], capture_output=True, text=True, timeout=120, **kwargs)
    return run


@pytest.fixture(scope="session")
def python():
    return sys.executable


@pytest.fixture(scope="session")
def gemm_trace(binary, tmp_path_factory):
    """A sparse GEMM trace large enough that a point lasts a while (about 0.2 s on one SM)."""
    out = tmp_path_factory.mktemp("gemm")
    subprocess.run([binary, "trace", "gen", "gemm", "--impl", "synthetic", "--m", "256", "--n", "256", "--k", "1024",
                    "--dtype", "f16", "--acc", "f32", "--sparse", "--out", str(out)], check=True, capture_output=True)
    return out


def write_spec(path, **spec):
    path.write_text(__import__("json").dumps(spec))
    return path
