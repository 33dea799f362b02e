"""Figures of a sweep's report made from its tables: time series with bands, outputs by point,
heatmaps of two-parameter grids, scatter plots against parameters.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiments.statistics import confidence_band, mean_ci
from sim.experiments.sweep_data import KEY_MEASUREMENTS, SweepData, kpi_bounds, kpi_name, slug
from sim.experiments.tables import fmt
from sim.figure_style import Marker, draw_events, event_markers, legend, place_legends

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
    place_legends(fig)
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
    """Distinct colours, without tab10's grey (grey marks context lines and events)."""
    if n <= 9:
        cmap = plt.get_cmap("tab10")
        return [cmap(i) for i in (0, 1, 2, 3, 4, 5, 6, 8, 9)[:n]]
    cmap = plt.get_cmap("tab20")
    return [cmap(i % cmap.N) for i in range(n)]


# --------------------------------------------------------------------------- words and axes

MAX_BANDS = 4
"""Bands drawn in one panel; with more points a figure becomes small multiples."""


def parameter_label(path: str) -> str:
    """A scenario parameter's dotted path in words: ``channels.b2c2c.rebate_rate`` → "B2C2C
    rebate rate", ``channels.b2b2c.tiers.*.lead_time_days`` → "B2B2C lead time (days)"."""
    from sim.outputs import CHANNEL_NAMES

    parts = [x for x in path.split(".") if x not in ("*", "<i>") and not x.isdigit()]
    if not parts:
        return path
    leaf = parts[-1]
    unit = ""
    for suffix, text in (("_days", "days"), ("_per_day", "per day")):
        if leaf.endswith(suffix) and leaf != suffix.strip("_"):
            leaf, unit = leaf.removesuffix(suffix), text
            break
    words = leaf.replace("_", " ")
    if unit == "days":
        words += " (days)"
    elif unit:
        words += " " + unit
    if len(parts) >= 2 and parts[0] == "channels" and parts[1] in CHANNEL_NAMES:
        words = f"{CHANNEL_NAMES[parts[1]]} {words}" if leaf != parts[1] else words
    return words


def human(text: str) -> str:
    """A point label with its parameter names in words (``rebate_rate=0.1`` → "rebate rate =
    0.1")."""
    import re

    return re.sub(r"([A-Za-z0-9_.*]+)=", lambda m: parameter_label(m.group(1)) + " = ", str(text))


def axis_label(key: str, currency: str = "CNY", scale: str = "") -> str:
    """A KPI's or measurement's axis label with its unit (money in ``scale`` ``currency``)."""
    from sim.outputs import find

    output = find(key)
    name = kpi_name(key)
    if output is None or not output.unit:
        return name
    if output.unit == "money":
        return f"{name} ({scale + ' ' if scale else ''}{currency})"
    if output.unit in ("0/1",):
        return name
    return f"{name} ({output.unit})"


def _tick_text(v: float) -> str:
    if abs(v) >= 1000:
        return f"{v:,.0f}"
    if float(v).is_integer():
        return f"{v:.0f}"
    return f"{v:.3g}"


def format_axis(
    ax: Any,
    which: str,
    key: str | None = None,
    currency: str = "CNY",
    label: str | None = None,
    labelled: bool = True,
) -> None:
    """Label an axis in words and write its ticks out (thousands separators, no offset);
    money in thousands or millions of ``currency`` by the axis' largest value."""
    from matplotlib.ticker import FuncFormatter

    from sim.outputs import find

    output = find(key) if key else None
    lo, hi = ax.get_ylim() if which == "y" else ax.get_xlim()
    top = max(abs(lo), abs(hi))
    factor, scale = 1.0, ""
    if output is not None and output.unit == "money":
        if top >= 2e6:
            factor, scale = 1e6, "million"
        elif top >= 2e3:
            factor, scale = 1e3, "thousand"
    axis = ax.yaxis if which == "y" else ax.xaxis
    axis.set_major_formatter(FuncFormatter(lambda v, _pos: _tick_text(v / factor)))
    text = label if label is not None else (axis_label(key, currency, scale) if key else "")
    if label is not None and scale:
        text = f"{label} ({scale} {currency})"
    if text and labelled:
        (ax.set_ylabel if which == "y" else ax.set_xlabel)(text)


