"""``chansim sweep``: the results folder, executors, resume after interruption, failed runs, and
bad input. Tiny scenarios (hundreds of consumers, tens of days) keep it to seconds.
"""

from __future__ import annotations

import contextlib
import csv
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.experiments import executors
from sim.experiments.plan import load_experiment
from sim.experiments.runner import FAIL_RUNS_ENV
from sim.experiments.store import consolidate, read_journal
from sim.experiments.sweep import run_sweep

BASE = """\
name: tiny
days: 20
market:
  consumers: 400
"""

EXPERIMENT = """\
description: rebate and direct price on a tiny market
base: base.yaml
replications: 2
seed: 20261123
record: {every: 5}
measurements: [units_b2c2c, manufacturer_profit_cumulative, active_stores, aware]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.03, 0.08]
    channels.b2c.price: [850, 950]
"""
RUNS = [f"p{p:04d}-r{r:03d}" for p in range(4) for r in range(2)]
TABLES = ("timeseries.csv", "summary.csv")


def make_experiment(folder: Path, body: str = EXPERIMENT, name: str = "exp") -> Path:
    """Write ``base.yaml`` and ``<name>.yaml`` into ``folder``; return the experiment file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "base.yaml").write_text(BASE, encoding="utf-8")
    path = folder / f"{name}.yaml"
    path.write_text(body, encoding="utf-8")
    return path


def tables(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in TABLES}


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def listing(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def journal_lines(folder: Path) -> list[list[str]]:
    with (folder / "status.csv").open(newline="", encoding="utf-8") as f:
        return list(csv.reader(f))[1:]


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The clean serial sweep every other way of running must reproduce byte for byte."""
    root = tmp_path_factory.mktemp("reference")
    plan = load_experiment(make_experiment(root))
    result = run_sweep(plan, root / "out", workers=1, progress=False)
    assert (result.done, result.failed, result.interrupted) == (8, 0, False)
    return root / "out"


# --------------------------------------------------------------------------- the folder


def test_cli_sweep_writes_the_documented_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    make_experiment(tmp_path)
    assert main(["sweep", "exp.yaml", "--workers", "1", "--no-progress"]) == 0
    out, err = capsys.readouterr()
    assert out == (
        "exp: 8 runs (4 points × 2 replications): 8 done, 0 failed; 8 run in "
        f"{out.split(' run in ')[1].split(' s')[0]} s\nresults: results/exp\n"
        "report: results/exp/report/report.html (also as Markdown: report.md)\n"
    )
    assert err == ""
    folder = tmp_path / "results" / "exp"
    parquet = {"timeseries.parquet", "summary.parquet"} if _has_pyarrow() else set()
    files = listing(folder)
    assert "report/report.md" in files and "report/point_statistics.csv" in files
    assert {f for f in files if not f.startswith("report/")} == {
        "experiment.yaml",
        "base_scenario.yaml",
        "points.csv",
        "problem.json",
        "metadata.json",
        "status.csv",
        "timeseries.csv",
        "summary.csv",
        ".lock",  # the sweep's advisory lock (the kernel releases it; the file stays)
        *(f"runs/{r}.{ext}" for r in RUNS for ext in ("csv", "json")),
        *parquet,
    }
    params = ["channels.b2c2c.rebate_rate", "channels.b2c.price"]
    rows = read_csv(folder / "timeseries.csv")
    assert list(rows[0]) == [
        "run_id",
        "point_id",
        "replication",
        "seed",
        *params,
        "day",
        "units_b2c2c",
        "manufacturer_profit_cumulative",
        "active_stores",
        "aware",
    ]
    assert [(r["run_id"], r["day"]) for r in rows] == [
        (run, str(day)) for run in RUNS for day in (5, 10, 15, 20)
    ]
    assert rows[-1]["channels.b2c2c.rebate_rate"] == "0.08" and rows[-1]["channels.b2c.price"] == (
        "950"
    )  # fmt: skip
    summary = read_csv(folder / "summary.csv")
    assert list(summary[0])[:7] == ["run_id", "point_id", "replication", "seed", "status", *params]
    assert [r["run_id"] for r in summary] == RUNS and {r["status"] for r in summary} == {"done"}
    assert {"channels.b2c2c.units", "manufacturer.profit", "days_simulated"} <= set(summary[0])
    assert all(r["days_simulated"] == "20" and r["stopped_early"] == "0" for r in summary)
    points = read_csv(folder / "points.csv")
    assert [list(p.values()) for p in points] == [
        ["0", "rebate_rate=0.03, price=850", "0.03", "850"],
        ["1", "rebate_rate=0.03, price=950", "0.03", "950"],
        ["2", "rebate_rate=0.08, price=850", "0.08", "850"],
        ["3", "rebate_rate=0.08, price=950", "0.08", "950"],
    ]
    status = read_csv(folder / "status.csv")
    assert list(status[0]) == [
        "run_id",
        "point_id",
        "replication",
        "seed",
        "status",
        "seconds",
        "error",
    ]
    assert sorted(r["run_id"] for r in status) == RUNS
    assert all(r["status"] == "done" and r["error"] == "" for r in status)
    seeds = {r["run_id"]: r["seed"] for r in summary}
    assert all(seeds[r["run_id"]] == r["seed"] for r in rows)
    run = json.loads((folder / "runs" / "p0002-r001.json").read_text())
    assert (
        run["status"] == "done"
        and run["error"] is None
        and run["params"]
        == {
            "channels.b2c2c.rebate_rate": 0.08,
            "channels.b2c.price": 850,
        }
    )
    assert {"seconds", "host", "pid", "label", "summary", "traceback"} <= set(run)
    assert str(run["seed"]) == seeds["p0002-r001"]
    meta = json.loads((folder / "metadata.json").read_text())
    assert meta["experiment_sha256"] == load_experiment(tmp_path / "exp.yaml").sha256
    assert (meta["root_seed"], meta["points"], meta["replications"], meta["runs"]) == (
        20261123,
        4,
        2,
        8,
    )
    assert (meta["done"], meta["failed"], meta["status"]) == (8, 0, "finished")
    assert (meta["executor"], meta["workers"]) == ("serial", 1)
    assert {"chansim", "mesa", "python", "numpy"} <= set(meta["versions"])
    assert meta["started"] <= meta["finished"] and "git_revision" in meta
    problem = json.loads((folder / "problem.json").read_text())
    assert problem["design"] == "grid" and problem["names"] == params
    resolved = yaml.safe_load((folder / "experiment.yaml").read_text())
    assert resolved["base"] == str((tmp_path / "base.yaml").resolve())
    assert resolved["days"] == 20 and resolved["name"] == "exp"
    base = yaml.safe_load((folder / "base_scenario.yaml").read_text())
    assert base["market"]["consumers"] == 400 and base["days"] == 20


