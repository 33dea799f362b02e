"""Statistics across replications: the mean and Student t interval of a KPI, per point or per
day, kept inside the range the KPI can take; differences between points, paired or not.

Bounded KPIs (a share in [0, 1], a count or a day ≥ 0) get the Student t interval intersected
with their range: ``[max(lo, mean − h), min(hi, mean + h)]``. The true mean lies in the range,
so cutting the interval to it never drops the true value: the coverage stays at least the
nominal 95 % [Mandelkern2002]. A percentile bootstrap would also respect the range, but
with the three to ten replications of a typical sweep it covers far less than 95 % (with three
runs it cannot reach beyond the largest and smallest value); the t interval does not depend on
a resample.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd

CONFIDENCE = 0.95


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


Bounds = tuple[float, float] | None
"""The range a KPI can take, ``(low, high)`` (``±inf`` for no limit), or None."""


def mean_ci(
    values: Sequence[float] | np.ndarray, level: float = CONFIDENCE, bounds: Bounds = None
) -> Stats:
    """Mean, sample standard deviation and Student t confidence interval of finite values.

    Args:
        values: One value per replication; NaN and infinite values are left out.
        level: Confidence level of the interval.
        bounds: The range the quantity can take; the interval is cut to it.

    Returns:
        ``n`` values used; ``mean``; ``sd`` (ddof 1; NaN for n < 2); ``ci_low``, ``ci_high`` =
        ``mean ∓ t((1 + level) / 2, n − 1) · sd / √n`` (NaN for n < 2), intersected with
        ``bounds``.
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
    low, high = mean - half, mean + half
    if bounds is not None:
        low, high = max(low, bounds[0]), min(high, bounds[1])
    return Stats(n, mean, sd, low, high)


def paired_difference_ci(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = CONFIDENCE
) -> Stats:
    """Difference of two means from paired runs (common random numbers), ``mean(a − b)``.

    ``a[i]`` and ``b[i]`` are the same replication (the same seed) of two points; pairs where
    either value is missing are left out. The interval is the Student t interval of the mean of
    the paired differences ``d_i = a_i − b_i``: ``d̄ ∓ t((1 + level)/2, n − 1) · s_d / √n``. When
    the two runs of a pair move together, ``s_d`` is smaller than the spread of either, and the
    interval narrower than Welch's (:func:`difference_ci`) on the same runs.
    """
    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    if len(x) != len(y):
        raise ValueError("paired samples need the same length")
    keep = np.isfinite(x) & np.isfinite(y)
    return mean_ci(x[keep] - y[keep], level)


def difference_ci(
    a: Sequence[float] | np.ndarray, b: Sequence[float] | np.ndarray, level: float = CONFIDENCE
) -> Stats:
    """Difference of two means, ``mean(a) − mean(b)``, with Welch's t interval.

    The two samples are independent (each run has its own seed), with possibly unequal
    variances: ``se = √(s_a²/n_a + s_b²/n_b)`` and the Welch–Satterthwaite degrees of freedom
    ``ν = se⁴ / ((s_a²/n_a)²/(n_a − 1) + (s_b²/n_b)²/(n_b − 1))``; the interval is
    ``d ∓ t((1 + level)/2, ν) · se`` [Welch1947]. ``n`` is the smaller sample size; ``sd``
    is ``se``. NaN bounds when either sample has fewer than two values; with no spread at all
    the interval is the point ``d``.
    """
    from scipy import stats

    x = np.asarray(a, dtype=float)
    y = np.asarray(b, dtype=float)
    x, y = x[np.isfinite(x)], y[np.isfinite(y)]
    n = min(len(x), len(y))
    if n == 0:
        return Stats(0, math.nan, math.nan, math.nan, math.nan)
    d = float(x.mean() - y.mean())
    if n < 2:
        return Stats(n, d, math.nan, math.nan, math.nan)
    va, vb = x.var(ddof=1) / len(x), y.var(ddof=1) / len(y)
    se = math.sqrt(va + vb)
    if se == 0:
        return Stats(n, d, 0.0, d, d)
    nu = se**4 / (va**2 / (len(x) - 1) + vb**2 / (len(y) - 1))
    half = float(stats.t.ppf((1 + level) / 2, nu)) * se
    return Stats(n, d, se, d - half, d + half)


def confidence_band(frame: pd.DataFrame, column: str, bounds: Bounds = None) -> pd.DataFrame:
    """Per day: n, mean and the t interval of a column over the frame's runs (cut to
    ``bounds``)."""
    from scipy import stats

    grouped = frame.groupby("day")[column]
    out = pd.DataFrame({"n": grouped.count(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)})
    t = np.where(out["n"] > 1, stats.t.ppf((1 + CONFIDENCE) / 2, np.maximum(out["n"] - 1, 1)), 0)
    half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"].clip(lower=1)), np.nan)
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    if bounds is not None:
        out["low"] = out["low"].clip(lower=bounds[0])
        out["high"] = out["high"].clip(upper=bounds[1])
    return out.reset_index()
