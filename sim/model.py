"""The channel model: it builds the market's state and runs the day's stages in order.

One step is one day (ODD section 3; ``docs/ARCHITECTURE.md`` shows the data flowing through
the stages):

1. scheduled events act on the market (:mod:`sim.events`);
2. shipments and production arrive, the direct shop buys advertising
   (:mod:`sim.supply_chain`, :mod:`sim.advertising`);
3. micro-stores post and friends respond: trust, annoyance, muting (:mod:`sim.posting`);
4. awareness and word of mouth; posts seen bring purchases forward (:mod:`sim.diffusion`);
5. consumers in the market choose a channel and buy, stock permitting (:mod:`sim.shopping`);
6. distributors and the maker review inventory, order and ship (:mod:`sim.supply_chain`);
7. store lifecycle: micro-stores close and open (:mod:`sim.microstores`), or the pyramid's
   rules (:mod:`sim.pyramid`);
8. the day's accounts are closed (:mod:`sim.accounting`) and measured (:mod:`sim.measures`).
"""

from __future__ import annotations

from pathlib import Path

import mesa
import numpy as np

from sim import graph as graphs
from sim.advertising import buy_advertising
from sim.brand_shopping import BrandShopping
from sim.brands import (
    BrandMarket,
    FollowRules,
    brand_measures,
    build_brand,
    mark_selling_elsewhere,
)
from sim.choice import ChannelOffer
from sim.conservation import violations
from sim.consumers import ConsumerView
from sim.distributor_stores import DistributorStores
from sim.events import apply_events
from sim.loading import brand_scenario
from sim.market import DayCounters
from sim.measures import daily_measures
from sim.outputs import measurement_names
from sim.owner_moves import switch_owners
from sim.pyramid import Pyramid
from sim.scenario import Scenario


