"""Unit tests of one run (:mod:`sim.experiments.runner`) and the store's journal and cells."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest

from sim.experiments.plan import experiment_from_data
from sim.experiments.runner import FAIL_RUNS_ENV, execute, flatten_summary
from sim.experiments.store import Journal, atomic_write, cell, read_journal, run_sort_key


@pytest.fixture(scope="module")
def base_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("runner")
    (folder / "base.yaml").write_text("name: tiny\ndays: 20\nmarket:\n  consumers: 300\n")
    return folder


def task(base_file: Path, **fields) -> dict:
    """The first task of an experiment on the tiny base with these fields."""
    plan = experiment_from_data({"base": "base.yaml", **fields}, base_file)
    return plan.tasks()[0]


def test_records_every_k_days_and_the_last(base_file: Path) -> None:
    result = execute(task(base_file, record={"every": 7}, measurements=["aware", "adopters"]))
    assert result["status"] == "done", result["traceback"]
    assert result["columns"] == ["day", "aware", "adopters"]
    assert [row[0] for row in result["rows"]] == [7, 14, 20]
    assert all(type(v) in (int, float) for row in result["rows"] for v in row)
    end = execute(task(base_file, record={"every": "end"}))
    assert [row[0] for row in end["rows"]] == [20]
    assert len(end["columns"]) > 20 and end["columns"][0] == "day"
    assert end["summary"]["days_simulated"] == 20 and end["summary"]["stopped_early"] == 0


def test_stop_condition_ends_the_run_on_the_first_day_after(base_file: Path) -> None:
    """Fans are aware from day 0, so `aware above 0` holds on the first day checked."""
    stop = {"measurement": "aware", "above": 0, "after_day": 6}
    result = execute(task(base_file, record={"every": 5}, measurements=["aware"], stop=stop))
    assert [row[0] for row in result["rows"]] == [5, 7]
    assert result["days_simulated"] == 7 and result["stopped_early"] is True
    assert result["summary"]["days_simulated"] == 7 and result["summary"]["stopped_early"] == 1
    never = execute(task(base_file, measurements=["aware"], stop={**stop, "above": 1e12}))
    assert never["days_simulated"] == 20 and never["stopped_early"] is False


def test_same_task_same_result_and_plain_data(base_file: Path) -> None:
    t = task(base_file, seed=3)
    first, second = execute(t), execute(pickle.loads(pickle.dumps(t)))
    for key in ("rows", "columns", "summary", "seed", "params"):
        assert repr(first[key]) == repr(second[key])  # repr: NaN equals NaN
    assert repr(pickle.loads(pickle.dumps(first))) == repr(first)
    other = execute(task(base_file, seed=4))
    assert repr(other["rows"]) != repr(first["rows"])


def test_failures_are_returned_not_raised(base_file: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    t = task(base_file)
    t["values"] = {"market.consumers": 0}
    result = execute(t)
    assert result["status"] == "failed" and result["rows"] == []
    assert (
        result["error"]
        == "ScenarioValueError: market.consumers: must be between 2 and 5e+07 (got 0)"
    )
    assert "Traceback" in result["traceback"] and result["seconds"] >= 0
    monkeypatch.setenv(FAIL_RUNS_ENV, f"p0009-r000, {task(base_file)['run_id']}")
    injected = execute(task(base_file))
    assert injected["status"] == "failed"
    assert injected["error"].startswith("InjectedFailureError: run p0000-r000 failed on purpose")


def test_flatten_summary_keeps_numbers_under_dotted_keys() -> None:
    summary = {
        "name": "x",
        "seed": 5,
        "timings_seconds": {"run": 1.5},
        "channels": {"b2c": {"units": 3, "share": 0.5, "enabled": True}},
        "events": [{"day": 1}],
        "ratio": {"national": float("nan")},
        "nothing": None,
    }
    flat = flatten_summary(summary)
    assert list(flat) == [
        "seed",
        "channels.b2c.units",
        "channels.b2c.share",
        "channels.b2c.enabled",
        "ratio.national",
    ]
    assert flat["channels.b2c.enabled"] == 1 and type(flat["channels.b2c.enabled"]) is int
    assert math.isnan(flat["ratio.national"])


# --------------------------------------------------------------------------- store pieces


def test_cells() -> None:
    assert [cell(v) for v in (None, True, 3, 0.1, float("nan"), "a,b", [0.1, 2], {"b": 1})] == [
        "",
        "true",
        "3",
        "0.1",
        "nan",
        "a,b",
        "[0.1,2]",
        '{"b":1}',
    ]
    assert sorted(["p0010-r000", "p0002-r010", "p0002-r002"], key=run_sort_key) == [
        "p0002-r002",
        "p0002-r010",
        "p0010-r000",
    ]


def result(run: str, status: str, error: str = "") -> dict:
    point, rep = int(run[1:5]), int(run[7:])
    return {
        "run_id": run,
        "point_id": point,
        "replication": rep,
        "seed": 1,
        "status": status,
        "seconds": 0.5,
        "error": error,
    }


def test_journal_last_line_wins_and_a_partial_line_is_dropped(tmp_path: Path) -> None:
    journal = Journal(tmp_path)
    journal.record(result("p0000-r000", "failed", 'boom, with "quotes"'))
    journal.record(result("p0000-r001", "done"))
    journal.record(result("p0000-r000", "done"))
    journal.close()
    path = tmp_path / "status.csv"
    with path.open("ab") as f:
        f.write(b"p0001-r000,1,0,1,do")  # the writer died mid-line
    entries = read_journal(tmp_path)
    assert {r: e.status for r, e in entries.items()} == {"p0000-r000": "done", "p0000-r001": "done"}
    journal = Journal(tmp_path)  # reopening cuts the partial line off
    journal.record(result("p0001-r000", "failed", "x"))
    journal.close()
    lines = path.read_text().splitlines()
    assert lines[0] == "run_id,point_id,replication,seed,status,seconds,error"
    assert lines[1] == 'p0000-r000,0,0,1,failed,0.500,"boom, with ""quotes"""'
    assert lines[-1] == "p0001-r000,1,0,1,failed,0.500,x" and len(lines) == 5
    assert read_journal(tmp_path)["p0001-r000"].error == "x"


def test_atomic_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    atomic_write(tmp_path / "a.txt", "one")
    atomic_write(tmp_path / "a.txt", b"two")
    assert (tmp_path / "a.txt").read_text() == "two"
    assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
