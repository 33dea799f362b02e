"""A sweep's results folder read into tables (plain data), the names of its KPIs, and the
statistics of every KPI by point.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

from sim import outputs
from sim.experiments.statistics import Stats, mean_ci
from sim.experiments.store import consolidate, read_journal
from sim.scenario import CHANNELS

SPAM_KPIS = (
    "spam.mean_trust_in_owners_end",
    "spam.muted_share_end",
    "spam.blocked_share_end",
    "spam.detractors_end",
    "spam.sales_per_post",
)
PYRAMID_KPIS = ("pyramid.share_at_loss", "pyramid.stranded_stock", "pyramid.collapse_day")
KEY_MEASUREMENTS = (
    "units_b2b2c",
    "units_b2c",
    "units_b2c2c",
    "manufacturer_profit_cumulative",
    "aware",
    "adopters",
    "identified_customers",
    "active_stores",
    "mean_trust_in_owners",
    "muted_share",
    "detractors",
    "participants",
    "pyramid_stock",
)
"""Measurements drawn when an experiment keeps all of them (``measurements: null``)."""


class ReportError(Exception):
    """A folder that is not a sweep's results folder (bad user input: exit code 2)."""


def kpi_name(key: str) -> str:
    """A KPI's or measurement's label for tables and figures (declared in :mod:`sim.outputs`;
    the key itself if it has none)."""
    if key.startswith("bullwhip_variance_ratio."):
        return f"bullwhip ratio {key.removeprefix('bullwhip_variance_ratio.')}"
    return outputs.label(key)


BOUNDED_UNITS = {
    "share": (0.0, 1.0),
    "0/1": (0.0, 1.0),
}
"""Units whose values lie in [0, 1]; every other unit except money and plain numbers is ≥ 0."""
UNBOUNDED_UNITS = {"money", ""}


def kpi_bounds(key: str) -> tuple[float, float] | None:
    """The range a KPI or measurement can take, from its declared unit (None: no limit).

    Shares lie in [0, 1]; counts, days, ratios and rates (units, consumers, stores, days, …)
    are ≥ 0; money can be negative (a loss).
    """
    output = outputs.find(key)
    if key.startswith("bullwhip_variance_ratio."):
        return (0.0, float("inf"))
    if output is None:
        return None
    if output.unit in BOUNDED_UNITS:
        return BOUNDED_UNITS[output.unit]
    if output.unit in UNBOUNDED_UNITS:
        return None
    return (0.0, float("inf"))


def slug(text: str) -> str:
    """A file-name-safe version of a KPI or parameter name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


# --------------------------------------------------------------------------- the folder


@dataclass
class SweepData:
    """A sweep's results folder read into tables (plain data)."""

    folder: Path
    experiment: dict[str, Any]
    problem: dict[str, Any]
    metadata: dict[str, Any]
    points: pd.DataFrame
    summary: pd.DataFrame
    timeseries: pd.DataFrame
    errors: dict[str, str]
    parameters: list[str]
    measurements: list[str]
    outputs: list[str] = field(default_factory=list)
    missing_outputs: list[str] = field(default_factory=list)

    @property
    def design(self) -> str:
        """The design's type (``points`` for an experiment without a design)."""
        return str(self.problem.get("design", "points"))

    @property
    def done(self) -> pd.DataFrame:
        """Summary rows of the runs that finished."""
        return self.summary[self.summary["status"] == "done"]

    @property
    def main(self) -> str | None:
        """The main KPI (the first output), if any."""
        return self.outputs[0] if self.outputs else None

    def labels(self) -> dict[int, str]:
        """Point id → label."""
        return dict(zip(self.points["point_id"], self.points["label"], strict=True))

    def point_values(self, key: str) -> dict[int, np.ndarray]:
        """Point id → the KPI's values over the point's finished runs."""
        done = self.done
        if key not in done.columns:
            return {int(p): np.zeros(0) for p in self.points["point_id"]}
        groups = {int(p): g[key].to_numpy(dtype=float) for p, g in done.groupby("point_id")}
        return {int(p): groups.get(int(p), np.zeros(0)) for p in self.points["point_id"]}

    def replication_values(self, key: str) -> dict[int, pd.Series]:
        """Point id → the KPI's values over the point's finished runs, indexed by replication
        (for paired comparisons)."""
        done = self.done
        empty = pd.Series(dtype=float)
        if key not in done.columns:
            return {int(p): empty for p in self.points["point_id"]}
        groups = {
            int(p): g.set_index("replication")[key].astype(float).sort_index()
            for p, g in done.groupby("point_id")
        }
        return {int(p): groups.get(int(p), empty) for p in self.points["point_id"]}

    @property
    def paired(self) -> bool:
        """Whether the points share replication seeds (common random numbers)."""
        return bool(self.experiment.get("common_random_numbers", False))

    def point_stats(self, key: str) -> dict[int, Stats]:
        """Point id → statistics of a summary KPI (intervals kept in the KPI's range)."""
        bounds = kpi_bounds(key)
        return {p: mean_ci(v, bounds=bounds) for p, v in self.point_values(key).items()}

    def point_means(self, key: str) -> np.ndarray:
        """The KPI's mean per point, in point order (NaN for a point without a value)."""
        return np.array([s.mean for s in self.point_stats(key).values()])


