"""Orchestration of a sweep: plan → evaluator → store (the EMA Workbench split).

:func:`run_sweep` takes a :class:`~sim.experiments.plan.Plan`, skips the runs a resumed folder
already holds, submits the rest to an evaluator (:mod:`sim.experiments.executors`) with a
bounded number in flight, and records each result the moment it completes
(:mod:`sim.experiments.store`). At the end it writes the consolidated tables, the metadata and
the report (:func:`sim.experiments.report.write_report`).

Ctrl-C stops submitting, cancels queued runs, stops running ones, keeps every finished run and
returns with ``interrupted`` set; ``chansim sweep ... --resume`` continues where it stopped, and
ends with exactly the tables of an uninterrupted sweep (the tables depend only on which runs are
done, and each run only on its seed).
"""

from __future__ import annotations

import concurrent.futures as cf
import json
import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

from sim.experiments.executors import Evaluator, open_evaluator
from sim.experiments.plan import Plan
from sim.experiments.runner import execute, one_line
from sim.experiments.store import (
    DONE,
    FAILED,
    ResultsStore,
    atomic_write,
    consolidate,
    read_journal,
)
from sim.interrupts import held_back
from sim.progress import Progress

METADATA_FILE = "metadata.json"


class SweepError(Exception):
    """A results folder that cannot be used (bad user input: exit code 2)."""


@dataclass
class SweepResult:
    """What a sweep did.

    Attributes:
        folder: The results folder.
        runs: Runs in the plan.
        done: Runs done (in the folder, this session or earlier).
        failed: Runs whose last attempt failed.
        executed: Runs attempted in this session.
        skipped: Runs already done when the session started (``--resume``).
        interrupted: Whether Ctrl-C stopped the sweep.
        seconds: Wall time of this session.
    """

    folder: Path
    runs: int
    done: int
    failed: int
    executed: int
    skipped: int
    interrupted: bool
    seconds: float


# --------------------------------------------------------------------------- the folder


LOCK_FILE = ".lock"
"""Held (``flock``) by the sweep writing a folder; a second sweep on it is refused."""


@contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold the results folder's lock for the whole sweep (runs, tables and report).

    The lock is an advisory ``flock`` on ``out/.lock``: the kernel drops it when the process
    ends, however it ends, so a killed sweep never leaves a stale lock.

    Raises:
        SweepError: If another process holds it.
    """

    out.mkdir(parents=True, exist_ok=True)
    fd = os.open(out / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        _lock(fd, out)
        os.ftruncate(fd, 0)
        os.pwrite(fd, str(os.getpid()).encode(), 0)
        yield
    finally:
        os.close(fd)


def check_place(out: Path) -> None:
    """Refuse a results folder that is a file, or lies under one (before creating it)."""
    if out.exists() and not out.is_dir():
        raise SweepError(f"{out}: already exists and is not a folder (choose another --out)")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise SweepError(f"{out}: {parent} is not a folder (choose another --out)")
            break


def _lock(fd: int, out: Path) -> None:
    """Take the folder's lock on ``fd`` without waiting, or refuse: another sweep holds it."""
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode(errors="replace").strip() or "?"
        raise SweepError(
            f"{out}: another chansim sweep (process {holder}) is writing to this folder; "
            "wait for it, or choose another --out"
        ) from None


def _refuse_if_locked(out: Path) -> None:
    """Refuse a folder another sweep holds (without creating anything)."""
    import fcntl

    lock = out / LOCK_FILE
    if not lock.is_file():
        return
    fd = os.open(lock, os.O_RDONLY)
    try:
        _lock(fd, out)
        fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)


