"""Stage 5: consumers in the market choose a channel and buy, stock permitting (M2, M4, M6).

Who shops: consumers whose need day has come; an unaware one (durables and consumables) or one
who waited ``patience_days`` buys elsewhere. The others, in a random order, see what is in reach
(:meth:`ShoppingStage.social_options`, :meth:`ShoppingStage.available`), choose by the logit of
:mod:`sim.choice`, and are served from the stock of their choice in shopper order; a shopper who
finds it out of stock chooses once more among what is left. A purchase is booked in money (the
ledger), units (the day's tallies) and the buyer's state (adoption, habits, attitude, next need).
"""

from __future__ import annotations

import numpy as np

from sim.accounting import CONSUMERS, LOGISTICS, MAKER, Ledger
from sim.audience import AudienceGraph
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
    ConsumerPopulation,
    next_need_days,
    raise_attitude,
    reinforce_habits,
)
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.scenario import Scenario
from sim.stores import SocialChannel, StoreBook
from sim.supply_chain import SupplyChain, serve_from_stock, tier_prices

CHANNEL_OF_ALTERNATIVE = {OFFLINE: "b2b2c", ONLINE: "b2c", SOCIAL: "b2c2c"}


def channel_offer(
    params: Scenario, outside_utility_shift: float, shelf_price: float | None = None
) -> ChannelOffer:
    """Today's prices by channel (offline: ``shelf_price``, by default the price after every
    tier's fixed markup).

    The outside option's utility is ``outside_option_utility`` plus ``outside_utility_shift``
    (competitors' entries, cheap dumped goods on a grey market); it is absent only when the
    scenario has none and nothing shifted it.
    """
    ch = params.channels
    if shelf_price is None:
        shelf_price = float(tier_prices(ch.b2b2c.wholesale_price, ch.b2b2c.tiers)[1][-1])
    outside = params.choice.outside_option_utility
    if outside is not None or outside_utility_shift:
        outside = (outside or 0.0) + outside_utility_shift
    return ChannelOffer(
        prices=np.array([shelf_price, ch.b2c.price, ch.b2c2c.price]),
        list_price=params.product.list_price,
        outside_utility=outside,
    )


def book_maker_sale(
    ledger: Ledger, today: DayCounters, params: Scenario, channel: str, units: int, price: float
) -> None:
    """Consumers pay the maker for ``units`` sent from its stock; it pays their delivery."""
    today.units_from_maker += units
    ledger.transfer(CONSUMERS, MAKER, price * units, f"revenue_{channel}")
    cost = getattr(params.channels, channel).logistics_cost_per_unit * units
    ledger.transfer(MAKER, LOGISTICS, cost, f"logistics_{channel}")


