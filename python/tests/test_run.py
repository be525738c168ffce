"""stcsim.run and stcsim.bench_mma: the command line's results, with units, as Python objects."""

import json

import pandas
import pytest

import stcsim

TRACE = "traces/samples/stcsim_sparse"


def test_run_matches_the_command_line_and_carries_units(source, cli):
    result = stcsim.run(source / "configs" / "a100.json", source / TRACE, {"gpu.sms": 2})
    printed = json.loads(cli("run", "--config", source / "configs" / "a100.json", "--trace", source / TRACE,
                             "-p", "gpu.sms=2", "--json").stdout)
    assert result.nested == printed
    assert result["cycles"] == printed["cycles"] > 0
    assert result["warp_instructions"] == printed["warp_instructions"] > 0
    assert result.units["cycles"] == "cycles"
    assert result.config["gpu"]["sms"] == 2
    frame = result.to_dataframe()
    assert isinstance(frame, pandas.DataFrame)
    assert list(frame.columns) == ["name", "value", "unit", "description"]
    row = frame.set_index("name").loc["cycles"]
    assert row["value"] == printed["cycles"] and row["unit"] == "cycles" and row["description"]
    assert frame["unit"].notna().all() and len(frame) == len(result.stats)


def test_config_by_name_dict_and_override_list(source):
    by_path = stcsim.run(source / "configs" / "a100.json", source / TRACE, ["gpu.sms=2"])
    by_name = stcsim.run("a100", source / TRACE, {"gpu.sms": 2})
    raw = json.loads((source / "configs" / "a100.json").read_text())
    raw["gpu"]["sms"] = 2
    by_dict = stcsim.run(raw, source / TRACE)
    assert by_path.stats == by_name.stats == by_dict.stats


def cli_message(result):
    line = result.stderr.strip()
    assert result.returncode == 1, line
    return line.split(": error: ", 1)[1]


def test_errors_carry_the_command_line_message(source, cli, tmp_path):
    config = source / "configs" / "a100.json"
    with pytest.raises(stcsim.Error) as caught:
        stcsim.run(config, source / TRACE, {"gpu.no_such_key": 3})
    assert str(caught.value) == cli_message(cli("run", "--config", config, "--trace", source / TRACE,
                                                "-p", "gpu.no_such_key=3"))
    assert "gpu.no_such_key" in str(caught.value)
    bad = tmp_path / "kernel-1.traceg"
    bad.write_text("-kernel name = broken\n#BEGIN_TB\nnot a trace line\n")
    with pytest.raises(stcsim.Error) as caught:
        stcsim.run(config, bad)
    assert str(caught.value) == cli_message(cli("run", "--config", config, "--trace", bad))
    assert str(bad) in str(caught.value)


def test_bench_mma_matches_the_command_line(source, cli):
    config = source / "configs" / "a100.json"
    result = stcsim.bench_mma(config, warps=4, ilp=2, iters=50)
    printed = json.loads(cli("bench", "mma", "--config", config, "--warps", 4, "--ilp", 2, "--iters", 50,
                             "--json").stdout)
    assert result["cycles"] == printed["cycles"]
    assert result["fma_per_clk_per_sm"] == pytest.approx(printed["fma_per_clk_per_sm"], rel=1e-12)
    assert result.units["fma_per_clk_per_sm"] == "FMA/clk/SM" and result.units["latency_cycles"] == "cycles"
    assert len(result.stats) > 4  # the registered stats follow the four results
    with pytest.raises(stcsim.Error, match="warps"):
        stcsim.bench_mma(config, warps=0)


def test_memory_benchmarks_match_the_command_line(source, cli):
    config = source / "configs" / "a100.json"
    latency = stcsim.bench_latency(config, footprint_bytes=65536)
    printed = json.loads(cli("bench", "latency", "--config", config, "--footprint", 65536, "--json").stdout)
    assert latency["latency_cycles"] == pytest.approx(printed["latency_cycles"], rel=1e-12)
    assert latency.units["latency_cycles"] == "cycles"
    bandwidth = stcsim.bench_bandwidth(config, "l2", overrides={"gpu.sms": 2})
    printed = json.loads(cli("bench", "bandwidth", "--config", config, "--level", "l2", "-p", "gpu.sms=2",
                             "--json").stdout)
    assert bandwidth["bytes_per_clk_per_sm"] == pytest.approx(printed["bytes_per_clk_per_sm"], rel=1e-12)
    assert bandwidth.units["gigabytes_per_s"] == "GB/s"
    with pytest.raises(stcsim.Error, match="--level: expected l1, l2 or dram"):
        stcsim.bench_bandwidth(config, "l3")
