"""Scenarios side by side: ``chansim compare A.yaml B.yaml ... [--replications R]``.

:func:`compare_plan` builds an experiment with the ``scenarios`` design (one point per scenario
file, labelled with the scenario's name), keeping the measurements the comparison draws; it
runs through the ordinary sweep (:func:`sim.experiments.sweep.run_sweep`: same results folder,
resume and executors), whose report (:mod:`sim.experiments.report`) then holds the comparison:

* ``report/comparison.csv``: per scenario and KPI (units and the maker's margin by channel,
  the maker's profit, the top-20 % stores' share, identified customers, and the spam and
  pyramid measures when present): n, mean, sd and the 95 % confidence interval;
* the same table in ``report.md`` (and on stdout, :func:`text_table`);
* overlaid figures, one colour per scenario with its 95 % band: units by channel over time,
  the maker's cumulative profit, awareness and adoption, active micro-stores (and trust and
  muting, pyramid agents, when present).

A channel a scenario does not have is shown as "off", not as zero.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from sim.experiments.charts import (
    MAX_BANDS,
    Figure,
    format_axis,
    palette,
    save_figure,
    shade_common_events,
    short,
)
from sim.experiments.statistics import Stats, confidence_band, mean_ci
from sim.experiments.sweep_data import (
    KEY_MEASUREMENTS,
    PYRAMID_KPIS,
    SPAM_KPIS,
    SweepData,
    any_on,
    kpi_bounds,
    kpi_name,
    switched_off,
)
from sim.experiments.tables import cell, md_table
from sim.figure_style import legend
from sim.outputs import CHANNEL_NAMES
from sim.scenario import CHANNELS

if TYPE_CHECKING:
    from sim.experiments.plan import Plan

DEFAULT_REPLICATIONS = 5
SMOOTHING_DAYS = 7
MEASUREMENTS = KEY_MEASUREMENTS
"""The measurements a comparison keeps (those the scenarios record)."""
BRAND_MEASUREMENTS = ("units_total", "units_b2c2c", "market_share", "active_stores")
"""With several brands, each brand's daily columns a comparison keeps too."""


# --------------------------------------------------------------------------- the experiment


def compare_name(labels: list[str]) -> str:
    """The results folder's name: ``compare-<label>-<label>…`` (shortened if very long)."""
    name = "compare-" + "-".join(re.sub(r"[^A-Za-z0-9_.]+", "_", x) for x in labels)
    if len(name) > 80:
        name = f"compare-{len(labels)}-scenarios-" + re.sub(r"[^A-Za-z0-9_.]+", "_", labels[0])
    return name[:100]


def compare_plan(
    files: list[Path],
    *,
    replications: int = DEFAULT_REPLICATIONS,
    days: int | None = None,
    overrides: list[str] | tuple[str, ...] = (),
    seed: int = 0,
) -> Plan:
    """The experiment of a comparison: one point per scenario file.

    Args:
        files: Scenario files (at least two).
        replications: Runs per scenario.
        days: Days to simulate (default: each scenario's own).
        overrides: ``KEY=VALUE`` changes applied to every scenario (VALUE is YAML).
        seed: The experiment's root seed.

    Returns:
        The plan, labels = scenario names (file names where two scenarios share a name).

    Raises:
        ScenarioError: For any problem with the input, each on one line.
    """
    from sim.experiments.plan import experiment_from_data
    from sim.loading import load_scenario, parse_override
    from sim.outputs import measurement_names
    from sim.validation import Origin, Problem, ScenarioError

    problems = [Problem(Origin(str(f)), "", "file not found") for f in files if not f.is_file()]
    if problems:
        raise ScenarioError(problems)
    values: dict[str, Any] = {}
    origins: dict[tuple[Any, ...], Origin] = {}
    for text in overrides:
        key, value = parse_override(text)
        values[key] = value
        origins[("overrides", key)] = Origin(f"--set {text}")
    names = [load_scenario(f).name for f in files]
    labels = names
    if len(set(names)) != len(names):
        labels = [f.stem for f in files]
        if len(set(labels)) != len(labels):
            dup = next(n for n in names if names.count(n) > 1)
            same = [str(f) for f, n in zip(files, names, strict=True) if n == dup]
            raise ScenarioError(
                [
                    Problem(
                        Origin(same[0]),
                        "",
                        f"{' and '.join(same)} are both named {dup!r}; compare needs different "
                        "scenarios",
                    )
                ]
            )
    data: dict[str, Any] = {
        "name": compare_name(labels),
        "description": "Scenarios compared side by side: " + ", ".join(labels) + ".",
        "replications": replications,
        "seed": seed,
        "overrides": values,
        "design": {
            "type": "scenarios",
            "scenario_files": [str(f.resolve()) for f in files],
            "labels": labels,
        },
    }
    if days is not None:
        data["days"] = days
    plan = experiment_from_data(data, Path.cwd(), origins)
    kept: set[str] = set()
    for base in plan.bases:
        kept.update(measurement_names(base))
    names = [m for base in plan.bases for m in measurement_names(base)]
    by_brand = list(dict.fromkeys(m for m in names if m.rpartition(".")[0] in BRAND_MEASUREMENTS))
    data["measurements"] = [m for m in MEASUREMENTS if m in kept] + by_brand
    return experiment_from_data(data, Path.cwd(), origins)


