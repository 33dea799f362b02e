"""B2C2C micro-stores ("people are channels", M5, M6): who opens a store, who closes it, and
what a sale through one pays.

In micro-store 2.0 [Suning2015] the owner holds no stock: the maker ships from its own finished
goods at the store price, pays the logistics and pays the owner (and, with multi-level rebates,
the owner's uplines) a rebate. :class:`MicroStoreChannel` is this form of the B2C2C channel
(:class:`sim.stores.SocialChannel`); its lifecycle (stage 7) updates what would-be owners expect
to earn, closes stores whose value no longer covers the effort, lets adaptive posters review
their rate and opens new stores.
"""

from __future__ import annotations

import numpy as np

from sim.accounting import MAKER, STORE_OWNERS, Ledger
from sim.choice import pick_weighted
from sim.consumers import EMPLOYEE, ConsumerPopulation
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.posting import adapt_posting
from sim.rebates import pay_rebates, rebate_rates
from sim.scenario import B2C2C
from sim.shopping import book_maker_sale
from sim.stores import InfluencerThreshold, StoreBook, StoreRoster, store_kinds


def opening_hazard(
    params: B2C2C,
    segment: np.ndarray,
    attitude: np.ndarray,
    degree: np.ndarray,
    friend_store_share: np.ndarray,
    units_per_friend_per_day: float,
) -> np.ndarray:
    """Daily hazard of opening a store for eligible consumers (identity plus interest).

    ``λ = r_emp·[employee] + r_id·max(0, (a − θ)/(1 − θ)) + r_int·σ((Ê − c)/s) + r_rec·f``,
    where *a* is attitude, θ the fan threshold, ``Ê = rebate_rate·price·k·ĉ`` the expected
    daily rebate income of an owner with *k* friends at ĉ units per friend per day, *c* the
    effort cost and *s* the income scale (σ the logistic function), and *f* the share of
    friends already running an open store (recruitment, "one becomes two").
    Probability of opening today: ``1 − exp(−λ)``.
    """
    o = params.opening
    identity = np.maximum(
        0.0, (attitude - o.fan_attitude_threshold) / (1 - o.fan_attitude_threshold)
    )
    expected_income = params.rebate_rate * params.price * degree * units_per_friend_per_day
    interest = 1.0 / (
        1.0 + np.exp(-(expected_income - o.effort_cost_per_day) / o.income_scale_per_day)
    )
    return (
        o.employee_rate_per_day * (segment == EMPLOYEE)
        + o.identity_rate_per_day * identity
        + o.interest_rate_per_day * interest
        + o.recruitment_rate_per_day * friend_store_share
    )


def keeps_store_value(
    params: B2C2C, income_ewma: np.ndarray, attitude: np.ndarray, is_employee: np.ndarray
) -> np.ndarray:
    """Daily value of keeping a store net of effort: ``Ī + v_id·max(0, a) + v_emp·[emp] − c``.

    An owner whose value is negative (after ``review_days``) closes with probability
    ``closing_rate_per_day`` each day.
    """
    c = params.closing
    return (
        income_ewma
        + c.identity_value_per_day * np.maximum(0.0, attitude)
        + c.employee_value_per_day * is_employee
        - params.opening.effort_cost_per_day
    )


def update_income_ewma(book: StoreBook, span_days: int) -> None:
    """``Ī ← Ī + (I_today − Ī)/span`` for open stores."""
    ids = book.open_ids
    ewma = book.income_ewma
    ewma[ids] += (book.income_today[ids] - ewma[ids]) / span_days


