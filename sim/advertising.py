"""Advertising bought by the direct shop (M4): its cost (stage 2) and the awareness it buys.

While the B2C channel is open the maker buys ``grps_per_day`` gross rating points a day:
GRP/100 × N impressions at ``cpm`` per thousand. Each impression makes an unaware consumer
aware with probability ``awareness_per_impression``, so advertising adds
``p_ads = (GRP/100)·awareness_per_impression`` to every consumer's daily awareness hazard
(:mod:`sim.diffusion`).
"""

from __future__ import annotations

from sim.accounting import ADVERTISING, MAKER, Ledger
from sim.market import MarketState
from sim.scenario import Advertising


def buy_advertising(market: MarketState, ledger: Ledger, consumers: int) -> None:
    """Stage 2: the maker pays for today's impressions while the direct shop is open."""
    if not market.is_open("b2c"):
        return
    ads = market.params.channels.b2c.advertising
    impressions = ads.grps_per_day / 100.0 * consumers
    ledger.transfer(MAKER, ADVERTISING, impressions * ads.cpm / 1000.0, "advertising")


def advertising_awareness_rate(ads: Advertising) -> float:
    """Daily awareness hazard from advertising: ``(GRP/100)·awareness_per_impression``."""
    return ads.grps_per_day / 100.0 * ads.awareness_per_impression
