"""``chansim report`` and ``chansim compare``: the report of a sweep (statistics across
replications, heatmap, tornado, Sobol', Morris, time series with bands) and the side-by-side
comparison of scenarios. Tiny scenarios (400 consumers, 20 days) keep it to seconds; the
sensitivity analysis is validated on functions with published indices (Ishigami; a linear
function for Morris), not on the model.
"""

from __future__ import annotations

import csv
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sim.cli import main
from sim.experiments import sensitivity, statistics, sweep_data
from sim.experiments.designs import sample
from sim.experiments.plan import load_experiment
from sim.experiments.spec import MorrisDesign, SalibSobolDesign
from sim.experiments.sweep import run_sweep

BASE = """\
name: tiny
days: 20
market:
  consumers: 400
"""

DESIGNS = {
    "grid": """\
base: base.yaml
replications: 3
seed: 5
record: {every: 5}
measurements: [units_b2c2c, manufacturer_profit_cumulative, active_stores, aware]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: [0.03, 0.08]
    channels.b2c.price: [850, 950]
""",
    "oat": """\
base: base.yaml
replications: 2
seed: 6
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
seed: 7
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
seed: 8
record: {every: end}
outputs: [manufacturer.profit, channels.b2c.units]
design:
  type: morris
  trajectories: 3
  parameters:
    channels.b2c2c.rebate_rate: {low: 0.01, high: 0.1}
    channels.b2c.price: {low: 850, high: 1000}
""",
}
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776}
"""Student t quantiles t(0.975, df) from the published tables."""


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One small sweep per design, each with its report written at the end."""
    root = tmp_path_factory.mktemp("reports")
    (root / "base.yaml").write_text(BASE, encoding="utf-8")
    out = {}
    for name, body in DESIGNS.items():
        path = root / f"{name}.yaml"
        path.write_text(body, encoding="utf-8")
        result = run_sweep(load_experiment(path), root / name, workers=2, progress=False)
        assert (result.done, result.failed) == (result.runs, 0)
        out[name] = root / name
    return out


def linked(folder: Path) -> set[str]:
    """The figure files report.md links to."""
    text = (folder / "report" / "report.md").read_text(encoding="utf-8")
    return set(re.findall(r"!\[[^\]]*\]\(([^)]+)\)", text))


def figures(folder: Path) -> set[str]:
    return {f"figures/{p.name}" for p in (folder / "report" / "figures").glob("*.png")}


# --------------------------------------------------------------------------- every report


@pytest.mark.parametrize("name", list(DESIGNS))
def test_every_figure_is_linked_and_every_link_exists(folders: dict[str, Path], name: str) -> None:
    folder = folders[name]
    assert figures(folder), "no figures"
    assert linked(folder) == figures(folder)
    for png in (folder / "report" / "figures").glob("*.png"):
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize("name", list(DESIGNS))
def test_report_states_what_was_run(folders: dict[str, Path], name: str) -> None:
    text = (folders[name] / "report" / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# ") and f"Experiment `{name}`:" in text.split("\n\n")[1]
    for fact in ("| design |", "| replications |", "| seeds |", "| versions |", "sha256"):
        assert fact in text
    assert "## Files" in text
    assert not list(folders[name].glob(".report*")), "staging folder left behind"


def test_point_statistics_are_student_t_intervals(folders: dict[str, Path]) -> None:
    """Every summary KPI per point: mean ± t(0.975, n−1)·sd/√n over the replications, cut to
    the KPI's range (units and consumers are ≥ 0; profit has no bound)."""
    folder = folders["grid"]
    stats = pd.read_csv(folder / "report" / "point_statistics.csv")
    summary = pd.read_csv(folder / "summary.csv")
    checked = 0
    for key in ("manufacturer.profit", "channels.b2c.units", "consumers_aware_end"):
        for point, group in summary.groupby("point_id"):
            x = group[key].to_numpy(dtype=float)
            row = stats[(stats["point_id"] == point) & (stats["kpi"] == key)].iloc[0]
            n = len(x)
            half = T_975[n - 1] * x.std(ddof=1) / math.sqrt(n)
            assert row["n"] == n == 3
            assert row["mean"] == pytest.approx(x.mean())
            low = x.mean() - half if key == "manufacturer.profit" else max(0.0, x.mean() - half)
            assert row["ci_low"] == pytest.approx(low, rel=1e-3, abs=1e-6)
            assert row["ci_high"] == pytest.approx(x.mean() + half, rel=1e-3, abs=1e-6)
            checked += 1
    assert checked == 12


def test_mean_ci_known_values() -> None:
    s = statistics.mean_ci([1, 2, 3, 4, 5, float("nan")])
    assert (s.n, s.mean) == (5, 3.0)
    assert s.sd == pytest.approx(math.sqrt(2.5))
    assert s.half_width == pytest.approx(2.776 * math.sqrt(2.5) / math.sqrt(5), rel=1e-3)
    one = statistics.mean_ci([7.0])
    assert one.mean == 7.0 and math.isnan(one.ci_low)