# --------------------------------------------------------------------------- the table


def comparison_kpis(data: SweepData) -> list[str]:
    """The KPIs compared: units and the maker's margin by channel, profit, long tail, identified
    customers, and the spam and pyramid measures when present."""
    summary = data.done
    keys = []
    for ch in CHANNELS:
        if any_on(summary, f"channels.{ch}.enabled"):
            keys += [f"channels.{ch}.units", f"channels.{ch}.maker_margin"]
    keys.append("manufacturer.profit")
    if any_on(summary, "channels.b2c2c.enabled"):
        keys.append("micro_stores.top20_share")
    keys.append("manufacturer.identified_customers")
    if any_on(summary, "mechanisms.spam"):
        keys += SPAM_KPIS
    if any_on(summary, "mechanisms.pyramid"):
        keys += PYRAMID_KPIS
    extra = [k for k in data.outputs if k not in keys]
    return [k for k in [*keys, *extra] if k in summary.columns]


def comparison_table(data: SweepData) -> pd.DataFrame:
    """Per scenario × KPI: n, mean, sd, ci_low, ci_high and whether it applies (``off`` = 1
    for a channel or mechanism the scenario does not have)."""
    rows = []
    labels = data.labels()
    for key in comparison_kpis(data):
        values = data.point_values(key)
        for point, label in labels.items():
            s = mean_ci(values[point], bounds=kpi_bounds(key))
            off = int(switched_off(data, key, point))
            rows.append([label, key, kpi_name(key), s.n, s.mean, s.sd, s.ci_low, s.ci_high, off])
    columns = ["scenario", "kpi", "name", "n", "mean", "sd", "ci_low", "ci_high", "off"]
    return pd.DataFrame(rows, columns=columns)


def _cells(data: SweepData, table: pd.DataFrame) -> tuple[list[str], list[list[str]]]:
    scenarios = list(data.labels().values())
    runs = data.done.groupby("point_id").size().to_dict()
    ids = list(data.labels())
    header = ["KPI", *scenarios]
    rows = []
    for key, group in table.groupby("kpi", sort=False):
        row = [kpi_name(str(key))]
        for point, scenario in zip(ids, scenarios, strict=True):
            r = group[group["scenario"] == scenario].iloc[0]
            if r["off"]:
                row.append("off")
                continue
            s = Stats(int(r["n"]), r["mean"], r["sd"], r["ci_low"], r["ci_high"])
            row.append(cell(s, runs.get(point, 0)))
        rows.append(row)
    return header, rows


