"""The ``chansim`` command line, run as a subprocess (``python -m sim.cli``) on small models.

Interpreter start-up dominates, so the subprocesses are shared through module-scoped fixtures
and launched in parallel; a few extra bad-input and argparse cases call ``sim.cli.main``
in-process.
"""

from __future__ import annotations

import csv
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from importlib import metadata
from pathlib import Path

import pytest

from sim.cli import main
from sim.loading import load_scenario, scenario_sha256
from sim.results import describe_overrides
from sim.scenario import Scenario

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIO = SCENARIOS / "offline_shutdown_2020.yaml"
SMALL = ("--set", "market.consumers=2000", "--days", "100", "--seed", "3", "--no-progress")
DAYS = 100
NAME = "offline_shutdown_2020"
FOLDER = f"{NAME}-consumers2000-days100-seed3"
"""The default results folder of ``run SCENARIO *SMALL``: the overrides in its name."""

RESULT_FILES = {
    "timeseries.csv",
    "stores.csv",
    "events.csv",
    "summary.json",
    "scenario.yaml",
    "figures/sales_by_channel.png",
    "figures/profit_and_costs.png",
    "figures/adoption_awareness.png",
    "figures/micro_stores.png",
    "figures/store_sales_lorenz.png",
    "figures/inventory_by_tier.png",
    # the scenario has micro-stores with screen-spam dynamics on
    "figures/trust_and_muting.png",
    "figures/sales_per_post.png",
}
TIMESERIES_COLUMNS = (
    "units_b2b2c",
    "units_b2c",
    "units_b2c2c",
    "aware",
    "adopters",
    "active_stores",
    "manufacturer_profit",
)

Job = tuple[Sequence[str | Path], Path, Path]  # (arguments, cwd, graph cache folder)


def chansim(args: Sequence[str | Path], cwd: Path, cache: Path) -> subprocess.CompletedProcess:
    """Run ``python -m sim.cli ARGS`` in ``cwd`` with its own graph cache."""
    env = {**os.environ, "CHANSIM_CACHE": str(cache)}
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def chansim_many(jobs: dict[str, Job]) -> dict[str, subprocess.CompletedProcess]:
    """Run several independent commands at once (they are mostly start-up time)."""
    workers = min(8, max(2, os.cpu_count() or 2))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        futures = {k: pool.submit(chansim, *job) for k, job in jobs.items()}
        return {k: f.result() for k, f in futures.items()}


