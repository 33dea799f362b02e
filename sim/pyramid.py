"""Stock-pressure pyramid: tiered agents who must buy stock and recruit (M8).

[Weishang2015] and [NotTaobao2015] describe the "pressing goods" micro-business: agents join
a level by buying an entry stock package from their upline, must buy a quota every period to
keep it, and earn mostly by selling stock to the recruits they bring in ("one becomes two, two
become four").
When recruitment saturates and end consumers do not absorb the stock, agents run out of money,
dump their stock below price and leave; their downline loses its supplier, and the pyramid
collapses.

The agents are rows of the :class:`~sim.stores.StoreBook` (they post and sell to friends
like micro-stores, from their own stock); :class:`Pyramid` is this form of the B2C2C channel
(:class:`sim.stores.SocialChannel`). The rules, each day (stage 7, after shopping):

1. **Founders** (on ``start_day``): ``founders`` aware consumers join the top level, buying the
   entry package from the maker.
2. **Quotas**: an agent whose quota day has come buys ``quota_units`` of its level from its
   upline. With the 70 % rule, an agent that has sold less than ``seventy_percent_threshold`` of
   the stock it bought to end consumers is not made to buy. An agent that cannot pay, or whose
   upline has left (no supplier), exits. Generations buy in turn from the top of the tree
   down, so exits cascade down the same day.
3. **Giving up**: an agent that sold nothing, to consumers or recruits, for
   ``give_up_after_days`` exits.
4. **Exit**: the maker buys back the remaining stock at ``buyback_share`` of its price if it
   does so; otherwise the agent dumps it to liquidators at ``dump_price_share`` of the store
   price, its friends' attitude drops by ``dump_attitude_drop`` and the grey-market pressure *G*
   rises by the units dumped per 1,000 consumers (it decays by ``grey_market_decay_per_day`` and
   adds ``grey_market_utility``·*G* to the outside option). It has lost money if its cash is
   below the money it put in.
5. **Recruitment**: a consumer who is not and never was an agent, and has not refused, is
   pitched by the friends who can recruit (active agents under the recruit cap; bottom-level
   agents only if ``bottom_level_can_recruit``). Its joining hazard is ``r·P·σ((π − c)/s)``
   where *P* = Σⱼ τᵢⱼ over those friends, π = H·max(0, 1 − κ·L) the profit it believes in (H
   the hype, L the trust-weighted share of friends who left at a loss, κ = ``loss_aversion``),
   *c* = ``effort_cost_per_day``, *s* = ``income_scale_per_day``. A pitched consumer who does
   not join refuses for good with probability ``refusal_probability_per_day``·(1 − e^{−P}). A
   joiner picks its upline among those friends by trust, puts in its savings (log-normal), and
   enters the highest level below its upline's (the bottom level under a bottom-level upline,
   who then sells to it at its own price, with no margin) whose entry fee and package it can
   pay for; one who cannot afford even the bottom level refuses. Its generation (depth in the
   recruitment tree) is its upline's + 1. With ``upline_choice: seniority`` the recruiting
   friend who joined first and still has room signs the joiner instead. The day's joiners are
   signed in a random order; an upline signs them while it has room under ``max_recruits``
   (with ``trust``, a joiner whose upline is full waits for another day).
6. **Hype**: H ← H + η·(m − H), with *m* the mean profit per day of agents in for 30 days or
   more (stock valued at what they paid) and η = ``hype_learning_rate``.
7. **Collapse**: the first day the active agents fall to ``collapse_threshold`` of their peak.

Buying (:meth:`Pyramid.supply`, all or nothing for each buyer): the buyer pays its supplier its
level's price per unit. Top-level agents buy from the maker's finished goods, served in order
while stock lasts. An upline asked for more than it holds first buys the shortfall of all its
buyers from its own upline (the same rule one level up, up to the maker), then serves its
buyers in order while its stock lasts.

Every rule works on all the agents concerned at once (arrays), never one agent at a time.
"""