def test_grid_of_two_parameters_has_heatmaps_and_bands(folders: dict[str, Path]) -> None:
    folder = folders["grid"]
    names = figures(folder)
    assert "figures/heatmap_manufacturer.profit.png" in names
    text = (folder / "report" / "report.md").read_text(encoding="utf-8")
    ts = pd.read_csv(folder / "timeseries.csv")
    for m in ("units_b2c2c", "manufacturer_profit_cumulative", "active_stores", "aware"):
        if (ts[m] != 0).any():
            assert f"figures/ts_{m}.png" in names
        else:  # left out with a note, not silently
            assert f"figures/ts_{m}.png" not in names
            assert re.search(rf"Not drawn, zero in every run: [^\n]*`{m}`", text)
    assert "figures/ts_aware.png" in names
    assert "## Heatmaps" in text and "## Time series" in text


def test_oat_has_tornado_with_effects_from_the_point_means(folders: dict[str, Path]) -> None:
    folder = folders["oat"]
    assert figures(folder) >= {
        "figures/tornado_manufacturer.profit.png",
        "figures/tornado_channels.b2c.units.png",
    }
    table = pd.read_csv(folder / "report" / "tornado.csv")
    summary = pd.read_csv(folder / "summary.csv")
    means = summary.groupby("point_id")["channels.b2c.units"].mean()
    row = table[
        (table["output"] == "channels.b2c.units") & (table["parameter"] == "channels.b2c.price")
    ].iloc[0]
    # points: 0 baseline, 1/2 rebate low/high, 3/4 price low/high
    assert row["low_value"] == 850 and row["high_value"] == 1000
    assert row["effect_low"] == pytest.approx(means[3] - means[0])
    assert row["effect_high"] == pytest.approx(means[4] - means[0])


def test_sobol_design_has_indices_table_and_bars(folders: dict[str, Path]) -> None:
    folder = folders["sobol"]
    table = pd.read_csv(folder / "report" / "sobol_indices.csv")
    assert list(table.columns) == ["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"]
    analysed = set(table["output"])
    text = (folder / "report" / "report.md").read_text(encoding="utf-8")
    for key in ("manufacturer.profit", "channels.b2c.units"):
        if key in analysed:
            assert f"figures/sobol_{key}.png" in figures(folder)
        else:  # a KPI constant over a tiny design is reported, not silently skipped
            assert f"No Sobol' indices for `{key}`" in text
    assert analysed


def test_morris_design_has_mu_star_and_sigma(folders: dict[str, Path]) -> None:
    folder = folders["morris"]
    table = pd.read_csv(folder / "report" / "morris_indices.csv")
    assert {"mu", "mu_star", "mu_star_conf", "sigma"} <= set(table.columns)
    assert (table["mu_star"] >= 0).all()
    for key in set(table["output"]):
        assert f"figures/morris_{key}.png" in figures(folder)


def test_report_command_rewrites_a_report(folders: dict[str, Path], capsys) -> None:
    folder = folders["oat"]
    before = (folder / "report" / "tornado.csv").read_bytes()
    (folder / "report" / "report.md").unlink()
    assert main(["report", str(folder)]) == 0
    assert (folder / "report" / "report.md").is_file()
    assert (folder / "report" / "tornado.csv").read_bytes() == before
    assert f"report: {folder / 'report' / 'report.html'}" in capsys.readouterr().out


def test_report_of_a_folder_that_is_not_a_sweep_exits_2(tmp_path: Path, capsys) -> None:
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "not a sweep's results folder" in err[0]
    assert main(["report", str(tmp_path / "missing")]) == 2
    assert not (tmp_path / "report").exists()


# --------------------------------------------------------------------------- validation


def synthetic(design, function, *, seed: int = 3) -> sweep_data.SweepData:
    """Results of a design whose single output is ``function`` of the points (no model)."""
    drawn = sample(design, seed)
    names = list(drawn.problem["names"])
    x = np.array([[p.values[n] for n in names] for p in drawn.points], dtype=float)
    y = function(x)
    points = pd.DataFrame({"point_id": range(len(x)), "label": [p.label for p in drawn.points]})
    for j, n in enumerate(names):
        points[n] = x[:, j]
    summary = points[["point_id"]].copy()
    summary["run_id"] = [f"p{i:04d}-r000" for i in range(len(x))]
    summary["status"] = "done"
    summary["y"] = y
    return sweep_data.SweepData(
        folder=Path("."),
        experiment={"design": design.model_dump(by_alias=True), "seed": seed},
        problem=drawn.problem,
        metadata={"root_seed": seed},
        points=points,
        summary=summary,
        timeseries=pd.DataFrame(),
        errors={},
        parameters=names,
        measurements=[],
        outputs=["y"],
    )