def point_events(data: SweepData) -> dict[int, list[Marker]]:
    """Point id → the dated events of the scenario it ran
    (:func:`sim.figure_style.event_markers`)."""
    from sim.experiments.sweep_data import scenarios

    out = {}
    for p, s in scenarios(data).items():
        days = int(data.experiment.get("days") or s.get("days") or 365)
        out[p] = event_markers(s.get("events") or [], s, days)
    return out


def shade_common_events(
    ax: Any, data: SweepData, points: Sequence[int], named: bool = True
) -> None:
    """Shade the events of the drawn points (:func:`sim.figure_style.draw_events`), naming the
    point when only some of the drawn points have the event."""
    events = point_events(data)
    drawn = [events.get(p, []) for p in points]
    if not drawn:
        return
    common = [m for m in drawn[0] if all(m in other for other in drawn[1:])]
    labels = data.labels()
    own = [
        replace(m, label=f"{short(human(labels[p]), 22)}: {m.label}")
        for p, markers in zip(points, drawn, strict=True)
        for m in markers
        if m not in common
    ]
    unique = list(dict.fromkeys([*common, *own]))
    draw_events(ax, unique, labels=named)


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
    from sim.experiments.sweep_data import currency

    money = currency(data)
    bounds_of = {name: kpi_bounds(name) for name in names}
    figures = []
    for name in names:
        bands = {}
        for point in shown:
            runs = ts[ts["point_id"] == point]
            if len(runs) and not runs[name].isna().all():
                bands[point] = confidence_band(runs, name, bounds_of[name])
        if not bands:
            continue
        drawn = list(bands)
        if len(drawn) <= MAX_BANDS:
            fig, ax = plt.subplots(figsize=(9, 4.5))
            panels = [(ax, drawn)]
            cols = 1
        else:
            cols = 2 if len(drawn) <= 4 else (3 if len(drawn) <= 9 else 4)
            rows = math.ceil(len(drawn) / cols)
            fig, grid = plt.subplots(
                rows,
                cols,
                figsize=(3.6 * cols, 2.6 * rows + 0.8),
                sharex=True,
                sharey=True,
                squeeze=False,
            )
            panels = [(ax, [p]) for ax, p in zip(grid.flat, drawn, strict=False)]
            for ax in list(grid.flat)[len(drawn) :]:
                ax.set_visible(False)
        for ax, own in panels:
            if len(panels) > 1:
                for other in drawn:
                    if other not in own:
                        b = bands[other]
                        ax.plot(b["day"], b["mean"], color="lightgrey", lw=0.7, zorder=1)
            for point in own:
                color = colors[shown.index(point)]
                b = bands[point]
                ax.plot(
                    b["day"],
                    b["mean"],
                    color=color,
                    label=short(human(labels[point]), 40),
                    lw=1.3,
                    zorder=3,
                )
                ax.fill_between(b["day"], b["low"], b["high"], color=color, alpha=0.2, lw=0)
            shade_common_events(ax, data, own, named=len(panels) == 1 or own[0] == drawn[0])
            format_axis(ax, "y", name, money)
            ax.set_xlabel("day")
            if len(panels) > 1:
                ax.set_title(short(human(labels[own[0]]), 45), fontsize=8)
                ax.yaxis.label.set_fontsize(7)
                k = drawn.index(own[0])
                if k % cols:
                    ax.set_ylabel("")
                    ax.tick_params(labelleft=False)
                if k + cols < len(drawn):
                    ax.set_xlabel("")
                    ax.tick_params(labelbottom=False)
                else:
                    ax.tick_params(labelbottom=True)
            elif ax.get_legend_handles_labels()[0]:
                legend(ax, fontsize=7)
        title = f"{kpi_name(name)}: mean over replications with 95 % band"
        if len(panels) > 1:
            fig.suptitle(title + (f"\n({why})" if why else ""), fontsize=10)
        else:
            panels[0][0].set_title(title + (f"\n({why})" if why else ""), fontsize=10)
        path = save_figure(fig, out / f"ts_{slug(name)}.png")
        layout = " One panel per point (grey: the other points' means)." if len(panels) > 1 else ""
        figures.append(
            Figure(
                path,
                f"Time series: {kpi_name(name)}",
                "Each line is a point's mean over its replications on each recorded day; the "
                "shaded band is the 95 % confidence interval of that mean (none with one "
                "replication). Bands that do not overlap indicate a difference larger than "
                "run-to-run noise. Grey areas and dotted lines mark dated events."
                + layout
                + (f" Shown: {why}." if why else ""),
            )
        )
    return figures, notes