class MicroStoreChannel:
    """The B2C2C channel as stock-free micro-stores (a :class:`~sim.stores.SocialChannel`).

    Attributes:
        expected_units_per_friend_per_day: ĉ, what would-be owners believe a store sells per
            friend per day: starts at ``expected_units_per_friend_per_year``/365 and follows
            what open stores actually sell, ĉ ← ĉ + (u/R − ĉ)/30 (u: today's B2C2C units, R:
            friends of open stores' owners).
    """

    holds_stock = False
    sells_to_owner = True
    consumer_spend_flow = "revenue_b2c2c"
    units_dumped_total = 0

    def __init__(
        self,
        book: StoreBook,
        roster: StoreRoster,
        consumers: ConsumerPopulation,
        friendships: Friendships,
        market: MarketState,
        ledger: Ledger,
        influencer_degree: InfluencerThreshold,
        rng: np.random.Generator,
    ) -> None:
        self.book = book
        self.roster = roster
        self.consumers = consumers
        self.friendships = friendships
        self.market = market
        self.ledger = ledger
        self.influencer_degree = influencer_degree
        self.rng = rng
        opening = market.params.channels.b2c2c.opening
        self.expected_units_per_friend_per_day = opening.expected_units_per_friend_per_year / 365.0

    # ------------------------------------------------------------------ seams of the day

    def start_day(self) -> None:
        return None

    def outside_utility(self) -> float:
        return 0.0

    def serve(self, sellers: np.ndarray) -> np.ndarray:
        raise NotImplementedError("micro-stores hold no stock: the maker's stock serves them")

    def units_held(self) -> int:
        return 0

    def units_returned_today(self) -> int:
        return 0

    def measures(self) -> dict[str, float]:
        return {}

    def book_sales(self, day: int, sellers: np.ndarray, price: float, today: DayCounters) -> None:
        """The maker sells and ships; each selling store (and its uplines) earns its rebate."""
        params = self.market.params
        book_maker_sale(self.ledger, today, params, "b2c2c", len(sellers), price)
        book = self.book
        np.add.at(book.units, sellers, 1)
        np.add.at(book.units_today, sellers, 1)
        np.add.at(book.window_units, sellers, 1)
        np.add.at(book.sales_value, sellers, price)
        rates = rebate_rates(params.channels.b2c2c)
        payee, amount = pay_rebates(
            sellers, np.full(len(sellers), price), book.upline, book.is_open, rates
        )
        np.add.at(book.rebate_income, payee, amount)
        np.add.at(book.income_today, payee, amount)
        self.ledger.transfer(MAKER, STORE_OWNERS, float(amount.sum()), "rebates")

    # ------------------------------------------------------------------ stage 7

    def lifecycle(self, day: int, today: DayCounters) -> None:
        """Expected sales per friend, closing, posting reviews, opening (ODD 7.7)."""
        b2c2c = self.market.params.channels.b2c2c
        if not b2c2c.enabled:
            return
        book = self.book
        c = self.consumers
        reach = float(c.degree[book.owner[book.open_ids]].sum()) if book.size else 0.0
        if reach > 0:
            observed = today.units["b2c2c"] / reach
            self.expected_units_per_friend_per_day += (
                observed - self.expected_units_per_friend_per_day
            ) / 30.0
        if book.size:
            update_income_ewma(book, b2c2c.closing.review_days)
            ids = book.open_ids
            old = ids[day - book.opened_day[ids] >= b2c2c.closing.review_days]
            if len(old):
                owners = book.owner[old]
                value = keeps_store_value(
                    b2c2c,
                    book.income_ewma[old],
                    c.attitude[owners],
                    c.segment[owners] == EMPLOYEE,
                )
                quitting = old[
                    (value < 0) & (self.rng.random(len(old)) < b2c2c.closing.closing_rate_per_day)
                ]
                self.roster.close(day, quitting, today)
            adapt_posting(book, self.market, day)
        if not self.market.is_open("b2c2c"):
            return
        self._open_stores(day, today)

    def _open_stores(self, day: int, today: DayCounters) -> None:
        p = self.market.params.channels.b2c2c
        c = self.consumers
        eligible = c.aware & (c.store < 0)
        employees_ok = day >= p.rollout.employees_from_day
        public_from = self.market.public_from_day
        public_ok = public_from is not None and day >= public_from
        is_emp = c.segment == EMPLOYEE
        eligible &= np.where(is_emp, employees_ok, public_ok)
        who = np.flatnonzero(eligible)
        if len(who) == 0:
            return
        share = self.friendships.sums.store_friend_share(who)
        hazard = opening_hazard(
            p,
            c.segment[who],
            c.attitude[who],
            c.degree[who],
            share,
            self.expected_units_per_friend_per_day,
        )
        new = who[self.rng.random(len(who)) < -np.expm1(-hazard)]
        if len(new) == 0:
            return
        threshold = self.influencer_degree(p.opening.influencer_degree_quantile)
        kinds = store_kinds(c.segment[new], c.attitude[new], c.degree[new], p, threshold)
        uplines = self._choose_uplines(new) if p.upline_rebate_rates else np.full(len(new), -1)
        self.roster.open(new, kinds, uplines, day, today)

    def _choose_uplines(self, new_owners: np.ndarray) -> np.ndarray:
        """A new store's upline: an open store among the owner's friends, drawn by trust."""
        m = len(new_owners)
        uplines = np.full(m, -1, dtype=np.int32)
        open_ids = self.book.open_ids
        if len(open_ids) == 0:
            return uplines
        g = self.friendships.graph
        if g.complete:
            return open_ids[self.rng.integers(0, len(open_ids), size=m)].astype(np.int32)
        group, entries = g.row_entries(new_owners)
        friend_store = self.consumers.store[g.indices[entries]]
        ok = friend_store >= 0
        ok[ok] = self.book.is_open[friend_store[ok]]
        trust = self.friendships.trust[entries[ok]].astype(np.float64)
        pick = pick_weighted(group[ok], trust, m, self.rng.random(m))
        has = pick >= 0
        uplines[has] = friend_store[ok][pick[has]]
        return uplines
