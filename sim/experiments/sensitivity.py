"""Sensitivity analysis of a sweep: tornado charts (one at a time), Sobol' indices and Morris
screening (SALib), computed on point means.
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from sim.experiments.charts import Figure, format_axis, parameter_label, save_figure, short
from sim.experiments.statistics import CONFIDENCE
from sim.experiments.sweep_data import SweepData, currency, kpi_name, slug
from sim.experiments.tables import fmt


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
            f"{short(parameter_label(p), 38)}\n({format_value(lo)} / {format_value(hi)})"
            for p, lo, hi, _, _ in entries
        ]
        ax.set_yticks(y, names, fontsize=8)
        ax.invert_yaxis()
        ax.axvline(base.mean, color="black", lw=1)
        format_axis(ax, "x", key, currency(data))
        ax.set_title(f"One at a time: {kpi_name(key)} (baseline {fmt(base.mean)})", fontsize=10)
        ax.legend(fontsize=8, loc="lower right")
        path = save_figure(fig, out / f"tornado_{slug(key)}.png")
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
        ax.set_xticks(x, [short(parameter_label(n), 22) for n in names], rotation=20, ha="right")
        ax.axhline(0, color="grey", lw=0.8)
        ax.set_ylabel("share of the output's variance")
        ax.set_title(f"Sobol' indices: {kpi_name(key)}", fontsize=10)
        ax.legend(fontsize=8)
        path = save_figure(fig, out / f"sobol_{slug(key)}.png")
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
        short_names = [short(parameter_label(n), 22) for n in names]
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
        path = save_figure(fig, out / f"morris_{slug(key)}.png")
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