def _has_pyarrow() -> bool:
    import importlib.util

    return importlib.util.find_spec("pyarrow") is not None


def test_consolidation_is_idempotent(reference: Path, tmp_path: Path) -> None:
    """consolidate() can be called again (e.g. by a report) and gives the same bytes."""
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(reference, copy)
    (copy / "timeseries.csv").unlink()
    assert consolidate(copy) == {"done": 8, "failed": 0}
    assert tables(copy) == tables(reference)


def test_the_report_is_written_after_the_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """write_report(folder) runs once, after the tables are written, unless report=False."""
    from sim.experiments import report

    calls: list[tuple[Path, bool]] = []
    monkeypatch.setattr(
        report,
        "write_report",
        lambda folder: calls.append((folder, (folder / "summary.csv").exists())),
    )
    plan = load_experiment(make_experiment(tmp_path), ["replications=1"])
    run_sweep(plan, tmp_path / "out", workers=1, progress=False)
    assert calls == [(tmp_path / "out", True)]
    run_sweep(plan, tmp_path / "again", workers=1, progress=False, report=False)
    assert len(calls) == 1


# --------------------------------------------------------------------------- executors


@pytest.mark.parametrize(
    ("workers", "dask", "kind"),
    [(2, None, "processes"), (2, "local", "dask-local")],
    ids=["process-pool", "dask-local"],
)
def test_executors_reproduce_the_serial_tables(
    reference: Path, tmp_path: Path, workers: int, dask: str | None, kind: str
) -> None:
    plan = load_experiment(make_experiment(tmp_path))
    result = run_sweep(plan, tmp_path / "out", workers=workers, dask=dask, progress=False)
    assert (result.done, result.failed) == (8, 0)
    assert tables(tmp_path / "out") == tables(reference)
    meta = json.loads((tmp_path / "out" / "metadata.json").read_text())
    assert (meta["executor"], meta["workers"]) == (kind, 2)