def comparison_markdown(data: SweepData, table: pd.DataFrame) -> str:
    """The comparison's Markdown section (KPI table by scenario)."""
    header, rows = _cells(data, table)
    reps = int(data.experiment.get("replications", 1))
    if reps > 1:
        how = (
            f"Mean over {reps} replications per scenario and, in brackets, its 95 % confidence "
            "interval (Student t, cut to the range the KPI can take)."
        )
    else:
        how = "One replication per scenario: single runs' values, no confidence intervals."
    return "\n".join(
        [
            "## KPIs by scenario",
            "",
            how + ' "off": the scenario does not have that channel or mechanism. Units are '
            "units sold to consumers over the run; a channel's maker's margin is what the maker "
            "keeps from it after goods at cost and the channel's own costs (rebates, "
            "advertising, parcels); the long-tail share is the share of store sales made by the "
            "top 20 % of micro-stores.",
            "",
            md_table(header, rows),
        ]
    )


def text_table(data: SweepData, table: pd.DataFrame) -> str:
    """The comparison as a plain-text table for the terminal."""
    header, rows = _cells(data, table)
    reps = int(data.experiment.get("replications", 1))
    title = (
        f"mean (95 % CI) over {reps} replications"
        if reps > 1
        else "one replication (no confidence intervals)"
    )
    from sim.results import align_columns

    return f"KPIs by scenario: {title}\n" + "\n".join(align_columns([header, *rows]))


# --------------------------------------------------------------------------- figures


def _smoothed(frame: pd.DataFrame, column: str, window: int) -> pd.DataFrame:
    """Each run's trailing mean over ``window`` recorded days (shorter at the start)."""
    out = frame[["run_id", "day", column]].sort_values(["run_id", "day"]).copy()
    out[column] = out.groupby("run_id")[column].transform(
        lambda s: s.rolling(window, min_periods=1).mean()
    )
    return out


def _overlay(
    ax: Any,
    data: SweepData,
    column: str,
    colors: list[Any],
    *,
    scale: str | None = None,
    window: int = 1,
    skip_off: str | None = None,
) -> bool:
    """Draw each scenario's mean and 95 % band of a measurement; whether anything was drawn."""
    ts = data.timeseries
    if column not in ts.columns:
        return False
    drawn = False
    for color, (point, label) in zip(colors, data.labels().items(), strict=True):
        runs = ts[ts["point_id"] == point]
        if not len(runs) or runs[column].isna().all():
            continue
        if skip_off is not None and switched_off(data, skip_off, point):
            continue
        runs = runs[["run_id", "day", column]].copy()
        if scale is not None:
            sizes = data.done.set_index("run_id")[scale]
            runs[column] = runs[column] / runs["run_id"].map(sizes)
        if window > 1:
            runs = _smoothed(runs, column, window)
        bounds = (0.0, 1.0) if scale is not None else kpi_bounds(column)
        band = confidence_band(runs, column, bounds)
        ax.plot(band["day"], band["mean"], color=color, label=short(label, 30), lw=1.3)
        if len(data.points) <= MAX_BANDS:
            ax.fill_between(band["day"], band["low"], band["high"], color=color, alpha=0.2, lw=0)
        drawn = True
    ax.set_xlabel("day")
    return drawn


def _events(ax: Any, data: SweepData, named: bool = True) -> None:
    """The scenarios' dated events on a finished panel (its limits set)."""
    shade_common_events(ax, data, list(data.labels()), named=named)


def _legend(ax: Any, data: SweepData, colors: list[Any]) -> None:
    """A legend with every scenario (also those without a line in this panel)."""
    from matplotlib.lines import Line2D

    handles = [
        Line2D([], [], color=c, lw=1.5, label=short(label, 30))
        for c, label in zip(colors, data.labels().values(), strict=True)
    ]
    legend(ax, handles=handles, fontsize=7, framealpha=0.9)


