"""The channel model: wiring of actors and mechanisms, and the order of events within a day.

One step is one day. The day runs in eight stages (ODD: Process overview and scheduling):

1. scheduled events (:mod:`sim.events`);
2. receipts and production, advertising;
3. micro-stores post (:mod:`sim.microstores`);
4. awareness and word of mouth (:mod:`sim.diffusion`);
5. consumers in the market choose a channel and buy, stock permitting (:mod:`sim.choice`);
   rebates are paid (:mod:`sim.rebates`);
6. distributors and the maker review inventory, order and ship (:mod:`sim.supply_chain`);
7. store lifecycle: close, open;
8. accounting checks and data collection (:mod:`sim.measures`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import mesa
import numpy as np

from sim import graph as graphs
from sim.accounting import (
    ADVERTISING,
    CONSUMERS,
    LOGISTICS,
    MAKER,
    PARTICIPANTS,
    STORE_OWNERS,
    SUPPLIERS,
    Ledger,
    distributor_account,
)
from sim.agents import Distributor, Manufacturer, MicroStore
from sim.choice import (
    OFFLINE,
    ONLINE,
    OUTSIDE,
    SOCIAL,
    ChannelOffer,
    logit_choice,
    pick_weighted,
    utilities,
)
from sim.consumers import (
    EMPLOYEE,
    NEVER,
    ORDINARY,
    ConsumerPopulation,
    ConsumerView,
    next_need_days,
    raise_attitude,
    reinforce_habits,
)
from sim.diffusion import awareness_step
from sim.events import apply_events
from sim.measures import daily_measures, measure_names
from sim.microstores import (
    StoreBook,
    keeps_store_value,
    opening_hazard,
    store_kinds,
    update_income_ewma,
)
from sim.pyramid import Pyramid
from sim.rebates import pay_rebates, rebate_rates
from sim.scenario import CHANNELS, PlatformCrackdown, Scenario
from sim.social import FriendSums
from sim.supply_chain import SupplyChain, first_come, serve_from_stock, tier_prices
from sim.trust import (
    adapt_rates,
    draw_tolerance,
    negative_word_of_mouth,
    respond_to_posts,
    view_probability,
)

CHANNEL_OF_ALTERNATIVE = {OFFLINE: "b2b2c", ONLINE: "b2c", SOCIAL: "b2c2c"}


@dataclass
class DayCounters:
    """Per-day tallies that are not balances (reset at the start of each day)."""

    units: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    in_market: int = 0
    lost_sales: int = 0
    bought_elsewhere: int = 0
    stores_opened: int = 0
    stores_closed: int = 0
    stores_banned: int = 0
    distributor_margin: float = 0.0
    units_from_maker: int = 0
    events: list[str] = field(default_factory=list)


class ChannelModel(mesa.Model):
    """Manufacturers, distributors, micro-stores and consumers on a social graph.

    Args:
        scenario: A resolved scenario (see :func:`sim.loading.load_scenario`).
        rng: Seed or generator; defaults to ``scenario.seed``. The only source of randomness.
        graph_cache_dir: Folder for the on-disk graph cache (None: in-memory only).

    Attributes:
        params: The live scenario (``set`` events replace it).
        graph: The social graph (CSR).
        consumers: Columnar consumer state; ``consumer(i)`` gives a readable view.
        supply: The maker's stock and the B2B2C tiers.
        stores: Columnar micro-store state; ``store_agents`` are their Mesa handles.
        ledger: Double-entry money accounts.
    """

    def __init__(
        self,
        scenario: Scenario,
        rng: int | np.random.Generator | None = None,
        *,
        graph_cache_dir: Path | None = None,
    ) -> None:
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.params = scenario
        self.params_initial = scenario
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
        n = self.graph.n
        self.consumers = ConsumerPopulation.create(p, self.graph.degree, self.rng)
        self.edge_trust = self._initial_trust()
        self.friend_sums = FriendSums(self.graph, self.edge_trust, p.trust.initial_mean)
        self.friend_sums.track("adopters", self.consumers.adopted)
        entries = self.graph.n_entries
        self.tolerance = draw_tolerance(p.spam, n, self.rng)
        self.edge_annoyance = np.zeros(entries, dtype=np.float32)
        self.edge_annoyance_day = np.zeros(entries, dtype=np.int32)
        self.edge_muted = np.zeros(entries, dtype=bool)
        self.edge_blocked = np.zeros(entries, dtype=bool)
        self.muted_edges = 0
        self.blocked_edges = 0
        self.store_friendships = 0
        self.detractor = self.consumers.attitude < p.spam.detractor_attitude
        self.friend_sums.track("detractors", self.detractor)
        self.crackdown: tuple[PlatformCrackdown, int | None] | None = None

        self.ledger = Ledger()
        self.manufacturer = Manufacturer(self)
        self.channel_open = {c: getattr(p.channels, c).enabled for c in CHANNELS}
        self.public_from_day = p.channels.b2c2c.rollout.public_from_day
        self.outside_utility_shift = 0.0
        self.profit_cumulative = 0.0
        self.units_sold_total = 0
        self.units_to_distributors = 0
        self.today = DayCounters()
        self.event_log: list[tuple[int, str]] = []

        self._build_supply_chain()
        self.stores = StoreBook()
        pyramid_on = p.channels.b2c2c.enabled and p.channels.b2c2c.stock_pressure.enabled
        self.pyramid = Pyramid(self) if pyramid_on else None
        self.store_agents: list[MicroStore] = []
        self._units_per_friend_per_day = (
            p.channels.b2c2c.opening.expected_units_per_friend_per_year / 365.0
        )
        degree = self.graph.degree
        q = p.channels.b2c2c.opening.influencer_degree_quantile
        self.influencer_degree = float(np.quantile(degree, q)) if n else math.inf

        self.measures: dict[str, float] = {}
        levels = (
            [level.name for level in p.channels.b2c2c.stock_pressure.levels]
            if self.pyramid is not None
            else None
        )
        names = measure_names(
            self.supply.names, [pol.name for pol in p.channels.b2c2c.posting.policies], levels
        )
        self.datacollector = mesa.DataCollector(
            model_reporters={name: (lambda m, k=name: m.measures[k]) for name in names}
        )

    # ------------------------------------------------------------------ construction

    def _initial_trust(self) -> np.ndarray:
        t = self.params.trust
        if self.graph.complete:
            return np.zeros(0, dtype=np.float32)
        draws = self.rng.normal(t.initial_mean, t.initial_sd, size=self.graph.n_entries)
        return np.clip(draws, 0.0, 1.0).astype(np.float32)

    def trust_in_owners(self, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each owner node: (Σ over friends of their trust in it, number of friends)."""
        if self.graph.complete:
            n = self.graph.n - 1
            return np.full(len(owners), self.params.trust.initial_mean * n), np.full(len(owners), n)
        g = self.graph
        group, entries = g.row_entries(owners)
        trust = self.edge_trust[g.reverse_entry()[entries]].astype(np.float64)
        total = np.bincount(group, weights=trust, minlength=len(owners))
        return total, np.bincount(group, minlength=len(owners))

    def mean_trust(self) -> float:
        if self.graph.complete:
            return float(self.params.trust.initial_mean)
        return float(self.edge_trust.mean()) if len(self.edge_trust) else 0.0

    def _build_supply_chain(self) -> None:
        p = self.params
        b2b2c = p.channels.b2b2c
        n = self.graph.n
        launch_total = p.manufacturer.launch_demand_per_1000_per_day * n / 1000.0
        if not b2b2c.enabled:
            self.supply = SupplyChain(p.manufacturer, launch_total, [], [], np.zeros(0))
            self.distributors: list[list[Distributor]] = []
            self.distributor_cash: list[np.ndarray] = []
            self._book_initial_stock([])
            return
        n_retail = max(1, min(n, math.ceil(n / b2b2c.consumers_per_retailer)))
        region, seeds = graphs.partition_regions(self.graph, n_retail, self.rng)
        self.consumers.region[:] = region
        served = np.bincount(region, minlength=n_retail)
        counts = [n_retail]
        supplier: list[np.ndarray] = [np.zeros(0, dtype=np.intp)] * len(b2b2c.tiers)
        down_seeds = seeds
        for k in range(len(b2b2c.tiers) - 2, -1, -1):
            n_up = max(1, math.ceil(counts[0] / b2b2c.tiers[k].serves))
            pick = np.sort(self.rng.choice(len(down_seeds), size=n_up, replace=False))
            supplier[k + 1] = graphs.nearest_seed(
                self.graph, down_seeds[pick], down_seeds, self.rng
            )
            down_seeds = down_seeds[pick]
            counts.insert(0, n_up)
        supplier[0] = np.zeros(counts[0], dtype=np.intp)
        retail_forecast = b2b2c.launch_demand_per_1000_per_day * served / 1000.0
        self.supply = SupplyChain(
            p.manufacturer, launch_total, b2b2c.tiers, supplier, retail_forecast
        )
        self.distributors = [
            [Distributor(self, k, i) for i in range(counts[k])] for k in range(len(counts))
        ]
        self.distributor_cash = [np.zeros(c) for c in counts]
        placed = self.supply.initial_stock(b2b2c.tiers, p.manufacturer)
        self._book_initial_stock(placed)

    def _book_initial_stock(self, placed: list[np.ndarray]) -> None:
        """Day-0 sell-in: the maker produces the initial stock of every tier and sells it down."""
        p = self.params
        if not placed:
            self.supply.initial_stock([], p.manufacturer)
        maker_units = int(self.supply.maker.on_hand[0])
        produced = maker_units + sum(int(u.sum()) for u in placed)
        self.supply.produced_total += produced
        self.ledger.transfer(MAKER, SUPPLIERS, produced * p.product.unit_cost, "production")
        if placed:
            buy, _ = tier_prices(p.channels.b2b2c.wholesale_price, p.channels.b2b2c.tiers)
            for k, units in enumerate(placed):
                self._pay_supplier(k, units, buy[k])
        self.profit_cumulative = (
            self.ledger.flows_total["wholesale"] - self.today.units_from_maker * p.product.unit_cost
        )

    def _pay_supplier(self, k: int, units: np.ndarray, unit_price: float) -> None:
        """Tier k pays its suppliers for ``units`` received (per-distributor cash and ledger)."""
        names = self.supply.names
        amount = units * unit_price
        self.distributor_cash[k] -= amount
        total = float(amount.sum())
        if k == 0:
            self.units_to_distributors += int(units.sum())
            self.today.units_from_maker += int(units.sum())
            self.ledger.transfer(distributor_account(names[0]), MAKER, total, "wholesale")
        else:
            self.distributor_cash[k - 1] += np.bincount(
                self.supply.supplier[k], weights=amount, minlength=len(self.distributor_cash[k - 1])
            )
            self.ledger.transfer(
                distributor_account(names[k]),
                distributor_account(names[k - 1]),
                total,
                f"trade_{names[k]}",
            )

    # ------------------------------------------------------------------ public API

    @property
    def day(self) -> int:
        """The current day (days completed so far)."""
        return self.steps

    def consumer(self, i: int) -> ConsumerView:
        """A readable view of consumer ``i``."""
        return self.consumers.view(i)

    def channel_is_open(self, channel: str) -> bool:
        return bool(self.channel_open[channel])

    def offer(self) -> ChannelOffer:
        """Today's prices by channel (offline: shelf price after every tier's markup)."""
        ch = self.params.channels
        _, sell = tier_prices(ch.b2b2c.wholesale_price, ch.b2b2c.tiers)
        outside = self.params.choice.outside_option_utility
        shift = self.outside_utility_shift
        if self.pyramid is not None:
            shift += self.pyramid.outside_utility()  # cheap dumped goods on the grey market
        if outside is not None or shift:
            outside = (outside or 0.0) + shift
        return ChannelOffer(
            prices=np.array([sell[-1], ch.b2c.price, ch.b2c2c.price]),
            list_price=self.params.product.list_price,
            outside_utility=outside,
        )

    # ------------------------------------------------------------------ the day

    def step(self) -> None:
        """Simulate one day (stages 1–8)."""
        day = self.steps
        self.today = DayCounters()
        self.ledger.start_day()
        self.stores.start_day()
        if self.pyramid is not None:
            self.pyramid.reset_today()
        self.today.events = apply_events(self, day)
        self.event_log.extend((day, e) for e in self.today.events)
        self._receive_and_advertise(day)
        posts = self._post(day)
        self._spread_awareness(day, posts)
        self._shop(day)
        self._review_supply(day)
        self._store_lifecycle(day)
        self.measures = daily_measures(self)
        self.datacollector.collect(self)

    # stage 2
    def _receive_and_advertise(self, day: int) -> None:
        p = self.params
        produced = self.supply.start_day(day)
        self.ledger.transfer(MAKER, SUPPLIERS, produced * p.product.unit_cost, "production")
        if self.channel_open["b2c"]:
            ads = p.channels.b2c.advertising
            impressions = ads.grps_per_day / 100.0 * self.graph.n
            self.ledger.transfer(MAKER, ADVERTISING, impressions * ads.cpm / 1000.0, "advertising")

    # stage 3
    def _post(self, day: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Open stores post (M5, M7).

        Returns the owner nodes of stores that posted and the expected views of a friend
        (posts × view probability), or None.
        """
        stores = self.stores
        if not self.channel_open["b2c2c"] or stores.size == 0:
            return None
        ids = stores.open_ids
        if len(ids) == 0:
            return None
        posting = self.params.channels.b2c2c.posting
        policies = posting.policies
        fixed = np.array([pol.kind != "adaptive" for pol in policies])[stores.policy[ids]]
        rate = stores.post_rate[ids].astype(np.float64)
        rate[fixed] = np.array([pol.posts_per_day for pol in policies])[stores.policy[ids][fixed]]
        quality = np.array([pol.content_quality for pol in policies])[stores.policy[ids]]
        peak = np.array([pol.peak_share for pol in policies])[stores.policy[ids]]
        stores.quality[ids] = quality
        stores.peak_share[ids] = peak
        posts = self.rng.poisson(rate).astype(np.int64)
        crackdown = self._crackdown(day)
        if crackdown is not None:
            if crackdown.ban_above is not None:
                offending = posts > crackdown.ban_above
                banned = ids[offending & (self.rng.random(len(ids)) < crackdown.ban_probability)]
                self.close_store_rows(day, banned, banned=True)
            if crackdown.throttle_above is not None:
                posts = np.minimum(posts, int(crackdown.throttle_above))
            live = stores.is_open[ids]
            ids, posts, quality, peak = ids[live], posts[live], quality[live], peak[live]
        stores.posts_today[ids] = posts
        stores.posts_total[ids] += posts
        stores.window_posts[ids] += posts
        posted = posts > 0
        stores.last_post_day[ids[posted]] = day
        ids, posts, quality, peak = ids[posted], posts[posted], quality[posted], peak[posted]
        seen = view_probability(posting, peak)
        if self.params.spam.enabled and len(ids):
            self._readers_respond(day, stores.owner[ids], posts, quality, seen)
        return stores.owner[ids], posts * seen

    def _prompt_purchases(self, day: int, exposure: np.ndarray) -> None:
        """Posts seen can bring an aware consumer's next purchase forward to today (M5).

        Hazard ``prompt·Σⱼ τᵢⱼ·viewsⱼ`` for aware consumers not in the market who will need the
        product again (not one-time buyers who already bought).
        """
        c = self.consumers
        prompt = self.params.channels.b2c2c.posting.purchase_prompt_per_view
        if prompt <= 0:
            return
        who = np.flatnonzero((exposure > 0) & c.aware & (c.need_day > day) & (c.need_day != NEVER))
        hit = who[self.rng.random(len(who)) < -np.expm1(-prompt * exposure[who])]
        c.need_day[hit] = day

    def _update_detractors(self) -> None:
        """Re-derive who is a detractor (attitude below the threshold) and update the sums."""
        now = self.consumers.attitude < self.params.spam.detractor_attitude
        on = np.flatnonzero(now & ~self.detractor)
        off = np.flatnonzero(~now & self.detractor)
        self.detractor[:] = now
        self.friend_sums.switched("detractors", on, off)

    def _crackdown(self, day: int) -> PlatformCrackdown | None:
        if self.crackdown is None:
            return None
        event, until = self.crackdown
        if until is not None and day > until:
            self.crackdown = None
            return None
        return event

    def _readers_respond(
        self, day: int, owners: np.ndarray, posts: np.ndarray, quality: np.ndarray, seen: np.ndarray
    ) -> None:
        """Friends who still see the posters update trust and annoyance; some mute or block (M7)."""
        g = self.graph
        group, entries = g.row_entries(owners)
        reader_entries = g.reverse_entry()[entries]
        visible = ~self.edge_muted[reader_entries]
        group, reader_entries = group[visible], reader_entries[visible]
        readers = g.indices[entries[visible]]
        response = respond_to_posts(
            self.params.spam,
            self.edge_trust[reader_entries],
            self.edge_annoyance[reader_entries],
            day - self.edge_annoyance_day[reader_entries],
            posts[group].astype(np.float64),
            quality[group],
            seen[group],
            self.tolerance[readers],
            self.rng.random(len(readers)),
        )
        self.friend_sums.update_trust(reader_entries, response.trust)
        self.edge_annoyance[reader_entries] = response.annoyance
        self.edge_annoyance_day[reader_entries] = day
        muted = reader_entries[response.muted]
        blocked = reader_entries[response.blocked]
        self.edge_muted[muted] = True
        self.edge_blocked[blocked] = True
        self.muted_edges += len(muted)
        self.blocked_edges += len(blocked)
        blockers = readers[response.blocked]
        if len(blockers):
            drop = np.float32(self.params.spam.block_attitude_drop)
            for attitude in (self.consumers.attitude, self.consumers.baseline_attitude):
                np.subtract.at(attitude, blockers, drop)
                np.clip(attitude, -1.0, 1.0, out=attitude)

    # stage 4
    def _spread_awareness(self, day: int, posts: tuple[np.ndarray, np.ndarray] | None) -> None:
        p = self.params
        c = self.consumers
        rate = np.full(self.graph.n, p.diffusion.innovation_rate_per_year / 365.0)
        if self.channel_open["b2c"]:
            ads = p.channels.b2c.advertising
            rate += ads.grps_per_day / 100.0 * ads.awareness_per_impression
        if self.supply.tiers and self.channel_open["b2b2c"]:
            stocked = self.supply.tiers[-1].on_hand > 0
            rate += (p.channels.b2b2c.shelf_awareness_per_year / 365.0) * stocked[c.region]
        q = p.diffusion.imitation_rate_per_year / 365.0
        if q > 0:
            rate += q * self.friend_sums.share("adopters")
        exposure = None
        if posts is not None:
            hidden = self.edge_muted if p.spam.enabled else None
            exposure = self.friend_sums.exposure(*posts, hidden=hidden)
            rate += p.channels.b2c2c.posting.awareness_per_view * exposure
        if p.spam.enabled:
            self._update_detractors()
            negative_word_of_mouth(
                c.attitude, c.baseline_attitude, self.friend_sums.share("detractors"), p.spam
            )
        anchored = c.adopted | (c.segment != ORDINARY)
        gained, forgot = awareness_step(
            c.aware, anchored, rate, p.diffusion.forgetting_rate_per_day, self.rng
        )
        c.aware_day[gained] = day
        c.aware_day[forgot] = -1
        if exposure is not None:
            self._prompt_purchases(day, exposure)

    # stage 5
    def _shop(self, day: int) -> None:
        p = self.params
        c = self.consumers
        in_market = c.need_day <= day
        if p.product.kind != "one_time":
            elsewhere = np.flatnonzero(in_market & ~c.aware)
            self._buy_elsewhere(day, elsewhere)
        shoppers = np.flatnonzero(in_market & c.aware)
        waited = day - np.maximum(c.need_day[shoppers], c.aware_day[shoppers])
        impatient = waited >= p.consumers.patience_days
        self._buy_elsewhere(day, shoppers[impatient])
        shoppers = shoppers[~impatient]
        self.today.in_market = len(shoppers)
        if len(shoppers) == 0:
            return
        shoppers = shoppers[self.rng.permutation(len(shoppers))]
        store, trust = self._social_options(day, shoppers)
        offer = self.offer()
        v = utilities(
            p.choice,
            offer,
            c.habit[shoppers],
            c.price_sensitivity[shoppers],
            c.attitude[shoppers],
            trust,
        )
        excluded = np.zeros((len(shoppers), 4), dtype=bool)
        lost = np.zeros(len(shoppers), dtype=bool)
        pending = np.arange(len(shoppers))
        for _ in range(2):  # first choice, then one fallback after a stock-out
            avail = self._available(store[pending], offer) & ~excluded[pending]
            chosen = logit_choice(v[pending], avail, self.rng.random(len(pending)))
            served = self._serve(shoppers[pending], chosen, store[pending])
            done = served | (chosen == OUTSIDE)
            self._buy_elsewhere(day, shoppers[pending[chosen == OUTSIDE]])
            buy = pending[served]
            self._book_purchases(day, shoppers[buy], chosen[served], store[buy], offer)
            failed = ~done & (chosen >= 0)
            lost[pending[done]] = False
            lost[pending[failed]] = True
            excluded[pending[failed], chosen[failed]] = True
            pending = pending[failed]
            if len(pending) == 0:
                break
        self.today.lost_sales = int(lost.sum())

    def _social_options(self, day: int, shoppers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each shopper, a micro-store it could buy from (-1: none) and its trust in the owner.

        Candidates: open stores of friends (and one's own) that posted within ``memory_days``;
        one is drawn with probability proportional to trust.
        """
        m = len(shoppers)
        store = np.full(m, -1, dtype=np.int64)
        trust = np.zeros(m)
        stores = self.stores
        if not self.channel_open["b2c2c"] or stores.size == 0:
            return store, trust
        memory = self.params.channels.b2c2c.posting.memory_days
        live = stores.is_open[: stores.size] & (stores.last_post_day[: stores.size] >= day - memory)
        if not live.any():
            return store, trust
        node_store = self.consumers.store
        if self.graph.complete:
            live_ids = np.flatnonzero(live)
            pick = live_ids[self.rng.integers(0, len(live_ids), size=m)]
            own = node_store[shoppers]
            has_own = own >= 0
            has_own[has_own] = live[own[has_own]]
            pick[has_own] = own[has_own]
            return pick.astype(np.int64), np.where(has_own, 1.0, self.params.trust.initial_mean)
        g = self.graph
        group, entries = g.row_entries(shoppers)
        friend_store = node_store[g.indices[entries]]
        ok = friend_store >= 0
        ok[ok] = live[friend_store[ok]]
        if self.params.spam.enabled:
            ok &= ~self.edge_muted[entries]
        cand_group = group[ok]
        cand_store = friend_store[ok]
        cand_trust = self.edge_trust[entries[ok]].astype(np.float64)
        own = node_store[shoppers]
        own_ok = own >= 0
        own_ok[own_ok] = live[own[own_ok]]
        if self.pyramid is not None:
            own_ok[:] = False  # an agent does not sell to itself
        if own_ok.any():
            cand_group = np.concatenate([cand_group, np.flatnonzero(own_ok)])
            cand_store = np.concatenate([cand_store, own[own_ok]])
            cand_trust = np.concatenate([cand_trust, np.ones(int(own_ok.sum()))])
            order = np.argsort(cand_group, kind="stable")
            cand_group, cand_store, cand_trust = (
                cand_group[order],
                cand_store[order],
                cand_trust[order],
            )
        pick = pick_weighted(cand_group, cand_trust, m, self.rng.random(m))
        has = pick >= 0
        store[has] = cand_store[pick[has]]
        trust[has] = cand_trust[pick[has]]
        return store, trust

    def _available(self, store: np.ndarray, offer: ChannelOffer) -> np.ndarray:
        """Channels in reach of each shopper: open, and for B2C2C a candidate store.

        Stock is not checked here: a shopper who picks a channel that turns out to be out of
        stock is a lost sale for it (and its demand is recorded), then tries once more.
        """
        avail = np.zeros((len(store), 4), dtype=bool)
        avail[:, OFFLINE] = bool(self.supply.tiers) and self.channel_open["b2b2c"]
        avail[:, ONLINE] = self.channel_open["b2c"]
        avail[:, SOCIAL] = (store >= 0) & self.channel_open["b2c2c"]
        avail[:, OUTSIDE] = offer.outside_utility is not None
        return avail

    def _serve(self, shoppers: np.ndarray, chosen: np.ndarray, store: np.ndarray) -> np.ndarray:
        """Allocate stock to this round's choices in shopper order; returns served mask."""
        served = np.zeros(len(shoppers), dtype=bool)
        if self.pyramid is not None:
            social = np.flatnonzero(chosen == SOCIAL)
            if len(social):
                sellers = store[social]
                ok = first_come(sellers, self.stores.inventory)
                served[social] = ok
                self.stores.inventory[: self.stores.size] -= np.bincount(
                    sellers[ok], minlength=self.stores.size
                )
            chosen = np.where(chosen == SOCIAL, -1, chosen)
        off = np.flatnonzero(chosen == OFFLINE)
        if len(off):
            served[off] = serve_from_stock(
                self.supply.tiers[-1],
                self.consumers.region[shoppers[off]],
                backorder=self.params.channels.b2b2c.retail_stockouts == "backorder",
            )
        direct = np.flatnonzero((chosen == ONLINE) | (chosen == SOCIAL))
        if len(direct):
            served[direct] = serve_from_stock(
                self.supply.maker, np.zeros(len(direct), dtype=np.intp)
            )
        return served

    def _buy_elsewhere(self, day: int, who: np.ndarray) -> None:
        """Consumers who satisfy their need outside the brand: their next need is drawn."""
        if len(who) == 0:
            return
        self.consumers.need_day[who] = next_need_days(self.params, day, len(who), self.rng)
        self.today.bought_elsewhere += len(who)

    def _book_purchases(
        self,
        day: int,
        buyers: np.ndarray,
        chosen: np.ndarray,
        store: np.ndarray,
        offer: ChannelOffer,
    ) -> None:
        """Units, money, rebates and consumer state for served purchases (one unit each)."""
        if len(buyers) == 0:
            return
        p = self.params
        c = self.consumers
        ledger = self.ledger
        for alt, channel in CHANNEL_OF_ALTERNATIVE.items():
            mask = chosen == alt
            k = int(mask.sum())
            if k == 0:
                continue
            self.today.units[channel] += k
            price = float(offer.prices[alt])
            if alt == OFFLINE:
                retail = len(self.supply.tiers) - 1
                regions = c.region[buyers[mask]]
                self.distributor_cash[retail] += price * np.bincount(
                    regions, minlength=len(self.distributor_cash[retail])
                )
                ledger.transfer(
                    CONSUMERS,
                    distributor_account(self.supply.names[retail]),
                    price * k,
                    "spend_b2b2c",
                )
            elif alt == SOCIAL and self.pyramid is not None:
                self._agents_sell(day, store[mask], price)
            else:
                self.today.units_from_maker += k
                ledger.transfer(CONSUMERS, MAKER, price * k, f"revenue_{channel}")
                cost = getattr(p.channels, channel).logistics_cost_per_unit * k
                ledger.transfer(MAKER, LOGISTICS, cost, f"logistics_{channel}")
                if alt == SOCIAL:
                    self._pay_rebates(store[mask], price)
        self.units_sold_total += len(buyers)
        first = np.unique(buyers[~c.adopted[buyers]])
        c.adopted[first] = True
        c.adoption_day[first] = day
        self.friend_sums.switched("adopters", first)
        c.purchases[buyers] += 1
        c.identified[buyers[chosen != OFFLINE]] = True
        reinforce_habits(c.habit, buyers, chosen, p.consumers.habit_learning_rate)
        raise_attitude(c.attitude, buyers, p.consumers.satisfaction_gain)
        raise_attitude(c.baseline_attitude, buyers, p.consumers.satisfaction_gain)
        c.need_day[buyers] = next_need_days(p, day, len(buyers), self.rng)

    def _agents_sell(self, day: int, sellers: np.ndarray, price: float) -> None:
        """Pyramid agents sold from their own stock: consumers pay them (M8)."""
        stores = self.stores
        for column in (stores.units, stores.units_today, stores.window_units, stores.units_retail):
            np.add.at(column, sellers, 1)
        np.add.at(stores.sales_value, sellers, price)
        np.add.at(stores.cash, sellers, price)
        stores.last_sale_day[sellers] = day
        self.ledger.transfer(CONSUMERS, PARTICIPANTS, price * len(sellers), "spend_b2c2c")

    def _pay_rebates(self, sale_stores: np.ndarray, price: float) -> None:
        stores = self.stores
        np.add.at(stores.units, sale_stores, 1)
        np.add.at(stores.units_today, sale_stores, 1)
        np.add.at(stores.window_units, sale_stores, 1)
        np.add.at(stores.sales_value, sale_stores, price)
        rates = rebate_rates(self.params.channels.b2c2c)
        payee, amount = pay_rebates(
            sale_stores,
            np.full(len(sale_stores), price),
            stores.upline,
            stores.is_open,
            rates,
        )
        np.add.at(stores.rebate_income, payee, amount)
        np.add.at(stores.income_today, payee, amount)
        self.ledger.transfer(MAKER, STORE_OWNERS, float(amount.sum()), "rebates")

    # stage 6
    def _review_supply(self, day: int) -> None:
        p = self.params
        shipped, _ = self.supply.review(day, p.channels.b2b2c.tiers, p.manufacturer)
        if not self.supply.tiers:
            return
        buy, sell = tier_prices(p.channels.b2b2c.wholesale_price, p.channels.b2b2c.tiers)
        for k, units in enumerate(shipped):
            self._pay_supplier(k, units, buy[k])
        margin = 0.0
        for k, point in enumerate(self.supply.tiers):
            margin += float(point.sold_today.sum()) * (sell[k] - buy[k])
        self.today.distributor_margin = margin

    # stage 7
    def _store_lifecycle(self, day: int) -> None:
        p = self.params
        b2c2c = p.channels.b2c2c
        if not b2c2c.enabled:
            return
        stores = self.stores
        c = self.consumers
        reach = float(c.degree[stores.owner[stores.open_ids]].sum()) if stores.size else 0.0
        if reach > 0:
            observed = self.today.units["b2c2c"] / reach
            self._units_per_friend_per_day += (observed - self._units_per_friend_per_day) / 30.0
        if self.pyramid is not None:
            self._adapt_posting(day)
            if self.channel_open["b2c2c"]:
                self.pyramid.step(day)
            return
        if stores.size:
            update_income_ewma(stores, b2c2c.closing.review_days)
            ids = stores.open_ids
            old = ids[day - stores.opened_day[ids] >= b2c2c.closing.review_days]
            if len(old):
                owners = stores.owner[old]
                value = keeps_store_value(
                    b2c2c,
                    stores.income_ewma[old],
                    c.attitude[owners],
                    c.segment[owners] == EMPLOYEE,
                )
                quit_ = old[
                    (value < 0) & (self.rng.random(len(old)) < b2c2c.closing.closing_rate_per_day)
                ]
                self.close_store_rows(day, quit_)
            self._adapt_posting(day)
        if not self.channel_open["b2c2c"]:
            return
        self._open_stores(day)

    def close_store_rows(self, day: int, ids: np.ndarray, banned: bool = False) -> None:
        """Close stores (or agents leaving a pyramid); ``banned`` by a platform crackdown."""
        stores = self.stores
        stores.is_open[ids] = False
        stores.closed_day[ids] = day
        stores.banned[ids] = banned
        self.friend_sums.change_owners(stores.owner[ids], -1)
        self.today.stores_closed += len(ids)
        if banned:
            self.today.stores_banned += len(ids)

    def _adapt_posting(self, day: int) -> None:
        """Adaptive owners review sales per post every ``adapt_every_days`` (M7)."""
        stores = self.stores
        policies = self.params.channels.b2c2c.posting.policies
        ids = stores.open_ids
        adaptive = np.array([pol.kind == "adaptive" for pol in policies])[stores.policy[ids]]
        every = np.array([pol.adapt_every_days for pol in policies])[stores.policy[ids]]
        due = ids[adaptive & (day - stores.last_review_day[ids] >= every)]
        if len(due) == 0:
            return
        posts = stores.window_posts[due]
        sales_per_post = np.where(posts > 0, stores.window_units[due] / np.maximum(posts, 1), 0.0)
        stores.post_rate[due] = adapt_rates(
            stores.post_rate[due].astype(np.float64),
            sales_per_post,
            stores.last_sales_per_post[due].astype(np.float64),
            policies,
            stores.policy[due],
        )
        stores.last_sales_per_post[due] = sales_per_post
        stores.last_review_day[due] = day
        stores.window_posts[due] = 0
        stores.window_units[due] = 0

    def _open_stores(self, day: int) -> None:
        p = self.params.channels.b2c2c
        c = self.consumers
        eligible = c.aware & (c.store < 0)
        employees_ok = day >= p.rollout.employees_from_day
        public_ok = self.public_from_day is not None and day >= self.public_from_day
        is_emp = c.segment == EMPLOYEE
        eligible &= np.where(is_emp, employees_ok, public_ok)
        who = np.flatnonzero(eligible)
        if len(who) == 0:
            return
        share = self.friend_sums.store_friend_share(who)
        hazard = opening_hazard(
            p, c.segment[who], c.attitude[who], c.degree[who], share, self._units_per_friend_per_day
        )
        new = who[self.rng.random(len(who)) < -np.expm1(-hazard)]
        if len(new) == 0:
            return
        kinds = store_kinds(
            c.segment[new], c.attitude[new], c.degree[new], p, self.influencer_degree
        )
        uplines = self._choose_uplines(new) if p.upline_rebate_rates else np.full(len(new), -1)
        self.open_store_rows(new, kinds, uplines, day)

    def open_store_rows(
        self, owners: np.ndarray, kinds: np.ndarray, uplines: np.ndarray, day: int
    ) -> np.ndarray:
        """Open stores for ``owners`` (micro-stores or pyramid agents); returns their ids.

        Each draws its posting policy by the policies' shares (M7).
        """
        c = self.consumers
        ids = self.stores.add(owners, kinds, uplines, day)
        policies = self.params.channels.b2c2c.posting.policies
        shares = np.array([pol.share for pol in policies])
        policy = self.rng.choice(len(policies), size=len(ids), p=shares / shares.sum())
        self.stores.policy[ids] = policy
        self.stores.post_rate[ids] = np.array([pol.posts_per_day for pol in policies])[policy]
        self.stores.last_review_day[ids] = day
        c.store[owners] = ids
        self.store_friendships += int(c.degree[owners].sum())
        self.friend_sums.change_owners(owners, +1)
        self.store_agents.extend(MicroStore(self, int(i)) for i in ids)
        self.today.stores_opened += len(owners)
        return ids

    def lower_friends_attitude(self, node: int, drop: float) -> None:
        """Every friend of ``node`` loses ``drop`` of attitude to the brand, and of its baseline."""
        c = self.consumers
        friends = self.graph.neighbors(node)
        for attitude in (c.attitude, c.baseline_attitude):
            attitude[friends] = np.clip(attitude[friends] - drop, -1.0, 1.0)

    def _choose_uplines(self, new_owners: np.ndarray) -> np.ndarray:
        """A new store's upline: an open store among the owner's friends, drawn by trust."""
        m = len(new_owners)
        uplines = np.full(m, -1, dtype=np.int32)
        open_ids = self.stores.open_ids
        if len(open_ids) == 0:
            return uplines
        if self.graph.complete:
            return open_ids[self.rng.integers(0, len(open_ids), size=m)].astype(np.int32)
        g = self.graph
        group, entries = g.row_entries(new_owners)
        friend_store = self.consumers.store[g.indices[entries]]
        ok = friend_store >= 0
        ok[ok] = self.stores.is_open[friend_store[ok]]
        trust = self.edge_trust[entries[ok]].astype(np.float64)
        pick = pick_weighted(group[ok], trust, m, self.rng.random(m))
        has = pick >= 0
        uplines[has] = friend_store[ok][pick[has]]
        return uplines

    # ------------------------------------------------------------------ checks

    def units_held(self) -> int:
        """Units in every inventory: maker, distributors (on hand and in transit), agents."""
        held = self.supply.units_held()
        if self.pyramid is not None:
            held += self.pyramid.units_held()
        return held

    def invariant_violations(self) -> list[str]:
        """Conservation and range checks; an empty list means all hold (MODEL.md §7)."""
        problems = []
        held = self.units_held()
        owed = self.supply.backlog_total()
        dumped = self.pyramid.units_dumped_total if self.pyramid is not None else 0
        if self.supply.produced_total != self.units_sold_total - owed + held + dumped:
            problems.append(
                f"units: produced {self.supply.produced_total} != sold {self.units_sold_total} "
                f"- backordered {owed} + held {held} + dumped {dumped}"
            )
        tolerance = 1e-9 * max(1.0, self.ledger.scale())
        if abs(self.ledger.imbalance()) > tolerance:
            problems.append(f"money: balances sum to {self.ledger.imbalance()}")
        for k, name in enumerate(self.supply.names):
            account = self.ledger.balances[distributor_account(name)]
            per_agent = math.fsum(self.distributor_cash[k])
            if abs(account - per_agent) > tolerance:
                problems.append(f"money: tier {name} cash {per_agent} != account {account}")
        owners = self.ledger.balances[STORE_OWNERS]
        per_store = math.fsum(self.stores.column("rebate_income"))
        if abs(owners - per_store) > tolerance:
            problems.append(f"money: store income {per_store} != account {owners}")
        agents = self.ledger.balances[PARTICIPANTS]
        per_agent_cash = math.fsum(self.stores.column("cash"))
        if abs(agents - per_agent_cash) > tolerance:
            problems.append(f"money: agents' cash {per_agent_cash} != account {agents}")
        if (self.stores.column("inventory") < 0).any():
            problems.append("negative stock at a pyramid agent")
        for point, name in [
            (self.supply.maker, "maker"),
            *zip(self.supply.tiers, self.supply.names, strict=True),
        ]:
            negative = (point.on_hand < 0).any() or (point.pipeline < 0).any()
            if negative or (point.owed < 0).any() or (point.backlog < 0).any():
                problems.append(f"negative stock or backorder at {name}")
        c = self.consumers
        if (c.attitude < -1 - 1e-6).any() or (c.attitude > 1 + 1e-6).any():
            problems.append("attitude outside [-1, 1]")
        if len(self.edge_trust) and ((self.edge_trust < 0).any() or (self.edge_trust > 1).any()):
            problems.append("trust outside [0, 1]")
        if not np.allclose(c.habit.sum(axis=1), 1.0, atol=1e-4):
            problems.append("habit weights do not sum to 1")
        if (c.adopted & ~c.aware).any():
            problems.append("an adopter is not aware")
        if (c.need_day < 0).any() or (
            c.need_day[c.need_day != NEVER] > self.day + 10 * 36500
        ).any():
            problems.append("need_day out of range")
        return problems