class ShoppingStage:
    """Stage 5: choice, service from stock, and booking of purchases."""

    def __init__(
        self,
        consumers: ConsumerPopulation,
        friendships: Friendships,
        audience: AudienceGraph,
        book: StoreBook,
        social: SocialChannel,
        supply: SupplyChain,
        market: MarketState,
        ledger: Ledger,
        rng: np.random.Generator,
    ) -> None:
        self.consumers = consumers
        self.friendships = friendships
        self.audience = audience
        self.book = book
        self.social = social
        self.supply = supply
        self.market = market
        self.ledger = ledger
        self.rng = rng
        self.demand_carry = 0.0  # fraction of a unit of linear demand not yet asked for

    def offer(self) -> ChannelOffer:
        """Today's prices and outside option, with the B2C2C channel's grey-market effect."""
        shift = self.market.outside_utility_shift + self.social.outside_utility()
        p = self.market.params
        shelf = float(self.supply.prices(p.channels.b2b2c)[1][-1]) if self.supply.tiers else None
        return channel_offer(p, shift, shelf)

    def run(self, day: int, today: DayCounters) -> None:
        p = self.market.params
        if p.channels.b2b2c.linear_demand is not None and self.supply.tiers:
            self.linear_demand(day, today)
            return
        c = self.consumers
        in_market = c.need_day <= day
        if p.product.kind != "one_time":
            elsewhere = np.flatnonzero(in_market & ~c.aware)
            self._buy_elsewhere(day, elsewhere, today)
        shoppers = np.flatnonzero(in_market & c.aware)
        waited = day - np.maximum(c.need_day[shoppers], c.aware_day[shoppers])
        impatient = waited >= p.consumers.patience_days
        self._buy_elsewhere(day, shoppers[impatient], today)
        shoppers = shoppers[~impatient]
        today.in_market = len(shoppers)
        if len(shoppers) == 0:
            return
        shoppers = shoppers[self.rng.permutation(len(shoppers))]
        store, trust = self.social_options(day, shoppers)
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
            avail = self.available(store[pending], offer) & ~excluded[pending]
            chosen = logit_choice(v[pending], avail, self.rng.random(len(pending)))
            served = self._serve(shoppers[pending], chosen, store[pending])
            done = served | (chosen == OUTSIDE)
            self._buy_elsewhere(day, shoppers[pending[chosen == OUTSIDE]], today)
            buy = pending[served]
            self._book_purchases(day, shoppers[buy], chosen[served], store[buy], offer, today)
            failed = ~done & (chosen >= 0)
            lost[pending[done]] = False
            lost[pending[failed]] = True
            excluded[pending[failed], chosen[failed]] = True
            pending = pending[failed]
            if len(pending) == 0:
                break
        today.lost_sales = int(lost.sum())

    def linear_demand(self, day: int, today: DayCounters) -> None:
        """The consumer market replaced by a linear demand at the shelf (M3b docking).

        Q = max(0, a − b·p) units a day at today's shelf price *p* (0 while B2B2C is closed);
        fractions carry over to the next day, so the units asked sum to ΣQ. They are split
        evenly among retailers (the remainder one each, starting at retailer ``day mod R``) and
        served from the shelves as consumers' purchases are.
        """
        d = self.market.params.channels.b2b2c.linear_demand
        assert d is not None
        retail = self.supply.tiers[-1]
        price = float(self.offer().prices[OFFLINE])
        wanted = max(0.0, d.intercept_per_day - d.slope_per_price * price)
        if not self.market.is_open("b2b2c"):
            wanted = 0.0
        self.demand_carry += wanted
        units = int(self.demand_carry)
        self.demand_carry -= units
        count = retail.count
        per = np.full(count, units // count, dtype=np.int64)
        per[(day + np.arange(units % count)) % count] += 1
        nodes = np.repeat(np.arange(count), per)
        backorder = self.market.params.channels.b2b2c.retail_stockouts == "backorder"
        served = serve_from_stock(retail, nodes, backorder=backorder)
        sold = int(served.sum())
        today.in_market = units
        today.units["b2b2c"] += sold
        today.lost_sales = units - sold
        self.market.units_sold_total += sold
        self.supply.book_retail_sales(nodes[served], price, self.ledger)

    def social_options(self, day: int, shoppers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each shopper, a micro-store it could buy from (-1: none) and its trust in the owner.

        Candidates: open stores that posted within ``memory_days`` of friends whom the shopper
        has not muted, of influencers it follows and of organisers of groups it is in (unless
        it left), and its own store with trust 1 where the channel lets owners buy from
        themselves; one is drawn with probability proportional to the shopper's trust.
        """
        m = len(shoppers)
        store = np.full(m, -1, dtype=np.int64)
        trust = np.zeros(m)
        stores = self.book
        params = self.market.params
        if not self.market.is_open("b2c2c") or stores.size == 0:
            return store, trust
        memory = params.channels.b2c2c.posting.memory_days
        live = stores.is_open[: stores.size] & (stores.last_post_day[: stores.size] >= day - memory)
        if not live.any():
            return store, trust
        node_store = self.consumers.store
        g = self.friendships.graph
        if g.complete:
            live_ids = np.flatnonzero(live)
            pick = live_ids[self.rng.integers(0, len(live_ids), size=m)]
            own = node_store[shoppers]
            has_own = own >= 0
            has_own[has_own] = live[own[has_own]]
            if self.social.sells_to_owner:
                pick[has_own] = own[has_own]
                return pick.astype(np.int64), np.where(has_own, 1.0, params.trust.initial_mean)
            # an agent does not buy from itself: another live store, drawn uniformly
            again = np.flatnonzero(has_own & (pick == own))
            if len(live_ids) > 1:
                r = self.rng.integers(0, len(live_ids) - 1, size=len(again))
                r += r >= np.searchsorted(live_ids, own[again])
                pick[again] = live_ids[r]
            else:
                pick[again] = -1
            return pick.astype(np.int64), np.where(pick >= 0, params.trust.initial_mean, 0.0)
        group, entries = g.row_entries(shoppers)
        friend_store = node_store[g.indices[entries]]
        ok = friend_store >= 0
        ok[ok] = live[friend_store[ok]]
        if params.spam.enabled:
            ok &= ~self.friendships.muted[entries]
        cand_group = group[ok]
        cand_store = friend_store[ok]
        cand_trust = self.friendships.trust[entries[ok]].astype(np.float64)
        extra_group, extra_store, extra_trust = [], [], []
        if self.audience.ties:
            a = self.audience
            group_a, ties = a.entries_to(shoppers)
            poster_store = node_store[a.poster[ties]]
            ok = (poster_store >= 0) & ~a.muted[ties]
            ok[ok] = live[poster_store[ok]]
            extra_group.append(group_a[ok])
            extra_store.append(poster_store[ok])
            extra_trust.append(a.trust[ties[ok]].astype(np.float64))
        own = node_store[shoppers]
        own_ok = own >= 0
        own_ok[own_ok] = live[own[own_ok]]
        if not self.social.sells_to_owner:
            own_ok[:] = False
        if own_ok.any():
            extra_group.append(np.flatnonzero(own_ok))
            extra_store.append(own[own_ok])
            extra_trust.append(np.ones(int(own_ok.sum())))
        if any(len(x) for x in extra_group):
            cand_group = np.concatenate([cand_group, *extra_group])
            cand_store = np.concatenate([cand_store, *extra_store])
            cand_trust = np.concatenate([cand_trust, *extra_trust])
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

    def available(self, store: np.ndarray, offer: ChannelOffer) -> np.ndarray:
        """Channels in reach of each shopper: open, and for B2C2C a candidate store.

        Stock is not checked here: a shopper who picks a channel that turns out to be out of
        stock is a lost sale for it (and its demand is recorded), then tries once more.
        """
        market = self.market
        avail = np.zeros((len(store), 4), dtype=bool)
        avail[:, OFFLINE] = bool(self.supply.tiers) and market.is_open("b2b2c")
        avail[:, ONLINE] = market.is_open("b2c")
        avail[:, SOCIAL] = (store >= 0) & market.is_open("b2c2c")
        avail[:, OUTSIDE] = offer.outside_utility is not None
        return avail

    def _serve(self, shoppers: np.ndarray, chosen: np.ndarray, store: np.ndarray) -> np.ndarray:
        """Allocate stock to this round's choices in shopper order; returns the served mask.

        Offline choices draw on the retailer of the shopper's region; online choices on the
        maker's finished goods, and so do micro-store choices unless the stores hold stock of
        their own (pyramid agents), which then serve them.
        """
        served = np.zeros(len(shoppers), dtype=bool)
        if self.social.holds_stock:
            social = np.flatnonzero(chosen == SOCIAL)
            if len(social):
                served[social] = self.social.serve(store[social])
            chosen = np.where(chosen == SOCIAL, -1, chosen)
        off = np.flatnonzero(chosen == OFFLINE)
        if len(off):
            served[off] = serve_from_stock(
                self.supply.tiers[-1],
                self.consumers.region[shoppers[off]],
                backorder=self.market.params.channels.b2b2c.retail_stockouts == "backorder",
            )
        direct = np.flatnonzero((chosen == ONLINE) | (chosen == SOCIAL))
        if len(direct):
            served[direct] = serve_from_stock(
                self.supply.maker, np.zeros(len(direct), dtype=np.intp)
            )
        return served

    def _buy_elsewhere(self, day: int, who: np.ndarray, today: DayCounters) -> None:
        """Consumers who satisfy their need outside the brand: their next need is drawn."""
        if len(who) == 0:
            return
        self.consumers.need_day[who] = next_need_days(self.market.params, day, len(who), self.rng)
        today.bought_elsewhere += len(who)

    def _book_purchases(
        self,
        day: int,
        buyers: np.ndarray,
        chosen: np.ndarray,
        store: np.ndarray,
        offer: ChannelOffer,
        today: DayCounters,
    ) -> None:
        """Units, money, rebates and consumer state for served purchases (one unit each)."""
        if len(buyers) == 0:
            return
        p = self.market.params
        c = self.consumers
        for alt, channel in CHANNEL_OF_ALTERNATIVE.items():
            mask = chosen == alt
            k = int(mask.sum())
            if k == 0:
                continue
            today.units[channel] += k
            price = float(offer.prices[alt])
            if alt == OFFLINE:
                self.supply.book_retail_sales(c.region[buyers[mask]], price, self.ledger)
            elif alt == SOCIAL:
                self.social.book_sales(day, store[mask], price, today)
            else:
                book_maker_sale(self.ledger, today, p, channel, k, price)
        self.market.units_sold_total += len(buyers)
        first = np.unique(buyers[~c.adopted[buyers]])
        c.adopted[first] = True
        c.adoption_day[first] = day
        self.friendships.sums.switched("adopters", first)
        c.purchases[buyers] += 1
        c.identified[buyers[chosen != OFFLINE]] = True
        reinforce_habits(c.habit, buyers, chosen, p.consumers.habit_learning_rate)
        raise_attitude(c.attitude, buyers, p.consumers.satisfaction_gain)
        raise_attitude(c.baseline_attitude, buyers, p.consumers.satisfaction_gain)
        c.need_day[buyers] = next_need_days(p, day, len(buyers), self.rng)
