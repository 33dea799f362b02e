"""One brand's share of the market's state, and several brands on one market.

A :class:`BrandMarket` holds everything that belongs to one manufacturer: its live scenario
and events (:class:`~sim.market.MarketState`), its view of the crowd (awareness, attitude,
habits, adoption, stores owned), its friendships' trust and annoyance as sellers of it, its
supply chain, ledger, accounts, micro-stores and the stages that work on them. The model
holds one per brand; with one brand the day is exactly the single-brand day.

With rivals (``brands`` in the scenario) the people are shared: the social graph, the need
cycle (one need is met by one brand or the outside option), price sensitivity and the costs
of running a store. The stages run once per brand, except shopping, which is one nested-logit
choice over brand × channel (:mod:`sim.brand_shopping`). A consumer runs a store of one brand
at a time. :class:`FollowRules` are the brands' strategy rules.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import mesa
import numpy as np

from sim.accounting import DISTRIBUTOR_REBATES, Ledger, ProfitAndLoss
from sim.agents import Distributor, Manufacturer, MicroStore
from sim.audience import AudienceGraph
from sim.brand_outputs import BRAND_MEASURES
from sim.consumers import ConsumerPopulation
from sim.diffusion import AwarenessStage
from sim.friendships import Friendships
from sim.graph import SocialGraph
from sim.loading import apply_values
from sim.market import DayCounters, MarketState
from sim.microstores import MicroStoreChannel
from sim.posting import PostingStage
from sim.pyramid import Pyramid
from sim.scenario import Scenario, value_at
from sim.shopping import ShoppingStage
from sim.stores import InfluencerThreshold, SocialChannel, StoreBook, StoreRoster
from sim.supply_chain import SupplyChain, SupplyStage, build_supply_chain, stock_day_zero


@dataclass
class BrandMarket:
    """One brand's state and stages (see the module docstring)."""

    name: str
    market: MarketState
    consumers: ConsumerPopulation
    friendships: Friendships
    audience: AudienceGraph
    ledger: Ledger
    supply: SupplyChain
    manufacturer: Manufacturer
    distributors: list[list[Distributor]]
    sell_in_cost_of_goods: float
    accounts: ProfitAndLoss
    stores: StoreBook
    roster: StoreRoster
    social: SocialChannel
    supply_stage: SupplyStage
    posting: PostingStage
    awareness: AwarenessStage
    shopping: ShoppingStage
    today: DayCounters
    store_agents: list[MicroStore] = field(default_factory=list)
    measures: dict[str, float] = field(default_factory=dict)

    def add_store_agents(self, model: mesa.Model) -> None:
        """A Mesa handle for every store row opened today."""
        for i in range(len(self.store_agents), self.stores.size):
            self.store_agents.append(MicroStore(model, self.stores, i, self.store_agents))


def build_brand(
    model: mesa.Model,
    scenario: Scenario,
    graph: SocialGraph,
    rng: np.random.Generator,
    focal: BrandMarket | None = None,
) -> BrandMarket:
    """Build a brand's state (ODD: Initialisation); ``focal`` is None for the scenario's own
    brand, else the brand whose people a rival shares."""
    p = scenario
    market = MarketState(scenario)
    if focal is None:
        consumers = ConsumerPopulation.create(p, graph.degree, rng)
        friendships = Friendships.create(
            graph, p.trust, p.spam, consumers.attitude, consumers.adopted, rng
        )
        audience = AudienceGraph.create(graph, p.audience, rng)
    else:
        consumers = focal.consumers.for_brand(p, rng)
        friendships = focal.friendships.for_brand(consumers.attitude, consumers.adopted, p.spam)
        audience = focal.audience.for_brand()
    c = consumers
    ledger = Ledger()
    today = DayCounters()
    network = (focal.consumers.region, focal.supply) if focal is not None else None
    supply = build_supply_chain(p, graph, c.region, rng, network)
    manufacturer = Manufacturer(model, supply, ledger, c, market)
    distributors: list[list[Distributor]] = []
    if focal is not None and supply.shares_network:
        distributors = focal.distributors  # the same agents carry this brand too
        for k, tier in enumerate(distributors):
            for i, agent in enumerate(tier):
                agent.carry(p.manufacturer.brand, supply, market, k, i, manufacturer)
    else:
        for k, point in enumerate(supply.tiers):
            distributors.append(
                [
                    Distributor(model, supply, market, k, i, distributors, manufacturer)
                    for i in range(point.count)
                ]
            )
    stock_day_zero(supply, p, ledger, today)
    sell_in = today.units_from_maker * p.product.unit_cost
    accounts = ProfitAndLoss(
        ledger.flows_total["wholesale"] - sell_in - ledger.flows_total.get(DISTRIBUTOR_REBATES, 0.0)
    )
    stores = StoreBook()
    roster = StoreRoster(stores, c, friendships, audience, market, rng)
    influencer_degree = InfluencerThreshold(c.degree)
    b2c2c = p.channels.b2c2c
    social: SocialChannel
    if b2c2c.enabled and b2c2c.stock_pressure.enabled:
        social = Pyramid(
            stores,
            roster,
            c,
            friendships,
            audience,
            supply.maker,
            market,
            ledger,
            influencer_degree,
            rng,
        )
    else:
        social = MicroStoreChannel(
            stores, roster, c, friendships, audience, market, ledger, influencer_degree, rng
        )
    return BrandMarket(
        name=p.manufacturer.brand,
        market=market,
        consumers=c,
        friendships=friendships,
        audience=audience,
        ledger=ledger,
        supply=supply,
        manufacturer=manufacturer,
        distributors=distributors,
        sell_in_cost_of_goods=sell_in,
        accounts=accounts,
        stores=stores,
        roster=roster,
        social=social,
        supply_stage=SupplyStage(supply, market, ledger),
        posting=PostingStage(stores, roster, friendships, audience, c, market, rng),
        awareness=AwarenessStage(c, friendships, audience, supply, market, rng),
        shopping=ShoppingStage(
            c, friendships, audience, stores, social, supply, market, ledger, rng
        ),
        today=today,
    )


