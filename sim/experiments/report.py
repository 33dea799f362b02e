"""The report of a sweep: statistics across replications, figures and a Markdown text.

:func:`write_report` reads a results folder (:mod:`sim.experiments.store`: ``experiment.yaml``,
``points.csv``, ``problem.json``, ``metadata.json``, ``status.csv``, ``summary.csv``,
``timeseries.csv``) and writes ``report/`` beside them — plain files in, plain files out, no
model objects:

``report.md``
    What was run (experiment, design, points, replications, days, seeds, versions, failed
    runs), then per point the mean and 95 % confidence interval of the key KPIs, the figures
    and how to read them.
``point_statistics.csv``
    ``point_id, label, source, kpi, n, mean, sd, ci_low, ci_high`` for every summary KPI
    (``source`` = ``summary``) and the last recorded value of every kept measurement
    (``source`` = ``last_value``).
``figures/*.png`` and tables by design
    time series with 95 % bands (every design with more than one recorded day); outputs by
    point (up to :data:`MAX_POINTS_BY_POINT` points); a heatmap per output (two-parameter
    ``grid``); a tornado chart per output and ``tornado.csv`` (``oat``); Sobol' first-order
    and total indices with confidence intervals, ``sobol_indices.csv`` (``salib_sobol``);
    Morris μ* and σ, ``morris_indices.csv`` (``morris``); scatter plots of each output against
    each parameter (sampled designs and grids of more than two parameters); the scenario
    comparison (``scenarios``, see :mod:`sim.experiments.compare`).

Statistics (:func:`mean_ci`): over the finished replications of a point with a value (a
missing or non-finite value, e.g. the collapse day of a pyramid that did not collapse, is left
out and ``n`` says how many remain): mean, sample standard deviation (ddof 1) and the Student
t interval ``mean ± t(0.975, n − 1) · sd / √n``; with n = 1 there is no interval (empty cells).

Sensitivity indices are computed on the point means: the replications of each point are
averaged first, and the means are passed to SALib in point order (the design's order), with
the bootstrap seeded by the experiment's root seed.

The KPIs are the experiment's ``outputs`` (the first is the main KPI); by default the maker's
profit (the main KPI), units by enabled channel, identified customers, the top-20 % stores'
share of store sales, and, when present, the screen-spam measures (mean trust, muted and
blocked shares, detractors, sales per post) and the pyramid measures (share of agents at a
loss, stranded stock, collapse day).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import yaml

from sim.experiments.store import consolidate, read_journal

REPORT_DIR = "report"
FIGURES_DIR = "figures"
CONFIDENCE = 0.95
MAX_LINES = 8
"""Points drawn in one time-series figure; with more, the best and worst by the main KPI."""
MAX_POINTS_BY_POINT = 30
"""Points up to which the outputs-by-point figure is drawn."""
MAX_TABLE_ROWS = 40
"""Points up to which the report's KPI table lists every point (else the best and worst)."""
MAX_TIMESERIES_FIGURES = 16
SAMPLED = ("lhs", "sobol_qmc", "halton", "salib_sobol", "morris")
CHANNELS = ("b2b2c", "b2c", "b2c2c")
CHANNEL_NAMES = {"b2b2c": "B2B2C", "b2c": "B2C", "b2c2c": "B2C2C"}

SPAM_KPIS = (
    "spam.mean_trust_end",
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
    "mean_trust",
    "muted_share",
    "detractors",
    "participants",
    "pyramid_stock",
)
"""Measurements drawn when an experiment keeps all of them (``measurements: null``)."""

KPI_NAMES = {
    "manufacturer.profit": "maker's profit",
    "manufacturer.identified_customers": "identified customers",
    "micro_stores.top20_share": "top-20 % stores' share of store sales",
    "micro_stores.gini": "Gini of store sales",
    "micro_stores.active_end": "active micro-stores (end)",
    "consumers_aware_end": "aware consumers (end)",
    "adopters_end": "adopters (end)",
    "spam.mean_trust_end": "friends' mean trust in owners (end)",
    "spam.muted_share_end": "muted share of owners' friendships (end)",
    "spam.blocked_share_end": "blocked share of owners' friendships (end)",
    "spam.detractors_end": "detractors (end)",
    "spam.sales_per_post": "sales per post",
    "pyramid.share_at_loss": "pyramid agents at a loss (share)",
    "pyramid.stranded_stock": "stranded stock (units)",
    "pyramid.collapse_day": "collapse day (runs that collapsed)",
}


class ReportError(Exception):
    """A folder that is not a sweep's results folder (bad user input: exit code 2)."""


def kpi_name(key: str) -> str:
    """A KPI's name for tables and figures (the summary key itself if it has none)."""
    if key in KPI_NAMES:
        return KPI_NAMES[key]
    m = re.fullmatch(r"channels\.(b2b2c|b2c|b2c2c)\.(units|maker_margin|consumer_revenue)", key)
    if m:
        what = {"units": "units", "maker_margin": "maker's margin", "consumer_revenue": "sales"}
        return f"{what[m.group(2)]} {CHANNEL_NAMES[m.group(1)]}"
    if key.startswith("bullwhip_variance_ratio."):
        return f"bullwhip ratio {key.removeprefix('bullwhip_variance_ratio.')}"
    return key


def slug(text: str) -> str:
    """A file-name-safe version of a KPI or parameter name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", text).strip("_") or "x"


# --------------------------------------------------------------------------- statistics


@dataclass(frozen=True)
class Stats:
    """Mean and 95 % confidence interval of one KPI over replications."""

    n: int
    mean: float
    sd: float
    ci_low: float
    ci_high: float

    @property
    def half_width(self) -> float:
        """Half the interval's width (NaN without an interval)."""
        return (self.ci_high - self.ci_low) / 2