def listing(folder: Path) -> set[str]:
    """Every file below ``folder``, as relative POSIX paths."""
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def read_csv(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def assert_clean(proc: subprocess.CompletedProcess) -> None:
    """No traceback anywhere in the output."""
    assert "Traceback" not in proc.stderr
    assert "Traceback" not in proc.stdout


# ---------------------------------------------------------------------------
# validate
# ---------------------------------------------------------------------------

SHIPPED = sorted(p.name for p in SCENARIOS.glob("*.yaml"))


@pytest.fixture(scope="module")
def validations(tmp_path_factory: pytest.TempPathFactory) -> dict[str, subprocess.CompletedProcess]:
    """``chansim validate`` on every shipped scenario (absolute paths, run in a temp folder)."""
    root = tmp_path_factory.mktemp("validate")
    return chansim_many({n: (["validate", SCENARIOS / n], root, root / "cache") for n in SHIPPED})


def test_shipped_scenarios_exist() -> None:
    """The scenarios folder holds (at least) the documented scenarios."""
    assert {
        "b2b2c_only.yaml",
        "b2c2c_only.yaml",
        "b2c_only.yaml",
        "employee_first_rollout.yaml",
        "offline_shutdown_2020.yaml",
        "three_channels.yaml",
        "spam_vs_community.yaml",
        "spam_crackdown.yaml",
    } <= set(SHIPPED)


@pytest.mark.parametrize("name", SHIPPED)
def test_validate_shipped_scenario(validations: dict, name: str) -> None:
    """validate exits 0 and prints one ok line with name, consumers and days."""
    proc = validations[name]
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    s = load_scenario(SCENARIOS / name)
    assert proc.stdout == (
        f"{SCENARIOS / name}: ok ({s.name}, {s.market.consumers:,} consumers, {s.days} days)\n"
    )
    assert s.name == Path(name).stem


def test_validate_with_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """validate applies --set, --seed and --days and writes nothing (in-process)."""
    monkeypatch.chdir(tmp_path)
    argv = ["validate", str(SCENARIO), "--set", "market.consumers=1500", "--seed", "4"]
    assert main([*argv, "--days", "9"]) == 0
    captured = capsys.readouterr()
    assert captured.out == f"{SCENARIO}: ok ({NAME}, 1,500 consumers, 9 days)\n"
    # the scenario's events fall after day 9: each is reported, none is an error
    lines = captured.err.splitlines()
    assert lines and all(
        line.startswith(f"warning: {SCENARIO}: events.") and "after the last day (9)" in line
        for line in lines
    )
    assert list(tmp_path.iterdir()) == []


# ---------------------------------------------------------------------------
# run: the shared runs
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Four small runs of one scenario, in two rounds of parallel subprocesses.

    * ``default1``, ``default2``: ``run SCENARIO`` without ``--out``, twice, in the working
      folder ``work`` (so ``results/<FOLDER>``, then ``results/<FOLDER>-2``);
    * ``seed4``: the same with ``--seed 4 --out seed4`` (in ``root``, another graph cache);
    * ``rerun``: ``default1``'s ``scenario.yaml`` run again with ``--out rerun`` (in ``root``).
    """
    root = tmp_path_factory.mktemp("runs")
    work = root / "work"
    work.mkdir()
    cache_a, cache_b = root / "cache_a", root / "cache_b"
    first = chansim_many(
        {
            "default1": (["run", SCENARIO, *SMALL], work, cache_a),
            "seed4": (["run", SCENARIO, *SMALL, "--seed", "4", "--out", "seed4"], root, cache_b),
        }
    )
    written = work / "results" / FOLDER / "scenario.yaml"
    second = chansim_many(
        {
            "default2": (["run", SCENARIO, *SMALL], work, cache_a),
            "rerun": (["run", written, "--no-progress", "--out", "rerun"], root, cache_b),
        }
    )
    return {"root": root, "work": work, "procs": {**first, **second}}


@pytest.fixture(scope="module")
def out_a(runs: dict) -> Path:
    """The results folder of the first run (which must have succeeded)."""
    proc = runs["procs"]["default1"]
    assert proc.returncode == 0, proc.stderr
    return runs["work"] / "results" / FOLDER


def test_all_runs_succeed_quietly(runs: dict) -> None:
    """Every shared run exits 0 with nothing on stderr (no progress bar, no warnings)."""
    assert set(runs["procs"]) == {"default1", "default2", "seed4", "rerun"}
    for key, proc in runs["procs"].items():
        assert proc.returncode == 0, (key, proc.stderr)
        assert proc.stderr == "", key
        assert_clean(proc)


def test_run_writes_exactly_the_result_files(out_a: Path) -> None:
    """The results folder holds the five data files and the six figures, nothing else."""
    assert listing(out_a) == RESULT_FILES
    for name in RESULT_FILES:
        assert (out_a / name).stat().st_size > 0, name
    for png in (out_a / "figures").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", png.name


def test_run_leaves_no_partial_folder(runs: dict) -> None:
    """Only the results folders (and graph caches) exist afterwards: no hidden .partial."""
    assert {p.name for p in runs["root"].iterdir()} == {
        "work",
        "seed4",
        "rerun",
        "cache_a",
        "cache_b",
    }
    assert {p.name for p in runs["work"].iterdir()} == {"results"}
    assert {p.name for p in (runs["work"] / "results").iterdir()} == {
        FOLDER,
        f"{FOLDER}-2",
    }
    assert listing(runs["root"] / "seed4") == RESULT_FILES
    assert listing(runs["root"] / "rerun") == RESULT_FILES


def test_timeseries_has_one_row_per_day(out_a: Path) -> None:
    """timeseries.csv: first column ``day`` numbered 1..days, the documented columns."""
    header, rows = read_csv(out_a / "timeseries.csv")
    assert header[0] == "day"
    assert set(TIMESERIES_COLUMNS) <= set(header)
    assert len(set(header)) == len(header)
    assert [r[0] for r in rows] == [str(d) for d in range(1, DAYS + 1)]
    assert all(len(r) == len(header) for r in rows)


def test_summary_json_contents(out_a: Path) -> None:
    """summary.json has seed, days, scenario hash, versions and KPIs for every channel."""
    summary = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    expected = small_scenario()
    assert summary["scenario"] == NAME
    assert (summary["seed"], summary["days"], summary["consumers"]) == (3, DAYS, 2000)
    assert summary["scenario_sha256"] == scenario_sha256(expected)
    assert summary["versions"]["chansim"] == metadata.version("chansim")
    assert summary["versions"]["mesa"] == metadata.version("mesa")
    assert set(summary["channels"]) == {"b2b2c", "b2c", "b2c2c"}
    header, rows = read_csv(out_a / "timeseries.csv")
    total = 0
    for ch, kpis in summary["channels"].items():
        assert kpis["enabled"] is True
        for key in ("units", "unit_share", "consumer_revenue", "maker_revenue", "maker_margin"):
            assert key in kpis, (ch, key)
        column = header.index(f"units_{ch}")
        assert kpis["units"] == sum(int(r[column]) for r in rows)
        total += kpis["units"]
    assert total > 0
    assert sum(k["unit_share"] for k in summary["channels"].values()) == pytest.approx(1.0)


def small_scenario() -> Scenario:
    """The scenario ``run SCENARIO *SMALL`` runs: overrides applied and described."""
    scenario = load_scenario(SCENARIO, ["market.consumers=2000"], seed=3, days=DAYS)
    changes = ["market.consumers=2000", f"days={DAYS}", "seed=3"]
    return scenario.model_copy(
        update={"description": describe_overrides(scenario.description, changes)}
    )


def test_scenario_yaml_is_the_resolved_scenario(out_a: Path) -> None:
    """scenario.yaml loads to the scenario that was run (overrides included, and listed at the
    end of its description)."""
    written = load_scenario(out_a / "scenario.yaml")
    assert written == small_scenario()
    assert written.description == (
        load_scenario(SCENARIO).description + " Overrides: market.consumers=2000, days=100, seed=3."
    )
    assert (written.market.consumers, written.seed, written.days) == (2000, 3, DAYS)


def test_events_csv_lists_the_events(out_a: Path) -> None:
    """events.csv holds the scenario's three events with their days."""
    assert (out_a / "events.csv").read_text(encoding="utf-8") == (
        "day,event\n30,close b2b2c\n30,micro-stores open to the public\n90,reopen b2b2c\n"
    )


def test_stores_csv_has_a_row_per_store(out_a: Path) -> None:
    """stores.csv has its header and as many rows as stores opened."""
    header, rows = read_csv(out_a / "stores.csv")
    summary = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    assert header[:3] == ["store", "owner", "kind"]
    assert len(rows) == summary["micro_stores"]["opened"] > 0
    assert [r[0] for r in rows] == [str(i) for i in range(len(rows))]


def test_stdout_shows_kpi_table(runs: dict, out_a: Path) -> None:
    """stdout: a KPI table with one row per enabled channel, then the results folder."""
    lines = runs["procs"]["default1"].stdout.splitlines()
    summary = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    assert lines[0].split() == ["channel", "units", "share", "consumer", "spend", "maker", "margin"]
    assert set(lines[1]) == {"-", " "}
    table = {ln.split()[0]: ln.split() for ln in lines[2:5]}
    assert set(table) == {"b2b2c", "b2c", "b2c2c"}
    for ch, cells in table.items():
        assert cells[1] == f"{summary['channels'][ch]['units']:,}"
        assert cells[2] == f"{summary['channels'][ch]['unit_share']:.1%}"
    assert lines[5] == ""
    assert lines[6].startswith(f"manufacturer profit {summary['manufacturer']['profit']:,.0f} |")
    assert len(lines) == 8


# ---------------------------------------------------------------------------
# reproducibility
# ---------------------------------------------------------------------------


def test_rerun_of_written_scenario_is_byte_identical(runs: dict, out_a: Path) -> None:
    """Running <out>/scenario.yaml again reproduces timeseries.csv and stores.csv exactly."""
    other = runs["root"] / "rerun"
    for name in ("timeseries.csv", "stores.csv", "events.csv", "scenario.yaml"):
        assert (other / name).read_bytes() == (out_a / name).read_bytes(), name
    a = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((other / "summary.json").read_text(encoding="utf-8"))
    assert a["scenario_sha256"] == b["scenario_sha256"]
    assert runs["procs"]["rerun"].stdout.splitlines()[-1] == "results: rerun"


def test_same_seed_runs_are_byte_identical(runs: dict, out_a: Path) -> None:
    """A second run of the same scenario and seed gives the same files."""
    other = runs["work"] / "results" / f"{FOLDER}-2"
    for name in ("timeseries.csv", "stores.csv", "events.csv", "scenario.yaml"):
        assert (other / name).read_bytes() == (out_a / name).read_bytes(), name
    a = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((other / "summary.json").read_text(encoding="utf-8"))
    a.pop("timings_seconds")
    b.pop("timings_seconds")
    assert json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)  # NaN-safe