def check_folder(out: Path, plan: Plan, resume: bool) -> None:
    """Refuse, before anything is written, a folder the sweep cannot use.

    A non-empty folder is accepted only with ``resume`` and only if it was started by the same
    resolved experiment (same sha256).

    Raises:
        SweepError: With a one-line message.
    """
    out = Path(out)
    check_place(out)
    if out.exists() and any(p.name != LOCK_FILE for p in out.iterdir()):
        if not resume:
            raise SweepError(
                f"{out}: already exists and is not empty (add --resume to continue that sweep, "
                "or choose another --out)"
            )
        meta = out / METADATA_FILE
        try:
            sha = json.loads(meta.read_text(encoding="utf-8"))["experiment_sha256"]
        except (OSError, ValueError, KeyError, TypeError):
            raise SweepError(
                f"{out}: not a sweep's results folder (no readable {METADATA_FILE}); "
                "choose another --out"
            ) from None
        if sha != plan.sha256:
            raise SweepError(
                f"{out}: was started by a different experiment (sha256 {sha[:12]}…, now "
                f"{plan.sha256[:12]}…); resume with the same experiment file and --set options, "
                "or choose another --out"
            )


def read_metadata(folder: Path) -> dict[str, Any]:
    """A results folder's ``metadata.json`` ({} if absent or unreadable)."""
    try:
        return json.loads((Path(folder) / METADATA_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def versions() -> dict[str, str]:
    """Versions of Python and the packages a sweep's results depend on."""
    from sim.results import package_versions

    out = package_versions()
    for name in ("SALib", "dask", "distributed", "pyarrow"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            continue
    return out


def git_revision() -> dict[str, Any]:
    """The git commit of the chansim source tree, and whether it has uncommitted changes."""
    root = Path(__file__).resolve().parents[2]
    try:
        head = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"git_revision": None, "git_dirty": None}
    return {"git_revision": head or None, "git_dirty": bool(dirty)}


def _metadata(
    plan: Plan, evaluator: Evaluator, previous: dict[str, Any], session: dict[str, Any]
) -> dict[str, Any]:
    earlier = [
        {**s, "status": "aborted"} if s.get("status") == "running" else s  # killed outright
        for s in previous.get("sessions", [])
    ]
    sessions = [*earlier, session]
    return {
        "experiment": plan.name,
        "experiment_sha256": plan.sha256,
        "root_seed": plan.experiment.seed,
        "versions": versions(),
        **git_revision(),
        "started": previous.get("started", session["started"]),
        "finished": session.get("finished"),
        "status": session["status"],
        "executor": evaluator.kind,
        "workers": evaluator.workers,
        "dask_address": evaluator.address,
        "points": len(plan.points),
        "replications": plan.replications,
        "runs": plan.n_runs,
        "done": session.get("done", 0),
        "failed": session.get("failed", 0),
        "sessions": sessions,
    }


# --------------------------------------------------------------------------- the sweep


def run_sweep(
    plan: Plan,
    out: str | Path,
    *,
    workers: int | None = None,
    dask: str | None = None,
    resume: bool = False,
    progress: bool = True,
    report: bool = True,
    on_result: Callable[[dict[str, Any]], None] | None = None,
    log: Callable[[str], None] | None = None,
) -> SweepResult:
    """Run (or continue) a sweep into a results folder.

    Args:
        plan: The resolved experiment (:func:`sim.experiments.plan.load_experiment`).
        out: The results folder.
        workers: Worker processes (None: all cores; 1: in this process).
        dask: None, ``local``, or a Dask scheduler address.
        resume: Continue a folder started by the same experiment (skip done runs, retry
            failed ones).
        progress: Show the progress on stderr (when it is a terminal): runs done, then
            consolidating the tables and writing the report, each line left in place.
        report: Write the report (``folder/report/``) at the end.
        on_result: Called with each result after it is stored (e.g. for tests).
        log: Called with one-line messages for the user.

    Returns:
        What happened; ``interrupted`` is set after Ctrl-C (finished runs are kept).

    Raises:
        SweepError: If the folder cannot be used (nothing is written).
        ExecutorError: If the executor cannot be started (nothing is written).
    """
    out = Path(out)
    say = log or (lambda _message: None)
    _refuse_if_locked(out)
    check_folder(out, plan, resume)  # before the lock file is created: refusing writes nothing
    start = time.perf_counter()
    with folder_lock(out):
        check_folder(out, plan, resume)  # now that no other sweep can write it
        return _run_locked(
            plan, out, workers, dask, resume, progress, report, on_result, say, start
        )


def _run_locked(
    plan: Plan,
    out: Path,
    workers: int | None,
    dask: str | None,
    resume: bool,
    progress: bool,
    report: bool,
    on_result: Callable[[dict[str, Any]], None] | None,
    say: Callable[[str], None],
    start: float,
) -> SweepResult:
    """The sweep proper, with the folder's lock held."""
    with open_evaluator(workers, dask) as evaluator:
        previous = read_metadata(out) if resume else {}
        store = ResultsStore(out)
        store.open(plan)
        session: dict[str, Any] = {
            "started": _now(),
            "executor": evaluator.kind,
            "workers": evaluator.workers,
            "status": "running",
        }
        atomic_write(out / METADATA_FILE, _json(_metadata(plan, evaluator, previous, session)))
        done_before = store.done_runs()
        todo = [t for t in plan.tasks() if t["run_id"] not in done_before]
        if done_before:
            say(f"resuming: {len(done_before)} of {plan.n_runs} runs done, {len(todo)} to run")
        tally = _Tally()
        interrupted = False
        display = Progress(plan.name, total=len(todo), unit="run", enabled=progress)
        try:
            _evaluate(todo, evaluator, store, tally, display, on_result)
        except KeyboardInterrupt:
            interrupted = True
        finally:
            store.close()
            display.end_count()
        # the tables are written when every run has been attempted; resuming writes them
        if interrupted:
            counts = _count(store)
        else:
            with display.stage("consolidating the tables"):
                counts = consolidate(out)
        session.update(
            finished=_now(),
            status="interrupted" if interrupted else "finished",
            executed=tally.executed,
            done=counts["done"],
            failed=counts["failed"],
        )
        atomic_write(out / METADATA_FILE, _json(_metadata(plan, evaluator, previous, session)))
    if report and not interrupted:
        from sim.experiments.report import write_report

        with display.stage("writing report and figures"):
            write_report(out)
    display.close()
    return SweepResult(
        folder=out,
        runs=plan.n_runs,
        done=counts["done"],
        failed=counts["failed"],
        executed=tally.executed,
        skipped=len(done_before),
        interrupted=interrupted,
        seconds=time.perf_counter() - start,
    )


def _json(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2) + "\n"


@dataclass
class _Tally:
    executed: int = 0
    failed: int = 0


def _count(store: ResultsStore) -> dict[str, int]:
    journal = read_journal(store.folder)
    done = sum(1 for r, e in journal.items() if e.status == DONE and store.run_files_exist(r))
    failed = sum(1 for e in journal.values() if e.status == FAILED)
    return {"done": done, "failed": failed}


WAIT_SECONDS = 0.25
"""How long the driver waits for a run to finish before it looks for Ctrl-C again."""


def _wait_for_one(futures: list[cf.Future]) -> set[cf.Future]:
    """The futures done, once at least one is: ``cf.wait`` held back, in slices.

    Ctrl-C may stop the driver between its calls into the executor, not inside one: the
    executor's own threads take locks that these calls take too (each future's, the pool's),
    and a ``KeyboardInterrupt`` raised halfway through one can leave a lock held and the pool's
    manager thread waiting on it for ever, so the driver never exits. Held back
    (:func:`sim.interrupts.held_back`) and in slices of :data:`WAIT_SECONDS`, a wait still
    stops within a quarter of a second.
    """
    while True:
        with held_back():
            finished, _ = cf.wait(futures, timeout=WAIT_SECONDS, return_when=cf.FIRST_COMPLETED)
        if finished:
            return finished


MAX_POOL_RESTARTS = 10
"""Fresh process pools a sweep starts after workers died (killed, out of memory)."""
MAX_LOSSES_PER_RUN = 2
"""Times one run may be lost with its worker before it counts as failed (it may be the cause)."""


def _evaluate(
    todo: list[dict[str, Any]],
    evaluator: Evaluator,
    store: ResultsStore,
    tally: _Tally,
    display: Progress,
    on_result: Callable[[dict[str, Any]], None] | None,
) -> None:
    """Submit with at most ~2 per worker in flight; store each result as it completes."""
    limit = max(2, 2 * max(1, evaluator.workers))
    pending: dict[cf.Future, dict[str, Any]] = {}
    queue = iter(todo)
    broken: str | None = None

    def keep(result: dict[str, Any]) -> None:
        store.record(result)
        tally.executed += 1
        tally.failed += result["status"] != DONE
        display.update(1, failed=int(result["status"] != DONE))
        if on_result is not None:
            on_result(result)

    # submit is held back like the wait, except in the serial executor: it has no threads, and
    # it runs each run inside submit, which Ctrl-C must be able to stop
    submitting = nullcontext if evaluator.kind == "serial" else held_back
    retry: list[dict[str, Any]] = []  # runs lost with a killed worker, to run again
    lost: dict[str, int] = {}  # how many times each run was lost
    restarts = 0

    def fill() -> None:
        nonlocal broken
        while len(pending) < limit and broken is None:
            task = retry.pop(0) if retry else next(queue, None)
            if task is None:
                return
            try:
                with submitting():  # a Ctrl-C held back is raised with the run in pending
                    pending[evaluator.executor.submit(execute, task)] = task
            except (cf.BrokenExecutor, RuntimeError) as exc:
                broken = one_line(exc)
                keep(_failed(task, f"not run: the executor stopped ({broken})"))

    def worker_died(future: cf.Future) -> bool:
        return not future.cancelled() and isinstance(future.exception(), cf.BrokenExecutor)

    try:
        fill()
        while pending:
            finished = _wait_for_one(list(pending))
            died = False
            for future in sorted(finished, key=lambda f: pending[f]["run_id"]):
                task = pending.pop(future)
                if evaluator.can_restart and worker_died(future):
                    died = True
                    lost[task["run_id"]] = lost.get(task["run_id"], 0) + 1
                    if lost[task["run_id"]] <= MAX_LOSSES_PER_RUN:
                        retry.append(task)
                        continue
                    keep(_failed(task, "a worker process died running it, every time tried"))
                    continue
                keep(_result(future, task))
            if died:
                # the whole pool is broken: its other runs are lost too; start a fresh one
                for future, task in list(pending.items()):
                    pending.pop(future)
                    retry.append(task)
                restarts += 1
                if restarts > MAX_POOL_RESTARTS:
                    broken = "worker processes kept dying"
                    for task in retry:
                        keep(_failed(task, f"not run: the executor stopped ({broken})"))
                    retry.clear()
                else:
                    evaluator.restart()
                    retry.sort(key=lambda t: t["run_id"])
            fill()
        if broken is not None:
            for task in queue:
                keep(_failed(task, f"not run: the executor stopped ({broken})"))
    except KeyboardInterrupt:
        evaluator.abandon()
        for future in list(pending):
            if future.done() and not future.cancelled() and future.exception() is None:
                store.record(future.result())
                tally.executed += 1
        raise


def _result(future: cf.Future, task: dict[str, Any]) -> dict[str, Any]:
    """A completed future's result; an executor-level error becomes a failed run."""
    try:
        return future.result()
    except cf.CancelledError:
        return _failed(task, "cancelled")
    except Exception as exc:
        return _failed(task, f"executor: {one_line(exc)}")


def _failed(task: dict[str, Any], error: str) -> dict[str, Any]:
    result = {k: task[k] for k in ("run_id", "point_id", "replication", "seed", "label", "params")}
    result.update(
        status=FAILED,
        columns=[],
        rows=[],
        summary={},
        days_simulated=0,
        stopped_early=False,
        error=error,
        traceback=None,
        seconds=0.0,
        host=None,
        pid=None,
    )
    return result
