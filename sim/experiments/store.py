"""The store: a sweep's results folder, written as runs finish, safe against crashes.

Layout (``results/<name>/``)::

    experiment.yaml       the resolved experiment (every field explicit, paths absolute)
    base_scenario.yaml    the resolved base scenario (overrides and days applied); the
                          ``scenarios`` design writes base_scenarios/p0000.yaml, ... instead
    points.csv            point_id, label, one column per parameter (values in effect)
    problem.json          SALib problem: design, names (+ num_vars, bounds, integer, and the
                          sampler settings for sampled designs)
    metadata.json         versions, git revision, sha256 of the resolved experiment, root seed,
                          times, executor, counts
    status.csv            journal: run_id, point_id, replication, seed, status, seconds, error
    runs/<run_id>.csv     one run's kept days: run_id, point_id, replication, seed, <params>,
                          day, <measurements>
    runs/<run_id>.json    one run: ids, label, params, status, seconds, error, traceback, host,
                          pid, days_simulated, stopped_early, summary (flattened a.b.c → number)
    timeseries.csv        all done runs' rows, by run (point, replication) then day
    summary.csv           one row per finished run, by run: run_id, point_id, replication, seed,
                          status, <params>, <summary keys> (in first-seen order; keys that
                          repeat a leading column, like the summary's seed, are left out;
                          empty for failed runs)
    timeseries.parquet, summary.parquet   copies of the tables, only if pyarrow is importable

Crash safety: every file is written to a temporary name and renamed (:func:`atomic_write`);
a run's files are written before its line is appended to ``status.csv``, and each journal line
is flushed and fsync'ed. On resume a run counts as done only if its last journal line says
``done`` and both its files exist; a partial last line (a crash mid-write) is dropped.

Cells: numbers in Python's shortest round-trip form (``nan``, ``inf`` for non-finite floats),
booleans ``true``/``false``, lists and mappings as compact JSON, missing values empty (a
column only some runs have, e.g. a tier's orders, is empty for the others). ``runs/*.json``
is Python's JSON (non-finite numbers as ``NaN``/``Infinity``). The consolidated tables depend
only on which runs are done, never on the order they finished in.
"""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sim.experiments.plan import Plan
from sim.loading import scenario_yaml

RUNS_DIR = "runs"
STATUS_FILE = "status.csv"
STATUS_HEADER = ["run_id", "point_id", "replication", "seed", "status", "seconds", "error"]
RUN_COLUMNS = ["run_id", "point_id", "replication", "seed"]
SUMMARY_COLUMNS = [*RUN_COLUMNS, "status"]
DONE, FAILED = "done", "failed"
_RUN_ID = re.compile(r"^p(\d+)-r(\d+)$")


# --------------------------------------------------------------------------- cells and files


def cell(value: Any) -> str:
    """One value as a CSV cell (see the module docstring)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, str):
        return value
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def csv_text(header: list[str], rows: Iterable[Iterable[Any]]) -> str:
    """CSV text with ``\\n`` line ends; cells formatted by :func:`cell`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([cell(v) for v in row] for row in rows)
    return buffer.getvalue()


