"""Unit tests for experiment files: schema, located one-line errors, designs, seeds."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import numpy as np
import pytest
import yaml

from sim.experiments.plan import Plan, experiment_from_data, load_experiment
from sim.experiments.seeds import run_id, run_seed, run_seed_sequence
from sim.validation import ScenarioError

BASE = """\
name: tiny
days: 20
market:
  consumers: 400
"""

RANGES = """\
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 800, high: 950}
    market.consumers: {low: 300, high: 320, integer: true}
"""


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work in ``tmp_path`` (short file names in problem lines) with a tiny base scenario."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    return tmp_path


def write(text: str, name: str = "exp.yaml") -> Path:
    path = Path(name)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def experiment(body: str, name: str = "exp.yaml") -> Plan:
    return load_experiment(write("base: base.yaml\n" + textwrap.dedent(body), name))


def problems(body: str, overrides: tuple[str, ...] = ()) -> list[str]:
    """The problem lines loading an experiment (base: base.yaml + body) must raise."""
    path = write("base: base.yaml\n" + textwrap.dedent(body))
    with pytest.raises(ScenarioError) as info:
        load_experiment(path, list(overrides))
    lines = [str(p) for p in info.value.problems]
    assert all("\n" not in line for line in lines)
    return lines


# --------------------------------------------------------------------------- defaults


def test_minimal_experiment_runs_the_base_once(here: Path) -> None:
    """Without a design: one point (the base), one replication, name from the file stem."""
    plan = experiment("", name="my_study.yaml")
    assert plan.name == "my_study"
    assert [p.label for p in plan.points] == ["base"]
    assert plan.n_runs == 1
    assert plan.bases[0].market.consumers == 400
    resolved = plan.resolved()
    assert resolved["base"] == str((here / "base.yaml").resolve())
    assert resolved["days"] == 20
    assert resolved["record"] == {"every": 1}
    assert resolved["replications"] == 1 and resolved["seed"] == 0
    assert resolved["measurements"] is None and resolved["stop"] is None


def test_overrides_and_days_apply_to_the_base(here: Path) -> None:
    plan = experiment(
        """\
        overrides: {market.consumers: 500, channels.b2c2c.rebate_rate: 0.04}
        days: 12
        """
    )
    base = plan.bases[0]
    assert (base.market.consumers, base.channels.b2c2c.rebate_rate, base.days) == (500, 0.04, 12)


def test_set_edits_experiment_fields(here: Path) -> None:
    """--set changes the file's fields; overrides.PATH sets one scenario override."""
    path = write("base: base.yaml\nreplications: 2\n")
    plan = load_experiment(
        path, ["replications=3", "seed=9", "overrides.market.consumers=350", "record.every=end"]
    )
    assert (plan.replications, plan.experiment.seed) == (3, 9)
    assert plan.bases[0].market.consumers == 350
    assert plan.tasks()[0]["record_every"] is None
    with pytest.raises(ScenarioError) as info:
        load_experiment(path, ["replicatons=3"])
    assert [str(p) for p in info.value.problems] == [
        "--set replicatons=3: replicatons: unknown key (did you mean 'replications'?)"
    ]