def mean_ci(values: Sequence[float] | np.ndarray, level: float = CONFIDENCE) -> Stats:
    """Mean, sample standard deviation and Student t confidence interval of finite values.

    Args:
        values: One value per replication; NaN and infinite values are left out.
        level: Confidence level of the interval.

    Returns:
        ``n`` values used; ``mean``; ``sd`` (ddof 1; NaN for n < 2); ``ci_low``, ``ci_high`` =
        ``mean ∓ t((1 + level) / 2, n − 1) · sd / √n`` (NaN for n < 2).
    """
    from scipy import stats

    x = np.asarray(values, dtype=float)
    x = x[np.isfinite(x)]
    n = len(x)
    if n == 0:
        return Stats(0, math.nan, math.nan, math.nan, math.nan)
    mean = float(x.mean())
    if n == 1:
        return Stats(1, mean, math.nan, math.nan, math.nan)
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf((1 + level) / 2, n - 1)) * sd / math.sqrt(n)
    return Stats(n, mean, sd, mean - half, mean + half)


def _band(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per day: n, mean and the t interval of a column over the frame's runs."""
    from scipy import stats

    grouped = frame.groupby("day")[column]
    out = pd.DataFrame({"n": grouped.count(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)})
    t = np.where(out["n"] > 1, stats.t.ppf((1 + CONFIDENCE) / 2, np.maximum(out["n"] - 1, 1)), 0)
    half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"].clip(lower=1)), np.nan)
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out.reset_index()


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

    def point_stats(self, key: str) -> dict[int, Stats]:
        """Point id → statistics of a summary KPI."""
        return {p: mean_ci(v) for p, v in self.point_values(key).items()}

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


def _any_on(summary: pd.DataFrame, column: str) -> bool:
    return column in summary.columns and bool((summary[column].fillna(0) > 0).any())


def default_outputs(summary: pd.DataFrame) -> list[str]:
    """The default KPIs, those of them the runs produced (see the module docstring)."""
    keys = ["manufacturer.profit"]
    keys += [
        f"channels.{ch}.units" for ch in CHANNELS if _any_on(summary, f"channels.{ch}.enabled")
    ]
    keys.append("manufacturer.identified_customers")
    if _any_on(summary, "channels.b2c2c.enabled"):
        keys.append("micro_stores.top20_share")
    if _any_on(summary, "mechanisms.spam"):
        keys += SPAM_KPIS
    if _any_on(summary, "mechanisms.pyramid"):
        keys += PYRAMID_KPIS
    return [k for k in keys if k in summary.columns]


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
            rows.append([point, labels[point], "summary", key, *_stats_row(stats)])
    if len(data.timeseries) and data.measurements:
        last = data.timeseries.sort_values(["run_id", "day"]).groupby("run_id").tail(1)
        by_point = {int(p): g for p, g in last.groupby("point_id")}
        for name in data.measurements:
            for point in labels:
                group = by_point.get(point)
                values = group[name].to_numpy(dtype=float) if group is not None else []
                rows.append(
                    [point, labels[point], "last_value", name, *_stats_row(mean_ci(values))]
                )
    columns = ["point_id", "label", "source", "kpi", "n", "mean", "sd", "ci_low", "ci_high"]
    return pd.DataFrame(rows, columns=columns)


def _stats_row(s: Stats) -> list[Any]:
    return [s.n, s.mean, s.sd, s.ci_low, s.ci_high]


def fmt(x: float) -> str:
    """A number for a table: thousands separators, a few significant digits; NaN as '–'."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:,.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a == 0:
        return "0"
    return f"{x:.3g}"


def cell(s: Stats, of: int | None = None) -> str:
    """``mean (low – high)``, or the mean alone for n = 1; ``n=k of N`` when values are
    missing for some runs."""
    if s.n == 0:
        return "–"
    text = fmt(s.mean) if s.n < 2 else f"{fmt(s.mean)} ({fmt(s.ci_low)} – {fmt(s.ci_high)})"
    if of is not None and s.n < of:
        text += f" [n={s.n} of {of}]"
    return text


def _md_table(header: list[str], rows: list[list[str]]) -> str:
    def esc(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" if k == 0 else "---:" for k in range(len(header))) + "|")
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """A figure written for the report, with its heading and how to read it."""

    path: Path
    title: str
    note: str


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def short(text: str, width: int = 40) -> str:
    """Text cut to ``width`` characters (with an ellipsis)."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _shown_points(data: SweepData) -> tuple[list[int], str]:
    """The points a figure draws (at most MAX_LINES) and a note on the choice."""
    ids = [int(p) for p in data.points["point_id"]]
    if len(ids) <= MAX_LINES:
        return ids, ""
    if data.main is None:
        return ids[:MAX_LINES], f"the first {MAX_LINES} of {len(ids)} points"
    means = data.point_means(data.main)
    order = [ids[i] for i in np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")]
    order = [p for p in order if np.isfinite(means[ids.index(p)])]
    half = MAX_LINES // 2
    chosen = order[:half] + [p for p in order[-half:] if p not in order[:half]]
    return chosen, (
        f"the {half} best and {half} worst of {len(ids)} points by {kpi_name(data.main)}"
    )


def _colors(n: int) -> list[Any]:
    cmap = plt.get_cmap("tab10" if n <= 10 else "tab20")
    return [cmap(i % cmap.N) for i in range(n)]


def timeseries_figures(
    data: SweepData, out: Path, skip: Sequence[str] = ()
) -> tuple[list[Figure], list[str]]:
    """One figure per kept measurement: mean and 95 % band per point over time.

    Measurements in ``skip`` (drawn elsewhere) and those that are zero in every run are left
    out (with a note).
    """
    notes: list[str] = []
    ts = data.timeseries
    if not len(ts):
        return [], ["No time series: no run finished."]
    days_per_run = ts.groupby("run_id")["day"].nunique()
    if days_per_run.max() < 2:
        return [], ["No time-series figures: the runs kept only their last day (record: end)."]
    names = data.measurements
    if data.experiment.get("measurements") is None:
        names = [m for m in KEY_MEASUREMENTS if m in names and ts[m].notna().any()]
        notes.append(
            "The experiment kept every measurement; the time-series figures show the key ones ("
            + ", ".join(f"`{m}`" for m in names)
            + "); `point_statistics.csv` has the last value of all of them."
        )
    names = [m for m in names if m not in skip]
    zero = [m for m in names if not (ts[m].fillna(0) != 0).any()]
    if zero:
        notes.append("Not drawn, zero in every run: " + ", ".join(f"`{m}`" for m in zero) + ".")
        names = [m for m in names if m not in zero]
    if len(names) > MAX_TIMESERIES_FIGURES:
        notes.append(
            f"Time-series figures for the first {MAX_TIMESERIES_FIGURES} of {len(names)} kept "
            "measurements."
        )
        names = names[:MAX_TIMESERIES_FIGURES]
    shown, why = _shown_points(data)
    labels = data.labels()
    colors = _colors(len(shown))
    figures = []
    for name in names:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for color, point in zip(colors, shown, strict=True):
            runs = ts[ts["point_id"] == point]
            if not len(runs) or runs[name].isna().all():
                continue
            band = _band(runs, name)
            ax.plot(band["day"], band["mean"], color=color, label=short(labels[point]), lw=1.2)
            ax.fill_between(band["day"], band["low"], band["high"], color=color, alpha=0.2, lw=0)
        ax.set_xlabel("day")
        ax.set_ylabel(name)
        title = f"{name}: mean over replications with 95 % band"
        ax.set_title(title + (f"\n({why})" if why else ""), fontsize=10)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
        path = _save(fig, out / f"ts_{slug(name)}.png")
        figures.append(
            Figure(
                path,
                f"Time series: {name}",
                "Each line is a point's mean over its replications on each recorded day; the "
                "shaded band is the 95 % confidence interval of that mean (none with one "
                "replication). Bands that do not overlap indicate a difference larger than "
                "run-to-run noise." + (f" Shown: {why}." if why else ""),
            )
        )
    return figures, notes


def outputs_by_point_figure(data: SweepData, out: Path) -> list[Figure]:
    """Each output's mean and 95 % interval per point (small multiples)."""
    n_points = len(data.points)
    if not data.outputs or n_points > MAX_POINTS_BY_POINT:
        return []
    keys = data.outputs[:9]
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.2 * cols, 0.9 + 0.22 * n_points * rows + 1.2 * rows), squeeze=False
    )
    labels = [short(label, 32) for label in data.points["label"]]
    y = np.arange(n_points)
    for ax, key in zip(axes.flat, keys, strict=False):
        stats = list(data.point_stats(key).values())
        means = np.array([s.mean for s in stats])
        err = np.array([s.half_width if s.n > 1 else 0.0 for s in stats])
        ax.errorbar(means, y, xerr=err, fmt="o", color="#1f77b4", ms=4, capsize=3)
        ax.set_yticks(y, labels if ax in axes[:, 0] else [""] * n_points, fontsize=7)
        ax.invert_yaxis()
        ax.set_title(short(kpi_name(key), 45), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    fig.suptitle("Outputs by point: mean and 95 % confidence interval", fontsize=10)
    path = _save(fig, out / "outputs_by_point.png")
    return [
        Figure(
            path,
            "Outputs by point",
            "One panel per output: the dot is the point's mean over its replications, the "
            "whiskers its 95 % confidence interval. Points whose whiskers do not overlap differ "
            "by more than run-to-run noise."
            + (" Only the first 9 outputs." if len(keys) > 9 else ""),
        )
    ]


def _level_names(data: SweepData, path: str) -> tuple[list[Any], list[str]]:
    levels = data.problem.get("levels", {}).get(path, [])
    names = data.problem.get("level_labels", {}).get(path)
    if names is None:
        from sim.experiments.designs import format_value

        names = [short(format_value(v), 14) for v in levels]
    return levels, list(names)


def heatmap_figures(data: SweepData, out: Path) -> list[Figure]:
    """For a two-parameter grid: each output's mean over the grid (first parameter down)."""
    p1, p2 = data.parameters
    levels1, names1 = _level_names(data, p1)
    levels2, names2 = _level_names(data, p2)
    n1, n2 = len(levels1), len(levels2)
    if n1 * n2 != len(data.points):
        return []
    from sim.experiments.designs import short_names

    short_name = short_names([p1, p2])
    figures = []
    for key in data.outputs:
        stats = list(data.point_stats(key).values())
        grid = np.array([s.mean for s in stats]).reshape(n1, n2)
        fig, ax = plt.subplots(figsize=(min(3 + 1.3 * n2, 14), min(1.8 + 0.7 * n1, 10)))
        finite = np.isfinite(grid)
        image = ax.imshow(np.where(finite, grid, np.nan), cmap="viridis", aspect="auto")
        fig.colorbar(image, ax=ax, label=kpi_name(key))
        ax.set_xticks(
            range(n2), names2, rotation=30 if n2 > 5 else 0, ha="right" if n2 > 5 else "center"
        )
        ax.set_yticks(range(n1), names1)
        ax.set_xlabel(short_name[p2])
        ax.set_ylabel(short_name[p1])
        lo, hi = (np.nanmin(grid), np.nanmax(grid)) if finite.any() else (0.0, 1.0)
        for i in range(n1):
            for j in range(n2):
                s = stats[i * n2 + j]
                text = fmt(s.mean) + (f"\n±{fmt(s.half_width)}" if s.n > 1 else "")
                dark = finite[i, j] and (grid[i, j] - lo) < 0.5 * (hi - lo)
                ax.text(
                    j,
                    i,
                    text,
                    ha="center",
                    va="center",
                    fontsize=7,
                    color="white" if dark else "black",
                )
        ax.set_title(f"{kpi_name(key)}: mean over replications", fontsize=10)
        path = _save(fig, out / f"heatmap_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Heatmap: {kpi_name(key)}",
                f"Each cell is one combination of `{p1}` (rows) and `{p2}` (columns); its "
                "colour and first number are the mean over replications, the second number the "
                "half-width of its 95 % confidence interval. Look for where the colour peaks "
                "and whether neighbouring cells differ by more than their ± values.",
            )
        )
    return figures


