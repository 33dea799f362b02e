"""Long-tail statistics of store sales: concentration and a fitted power law.

Plain functions of a vector of sales (units per store), so that the summary, the figures and
the reports compute the same numbers from ``stores.csv``.

* :func:`gini`, :func:`top_share`, :func:`lorenz_curve`: concentration.
* :func:`long_tail` : the measures of the ODD (section 7.9), stores that sold among those
  opened, and among sellers the top-20 % share, the Gini, the long-tail share and a power law.
* :func:`fit_power_law`: the discrete power law P(x) = x^(−α)/ζ(α, x_min), x ≥ x_min, fitted
  by maximum likelihood with x_min chosen to minimise the Kolmogorov–Smirnov distance
  [ClausetShaliziNewman2009]; :func:`power_law_p_value`, their semi-parametric bootstrap test
  of the fit.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import optimize, special

ALPHA_RANGE = (1.01, 6.0)
"""Exponents searched by the maximum-likelihood fit."""
MIN_TAIL = 10
"""Fewest observations at or above x_min for a fit."""
CAP = 10**15
"""Largest value drawn by :func:`sample_power_law`."""


def gini(values: np.ndarray) -> float:
    """Gini coefficient of non-negative values: ``Σᵢ (2i − n − 1)·x₍ᵢ₎ / (n·Σx)``.

    The values are sorted ascending and i counts from 1.
    """
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    total = x.sum()
    if n == 0 or total <= 0:
        return 0.0
    i = np.arange(1, n + 1)
    return float(np.sum((2 * i - n - 1) * x) / (n * total))


def top_share(values: np.ndarray, fraction: float = 0.2) -> float:
    """Share of the total held by the top ``fraction`` of units (ceil of fraction·n of them)."""
    x = np.sort(np.asarray(values, dtype=np.float64))[::-1]
    total = x.sum()
    if len(x) == 0 or total <= 0:
        return 0.0
    k = max(1, int(np.ceil(fraction * len(x))))
    return float(x[:k].sum() / total)


def lorenz_curve(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lorenz curve: cumulative share of units (x) against cumulative share of the total (y)."""
    x = np.sort(np.asarray(values, dtype=np.float64))
    n = len(x)
    if n == 0 or x.sum() <= 0:
        return np.array([0.0, 1.0]), np.array([0.0, 1.0])
    cum = np.concatenate(([0.0], np.cumsum(x))) / x.sum()
    return np.linspace(0.0, 1.0, n + 1), cum


@dataclass(frozen=True)
class PowerLawFit:
    """A discrete power law fitted to the tail x ≥ ``xmin`` of a sample.

    Attributes:
        alpha: Maximum-likelihood exponent.
        xmin: Lower bound of the tail (chosen by the smallest KS distance).
        n_tail: Observations at or above ``xmin``.
        ks: Kolmogorov–Smirnov distance between the tail and the fitted law.
        alpha_se: Standard error of alpha, (α − 1)/√n_tail.
    """

    alpha: float
    xmin: int
    n_tail: int
    ks: float
    alpha_se: float


def _alpha_mle(tail: np.ndarray, xmin: int) -> float:
    """Maximise ``L(α) = −n·ln ζ(α, x_min) − α·Σ ln xᵢ`` over :data:`ALPHA_RANGE`."""
    n = len(tail)
    log_sum = float(np.log(tail).sum())

    def negative_log_likelihood(alpha: float) -> float:
        return n * math.log(special.zeta(alpha, xmin)) + alpha * log_sum

    result = optimize.minimize_scalar(
        negative_log_likelihood, bounds=ALPHA_RANGE, method="bounded", options={"xatol": 1e-6}
    )
    return float(result.x)


def _ks_distance(tail: np.ndarray, alpha: float, xmin: int) -> float:
    """Largest gap between the tail's empirical CCDF and the law's ``ζ(α, x)/ζ(α, x_min)``."""
    values, counts = np.unique(tail, return_counts=True)
    empirical = 1.0 - np.concatenate(([0], np.cumsum(counts)[:-1])) / len(tail)  # P(X ≥ x)
    model = special.zeta(alpha, values) / special.zeta(alpha, xmin)
    return float(np.max(np.abs(empirical - model)))