# --------------------------------------------------------------------------- one-line errors


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "replicatons: 3\n",
            "exp.yaml:2: replicatons: unknown key (did you mean 'replications'?)",
        ),
        ("replications: two\n", "exp.yaml:2: replications: expected a whole number (got 'two')"),
        ("replications: 0\n", "exp.yaml:2: replications: must be >= 1 (got 0)"),
        ("seed: -3\n", "exp.yaml:2: seed: must be >= 0 (got -3)"),
        ("days: 0\n", "exp.yaml:2: days: must be between 1 and 36500 (got 0)"),
        (
            "record: {every: 0}\n",
            "exp.yaml:2: record.every: must be a whole number >= 1, or end (got 0)",
        ),
        (
            "stop: {measurement: active_stores, below: 1, above: 2}\n",
            "exp.yaml:2: stop: give exactly one of below and above",
        ),
        (
            "design: {type: gird}\n",
            "exp.yaml:2: design: unknown design type 'gird' (did you mean 'grid'?); expected one "
            "of: grid, points, oat, lhs, sobol_qmc, halton, salib_sobol, morris, scenarios",
        ),
        (
            "design:\n  type: lhs\n  sampels: 4\n  samples: 4\n  parameters:\n"
            "    channels.b2c.price: {low: 1, high: 2}\n",
            "exp.yaml:4: design.sampels: unknown key (did you mean 'samples'?)",
        ),
        (
            "design:\n  type: lhs\n  samples: 4\n  parameters:\n"
            "    channels.b2c.price: {low: 2, high: 1}\n",
            "exp.yaml:6: design.parameters.channels.b2c.price: low must be below high "
            "(got low 2, high 1)",
        ),
        (
            "design:\n  type: grid\n  parameters:\n"
            "    channels.b2c.price: {from: 1, to: 2, steps: 3, stpe: 1}\n",
            "exp.yaml:5: design.parameters.channels.b2c.price.stpe: unknown key (did you mean "
            "'step'?)",
        ),
        (
            "design:\n  type: grid\n  parameters:\n    channels.b2c.price: {from: 1, to: 2}\n",
            "exp.yaml:5: design.parameters.channels.b2c.price: give a list of values, or from "
            "and to with steps or step",
        ),
        (
            "design:\n  type: sobol_qmc\n  samples: 10\n  parameters:\n"
            "    channels.b2c.price: {low: 1, high: 2}\n",
            "exp.yaml:4: design: sobol_qmc needs samples to be a power of two for its balance "
            "properties (got 10; use 8 or 16, or type lhs)",
        ),
    ],
    ids=[
        "unknown-key",
        "wrong-type",
        "below-minimum",
        "negative-seed",
        "days-range",
        "record-every",
        "stop-two-thresholds",
        "unknown-design",
        "unknown-design-key",
        "bad-range",
        "unknown-grid-key",
        "incomplete-grid-axis",
        "sobol-not-power-of-two",
    ],
)
def test_schema_errors_are_located_one_liners(here: Path, body: str, expected: str) -> None:
    assert problems(body) == [expected]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "design:\n  type: grid\n  parameters:\n    channels.b2c2c.rebate_rat: [0.1]\n",
            "exp.yaml:5: design.parameters.channels.b2c2c.rebate_rat: unknown key (did you "
            "mean 'rebate_rate'?)",
        ),
        (
            "design:\n  type: grid\n  parameters:\n    channels.b2c2c.rebate_rate: [0.1, 1.5]\n",
            "exp.yaml:5: design.parameters.channels.b2c2c.rebate_rate: must be between 0 and 1 "
            "(got 1.5)",
        ),
        (
            "design:\n  type: oat\n  parameters:\n"
            "    channels.b2b2c.tiers.7.markup: {low: 0.1, high: 0.2}\n",
            "exp.yaml:5: design.parameters.channels.b2b2c.tiers.7.markup: channels.b2b2c.tiers "
            "has 3 items, no index 7",
        ),
        (
            "design:\n  type: lhs\n  samples: 4\n  parameters:\n"
            "    market.consumers: {low: 300, high: 500}\n",
            None,  # checked by prefix below: the sampled value is not whole
        ),
        (
            "design:\n  type: points\n  points:\n    - {channels.b2c.price: 900}\n"
            "    - {market.consumerz: 3}\n",
            "exp.yaml:6: design.points.1.market.consumerz: unknown key (did you mean 'consumers'?)",
        ),
        (
            "design:\n  type: oat\n  parameters:\n    seed: {low: 1, high: 2}\n",
            "exp.yaml:5: design.parameters.seed: cannot be varied: each run's seed is derived "
            "from the experiment's seed",
        ),
        (
            "overrides:\n  market.consumers: 0\n",
            "exp.yaml:3: market.consumers: must be between 2 and 5e+07 (got 0)",
        ),
        (
            "overrides:\n  days: 3\n",
            "exp.yaml:3: overrides.days: cannot be overridden: set the experiment's days instead",
        ),
        (
            "measurements: [units_b2c2c, active_store]\n",
            "exp.yaml:2: measurements.1: unknown measurement 'active_store' (did you mean "
            "'active_stores'?)",
        ),
        (
            "stop: {measurement: units_b2cc, below: 1}\n",
            "exp.yaml:2: stop.measurement: unknown measurement 'units_b2cc' (did you mean "
            "'units_b2c2c'?)",
        ),
    ],
    ids=[
        "bad-path",
        "bad-value",
        "bad-index",
        "float-for-int",
        "bad-path-in-points",
        "seed-varied",
        "bad-override-value",
        "days-overridden",
        "unknown-measurement",
        "unknown-stop-measurement",
    ],
)
def test_paths_and_values_checked_on_the_base(here: Path, body: str, expected: str | None) -> None:
    """Design paths and values are validated by applying them to the base scenario."""
    lines = problems(body)
    assert len(lines) == 1
    if expected is None:
        assert lines[0].startswith(
            "exp.yaml:6: design.parameters.market.consumers: expected a whole number (got "
        )
        assert lines[0].endswith("); add integer: true to sample whole numbers")
    else:
        assert lines == [expected]


