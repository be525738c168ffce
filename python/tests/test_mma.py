"""stcsim.mma: numpy in, numpy out; agrees bit for bit with `stcsim mma`; errors as exceptions."""

import json

import numpy as np
import pytest

import stcsim

SPARSE = "mma.sp.sync.aligned.m16n8k32.row.col.f32.f16.f16.f32"
DENSE = "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32"


def small_ints(shape, seed):
    return np.random.default_rng(seed).integers(-3, 4, size=shape).astype(np.float16)


def prune_2_4(a):
    """Keeps the two largest-magnitude values of every group of four (a 2:4 sparse A)."""
    out = a.copy()
    for row in out:
        for g in range(0, row.size, 4):
            row[g + np.argsort(np.abs(row[g:g + 4]))[:2]] = 0
    return out


def test_dense_matches_numpy_exactly():
    # Small integers: every product and sum is exact in f32, so numpy's A @ B + C is the answer.
    a, b, c = small_ints((16, 16), 1), small_ints((16, 8), 2), small_ints((16, 8), 3).astype(np.float32)
    d = stcsim.mma(DENSE, a, b, c)
    assert d.dtype == np.float32 and d.shape == (16, 8)
    np.testing.assert_array_equal(d, a.astype(np.float32) @ b.astype(np.float32) + c)


def test_sparse_matches_numpy_and_raw_bits():
    a, b = prune_2_4(small_ints((16, 32), 4)), small_ints((32, 8), 5)
    c = small_ints((16, 8), 6).astype(np.float32)
    d = stcsim.mma(SPARSE, a, b, c, selector=0)
    np.testing.assert_array_equal(d, a.astype(np.float32) @ b.astype(np.float32) + c)
    raw = stcsim.mma(SPARSE, a.view(np.uint16), b.view(np.uint16), c.view(np.uint32), raw=True)
    assert raw.dtype == np.uint32
    np.testing.assert_array_equal(raw, d.view(np.uint32))


def test_agrees_with_the_command_line(source, cli):
    example = source / "examples" / "mma" / "sparse_f16_m16n8k32.jsonl"
    expected = [json.loads(line)["d"] for line in cli("mma", "--arch", "sm_80", "--instr", SPARSE,
                                                        "--input", example).stdout.splitlines()]
    cases = [json.loads(line) for line in example.read_text().splitlines() if line.strip()]
    assert len(cases) == len(expected) >= 2
    for case, d_cli in zip(cases, expected):
        d = stcsim.mma(SPARSE, np.array(case["a"], dtype=np.float64), np.array(case["b"], dtype=np.float64),
                       np.array(case["c"], dtype=np.float64), selector=case.get("selector", 0))
        assert [["0x{:08x}".format(v) for v in row] for row in d.view(np.uint32).tolist()] == d_cli


def test_f16_accumulator_returns_float16():
    a, b = small_ints((16, 16), 7), small_ints((16, 8), 8)
    c = np.zeros((16, 8), np.float16)
    d = stcsim.mma("mma.sync.aligned.m16n8k16.row.col.f16.f16.f16.f16", a, b, c)
    assert d.dtype == np.float16
    np.testing.assert_array_equal(d, (a.astype(np.float32) @ b.astype(np.float32)).astype(np.float16))


def cli_message(result):
    """The message of `stcsim mma: error: <file>:<line>: <message>`."""
    line = result.stderr.strip()
    assert result.returncode == 1, line
    return line.split(": ", 3)[3]


def test_pattern_violation_raises_the_command_line_message(tmp_path, cli):
    a = np.ones((16, 32), np.float16)  # dense A: not 2:4
    b, c = small_ints((32, 8), 9), np.zeros((16, 8), np.float32)
    with pytest.raises(stcsim.Error) as caught:
        stcsim.mma(SPARSE, a, b, c)
    assert isinstance(caught.value, ValueError)
    case = tmp_path / "case.jsonl"
    case.write_text(json.dumps({"a": a.tolist(), "b": b.tolist(), "c": c.tolist()}) + "\n")
    assert str(caught.value) == "mma: " + cli_message(cli("mma", "--arch", "sm_80", "--instr", SPARSE, "--input", case))
    assert "a row 0, columns 0..3" in str(caught.value)


def test_bad_arguments_raise_usage_errors(cli):
    with pytest.raises(stcsim.UsageError) as caught:
        stcsim.mma(SPARSE, np.zeros((16, 32)), np.zeros((32, 8)), np.zeros((16, 8)), arch="sm_99")
    assert str(caught.value) == "unknown --arch 'sm_99'; expected sm_80, sm_86, sm_89, sm_90 or sm_90a"
    assert str(caught.value) in cli("mma", "--arch", "sm_99", "--instr", SPARSE, "--input", "-").stderr
    with pytest.raises(stcsim.Error, match="must be a 16 x 32 array of rows"):
        stcsim.mma(SPARSE, np.zeros((16, 16)), np.zeros((32, 8)), np.zeros((16, 8)))
    with pytest.raises(stcsim.Error, match="not exactly representable as f16"):
        stcsim.mma(DENSE, np.full((16, 16), 0.1), np.zeros((16, 8)), np.zeros((16, 8)))