def fit_power_law(values: np.ndarray, xmin: int | None = None) -> PowerLawFit | None:
    """Fit a discrete power law to the positive integer ``values`` [ClausetShaliziNewman2009].

    For each candidate x_min (each distinct value leaving at least :data:`MIN_TAIL`
    observations, unless ``xmin`` is given) α is the maximum-likelihood exponent of the tail
    x ≥ x_min, and the x_min with the smallest KS distance is kept.

    Returns:
        The fit, or None when fewer than :data:`MIN_TAIL` positive values exist.
    """
    x = np.asarray(values)
    x = np.rint(x[x > 0]).astype(np.int64)
    if len(x) < MIN_TAIL:
        return None
    candidates = [xmin] if xmin is not None else np.unique(x)
    best: PowerLawFit | None = None
    for candidate in candidates:
        tail = x[x >= candidate]
        if len(tail) < MIN_TAIL or len(np.unique(tail)) < 2:
            continue
        alpha = _alpha_mle(tail, int(candidate))
        ks = _ks_distance(tail, alpha, int(candidate))
        if best is None or ks < best.ks:
            se = (alpha - 1.0) / math.sqrt(len(tail))
            best = PowerLawFit(alpha, int(candidate), len(tail), ks, se)
    return best


def sample_power_law(alpha: float, xmin: int, size: int, rng: np.random.Generator) -> np.ndarray:
    """Draws of the discrete power law of exponent ``alpha`` above ``xmin``, by inverting its
    CCDF S(x) = P(X ≥ x) = ζ(α, x)/ζ(α, x_min): for v uniform in (0, 1], X is the largest x with
    S(x) ≥ v, found by bisection from the continuous approximation (draws are capped at 10¹⁵)."""
    v = 1.0 - rng.random(size)
    norm = special.zeta(alpha, xmin)

    def ccdf(x: np.ndarray) -> np.ndarray:
        return special.zeta(alpha, x.astype(np.float64)) / norm

    guess = (xmin - 0.5) * v ** (-1.0 / (alpha - 1.0)) + 0.5
    hi = np.minimum(np.maximum(np.ceil(2 * guess), xmin + 1), CAP).astype(np.int64)
    while (grow := (ccdf(hi) >= v) & (hi < CAP)).any():
        hi[grow] = np.minimum(2 * hi[grow], CAP)
    lo = np.full(size, xmin, dtype=np.int64)
    while (hi - lo > 1).any():
        mid = (lo + hi) // 2
        keep = ccdf(mid) >= v
        lo = np.where(keep, mid, lo)
        hi = np.where(keep, hi, mid)
    return lo


def power_law_p_value(
    values: np.ndarray, fit: PowerLawFit, repeats: int, rng: np.random.Generator
) -> float:
    """Share of synthetic samples whose KS distance to their own fit exceeds the data's.

    Semi-parametric bootstrap [ClausetShaliziNewman2009]: each synthetic sample has as many
    values as the data; each draw is, with probability n_tail/n, from the fitted law above
    x_min, otherwise one of the data's values below x_min; the synthetic sample is fitted like
    the data (x_min chosen again). p > 0.1 means a power law is a plausible description.
    """
    x = np.asarray(values)
    x = np.rint(x[x > 0]).astype(np.int64)
    below = x[x < fit.xmin]
    exceed = 0
    for _ in range(repeats):
        from_tail = rng.random(len(x)) < fit.n_tail / len(x)
        synthetic = np.empty(len(x), dtype=np.int64)
        synthetic[from_tail] = sample_power_law(fit.alpha, fit.xmin, int(from_tail.sum()), rng)
        if len(below):
            synthetic[~from_tail] = rng.choice(below, size=int((~from_tail).sum()))
        else:
            synthetic[~from_tail] = sample_power_law(
                fit.alpha, fit.xmin, int((~from_tail).sum()), rng
            )
        refit = fit_power_law(synthetic)
        if refit is not None and refit.ks >= fit.ks:
            exceed += 1
    return exceed / repeats


def long_tail(units: np.ndarray) -> dict[str, float | int | None]:
    """The long-tail measures of store sales (units per store, every store ever opened).

    ``stores_sold``: stores that sold at least one unit; ``share_sold``: of those opened; among
    sellers: ``top20_share_sellers``, ``gini_sellers``, ``long_tail_share`` (units sold by the
    sellers outside the top 20 %), ``max_units``, and the power law's ``power_law_alpha``,
    ``power_law_xmin`` and ``power_law_n`` (None when fewer than :data:`MIN_TAIL` sold).
    """
    units = np.asarray(units, dtype=np.float64)
    sellers = units[units > 0]
    fit = fit_power_law(sellers)
    top = top_share(sellers, 0.2)
    return {
        "stores_sold": len(sellers),
        "share_sold": len(sellers) / len(units) if len(units) else 0.0,
        "top20_share_sellers": top,
        "gini_sellers": gini(sellers),
        "long_tail_share": 1.0 - top if len(sellers) else 0.0,
        "max_units": int(sellers.max()) if len(sellers) else 0,
        "power_law_alpha": fit.alpha if fit is not None else None,
        "power_law_xmin": fit.xmin if fit is not None else None,
        "power_law_n": fit.n_tail if fit is not None else None,
    }
