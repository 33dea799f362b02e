"""Results that cannot be written are refused before the simulation runs; a graph cache that
cannot be written only costs speed."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def chansim(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


@pytest.fixture
def small(tmp_path) -> Path:
    s = tmp_path / "s.yaml"
    s.write_text(f"extends: {REPO}/scenarios/b2c_only.yaml\nmarket: {{consumers: 300}}\ndays: 3\n")
    return s


@pytest.fixture
def experiment(tmp_path) -> Path:
    e = tmp_path / "e.yaml"
    e.write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 2\n"
        "days: 3\noverrides: {market.consumers: 300}\n"
    )
    return e


@pytest.mark.parametrize("out", ["/proc/chansim-results", "/proc/self/chansim/x", "/sys/x"])
def test_run_refuses_an_unwritable_out_before_running(small, out) -> None:
    proc = chansim("run", str(small), "--out", out, "--no-progress")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and out in proc.stderr
    assert proc.stdout == ""  # nothing ran: no KPI table


@pytest.mark.parametrize("out", ["/proc/chansim-results", "/sys/x"])
def test_sweep_refuses_an_unwritable_out_before_running(experiment, out) -> None:
    proc = chansim("sweep", str(experiment), "--out", out, "--no-progress", "--workers", "1")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr, proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and out in proc.stderr


def test_an_unwritable_graph_cache_warns_and_the_run_goes_on(small, tmp_path) -> None:
    proc = chansim(
        "run",
        str(small),
        "--out",
        str(tmp_path / "out"),
        "--no-progress",
        env={"CHANSIM_CACHE": "/proc/chansim-cache"},
    )
    assert proc.returncode == 0, proc.stderr
    assert "warning" in proc.stderr and "graph cache" in proc.stderr
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "out" / "summary.json").is_file()


def test_a_damaged_run_file_is_run_again_on_resume(experiment, tmp_path) -> None:
    out = tmp_path / "out"
    proc = chansim("sweep", str(experiment), "--out", str(out), "--workers", "1", "--no-progress")
    assert proc.returncode == 0, proc.stderr
    victim = sorted((out / "runs").glob("*.json"))[0]
    victim.write_text(victim.read_text()[:20])  # truncated by a crash of the disk
    report = chansim("report", str(out))
    assert report.returncode == 0 and "Traceback" not in report.stderr, report.stderr
    resumed = chansim(
        "sweep", str(experiment), "--out", str(out), "--workers", "1", "--resume", "--no-progress"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "Traceback" not in resumed.stderr
    assert "1 run in" in resumed.stdout or "1 run" in resumed.stdout, resumed.stdout
    assert len(victim.read_text()) > 20


def test_a_report_folder_left_by_a_killed_driver_does_not_block_resume(experiment, tmp_path):
    out = tmp_path / "out"
    assert chansim("sweep", str(experiment), "--out", str(out), "--workers", "1").returncode == 0
    stale = out / ".report.tmp-999999"  # what a driver killed mid-report leaves
    (stale / "figures").mkdir(parents=True)
    (stale / "report.md").write_text("half")
    (out / "runs" / ".p0000-r000.json.tmp-999999").write_text("{")
    resumed = chansim(
        "sweep", str(experiment), "--out", str(out), "--workers", "1", "--resume", "--no-progress"
    )
    assert resumed.returncode == 0 and "Traceback" not in resumed.stderr, resumed.stderr
    assert not stale.exists()
    assert not list(out.rglob(".*.tmp-*"))


def test_two_sweeps_on_one_folder_the_second_is_refused(tmp_path) -> None:
    e = tmp_path / "slow.yaml"
    e.write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 6\ndays: 120\n"
        "overrides: {market.consumers: 20000}\n"
    )
    out = tmp_path / "out"
    first = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "sweep", str(e), "--out", str(out), "--workers", "1",
         "--no-progress"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while not (out / "runs").is_dir() and time.monotonic() < deadline:
            time.sleep(0.2)
        second = chansim("sweep", str(e), "--out", str(out), "--workers", "1", "--resume")
        assert second.returncode == 2, second.stderr
        assert "another chansim sweep" in second.stderr and "Traceback" not in second.stderr
        _, err = first.communicate(timeout=300)
        assert first.returncode == 0, err
    finally:
        first.kill()
    lines = (out / "status.csv").read_text().splitlines()[1:]
    assert len(lines) == 6 and all(",done," in line for line in lines)  # each run once


def test_resume_notices_that_an_edge_list_changed(tmp_path) -> None:
    edges = tmp_path / "edges.txt"
    edges.write_text("".join(f"{i} {(i + 1) % 60}\n{i} {(i + 7) % 60}\n" for i in range(60)))
    (tmp_path / "base.yaml").write_text(
        f"extends: {REPO}/scenarios/b2c_only.yaml\ngraph: {{type: edgelist, path: edges.txt}}\n"
        "market: {consumers: 60}\n"
    )
    e = tmp_path / "e.yaml"
    e.write_text("base: base.yaml\nreplications: 2\ndays: 3\n")
    out = tmp_path / "out"
    first = chansim("sweep", str(e), "--out", str(out), "--workers", "1")
    assert first.returncode == 0, first.stderr
    edges.write_text(edges.read_text().replace("0 1\n", "0 2\n"))  # same path, other graph
    resumed = chansim("sweep", str(e), "--out", str(out), "--workers", "1", "--resume")
    assert resumed.returncode == 2 and "different experiment" in resumed.stderr, resumed.stderr