def test_local_dask_workers_are_set_up_like_pool_workers(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """``--dask local`` workers: no MALLOC_TRIM_THRESHOLD_ (it slows the model), and the
    heartbeat-failure message of Dask's shutdown race filtered from their logs."""
    from sim.experiments import dask_worker

    monkeypatch.delenv("MALLOC_TRIM_THRESHOLD_", raising=False)
    with executors.open_evaluator(2, "local") as evaluator:
        submit = evaluator.executor.submit
        assert submit(os.environ.get, "MALLOC_TRIM_THRESHOLD_").result() is None
        assert submit(dask_worker.installed).result() is True
    assert not dask_worker.installed()  # the driver's own logging is untouched


def test_abandoning_the_process_pool_stops_the_runs_in_its_workers() -> None:
    """After Ctrl-C the driver stops its workers mid-run: it does not wait at exit for the
    runs they had started (a shutdown that forgets the workers before stopping them would)."""
    with executors.open_evaluator(2) as evaluator:
        futures = [evaluator.executor.submit(time.sleep, 60) for _ in range(3)]
        deadline = time.monotonic() + 30
        while sum(f.running() for f in futures) < 2 and time.monotonic() < deadline:
            time.sleep(0.01)
        workers = list(evaluator.executor._processes.values())
        assert len(workers) == 2
        started = time.monotonic()
        evaluator.abandon()
        for process in workers:
            process.join(timeout=20)
        assert all(process.exitcode is not None for process in workers)
    assert time.monotonic() - started < 20


def test_heartbeat_failure_filter_drops_only_that_message() -> None:
    from sim.experiments.dask_worker import HeartbeatFailureFilter

    keep = HeartbeatFailureFilter().filter
    record = logging.LogRecord("distributed.worker", logging.ERROR, __file__, 1, "", None, None)
    record.msg = "Failed to communicate with scheduler during heartbeat."
    assert not keep(record)
    record.msg = "Compute Failed"
    assert keep(record)
    record.msg = "Unexpected exception during heartbeat. Closing worker."
    assert keep(record)


# --------------------------------------------------------------------------- resume


@pytest.mark.parametrize(
    ("workers", "dask"), [(1, None), (2, None), (2, "local")], ids=["serial", "processes", "dask"]
)
def test_resume_after_interrupt_gives_the_clean_tables(
    reference: Path, tmp_path: Path, workers: int, dask: str | None
) -> None:
    """Ctrl-C after three runs keeps them (and any other finished one); --resume runs only the
    rest; same tables."""
    plan = load_experiment(make_experiment(tmp_path))
    seen: list[str] = []

    def interrupt_after_three(result: dict) -> None:
        seen.append(result["run_id"])
        if len(seen) == 3:
            raise KeyboardInterrupt

    out = tmp_path / "out"
    first = run_sweep(
        plan, out, workers=workers, dask=dask, progress=False, on_result=interrupt_after_three
    )
    # the third result raises; runs already finished by then are kept too
    kept = [line[0] for line in journal_lines(out)]
    assert first.interrupted and first.done == first.executed == len(kept)
    assert kept[:3] == seen and len(kept) < 8
    assert not (out / "timeseries.csv").exists()
    assert json.loads((out / "metadata.json").read_text())["status"] == "interrupted"
    ran: list[str] = []
    second = run_sweep(plan, out, workers=2, resume=True, progress=False, on_result=lambda r: (
        ran.append(r["run_id"])
    ))  # fmt: skip
    assert (second.done, second.skipped, second.interrupted) == (8, len(kept), False)
    assert sorted(ran) == sorted(set(RUNS) - set(kept))
    assert tables(out) == tables(reference)
    assert sorted(line[0] for line in journal_lines(out)) == RUNS
    sessions = json.loads((out / "metadata.json").read_text())["sessions"]
    assert [s["status"] for s in sessions] == ["interrupted", "finished"]


SLOW = EXPERIMENT.replace("replications: 2", "replications: 6").replace(
    "base: base.yaml", "base: base.yaml\noverrides: {market.consumers: 6000}\ndays: 60"
)


@pytest.fixture(scope="module")
def slow_reference(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("slow-reference")
    plan = load_experiment(make_experiment(root, SLOW))
    assert run_sweep(plan, root / "out", workers=1, progress=False).done == 24
    return root / "out"


def chansim(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["sigint", "sigkill"])
def test_resume_after_the_driver_is_stopped(
    slow_reference: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    """A driver interrupted (Ctrl-C: exit 130 and how to resume) or killed outright midway
    leaves a folder that --resume completes to the tables of an uninterrupted sweep."""
    make_experiment(tmp_path, SLOW)
    args = ["sweep", "exp.yaml", "--workers", "2", "--out", "out", "--no-progress"]
    driver = chansim(args, tmp_path)
    status = tmp_path / "out" / "status.csv"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and driver.poll() is None:
        if status.exists() and len(status.read_text().splitlines()) >= 4:
            break
        time.sleep(0.02)
    assert driver.poll() is None, driver.communicate()
    try:
        driver.send_signal(sig)  # the driver alone: its pool workers must follow it
        stdout, stderr = driver.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
    done_before = read_journal(tmp_path / "out")
    assert 3 <= len(done_before) < 24
    if sig == signal.SIGINT:
        assert driver.returncode == 130
        assert "Traceback" not in stderr
        assert stderr.strip().splitlines()[-1] == (
            f"interrupted: {len(done_before)} of 24 runs done and kept in out; continue with: "
            "chansim sweep exp.yaml --workers 2 --resume --out out"
        )
    else:
        assert driver.returncode == -signal.SIGKILL
    resumed = chansim([*args, "--resume"], tmp_path)
    stdout, stderr = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, stderr
    assert f"resuming: {len(done_before)} of 24 runs done, {24 - len(done_before)} to run" in stderr
    assert "24 done, 0 failed" in stdout
    assert tables(tmp_path / "out") == tables(slow_reference)
    sessions = json.loads((tmp_path / "out" / "metadata.json").read_text())["sessions"]
    first = "interrupted" if sig == signal.SIGINT else "aborted"
    assert [s["status"] for s in sessions] == [first, "finished"]


CTRL_C_INSIDE_WAIT = """
import os, signal, sys
from concurrent.futures import _base

calls = 0


def enter(self):
    # take the futures' locks as concurrent.futures.wait does, Ctrl-C landing after the first
    global calls
    calls += 1
    for i, future in enumerate(self.futures):
        future._condition.acquire()
        if i == 0 and calls == 3:
            os.kill(os.getpid(), signal.SIGINT)
            for _ in range(100):  # the handler runs at one of the loop's checks
                pass


_base._AcquireFutures.__enter__ = enter
from sim.cli import main

sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_while_the_driver_takes_a_futures_lock_does_not_hang_it(tmp_path: Path) -> None:
    """Ctrl-C landing inside ``concurrent.futures.wait`` as it takes the futures' locks: a
    ``KeyboardInterrupt`` raised there would leave a lock held, the pool's manager thread would
    wait on it for ever and the driver would hang at exit; held back, it stops the sweep after
    the call (exit 130 and how to resume)."""
    make_experiment(tmp_path)
    args = ["sweep", "exp.yaml", "--workers", "2", "--out", "out", "--no-progress"]
    driver = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_INSIDE_WAIT, *args],
        cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        start_new_session=True,
    )  # fmt: skip
    try:
        _, stderr = driver.communicate(timeout=60)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(driver.pid, signal.SIGKILL)
    assert driver.returncode == 130, stderr
    assert "Traceback" not in stderr
    done = len(read_journal(tmp_path / "out"))
    assert stderr.strip().splitlines()[-1].startswith(f"interrupted: {done} of 8 runs done")


# --------------------------------------------------------------------------- failed runs


def test_a_failed_run_is_recorded_and_retried_on_resume(
    reference: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    make_experiment(tmp_path)
    monkeypatch.setenv(FAIL_RUNS_ENV, "p0001-r000")
    args = ["sweep", "exp.yaml", "--workers", "1", "--out", "out", "--no-progress"]
    assert main(args) == 3  # finished, with failed runs
    stdout, stderr = capsys.readouterr()
    assert "8 runs (4 points × 2 replications): 7 done, 1 failed" in stdout
    assert stderr == (
        "1 runs failed (errors in out/status.csv); retry them with: "
        "chansim sweep exp.yaml --workers 1 --resume --out out\n"
    )
    out = tmp_path / "out"
    failed = [line for line in journal_lines(out) if line[4] == "failed"]
    assert [(line[0], line[6]) for line in failed] == [
        (
            "p0001-r000",
            "InjectedFailureError: run p0001-r000 failed on purpose (CHANSIM_FAIL_RUNS)",
        )
    ]
    run = json.loads((out / "runs" / "p0001-r000.json").read_text())
    assert run["status"] == "failed" and "InjectedFailureError" in run["traceback"]
    assert not (out / "runs" / "p0001-r000.csv").exists()
    summary = {r["run_id"]: r for r in read_csv(out / "summary.csv")}
    assert list(summary) == RUNS and summary["p0001-r000"]["status"] == "failed"
    assert summary["p0001-r000"]["channels.b2c.price"] == "950"
    assert summary["p0001-r000"]["manufacturer.profit"] == ""
    assert "p0001-r000" not in {r["run_id"] for r in read_csv(out / "timeseries.csv")}
    assert json.loads((out / "metadata.json").read_text())["failed"] == 1

    monkeypatch.delenv(FAIL_RUNS_ENV)
    assert main([*args, "--resume"]) == 0
    stdout, stderr = capsys.readouterr()
    assert "8 done, 0 failed; 1 run in" in stdout
    assert stderr == "resuming: 7 of 8 runs done, 1 to run\n"
    assert tables(out) == tables(reference)
    assert [line[4] for line in journal_lines(out) if line[0] == "p0001-r000"] == [
        "failed",
        "done",
    ]


def test_a_run_that_raises_is_a_failed_run_not_a_crash(tmp_path: Path) -> None:
    """An exception inside a run (here: a value the model rejects at run time) is caught."""
    plan = load_experiment(make_experiment(tmp_path), ["replications=1"])
    plan.points[2].values["market.consumers"] = -1  # past validation, as a model bug would be
    result = run_sweep(plan, tmp_path / "out", workers=2, progress=False)
    assert (result.done, result.failed) == (3, 1)
    entry = read_journal(tmp_path / "out")["p0002-r000"]
    assert entry.status == "failed"
    assert entry.error.startswith("ScenarioValueError: market.consumers: must be between 2")


# --------------------------------------------------------------------------- bad input


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize(
    ("setup", "args", "expected"),
    [
        (
            "replicatons: 2\n",
            [],
            "exp.yaml:12: replicatons: unknown key (did you mean 'replications'?)",
        ),
        (
            "",
            ["--set", "design.parameters={channels.b2c.pric: [1]}"],
            "--set design.parameters={channels.b2c.pric: [1]}: design.parameters.channels.b2c."
            "pric: unknown key (did you mean 'price'?)",
        ),
        ("", ["--workers", "0"], "chansim sweep: argument --workers: must be >= 1 (got 0)"),
        ("", ["--set", "seed"], "--set seed: expected KEY=VALUE"),
        ("missing", [], "nothing.yaml: file not found"),
        (
            "occupied",
            ["--out", "busy"],
            "busy: already exists and is not empty (add --resume to continue that sweep, or "
            "choose another --out)",
        ),
        (
            "occupied",
            ["--out", "busy", "--resume"],
            "busy: not a sweep's results folder (no readable metadata.json); choose another --out",
        ),
        (
            "dask",
            ["--dask", "tcp://127.0.0.1:{port}"],
            "--dask tcp://127.0.0.1:{port}: cannot reach a Dask scheduler (",  # + Dask's words
        ),
    ],
    ids=[
        "unknown-key",
        "bad-design-path",
        "workers",
        "malformed-set",
        "missing-file",
        "occupied-out",
        "resume-foreign-folder",
        "unreachable-dask",
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    setup: str,
    args: list[str],
    expected: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    make_experiment(tmp_path, EXPERIMENT + (setup if setup.endswith("\n") else ""))
    target = "nothing.yaml" if setup == "missing" else "exp.yaml"
    if setup == "occupied":
        (tmp_path / "busy").mkdir()
        (tmp_path / "busy" / "notes.txt").write_text("mine")
    if setup == "dask":
        port = free_port()
        args = [a.format(port=port) for a in args]
        expected = expected.format(port=port)
        monkeypatch.setattr(executors, "DASK_CONNECT_TIMEOUT", "1s")
    before = listing(tmp_path)
    assert main(["sweep", target, "--no-progress", *args]) == 2
    out, err = capsys.readouterr()
    if setup == "dask":
        assert out == "" and len(err.splitlines()) == 1 and err.endswith(")\n")
        assert err.startswith(expected) and "Traceback" not in err
    else:
        assert (out, err) == ("", expected + "\n")
    assert listing(tmp_path) == before


def test_resume_refuses_a_changed_experiment(
    reference: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--resume with other settings (another hash) exits 2 and leaves the folder alone."""
    import shutil

    folder = tmp_path / "out"
    shutil.copytree(reference, folder)
    make_experiment(tmp_path)
    before = {p: (folder / p).read_bytes() for p in listing(folder)}
    code = main(
        ["sweep", str(tmp_path / "exp.yaml"), "--out", str(folder), "--resume", "--set", "seed=1"]
    )
    assert code == 2
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"{folder}: was started by a different experiment (sha256 ")
    assert {p: (folder / p).read_bytes() for p in listing(folder)} == before
