"""Figures of a sweep's report made from its tables: time series with bands, outputs by point,
heatmaps of two-parameter grids, scatter plots against parameters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiments.statistics import confidence_band, mean_ci
from sim.experiments.sweep_data import KEY_MEASUREMENTS, SweepData, kpi_name, slug
from sim.experiments.tables import fmt

MAX_LINES = 8
"""Points drawn in one time-series figure; with more, the best and worst by the main KPI."""
MAX_POINTS_BY_POINT = 30
"""Points up to which the outputs-by-point figure is drawn."""
MAX_TIMESERIES_FIGURES = 16


# --------------------------------------------------------------------------- figures


@dataclass
class Figure:
    """A figure written for the report, with its heading and how to read it."""

    path: Path
    title: str
    note: str


def save_figure(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def short(text: str, width: int = 40) -> str:
    """Text cut to ``width`` characters (with an ellipsis)."""
    text = str(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def shown_points(data: SweepData) -> tuple[list[int], str]:
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


def palette(n: int) -> list[Any]:
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
    shown, why = shown_points(data)
    labels = data.labels()
    colors = palette(len(shown))
    figures = []
    for name in names:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        for color, point in zip(colors, shown, strict=True):
            runs = ts[ts["point_id"] == point]
            if not len(runs) or runs[name].isna().all():
                continue
            band = confidence_band(runs, name)
            ax.plot(band["day"], band["mean"], color=color, label=short(labels[point]), lw=1.2)
            ax.fill_between(band["day"], band["low"], band["high"], color=color, alpha=0.2, lw=0)
        ax.set_xlabel("day")
        ax.set_ylabel(name)
        title = f"{name}: mean over replications with 95 % band"
        ax.set_title(title + (f"\n({why})" if why else ""), fontsize=10)
        if ax.get_legend_handles_labels()[0]:
            ax.legend(fontsize=7, loc="best")
        path = save_figure(fig, out / f"ts_{slug(name)}.png")
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
    path = save_figure(fig, out / "outputs_by_point.png")
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


def level_names(data: SweepData, path: str) -> tuple[list[Any], list[str]]:
    levels = data.problem.get("levels", {}).get(path, [])
    names = data.problem.get("level_labels", {}).get(path)
    if names is None:
        from sim.experiments.designs import format_value

        names = [short(format_value(v), 14) for v in levels]
    return levels, list(names)


def heatmap_figures(data: SweepData, out: Path) -> list[Figure]:
    """For a two-parameter grid: each output's mean over the grid (first parameter down)."""
    p1, p2 = data.parameters
    levels1, names1 = level_names(data, p1)
    levels2, names2 = level_names(data, p2)
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
        path = save_figure(fig, out / f"heatmap_{slug(key)}.png")
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


def _level_index(data: SweepData, path: str) -> tuple[np.ndarray, list[str]] | None:
    """Each point's level of a grid parameter (by position among the design's levels) and the
    levels' names; None when the points' values cannot be matched to the levels."""
    import json

    levels, names = level_names(data, path)
    if not levels:
        return None

    def canonical(v: Any) -> str:
        return json.dumps(v, sort_keys=True, default=str)

    keys = [canonical(v) for v in levels]
    column = [canonical(_parsed(v)) for v in data.points[path]]
    try:
        return np.array([keys.index(v) for v in column]), names
    except ValueError:
        return None


def _parsed(value: Any) -> Any:
    """A points.csv cell back to data (JSON for lists and mappings, numbers, else the text)."""
    import json

    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value.item() if hasattr(value, "item") else value


def interaction_figures(data: SweepData, out: Path) -> list[Figure]:
    """For a grid of two or more parameters: each output against the first parameter, one
    line per level of the last, averaged over the other parameters' levels."""
    params = data.parameters
    if data.design != "grid" or len(params) < 2:
        return []
    first, last = _level_index(data, params[0]), _level_index(data, params[-1])
    if first is None or last is None:
        return []
    (x_of, x_names), (line_of, line_names) = first, last
    from sim.experiments.designs import short_names

    short_name = short_names(list(params))
    figures = []
    colors = palette(len(line_names))
    for key in data.outputs:
        values = data.point_values(key)
        ids = list(values)
        fig, ax = plt.subplots(figsize=(min(4 + 1.2 * len(x_names), 12), 4.2))
        for j, name in enumerate(line_names):
            means, lows, highs = [], [], []
            for i in range(len(x_names)):
                runs = [
                    v
                    for k, p in enumerate(ids)
                    if x_of[k] == i and line_of[k] == j
                    for v in values[p]
                ]
                stats = mean_ci(runs)
                means.append(stats.mean)
                lows.append(stats.ci_low)
                highs.append(stats.ci_high)
            xs = np.arange(len(x_names))
            ax.plot(xs, means, "o-", color=colors[j], label=f"{short_name[params[-1]]} = {name}")
            if np.isfinite(lows).any():
                ax.fill_between(xs, lows, highs, color=colors[j], alpha=0.15, lw=0)
        ax.set_xticks(range(len(x_names)), x_names)
        ax.set_xlabel(short_name[params[0]])
        ax.set_ylabel(short(kpi_name(key), 40))
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
        others = ", ".join(short_name[p] for p in params[1:-1])
        note = f", over all levels of {others}" if others else ""
        ax.set_title(f"{kpi_name(key)} by {short_name[params[0]]}{note}", fontsize=10)
        path = save_figure(fig, out / f"interaction_{slug(key)}.png")
        figures.append(
            Figure(
                path,
                f"Interaction: {kpi_name(key)}",
                f"Each line is one level of `{params[-1]}`; each dot the mean over the runs at "
                f"that level of `{params[0]}`{note} (the band: the 95 % interval of that mean, "
                "which includes the other parameters' effect). Lines that diverge mean the two "
                "parameters interact.",
            )
        )
    return figures


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
            levels = _level_index(data, path) if data.design == "grid" else None
            x, names = (
                (levels[0].astype(float), levels[1]) if levels else _numeric(data.points[path])
            )
            if levels and pd.to_numeric(data.points[path], errors="coerce").notna().all():
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
        path = save_figure(fig, out / f"scatter_{slug(key)}.png")
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