def test_other_seed_gives_other_timeseries(runs: dict, out_a: Path) -> None:
    """--seed 4 changes timeseries.csv (same shape) and the recorded seed and hash."""
    other = runs["root"] / "seed4"
    assert (other / "timeseries.csv").read_bytes() != (out_a / "timeseries.csv").read_bytes()
    header_a, rows_a = read_csv(out_a / "timeseries.csv")
    header_b, rows_b = read_csv(other / "timeseries.csv")
    assert header_a == header_b
    assert len(rows_a) == len(rows_b) == DAYS
    a = json.loads((out_a / "summary.json").read_text(encoding="utf-8"))
    b = json.loads((other / "summary.json").read_text(encoding="utf-8"))
    assert (a["seed"], b["seed"]) == (3, 4)
    assert a["scenario_sha256"] != b["scenario_sha256"]


# ---------------------------------------------------------------------------
# default output folder
# ---------------------------------------------------------------------------


def test_default_out_is_numbered_under_results(runs: dict) -> None:
    """Without --out: results/<name>-<overrides>-seed<seed> in the working directory, then
    ``-2``."""
    results = runs["work"] / "results"
    assert listing(results / FOLDER) == RESULT_FILES
    assert listing(results / f"{FOLDER}-2") == RESULT_FILES
    assert runs["procs"]["default1"].stdout.splitlines()[-1] == f"results: results/{FOLDER}"
    assert runs["procs"]["default2"].stdout.splitlines()[-1] == f"results: results/{FOLDER}-2"