def test_missing_base_file_and_top_level_list(here: Path) -> None:
    with pytest.raises(ScenarioError) as info:
        load_experiment(write("base: nowhere.yaml\n"))
    assert [str(p) for p in info.value.problems] == [
        "exp.yaml:1: base: scenario file not found: nowhere.yaml"
    ]
    with pytest.raises(ScenarioError) as info:
        load_experiment(write("- a\n- b\n"))
    assert [str(p) for p in info.value.problems] == [
        "exp.yaml:1: expected a mapping of experiment keys at top level"
    ]
    with pytest.raises(ScenarioError) as info:
        load_experiment(write("replications: 2\n"))
    assert [str(p) for p in info.value.problems] == [
        "exp.yaml:1: base (the scenario file to vary) is required"
    ]


def test_errors_in_the_base_scenario_point_at_the_base_file(here: Path) -> None:
    Path("broken.yaml").write_text("market:\n  consumers: 400\n  fan_shar: 0.1\n")
    with pytest.raises(ScenarioError) as info:
        load_experiment(write("base: broken.yaml\n"))
    assert [str(p) for p in info.value.problems] == [
        "broken.yaml:3: market.fan_shar: unknown key (did you mean 'fan_share'?)"
    ]


# --------------------------------------------------------------------------- designs


def test_grid_is_the_full_factorial_last_parameter_fastest(here: Path) -> None:
    plan = experiment(
        """\
        design:
          type: grid
          parameters:
            channels.b2c2c.rebate_rate: [0.02, 0.05]
            channels.b2c.price: {from: 850, to: 950, steps: 3}
            market.fan_share: {from: 0.05, to: 0.1, step: 0.05}
        """
    )
    rates, prices, posts = [0.02, 0.05], [850, 900, 950], [0.05, 0.1]
    assert len(plan.points) == 2 * 3 * 2
    expected = list(itertools.product(rates, prices, posts))
    assert [tuple(p.values.values()) for p in plan.points] == expected
    assert [p.id for p in plan.points] == list(range(12))
    assert plan.points[0].label == "rebate_rate=0.02, price=850, fan_share=0.05"
    assert plan.parameters == list(plan.points[0].values)
    assert plan.resolved()["design"]["parameters"]["channels.b2c.price"] == prices