def is_results_folder(folder: Path) -> bool:
    """Whether a folder holds a sweep's results (its plan files and metadata)."""
    folder = Path(folder)
    return all((folder / f).is_file() for f in ("metadata.json", "points.csv", "problem.json"))


def load_results(folder: str | Path) -> SweepData:
    """Read a sweep's results folder; rebuild its tables if they are missing.

    Raises:
        ReportError: If the folder is not a sweep's results folder (one-line message).
    """
    folder = Path(folder)
    if not folder.is_dir():
        raise ReportError(f"{folder}: no such folder")
    if not is_results_folder(folder):
        raise ReportError(
            f"{folder}: not a sweep's results folder (needs metadata.json, points.csv and "
            "problem.json, as written by chansim sweep or chansim compare)"
        )
    try:
        experiment = yaml.safe_load((folder / "experiment.yaml").read_text(encoding="utf-8"))
        problem = json.loads((folder / "problem.json").read_text(encoding="utf-8"))
        metadata = json.loads((folder / "metadata.json").read_text(encoding="utf-8"))
        points = pd.read_csv(folder / "points.csv", dtype={"label": str}, keep_default_na=False)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise ReportError(f"{folder}: cannot read the plan files ({exc})") from None
    if not (folder / "summary.csv").is_file() or not (folder / "timeseries.csv").is_file():
        consolidate(folder)
    summary = pd.read_csv(folder / "summary.csv", dtype={"run_id": str, "status": str})
    timeseries = pd.read_csv(folder / "timeseries.csv")
    parameters = list(points.columns[2:])
    fixed = {"run_id", "point_id", "replication", "seed", *parameters, "day"}
    measurements = [c for c in timeseries.columns if c not in fixed]
    errors = {run: e.error for run, e in read_journal(folder).items() if e.status == "failed"}
    data = SweepData(
        folder,
        experiment or {},
        problem,
        metadata,
        points,
        summary,
        timeseries,
        errors,
        parameters,
        measurements,
    )
    wanted = (experiment or {}).get("outputs")
    if wanted:
        data.outputs = [k for k in wanted if k in summary.columns]
        data.missing_outputs = [k for k in wanted if k not in summary.columns]
    else:
        data.outputs = default_outputs(summary)
    return data


def any_on(summary: pd.DataFrame, column: str) -> bool:
    return column in summary.columns and bool((summary[column].fillna(0) > 0).any())


