"""The report a client reads: every figure of every design passes the figure checker
(``tests/figure_check.py``), the HTML file stands alone, the headline and the differences come
from paired runs, the profit decomposition adds up, and the text says what was simulated.

Tiny markets keep it to seconds; the shipped scenarios are compared at 1,500 consumers.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats as scipy_stats

from sim.experiments import narrative, statistics
from sim.experiments.compare import compare_plan
from sim.experiments.plan import load_experiment
from sim.experiments.sweep import run_sweep
from sim.experiments.sweep_data import kpi_bounds, load_results

REPO = Path(__file__).resolve().parents[2]
BASE = "name: tiny\ndays: 20\nmarket:\n  consumers: 400\n"
SWEEPS = {
    "rebate_line": """\
base: base.yaml
replications: 2
seed: 5
record: {every: 5}
measurements: [units_b2c2c, manufacturer_profit_cumulative, active_stores]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.0, 0.05, 0.1]
""",
    "grid2": """\
base: base.yaml
replications: 2
seed: 6
record: {every: 5}
measurements: [units_b2c2c, manufacturer_profit_cumulative]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.03, 0.08]
    channels.b2c.price: [850, 950]
""",
    "grid3": """\
base: base.yaml
replications: 2
seed: 7
record: {every: 5}
measurements: [units_b2c, manufacturer_profit_cumulative]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.03, 0.08]
    channels.b2c.price: [850, 950]
    channels.b2b2c.tiers.*.lead_time_days: [2, 5]
""",
    "oat": """\
base: base.yaml
replications: 2
seed: 8
record: {every: end}
outputs: [manufacturer.profit, channels.b2c.units]
design:
  type: oat
  parameters:
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 850, high: 1000}
""",
    "sobol": """\
base: base.yaml
seed: 9
record: {every: end}
outputs: [manufacturer.profit, channels.b2c.units]
design:
  type: salib_sobol
  base_samples: 4
  parameters:
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 850, high: 1000}
""",
    "morris": """\
base: base.yaml
seed: 10
record: {every: end}
outputs: [manufacturer.profit, channels.b2c.units]
design:
  type: morris
  trajectories: 3
  parameters:
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 850, high: 1000}
""",
    "lhs": """\