def tornado(data: SweepData, out: Path) -> tuple[list[Figure], pd.DataFrame]:
    """For a one-at-a-time design: the change of each output at each parameter's low and high
    value from the baseline (point 0)."""
    bounds = data.problem.get("bounds", [])
    rows = []
    figures = []
    for key in data.outputs:
        stats = list(data.point_stats(key).values())
        base = stats[0]
        entries = []
        for j, path in enumerate(data.parameters):
            low, high = stats[1 + 2 * j], stats[2 + 2 * j]
            lo_value, hi_value = bounds[j] if j < len(bounds) else (math.nan, math.nan)
            entries.append((path, lo_value, hi_value, low, high))
            rows.append(
                [
                    key,
                    path,
                    lo_value,
                    hi_value,
                    base.mean,
                    low.mean,
                    high.mean,
                    low.mean - base.mean,
                    high.mean - base.mean,
                    low.half_width,
                    high.half_width,
                ]
            )
        entries.sort(
            key=lambda e: -np.nanmax([abs(e[3].mean - base.mean), abs(e[4].mean - base.mean), 0])
        )
        fig, ax = plt.subplots(figsize=(9, 1.2 + 0.55 * len(entries)))
        y = np.arange(len(entries))
        from sim.experiments.designs import format_value

        for k, (_path, _lo, _hi, low, high) in enumerate(entries):
            for stats_, color, name in ((low, "#1f77b4", "low"), (high, "#ff7f0e", "high")):
                effect = stats_.mean - base.mean
                if not np.isfinite(effect):
                    continue
                ax.barh(
                    k,
                    effect,
                    left=base.mean,
                    color=color,
                    alpha=0.8,
                    label=f"parameter at its {name} value" if k == 0 else None,
                )
                if stats_.n > 1:
                    ax.errorbar(
                        stats_.mean, k, xerr=stats_.half_width, color="black", capsize=3, lw=0.8
                    )
        names = [
            f"{short(p, 38)}\n({format_value(lo)} / {format_value(hi)})"
            for p, lo, hi, _, _ in entries
        ]
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(base.mean, color="black", lw=1)
        ax.set_xlabel(f"{kpi_name(key)} (baseline {fmt(base.mean)})")
        ax.set_title(f"One at a time: {kpi_name(key)}", fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        path = _save(fig, out / f"tornado_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Tornado: {kpi_name(key)}",
                "Each bar starts at the baseline (all parameters at their base values, the "
                "vertical line) and ends at the mean with one parameter at its low (blue) or "
                "high (orange) value, the others at base values; whiskers are 95 % intervals. "
                "The longest bars, at the top, are the parameters this output is most sensitive "
                "to within the ranges tried; interactions between parameters are not shown.",
            )
        )
    columns = [
        "output",
        "parameter",
        "low_value",
        "high_value",
        "baseline_mean",
        "mean_at_low",
        "mean_at_high",
        "effect_low",
        "effect_high",
        "ci_half_width_low",
        "ci_half_width_high",
    ]
    return figures, pd.DataFrame(rows, columns=columns)


