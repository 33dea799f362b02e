"""Parquet output through the command line (``--parquet``, the ``parquet`` extra: pyarrow).

Skipped when pyarrow is missing, unless ``CHANSIM_REQUIRE_PARQUET`` is set (as in CI, which
installs the extra): then a missing pyarrow fails.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

import pandas as pd
import pytest

from sim.cli import main

REPO = Path(__file__).resolve().parents[2]
HAS_PYARROW = importlib.util.find_spec("pyarrow") is not None
REQUIRED = bool(os.environ.get("CHANSIM_REQUIRE_PARQUET"))

needs_pyarrow = pytest.mark.skipif(
    not HAS_PYARROW and not REQUIRED,
    reason="pyarrow is not installed (pip install 'chansim[parquet]'); "
    "set CHANSIM_REQUIRE_PARQUET=1 to fail instead",
)


def write_experiment(folder: Path) -> None:
    (folder / "exp.yaml").write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 2\ndays: 4\n"
        "overrides: {market.consumers: 300}\n"
        "design: {type: grid, parameters: {channels.b2c.price: [900, 1000]}}\n",
        encoding="utf-8",
    )


@needs_pyarrow
def test_pyarrow_is_installed_where_parquet_is_required() -> None:
    assert HAS_PYARROW, "CHANSIM_REQUIRE_PARQUET is set but pyarrow is not installed"


@needs_pyarrow
def test_sweep_and_run_write_parquet_that_reads_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """sweep --parquet writes timeseries.parquet and summary.parquet, the same tables as the
    CSV files; run --parquet writes timeseries.parquet and stores.parquet."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHANSIM_CACHE", str(tmp_path / "cache"))
    write_experiment(tmp_path)
    argv = ["sweep", "exp.yaml", "--workers", "1", "--no-progress", "--parquet"]
    assert main([*argv, "--out", "out"]) == 0, capsys.readouterr().err
    out = tmp_path / "out"
    for table in ("timeseries", "summary"):
        parquet = pd.read_parquet(out / f"{table}.parquet")
        csv = pd.read_csv(out / f"{table}.csv")
        pd.testing.assert_frame_equal(parquet, csv)
    summary = pd.read_parquet(out / "summary.parquet")
    assert len(summary) == 4 and set(summary["status"]) == {"done"}
    assert sorted(set(summary["channels.b2c.price"])) == [900, 1000]
    assert summary["manufacturer.profit"].notna().all()

    scenario = str(REPO / "scenarios" / "b2c_only.yaml")
    run = ["run", scenario, "--set", "market.consumers=300", "--days", "4", "--no-progress"]
    assert main([*run, "--parquet", "--out", "single"]) == 0, capsys.readouterr().err
    for table in ("timeseries", "stores"):
        parquet = pd.read_parquet(tmp_path / "single" / f"{table}.parquet")
        pd.testing.assert_frame_equal(parquet, pd.read_csv(tmp_path / "single" / f"{table}.csv"))
    assert list(pd.read_parquet(tmp_path / "single" / "timeseries.parquet")["day"]) == [1, 2, 3, 4]


@pytest.mark.parametrize("command", ["run", "sweep", "compare", "report"])
def test_parquet_without_pyarrow_is_one_line_and_exit_2(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    command: str,
) -> None:
    """Asking for Parquet without pyarrow stops before any work: one line, exit code 2,
    nothing written."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # as if it were not installed
    write_experiment(tmp_path)
    scenario = str(REPO / "scenarios" / "b2c_only.yaml")
    argv = {
        "run": ["run", scenario, "--days", "2"],
        "sweep": ["sweep", "exp.yaml", "--workers", "1"],
        "compare": ["compare", scenario, scenario, "--workers", "1"],
        "report": ["report", "somewhere"],
    }[command]
    assert main([*argv, "--parquet", "--no-progress"]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"chansim {command}: --parquet needs pyarrow, which is not installed "
        "(install it with: python -m pip install 'chansim[parquet]')\n"
    )
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exp.yaml"]
