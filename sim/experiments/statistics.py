"""Statistics across replications: the mean and Student t interval of a KPI, per point or per
day.
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


def confidence_band(frame: pd.DataFrame, column: str) -> pd.DataFrame:
    """Per day: n, mean and the t interval of a column over the frame's runs."""
    from scipy import stats

    grouped = frame.groupby("day")[column]
    out = pd.DataFrame({"n": grouped.count(), "mean": grouped.mean(), "sd": grouped.std(ddof=1)})
    t = np.where(out["n"] > 1, stats.t.ppf((1 + CONFIDENCE) / 2, np.maximum(out["n"] - 1, 1)), 0)
    half = np.where(out["n"] > 1, t * out["sd"] / np.sqrt(out["n"].clip(lower=1)), np.nan)
    out["low"] = out["mean"] - half
    out["high"] = out["mean"] + half
    return out.reset_index()