def _salib_problem(data: SweepData) -> dict[str, Any]:
    return {
        "num_vars": len(data.problem["names"]),
        "names": list(data.problem["names"]),
        "bounds": [list(b) for b in data.problem["bounds"]],
    }


def _bootstrap_seed(data: SweepData) -> int:
    """SALib's bootstrap seed: the root seed (SALib treats 0 as no seed, so 0 becomes 1)."""
    root = int(data.metadata.get("root_seed", data.experiment.get("seed", 0)) or 0)
    return (root % 2**32) or 1


def _analysable(data: SweepData, key: str) -> tuple[np.ndarray | None, str]:
    y = data.point_means(key)
    if not np.isfinite(y).all():
        missing = int((~np.isfinite(y)).sum())
        return None, f"{missing} of {len(y)} points have no finished run with a value"
    if np.ptp(y) == 0:
        return None, "it has the same value at every point"
    return y, ""


def sobol(data: SweepData, out: Path) -> tuple[list[Figure], pd.DataFrame, pd.DataFrame, list[str]]:
    """Sobol' first-order and total indices of each output (SALib), on point means."""
    from SALib.analyze import sobol as salib_sobol

    problem = _salib_problem(data)
    second = bool(data.problem.get("calc_second_order", False))
    rows, pairs, notes, figures = [], [], [], []
    for key in data.outputs:
        y, why = _analysable(data, key)
        if y is None:
            notes.append(f"No Sobol' indices for `{key}`: {why}.")
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            si = salib_sobol.analyze(
                problem,
                y,
                calc_second_order=second,
                num_resamples=100,
                conf_level=CONFIDENCE,
                seed=_bootstrap_seed(data),
            )
        names = problem["names"]
        for j, name in enumerate(names):
            rows.append([key, name, si["S1"][j], si["S1_conf"][j], si["ST"][j], si["ST_conf"][j]])
        if second:
            for j in range(len(names)):
                for k in range(j + 1, len(names)):
                    pairs.append([key, names[j], names[k], si["S2"][j, k], si["S2_conf"][j, k]])
        fig, ax = plt.subplots(figsize=(max(6, 1.6 * len(names) + 2), 4.5))
        x = np.arange(len(names))
        ax.bar(x - 0.2, si["S1"], 0.4, yerr=si["S1_conf"], capsize=3, label="first order S1")
        ax.bar(x + 0.2, si["ST"], 0.4, yerr=si["ST_conf"], capsize=3, label="total ST")
        ax.set_xticks(x, [short(n.split(".")[-1], 22) for n in names], rotation=20, ha="right")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_ylabel("share of the output's variance")
        ax.set_title(f"Sobol' indices: {kpi_name(key)}", fontsize=10)
        ax.legend(fontsize=8)
        path = _save(fig, out / f"sobol_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Sobol' indices: {kpi_name(key)}",
                "S1 (first order) is the share of the output's variance explained by a "
                "parameter alone; ST (total) adds its interactions with the others. A large "
                "ST − S1 gap means interactions; ST near 0 means the parameter can be fixed "
                "anywhere in its range. Whiskers are 95 % bootstrap intervals: with few "
                "samples they are wide and small negative values are estimation noise.",
            )
        )
    table = pd.DataFrame(rows, columns=["output", "parameter", "S1", "S1_conf", "ST", "ST_conf"])
    pair_table = pd.DataFrame(
        pairs, columns=["output", "parameter_1", "parameter_2", "S2", "S2_conf"]
    )
    return figures, table, pair_table, notes


