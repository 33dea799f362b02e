"""A sweep on a real Dask cluster (a scheduler and two workers started here, on 127.0.0.1 only)
survives losing a worker midway: every run is done exactly once and the tables equal a serial
sweep's."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.experiments.plan import load_experiment
from sim.experiments.store import read_journal
from sim.experiments.sweep import run_sweep

BASE = "name: tiny\ndays: 20\nmarket:\n  consumers: 400\n"
EXPERIMENT = """\
base: base.yaml
overrides: {market.consumers: 12000}
days: 100
replications: 4
seed: 7
record: {every: 10}
measurements: [units_b2c2c, units_b2c, aware, active_stores]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.03, 0.08]
    channels.b2c.price: [850, 950]
"""
RUNS = [f"p{p:04d}-r{r:03d}" for p in range(4) for r in range(4)]
TABLES = ("timeseries.csv", "summary.csv")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], log: Path) -> subprocess.Popen:
    """A dask command in its own process group (so a nanny and its worker die together)."""
    return subprocess.Popen(
        [sys.executable, "-m", "dask", *args],
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop(process: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(subprocess.TimeoutExpired):
        process.wait(timeout=30)


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[tuple[str, list[subprocess.Popen]]]:
    """``dask scheduler`` and two ``dask worker`` processes; always stopped afterwards."""
    from distributed import Client

    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    logs = tmp_path / "dask-logs"
    logs.mkdir()
    processes = [
        start(
            ["scheduler", "--host", "127.0.0.1", "--port", str(port), "--no-dashboard"],
            logs / "scheduler.log",
        )
    ]
    try:
        workers = [
            start(
                [
                    "worker",
                    address,
                    "--nthreads",
                    "1",
                    "--nworkers",
                    "1",
                    "--no-dashboard",
                    "--host",
                    "127.0.0.1",
                    "--name",
                    f"worker-{k}",
                    "--local-directory",
                    str(tmp_path / f"worker-{k}"),
                    "--death-timeout",
                    "60",
                ],
                logs / f"worker-{k}.log",
            )
            for k in range(2)
        ]
        processes += workers
        with Client(address, timeout="60s") as client:
            client.wait_for_workers(2, timeout=120)
        yield address, workers
    finally:
        for process in reversed(processes):
            stop(process)


def test_sweep_survives_a_killed_worker(
    cluster: tuple[str, list[subprocess.Popen]], tmp_path: Path
) -> None:
    address, workers = cluster
    (tmp_path / "base.yaml").write_text(BASE)
    (tmp_path / "exp.yaml").write_text(EXPERIMENT)
    plan = load_experiment(tmp_path / "exp.yaml")
    assert plan.n_runs == len(RUNS)

    driver = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "sweep",
            "exp.yaml",
            "--dask",
            address,
            "--out",
            "cluster",
        ],
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        status = tmp_path / "cluster" / "status.csv"
        deadline = time.monotonic() + 180
        while time.monotonic() < deadline and driver.poll() is None:
            if status.exists() and len(status.read_text().splitlines()) >= 1 + 3:
                break
            time.sleep(0.02)
        assert driver.poll() is None, driver.communicate()
        finished_before = len(read_journal(tmp_path / "cluster"))
        stop(workers[0])  # SIGKILL to the nanny and its worker
        stdout, stderr = driver.communicate(timeout=300)
    finally:
        stop(driver)
    assert driver.returncode == 0, stderr
    assert finished_before < len(RUNS) - 2, "the sweep ended before a worker was lost"
    assert f"{len(RUNS)} done, 0 failed" in stdout

    with (tmp_path / "cluster" / "status.csv").open() as f:
        lines = [line.split(",") for line in f.read().splitlines()[1:]]
    assert sorted(line[0] for line in lines) == RUNS  # each run exactly once
    assert {line[4] for line in lines} == {"done"}

    serial = run_sweep(plan, tmp_path / "serial", workers=1, progress=False)
    assert serial.done == len(RUNS)
    for name in TABLES:
        assert (tmp_path / "cluster" / name).read_bytes() == (
            tmp_path / "serial" / name
        ).read_bytes()