def test_points_and_oat_designs(here: Path) -> None:
    plan = experiment(
        """\
        design:
          type: points
          points:
            - {channels.b2c2c.rebate_rate: 0.02}
            - {channels.b2c.price: 880, channels.b2c2c.rebate_rate: 0.08}
          labels: [low rebate, cheap direct]
        """
    )
    assert [p.label for p in plan.points] == ["low rebate", "cheap direct"]
    assert plan.parameters == ["channels.b2c2c.rebate_rate", "channels.b2c.price"]
    base_price = plan.bases[0].channels.b2c.price
    assert plan.points[0].params == {"channels.b2c2c.rebate_rate": 0.02, "channels.b2c.price": (
        base_price
    )}  # fmt: skip
    plan = experiment(
        """\
        design:
          type: oat
          parameters:
            channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
            channels.b2c.price: {low: 800, high: 950}
        """
    )
    assert len(plan.points) == 1 + 2 * 2
    assert plan.points[0].values == {} and plan.points[0].label == "baseline"
    assert [p.values for p in plan.points[1:]] == [
        {"channels.b2c2c.rebate_rate": 0.01},
        {"channels.b2c2c.rebate_rate": 0.1},
        {"channels.b2c.price": 800},
        {"channels.b2c.price": 950},
    ]
    assert plan.points[3].params["channels.b2c2c.rebate_rate"] == (
        plan.bases[0].channels.b2c2c.rebate_rate
    )
    assert plan.problem["bounds"] == [[0.01, 0.1], [800, 950]]


@pytest.mark.parametrize(
    ("design", "count"),
    [
        ("type: lhs\n  samples: 7", 7),
        ("type: halton\n  samples: 5", 5),
        ("type: sobol_qmc\n  samples: 8", 8),
        ("type: salib_sobol\n  base_samples: 4", 4 * (3 + 2)),
        ("type: salib_sobol\n  base_samples: 4\n  second_order: true", 4 * (2 * 3 + 2)),
        ("type: morris\n  trajectories: 3\n  levels: 4", 3 * (3 + 1)),
    ],
    ids=["lhs", "halton", "sobol_qmc", "salib_sobol", "salib_sobol_second_order", "morris"],
)
def test_sampled_designs_count_and_bounds(here: Path, design: str, count: int) -> None:
    """n points for qmc samplers, N(D+2) / N(2D+2) for Saltelli, r(D+1) for Morris; all within
    bounds, integers where asked; the SALib problem is stored."""
    plan = experiment(f"design:\n  {design}\n  parameters:\n{RANGES}")
    assert len(plan.points) == count
    rates = [p.values["channels.b2c2c.rebate_rate"] for p in plan.points]
    prices = [p.values["channels.b2c.price"] for p in plan.points]
    consumers = [p.values["market.consumers"] for p in plan.points]
    assert all(0.01 <= r <= 0.1 for r in rates) and all(800 <= p <= 950 for p in prices)
    assert all(type(c) is int and 300 <= c <= 320 for c in consumers)
    assert all(type(r) is float for r in rates)
    assert len(set(rates)) > 1
    problem = plan.problem
    assert problem["num_vars"] == 3
    assert problem["names"] == [
        "channels.b2c2c.rebate_rate",
        "channels.b2c.price",
        "market.consumers",
    ]
    assert problem["bounds"] == [[0.01, 0.1], [800, 950], [300, 320]]


def test_salib_problem_fits_salib_analyze(here: Path) -> None:
    """The stored problem and the points' order are what SALib.analyze expects."""
    from SALib.analyze import morris, sobol

    plan = experiment(f"design:\n  type: salib_sobol\n  base_samples: 16\n  parameters:\n{RANGES}")
    x = np.array([[p.values[n] for n in plan.problem["names"]] for p in plan.points], float)
    y = 10 * x[:, 0] + 0.001 * x[:, 1]
    indices = sobol.analyze(plan.problem, y, calc_second_order=False)
    assert indices["S1"][0] > 0.8 > indices["S1"][2]
    plan = experiment(f"design:\n  type: morris\n  trajectories: 6\n  parameters:\n{RANGES}")
    x = np.array([[p.values[n] for n in plan.problem["names"]] for p in plan.points], float)
    effects = morris.analyze(plan.problem, x, 50 * x[:, 1], num_levels=plan.problem["num_levels"])
    assert effects["mu_star"][1] > 0 and effects["mu_star"][0] == 0