def _morris_inputs(data: SweepData) -> tuple[np.ndarray, str]:
    """The design's inputs for SALib's Morris analysis.

    Morris needs, for each step of a trajectory, which parameter moved and in which direction.
    The unit-cube sample is regenerated from the resolved experiment (same sampler and seed)
    and used if it reproduces ``points.csv``; otherwise (e.g. another SALib version) the values
    in ``points.csv`` scaled to the unit interval are used, which is the same unless two levels
    of an integer parameter round to the same number.
    """
    names = list(data.problem["names"])
    values = data.points[names].to_numpy(dtype=float)
    bounds = np.array(data.problem["bounds"], dtype=float)
    scaled = (values - bounds[:, 0]) / (bounds[:, 1] - bounds[:, 0])
    try:
        from pydantic import TypeAdapter

        from sim.experiments import designs
        from sim.experiments.spec import MorrisDesign

        design = TypeAdapter(MorrisDesign).validate_python(data.experiment["design"])
        unit, _ = designs._salib_unit(design, names, int(data.experiment.get("seed", 0)))
        ranges = list(design.parameters.values())
        again = np.array(
            [[designs._scaled(u, r) for u, r in zip(row, ranges, strict=True)] for row in unit]
        )
        if again.shape == values.shape and np.allclose(again, values, rtol=1e-12, atol=0):
            return unit, "the design's unit-cube sample"
    except Exception:
        pass
    return scaled, "the point values scaled to [0, 1]"


def morris(data: SweepData, out: Path) -> tuple[list[Figure], pd.DataFrame, list[str]]:
    """Morris μ*, μ and σ of each output (SALib), on point means."""
    from SALib.analyze import morris as salib_morris

    problem = _salib_problem(data)
    x, _source = _morris_inputs(data)
    levels = int(data.problem.get("num_levels", 4))
    rows, notes, figures = [], [], []
    for key in data.outputs:
        y, why = _analysable(data, key)
        if y is None:
            notes.append(f"No Morris measures for `{key}`: {why}.")
            continue
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            si = salib_morris.analyze(
                problem,
                x,
                y,
                num_resamples=100,
                conf_level=CONFIDENCE,
                num_levels=levels,
                seed=_bootstrap_seed(data),
            )
        names = problem["names"]
        for j, name in enumerate(names):
            rows.append(
                [key, name, si["mu"][j], si["mu_star"][j], si["mu_star_conf"][j], si["sigma"][j]]
            )
        fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
        order = np.argsort(-np.asarray(si["mu_star"]))
        short_names = [short(n.split(".")[-1], 22) for n in names]
        ax1.barh(
            np.arange(len(names)),
            np.asarray(si["mu_star"])[order],
            xerr=np.asarray(si["mu_star_conf"])[order],
            capsize=3,
            color="#1f77b4",
        )
        ax1.set_yticks(np.arange(len(names)), [short_names[i] for i in order], fontsize=8)
        ax1.invert_yaxis()
        ax1.set_xlabel("μ* (mean |elementary effect|, per full range)")
        ax1.set_title("Importance: μ* with 95 % interval", fontsize=10)
        ax2.scatter(si["mu_star"], si["sigma"], color="#d62728")
        for j, name in enumerate(short_names):
            ax2.annotate(
                name,
                (si["mu_star"][j], si["sigma"][j]),
                fontsize=8,
                xytext=(3, 3),
                textcoords="offset points",
            )
        top = float(np.nanmax([*si["mu_star"], *si["sigma"], 0])) or 1.0
        ax2.plot([0, top], [0, top], color="grey", lw=0.8, ls="--", label="σ = μ*")
        ax2.set_xlabel("μ*")
        ax2.set_ylabel("σ (spread of the effects)")
        ax2.set_title("Non-linearity and interactions: σ against μ*", fontsize=10)
        ax2.legend(fontsize=8)
        fig.suptitle(f"Morris screening: {kpi_name(key)}", fontsize=10)
        path = _save(fig, out / f"morris_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Morris screening: {kpi_name(key)}",
                "μ* is the mean absolute change of the output when a parameter moves across its "
                "whole range (elementary effects), so larger μ* means more influence; σ is the "
                "spread of those effects: σ near or above μ* (right panel, above the dashed "
                "line) means the effect depends on the other parameters (interactions) or is "
                "non-linear. Parameters near the origin can be fixed.",
            )
        )
    columns = ["output", "parameter", "mu", "mu_star", "mu_star_conf", "sigma"]
    return figures, pd.DataFrame(rows, columns=columns), notes