def comparison_figures(data: SweepData, out: Path) -> tuple[list[Figure], list[str]]:
    """Overlaid figures of the scenarios (see the module docstring).

    Returns:
        The figures, and the measurements they draw.
    """
    import matplotlib.pyplot as plt

    ts = data.timeseries
    if not len(ts) or ts.groupby("run_id")["day"].nunique().max() < 2:
        return [], []
    colors = palette(len(data.points))
    every = (data.experiment.get("record") or {}).get("every", 1)
    window = SMOOTHING_DAYS if every == 1 else 1
    smooth = f" ({window}-day mean)" if window > 1 else ""
    band = (
        "one colour per scenario, the shaded band its 95 % confidence interval"
        if len(data.points) <= MAX_BANDS
        else f"one colour per scenario (bands left out with more than {MAX_BANDS} scenarios: "
        "see the differences table)"
    )
    band += "; grey areas and dotted lines mark dated events"
    from sim.experiments.sweep_data import currency

    money = currency(data)
    figures = []
    drawn: list[str] = []

    channels = [ch for ch in CHANNELS if any_on(data.done, f"channels.{ch}.enabled")]
    channels = [ch for ch in channels if f"units_{ch}" in ts.columns]
    if channels:
        fig, axes = plt.subplots(
            1, len(channels), figsize=(4.6 * len(channels), 4.2), squeeze=False
        )
        for k, (ax, ch) in enumerate(zip(axes[0], channels, strict=True)):
            _overlay(
                ax,
                data,
                f"units_{ch}",
                colors,
                window=window,
                skip_off=f"channels.{ch}.units",
            )
            ax.set_title(f"{CHANNEL_NAMES[ch]}: units per day{smooth}", fontsize=10)
            ax.set_ylim(bottom=0)
            format_axis(ax, "y", label="units sold a day")
            _events(ax, data, named=k == 0)
        _legend(axes[0, 0], data, colors)
        drawn += [f"units_{ch}" for ch in CHANNELS]
        figures.append(
            Figure(
                save_figure(fig, out / "compare_units_by_channel.png"),
                "Units sold per day, by channel",
                f"One panel per channel, {band}; a scenario without the channel has no line. "
                "Compare both the level and the timing: where a channel takes off, peaks and "
                "fades.",
            )
        )
    if "manufacturer_profit_cumulative" in ts.columns:
        fig, ax = plt.subplots(figsize=(9, 4.5))
        _overlay(ax, data, "manufacturer_profit_cumulative", colors)
        ax.axhline(0, color="grey", lw=0.8)
        format_axis(ax, "y", "manufacturer_profit_cumulative", money)
        _events(ax, data)
        ax.set_title("Manufacturer's cumulative profit", fontsize=10)
        _legend(ax, data, colors)
        drawn.append("manufacturer_profit_cumulative")
        figures.append(
            Figure(
                save_figure(fig, out / "compare_profit.png"),
                "Manufacturer's cumulative profit",
                f"The maker's accrued profit to date, {band}. Where a line crosses zero the "
                "channel mix has paid back its launch costs; the slope at the end is the "
                "current profit rate.",
            )
        )
    brands = sorted(
        {c.rpartition(".")[2] for c in ts.columns if c.startswith("market_share.")},
        key=lambda b: list(ts.columns).index(f"market_share.{b}"),
    )
    if brands:
        share_window = 4 * window
        fig, axes = plt.subplots(2, len(brands), figsize=(4.6 * len(brands), 7.6), squeeze=False)
        for k, b in enumerate(brands):
            top, bottom = axes[0, k], axes[1, k]
            _overlay(top, data, f"market_share.{b}", colors, window=share_window)
            top.set_ylim(0, 1)
            top.set_title(f"{b}: market share of units ({share_window}-day mean)", fontsize=10)
            format_axis(top, "y", label="share of the day's units, all brands")
            _events(top, data, named=k == 0)
            _overlay(bottom, data, f"units_b2c2c.{b}", colors, window=window)
            bottom.set_ylim(bottom=0)
            bottom.set_title(f"{b}: micro-store units per day{smooth}", fontsize=10)
            format_axis(bottom, "y", label="units sold a day")
            _events(bottom, data, named=False)
        _legend(axes[0, 0], data, colors)
        drawn += [f"market_share.{b}" for b in brands] + [f"units_b2c2c.{b}" for b in brands]
        figures.append(
            Figure(
                save_figure(fig, out / "compare_market_share_by_brand.png"),
                "Market share and micro-store sales by brand",
                f"One column per brand: its share of the units all brands sold (top) and its "
                f"units sold through micro-stores (bottom), {band}.",
            )
        )
    shares = [m for m in ("aware", "adopters", "identified_customers") if m in ts.columns]
    if shares and "consumers" in data.done.columns:
        fig, axes = plt.subplots(1, len(shares), figsize=(4.6 * len(shares), 4.2), squeeze=False)
        titles = {
            "aware": "aware of the product",
            "adopters": "adopters (bought at least once)",
            "identified_customers": "identified customers",
        }
        for k, (ax, m) in enumerate(zip(axes[0], shares, strict=True)):
            _overlay(ax, data, m, colors, scale="consumers")
            ax.set_ylim(0, 1)
            format_axis(ax, "y", label="share of consumers")
            _events(ax, data, named=k == 0)
            ax.set_title(titles[m], fontsize=10)
        _legend(axes[0, 0], data, colors)
        drawn += shares
        figures.append(
            Figure(
                save_figure(fig, out / "compare_adoption.png"),
                "Awareness and adoption",
                f"Shares of all consumers, {band}. Awareness comes first (media, shelves, "
                "advertising, friends' posts and word of mouth), then adoption; identified "
                "customers are those the maker can reach again (direct or store buyers).",
            )
        )
    if "active_stores" in ts.columns and any_on(data.done, "channels.b2c2c.enabled"):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        _overlay(ax, data, "active_stores", colors, skip_off="channels.b2c2c.units")
        ax.set_ylim(bottom=0)
        format_axis(ax, "y", label="active micro-stores (stores)")
        _events(ax, data)
        ax.set_title("Active micro-stores", fontsize=10)
        _legend(ax, data, colors)
        drawn.append("active_stores")
        figures.append(
            Figure(
                save_figure(fig, out / "compare_active_stores.png"),
                "Active micro-stores",
                f"Micro-stores open on each day, {band} (scenarios without micro-stores have "
                "no line). A rise then fall means owners closing stores that do not pay.",
            )
        )
    spam = [m for m in ("mean_trust_in_owners", "muted_share") if m in ts.columns]
    if spam and any_on(data.done, "mechanisms.spam"):
        fig, axes = plt.subplots(1, len(spam), figsize=(4.6 * len(spam), 4.2), squeeze=False)
        for k, (ax, m) in enumerate(zip(axes[0], spam, strict=True)):
            _overlay(ax, data, m, colors, skip_off="spam.mean_trust_in_owners_end")
            titles = {
                "mean_trust_in_owners": "friends' trust in store owners",
                "muted_share": "muted share of owners' friendships",
            }
            ax.set_title(titles[m], fontsize=10)
            ax.set_ylim(bottom=0)
            format_axis(ax, "y", label="share")
            _events(ax, data, named=k == 0)
        _legend(axes[0, 0], data, colors)
        drawn += spam
        figures.append(
            Figure(
                save_figure(fig, out / "compare_trust.png"),
                "Trust and muting",
                f"Friends' mean trust in store owners and the share of owners' friendships "
                f"muted, {band}. Falling trust and rising muting are screen spam wearing out "
                "the channel.",
            )
        )
    if "participants" in ts.columns and any_on(data.done, "mechanisms.pyramid"):
        fig, ax = plt.subplots(figsize=(9, 4.5))
        _overlay(ax, data, "participants", colors, skip_off="pyramid.share_at_loss")
        format_axis(ax, "y", label="active pyramid agents (agents)")
        _events(ax, data)
        ax.set_title("Stock-pressure pyramid: active agents", fontsize=10)
        _legend(ax, data, colors)
        drawn.append("participants")
        figures.append(
            Figure(
                save_figure(fig, out / "compare_pyramid.png"),
                "Pyramid agents",
                f"Active agents of the stock-pressure pyramid, {band}: growth while recruits "
                "believe the promised profit, then collapse when end demand saturates.",
            )
        )
    return figures, drawn
