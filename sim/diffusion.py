"""Stage 4: awareness and word of mouth, Bass-compatible (M1).

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

from typing import TYPE_CHECKING

import numpy as np

from sim.advertising import advertising_awareness_rate
from sim.audience import AudienceGraph
from sim.consumers import ORDINARY, ConsumerPopulation
from sim.friendships import Friendships
from sim.graph.compiled import compile_kernel
from sim.market import MarketState
from sim.trust import negative_word_of_mouth, negative_word_of_mouth_compiled

if TYPE_CHECKING:
    from sim.posting import Posts
    from sim.supply_chain import SupplyChain


def hazard_probability(rate: np.ndarray) -> np.ndarray:
    """Probability of at least one event in a day at daily rate λ: ``1 − exp(−λ)``."""
    return -np.expm1(-rate)


def _awareness_rate_loop(
    base: float,
    shelf_rate: float,
    stocked: np.ndarray,
    region: np.ndarray,
    use_shelf: bool,
    imitation: float,
    adopters: np.ndarray,
    trust_total: np.ndarray,
    per_view: float,
    exposure: np.ndarray,
    use_exposure: bool,
    out: np.ndarray,
) -> None:
    """``out = −λᵢ`` with λᵢ = base + p_shelf·[stocked] + q·sᵢ + awareness_per_view·exposureᵢ
    summed term by term in the order of :meth:`AwarenessStage._rate` (an absent term adds
    nothing; ``base`` is p, plus p_ads while the direct shop is open; sᵢ is 0 for a consumer
    without friends' trust)."""
    for i in range(len(out)):
        r = base
        if use_shelf:
            r += shelf_rate * (1.0 if stocked[region[i]] else 0.0)
        if imitation > 0:
            t = trust_total[i]
            r += imitation * (adopters[i] / t if t > 0 else 0.0)
        if use_exposure:
            r += per_view * exposure[i]
        out[i] = -r


def _awareness_loop(
    aware: np.ndarray,
    adopted: np.ndarray,
    segment: np.ndarray,
    draws: np.ndarray,
    no_event: np.ndarray,
    forgetting_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`awareness_step` over every consumer in one pass (anchored: adopted or not
    ``ORDINARY``); returns (gained, forgot) in ascending order."""
    n = len(aware)
    gained = np.empty(n, dtype=np.int64)
    forgot = np.empty(n, dtype=np.int64)
    g = 0
    f = 0
    forgets = forgetting_rate > 0
    for i in range(n):  # without branches: awareness is unpredictable from one consumer to the next
        a = aware[i]
        gained[g] = i
        g += (not a) & (draws[i] < 1.0 - no_event[i])
        forgot[f] = i
        f += (
            a
            & forgets
            & (not adopted[i])
            & (segment[i] == ORDINARY)
            & (draws[i] < forgetting_rate * no_event[i])
        )
    for k in range(g):
        aware[gained[k]] = True
    for k in range(f):
        aware[forgot[k]] = False
    return gained[:g].copy(), forgot[:f].copy()


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


class AwarenessStage:
    """Stage 4: awareness from every source, forgetting, and negative word of mouth (M7)."""

    def __init__(
        self,
        consumers: ConsumerPopulation,
        friendships: Friendships,
        audience: AudienceGraph,
        supply: SupplyChain,
        market: MarketState,
        rng: np.random.Generator,
    ) -> None:
        self.consumers = consumers
        self.friendships = friendships
        self.audience = audience
        self.supply = supply
        self.market = market
        self.rng = rng

    def run(self, day: int, posts: Posts | None) -> np.ndarray | None:
        """Apply one day; returns each consumer's exposure to today's posts (None: no posts).

        Exposure is ``Σⱼ τᵢⱼ·vⱼ·kⱼ`` over friends *j* who posted and whom *i* has not muted, and
        over the influencers *i* follows and the group organisers whose groups *i* is in.
        With screen-spam dynamics on, detractors are re-derived and spread negative word of
        mouth before awareness is drawn.
        """
        p = self.market.params
        c = self.consumers
        sums = self.friendships.sums
        exposure = None
        if posts is not None:
            exposure = self.friendships.exposure(posts.owners, posts.views, p.spam.enabled)
            exposure = exposure.astype(np.float64, copy=False)
            if self.audience.ties:
                exposure += self.audience.exposure(posts.owners, posts.views)
        if p.spam.enabled:
            self.friendships.update_detractors(c.attitude, p.spam.detractor_attitude)
            if sums.compiled:
                negative_word_of_mouth_compiled(
                    c.attitude,
                    c.baseline_attitude,
                    sums.weighted("detractors"),
                    sums.trust_total,
                    p.spam,
                )
            else:
                negative_word_of_mouth(
                    c.attitude, c.baseline_attitude, sums.share("detractors"), p.spam
                )
        forgetting = p.diffusion.forgetting_rate_per_day
        if sums.compiled:
            no_event = self._no_event_compiled(exposure)
            draws = self.rng.random(c.n)
            gained, forgot = compile_kernel(_awareness_loop)(
                c.aware, c.adopted, c.segment, draws, no_event, forgetting
            )
        else:
            anchored = c.adopted | (c.segment != ORDINARY)
            rate = self._rate(exposure)
            gained, forgot = awareness_step(c.aware, anchored, rate, forgetting, self.rng)
        c.aware_day[gained] = day
        c.aware_day[forgot] = -1
        return exposure

    def _terms(self) -> tuple[float, float, float, bool, np.ndarray, float, float]:
        """The terms of λ: p (with p_ads while the direct shop is open), p_shelf, whether the
        shelf term applies and which regions are stocked, q, awareness per view."""
        p = self.market.params
        base = p.diffusion.innovation_rate_per_year / 365.0
        ads = (
            advertising_awareness_rate(p.channels.b2c.advertising)
            if self.market.is_open("b2c")
            else None
        )
        shelf = bool(self.supply.tiers) and self.market.is_open("b2b2c")
        stocked = self.supply.tiers[-1].on_hand > 0 if shelf else np.zeros(1, dtype=bool)
        shelf_rate = p.channels.b2b2c.shelf_awareness_per_year / 365.0
        q = p.diffusion.imitation_rate_per_year / 365.0
        per_view = p.channels.b2c2c.posting.awareness_per_view
        return base, ads, shelf_rate, shelf, stocked, q, per_view

    def _rate(self, exposure: np.ndarray | None) -> np.ndarray:
        """Today's awareness hazard λᵢ of every consumer (module docstring)."""
        c = self.consumers
        base, ads, shelf_rate, shelf, stocked, q, per_view = self._terms()
        rate = np.full(c.n, base)
        if ads is not None:
            rate += ads
        if shelf:
            rate += shelf_rate * stocked[c.region]
        if q > 0:
            rate += q * self.friendships.sums.share("adopters")
        if exposure is not None:
            rate += per_view * exposure
        return rate

    def _no_event_compiled(self, exposure: np.ndarray | None) -> np.ndarray:
        """``exp(−λᵢ)`` for every consumer, λ summed by the compiled loop in the order of
        :meth:`_rate` (``exp`` is NumPy's)."""
        c = self.consumers
        sums = self.friendships.sums
        base, ads, shelf_rate, shelf, stocked, q, per_view = self._terms()
        if ads is not None:
            base += ads
        minus_rate = np.empty(c.n, dtype=np.float64)
        compile_kernel(_awareness_rate_loop)(
            base,
            shelf_rate,
            stocked,
            c.region,
            shelf,
            q,
            sums.weighted("adopters") if q > 0 else minus_rate,
            sums.trust_total,
            per_view,
            exposure if exposure is not None else minus_rate,
            exposure is not None,
            minus_rate,
        )
        return np.exp(minus_rate, out=minus_rate)
