"""Stage 5 with several brands: one nested-logit choice over brand × channel (M2, ODD 7.10).

Who shops is decided once for the market: a consumer whose need day has come and who knows
none of the brands buys elsewhere (durables and consumables), as does one who has waited
``patience_days`` since the need arose or since it first knew one of the brands. The others,
in a random order, see each brand's offer as they would with that brand alone (its channels
open, its micro-stores among their friends, their habits and attitude for it), and choose a
brand and a channel by :func:`sim.choice.nested_logit_choice`, with the outside option as a
nest of its own. A shopper who finds the choice out of stock chooses once more without it.
Purchases are served from the chosen brand's stock and booked in its accounts, by that
brand's :class:`~sim.shopping.ShoppingStage`.

The market's parameters (choice weights, the nest scale, patience, the need cycle, the outside
option and its shifts) are the focal brand's, and so is the reference price every brand's
channel prices are compared with (its list price), so that a cheaper brand is cheaper; a
pyramid's grey market shifts the outside option whichever brand runs it.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from sim.brands import BrandMarket
from sim.choice import nested_logit_choice, utilities

CHANNEL_COLUMNS = 3
"""Offline, online, social: the channel columns of a brand's nest."""


class BrandShopping:
    """Stage 5 over every brand (see the module docstring)."""

    def __init__(self, brands: list[BrandMarket], rng: np.random.Generator) -> None:
        self.brands = brands
        self.rng = rng

    def run(self, day: int) -> None:
        focal = self.brands[0]
        p = focal.market.params
        c = focal.consumers
        aware = np.stack([b.consumers.aware for b in self.brands])
        known = aware.any(axis=0)
        in_market = c.need_day <= day
        elsewhere_total = 0
        if p.product.kind != "one_time":
            elsewhere = np.flatnonzero(in_market & ~known)
            focal.shopping._buy_elsewhere(day, elsewhere, focal.today)
            elsewhere_total += len(elsewhere)
        shoppers = np.flatnonzero(in_market & known)
        first_known = np.stack(
            [
                np.where(b.consumers.aware[shoppers], b.consumers.aware_day[shoppers], 2**30)
                for b in self.brands
            ]
        ).min(axis=0)
        waited = day - np.maximum(c.need_day[shoppers], first_known)
        impatient = waited >= p.consumers.patience_days
        focal.shopping._buy_elsewhere(day, shoppers[impatient], focal.today)
        elsewhere_total += int(impatient.sum())
        shoppers = shoppers[~impatient]
        in_market_count = len(shoppers)
        lost_by_brand = np.zeros(len(self.brands), dtype=np.int64)
        if in_market_count:
            shoppers = shoppers[self.rng.permutation(len(shoppers))]
            elsewhere_total += self._choose_and_buy(day, shoppers, lost_by_brand)
        for k, b in enumerate(self.brands):
            b.today.in_market = in_market_count
            b.today.bought_elsewhere = elsewhere_total
            b.today.lost_sales = int(lost_by_brand[k])

    def _choose_and_buy(self, day: int, shoppers: np.ndarray, lost_by_brand: np.ndarray) -> int:
        """Choice, service and booking for today's shoppers; returns how many chose outside."""
        brands = self.brands
        focal = brands[0]
        choice = focal.market.params.choice
        m, n_brands = len(shoppers), len(brands)
        v = np.empty((m, n_brands, CHANNEL_COLUMNS))
        avail = np.zeros((m, n_brands, CHANNEL_COLUMNS), dtype=bool)
        stores = np.full((n_brands, m), -1, dtype=np.int64)
        offers = []
        outside: float | None = None
        for k, b in enumerate(brands):
            bc = b.consumers
            store, trust = b.shopping.social_options(day, shoppers)
            offer = b.shopping.offer()
            offers.append(offer)
            if k:  # every brand's prices against the market's reference price
                offer = dataclasses.replace(offer, list_price=offers[0].list_price)
            if k == 0:
                outside = offer.outside_utility
            elif b.social.outside_utility():
                outside = (outside or 0.0) + b.social.outside_utility()
            v[:, k] = utilities(
                choice,
                offer,
                bc.habit[shoppers],
                bc.price_sensitivity[shoppers],
                bc.attitude[shoppers],
                trust,
            )[:, :CHANNEL_COLUMNS]
            avail[:, k] = (
                b.shopping.available(store, offer)[:, :CHANNEL_COLUMNS]
                & bc.aware[shoppers][:, None]
            )
            stores[k] = store
        chose_outside = 0
        pending = np.arange(m)
        last_failed = np.full(m, -1, dtype=np.int64)
        for _ in range(2):  # first choice, then one fallback after a stock-out
            brand, channel = nested_logit_choice(
                v[pending],
                avail[pending],
                outside,
                choice.brand_nest_scale,
                self.rng.random(len(pending)),
                self.rng.random(len(pending)),
            )
            out = pending[brand == -1]
            focal.shopping._buy_elsewhere(day, shoppers[out], focal.today)
            chose_outside += len(out)
            last_failed[out] = -1
            failed_rows = []
            for k, b in enumerate(brands):
                mine = np.flatnonzero(brand == k)
                if len(mine) == 0:
                    continue
                rows = pending[mine]
                chosen = channel[mine]
                served = b.shopping._serve(shoppers[rows], chosen, stores[k, rows])
                buy = rows[served]
                b.shopping._book_purchases(
                    day, shoppers[buy], chosen[served], stores[k, buy], offers[k], b.today
                )
                failed = rows[~served]
                last_failed[rows[served]] = -1
                last_failed[failed] = k
                avail[failed, k, chosen[~served]] = False
                failed_rows.append(failed)
            pending = np.sort(np.concatenate(failed_rows)) if failed_rows else pending[:0]
            if len(pending) == 0:
                break
        lost = last_failed[last_failed >= 0]
        lost_by_brand += np.bincount(lost, minlength=len(brands))
        return chose_outside