def test_scenarios_design_labels_and_bases(here: Path) -> None:
    Path("a.yaml").write_text("name: alpha\nmarket: {consumers: 300}\ndays: 9\n")
    Path("b.yaml").write_text("name: beta\nmarket: {consumers: 350}\ndays: 9\n")
    plan = load_experiment(
        write("design: {type: scenarios, scenario_files: [a.yaml, b.yaml]}\nreplications: 2\n")
    )
    assert [p.label for p in plan.points] == ["alpha", "beta"]
    assert [b.market.consumers for b in plan.bases] == [300, 350]
    assert plan.parameters == ["scenario"] and plan.points[1].params == {"scenario": "beta"}
    tasks = plan.tasks()
    assert [t["scenario"]["market"]["consumers"] for t in tasks] == [300, 300, 350, 350]
    assert plan.resolved()["days"] == 9
    assert plan.resolved()["design"]["scenario_files"] == [
        str((here / n).resolve()) for n in ("a.yaml", "b.yaml")
    ]
    same = experiment_from_data(
        {"design": {"type": "scenarios", "scenario_files": ["a.yaml", "b.yaml"]}}, here
    )
    assert [p.label for p in same.points] == ["alpha", "beta"]
    with pytest.raises(ScenarioError) as info:
        load_experiment(write("design: {type: scenarios, scenario_files: [a.yaml, a.yaml]}\n"))
    assert [str(p) for p in info.value.problems] == [
        "exp.yaml:1: design.scenario_files: labels must be unique; 'alpha' appears twice "
        "(give labels)"
    ]


# --------------------------------------------------------------------------- seeds and determinism


def test_run_seed_is_the_nested_spawned_child() -> None:
    """SeedSequence(root, spawn_key=(p, r)) is SeedSequence(root).spawn(...)[p].spawn(...)[r]."""
    root = 20261123
    for p, r in [(0, 0), (3, 1), (12, 4)]:
        nested = np.random.SeedSequence(root).spawn(p + 1)[p].spawn(r + 1)[r]
        direct = run_seed_sequence(root, p, r)
        assert np.array_equal(nested.generate_state(4), direct.generate_state(4))
        words = nested.generate_state(2, np.uint32)
        assert run_seed(root, p, r) == ((int(words[0]) << 32) | int(words[1])) % 2**63
    seeds = {run_seed(root, p, r) for p in range(40) for r in range(5)}
    assert len(seeds) == 200 and all(0 <= s < 2**63 for s in seeds)
    assert run_seed(root, 1, 0) != run_seed(root + 1, 1, 0)
    assert run_id(7, 2) == "p0007-r002"


def test_run_seeds_do_not_depend_on_other_points(here: Path) -> None:
    """Adding points or replications leaves the seeds of existing runs unchanged."""
    small = experiment(
        "seed: 5\nreplications: 2\ndesign: {type: grid, parameters: {channels.b2c.price: [1, 2]}}\n"
    )
    large = experiment(
        "seed: 5\nreplications: 4\n"
        "design: {type: grid, parameters: {channels.b2c.price: [1, 2, 3, 4, 5]}}\n"
    )
    seeds = {t["run_id"]: t["seed"] for t in large.tasks()}
    assert all(seeds[t["run_id"]] == t["seed"] for t in small.tasks())
    assert [t["run_id"] for t in small.tasks()] == [
        "p0000-r000",
        "p0000-r001",
        "p0001-r000",
        "p0001-r001",
    ]


def test_points_are_deterministic_for_a_root_seed(here: Path) -> None:
    body = f"seed: 11\ndesign:\n  type: lhs\n  samples: 6\n  parameters:\n{RANGES}"
    first, again = experiment(body), experiment(body)
    assert [p.values for p in first.points] == [p.values for p in again.points]
    assert first.sha256 == again.sha256
    other = experiment(body.replace("seed: 11", "seed: 12"))
    assert [p.values for p in first.points] != [p.values for p in other.points]


