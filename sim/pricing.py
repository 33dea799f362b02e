"""Tier pricing in the B2B2C chain (M3b): fixed markups, or tiers that set a monopoly price.

A tier with ``pricing: fixed`` sells at its purchase price times (1 + ``markup``), as before.
A tier with ``pricing: monopoly`` chooses the selling price that maximises its own margin
(p − c)·Q(p) given its purchase price *c* and the demand *Q(p)* it faces from downstream. All
nodes of a tier are alike and set one price (a symmetric equilibrium among them).

With a linear demand Q = a − b·p at the shelf and every tier below a monopolist also a
monopolist, the demand each tier faces is linear with the same choke price A = a/b, so the
best price is p* = (A + c)/2 at every level ([Spengler1950]; ``monopoly_price``). With
``pricing.demand: known`` (validation; linear demand only) a tier uses that A; with ``learned``
(ordinary runs) it estimates its own demand from what it observed:

* every ``reprice_every_days`` it fits Q = α − β·p by least squares to its last
  ``history_days`` days of (selling price, units asked of it) (``fit_linear_demand``);
* if the fit has β > 0 it moves toward p* = (α/β + c)/2 by at most ``max_step`` of its price;
  otherwise (no price variation yet, or a rising fit) it keeps its price;
* it then offsets the price by ± ``exploration`` (alternating sign), so that its own prices vary
  and the next fit has something to learn from (``learned_price``).

A price never falls below the purchase price (markup ≥ 0); it has no upper bound other than the
demand (a learning tier moves at most ``max_step`` a review).

A tier paid by rebate (``compensation: rebate``, FD direct control) is a fixed tier at markup 0:
it sells at par, p = c, and the maker pays its margin
(:func:`sim.supply_chain.distributor_rebates`).
"""

from __future__ import annotations

import numpy as np

from sim.scenario import Tier, TierPricing


def monopoly_price(choke_price: float, cost: float) -> float:
    """p* = (A + c)/2: the price maximising (p − c)·(A − p)·b for a linear demand with choke
    price A = a/b and unit cost c (a monopolist's price; [Spengler1950])."""
    return (choke_price + cost) / 2.0


def fit_linear_demand(prices: np.ndarray, quantities: np.ndarray) -> tuple[float, float] | None:
    """Least-squares fit of Q = α − β·p; returns (α, β), or None without price variation.

    β = −cov(p, Q)/var(p), α = mean(Q) + β·mean(p).
    """
    p = np.asarray(prices, dtype=float)
    q = np.asarray(quantities, dtype=float)
    if len(p) < 3:
        return None
    var = float(np.var(p))
    if var <= 1e-12 * max(1.0, float(np.mean(p)) ** 2):
        return None
    beta = -float(np.mean((p - p.mean()) * (q - q.mean()))) / var
    alpha = float(q.mean()) + beta * float(p.mean())
    return alpha, beta


def learned_price(
    prices: np.ndarray,
    quantities: np.ndarray,
    current: float,
    cost: float,
    max_step: float,
) -> float:
    """The next price of a learning monopolist, before its exploration offset.

    With a fit (α, β > 0): p* = (α/β + c)/2 clipped to current·(1 ± ``max_step``); without a
    usable fit: the current price.
    """
    fit = fit_linear_demand(prices, quantities)
    if fit is None or fit[1] <= 0:
        return current
    alpha, beta = fit
    target = monopoly_price(alpha / beta, cost)
    return float(np.clip(target, current * (1 - max_step), current * (1 + max_step)))


def chain_prices(wholesale_price: float, markups: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Purchase and selling price of each tier: each buys at the price of the tier above (the
    first at wholesale) and sells at purchase · (1 + markup)."""
    buy = np.zeros(len(markups))
    sell = np.zeros(len(markups))
    price = wholesale_price
    for k, markup in enumerate(markups):
        buy[k] = price
        price = price * (1.0 + float(markup))
        sell[k] = price
    return buy, sell


class TierPricer:
    """Each tier's current markup and, for learning monopolists, what they observed.

    Attributes:
        markup: float per tier, today's markup (a fixed tier's is its live ``markup``).
        prices, quantities: per tier, the selling price and the units asked of the tier on
            each recorded day (the learning window).
        reprices: per tier, how many times it has re-priced (the exploration sign alternates).
    """

    def __init__(self, tiers: list[Tier]) -> None:
        self.markup = np.array([t.markup for t in tiers], dtype=float)
        self.prices: list[list[float]] = [[] for _ in tiers]
        self.quantities: list[list[float]] = [[] for _ in tiers]
        self.reprices = np.zeros(len(tiers), dtype=np.int64)

    def current(self, tiers: list[Tier]) -> np.ndarray:
        """Markups in force: a fixed tier's live parameter, a monopolist's own choice."""
        out = self.markup.copy()
        for k, tier in enumerate(tiers):
            if tier.pricing == "fixed":
                out[k] = tier.markup
        return out

    def prices_today(self, wholesale_price: float, tiers: list[Tier]) -> tuple[np.ndarray, ...]:
        """Purchase and selling price of each tier today."""
        return chain_prices(wholesale_price, self.current(tiers))

    def observe(self, k: int, price: float, units: float, history_days: int) -> None:
        """Record one day of tier ``k``: its selling price and the units asked of it."""
        self.prices[k].append(price)
        self.quantities[k].append(units)
        excess = len(self.prices[k]) - history_days
        if excess > 0:
            del self.prices[k][:excess]
            del self.quantities[k][:excess]

    def reprice(
        self,
        day: int,
        wholesale_price: float,
        tiers: list[Tier],
        pricing: TierPricing,
        choke_price: float | None,
    ) -> None:
        """End of day: monopolists set tomorrow's price, upstream first (each on the purchase
        price the tier above has just set). ``choke_price`` is A = a/b for ``known`` demand."""
        markups = self.current(tiers)
        for k, tier in enumerate(tiers):
            if tier.pricing == "fixed":
                continue
            cost = chain_prices(wholesale_price, markups)[0][k]
            current = cost * (1.0 + self.markup[k])
            if pricing.demand == "known" and choke_price is not None:
                price = monopoly_price(choke_price, cost)
            elif day % pricing.reprice_every_days == 0:
                self.reprices[k] += 1
                base = learned_price(
                    np.array(self.prices[k]),
                    np.array(self.quantities[k]),
                    current,
                    cost,
                    pricing.max_step,
                )
                sign = 1.0 if self.reprices[k] % 2 else -1.0
                price = base * (1.0 + sign * pricing.exploration)
            else:
                price = current
            markup = max(0.0, price / cost - 1.0) if cost > 0 else 0.0
            self.markup[k] = markup
            markups[k] = markup