# ---------------------------------------------------------------------------
# bad input: exit 2, one line per problem, no traceback, no results folder
# ---------------------------------------------------------------------------

GOOD = "name: good\nmarket:\n  consumers: 300\n"
SET_FROZEN = "events:\n  - day: 3\n    action: set\n    values:\n      market.consumers: 5\n"
GRAPH_TYPES = (
    "powerlaw_cluster, barabasi_albert, watts_strogatz, erdos_renyi, stochastic_block, ring, "
    "complete, edgelist"
)
ACTIONS = (
    "close_channel, reopen_channel, open_to_public, competitor_enters, platform_crackdown, set, "
    "owners_switch"
)

# id -> (files to create, arguments after "run", expected stderr lines)
BadCase = tuple[dict[str, str], list[str], list[str]]
BAD_CASES: dict[str, BadCase] = {
    "yaml-syntax": (
        {"s.yaml": "name: x\nmarket:\n  consumers: 100\n   fan_share: 0.1\n"},
        ["s.yaml"],
        ["s.yaml:4: YAML syntax error: mapping values are not allowed here"],
    ),
    "unknown-key": (
        {"s.yaml": "name: x\nmarket:\n  consumer: 100\n"},
        ["s.yaml"],
        ["s.yaml:3: market.consumer: unknown key (did you mean 'consumers'?)"],
    ),
    "wrong-type": (
        {"s.yaml": "market:\n  consumers: lots\n"},
        ["s.yaml"],
        ["s.yaml:2: market.consumers: expected a whole number (got 'lots')"],
    ),
    "out-of-range": (
        {"s.yaml": "days: 10\nmarket:\n  fan_share: 1.5\n"},
        ["s.yaml"],
        ["s.yaml:3: market.fan_share: must be between 0 and 1 (got 1.5)"],
    ),
    "unknown-graph-type": (
        {"s.yaml": "graph:\n  type: rnig\n"},
        ["s.yaml"],
        [
            "s.yaml:1: graph: unknown graph type 'rnig' (did you mean 'ring'?); "
            f"expected one of: {GRAPH_TYPES}"
        ],
    ),
    "missing-edge-list": (
        {"s.yaml": "graph:\n  type: edgelist\n  path: nothere.txt\n"},
        ["s.yaml"],
        ["s.yaml:3: graph.path: edge-list file not found: nothere.txt"],
    ),
    "unknown-extends": (
        {"s.yaml": "# base\nextends: nope.yaml\n"},
        ["s.yaml"],
        ["s.yaml:2: extends: file not found: nope.yaml"],
    ),
    "set-without-equals": (
        {"s.yaml": GOOD},
        ["s.yaml", "--set", "market.consumers"],
        ["--set market.consumers: expected KEY=VALUE"],
    ),
    "unknown-event-action": (
        {"s.yaml": "events:\n  - day: 3\n    action: close_chanel\n    channel: b2c\n"},
        ["s.yaml"],
        [
            "s.yaml:2: events.0: unknown event action 'close_chanel' (did you mean "
            f"'close_channel'?); expected one of: {ACTIONS}"
        ],
    ),
    "nonexistent-file": (
        {},
        ["missing.yaml"],
        ["missing.yaml: file not found"],
    ),
    "days-zero": (
        {"s.yaml": GOOD},
        ["s.yaml", "--days", "0"],
        ["--days 0: days: must be between 1 and 36500 (got 0)"],
    ),
    "several-problems": (
        {"s.yaml": "foo: 2\nmarket:\n  fan_share: 1.5\n  consumers: lots\nseed: -1\n"},
        ["s.yaml", "--days", "0"],
        [
            "--days 0: days: must be between 1 and 36500 (got 0)",
            "s.yaml:1: foo: unknown key",
            "s.yaml:3: market.fan_share: must be between 0 and 1 (got 1.5)",
            "s.yaml:4: market.consumers: expected a whole number (got 'lots')",
            "s.yaml:5: seed: must be >= 0 (got -1)",
        ],
    ),
}

