"""Published closed-form results the model is validated against (ODD section 1).

These are the reference formulas, written from their sources; the validation tests and reports
compare simulated output with them. Nothing here is used by the model itself.
"""

from __future__ import annotations

import math

import numpy as np


def bass_adoption(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Bass cumulative adoption share [Bass1969]:
    ``F(t) = (1 − e^{−(p+q)t}) / (1 + (q/p)·e^{−(p+q)t})``.

    ``p`` and ``q`` are rates per unit of ``t`` (per day if t is in days).
    """
    t = np.asarray(t, dtype=np.float64)
    e = np.exp(-(p + q) * t)
    return (1.0 - e) / (1.0 + (q / p) * e)


def bass_peak_time(p: float, q: float) -> float:
    """Time of the Bass adoption peak ``t* = ln(q/p)/(p + q)`` (when q > p)."""
    return math.log(q / p) / (p + q)


def bass_peak_share(p: float, q: float) -> float:
    """Cumulative adoption at the peak, ``F(t*) = (q − p)/(2q)``."""
    return (q - p) / (2.0 * q)


def ring_adoption(t: np.ndarray, p: float, q: float) -> np.ndarray:
    """Diffusion on a one-dimensional ring with two neighbours [FibichGibori2010].

    ``F(t) = 1 − exp(−(p + q)t + (q/p)(1 − e^{−pt}))``, each adopting neighbour adding q/2 to the
    hazard. It is the lower bound of the network effect: denser graphs lie between it and Bass.
    """
    t = np.asarray(t, dtype=np.float64)
    return 1.0 - np.exp(-(p + q) * t + (q / p) * (1.0 - np.exp(-p * t)))


def bullwhip_ratio(lead_time: float, window: int) -> float:
    """Chen, Drezner, Ryan & Simchi-Levi (2000): order-up-to with a moving-average forecast.

    ``Var(q)/Var(D) = 1 + 2L/n + 2L²/n²`` for i.i.d. demand, lead time L and a window of n
    periods (a lower bound when safety stock uses an estimated standard deviation).
    """
    return 1.0 + 2.0 * lead_time / window + 2.0 * lead_time**2 / window**2


def successive_monopoly(a: float, b: float, cost: float, tiers: int) -> tuple[float, float]:
    """Double (multiple) marginalisation, Spengler (1950): quantity and shelf price when each of
    ``tiers`` successive monopolists sets its own price over linear demand ``Q = a − b·p``.

    The most upstream tier buys at ``cost``. Every tier faces a linear demand with the same
    choke price A = a/b and sells at (A + its purchase price)/2, so after k tiers

        Q_k = (a − b·c) / 2^k,        p_k = A − (A − c) / 2^k.

    With b = 1 and c = 0 this is Q_k = a/2^k: each added tier halves the quantity sold.
    """
    choke = a / b
    quantity = (a - b * cost) / 2**tiers
    price = choke - (choke - cost) / 2**tiers
    return quantity, price


def pyramid_saturation_depth(participants: int, recruits_each: int) -> float:
    """Depth of a full k-ary recruitment tree of N participants: ``log_k(N(k − 1) + 1) − 1``.

    The pyramid arithmetic of ODD section 1: if every participant signs k recruits, N people are
    used up after this many generations below the founder.
    """
    k = recruits_each
    return math.log(participants * (k - 1) + 1, k) - 1.0
