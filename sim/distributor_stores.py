"""Distributor-run micro-stores (case 2, [ZTE2014]): agents' stores selling several brands.

[ZTE2014] expects some distributors and retailers to open micro-stores selling several brands,
"an extension of electronic channels" that cannot play the fan effect, selling at the maker's
price on a meagre margin. ``distributor_stores`` opens ``count`` such stores on
``opened_day``: each is run by a consumer node who owns no store (a distributor's account and
its contacts: its friends), drawn uniformly, and has one row in the store book of every brand
it carries, of kind ``distributor``. They sell at the brand's store price and earn its rebate
like any store (7.5), with two differences from a fan's store:

* no fan effect: friends' trust in the owner as a seller is scaled by ``trust_factor`` in
  every brand it carries (a business account, not a friend's endorsement), and the owner has
  no identity value;
* one decision for all its brands: after ``closing.review_days`` the owner compares the sum of
  its rows' income averages with the cost of running the store, ``V = Σ_b Ī_b − k``
  (k = ``cost_per_day``), and when V < 0 closes every row with probability
  ``closing.closing_rate_per_day`` a day (the focal brand's closing parameters).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.brands import BrandMarket
from sim.scenario import Scenario
from sim.stores import DISTRIBUTOR_KIND


class DistributorStores:
    """The distributor-run stores of a market: their owners and their row in each brand."""

    def __init__(
        self, scenario: Scenario, brands: list[BrandMarket], rng: np.random.Generator
    ) -> None:
        self.params = scenario.distributor_stores
        names = self.params.brands
        self.brands = [b for b in brands if names is None or b.name in names]
        self.rng = rng
        self.owners = np.zeros(0, dtype=np.int64)
        self.rows: list[np.ndarray] = []
        self.opened = False

    @property
    def active(self) -> bool:
        return self.params.count > 0 and bool(self.brands)

    def open(self, day: int) -> None:
        """On ``opened_day``: draw the owners and open their row in every brand carried."""
        if self.opened or day < self.params.opened_day or not self.active:
            return
        self.opened = True
        free = np.ones(self.brands[0].consumers.n, dtype=bool)
        for b in self.brands:
            free &= b.consumers.store < 0
        candidates = np.flatnonzero(free)
        count = min(self.params.count, len(candidates))
        owners = np.sort(self.rng.choice(candidates, size=count, replace=False))
        self.owners = owners
        kinds = np.full(count, DISTRIBUTOR_KIND, dtype=np.int8)
        for b in self.brands:
            ids = b.roster.open(owners, kinds, np.full(count, -1), day, b.today)
            self.rows.append(ids)
            scale_trust_in(b, owners, self.params.trust_factor)

    def review(self, day: int) -> None:
        """Owners past their review whose stores do not cover the cost close all their rows."""
        if not self.opened or len(self.owners) == 0:
            return
        focal = self.brands[0]
        closing = focal.market.params.channels.b2c2c.closing
        rows0 = self.rows[0]
        is_open = focal.stores.is_open[rows0]
        old = is_open & (day - focal.stores.opened_day[rows0] >= closing.review_days)
        if not old.any():
            return
        income = sum(
            b.stores.income_ewma[rows] for b, rows in zip(self.brands, self.rows, strict=True)
        )
        value = income - self.params.cost_per_day
        quitting = old & (value < 0) & (self.rng.random(len(rows0)) < closing.closing_rate_per_day)
        if not quitting.any():
            return
        for b, rows in zip(self.brands, self.rows, strict=True):
            b.roster.close(day, rows[quitting], b.today)

    def summary(self) -> dict[str, Any]:
        """Distributor-run stores against the other stores of the brands they carry."""
        opened = len(self.owners)
        if not opened:
            return {}
        out: dict[str, Any] = {"opened": opened, "brands": [b.name for b in self.brands]}
        rows0 = self.rows[0]
        out["active_end"] = int(self.brands[0].stores.is_open[rows0].sum())
        out["survival_share"] = out["active_end"] / opened
        units = sum(b.stores.units[rows] for b, rows in zip(self.brands, self.rows, strict=True))
        income = sum(
            b.stores.rebate_income[rows] for b, rows in zip(self.brands, self.rows, strict=True)
        )
        out["units"] = int(units.sum())
        out["units_per_store"] = float(units.mean())
        out["income_per_store"] = float(income.mean())
        others_open = others = 0
        other_units = 0
        for b in self.brands:
            book = b.stores
            kind = book.kind[: book.size]
            mask = kind != DISTRIBUTOR_KIND
            others += int(mask.sum())
            others_open += int(book.is_open[: book.size][mask].sum())
            other_units += int(book.units[: book.size][mask].sum())
        out["other_stores_opened"] = others
        out["other_survival_share"] = others_open / others if others else 0.0
        out["other_units_per_store"] = other_units / others if others else 0.0
        return out


def scale_trust_in(brand: BrandMarket, owners: np.ndarray, factor: float) -> None:
    """Friends' trust in ``owners`` as sellers of ``brand``: τ ← factor·τ (friend sums kept
    exact); followers' and group members' trust likewise."""
    f = brand.friendships
    g = f.graph
    if not g.complete and len(owners):
        _, entries = g.row_entries(owners)
        into = g.reverse_entry()[entries]
        f.sums.update_trust(into, f.trust[into] * np.float32(factor))
    a = brand.audience
    if a.ties and len(owners):
        _, ties = a.entries_of(owners)
        a.trust[ties] *= np.float32(factor)