from __future__ import annotations

import math

import numpy as np

from sim.accounting import CONSUMERS, LIQUIDATORS, MAKER, PARTICIPANTS, Ledger
from sim.audience import AudienceGraph
from sim.choice import pick_weighted
from sim.consumers import ConsumerPopulation
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.posting import adapt_posting
from sim.scenario import StockPressure
from sim.stores import InfluencerThreshold, StoreBook, StoreRoster, store_kinds
from sim.supply_chain import StockPoint, first_come


class Pyramid:
    """State and daily rules of the stock-pressure hierarchy.

    The B2C2C channel in stock-pressure form (a :class:`~sim.stores.SocialChannel`).
    """

    holds_stock = True
    sells_to_owner = False
    consumer_spend_flow = "spend_b2c2c"

    def __init__(
        self,
        book: StoreBook,
        roster: StoreRoster,
        consumers: ConsumerPopulation,
        friendships: Friendships,
        audience: AudienceGraph,
        maker: StockPoint,
        market: MarketState,
        ledger: Ledger,
        influencer_degree: InfluencerThreshold,
        rng: np.random.Generator,
    ) -> None:
        self.book = book
        self.roster = roster
        self.consumers = consumers
        self.friendships = friendships
        self.audience = audience
        self.graph = friendships.graph
        self.maker = maker
        self.market = market
        self.ledger = ledger
        self.influencer_degree = influencer_degree
        self.rng = rng
        n = self.graph.n
        self.hype = self.params.promised_profit_per_day
        self.grey_pressure = 0.0
        self.immune = np.zeros(n, dtype=bool)
        self.recruiter = np.zeros(n, dtype=bool)
        self.loser = np.zeros(n, dtype=bool)
        friendships.sums.track("recruiters", self.recruiter)
        friendships.sums.track("losers", self.loser)
        self.units_dumped_total = 0
        self.units_from_maker_total = 0
        self.units_bought_back_total = 0
        self.units_internal_total = 0
        self.peak = 0
        self.peak_day: int | None = None
        self.peak_depth = 0
        self.collapse_day: int | None = None
        self.collapse_depth: int | None = None
        self.start_day()

    @property
    def params(self) -> StockPressure:
        return self.market.params.channels.b2c2c.stock_pressure

    def start_day(self) -> None:
        self.joins = 0
        self.exits = 0
        self.units_internal = 0
        self.units_from_maker = 0
        self.units_dumped = 0
        self.units_bought_back = 0

    def unit_price(self, level: int) -> float:
        """Price per unit an agent of ``level`` pays its supplier."""
        return self.params.levels[level].price_share * self.market.params.channels.b2c2c.price

    # ------------------------------------------------------------------ seams of the day

    def outside_utility(self) -> float:
        """Cheap dumped goods on a grey market: ``grey_market_utility``·G."""
        return self.params.grey_market_utility * self.grey_pressure

    def serve(self, sellers: np.ndarray) -> np.ndarray:
        """Agents serve their shoppers from their own stock, first come first served."""
        book = self.book
        ok = first_come(sellers, book.inventory)
        book.inventory[: book.size] -= np.bincount(sellers[ok], minlength=book.size)
        return ok

    def book_sales(self, day: int, sellers: np.ndarray, price: float, today: DayCounters) -> None:
        """Agents sold from their own stock: consumers pay them."""
        book = self.book
        for column in (book.units, book.units_today, book.window_units, book.units_retail):
            np.add.at(column, sellers, 1)
        np.add.at(book.sales_value, sellers, price)
        np.add.at(book.cash, sellers, price)
        book.last_sale_day[sellers] = day
        self.ledger.transfer(CONSUMERS, PARTICIPANTS, price * len(sellers), "spend_b2c2c")

    def units_held(self) -> int:
        return int(self.book.column("inventory").sum())

    def units_returned_today(self) -> int:
        return self.units_bought_back

    def lifecycle(self, day: int, today: DayCounters) -> None:
        """Stage 7: posting reviews, then the pyramid's rules while the channel is open."""
        adapt_posting(self.book, self.market, day)
        if self.market.is_open("b2c2c"):
            self.step(day, today)

    # ------------------------------------------------------------------ buying

    def level_prices(self) -> np.ndarray:
        """Price per unit an agent of each level pays its supplier."""
        return np.array([self.unit_price(k) for k in range(len(self.params.levels))])

    def supply(
        self, buyers: np.ndarray, units: np.ndarray, day: int, today: DayCounters
    ) -> np.ndarray:
        """Agents ``buyers`` (distinct) each obtain ``units`` from their supplier and pay for them.

        A purchase is all or nothing. A buyer who cannot pay, or whose upline has left (no
        supplier), gets nothing. Top-level agents buy from the maker's finished goods, served in
        order while stock lasts. An upline asked for more than it holds first buys the shortfall
        of all its buyers from its own upline (the same rule, one level up, up to the maker);
        then it serves its buyers in order while its stock lasts.

        Returns:
            For each buyer, whether it received its units (true for zero units).
        """
        buyers = np.asarray(buyers, dtype=np.int64)
        units = np.asarray(units, dtype=np.int64)
        done = units <= 0
        want = np.flatnonzero(~done)
        if len(want) == 0:
            return done
        book = self.book
        who, qty = buyers[want], units[want]
        cost = qty * self.level_prices()[book.level[who]]
        pays = book.cash[who] >= cost - 1e-9
        up = book.upline[who].astype(np.int64)
        served = np.zeros(len(who), dtype=bool)
        top = np.flatnonzero(pays & (up < 0))
        if len(top):
            maker = self.maker
            maker.demand_today[0] += int(qty[top].sum())
            got = top[np.cumsum(qty[top]) <= maker.on_hand[0]]
            taken = int(qty[got].sum())
            maker.on_hand[0] -= taken
            maker.sold_today[0] += taken
            self.units_from_maker += taken
            self.units_from_maker_total += taken
            today.units_from_maker += taken
            self.ledger.transfer(PARTICIPANTS, MAKER, float(cost[got].sum()), "revenue_b2c2c")
            served[got] = True
        below = np.flatnonzero(pays & (up >= 0))
        below = below[book.is_open[up[below]]]
        if len(below):
            uplines, group = np.unique(up[below], return_inverse=True)
            asked = np.bincount(group, weights=qty[below], minlength=len(uplines))
            short = np.maximum(0, asked.astype(np.int64) - book.inventory[uplines])
            if (short > 0).any():
                self.supply(uplines[short > 0], short[short > 0], day, today)
            order = np.argsort(group, kind="stable")
            upto = group_cumsum(group[order], qty[below][order])
            fits = np.empty(len(below), dtype=bool)
            fits[order] = upto <= book.inventory[uplines][group[order]]
            got = below[fits]
            g = group[fits]
            sold = np.bincount(g, weights=qty[got], minlength=len(uplines)).astype(np.int64)
            paid = np.bincount(g, weights=cost[got], minlength=len(uplines))
            book.inventory[uplines] -= sold
            book.cash[uplines] += paid
            book.units_downline[uplines] += sold
            book.last_sale_day[uplines[sold > 0]] = day
            self.units_internal += int(sold.sum())
            self.units_internal_total += int(sold.sum())
            served[got] = True
        ok = np.flatnonzero(served)
        book.cash[who[ok]] -= cost[ok]
        book.inventory[who[ok]] += qty[ok]
        book.units_bought[who[ok]] += qty[ok]
        done[want[ok]] = True
        return done

    def pay_fees(self, stores: np.ndarray, fees: np.ndarray) -> None:
        """New agents pay their entry fee to their upline (or to the maker at the top)."""
        book = self.book
        paying = fees > 0
        stores, fees = stores[paying], fees[paying]
        if len(stores) == 0:
            return
        book.cash[stores] -= fees
        up = book.upline[stores]
        top = up < 0
        self.ledger.transfer(PARTICIPANTS, MAKER, float(fees[top].sum()), "entry_fees")
        np.add.at(book.cash, up[~top], fees[~top])

    # ------------------------------------------------------------------ the day

    def step(self, day: int, today: DayCounters) -> None:
        """Stage 7 in stock-pressure mode: founders, quotas, exits, recruitment, hype, collapse."""
        p = self.params
        if day == p.start_day:
            self.found(day, today)
        self.quotas(day, today)
        self.give_up(day, today)
        self.recruit(day, today)
        self.update_hype(day)
        self.grey_pressure *= 1.0 - p.grey_market_decay_per_day
        self.watch_collapse(day)

    def found(self, day: int, today: DayCounters) -> None:
        """The founders join the top level, buying their entry package from the maker."""
        c = self.consumers
        candidates = np.flatnonzero(c.aware & (c.store < 0))
        if len(candidates) == 0:
            candidates = np.flatnonzero(c.store < 0)
        count = min(self.params.founders, len(candidates))
        chosen = np.sort(self.rng.choice(candidates, size=count, replace=False))
        self.join(
            chosen, np.full(count, -1), np.full(count, self.params.founder_savings), day, today
        )

    def entry_levels(self, uplines: np.ndarray, savings: np.ndarray) -> np.ndarray:
        """The level each joiner enters: the highest below its upline's (the top under the
        maker, the bottom under a bottom-level upline) whose entry fee and package its savings
        cover; -1 if it cannot afford even the bottom level."""
        levels = self.params.levels
        bottom = len(levels) - 1
        highest = np.where(
            uplines < 0, 0, np.minimum(self.book.level[np.maximum(uplines, 0)] + 1, bottom)
        )
        need = np.array(
            [
                lv.entry_fee + lv.entry_units * price
                for lv, price in zip(levels, self.level_prices(), strict=True)
            ]
        )
        allowed = np.arange(len(levels))[None, :] >= highest[:, None]
        affordable = allowed & (savings[:, None] >= need[None, :])
        return np.where(affordable.any(axis=1), affordable.argmax(axis=1), -1)

    def join(
        self,
        owners: np.ndarray,
        uplines: np.ndarray,
        savings: np.ndarray,
        day: int,
        today: DayCounters,
    ) -> np.ndarray:
        """Consumers ``owners`` join under ``uplines`` (-1: the maker), those who can afford it.

        Each joiner puts in its savings, pays its level's entry fee and buys the entry package
        (:meth:`supply`; if the chain cannot deliver, the agent stays, with its money and no
        stock yet). Returns which owners joined.
        """
        p = self.params
        book = self.book
        c = self.consumers
        level = self.entry_levels(uplines, savings)
        joined = level >= 0
        owners, uplines, savings, level = (
            owners[joined],
            uplines[joined],
            savings[joined],
            level[joined],
        )
        if len(owners) == 0:
            return joined
        kinds = store_kinds(
            c.segment[owners],
            c.attitude[owners],
            c.degree[owners],
            self.market.params.channels.b2c2c,
            self.influencer_degree(
                self.market.params.channels.b2c2c.opening.influencer_degree_quantile
            ),
            self.audience.followers[owners],
        )
        stores = self.roster.open(owners, kinds, uplines, day, today).astype(np.int64)
        book.level[stores] = level
        under = uplines >= 0
        book.generation[stores] = np.where(under, book.generation[np.maximum(uplines, 0)] + 1, 0)
        book.savings_in[stores] = savings
        book.cash[stores] = savings
        book.last_sale_day[stores] = day
        book.next_quota_day[stores] = day + p.quota_period_days
        self.ledger.transfer(CONSUMERS, PARTICIPANTS, float(savings.sum()), "agents_savings")
        fee = np.array([lv.entry_fee for lv in p.levels])[level]
        self.pay_fees(stores, fee)
        package = np.array([lv.entry_units for lv in p.levels])[level]
        self.supply(stores, package, day, today)
        np.add.at(book.recruits, uplines[under], 1)
        self._refresh_recruiters(np.unique(uplines[under]))
        self._refresh_recruiters(stores)
        self.joins += len(stores)
        return joined

    def quotas(self, day: int, today: DayCounters) -> None:
        """Agents whose quota day has come buy their quota; those who cannot, exit.

        Generations buy in turn from the top of the tree down, so an upline that exits today
        leaves its downline without a supplier the same day (exits cascade down).
        """
        book = self.book
        p = self.params
        ids = book.open_ids.astype(np.int64)
        due = ids[book.next_quota_day[ids] <= day]
        if len(due) == 0:
            return
        book.next_quota_day[due] += p.quota_period_days
        if p.seventy_percent_rule:
            waived = book.units_retail[due] < p.seventy_percent_threshold * book.units_bought[due]
            due = due[~waived]  # may not reorder: the quota is waived
        quota = np.array([lv.quota_units for lv in p.levels])
        generation = book.generation[due]
        for g in np.unique(generation):
            buyers = due[generation == g]
            buyers = buyers[book.is_open[buyers]]
            ok = self.supply(buyers, quota[book.level[buyers]], day, today)
            self.exit(buyers[~ok], day, today)

    def give_up(self, day: int, today: DayCounters) -> None:
        """Agents that sold nothing, to consumers or recruits, for ``give_up_after_days`` exit."""
        book = self.book
        ids = book.open_ids.astype(np.int64)
        idle = ids[day - book.last_sale_day[ids] >= self.params.give_up_after_days]
        self.exit(idle, day, today)

    def exit(self, stores: np.ndarray, day: int, today: DayCounters) -> None:
        """Agents ``stores`` leave: buy-back or dumping of their stock; who lost money is noted."""
        book = self.book
        p = self.params
        stores = stores[book.is_open[stores]]
        if len(stores) == 0:
            return
        units = book.inventory[stores]
        holding = units > 0
        sel, held = stores[holding], units[holding]
        if len(sel) and p.buyback_share > 0:
            refund = held * self.level_prices()[book.level[sel]] * p.buyback_share
            book.cash[sel] += refund
            self.ledger.transfer(MAKER, PARTICIPANTS, float(refund.sum()), "buyback")
            self.maker.on_hand[0] += int(held.sum())
            book.units_bought_back[sel] += held
            self.units_bought_back += int(held.sum())
            self.units_bought_back_total += int(held.sum())
        elif len(sel):
            proceeds = held * (p.dump_price_share * self.market.params.channels.b2c2c.price)
            book.cash[sel] += proceeds
            self.ledger.transfer(LIQUIDATORS, PARTICIPANTS, float(proceeds.sum()), "dumping")
            book.units_dumped[sel] += held
            self.units_dumped += int(held.sum())
            self.units_dumped_total += int(held.sum())
            self.grey_pressure += int(held.sum()) / (self.graph.n / 1000.0)
            self._lower_friends_attitude(book.owner[sel], p.dump_attitude_drop)
        book.inventory[stores] = 0
        lost = book.cash[stores] < book.savings_in[stores]
        self.roster.close(day, stores, today)
        owners = book.owner[stores]
        self._set_flags("recruiters", self.recruiter, owners, False)
        self._set_flags("losers", self.loser, owners[lost], True)
        self.exits += len(stores)

    def _lower_friends_attitude(self, nodes: np.ndarray, drop: float) -> None:
        """Every friend of each of ``nodes`` loses ``drop`` of attitude to the brand, and of its
        baseline, once per such friend (clipped at −1)."""
        c = self.consumers
        g = self.graph
        if g.complete:
            hits = np.full(g.n, len(nodes), dtype=np.float32)
            np.subtract.at(hits, nodes, 1)
        else:
            _, entries = g.row_entries(nodes)
            hits = np.bincount(g.indices[entries], minlength=g.n).astype(np.float32)
        for attitude in (c.attitude, c.baseline_attitude):
            attitude -= np.float32(drop) * hits
            np.clip(attitude, -1.0, 1.0, out=attitude)

    def recruit(self, day: int, today: DayCounters) -> None:
        """Pitched consumers join, refuse for good, or wait (ODD 7.8, step 5)."""
        c = self.consumers
        p = self.params
        rng = self.rng
        if not self.recruiter.any():
            return
        sums = self.friendships.sums
        pitch = sums.weighted("recruiters")
        who = np.flatnonzero((pitch > 0) & (c.store < 0) & ~self.immune)
        if len(who) == 0:
            return
        loss = sums.share("losers")[who]
        believed = self.hype * np.maximum(0.0, 1.0 - p.loss_aversion * loss)
        attract = 1.0 / (1.0 + np.exp(-(believed - p.effort_cost_per_day) / p.income_scale_per_day))
        hazard = p.recruitment_rate_per_day * pitch[who] * attract
        draws = rng.random(len(who))
        joining = draws < -np.expm1(-hazard)
        refusing = ~joining & (
            rng.random(len(who)) < p.refusal_probability_per_day * -np.expm1(-pitch[who])
        )
        self.immune[who[refusing]] = True
        joiners = who[joining]
        if len(joiners) == 0:
            return
        joiners = joiners[rng.permutation(len(joiners))]  # signed in a random order
        if p.upline_choice == "seniority":
            savings = self._draw_savings(len(joiners))
            uplines = self._sign_by_seniority(joiners, savings)
        else:
            chosen = self._choose_recruiters(joiners)
            savings = self._draw_savings(len(joiners))
            uplines = self._sign_by_trust(joiners, savings, chosen)
        signed = uplines >= 0
        self.join(joiners[signed], uplines[signed], savings[signed], day, today)

    def _sign_by_trust(
        self, joiners: np.ndarray, savings: np.ndarray, chosen: np.ndarray
    ) -> np.ndarray:
        """Each joiner's upline: the recruiting friend it drew by trust (``chosen``); -1 if
        none, if that friend has no room left for it (joiners in order), or if the joiner
        cannot afford to enter under it (it then refuses for good)."""
        uplines = chosen.copy()
        signed = uplines >= 0
        signed[signed] = self.can_recruit(uplines[signed])
        uplines[~signed] = -1
        return self._take_room(joiners, savings, uplines, self._room())

    def _sign_by_seniority(self, joiners: np.ndarray, savings: np.ndarray) -> np.ndarray:
        """Each joiner's upline: its recruiting friend who joined first and still has room,
        joiners in order (rounds: those who find their senior full try the next one)."""
        room = self._room()
        uplines = np.full(len(joiners), -1, dtype=np.int64)
        pending = np.arange(len(joiners))
        while len(pending):
            candidate = self._senior_recruiters(joiners[pending], full=room <= 0)
            candidate[candidate >= 0] = np.where(
                self.can_recruit(candidate[candidate >= 0]), candidate[candidate >= 0], -1
            )
            has = candidate >= 0
            pending, candidate = pending[has], candidate[has]
            taken = self._take_room(joiners[pending], savings[pending], candidate, room)
            uplines[pending] = taken
            retry = (taken < 0) & (room[candidate] <= 0) & ~self.immune[joiners[pending]]
            pending = pending[retry]
        return uplines

    def _room(self) -> np.ndarray:
        """Recruits each agent may still sign (a large number without ``max_recruits``)."""
        recruits = self.book.column("recruits").astype(np.int64)
        cap = self.params.max_recruits
        return np.full(len(recruits), np.iinfo(np.int32).max) if cap is None else cap - recruits

    def _take_room(
        self, joiners: np.ndarray, savings: np.ndarray, uplines: np.ndarray, room: np.ndarray
    ) -> np.ndarray:
        """Sign joiners (in order) under ``uplines`` while each upline has room; a joiner who
        cannot afford any level under its upline refuses for good. ``room`` is used up in
        place; returns the signed upline per joiner (-1: not signed)."""
        out = np.full(len(joiners), -1, dtype=np.int64)
        has = np.flatnonzero(uplines >= 0)
        if len(has) == 0:
            return out
        affordable = self.entry_levels(uplines[has], savings[has]) >= 0
        self.immune[joiners[has[~affordable]]] = True
        has = has[affordable]
        up = uplines[has]
        order = np.argsort(up, kind="stable")
        rank = np.empty(len(up), dtype=np.int64)
        rank[order] = group_cumsum(up[order], np.ones(len(up), dtype=np.int64)) - 1
        fits = rank < room[up]
        out[has[fits]] = up[fits]
        np.subtract.at(room, up[fits], 1)
        return out

    def _choose_recruiters(self, joiners: np.ndarray) -> np.ndarray:
        """For each joiner, a recruiting friend's store, drawn by trust (-1: none)."""
        m = len(joiners)
        out = np.full(m, -1, dtype=np.int64)
        node_store = self.consumers.store
        g = self.graph
        if g.complete:
            recruiters = np.flatnonzero(self.recruiter)
            pick = recruiters[self.rng.integers(0, len(recruiters), size=m)]
            return node_store[pick].astype(np.int64)
        group, entries = g.row_entries(joiners)
        friends = g.indices[entries]
        ok = self.recruiter[friends]
        trust = self.friendships.trust[entries[ok]].astype(np.float64)
        pick = pick_weighted(group[ok], trust, m, self.rng.random(m))
        has = pick >= 0
        out[has] = node_store[friends[ok][pick[has]]]
        return out

    def _senior_recruiters(self, joiners: np.ndarray, full: np.ndarray) -> np.ndarray:
        """For each joiner, the store of its recruiting friend who joined first, among the
        stores not ``full`` (-1: none)."""
        node_store = self.consumers.store.astype(np.int64)
        g = self.graph
        none = np.iinfo(np.int64).max
        if g.complete:
            recruiting = node_store[self.recruiter]
            recruiting = recruiting[~full[recruiting]]
            first = int(recruiting.min()) if len(recruiting) else -1
            return np.full(len(joiners), first, dtype=np.int64)
        group, entries = g.row_entries(joiners)
        friends = g.indices[entries]
        ok = self.recruiter[friends]
        ok[ok] = ~full[node_store[friends[ok]]]
        out = np.full(len(joiners), none, dtype=np.int64)
        np.minimum.at(out, group[ok], node_store[friends[ok]])  # store ids grow with joining
        out[out == none] = -1
        return out

    def can_recruit(self, stores: np.ndarray) -> np.ndarray:
        """Whether each agent may sign recruits: open, above the bottom level (unless
        ``bottom_level_can_recruit``) and under ``max_recruits``."""
        book = self.book
        p = self.params
        ok = book.is_open[stores].copy()
        if not p.bottom_level_can_recruit:
            ok &= book.level[stores] != len(p.levels) - 1
        if p.max_recruits is not None:
            ok &= book.recruits[stores] < p.max_recruits
        return ok

    def _refresh_recruiters(self, stores: np.ndarray) -> None:
        self._set_flags(
            "recruiters", self.recruiter, self.book.owner[stores], self.can_recruit(stores)
        )

    def _set_flags(
        self, name: str, flags: np.ndarray, nodes: np.ndarray, values: np.ndarray | bool
    ) -> None:
        """Set a tracked flag of ``nodes`` (distinct) and update the friend sums."""
        values = np.broadcast_to(np.asarray(values, dtype=bool), np.shape(nodes))
        change = flags[nodes] != values
        nodes, values = np.asarray(nodes)[change], values[change]
        if len(nodes) == 0:
            return
        flags[nodes] = values
        self.friendships.sums.switched(name, nodes[values], nodes[~values])

    def _draw_savings(self, count: int) -> np.ndarray:
        p = self.params
        mu, sd = p.savings_mean, p.savings_sd
        sigma2 = math.log1p((sd / mu) ** 2)
        return self.rng.lognormal(math.log(mu) - sigma2 / 2, math.sqrt(sigma2), size=count)

    def update_hype(self, day: int) -> None:
        """H ← H + η·(mean profit per day of agents in for 30 days or more − H)."""
        book = self.book
        ids = book.open_ids
        tenure = day - book.opened_day[ids]
        seasoned = ids[tenure >= 30]
        if len(seasoned) == 0:
            return
        prices = np.array([self.unit_price(k) for k in range(len(self.params.levels))])
        value = book.cash[seasoned] + book.inventory[seasoned] * prices[book.level[seasoned]]
        per_day = (value - book.savings_in[seasoned]) / (day - book.opened_day[seasoned])
        self.hype += self.params.hype_learning_rate * (float(per_day.mean()) - self.hype)

    def watch_collapse(self, day: int) -> None:
        book = self.book
        active = int(book.is_open[: book.size].sum())
        if active > self.peak:
            self.peak = active
            self.peak_day = day
            ids = book.open_ids
            self.peak_depth = int(book.generation[ids].max()) + 1 if len(ids) else 0
        if (
            self.collapse_day is None
            and self.peak >= 10
            and active <= self.params.collapse_threshold * self.peak
        ):
            self.collapse_day = day
            self.collapse_depth = self.peak_depth

    # ------------------------------------------------------------------ reads

    def participant_profit(self) -> np.ndarray:
        """Profit of everyone who ever joined: cash plus the stock still held, valued at the
        dumping price (what it would fetch), minus the money put in."""
        book = self.book
        dump_price = self.params.dump_price_share * self.market.params.channels.b2c2c.price
        return (
            book.column("cash") + book.column("inventory") * dump_price - book.column("savings_in")
        )

    def share_at_loss(self) -> float:
        """Share of everyone who ever joined whose profit is negative."""
        if self.book.size == 0:
            return 0.0
        return float(np.mean(self.participant_profit() < -1e-9))

    def measures(self) -> dict[str, float]:
        """Participants, stock and cash by level; flows of stock; losses (ODD 7.9)."""
        book = self.book
        is_open = book.column("is_open")
        level = book.column("level")
        inventory = book.column("inventory")
        cash = book.column("cash")
        out: dict[str, float] = {
            "participants": int(is_open.sum()),
            "participants_joined": self.joins,
            "participants_exited": self.exits,
            "pyramid_units_to_consumers": int(book.column("units_today").sum()),
            "pyramid_units_internal": self.units_internal,
            "pyramid_units_from_maker": self.units_from_maker,
            "pyramid_stock": int(inventory.sum()),
            "units_dumped": self.units_dumped,
            "units_bought_back": self.units_bought_back,
            "share_at_loss": self.share_at_loss(),
            "hype_profit_per_day": self.hype,
            "grey_market_pressure": self.grey_pressure,
        }
        for k, spec in enumerate(self.params.levels):
            here = is_open & (level == k)
            out[f"participants_{spec.name}"] = int(here.sum())
            out[f"stock_{spec.name}"] = int(inventory[here].sum())
            out[f"cash_{spec.name}"] = float(cash[here].sum())
        return out


def group_cumsum(group: np.ndarray, values: np.ndarray) -> np.ndarray:
    """Running sum of ``values`` within each run of equal ``group`` (sorted) values."""
    total = np.cumsum(values)
    if len(group) == 0:
        return total
    start = np.flatnonzero(np.r_[True, group[1:] != group[:-1]])
    before = np.repeat(total[start] - values[start], np.diff(np.r_[start, len(group)]))
    return total - before
