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
from sim.market import MarketState
from sim.trust import negative_word_of_mouth

if TYPE_CHECKING:
    from sim.posting import Posts
    from sim.supply_chain import SupplyChain


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
        rate = np.full(c.n, p.diffusion.innovation_rate_per_year / 365.0)
        if self.market.is_open("b2c"):
            rate += advertising_awareness_rate(p.channels.b2c.advertising)
        if self.supply.tiers and self.market.is_open("b2b2c"):
            stocked = self.supply.tiers[-1].on_hand > 0
            rate += (p.channels.b2b2c.shelf_awareness_per_year / 365.0) * stocked[c.region]
        q = p.diffusion.imitation_rate_per_year / 365.0
        if q > 0:
            rate += q * sums.share("adopters")
        exposure = None
        if posts is not None:
            hidden = self.friendships.muted if p.spam.enabled else None
            exposure = sums.exposure(posts.owners, posts.views, hidden=hidden).astype(np.float64)
            if self.audience.ties:
                exposure += self.audience.exposure(posts.owners, posts.views)
            rate += p.channels.b2c2c.posting.awareness_per_view * exposure
        if p.spam.enabled:
            self.friendships.update_detractors(c.attitude, p.spam.detractor_attitude)
            negative_word_of_mouth(
                c.attitude, c.baseline_attitude, sums.share("detractors"), p.spam
            )
        anchored = c.adopted | (c.segment != ORDINARY)
        gained, forgot = awareness_step(
            c.aware, anchored, rate, p.diffusion.forgetting_rate_per_day, self.rng
        )
        c.aware_day[gained] = day
        c.aware_day[forgot] = -1
        return exposure