def _numeric(column: pd.Series) -> tuple[np.ndarray, list[str] | None]:
    """A parameter column as numbers, or as category positions with their names."""
    values = pd.to_numeric(column, errors="coerce")
    if values.notna().all():
        return values.to_numpy(dtype=float), None
    categories = list(dict.fromkeys(column.astype(str)))
    position = {c: i for i, c in enumerate(categories)}
    return np.array([position[c] for c in column.astype(str)], dtype=float), [
        short(c, 14) for c in categories
    ]


def scatter_figures(data: SweepData, out: Path) -> list[Figure]:
    """Each output's point means against each parameter (sampled designs, larger grids)."""
    figures = []
    params = data.parameters
    cols = min(3, len(params))
    rows = math.ceil(len(params) / cols)
    for key in data.outputs:
        stats = list(data.point_stats(key).values())
        means = np.array([s.mean for s in stats])
        err = np.array([s.half_width if s.n > 1 else 0.0 for s in stats])
        fig, axes = plt.subplots(rows, cols, figsize=(4.2 * cols, 3.4 * rows), squeeze=False)
        for ax, path in zip(axes.flat, params, strict=False):
            x, names = _numeric(data.points[path])
            ax.errorbar(
                x,
                means,
                yerr=err if (err > 0).any() else None,
                fmt="o",
                ms=3,
                alpha=0.7,
                color="#1f77b4",
                elinewidth=0.6,
            )
            if names is not None:
                ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=7)
            ax.set_xlabel(short(path, 45), fontsize=8)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(params) :]:
            ax.set_visible(False)
        axes[0, 0].set_ylabel(short(kpi_name(key), 40), fontsize=8)
        fig.suptitle(f"{kpi_name(key)} against each parameter (point means)", fontsize=10)
        path = _save(fig, out / f"scatter_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Scatter: {kpi_name(key)} against each parameter",
                "Each dot is one point of the design (its mean over replications; whiskers are "
                "95 % intervals when there are several). A clear trend in a panel means the "
                "output responds to that parameter across the others' ranges; a shapeless cloud "
                "means it matters little, or only together with other parameters.",
            )
        )
    return figures


# --------------------------------------------------------------------------- the report


def write_report(folder: Path) -> Path:
    """Write ``folder/report/`` (report.md, point_statistics.csv, figures, tables).

    The report is written under a temporary name and renamed into place, replacing an older
    one.

    Args:
        folder: A sweep's results folder.

    Returns:
        The path of ``report.md``.

    Raises:
        ReportError: If the folder is not a sweep's results folder.
    """
    folder = Path(folder)
    data = load_results(folder)
    staging = folder / f".{REPORT_DIR}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / FIGURES_DIR).mkdir(parents=True)
    try:
        text = _build(data, staging)
        (staging / "report.md").write_text(text, encoding="utf-8")
        target = folder / REPORT_DIR
        old = folder / f".{REPORT_DIR}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / REPORT_DIR / "report.md"