# More bad inputs, checked in-process through sim.cli.main (cheap: no interpreter start-up).
MORE_BAD_CASES: dict[str, BadCase] = {
    "malformed-edge-list": (
        {"s.yaml": "graph:\n  type: edgelist\n  path: e.txt\n", "e.txt": "0 1\nlonely\n"},
        ["s.yaml"],
        ["e.txt:2: edge list: expected two node labels, got 1 field"],
    ),
    "edge-list-node-count": (
        {"s.yaml": "graph:\n  type: edgelist\n  path: e.txt\n", "e.txt": "0 1\n1 2\n"},
        ["s.yaml", "--set", "market.consumers=1500"],
        [
            "--set market.consumers=1500: market.consumers: must equal the 3 nodes of the edge "
            "list (got 1500); leave it out to take it from the file"
        ],
    ),
    "set-bad-yaml": (
        {"s.yaml": GOOD},
        ["s.yaml", "--set", "market.consumers=[1"],
        [
            "--set market.consumers=[1: market.consumers: value is not valid YAML: "
            "expected ',' or ']', but got '<stream end>'"
        ],
    ),
    "set-through-scalar": (
        {"s.yaml": GOOD},
        ["s.yaml", "--set", "market.consumers.x=1"],
        [
            "--set market.consumers.x=1: market.consumers.x: market.consumers is a single "
            "value, it has no 'x'"
        ],
    ),
    "set-index-out-of-range": (
        {"s.yaml": GOOD},
        ["s.yaml", "--set", "channels.b2b2c.tiers.3.markup=0.3"],
        [
            "--set channels.b2b2c.tiers.3.markup=0.3: channels.b2b2c.tiers.3.markup: "
            "channels.b2b2c.tiers has 3 items, no index 3"
        ],
    ),
    "set-invalid-value": (
        {"s.yaml": GOOD},
        ["s.yaml", "--set", "market.fan_share=2"],
        ["--set market.fan_share=2: market.fan_share: must be between 0 and 1 (got 2)"],
    ),
    "set-event-frozen": (
        {"s.yaml": SET_FROZEN},
        ["s.yaml"],
        [
            "s.yaml:5: events.0.values.market.consumers: 'market.consumers' shapes the built "
            "model and cannot change during a run"
        ],
    ),
    "close-disabled-channel": (
        {
            "s.yaml": "channels:\n  b2c:\n    enabled: false\n"
            "events:\n  - day: 3\n    action: close_channel\n    channel: b2c\n"
        },
        ["s.yaml"],
        ["s.yaml:7: events.0.channel: channel 'b2c' is not enabled"],
    ),
    "rebates-above-cap": (
        {"s.yaml": "channels:\n  b2c2c:\n    rebate_rate: 0.2\n    upline_rebate_rates: [0.15]\n"},
        ["s.yaml"],
        [
            "s.yaml:4: channels.b2c2c: rebate_rate + upline_rebate_rates = 0.35 exceeds "
            "max_total_rebate_share=0.3"
        ],
    ),
    "circular-extends": (
        {"s.yaml": "extends: t.yaml\n", "t.yaml": "extends: s.yaml\n"},
        ["s.yaml"],
        ["t.yaml:1: extends: circular extends through s.yaml"],
    ),
    "seed-negative": (
        {"s.yaml": GOOD},
        ["s.yaml", "--seed", "-1"],
        ["--seed -1: seed: must be >= 0 (got -1)"],
    ),
    "days-not-a-number": (
        {"s.yaml": GOOD},
        ["s.yaml", "--days", "ten"],
        ["chansim run: argument --days: invalid int value: 'ten'"],
    ),
}