base: base.yaml
seed: 11
record: {every: end}
outputs: [manufacturer.profit, channels.b2c.units]
design:
  type: lhs
  samples: 6
  parameters:
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 850, high: 1000}
""",
}
COMPARED = ["three_channels", "offline_shutdown_2020", "b2c2c_only", "pyramid_unregulated"]
EXPECTED = {
    "rebate_line": ["outputs_by_point.png", "ts_manufacturer_profit_cumulative.png"],
    "grid2": ["heatmap_manufacturer.profit.png", "interaction_manufacturer.profit.png"],
    "grid3": ["scatter_manufacturer.profit.png", "ts_units_b2c.png"],
    "oat": ["tornado_manufacturer.profit.png"],
    "sobol": ["sobol_manufacturer.profit.png"],
    "morris": ["morris_manufacturer.profit.png"],
    "lhs": ["scatter_manufacturer.profit.png"],
    "compare": [
        "compare_units_by_channel.png",
        "compare_profit.png",
        "compare_adoption.png",
        "compare_active_stores.png",
        "compare_pyramid.png",
        "profit_decomposition.png",
        "outputs_by_point.png",
    ],
}


@pytest.fixture(scope="module")
def drawn(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Path], dict[str, dict]]:
    """One small sweep per design and a comparison of four shipped scenarios, each with its
    report; and, per folder, every figure the report saved with its problems (the checker of
    ``tests/figure_check.py`` run on each figure as it is saved)."""
    from figure_check import figure_problems
    from matplotlib.figure import Figure

    root = tmp_path_factory.mktemp("craft")
    (root / "base.yaml").write_text(BASE, encoding="utf-8")
    plans = {}
    for name, body in SWEEPS.items():
        path = root / f"{name}.yaml"
        path.write_text(body, encoding="utf-8")
        plans[name] = load_experiment(path)
    files = [REPO / "scenarios" / f"{n}.yaml" for n in COMPARED]
    plans["compare"] = compare_plan(
        files, replications=3, days=100, overrides=["market.consumers=1500"], seed=4
    )
    out: dict[str, Path] = {}
    seen: dict[str, dict] = {}
    original = Figure.savefig
    for name, plan in plans.items():
        found: dict[str, list[str]] = {}

        def savefig(self: Figure, fname, *args, found=found, **kwargs):
            found[Path(str(fname)).name] = figure_problems(self, Path(str(fname)).name)
            return original(self, fname, *args, **kwargs)

        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(Figure, "savefig", savefig)
            result = run_sweep(plan, root / name, workers=2, progress=False)
        assert (result.done, result.failed) == (result.runs, 0)
        out[name], seen[name] = root / name, found
    return out, seen


@pytest.fixture(scope="module")
def folders(drawn: tuple[dict[str, Path], dict[str, dict]]) -> dict[str, Path]:
    return drawn[0]


def test_every_report_figure_passes_the_figure_checker(
    drawn: tuple[dict[str, Path], dict[str, dict]],
) -> None:
    problems = []
    for name, found in drawn[1].items():
        assert found, f"{name}: no figure drawn"
        problems += [f"{name}: {f} not drawn" for f in EXPECTED[name] if f not in found]
        problems += [f"{name}: {p}" for issues in found.values() for p in issues]
    assert not problems, "\n".join(problems)


def test_html_report_stands_alone(folders: dict[str, Path]) -> None:
    report = folders["compare"] / "report"
    page = (report / "report.html").read_text(encoding="utf-8")
    text = (report / "report.md").read_text(encoding="utf-8")
    images = re.findall(r"<img[^>]*src=\"([^\"]+)\"", page)
    assert len(images) == len(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text)) > 5
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "the page loads nothing"
    assert "<script" not in page and "<link" not in page
    assert "<table>" in page and "<h1>Scenarios compared" in page


def test_report_says_what_was_simulated_and_what_leads(folders: dict[str, Path]) -> None:
    text = (folders["compare"] / "report" / "report.md").read_text(encoding="utf-8")
    for heading in (
        "## Headline",
        "## What was simulated",
        "## KPIs by scenario",
        "## Differences from three_channels",
        "## Per 1,000 consumers",
        "## Where the maker's profit comes from",
        "## Caveats",
        "## What was run",
    ):
        assert heading in text, heading
    assert text.count("## KPIs by scenario") == 1 and "## Results by point" not in text
    assert "1,500 consumers" in text and "list price 1,000 CNY" in text
    assert "B2B2C (distributors) closed from day 30 to day 90" in text
    rebate = next(line for line in text.splitlines() if "`channels.b2c2c.rebate_rate`" in line)
    assert "0.05" in rebate and "0.01" in rebate
    data = load_results(folders["compare"])
    stats = data.point_stats("manufacturer.profit")
    leader = max(stats, key=lambda p: stats[p].mean)
    assert f"**{data.labels()[leader]} leads on maker's profit**" in text


def test_comparison_uses_common_random_numbers_and_paired_differences(
    folders: dict[str, Path],
) -> None:
    folder = folders["compare"]
    experiment = yaml.safe_load((folder / "experiment.yaml").read_text(encoding="utf-8"))
    assert experiment["common_random_numbers"] is True
    summary = pd.read_csv(folder / "summary.csv")
    seeds = summary.pivot(index="replication", columns="point_id", values="seed")
    assert (seeds.nunique(axis=1) == 1).all(), "replication r shares one seed"
    assert seeds[0].nunique() == 3, "replications differ"
    data = load_results(folder)
    d, how = narrative.difference(data, "manufacturer.profit", 1, 0)
    assert how == "paired"
    table = summary.pivot(index="replication", columns="point_id", values="manufacturer.profit")
    test = scipy_stats.ttest_rel(table[1], table[0])
    ci = test.confidence_interval(0.95)
    assert d.mean == pytest.approx(float((table[1] - table[0]).mean()))
    assert (d.ci_low, d.ci_high) == pytest.approx((ci.low, ci.high))
    text = (folder / "report" / "report.md").read_text(encoding="utf-8")
    assert "common random numbers" in text and "paired runs" in text


def test_sweeps_keep_independent_seeds_by_default(folders: dict[str, Path]) -> None:
    summary = pd.read_csv(folders["grid2"] / "summary.csv")
    assert summary["seed"].nunique() == len(summary)


def test_profit_decomposition_adds_up_to_the_profit(folders: dict[str, Path]) -> None:
    table = pd.read_csv(folders["compare"] / "report" / "profit_decomposition.csv")
    assert "other" not in set(table["key"]), "revenue less costs is the profit"
    summary = pd.read_csv(folders["compare"] / "summary.csv")
    for _scenario, rows in table.groupby("scenario"):
        parts = rows[rows["sign"] != 0]
        profit = float(rows.loc[rows["key"] == "manufacturer.profit", "mean"].iloc[0])
        assert float((parts["sign"] * parts["mean"]).sum()) == pytest.approx(profit, rel=1e-9)
    runs = summary[summary["scenario"] == "three_channels"]
    assert float(
        table.loc[
            (table["scenario"] == "three_channels") & (table["key"] == "manufacturer.profit"),
            "mean",
        ].iloc[0]
    ) == pytest.approx(float(runs["manufacturer.profit"].mean()))


def test_a_report_under_three_replications_warns(
    tmp_path: Path, figure_inspector: dict[str, list[str]]
) -> None:
    (tmp_path / "base.yaml").write_text(BASE, encoding="utf-8")
    path = tmp_path / "two.yaml"
    path.write_text(SWEEPS["rebate_line"].replace("replications: 2", "replications: 1"), "utf-8")
    run_sweep(load_experiment(path), tmp_path / "out", workers=1, progress=False)
    text = (tmp_path / "out" / "report" / "report.md").read_text(encoding="utf-8")
    assert "**Warning: 1 replication per point.**" in text
    assert "Only 1 replication per point." in text
    assert not [p for found in figure_inspector.values() for p in found]


def test_intervals_stay_inside_the_range_a_kpi_can_take(folders: dict[str, Path]) -> None:
    stats = pd.read_csv(folders["compare"] / "report" / "point_statistics.csv")
    for _, row in stats.iterrows():
        bounds = kpi_bounds(row["kpi"])
        if bounds is None or not np.isfinite(row["ci_low"]):
            continue
        assert row["ci_low"] >= bounds[0] - 1e-12, row["kpi"]
        assert row["ci_high"] <= bounds[1] + 1e-12, row["kpi"]
    assert kpi_bounds("spam.muted_share_end") == (0.0, 1.0)
    assert kpi_bounds("channels.b2c.units") == (0.0, float("inf"))
    assert kpi_bounds("manufacturer.profit") is None


def test_cut_interval_is_the_t_interval_intersected_with_the_range() -> None:
    values = [0.0, 0.0, 3e-4]
    plain = statistics.mean_ci(values)
    cut = statistics.mean_ci(values, bounds=(0.0, 1.0))
    assert plain.ci_low < 0 and cut.ci_low == 0.0 and cut.ci_high == plain.ci_high
    near_one = statistics.mean_ci([0.99, 1.0, 0.97], bounds=(0.0, 1.0))
    assert near_one.ci_high == 1.0 and near_one.mean == pytest.approx(0.98666666)


def test_paired_interval_matches_scipy_and_is_narrower_when_runs_move_together() -> None:
    rng = np.random.default_rng(1)
    common = rng.normal(100, 20, size=8)
    a = common + rng.normal(5, 1, size=8)
    b = common + rng.normal(0, 1, size=8)
    paired = statistics.paired_difference_ci(a, b)
    ci = scipy_stats.ttest_rel(a, b).confidence_interval(0.95)
    assert (paired.ci_low, paired.ci_high) == pytest.approx((ci.low, ci.high))
    welch = statistics.difference_ci(a, b)
    assert paired.half_width < welch.half_width / 3