class ChannelModel(mesa.Model):
    """Manufacturers, distributors, micro-stores and consumers on a social graph.

    Args:
        scenario: A resolved scenario (see :func:`sim.loading.load_scenario`).
        rng: Seed or generator; defaults to ``scenario.seed``. The only source of randomness.
        graph_cache_dir: Folder for the on-disk graph cache (None: in-memory only).

    Attributes:
        market: Live parameters, which channels sell, events in force (:mod:`sim.market`).
        graph: The social graph (CSR).
        consumers: Columnar consumer state; ``consumer(i)`` gives a readable view.
        friendships: Per-friendship trust, annoyance, muting, and the friend sums.
        audience: Followers and shopping groups: reading ties beyond friends.
        supply: The maker's stock and the B2B2C tiers.
        stores: Columnar state of every store; ``store_agents`` are their Mesa handles.
        social: The B2C2C channel: micro-stores, or a stock-pressure pyramid.
        ledger: Double-entry money accounts; ``accounts`` the maker's accrual profit.
        today: The tallies of the day being simulated (or just simulated).
        measures: The last day's measurements.
    """

    def __init__(
        self,
        scenario: Scenario,
        rng: int | np.random.Generator | None = None,
        *,
        graph_cache_dir: Path | None = None,
    ) -> None:
        super().__init__(rng=scenario.seed if rng is None else rng)
        p = scenario
        graph_seed = int(self.rng.integers(2**63 - 1))
        if p.graph.seed is not None:
            graph_seed = p.graph.seed
        graph_params = p.graph.model_dump(exclude={"type", "seed", "cache"})
        self.graph = graphs.build_graph(
            p.graph.type,
            p.market.consumers,
            graph_params,
            graph_seed,
            graph_cache_dir if p.graph.cache else None,
        )
        self.brands = [build_brand(self, p, self.graph, self.rng)]
        """Every brand's state and stages; the first is the scenario's own (focal) brand."""
        for i in range(len(p.brands)):
            rival = brand_scenario(p, i)
            self.brands.append(build_brand(self, rival, self.graph, self.rng, self.brands[0]))
        focal = self.brands[0]
        self.market = focal.market
        self.consumers = focal.consumers
        self.friendships = focal.friendships
        self.audience = focal.audience
        self.ledger = focal.ledger
        self.today = focal.today
        self.supply = focal.supply
        self.manufacturer = focal.manufacturer
        self.distributors = focal.distributors
        self.sell_in_cost_of_goods = focal.sell_in_cost_of_goods
        """Goods at unit cost sold to the distributors on day 0 (in the opening profit)."""
        self.accounts = focal.accounts
        self.stores = focal.stores
        self.store_agents = focal.store_agents
        self.social = focal.social
        self.supply_stage = focal.supply_stage
        self.posting = focal.posting
        self.awareness = focal.awareness
        self.shopping = focal.shopping
        self.brand_shopping = BrandShopping(self.brands, self.rng) if p.brands else None
        self.follow_rules = FollowRules(p)
        self.distributor_stores = (
            DistributorStores(p, self.brands, self.rng) if p.distributor_stores.count else None
        )
        """Distributor-run stores carrying several brands (case 2), or None."""
        self.owner_moves: list[tuple[BrandMarket, np.ndarray]] = []
        """The stores opened by owners who switched brand, with their brand (case 5)."""

        self.measures: dict[str, float] = {}
        names = measurement_names(scenario)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.measures[k]) for name in names}
        )

    # ------------------------------------------------------------------ the day

    def step(self) -> None:
        """Simulate one day (stages 1–8)."""
        if self.brand_shopping is not None:
            self._step_brands()
            return
        day = self.steps
        today = self.today = self.brands[0].today = DayCounters()
        self.ledger.start_day()
        self.stores.start_day()
        self.social.start_day()
        today.events = apply_events(self.market, day)  # 1
        self._owner_moves(day)
        self.supply_stage.receive(day)  # 2
        buy_advertising(self.market, self.ledger, self.graph.n)
        posts = self.posting.run(day, today)  # 3
        exposure = self.awareness.run(day, posts)  # 4
        self.posting.prompt_purchases(day, exposure)
        self.shopping.run(day, today)  # 5
        self.supply_stage.review(day, today)  # 6
        self.social.lifecycle(day, today)  # 7
        self._distributor_stores(day)
        self.brands[0].add_store_agents(self)
        self.measures = self._close_day(self.brands[0])  # 8
        self.datacollector.collect(self)

    def _step_brands(self) -> None:
        """One day with several brands: each brand's stages, one choice over brand × channel."""
        day = self.steps
        brands = self.brands
        for b in brands:
            b.today = DayCounters()
            b.ledger.start_day()
            b.stores.start_day()
            b.social.start_day()
            b.today.events = apply_events(b.market, day)  # 1
        self.follow_rules.apply(day, brands)
        self._owner_moves(day)
        self.today = brands[0].today
        for b in brands:
            b.supply_stage.receive(day)  # 2
            buy_advertising(b.market, b.ledger, self.graph.n)
        posts = [b.posting.run(day, b.today) for b in brands]  # 3
        for b, posted in zip(brands, posts, strict=True):
            exposure = b.awareness.run(day, posted)  # 4
            b.posting.prompt_purchases(day, exposure)
        self.brand_shopping.run(day)  # 5
        for b in brands:
            b.supply_stage.review(day, b.today)  # 6
        for b in brands:
            mark_selling_elsewhere(brands)
            b.social.lifecycle(day, b.today)  # 7
        self._distributor_stores(day)
        for b in brands:
            b.add_store_agents(self)
        for b in brands:
            b.measures = self._close_day(b)  # 8
        self.follow_rules.observe(day, brands)
        self.measures = dict(brands[0].measures)
        self.measures.update(brand_measures(brands))
        self.datacollector.collect(self)

    def _owner_moves(self, day: int) -> None:
        """Carry out today's ``owners_switch`` events of every brand (case 5)."""
        for b in self.brands:
            for event in b.market.owner_moves:
                rows = switch_owners(day, event, b, self.brands)
                if event.to_brand is not None:
                    target = next(x for x in self.brands if x.name == event.to_brand)
                    self.owner_moves.append((target, rows))
            b.market.owner_moves.clear()

    def _distributor_stores(self, day: int) -> None:
        """Distributor-run stores open on their day, and review their income (case 2)."""
        if self.distributor_stores is not None:
            self.distributor_stores.review(day)
            self.distributor_stores.open(day)

    def _close_day(self, b: BrandMarket) -> dict[str, float]:
        """Close a brand's accounts for the day and measure it."""
        day_accounts = b.accounts.close_day(
            b.ledger.flows_today,
            b.today.units_from_maker,
            b.social.units_returned_today(),
            b.market.params.product.unit_cost,
        )
        return daily_measures(
            b.today,
            day_accounts,
            b.ledger,
            b.consumers,
            b.friendships,
            b.audience,
            b.stores,
            b.social,
            b.supply,
            b.market,
        )

    # ------------------------------------------------------------------ reads

    @property
    def day(self) -> int:
        """The current day (days completed so far)."""
        return self.steps

    @property
    def params(self) -> Scenario:
        """The live scenario (``set`` events replace it)."""
        return self.market.params

    @property
    def params_initial(self) -> Scenario:
        """The scenario the run started from."""
        return self.market.initial

    @property
    def pyramid(self) -> Pyramid | None:
        """The stock-pressure pyramid, when the B2C2C channel is one."""
        return self.social if isinstance(self.social, Pyramid) else None

    def consumer(self, i: int) -> ConsumerView:
        """A readable view of consumer ``i``."""
        return self.consumers.view(i)

    def channel_is_open(self, channel: str) -> bool:
        return self.market.is_open(channel)

    def offer(self) -> ChannelOffer:
        """Today's prices by channel and the outside option's utility."""
        return self.shopping.offer()

    def units_held(self) -> int:
        """Units in every inventory: maker, distributors (on hand and in transit), agents."""
        return self.supply.units_held() + self.social.units_held()

    def invariant_violations(self) -> list[str]:
        """Conservation and range checks; an empty list means all hold (ODD 7.9). With several
        brands every brand is checked and each problem names its brand."""
        found = []
        for b in self.brands:
            problems = violations(
                b.supply,
                b.social,
                b.ledger,
                b.stores,
                b.consumers,
                b.friendships,
                b.audience,
                b.market,
                self.day,
            )
            found += [f"{b.name}: {x}" if len(self.brands) > 1 else x for x in problems]
        return found