def outputs_by_point_figure(data: SweepData, out: Path) -> list[Figure]:
    """Each output's mean and 95 % interval per point (small multiples); for a design along
    one numeric parameter, each output against the parameter's value as a line."""
    from sim.experiments.findings import parameter_values
    from sim.experiments.sweep_data import currency

    n_points = len(data.points)
    if not data.outputs or n_points > MAX_POINTS_BY_POINT:
        return []
    money = currency(data)
    varied = parameter_values(data)
    if varied is not None:
        return [_sweep_line_figure(data, out, varied[0], varied[1], money)]
    keys = data.outputs[:9]
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(
        rows, cols, figsize=(4.4 * cols, 1.2 + 0.25 * n_points * rows + 1.3 * rows), squeeze=False
    )
    labels = [short(human(label), 32) for label in data.points["label"]]
    y = np.arange(n_points)
    from sim.experiments.sweep_data import switched_off

    ids = [int(p) for p in data.points["point_id"]]
    for ax, key in zip(axes.flat, keys, strict=False):
        stats = list(data.point_stats(key).values())
        off = np.array([switched_off(data, key, p) for p in ids])
        means = np.array([np.nan if o else s.mean for s, o in zip(stats, off, strict=True)])
        low = np.array([s.mean - s.ci_low if s.n > 1 else 0.0 for s in stats])
        high = np.array([s.ci_high - s.mean if s.n > 1 else 0.0 for s in stats])
        ax.errorbar(means, y, xerr=[low, high], fmt="o", color="#1f77b4", ms=4, capsize=3)
        for k in np.flatnonzero(off):
            ax.annotate(
                "off",
                (0.02, y[k]),
                xycoords=("axes fraction", "data"),
                fontsize=7,
                color="grey",
                va="center",
            )
        _keep_in_bounds(ax, "x", key)
        ax.set_yticks(y, labels, fontsize=7)
        ax.set_ylim(n_points - 0.5, -0.5)
        ax.set_title(short(kpi_name(key), 45), fontsize=9)
        ax.grid(axis="x", alpha=0.3)
        ax.xaxis.set_major_locator(plt.MaxNLocator(4))
        format_axis(ax, "x", key, money)
        ax.xaxis.label.set_fontsize(8)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    for ax in axes[:, 1:].flat:
        ax.tick_params(labelleft=False)
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


