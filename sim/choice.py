"""Channel choice: a multinomial logit over the channels open to each consumer (M2).

For consumer *i* in the market, the utility of buying the brand through channel *c* is

    U_ic = β_h·h_ic − β_p·ρᵢ·(P_c − P_list)/P_list + β_τ·τ_i,s·[c = social] + β_a·aᵢ + α_c + ε_ic

and not buying it (a competitor, or nothing) has ``U_i0 = u₀ + ε_i0``, with ε Gumbel, so
``Pr(c) = exp(V_ic) / Σ_{k available} exp(V_ik)``. *h* are the consumer's habit weights
(offline, online, social), ρ its price sensitivity, *P_c* the channel's price, τ the trust in
the owner of the micro-store it would buy from, *a* its attitude to the brand, α_c the channel
constants and u₀ the outside option (absent when ``outside_option_utility`` is null).

A channel is available to *i* when it is open and, for the social channel, a friend (or *i*
itself, where owners may buy from their own store) owns an open store that posted within
``memory_days`` and that *i* has not muted; among several such stores *i* picks one with
probability proportional to its trust in the owner (:mod:`sim.shopping`). Stock is not part of
availability: a shopper who chooses a channel that turns out to be out of stock chooses once more
among the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.scenario import Choice

OFFLINE, ONLINE, SOCIAL, OUTSIDE = 0, 1, 2, 3
"""Alternative indices; channels 0–2 match the habit columns and ``CHANNELS`` order."""


@dataclass(frozen=True)
class ChannelOffer:
    """Prices of the three channels and the outside option's utility (None: absent)."""

    prices: np.ndarray
    list_price: float
    outside_utility: float | None


def utilities(
    choice: Choice,
    offer: ChannelOffer,
    habit: np.ndarray,
    price_sensitivity: np.ndarray,
    attitude: np.ndarray,
    social_trust: np.ndarray,
) -> np.ndarray:
    """Deterministic utilities V (rows: consumers; columns: offline, online, social, outside)."""
    m = len(attitude)
    v = np.empty((m, 4))
    premium = (offer.prices - offer.list_price) / offer.list_price
    constants = choice.channel_constants
    alpha = np.array([constants.offline, constants.online, constants.social])
    v[:, :3] = (
        choice.habit_weight * habit
        - choice.price_weight * price_sensitivity[:, None] * premium[None, :]
        + alpha[None, :]
        + choice.attitude_weight * attitude[:, None]
    )
    v[:, SOCIAL] += choice.trust_weight * social_trust
    v[:, OUTSIDE] = offer.outside_utility if offer.outside_utility is not None else 0.0
    return v


def logit_choice(v: np.ndarray, available: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Draw one alternative per row from the logit over available alternatives.

    Args:
        v: Utilities (m, k).
        available: Boolean (m, k).
        u: One uniform draw per row.

    Returns:
        Index of the chosen alternative, or -1 for rows with nothing available.
    """
    masked = np.where(available, v, -np.inf)
    top = masked.max(axis=1, keepdims=True)
    none = ~np.isfinite(top[:, 0])
    top[none] = 0.0
    weights = np.where(available, np.exp(masked - top), 0.0)
    cumulative = np.cumsum(weights, axis=1)
    total = cumulative[:, -1]
    target = u * total
    chosen = (cumulative <= target[:, None]).sum(axis=1)
    chosen = np.minimum(chosen, v.shape[1] - 1)
    # guard against round-off landing on an unavailable column
    bad = ~available[np.arange(len(v)), chosen] & ~none
    if bad.any():
        chosen[bad] = np.argmax(np.where(available[bad], weights[bad], -1.0), axis=1)
    chosen[none] = -1
    return chosen


def pick_weighted(
    group: np.ndarray, weight: np.ndarray, n_groups: int, u: np.ndarray
) -> np.ndarray:
    """For each group pick one member with probability proportional to its weight.

    Args:
        group: Group of each candidate, sorted ascending (candidates contiguous by group).
        weight: Non-negative weight of each candidate.
        n_groups: Number of groups.
        u: One uniform per group.

    Returns:
        Index (into the candidate arrays) of the pick for each group, -1 where a group has no
        candidate of positive weight.
    """
    out = np.full(n_groups, -1, dtype=np.int64)
    if len(group) == 0:
        return out
    cumulative = np.cumsum(weight)
    totals = np.bincount(group, weights=weight, minlength=n_groups)
    ends = np.cumsum(np.bincount(group, minlength=n_groups))
    starts_cum = np.concatenate(([0.0], cumulative))[ends - np.bincount(group, minlength=n_groups)]
    has = totals > 0
    target = starts_cum[has] + u[has] * totals[has]
    idx = np.searchsorted(cumulative, target, side="right")
    idx = np.minimum(idx, ends[has] - 1)
    out[has] = idx
    return out