def atomic_write(path: Path, content: str | bytes) -> None:
    """Write a file under a temporary name in the same folder, fsync it, rename it into place."""
    path = Path(path)
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with open(tmp, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def run_sort_key(run: str) -> tuple[int, int, str]:
    """Order of runs: by point, then replication (the run id's numbers)."""
    m = _RUN_ID.match(run)
    return (int(m.group(1)), int(m.group(2)), run) if m else (1 << 62, 0, run)


# --------------------------------------------------------------------------- the journal


@dataclass(frozen=True)
class JournalEntry:
    """One line of ``status.csv``."""

    run_id: str
    point_id: int
    replication: int
    seed: int
    status: str
    seconds: float
    error: str


def read_journal(folder: Path) -> dict[str, JournalEntry]:
    """The last journal entry of every run (complete, well-formed lines only)."""
    path = Path(folder) / STATUS_FILE
    if not path.exists():
        return {}
    latest: dict[str, JournalEntry] = {}
    text = path.read_text(encoding="utf-8")
    for line in text.splitlines(keepends=True):
        if not line.endswith("\n"):
            break  # a partial last line: the writer died mid-line
        try:
            fields = next(csv.reader([line]))
            if len(fields) != len(STATUS_HEADER) or fields[0] == "run_id":
                continue
            entry = JournalEntry(
                fields[0], int(fields[1]), int(fields[2]), int(fields[3]), fields[4],
                float(fields[5]), fields[6],
            )  # fmt: skip
        except (ValueError, StopIteration, csv.Error):
            continue
        if entry.status in (DONE, FAILED) and _RUN_ID.match(entry.run_id):
            latest[entry.run_id] = entry
    return latest


class Journal:
    """``status.csv``, opened for appending: one flushed, fsync'ed line per finished run."""

    def __init__(self, folder: Path) -> None:
        path = Path(folder) / STATUS_FILE
        fresh = not path.exists() or path.stat().st_size == 0
        if not fresh:
            _drop_partial_line(path)
        self._file = open(path, "ab")  # noqa: SIM115 (kept open for the sweep's duration)
        if fresh:
            self._append(STATUS_HEADER)

    def _append(self, fields: list[Any]) -> None:
        self._file.write(csv_text(fields, []).encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())

    def record(self, result: dict[str, Any]) -> None:
        """Append a finished run's line."""
        self._append(
            [
                result["run_id"],
                result["point_id"],
                result["replication"],
                result["seed"],
                result["status"],
                f"{result['seconds']:.3f}",
                result.get("error") or "",
            ]
        )

    def close(self) -> None:
        """Close the file (every line is already on disk)."""
        self._file.close()


def _drop_partial_line(path: Path) -> None:
    """Cut a journal back to its last complete line (after a crash mid-write)."""
    data = path.read_bytes()
    if data and not data.endswith(b"\n"):
        with open(path, "r+b") as f:
            f.truncate(data.rfind(b"\n") + 1)
            f.flush()
            os.fsync(f.fileno())


# --------------------------------------------------------------------------- the store


class ResultsStore:
    """A sweep's results folder: plan files at the start, run files as runs finish."""

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self.runs = self.folder / RUNS_DIR
        self._journal: Journal | None = None

    # ------------------------------------------------------------------ start

    def open(self, plan: Plan) -> None:
        """Create the folder (or reopen it), write the plan's files, open the journal."""
        self.runs.mkdir(parents=True, exist_ok=True)
        remove_stale_temporaries(self.folder)
        write_plan_files(self.folder, plan)
        self._journal = Journal(self.folder)

    def done_runs(self) -> set[str]:
        """Runs whose last journal line says done and whose two files exist."""
        return {
            run
            for run, entry in read_journal(self.folder).items()
            if entry.status == DONE and self.run_files_exist(run)
        }

    def run_files_exist(self, run: str) -> bool:
        """Whether ``runs/<run>.csv`` and ``runs/<run>.json`` both exist and are whole (a
        damaged file makes the run not done, so ``--resume`` runs it again)."""
        return run_files_whole(self.runs, run, need_csv=True)

    # ------------------------------------------------------------------ a finished run

    def record(self, result: dict[str, Any]) -> None:
        """Write a finished run's files atomically, then journal it."""
        assert self._journal is not None, "open() the store first"
        run = result["run_id"]
        params = result["params"]
        if result["status"] == DONE:
            header = [*RUN_COLUMNS, *params, *result["columns"]]
            fixed = [run, result["point_id"], result["replication"], result["seed"]]
            rows = ([*fixed, *params.values(), *row] for row in result["rows"])
            atomic_write(self.runs / f"{run}.csv", csv_text(header, rows))
        else:
            (self.runs / f"{run}.csv").unlink(missing_ok=True)
        record = {
            key: result.get(key)
            for key in (
                "run_id",
                "point_id",
                "replication",
                "seed",
                "label",
                "params",
                "status",
                "seconds",
                "error",
                "traceback",
                "host",
                "pid",
                "days_simulated",
                "stopped_early",
                "summary",
            )
        }
        atomic_write(self.runs / f"{run}.json", json.dumps(record, indent=1) + "\n")
        self._journal.record(result)

    def close(self) -> None:
        """Close the journal (the run files are already complete)."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def remove_stale_temporaries(folder: Path) -> None:
    """Remove temporary files and folders (``.name.tmp-PID``, ``.name.old-PID``) left by
    processes that are gone: an interrupted write of a run file, the tables or the report."""
    from sim.results import remove_abandoned

    remove_abandoned([*folder.rglob(".*.tmp-*"), *folder.glob(".*.old-*")])


def write_plan_files(folder: Path, plan: Plan) -> None:
    """``experiment.yaml``, base scenario(s), ``points.csv`` and ``problem.json``."""
    folder = Path(folder)
    atomic_write(
        folder / "experiment.yaml",
        yaml.safe_dump(plan.resolved(), sort_keys=False, allow_unicode=True, width=100),
    )
    if len(plan.bases) == 1 and plan.problem.get("design") != "scenarios":
        atomic_write(folder / "base_scenario.yaml", scenario_yaml(plan.bases[0]))
    else:
        (folder / "base_scenarios").mkdir(exist_ok=True)
        for point in plan.points:
            atomic_write(
                folder / "base_scenarios" / f"p{point.id:04d}.yaml",
                scenario_yaml(plan.bases[point.base]),
            )
    rows = ([p.id, p.label, *p.params.values()] for p in plan.points)
    atomic_write(folder / "points.csv", csv_text(["point_id", "label", *plan.parameters], rows))
    atomic_write(folder / "problem.json", json.dumps(plan.problem, indent=2) + "\n")


# --------------------------------------------------------------------------- consolidation


def run_files_whole(runs_dir: Path, run: str, need_csv: bool) -> bool:
    """Whether a run's JSON record parses (and, if ``need_csv``, its CSV exists and ends with a
    complete line). Both are written atomically; this catches files damaged afterwards."""
    record = runs_dir / f"{run}.json"
    try:
        json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    if not need_csv:
        return True
    table = runs_dir / f"{run}.csv"
    try:
        with table.open("rb") as f:
            f.seek(0, os.SEEK_END)
            if f.tell() == 0:
                return False
            f.seek(-1, os.SEEK_END)
            return f.read(1) == b"\n"
    except OSError:
        return False


def consolidate(folder: str | Path) -> dict[str, int]:
    """Write ``timeseries.csv`` and ``summary.csv`` (and Parquet copies) from the run files.

    Idempotent: the tables depend only on the journal and the run files, so it can be called
    again at any time (e.g. by a report). Runs are ordered by point, then replication.

    Args:
        folder: A sweep's results folder.

    Returns:
        Counts of runs in the tables: ``done`` and ``failed``.
    """
    folder = Path(folder)
    runs_dir = folder / RUNS_DIR
    journal = read_journal(folder)
    done, finished = [], []
    for run in sorted(journal, key=run_sort_key):
        status = journal[run].status
        if status == DONE and run_files_whole(runs_dir, run, need_csv=True):
            done.append(run)
            finished.append(run)
        elif status == FAILED and run_files_whole(runs_dir, run, need_csv=False):
            finished.append(run)
    parameters = _parameter_columns(folder)
    _write_timeseries(folder, runs_dir, done, parameters)
    _write_summary(folder, runs_dir, finished, parameters)
    for table in ("timeseries", "summary"):
        _write_parquet(folder / f"{table}.csv", folder / f"{table}.parquet")
    return {"done": len(done), "failed": len(finished) - len(done)}


def _parameter_columns(folder: Path) -> list[str]:
    path = folder / "points.csv"
    if not path.exists():
        return []
    with path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f), [])
    return header[2:]


def _write_timeseries(folder: Path, runs_dir: Path, done: list[str], parameters: list[str]) -> None:
    headers = []
    for run in done:
        with (runs_dir / f"{run}.csv").open(encoding="utf-8", newline="") as f:
            headers.append(next(csv.reader(f)))
    out = io.BytesIO()
    if headers and all(h == headers[0] for h in headers):
        out.write(csv_text(headers[0], []).encode("utf-8"))
        for run in done:
            with (runs_dir / f"{run}.csv").open("rb") as f:
                f.readline()
                out.write(f.read())
    else:
        union = list(dict.fromkeys([*RUN_COLUMNS, *parameters, "day"]))
        for h in headers:
            union.extend(c for c in h if c not in union)
        rows = []
        for run in done:
            with (runs_dir / f"{run}.csv").open(encoding="utf-8", newline="") as f:
                rows.extend([r.get(c, "") for c in union] for r in csv.DictReader(f))
        out.write(csv_text(union, rows).encode("utf-8"))
    atomic_write(folder / "timeseries.csv", out.getvalue())


def _write_summary(
    folder: Path, runs_dir: Path, finished: list[str], parameters: list[str]
) -> None:
    records = [
        json.loads((runs_dir / f"{run}.json").read_text(encoding="utf-8")) for run in finished
    ]
    fixed = [*SUMMARY_COLUMNS, *parameters]
    keys: list[str] = []
    seen = set(fixed)
    for record in records:
        for key in record.get("summary") or {}:
            if key not in seen:
                seen.add(key)
                keys.append(key)
    rows = []
    for record in records:
        params = record.get("params") or {}
        summary = record.get("summary") or {}
        rows.append(
            [
                *(record.get(c) for c in SUMMARY_COLUMNS),
                *(params.get(p) for p in parameters),
                *(summary.get(k) for k in keys),
            ]
        )
    atomic_write(folder / "summary.csv", csv_text([*fixed, *keys], rows))


def _write_parquet(source: Path, target: Path) -> None:
    """A Parquet copy of a CSV table if pyarrow is importable (else no copy, none stale)."""
    if importlib.util.find_spec("pyarrow") is None:
        target.unlink(missing_ok=True)
        return
    import pandas as pd

    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    try:
        pd.read_csv(source).to_parquet(tmp, index=False)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