def _keep_in_bounds(ax: Any, which: str, key: str) -> None:
    """Keep an axis inside the range a KPI can take (a small margin beyond a bound)."""
    bounds = kpi_bounds(key)
    if bounds is None:
        return
    lo, hi = ax.get_xlim() if which == "x" else ax.get_ylim()
    b_lo, b_hi = bounds
    if hi - lo <= 0 or (lo >= b_lo and hi <= b_hi):
        return
    top = min(hi, b_hi) if np.isfinite(b_hi) else hi
    bottom = max(lo, b_lo)
    if top <= bottom:
        top = bottom + (1.0 if not np.isfinite(b_hi) else (b_hi - b_lo))
    pad = 0.03 * (top - bottom)
    (ax.set_xlim if which == "x" else ax.set_ylim)(bottom - pad, top + pad)


def _sweep_line_figure(
    data: SweepData, out: Path, name: str, values: np.ndarray, money: str
) -> Figure:
    """Each output against the one parameter a design varies: mean and 95 % band."""
    keys = data.outputs[:9]
    cols = min(3, len(keys))
    rows = math.ceil(len(keys) / cols)
    fig, axes = plt.subplots(rows, cols, figsize=(4.4 * cols, 3.3 * rows + 0.6), squeeze=False)
    order = np.argsort(values, kind="stable")
    x = values[order]
    share = name.endswith(("rate", "share")) and x.max() <= 1
    shown = x * 100 if share else x
    xlabel = parameter_label(name) + (" (%)" if share else "")
    for ax, key in zip(axes.flat, keys, strict=False):
        stats = list(data.point_stats(key).values())
        means = np.array([stats[i].mean for i in order])
        lows = np.array([stats[i].ci_low for i in order])
        highs = np.array([stats[i].ci_high for i in order])
        ax.plot(shown, means, "o-", color="#1f77b4", ms=4, lw=1.4)
        if np.isfinite(lows).any():
            ax.fill_between(shown, lows, highs, color="#1f77b4", alpha=0.2, lw=0)
        best = int(np.nanargmax(means)) if np.isfinite(means).any() else None
        if key == data.main and best is not None:
            ax.plot(shown[best], means[best], "*", color="#d62728", ms=11, zorder=4)
        ax.set_title(short(kpi_name(key), 45), fontsize=9)
        ax.grid(alpha=0.3)
        ax.set_xlabel(xlabel, fontsize=8)
        _keep_in_bounds(ax, "y", key)
        format_axis(ax, "y", key, money)
        ax.yaxis.label.set_fontsize(8)
    for ax in list(axes.flat)[len(keys) :]:
        ax.set_visible(False)
    fig.suptitle(
        f"Outputs against {parameter_label(name)}: mean and 95 % band over replications",
        fontsize=10,
    )
    path = save_figure(fig, out / "outputs_by_point.png")
    return Figure(
        path,
        f"Outputs against {parameter_label(name)}",
        f"One panel per output, against the value of `{name}`: the line joins the points' "
        "means over their replications, the band is each mean's 95 % confidence interval; "
        "the red star marks the best value of the main KPI. Where bands overlap, the "
        "replications cannot tell the values apart.",
    )


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
    short_name = {p: parameter_label(p) for p in (p1, p2)}
    figures = []
    for key in data.outputs:
        stats = list(data.point_stats(key).values())
        grid = np.array([s.mean for s in stats]).reshape(n1, n2)
        fig, ax = plt.subplots(figsize=(min(3 + 1.3 * n2, 14), min(1.8 + 0.7 * n1, 10)))
        finite = np.isfinite(grid)
        image = ax.imshow(np.where(finite, grid, np.nan), cmap="viridis", aspect="auto")
        fig.colorbar(image, ax=ax, label=axis_label(key))
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
    short_name = {p: parameter_label(p) for p in params}
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
        format_axis(ax, "y", key)
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
            ax.set_xlabel(short(parameter_label(path), 45), fontsize=8)
            ax.grid(alpha=0.3)
        for ax in list(axes.flat)[len(params) :]:
            ax.set_visible(False)
        for k, ax in enumerate(list(axes.flat)[: len(params)]):
            format_axis(ax, "y", key, labelled=k % cols == 0)
            ax.yaxis.label.set_fontsize(8)
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