def default_outputs(summary: pd.DataFrame) -> list[str]:
    """The default KPIs, those of them the runs produced (see the module docstring)."""
    keys = ["manufacturer.profit"]
    keys += [f"channels.{ch}.units" for ch in CHANNELS if any_on(summary, f"channels.{ch}.enabled")]
    keys.append("manufacturer.identified_customers")
    if any_on(summary, "channels.b2c2c.enabled"):
        keys.append("micro_stores.top20_share")
    if any_on(summary, "mechanisms.spam"):
        keys += SPAM_KPIS
    if any_on(summary, "mechanisms.pyramid"):
        keys += PYRAMID_KPIS
    keys += [k for k in summary.columns if is_brand_kpi(k)]
    keys += [f"distributor_stores.{k}" for k in DISTRIBUTOR_STORE_KPIS]
    keys += [f"mentors.{k}" for k in MENTOR_KPIS]
    keys += [f"owner_moves.{k}" for k in ("moved", "units_in_new_stores", "new_stores_open_share")]
    return [k for k in keys if k in summary.columns]


BRAND_KPIS = ("units_total", "market_share", "units_b2c2c", "profit", "stores_opened")
"""With several brands, each brand's default KPIs (``brands.<brand>.<key>``)."""
DISTRIBUTOR_STORE_KPIS = (
    "survival_share",
    "other_survival_share",
    "units_per_store",
    "other_units_per_store",
    "income_per_store",
)
MENTOR_KPIS = (
    "trainees",
    "fees_paid",
    "fee_income_per_mentor",
    "rebate_income_per_mentor",
    "trainee_survival_share",
    "other_survival_share",
    "trainee_mean_net",
    "trainee_share_at_loss",
)


def is_brand_kpi(key: str) -> bool:
    return key.startswith("brands.") and key.rpartition(".")[2] in BRAND_KPIS


# --------------------------------------------------------------------------- tables


def point_statistics(data: SweepData) -> pd.DataFrame:
    """Per point × KPI: n, mean, sd, ci_low, ci_high (summary KPIs, then last values)."""
    rows = []
    labels = data.labels()
    reserved = {"run_id", "point_id", "replication", "seed", "status", *data.parameters}
    keys = [c for c in data.summary.columns if c not in reserved]
    keys = data.outputs + [k for k in keys if k not in data.outputs]
    for key in keys:
        for point, stats in data.point_stats(key).items():
            rows.append([point, labels[point], "summary", key, *stats_row(stats)])
    if len(data.timeseries) and data.measurements:
        last = data.timeseries.sort_values(["run_id", "day"]).groupby("run_id").tail(1)
        by_point = {int(p): g for p, g in last.groupby("point_id")}
        for name in data.measurements:
            for point in labels:
                group = by_point.get(point)
                values = group[name].to_numpy(dtype=float) if group is not None else []
                stats = mean_ci(values, bounds=kpi_bounds(name))
                rows.append([point, labels[point], "last_value", name, *stats_row(stats)])
    columns = ["point_id", "label", "source", "kpi", "n", "mean", "sd", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def stats_row(s: Stats) -> list[Any]:
    return [s.n, s.mean, s.sd, s.ci_low, s.ci_high]


# --------------------------------------------------------------------------- scenarios


def switched_off(data: SweepData, key: str, point: int) -> bool:
    """Whether a KPI belongs to a channel or mechanism the scenario does not have."""
    done = data.done[data.done["point_id"] == point]
    m = re.match(r"channels\.(b2b2c|b2c|b2c2c)\.", key)
    switch = f"channels.{m.group(1)}.enabled" if m else None
    if key.startswith("spam."):
        switch = "mechanisms.spam"
    elif key.startswith("pyramid."):
        switch = "mechanisms.pyramid"
    elif key.startswith("micro_stores."):
        switch = "channels.b2c2c.enabled"
    return switch is not None and switch in done.columns and not any_on(done, switch)


def scenarios(data: SweepData) -> dict[int, dict[str, Any]]:
    """Point id → the resolved base scenario it ran (plain data; empty when not written)."""
    folder = data.folder
    out: dict[int, dict[str, Any]] = {}
    single = folder / "base_scenario.yaml"
    for point in data.points["point_id"]:
        path = folder / "base_scenarios" / f"p{int(point):04d}.yaml"
        path = path if path.is_file() else single
        try:
            out[int(point)] = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError):
            out[int(point)] = {}
    return out


def currency(data: SweepData) -> str:
    """The money unit of the report (the first scenario's ``currency``)."""
    first = next(iter(scenarios(data).values()), {})
    return str(first.get("currency") or "CNY")