def make_case(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def bad_runs(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Each bad case runs ``chansim run ... --out out`` in its own folder, all in parallel.

    ``several-problems`` runs without ``--out``; ``existing-out`` points ``--out`` at a
    non-empty folder.
    """
    root = tmp_path_factory.mktemp("bad")
    cache = root.parent / f"{root.name}-cache"
    jobs: dict[str, Job] = {}
    for case, (files, args, _) in BAD_CASES.items():
        make_case(root / case, files)
        jobs[case] = (["run", *args, "--no-progress", "--out", "out"], root / case, cache)
    jobs["several-problems"] = (  # without --out: must not create results/ either
        ["run", *BAD_CASES["several-problems"][1], "--no-progress"],
        root / "several-problems",
        cache,
    )
    folder = root / "existing-out"
    make_case(folder, {"s.yaml": GOOD})
    make_case(folder / "full", {"keep.txt": "keep me\n"})
    make_case(folder / "full" / "sub", {"x.csv": "a,b\n"})
    jobs["existing-out"] = (
        ["run", "s.yaml", "--days", "3", "--no-progress", "--out", "full"],
        folder,
        cache,
    )
    before = {p: p.stat().st_mtime_ns for p in (folder / "full").rglob("*")}
    return {"root": root, "procs": chansim_many(jobs), "existing_before": before}


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_input_is_one_line_per_problem(bad_runs: dict, case: str) -> None:
    """Exit 2, exactly the expected problem lines on stderr, no output, no results folder."""
    files, _, expected = BAD_CASES[case]
    proc = bad_runs["procs"][case]
    assert_clean(proc)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.splitlines() == expected
    assert proc.stderr.endswith("\n")
    assert proc.stdout == ""
    folder = bad_runs["root"] / case
    assert not (folder / "out").exists()
    assert sorted(p.name for p in folder.iterdir()) == sorted(files)  # no .partial folder


def test_bad_input_lines_have_the_documented_shape(bad_runs: dict) -> None:
    """Each located line is ``path:line: dotted.path: message`` or ``--flag VALUE: path: ...``."""
    located = re.compile(r"^(?:[\w.]+:\d+|--(?:set|seed|days) [^:]+): [\w.]+: \S")
    checked = 0
    for case in BAD_CASES:
        if case in ("nonexistent-file", "yaml-syntax", "set-without-equals"):
            continue
        for line in bad_runs["procs"][case].stderr.splitlines():
            assert located.match(line), (case, line)
            checked += 1
    assert checked == 13


def test_bad_input_without_out_creates_no_results_folder(bad_runs: dict) -> None:
    """A refused run without --out (several-problems) does not create results/."""
    assert bad_runs["procs"]["several-problems"].args[-1] == "--no-progress"
    folder = bad_runs["root"] / "several-problems"
    assert [p.name for p in folder.iterdir()] == ["s.yaml"]
    assert not (folder / "results").exists()


def test_existing_non_empty_out_is_refused_untouched(bad_runs: dict) -> None:
    """--out naming a non-empty folder: exit 2, one line, the folder left as it was."""
    proc = bad_runs["procs"]["existing-out"]
    folder = bad_runs["root"] / "existing-out"
    assert proc.returncode == 2
    assert proc.stderr == "full: already exists and is not empty (choose another --out)\n"
    assert proc.stdout == ""
    assert_clean(proc)
    full = folder / "full"
    assert listing(full) == {"keep.txt", "sub/x.csv"}
    assert (full / "keep.txt").read_text(encoding="utf-8") == "keep me\n"
    assert (full / "sub" / "x.csv").read_text(encoding="utf-8") == "a,b\n"
    after = {p: p.stat().st_mtime_ns for p in full.rglob("*")}
    assert after == bad_runs["existing_before"]
    assert sorted(p.name for p in folder.iterdir()) == ["full", "s.yaml"]


@pytest.mark.parametrize("case", list(MORE_BAD_CASES))
def test_more_bad_input_in_process(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    case: str,
) -> None:
    """main() returns 2 and prints exactly one line per problem; nothing is written."""
    files, args, expected = MORE_BAD_CASES[case]
    make_case(tmp_path, files)
    monkeypatch.chdir(tmp_path)
    assert main(["run", *args, "--no-progress", "--out", "out"]) == 2
    captured = capsys.readouterr()
    assert captured.err.splitlines() == expected
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(files)


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        ([], "chansim: the following arguments are required: command"),
        (
            ["frobnicate"],
            "chansim: argument command: invalid choice: 'frobnicate' "
            "(choose from 'run', 'validate', 'sweep', 'report', 'compare', 'list', 'params', "
            "'dashboard')",
        ),
        (["run"], "chansim run: the following arguments are required: scenario"),
        (["validate", "s.yaml", "--bogus"], "chansim: unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_exit_2_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    expected: str,
) -> None:
    """argparse errors are one line with exit 2 (no usage block)."""
    monkeypatch.chdir(tmp_path)
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == expected + "\n"
    assert captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_out_under_a_file_is_refused_before_running(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out whose parent is a regular file: exit 2 and one line, before any simulation."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    scenario = str(SCENARIOS / "b2c_only.yaml")
    argv = ["run", scenario, "--set", "market.consumers=300", "--days", "2", "--no-progress"]
    assert main([*argv, "--out", "afile/sub"]) == 2
    assert capsys.readouterr().err == "afile/sub: afile is not a folder (choose another --out)\n"
    assert main([*argv, "--out", "afile"]) == 2
    assert capsys.readouterr().err == (
        "afile: already exists and is not a folder (choose another --out)\n"
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["afile"]


def test_version_list_and_params(capsys: pytest.CaptureFixture[str]) -> None:
    """--version, the shipped files with their descriptions, and parameter look-up."""
    import importlib.metadata

    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out == f"chansim {importlib.metadata.version('chansim')}\n"
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "three_channels.yaml" in out and "rebate_level.yaml" in out
    assert "Micro-store rebate from 0 % to the 30 % cap" in out
    assert main(["params", "b2c2c.rebate_rate"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("channels.b2c2c.rebate_rate  [0.05; 0 ≤ x ≤ 1; share; live]")
    assert main(["params", "market.consumers"]) == 0
    # the schema default, its range and unit
    assert "[10000; 2 ≤ x ≤ 50,000,000; count; fixed]" in capsys.readouterr().out
    assert main(["params", "no-such-thing"]) == 2
    assert (
        capsys.readouterr().err.strip()
        == "chansim params: no parameter path contains 'no-such-thing'"
    )
