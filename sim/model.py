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
from sim.accounting import DISTRIBUTOR_REBATES, Ledger, ProfitAndLoss
from sim.advertising import buy_advertising
from sim.agents import Distributor, Manufacturer, MicroStore
from sim.audience import AudienceGraph
from sim.choice import ChannelOffer
from sim.conservation import violations
from sim.consumers import ConsumerPopulation, ConsumerView
from sim.diffusion import AwarenessStage
from sim.events import apply_events
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.measures import daily_measures
from sim.microstores import MicroStoreChannel
from sim.outputs import DISTRIBUTOR_REBATE_COST, has_rebate_tiers, measurement_names
from sim.posting import PostingStage
from sim.pyramid import Pyramid
from sim.scenario import Scenario
from sim.shopping import ShoppingStage
from sim.stores import InfluencerThreshold, SocialChannel, StoreBook, StoreRoster
from sim.supply_chain import SupplyStage, build_supply_chain, stock_day_zero


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
        self.market = MarketState(scenario)
        self.consumers = ConsumerPopulation.create(p, self.graph.degree, self.rng)
        c = self.consumers
        self.friendships = Friendships.create(
            self.graph, p.trust, p.spam, c.attitude, c.adopted, self.rng
        )
        self.audience = AudienceGraph.create(self.graph, p.audience, self.rng)
        self.ledger = Ledger()
        self.today = DayCounters()

        self.supply = build_supply_chain(p, self.graph, c.region, self.rng)
        self.manufacturer = Manufacturer(self, self.supply, self.ledger, c, self.market)
        self.distributors: list[list[Distributor]] = []
        for k, point in enumerate(self.supply.tiers):
            self.distributors.append(
                [
                    Distributor(
                        self, self.supply, self.market, k, i, self.distributors, self.manufacturer
                    )
                    for i in range(point.count)
                ]
            )
        stock_day_zero(self.supply, p, self.ledger, self.today)
        self.sell_in_cost_of_goods = self.today.units_from_maker * p.product.unit_cost
        """Goods at unit cost sold to the distributors on day 0 (in the opening profit)."""
        self.accounts = ProfitAndLoss(
            self.ledger.flows_total["wholesale"]
            - self.sell_in_cost_of_goods
            - self.ledger.flows_total.get(DISTRIBUTOR_REBATES, 0.0)
        )

        self.stores = StoreBook()
        self.store_agents: list[MicroStore] = []
        roster = StoreRoster(self.stores, c, self.friendships, self.audience, self.market, self.rng)
        influencer_degree = InfluencerThreshold(c.degree)
        b2c2c = p.channels.b2c2c
        self.social: SocialChannel
        if b2c2c.enabled and b2c2c.stock_pressure.enabled:
            self.social = Pyramid(
                self.stores,
                roster,
                c,
                self.friendships,
                self.audience,
                self.supply.maker,
                self.market,
                self.ledger,
                influencer_degree,
                self.rng,
            )
        else:
            self.social = MicroStoreChannel(
                self.stores,
                roster,
                c,
                self.friendships,
                self.audience,
                self.market,
                self.ledger,
                influencer_degree,
                self.rng,
            )

        self.supply_stage = SupplyStage(self.supply, self.market, self.ledger)
        self.posting = PostingStage(
            self.stores, roster, self.friendships, self.audience, c, self.market, self.rng
        )
        self.awareness = AwarenessStage(
            c, self.friendships, self.audience, self.supply, self.market, self.rng
        )
        self.shopping = ShoppingStage(
            c,
            self.friendships,
            self.audience,
            self.stores,
            self.social,
            self.supply,
            self.market,
            self.ledger,
            self.rng,
        )

        self.measures: dict[str, float] = {}
        self.rebate_tiers = has_rebate_tiers(scenario)
        """Whether a B2B2C tier is paid by rebate (its daily cost is then measured)."""
        names = measurement_names(scenario)
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.measures[k]) for name in names}
        )

    # ------------------------------------------------------------------ the day

    def step(self) -> None:
        """Simulate one day (stages 1–8)."""
        day = self.steps
        today = self.today = DayCounters()
        self.ledger.start_day()
        self.stores.start_day()
        self.social.start_day()
        today.events = apply_events(self.market, day)  # 1
        self.supply_stage.receive(day)  # 2
        buy_advertising(self.market, self.ledger, self.graph.n)
        posts = self.posting.run(day, today)  # 3
        exposure = self.awareness.run(day, posts)  # 4
        self.posting.prompt_purchases(day, exposure)
        self.shopping.run(day, today)  # 5
        self.supply_stage.review(day, today)  # 6
        self.social.lifecycle(day, today)  # 7
        self._add_store_agents()
        day_accounts = self.accounts.close_day(  # 8
            self.ledger.flows_today,
            today.units_from_maker,
            self.social.units_returned_today(),
            self.market.params.product.unit_cost,
        )
        self.measures = daily_measures(
            today,
            day_accounts,
            self.ledger,
            self.consumers,
            self.friendships,
            self.audience,
            self.stores,
            self.social,
            self.supply,
            self.market,
        )
        if self.rebate_tiers:
            self.measures[DISTRIBUTOR_REBATE_COST] = day_accounts.cost_distributor_rebates
        self.datacollector.collect(self)

    def _add_store_agents(self) -> None:
        """A Mesa handle for every store row opened today."""
        for i in range(len(self.store_agents), self.stores.size):
            self.store_agents.append(MicroStore(self, self.stores, i, self.store_agents))

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
        """Conservation and range checks; an empty list means all hold (ODD 7.9)."""
        return violations(
            self.supply,
            self.social,
            self.ledger,
            self.stores,
            self.consumers,
            self.friendships,
            self.audience,
            self.market,
            self.day,
        )