def _build(data: SweepData, out: Path) -> str:
    """Write the tables and figures into ``out``; return the Markdown text."""
    figures_dir = out / FIGURES_DIR
    stats = point_statistics(data)
    stats.to_csv(out / "point_statistics.csv", index=False, lineterminator="\n")
    notes: list[str] = []
    sections: list[tuple[str, list[Figure]]] = []
    tables: list[tuple[str, str]] = [
        ("point_statistics.csv", "per point and KPI: n, mean, sd, 95 % interval")
    ]
    comparison = ""
    drawn: list[str] = []
    design = data.design
    if design == "scenarios" and len(data.done):
        from sim.experiments import compare

        table = compare.comparison_table(data)
        table.to_csv(out / "comparison.csv", index=False, lineterminator="\n")
        tables.append(("comparison.csv", "per scenario and KPI: n, mean, sd, 95 % interval"))
        comparison = compare.comparison_markdown(data, table)
        figs, drawn = compare.comparison_figures(data, figures_dir)
        sections.append(("Scenarios compared", figs))
    if data.outputs and len(data.done):
        if design == "grid" and len(data.parameters) == 2:
            sections.append(("Heatmaps", heatmap_figures(data, figures_dir)))
        if design == "oat":
            figs, table = tornado(data, figures_dir)
            table.to_csv(out / "tornado.csv", index=False, lineterminator="\n")
            tables.append(("tornado.csv", "per output and parameter: the effect of low and high"))
            sections.append(("One at a time", figs))
        if design == "salib_sobol":
            figs, table, pairs, more = sobol(data, figures_dir)
            table.to_csv(out / "sobol_indices.csv", index=False, lineterminator="\n")
            tables.append(("sobol_indices.csv", "per output and parameter: S1, ST and intervals"))
            if data.problem.get("calc_second_order"):
                pairs.to_csv(out / "sobol_second_order.csv", index=False, lineterminator="\n")
                tables.append(("sobol_second_order.csv", "per output and pair: S2"))
            sections.append(("Sobol' sensitivity indices", figs))
            notes += more
        if design == "morris":
            figs, table, more = morris(data, figures_dir)
            table.to_csv(out / "morris_indices.csv", index=False, lineterminator="\n")
            tables.append(("morris_indices.csv", "per output and parameter: μ, μ*, σ"))
            sections.append(("Morris screening", figs))
            notes += more
        if design in SAMPLED or (design == "grid" and len(data.parameters) > 2):
            sections.append(("Outputs against parameters", scatter_figures(data, figures_dir)))
        sections.append(("Outputs by point", outputs_by_point_figure(data, figures_dir)))
    figs, more = timeseries_figures(data, figures_dir, skip=drawn)
    sections.append(("Time series", figs))
    notes += more
    return _markdown(data, out, sections, tables, notes, comparison)