def test_sobol_indices_of_the_ishigami_function(tmp_path: Path) -> None:
    """Ishigami (a = 7, b = 0.1) on [−π, π]³: S1 = 0.314, 0.442, 0; ST = 0.558, 0.442, 0.244
    (Ishigami & Homma 1990; Saltelli et al. 2008, Global Sensitivity Analysis, §4.8)."""
    box = {"low": -math.pi, "high": math.pi}
    design = SalibSobolDesign(
        type="salib_sobol", base_samples=2048, parameters={"x1": box, "x2": box, "x3": box}
    )

    def ishigami(x: np.ndarray) -> np.ndarray:
        return np.sin(x[:, 0]) + 7 * np.sin(x[:, 1]) ** 2 + 0.1 * x[:, 2] ** 4 * np.sin(x[:, 0])

    _, table, _, notes = sensitivity.sobol(synthetic(design, ishigami), tmp_path)
    assert not notes
    s1 = table.set_index("parameter")["S1"]
    st = table.set_index("parameter")["ST"]
    for name, first, total in (("x1", 0.314, 0.558), ("x2", 0.442, 0.442), ("x3", 0.0, 0.244)):
        assert s1[name] == pytest.approx(first, abs=0.05)
        assert st[name] == pytest.approx(total, abs=0.05)
    assert (tmp_path / "sobol_y.png").is_file()


def test_morris_of_a_linear_function(tmp_path: Path) -> None:
    """y = 3·x1 + 0·x2 − 2·x3: every elementary effect of x_i, per full range, is
    a_i·(high − low), so μ* = |a_i|·(high − low) and σ = 0 (Morris 1991)."""
    design = MorrisDesign(
        type="morris",
        trajectories=10,
        levels=4,
        parameters={
            "x1": {"low": 0.0, "high": 2.0},
            "x2": {"low": 5.0, "high": 9.0},
            "x3": {"low": -1.0, "high": 1.0},
        },
    )
    a = np.array([3.0, 0.0, -2.0])
    _, table, notes = sensitivity.morris(synthetic(design, lambda x: x @ a), tmp_path)
    assert not notes
    t = table.set_index("parameter")
    assert t.loc["x1", "mu_star"] == pytest.approx(3 * 2)
    assert t.loc["x2", "mu_star"] == pytest.approx(0, abs=1e-9)
    assert t.loc["x3", "mu_star"] == pytest.approx(2 * 2)
    assert t.loc["x3", "mu"] == pytest.approx(-2 * 2)
    assert np.allclose(t["sigma"], 0, atol=1e-9)


# --------------------------------------------------------------------------- compare


@pytest.fixture(scope="module")
def compared(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    root = tmp_path_factory.mktemp("compare")
    (root / "all.yaml").write_text(BASE.replace("tiny", "all_three"), encoding="utf-8")
    (root / "direct.yaml").write_text(
        "extends: all.yaml\nname: direct_only\nchannels:\n  b2b2c: {enabled: false}\n"
        "  b2c2c: {enabled: false}\n",
        encoding="utf-8",
    )
    out = root / "out"
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = main(
            [
                "compare",
                str(root / "all.yaml"),
                str(root / "direct.yaml"),
                "--replications",
                "2",
                "--workers",
                "1",
                "--out",
                str(out),
                "--no-progress",
            ]
        )
    assert code == 0
    return out, buffer.getvalue()


def test_compare_writes_a_kpi_table_by_scenario(compared: tuple[Path, str]) -> None:
    out, stdout = compared
    with (out / "report" / "comparison.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert {r["scenario"] for r in rows} == {"all_three", "direct_only"}
    kpis = {r["kpi"] for r in rows}
    assert {"channels.b2c.units", "manufacturer.profit", "manufacturer.identified_customers"} <= (
        kpis
    )
    off = {(r["scenario"], r["kpi"]) for r in rows if r["off"] == "1"}
    assert ("direct_only", "channels.b2b2c.units") in off
    assert ("all_three", "channels.b2b2c.units") not in off
    summary = pd.read_csv(out / "summary.csv")
    for r in rows:
        if r["kpi"] == "channels.b2c.units":
            point = 0 if r["scenario"] == "all_three" else 1
            values = summary.loc[summary["point_id"] == point, "channels.b2c.units"]
            assert float(r["mean"]) == pytest.approx(values.mean())
            assert int(r["n"]) == 2
    assert "KPIs by scenario" in stdout and "off" in stdout
    text = (out / "report" / "report.md").read_text(encoding="utf-8")
    assert "## KPIs by scenario" in text


def test_compare_overlays_the_scenarios(compared: tuple[Path, str]) -> None:
    out, _ = compared
    assert figures(out) >= {
        "figures/compare_units_by_channel.png",
        "figures/compare_profit.png",
        "figures/compare_adoption.png",
    }
    assert linked(out) == figures(out)


def test_compare_bad_input_exits_2_in_one_line(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(BASE.replace("days: 20", "days: -1"), encoding="utf-8")
    code = main(["compare", str(tmp_path / "a.yaml"), str(tmp_path / "b.yaml")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and "b.yaml" in err[0]
    assert main(["compare", str(tmp_path / "a.yaml"), str(tmp_path / "nope.yaml")]) == 2
    assert "nope.yaml" in capsys.readouterr().err
    assert not (Path("results") / "compare-tiny-tiny").exists()


def test_compare_needs_two_scenarios(tmp_path: Path, capsys) -> None:
    (tmp_path / "a.yaml").write_text(BASE, encoding="utf-8")
    assert main(["compare", str(tmp_path / "a.yaml")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["chansim compare: give at least two scenario files"]