def mark_selling_elsewhere(brands: list[BrandMarket]) -> None:
    """Before a brand's stores open: who runs an open store of another brand (ODD 7.10)."""
    owners = []
    for b in brands:
        ids = b.stores.open_ids
        owners.append(b.stores.owner[ids])
    n = brands[0].consumers.n
    for k, b in enumerate(brands):
        busy = np.zeros(n, dtype=bool)
        for j, nodes in enumerate(owners):
            if j != k:
                busy[nodes] = True
        b.consumers.selling_elsewhere = busy


class FollowRules:
    """The brands' follow rules (``brands[].follow``), observed at the end of each day.

    For a follower *f* of leader *l*, the leader's micro-store share over the last *W* days is
    ``s = Σ u_l,b2c2c / Σ_b u_b,total`` (units sold, every brand). The first day *t* on which
    s > ``micro_store_share_above``, the move is set for day t + ``delay_days``: at the start of
    that day the follower reopens ``open_channels`` and takes the leader's live values of
    ``copies``.
    """

    def __init__(self, scenario: Scenario) -> None:
        self.rules = [(i + 1, b.follow) for i, b in enumerate(scenario.brands) if b.follow]
        window = max((r.window_days for _, r in self.rules), default=1)
        self.history: deque[np.ndarray] = deque(maxlen=window)
        self.move_day: dict[int, int] = {}
        self.moved: set[int] = set()

    def observe(self, day: int, brands: list[BrandMarket]) -> None:
        """Record the day's units and set the moves of followers whose leader passed."""
        if not self.rules:
            return
        row = np.array(
            [[b.today.units["b2c2c"], sum(b.today.units.values())] for b in brands], dtype=float
        )
        self.history.append(row)
        names = [b.name for b in brands]
        for k, rule in self.rules:
            if k in self.move_day:
                continue
            recent = list(self.history)[-rule.window_days :]
            total = sum(float(r[:, 1].sum()) for r in recent)
            leader = names.index(rule.leader)
            social = sum(float(r[leader, 0]) for r in recent)
            if total > 0 and social / total > rule.micro_store_share_above:
                self.move_day[k] = day + max(rule.delay_days, 1)

    def apply(self, day: int, brands: list[BrandMarket]) -> list[tuple[int, str]]:
        """Moves due today: (brand index, description) of each."""
        done = []
        names = [b.name for b in brands]
        for k, rule in self.rules:
            if self.move_day.get(k) != day or k in self.moved:
                continue
            follower, leader = brands[k], brands[names.index(rule.leader)]
            for channel in rule.open_channels:
                if getattr(follower.market.params.channels, channel).enabled:
                    follower.market.channel_open[channel] = True
            values = {path: value_at(leader.market.params, path) for path in rule.copies}
            if values:
                follower.market.params = apply_values(follower.market.params, values)
            what = ", ".join([f"reopen {c}" for c in rule.open_channels])
            what += "".join(f", {k2}={v}" for k2, v in values.items())
            text = f"follows {rule.leader}: {what}"
            follower.market.event_log.append((day, text))
            follower.today.events.append(text)
            self.moved.add(k)
            done.append((k, text))
        return done


def brand_measures(brands: list[BrandMarket]) -> dict[str, float]:
    """Each brand's :data:`BRAND_MEASURES` and its market share of the day's units,
    ``share_b = u_b / Σ_b' u_b'`` (0 on a day nobody bought any brand)."""
    out: dict[str, float] = {}
    total = sum(b.measures["units_total"] for b in brands)
    for b in brands:
        for name in BRAND_MEASURES:
            out[f"{name}.{b.name}"] = b.measures[name]
        out[f"market_share.{b.name}"] = b.measures["units_total"] / total if total else 0.0
    return out
