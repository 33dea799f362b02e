"""The evaluator's unit of work: one run of an experiment, plain data in and out.

:func:`execute` is a top-level function of an importable module, so any executor can ship it
(a process pool pickles it by reference, Dask too). Its task is the plain-data dict of
:meth:`sim.experiments.plan.Plan.task`; the resolved base scenario travels inside it, so a
worker needs no files (except an edge-list graph's file, at the same absolute path).

Test hook: if the environment variable ``CHANSIM_FAIL_RUNS`` holds a comma-separated list of
run ids, :func:`execute` fails those runs on purpose (as if the model had raised), in whichever
process runs them. It exists for the tests of failure recording and ``--resume``; set it before
the sweep starts (workers read their own environment, inherited when they start).
"""

from __future__ import annotations

import copy
import numbers
import os
import socket
import time
import traceback
from typing import Any

import numpy as np

from sim.loading import apply_values
from sim.scenario import Scenario

FAIL_RUNS_ENV = "CHANSIM_FAIL_RUNS"

EXCLUDED_SUMMARY_KEYS: tuple[str, ...] = ("timings_seconds",)
"""Top-level summary entries left out of a run's flattened summary: they vary between
identical runs (wall-clock timings go to ``seconds`` instead)."""


class InjectedFailureError(RuntimeError):
    """A failure requested through ``CHANSIM_FAIL_RUNS`` (tests only)."""


def execute(task: dict[str, Any]) -> dict[str, Any]:
    """Run one task and return its results as plain data; never raises for a failed run.

    Args:
        task: ``run_id``, ``point_id``, ``replication``, ``seed``, ``label``, ``params``
            (column → value), ``values`` (dotted path → value applied to the base),
            ``scenario`` (the resolved base scenario as plain data), ``record_every`` (k, or
            None for the last day only), ``measurements`` (names, or None for all) and
            ``stop`` (``measurement``, ``below`` or ``above``, ``after_day``; or None).

    Returns:
        The task's identifying fields plus ``status`` ("done" or "failed"), ``columns``
        (``day`` then the measurements), ``rows`` (one list per kept day), ``summary`` (the
        end-of-run summary flattened to ``a.b.c`` keys, numbers only), ``days_simulated``,
        ``stopped_early``, ``error`` (one line) and ``traceback`` (None when done),
        ``seconds`` (wall time), ``host`` and ``pid``.
    """
    start = time.perf_counter()
    result: dict[str, Any] = {
        key: task[key] for key in ("run_id", "point_id", "replication", "seed", "label", "params")
    }
    result.update(
        status="failed",
        columns=[],
        rows=[],
        summary={},
        days_simulated=0,
        stopped_early=False,
        error=None,
        traceback=None,
    )
    try:
        failing = {r.strip() for r in os.environ.get(FAIL_RUNS_ENV, "").split(",")}
        if task["run_id"] in failing:
            raise InjectedFailureError(f"run {task['run_id']} failed on purpose ({FAIL_RUNS_ENV})")
        scenario = run_scenario(task)
        result.update(simulate(scenario, task))
        result["status"] = "done"
    except Exception as exc:
        result["error"] = one_line(exc)
        result["traceback"] = traceback.format_exc()
    result["seconds"] = time.perf_counter() - start
    result["host"] = socket.gethostname()
    result["pid"] = os.getpid()
    return result


def run_scenario(task: dict[str, Any]) -> Scenario:
    """The run's scenario: the base with the point's values and the run's seed, validated."""
    base = Scenario.model_validate(task["scenario"])
    values = copy.deepcopy(task["values"])  # apply_values may change a list it sets
    return apply_values(base, {**values, "seed": task["seed"]})


def simulate(scenario: Scenario, task: dict[str, Any]) -> dict[str, Any]:
    """Run the model day by day, keeping the wanted days' measurements; see :func:`execute`."""
    from sim.model import ChannelModel
    from sim.results import summarize

    t0 = time.perf_counter()
    model = ChannelModel(scenario)
    t1 = time.perf_counter()
    every = task["record_every"]
    wanted = task["measurements"]
    stop = task["stop"]
    columns: list[str] | None = None
    rows: list[list[Any]] = []
    stopped = False
    day = 0
    for _ in range(scenario.days):
        model.run_for(1)
        day = int(model.day)
        measures = model.measures
        if columns is None:
            columns = list(wanted) if wanted is not None else list(measures)
        if stop is not None and day > stop["after_day"]:
            stopped = _crossed(_measure(measures, stop["measurement"]), stop)
        if stopped or day == scenario.days or (every is not None and day % every == 0):
            rows.append([day, *(plain_number(measures.get(c)) for c in columns)])
        if stopped:
            break
    timings = {"build_seconds": t1 - t0, "run_seconds": time.perf_counter() - t1}
    summary = flatten_summary(summarize(model, timings))
    summary["days_simulated"] = day
    summary["stopped_early"] = int(stopped)
    return {
        "columns": ["day", *(columns or [])],
        "rows": rows,
        "summary": summary,
        "days_simulated": day,
        "stopped_early": stopped,
    }


def _measure(measures: dict[str, Any], name: str) -> float:
    if name not in measures:
        raise KeyError(f"stop: unknown measurement {name!r}")
    return float(measures[name])


def _crossed(value: float, stop: dict[str, Any]) -> bool:
    if stop.get("below") is not None:
        return value < stop["below"]
    return value > stop["above"]


def plain_number(value: Any) -> int | float | None:
    """A measurement as a plain Python number (booleans as 0/1); None stays None."""
    if value is None:
        return None
    if isinstance(value, bool | np.bool_):
        return int(value)
    if isinstance(value, numbers.Integral):
        return int(value)
    return float(value)


def flatten_summary(summary: dict[str, Any]) -> dict[str, int | float]:
    """Nested summary → ``{"a.b.c": number}``; text, lists and None are left out.

    Generic over the summary's content (new measures appear as new keys); the entries named in
    :data:`EXCLUDED_SUMMARY_KEYS` are dropped.
    """
    out: dict[str, int | float] = {}

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            name = f"{prefix}{key}"
            if isinstance(value, dict):
                walk(value, name + ".")
            elif isinstance(value, bool | np.bool_ | numbers.Integral):
                out[name] = int(value)
            elif isinstance(value, numbers.Real):
                out[name] = float(value)

    walk({k: v for k, v in summary.items() if k not in EXCLUDED_SUMMARY_KEYS}, "")
    return out


def one_line(exc: BaseException) -> str:
    """``ExceptionType: message`` on one line."""
    text = " ".join(str(exc).split()) if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


RUN_KEYS: tuple[str, ...] = ("days_simulated", "stopped_early")
"""Keys a run adds to its flattened summary (how far it ran)."""


def output_keys(scenario: Scenario) -> list[str]:
    """The summary keys of a run of ``scenario`` as in ``summary.csv`` (from the declarations
    of :mod:`sim.outputs`): the run's seed is a leading column of its own."""
    from sim.outputs import summary_keys

    return [k for k in summary_keys(scenario) if k != "seed"] + list(RUN_KEYS)
