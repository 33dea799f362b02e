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


def nested_logit_choice(
    v: np.ndarray,
    available: np.ndarray,
    outside: float | None,
    scale: float,
    u_brand: np.ndarray,
    u_channel: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw a brand and a channel per row from a nested logit with one nest per brand.

    With V_bc the utility of brand *b* through channel *c* and λ = ``scale``, the nest's
    inclusive value is ``I_b = ln Σ_c exp(V_bc/λ)`` over its available channels, and

        Pr(b) = exp(λ·I_b) / (exp(u₀) + Σ_b' exp(λ·I_b')),   Pr(c | b) = exp(V_bc/λ) / exp(I_b)

    where the outside option u₀ is a nest of its own (left out when ``outside`` is None).
    λ = 1 gives the plain logit over brand × channel; a smaller λ makes a brand's channels
    closer substitutes for each other than for another brand's [Train2009, ch. 4].

    Args:
        v: Utilities (m, B, C).
        available: Boolean (m, B, C).
        outside: u₀, or None when there is no outside option.
        scale: λ in (0, 1].
        u_brand, u_channel: One uniform per row for each level.

    Returns:
        ``(brand, channel)`` per row: brand -1 with channel -1 for the outside option, brand -2
        for rows with nothing available.
    """
    m, n_brands, _ = v.shape
    scaled = np.where(available, v / scale, -np.inf)
    top = scaled.max(axis=2)
    has = np.isfinite(top)
    safe_top = np.where(has, top, 0.0)
    total = np.where(available, np.exp(scaled - safe_top[:, :, None]), 0.0).sum(axis=2)
    inclusive = safe_top + np.log(np.where(has, total, 1.0))
    upper = np.empty((m, n_brands + 1))
    upper[:, :n_brands] = scale * inclusive
    upper[:, n_brands] = outside if outside is not None else 0.0
    upper_avail = np.empty((m, n_brands + 1), dtype=bool)
    upper_avail[:, :n_brands] = has
    upper_avail[:, n_brands] = outside is not None
    nest = logit_choice(upper, upper_avail, u_brand)
    brand = np.where(nest == n_brands, -1, nest)
    brand[nest < 0] = -2
    channel = np.full(m, -1, dtype=np.int64)
    rows = np.flatnonzero(brand >= 0)
    if len(rows):
        b = brand[rows]
        channel[rows] = logit_choice(v[rows, b] / scale, available[rows, b], u_channel[rows])
    return brand, channel