def _markdown(
    data: SweepData,
    out: Path,
    sections: list[tuple[str, list[Figure]]],
    tables: list[tuple[str, str]],
    notes: list[str],
    comparison: str,
) -> str:
    exp, meta = data.experiment, data.metadata
    name = exp.get("name", data.folder.name)
    lines = [f"# Experiment report: {name}", ""]
    if exp.get("description"):
        lines += [str(exp["description"]), ""]
    lines += ["## What was run", "", _md_table(["", ""], _run_facts(data)), ""]
    failed = data.summary[data.summary["status"] != "done"]
    if meta.get("status") == "interrupted" or len(data.summary) < int(meta.get("runs", 0)):
        lines += [
            f"**Partial results:** {len(data.done)} of {meta.get('runs', '?')} runs are done "
            "(the sweep was interrupted or is still running); `chansim sweep … --resume` "
            "completes it.",
            "",
        ]
    if len(failed):
        lines += [f"**{len(failed)} runs failed** and are left out of every statistic:", ""]
        rows = [[r, data.errors.get(r, "")] for r in failed["run_id"]]
        lines += [_md_table(["run", "error"], rows[:20]), ""]
        if len(rows) > 20:
            lines += [f"… and {len(rows) - 20} more (see `status.csv`).", ""]
    if data.missing_outputs:
        lines += [
            "**Outputs not produced by any run** (not columns of `summary.csv`, so left out): "
            + ", ".join(f"`{k}`" for k in data.missing_outputs),
            "",
        ]
    if comparison:
        lines += [comparison, ""]
    lines += _results_by_point(data)
    for title, figures in sections:
        if not figures:
            continue
        lines += [f"## {title}", ""]
        shared = len({f.note for f in figures}) == 1 and len(figures) > 1
        if shared:
            lines += [f"How to read: {figures[0].note}", ""]
        for figure in figures:
            rel = figure.path.relative_to(out).as_posix()
            lines += [f"### {figure.title}", "", f"![{figure.title}]({rel})", ""]
            if not shared:
                lines += [f"How to read: {figure.note}", ""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    lines += ["## Files", ""]
    lines += [f"- `{f}`: {what}" for f, what in tables]
    lines += [
        "- `../summary.csv`: one row per run (parameters and every summary KPI); "
        "`../timeseries.csv`: the kept measurements of every run by day; `../points.csv`: the "
        "design's points.",
        "",
        "Statistics are over the finished replications of each point: the mean, the sample "
        "standard deviation and the 95 % Student t confidence interval of the mean "
        "(mean ± t(0.975, n−1)·sd/√n). A missing value (e.g. the collapse day of a pyramid that "
        "did not collapse) is left out, and `n` says how many runs remain."
        + (
            " Sensitivity indices are computed on the point means (replications averaged "
            "first), in the design's point order."
            if data.design in ("salib_sobol", "morris")
            else ""
        ),
        "",
    ]
    return "\n".join(lines)


def _run_facts(data: SweepData) -> list[list[str]]:
    exp, meta, problem = data.experiment, data.metadata, data.problem
    done, total = len(data.done), int(meta.get("runs", len(data.summary)))
    facts = [["experiment", f"`{exp.get('name', data.folder.name)}`"]]
    facts.append(["design", _design_text(data)])
    facts.append(["points", f"{len(data.points):,}"])
    facts.append(["replications", f"{exp.get('replications', 1)} per point"])
    facts.append(["runs", f"{total:,} ({done:,} done, {total - done:,} not done or failed)"])
    every = (exp.get("record") or {}).get("every", 1)
    kept = (
        "only the last day"
        if every == "end"
        else ("every day" if every == 1 else f"every {every} days and the last day")
    )
    days = exp.get("days")
    if "days_simulated" in data.done.columns and len(data.done):
        simulated = data.done["days_simulated"]
        if simulated.nunique() > 1:
            kept += f"; runs lasted {int(simulated.min())}–{int(simulated.max())} days"
    facts.append(["days", f"{days} (measurements kept {kept})"])
    if "consumers" in data.done.columns and len(data.done):
        sizes = sorted({int(c) for c in data.done["consumers"].dropna()})
        facts.append(["consumers", ", ".join(f"{c:,}" for c in sizes)])
    if exp.get("base"):
        facts.append(["base scenario", f"`{exp['base']}`"])
    if exp.get("overrides"):
        facts.append(
            ["overrides", ", ".join(f"`{k}={json.dumps(v)}`" for k, v in exp["overrides"].items())]
        )
    if exp.get("stop"):
        facts.append(["early stop", f"`{json.dumps(exp['stop'])}`"])
    facts.append(
        [
            "seeds",
            f"root seed {meta.get('root_seed', exp.get('seed'))}; each run's seed from "
            "`SeedSequence(root, spawn_key=(point, replication))` (column `seed` of "
            "`summary.csv`)",
        ]
    )
    outputs = data.outputs
    facts.append(
        [
            "KPIs",
            ", ".join(f"`{k}`" for k in outputs)
            + (" (the experiment's outputs)" if exp.get("outputs") else " (default)")
            + (f"; main KPI `{outputs[0]}`" if outputs else ""),
        ]
    )
    executor = meta.get("executor")
    if executor:
        workers = meta.get("workers")
        facts.append(["executor", f"{executor}, {workers} worker{'s' if workers != 1 else ''}"])
    if meta.get("started"):
        facts.append(["started / finished", f"{meta.get('started')} / {meta.get('finished')}"])
    versions = meta.get("versions") or {}
    if versions:
        facts.append(["versions", ", ".join(f"{k} {v}" for k, v in versions.items())])
    if meta.get("git_revision"):
        dirty = " (with uncommitted changes)" if meta.get("git_dirty") else ""
        facts.append(["git revision", f"`{meta['git_revision']}`{dirty}"])
    if meta.get("experiment_sha256"):
        facts.append(["experiment sha256", f"`{meta['experiment_sha256']}`"])
    del problem
    return facts


def _design_text(data: SweepData) -> str:
    from sim.experiments.designs import format_value

    problem, design = data.problem, data.design
    names = list(problem.get("names", []))
    if design == "scenarios":
        return f"scenarios: {len(data.points)} scenario files compared side by side"
    if not names:
        return "the base scenario alone"
    if design == "grid":
        parts = []
        for path in names:
            levels, labels = _level_names(data, path)
            parts.append(f"`{path}` ({len(levels)} values: {', '.join(labels)})")
        return "full grid over " + "; ".join(parts)
    if design == "oat":
        bounds = problem.get("bounds", [])
        parts = [
            f"`{p}` ({format_value(b[0])} / {format_value(b[1])})"
            for p, b in zip(names, bounds, strict=False)
        ]
        return "one at a time around the base values (baseline, then low / high): " + ", ".join(
            parts
        )
    if design in SAMPLED:
        bounds = problem.get("bounds", [])
        ranges = ", ".join(
            f"`{p}` in [{format_value(b[0])}, {format_value(b[1])}]"
            for p, b in zip(names, bounds, strict=False)
        )
        what = {
            "lhs": f"Latin hypercube, {problem.get('samples')} samples",
            "sobol_qmc": f"Sobol' sequence, {problem.get('samples')} samples",
            "halton": f"Halton sequence, {problem.get('samples')} samples",
            "salib_sobol": "Saltelli's scheme for Sobol' indices, "
            f"N = {problem.get('base_samples')}"
            + (" with second-order indices" if problem.get("calc_second_order") else ""),
            "morris": f"Morris, {problem.get('trajectories')} trajectories on "
            f"{problem.get('num_levels')} levels",
        }[design]
        return f"{what}: {ranges}"
    return f"{len(data.points)} hand-picked points over " + ", ".join(f"`{p}`" for p in names)


def _results_by_point(data: SweepData) -> list[str]:
    if not data.outputs:
        return ["## Results by point", "", "No KPI has a value: no run finished.", ""]
    labels = data.labels()
    ids = list(labels)
    runs = data.done.groupby("point_id").size().to_dict()
    stats = {key: data.point_stats(key) for key in data.outputs}
    lines = ["## Results by point", ""]
    reps = int(data.experiment.get("replications", 1))
    if reps == 1:
        lines += [
            "One replication per point: the tables give single runs' values and **no "
            "confidence intervals** (an interval needs at least two replications).",
            "",
        ]
    else:
        lines += [
            f"Mean over the {reps} replications of each point and, in brackets, the 95 % "
            "confidence interval of that mean (Student t). `[n=k of N]` marks a KPI some runs "
            "have no value for.",
            "",
        ]
    shown = ids
    if len(ids) > MAX_TABLE_ROWS and data.main is not None:
        means = data.point_means(data.main)
        order = [ids[i] for i in np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")]
        shown = order[:10] + order[-10:]
        lines += [
            f"{len(ids)} points: the 10 best and the 10 worst by `{data.main}` (all points are in "
            "`point_statistics.csv`).",
            "",
        ]
    if len(shown) <= 6:
        header = ["KPI", *(short(labels[p], 30) for p in shown)]
        rows = [
            [kpi_name(key), *(cell(stats[key][p], runs.get(p, 0)) for p in shown)]
            for key in data.outputs
        ]
    else:
        header = ["point", *(kpi_name(k) for k in data.outputs)]
        rows = [
            [f"{p}: {labels[p]}", *(cell(stats[key][p], runs.get(p, 0)) for key in data.outputs)]
            for p in shown
        ]
    lines += [_md_table(header, rows), ""]
    return lines