def test_resolved_experiment_reloads_to_the_same_plan(here: Path) -> None:
    """experiment.yaml (the resolved experiment) is itself a valid experiment, same hash."""
    plan = experiment(
        """\
        overrides: {market.consumers: 450}
        replications: 2
        record: {every: 5}
        stop: {measurement: active_stores, above: 1000, after_day: 3}
        design:
          type: grid
          parameters:
            channels.b2c.price: {from: 850, to: 950, step: 50}
        """
    )
    Path("sub").mkdir()
    again = load_experiment(write(yaml.safe_dump(plan.resolved()), "sub/exp.yaml"))
    assert again.sha256 == plan.sha256
    assert [p.values for p in again.points] == [p.values for p in plan.points]
    changed = load_experiment(Path("sub/exp.yaml"), ["replications=3"])
    assert changed.sha256 != plan.sha256


def test_shipped_experiments_load() -> None:
    """Every experiment file in experiments/ is valid against the shipped scenarios."""
    folder = Path(__file__).resolve().parents[2] / "experiments"
    files = sorted(folder.glob("*.yaml"))
    assert files
    for path in files:
        plan = load_experiment(path)
        assert plan.name == path.stem and plan.n_runs >= 1 and plan.warnings == []


def test_salib_warnings_become_warning_lines(here: Path) -> None:
    """SALib's own advice (N a power of two) is passed on as a located warning, not an error."""
    plan = experiment(f"design:\n  type: salib_sobol\n  base_samples: 10\n  parameters:\n{RANGES}")
    assert len(plan.points) == 10 * 5
    assert plan.warnings
    assert all(w.startswith("exp.yaml:4: design.base_samples: ") for w in plan.warnings)
    assert any("power of 2" in w for w in plan.warnings)


def test_overriding_a_field_of_the_default_graph_keeps_its_type(here: Path) -> None:
    """``graph.m`` on a base that does not state its graph sets m on the default graph (the
    loader used to create a graph section without ``type``)."""
    from sim.loading import load_scenario

    plan = experiment("overrides: {graph.m: 3}\n")
    assert (plan.bases[0].graph.type, plan.bases[0].graph.m) == ("powerlaw_cluster", 3)
    assert load_scenario("base.yaml", ["graph.m=4"]).graph.m == 4
    with pytest.raises(ScenarioError) as info:
        load_scenario("base.yaml", ["graph.k=4"])
    assert len(info.value.problems) == 1
    assert str(info.value.problems[0]).startswith("--set graph.k=4: graph.k: unknown key")


# --------------------------------------------------------------------------- outputs, labels, *

TIER_LISTS = """\
design:
  type: grid
  parameters:
    channels.b2b2c.tiers:
      values:
        - [{name: retailer, markup: 0.2}]
        - [{name: national, markup: 0.05}, {name: wholesaler, markup: 0.05},
           {name: retailer, markup: 0.2}]
      labels: [one tier, three tiers]
    channels.b2b2c.tiers.*.lead_time_days: [1, 6]
"""


