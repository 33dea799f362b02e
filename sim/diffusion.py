"""Awareness and word of mouth, Bass-compatible (MODEL.md M1).

An unaware consumer *i* becomes aware on a day with probability ``1 − exp(−λᵢ)``, with the
daily hazard

    λᵢ = p + p_ads + p_shelf·[stocked open retailer in i's region] + p_posts,ᵢ + q·sᵢ

where ``p = innovation_rate_per_year / 365``, ``q = imitation_rate_per_year / 365``, ``p_ads =
(grps_per_day / 100)·awareness_per_impression`` while the direct shop is open, ``p_shelf =
shelf_awareness_per_year / 365``, ``p_posts,ᵢ = awareness_per_view · Σⱼ τᵢⱼ·vⱼ·kⱼ`` over
friends *j* whose posts *i* has not muted (kⱼ posts today, each seen with probability vⱼ),
and ``sᵢ = Σⱼ τᵢⱼ·aⱼ / Σⱼ τᵢⱼ`` the trust-weighted share of friends who have adopted
(τᵢⱼ: i's trust in j; aⱼ = 1 if j adopted).

An aware ordinary consumer who has not adopted forgets on a day with probability
``f·exp(−λᵢ)``: the forgetting rate *f* applies on days without any reminder (the same sources
that create awareness). Adopters, fans and employees never forget. With one-time purchase, only
the direct channel, no forgetting and a fully mixed population, awareness is adoption and
``F(t)`` follows the Bass curve.
"""

from __future__ import annotations

import numpy as np


def hazard_probability(rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in a day at daily rate λ: ``1 − exp(−λ)``."""
    return -np.expm1(-rate)


def awareness_step(
    aware: np.ndarray,
    anchored: np.ndarray,
    rate: np.ndarray,
    forgetting_rate: float,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """Apply one day of awareness gain and forgetting.

    Args:
        aware: Awareness flags (updated in place).
        anchored: Consumers who never forget (adopters, fans, employees).
        rate: Daily hazard λᵢ for every consumer.
        forgetting_rate: f, daily probability of forgetting without a reminder.
        rng: The model's random generator.

    Returns:
        Indices of consumers who became aware today and of those who forgot.
    """
    draws = rng.random(len(aware))
    no_event = np.exp(-rate)
    # one uniform per consumer: gain for the unaware, forgetting for the aware
    gained = np.flatnonzero(~aware & (draws < 1.0 - no_event))
    forgot = np.zeros(0, dtype=np.int64)
    if forgetting_rate > 0:
        at_risk = aware & ~anchored
        forgot = np.flatnonzero(at_risk & (draws < forgetting_rate * no_event))
    aware[gained] = True
    aware[forgot] = False
    return gained, forgot
