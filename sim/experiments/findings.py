"""Plain statements of what a sweep over one parameter shows: where the main KPI peaks, with
which certainty, and how the other KPIs move along the way.

For a design that varies one numeric parameter (a one-parameter ``grid`` or ``points``), the
answer names the point with the highest mean of the main KPI, the points whose 95 % intervals
overlap the best one's (the KPI cannot tell them apart at these replications), and whether the
peak lies inside the range or at one of its ends (then there is no optimum inside the range:
the KPI still rises, or falls, at the end). Every other KPI is described by its direction along
the parameter: rising, falling, or peaking at an inner value, with its values at both ends.

For any other design with at least two points (scenarios compared side by side, a grid over
several parameters), the answer names the point that leads on the main KPI and its lead over
the runner-up and over the first point, each with Welch's 95 % interval of the difference
[Welch1947]: beyond run-to-run noise when the interval excludes zero, within it otherwise.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.experiments.statistics import Stats, difference_ci
from sim.experiments.sweep_data import SweepData, kpi_name
from sim.experiments.tables import cell, fmt


def parameter_values(data: SweepData) -> tuple[str, np.ndarray] | None:
    """The one numeric parameter a design varies, and its value at each point (in point order);
    None for other designs."""
    if len(data.parameters) != 1 or data.design not in ("grid", "points", "oat"):
        return None
    name = data.parameters[0]
    values = pd.to_numeric(data.points[name], errors="coerce")
    if values.isna().any() or values.nunique() < 3:
        return None
    return name, values.to_numpy(dtype=float)


def _overlaps(a: Stats, b: Stats) -> bool:
    if a.n < 2 or b.n < 2:
        return a.mean == b.mean
    return a.ci_low <= b.ci_high and b.ci_low <= a.ci_high


def _direction(values: np.ndarray, means: np.ndarray) -> str:
    order = np.argsort(values)
    m = means[order]
    if not np.isfinite(m).all():
        return "has no value at some points"
    steps = np.diff(m)
    if (steps >= 0).all():
        return "rises"
    if (steps <= 0).all():
        return "falls"
    top = int(np.argmax(m))
    if 0 < top < len(m) - 1:
        return f"peaks at {fmt(values[order][top])}"
    bottom = int(np.argmin(m))
    if 0 < bottom < len(m) - 1:
        return f"is lowest at {fmt(values[order][bottom])}"
    return "rises overall, not steadily" if m[-1] > m[0] else "falls overall, not steadily"


def _lead(data: SweepData, leader: int, other: int) -> str:
    """The leader's lead over another point on the main KPI, in words, with its interval."""
    values = data.point_values(data.main)
    d = difference_ci(values[leader], values[other])
    label = data.labels()[other]
    if not np.isfinite(d.ci_low):
        return f"{fmt(d.mean)} more than {label} (no interval: fewer than two runs each)"
    if d.ci_low > 0:
        verdict = "beyond run-to-run noise"
    else:
        verdict = "within run-to-run noise: these runs cannot tell them apart"
    return (
        f"{fmt(d.mean)} more than {label} (95 % interval of the difference "
        f"{fmt(d.ci_low)} – {fmt(d.ci_high)}; {verdict})"
    )


def comparison(data: SweepData) -> list[str]:
    """The answer for a design of separate points: which leads on the main KPI, and by how much
    against the runner-up and the first point."""
    if data.main is None or not len(data.done) or len(data.points) < 2:
        return []
    stats = data.point_stats(data.main)
    ids = [p for p in stats if np.isfinite(stats[p].mean)]
    if len(ids) < 2:
        return []
    ranked = sorted(ids, key=lambda p: -stats[p].mean)
    leader, runner = ranked[0], ranked[1]
    labels = data.labels()
    main = kpi_name(data.main)
    text = (
        f"**{labels[leader]} leads on {main}**: {cell(stats[leader])}, "
        f"{_lead(data, leader, runner)}."
    )
    first = ids[0]
    if first not in (leader, runner):
        text += f" Against the first point it is {_lead(data, leader, first)}."
    lines = ["## Answer", "", text, ""]
    rows = []
    for key in data.outputs[1:]:
        s = data.point_stats(key)
        rows.append(
            f"- {kpi_name(key)}: "
            + "; ".join(f"{fmt(s[p].mean)} in {labels[p]}" for p in ranked)
            + "."
        )
    if rows:
        lines += ["The other outputs, in the same order:", "", *rows, ""]
    return lines


def answer(data: SweepData) -> list[str]:
    """Markdown lines stating the answer: along one numeric parameter, or between points."""
    varied = parameter_values(data)
    if varied is None:
        return comparison(data)
    if data.main is None or not len(data.done):
        return []
    name, values = varied
    stats = data.point_stats(data.main)
    ids = list(stats)
    means = np.array([stats[p].mean for p in ids])
    if not np.isfinite(means).any():
        return []
    best = ids[int(np.nanargmax(means))]
    tied = [p for p in ids if _overlaps(stats[p], stats[best])]
    at = dict(zip(ids, values, strict=True))
    tied_values = sorted(at[p] for p in tied)
    low, high = float(values.min()), float(values.max())
    main = kpi_name(data.main)
    lines = ["## Answer", ""]
    text = (
        f"**{main[0].upper() + main[1:]} is highest at `{name}` = {fmt(at[best])}**: "
        f"{cell(stats[best])}."
    )
    if len(tied) > 1:
        text += (
            f" The 95 % intervals of {', '.join(fmt(v) for v in tied_values)} overlap that one: "
            f"at {stats[best].n} replications the best value lies between "
            f"{fmt(tied_values[0])} and {fmt(tied_values[-1])}."
        )
    if at[best] in (low, high) and tied_values[0] in (low, high) and len(tied) == 1:
        end = "upper" if at[best] == high else "lower"
        text += f" The peak is at the {end} end of the range tried: there is no optimum inside it."
    elif at[best] in (low, high):
        text += " The best mean is at an end of the range tried."
    else:
        lowest = ids[int(np.nanargmin(means))]
        text += (
            f" It is lowest at {fmt(at[lowest])}: {cell(stats[lowest])}."
            if at[lowest] in (low, high)
            else ""
        )
    lines += [text, ""]
    rows = []
    first, last = ids[int(np.argmin(values))], ids[int(np.argmax(values))]
    for key in data.outputs[1:]:
        s = data.point_stats(key)
        m = np.array([s[p].mean for p in ids])
        rows.append(
            f"- {kpi_name(key)} {_direction(values, m)}: {fmt(s[first].mean)} at "
            f"{fmt(at[first])}, {fmt(s[best].mean)} at the best value, {fmt(s[last].mean)} at "
            f"{fmt(at[last])}."
        )
    if rows:
        lines += [f"Along `{name}`:", "", *rows, ""]
    return lines