def test_outputs_are_checked_against_a_runs_summary(here: Path) -> None:
    """Outputs are summary keys; a key only some points produce (a tier's bullwhip ratio) is
    found by probing the points; unknown and repeated keys are located one-liners."""
    plan = experiment("outputs: [manufacturer.profit, channels.b2c2c.units]\n")
    assert plan.experiment.outputs == ["manufacturer.profit", "channels.b2c2c.units"]
    assert plan.resolved()["outputs"] == ["manufacturer.profit", "channels.b2c2c.units"]
    plan = experiment("outputs: [bullwhip_variance_ratio.wholesaler]\n" + TIER_LISTS)
    assert plan.experiment.outputs == ["bullwhip_variance_ratio.wholesaler"]
    assert problems("outputs: [manufacturer.proft, days_simulated]\n") == [
        "exp.yaml:2: outputs.0: unknown output 'manufacturer.proft': not a summary key of these "
        "runs (did you mean 'manufacturer.profit'?)"
    ]
    assert problems("outputs: [pyramid.collapse_day]\n") == [
        "exp.yaml:2: outputs.0: unknown output 'pyramid.collapse_day': not a summary key of "
        "these runs"
    ]
    assert problems("outputs: [manufacturer.profit, manufacturer.profit]\n") == [
        "exp.yaml:2: outputs: 'manufacturer.profit' appears twice"
    ]
    assert problems("outputs: []\n")[0].startswith("exp.yaml:2: outputs: ")


def test_grid_values_can_be_whole_lists_with_labels_and_wildcards(here: Path) -> None:
    """Whole tier lists with labels × the lead time of every tier (``*``): labels name the
    values, the wildcard expands to the tiers of each point, the lists stay as given."""
    plan = experiment(TIER_LISTS)
    assert [p.label for p in plan.points] == [
        "tiers=one tier, lead_time_days=1",
        "tiers=one tier, lead_time_days=6",
        "tiers=three tiers, lead_time_days=1",
        "tiers=three tiers, lead_time_days=6",
    ]
    assert plan.parameters == ["channels.b2b2c.tiers", "channels.b2b2c.tiers.*.lead_time_days"]
    assert list(plan.points[3].values) == [
        "channels.b2b2c.tiers",
        *(f"channels.b2b2c.tiers.{i}.lead_time_days" for i in range(3)),
    ]
    assert plan.points[3].params["channels.b2b2c.tiers.*.lead_time_days"] == 6
    assert plan.problem["level_labels"] == {"channels.b2b2c.tiers": ["one tier", "three tiers"]}
    first = plan.problem["levels"]["channels.b2b2c.tiers"][0]
    assert first == [{"name": "retailer", "markup": 0.2}]
    from sim.experiments.runner import run_scenario

    sha = plan.sha256
    scenarios = [run_scenario(task) for task in plan.tasks()]
    assert [[t.lead_time_days for t in s.channels.b2b2c.tiers] for s in scenarios] == [
        [1],
        [6],
        [1, 1, 1],
        [6, 6, 6],
    ]
    assert plan.sha256 == sha  # applying the values changed none of them
    Path("sub").mkdir()
    again = load_experiment(write(yaml.safe_dump(plan.resolved()), "sub/exp.yaml"))
    assert again.sha256 == sha and [p.label for p in again.points] == [p.label for p in plan.points]


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            "design:\n  type: grid\n  parameters:\n"
            "    channels.b2c.price: {values: [800, 900], labels: [low]}\n",
            "exp.yaml:5: design.parameters.channels.b2c.price: labels has 1 items but values has 2",
        ),
        (
            "design:\n  type: grid\n  parameters:\n"
            "    channels.b2c.price: {from: 800, to: 900, steps: 2, labels: [a, b]}\n",
            "exp.yaml:5: design.parameters.channels.b2c.price: labels name a list of values; "
            "give values with them",
        ),
        (
            "design:\n  type: grid\n  parameters:\n    channels.b2c.*: [800]\n",
            "exp.yaml:5: design.parameters.channels.b2c.*: * stands for the items of a list, but "
            "channels.b2c is not one",
        ),
        (
            "design:\n  type: grid\n  parameters:\n"
            "    channels.b2b2c.tiers.*.lead_time_days: [2, 400]\n",
            "exp.yaml:5: design.parameters.channels.b2b2c.tiers.*.lead_time_days: must be "
            "between 1 and 365 (got 400)",
        ),
    ],
    ids=["labels-count", "labels-without-values", "wildcard-not-a-list", "wildcard-bad-value"],
)
def test_labels_and_wildcard_errors(here: Path, body: str, expected: str) -> None:
    assert problems(body) == [expected]
