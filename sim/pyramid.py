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
   upline has left (no supplier), exits.
3. **Giving up**: an agent that sold nothing, to consumers or recruits, for
   ``give_up_after_days`` exits.
4. **Exit**: the maker buys back the remaining stock at ``buyback_share`` of its price if it
   does so; otherwise the agent dumps it to liquidators at ``dump_price_share`` of the store
   price, its friends' attitude drops by ``dump_attitude_drop`` and the grey-market pressure *G*
   rises by the units dumped per 1,000 consumers (it decays by ``grey_market_decay_per_day`` and
   adds ``grey_market_utility``·*G* to the outside option). The agent's profit is its cash
   minus the money it put in; it may have lost money.
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
   friend who joined first signs the joiner instead.
6. **Hype**: H ← H + η·(m − H), with *m* the mean profit per day of agents in for 30 days or
   more (stock valued at what they paid) and η = ``hype_learning_rate``.
7. **Collapse**: the first day the active agents fall to ``collapse_threshold`` of their peak.

Buying from an upline: the buyer pays the upline its level's price per unit; an upline short of
stock first buys the shortfall from its own upline, up to the maker (all or nothing).
"""

from __future__ import annotations

import math

import numpy as np

from sim.accounting import CONSUMERS, LIQUIDATORS, MAKER, PARTICIPANTS, Ledger
from sim.choice import pick_weighted
from sim.consumers import ConsumerPopulation
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.posting import adapt_posting
from sim.scenario import StockPressure
from sim.stores import StoreBook, StoreRoster, store_kinds
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
        maker: StockPoint,
        market: MarketState,
        ledger: Ledger,
        influencer_degree: float,
        rng: np.random.Generator,
    ) -> None:
        self.book = book
        self.roster = roster
        self.consumers = consumers
        self.friendships = friendships
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

    def supply(self, store: int, units: int, day: int, today: DayCounters) -> bool:
        """Agent ``store`` obtains ``units`` from its supplier and pays for them.

        All or nothing: an upline short of stock first buys the shortfall from its own upline.
        """
        if units <= 0:
            return True
        book = self.book
        cost = units * self.unit_price(int(book.level[store]))
        if book.cash[store] < cost - 1e-9:
            return False
        up = int(book.upline[store])
        if up < 0:
            maker = self.maker
            maker.demand_today[0] += units
            if maker.on_hand[0] < units:
                return False
            maker.on_hand[0] -= units
            maker.sold_today[0] += units
            self.units_from_maker += units
            self.units_from_maker_total += units
            today.units_from_maker += units
            self.ledger.transfer(PARTICIPANTS, MAKER, cost, "revenue_b2c2c")
        else:
            if not book.is_open[up]:
                return False  # the upline has left: no supplier
            short = units - int(book.inventory[up])
            if short > 0 and not self.supply(up, short, day, today):
                return False
            book.inventory[up] -= units
            book.cash[up] += cost
            book.units_downline[up] += units
            book.last_sale_day[up] = day
            self.units_internal += units
            self.units_internal_total += units
        book.cash[store] -= cost
        book.inventory[store] += units
        book.units_bought[store] += units
        return True

    def pay_fee(self, store: int, fee: float) -> None:
        book = self.book
        if fee <= 0:
            return
        book.cash[store] -= fee
        up = int(book.upline[store])
        if up < 0:
            self.ledger.transfer(PARTICIPANTS, MAKER, fee, "entry_fees")
        else:
            book.cash[up] += fee

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
        for owner in chosen:
            self.join(int(owner), -1, self.params.founder_savings, day, today)

    def join(self, owner: int, upline: int, savings: float, day: int, today: DayCounters) -> bool:
        """Consumer ``owner`` joins under ``upline`` (-1: the maker) if it can afford it."""
        book = self.book
        p = self.params
        bottom = len(p.levels) - 1
        highest = 0 if upline < 0 else min(int(book.level[upline]) + 1, bottom)
        level = self.affordable_level(highest, savings)
        if level is None:
            return False
        spec = p.levels[level]
        c = self.consumers
        kind = store_kinds(
            c.segment[[owner]],
            c.attitude[[owner]],
            c.degree[[owner]],
            self.market.params.channels.b2c2c,
            self.influencer_degree,
        )
        store = int(self.roster.open(np.array([owner]), kind, np.array([upline]), day, today)[0])
        book.level[store] = level
        book.generation[store] = 0 if upline < 0 else int(book.generation[upline]) + 1
        book.savings_in[store] = savings
        book.cash[store] = savings
        book.last_sale_day[store] = day
        book.next_quota_day[store] = day + p.quota_period_days
        self.ledger.transfer(CONSUMERS, PARTICIPANTS, savings, "agents_savings")
        self.pay_fee(store, spec.entry_fee)
        # the chain may fail to deliver: the agent then stays, with its money and no stock yet
        self.supply(store, spec.entry_units, day, today)
        if upline >= 0:
            book.recruits[upline] += 1
            self._refresh_recruiter(np.array([upline]))
        self._refresh_recruiter(np.array([store]))
        self.joins += 1
        return True

    def affordable_level(self, highest: int, savings: float) -> int | None:
        """The highest level from ``highest`` down whose entry fee and package ``savings`` cover."""
        for level in range(highest, len(self.params.levels)):
            spec = self.params.levels[level]
            if savings >= spec.entry_fee + spec.entry_units * self.unit_price(level):
                return level
        return None

    def quotas(self, day: int, today: DayCounters) -> None:
        book = self.book
        p = self.params
        ids = book.open_ids
        due = ids[book.next_quota_day[ids] <= day]
        for store in due:
            store = int(store)
            book.next_quota_day[store] += p.quota_period_days
            if p.seventy_percent_rule:
                bought = int(book.units_bought[store])
                if book.units_retail[store] < p.seventy_percent_threshold * bought:
                    continue  # may not reorder: the quota is waived
            units = p.levels[int(book.level[store])].quota_units
            if not self.supply(store, units, day, today):
                self.exit(store, day, today)

    def give_up(self, day: int, today: DayCounters) -> None:
        book = self.book
        ids = book.open_ids
        idle = ids[day - book.last_sale_day[ids] >= self.params.give_up_after_days]
        for store in idle:
            self.exit(int(store), day, today)

    def exit(self, store: int, day: int, today: DayCounters) -> None:
        """Agent ``store`` leaves: buy-back or dumping of its stock, then its profit is settled."""
        book = self.book
        p = self.params
        if not book.is_open[store]:
            return
        units = int(book.inventory[store])
        if units > 0 and p.buyback_share > 0:
            refund = units * self.unit_price(int(book.level[store])) * p.buyback_share
            book.cash[store] += refund
            self.ledger.transfer(MAKER, PARTICIPANTS, refund, "buyback")
            self.maker.on_hand[0] += units
            book.units_bought_back[store] += units
            self.units_bought_back += units
            self.units_bought_back_total += units
        elif units > 0:
            proceeds = units * p.dump_price_share * self.market.params.channels.b2c2c.price
            book.cash[store] += proceeds
            self.ledger.transfer(LIQUIDATORS, PARTICIPANTS, proceeds, "dumping")
            book.units_dumped[store] += units
            self.units_dumped += units
            self.units_dumped_total += units
            self.grey_pressure += units / (self.graph.n / 1000.0)
            self._lower_friends_attitude(int(book.owner[store]), p.dump_attitude_drop)
        book.inventory[store] = 0
        lost = book.cash[store] < book.savings_in[store]
        self.roster.close(day, np.array([store]), today)
        owner = int(book.owner[store])
        self._set_flag("recruiters", self.recruiter, owner, False)
        if lost:
            self._set_flag("losers", self.loser, owner, True)
        self.exits += 1

    def _lower_friends_attitude(self, node: int, drop: float) -> None:
        """Every friend of ``node`` loses ``drop`` of attitude to the brand, and of its baseline."""
        c = self.consumers
        friends = self.graph.neighbors(node)
        for attitude in (c.attitude, c.baseline_attitude):
            attitude[friends] = np.clip(attitude[friends] - drop, -1.0, 1.0)

    def recruit(self, day: int, today: DayCounters) -> None:
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
        seniority = p.upline_choice == "seniority"
        uplines = (
            np.zeros(len(joiners), dtype=np.int64)
            if seniority
            else (self._choose_recruiters(joiners))
        )
        savings = self._draw_savings(len(joiners))
        for owner, up, money in zip(joiners, uplines, savings, strict=True):
            up = self._senior_recruiter(int(owner)) if seniority else int(up)
            if up < 0 or not self._can_recruit(up):
                continue
            if not self.join(int(owner), up, float(money), day, today):
                self.immune[owner] = True

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

    def _senior_recruiter(self, owner: int) -> int:
        """The recruiting friend of ``owner`` who joined first (-1: none)."""
        g = self.graph
        friends = (
            np.flatnonzero(self.recruiter)
            if g.complete
            else g.neighbors(owner)[self.recruiter[g.neighbors(owner)]]
        )
        friends = friends[friends != owner]
        if len(friends) == 0:
            return -1
        stores = self.consumers.store[friends]
        return int(stores.min())  # store ids grow with the joining order

    def _can_recruit(self, store: int) -> bool:
        book = self.book
        p = self.params
        if not book.is_open[store]:
            return False
        if int(book.level[store]) == len(p.levels) - 1 and not p.bottom_level_can_recruit:
            return False
        return p.max_recruits is None or int(book.recruits[store]) < p.max_recruits

    def _refresh_recruiter(self, stores: np.ndarray) -> None:
        book = self.book
        for store in stores:
            owner = int(book.owner[store])
            self._set_flag("recruiters", self.recruiter, owner, self._can_recruit(int(store)))

    def _set_flag(self, name: str, flags: np.ndarray, node: int, value: bool) -> None:
        if bool(flags[node]) == value:
            return
        flags[node] = value
        on = np.array([node]) if value else np.zeros(0, dtype=np.int64)
        off = np.zeros(0, dtype=np.int64) if value else np.array([node])
        self.friendships.sums.switched(name, on, off)

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

    def share_at_loss(self) -> float:
        """Share of everyone who ever joined whose cash plus stock (at the dumping price) is below
        the money it put in."""
        book = self.book
        if book.size == 0:
            return 0.0
        dump_price = self.params.dump_price_share * self.market.params.channels.b2c2c.price
        value = book.column("cash") + book.column("inventory") * dump_price
        return float(np.mean(value < book.column("savings_in") - 1e-9))

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
