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

from sim.accounting import CONSUMERS, MAKER, MENTORS, STORE_OWNERS, Ledger
from sim.audience import AudienceGraph
from sim.choice import pick_weighted
from sim.consumers import EMPLOYEE, ConsumerPopulation
from sim.friendships import Friendships
from sim.graph.compiled import compile_kernel
from sim.market import DayCounters, MarketState
from sim.posting import adapt_posting
from sim.rebates import pay_rebates, rebate_rates
from sim.scenario import B2C2C
from sim.shopping import book_maker_sale
from sim.stores import (
    DISTRIBUTOR_KIND,
    InfluencerThreshold,
    StoreBook,
    StoreRoster,
    store_kinds,
    teamed,
    top_stores,
)


def consideration_hazard(
    params: B2C2C, is_employee: np.ndarray, store_friend_share: np.ndarray
) -> np.ndarray:
    """Daily hazard that an eligible consumer weighs opening a store.

    ``h = h₀ + h_emp·[employee] + h_f·f``, with h₀ = ``consideration_rate_per_day``,
    h_emp = ``employee_consideration_rate_per_day`` − h₀ (employees weigh it at their own rate)
    and *f* the share of the consumer's friends running an open store (h_f =
    ``store_friend_consideration_per_day``): seeing friends run stores prompts the thought.
    """
    o = params.opening
    base = np.where(
        is_employee, o.employee_consideration_rate_per_day, o.consideration_rate_per_day
    )
    return base + o.store_friend_consideration_per_day * store_friend_share


def _weighing_hazard(
    aware: np.ndarray,
    store: np.ndarray,
    elsewhere: np.ndarray,
    use_elsewhere: bool,
    segment: np.ndarray,
    employee: int,
    employees_ok: bool,
    public_ok: bool,
    store_friends: np.ndarray,
    degree: np.ndarray,
    employee_rate: float,
    rate: float,
    store_friend_rate: float,
) -> tuple[np.ndarray, np.ndarray]:
    """The consumers eligible to weigh a store today, ascending, and their
    :func:`consideration_hazard` (the same arithmetic) in one pass: aware, without a store (of
    this brand or, with ``use_elsewhere``, another), employees once their rollout day has come
    and the public once theirs has."""
    n = len(aware)
    who = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):  # without branches: the flags are unpredictable
        emp = segment[i] == employee
        who[k] = i
        k += (
            aware[i]
            & (store[i] < 0)
            & (not (use_elsewhere and elsewhere[i]))
            & ((emp & employees_ok) | ((not emp) & public_ok))
        )
    hazard = np.empty(k, dtype=np.float64)
    for x in range(k):
        i = who[x]
        d = degree[i]
        share = store_friends[i] / d if d > 0 else 0.0
        base = employee_rate if segment[i] == employee else rate
        hazard[x] = base + store_friend_rate * share
    return who[:k].copy(), hazard


def identity_value(params: B2C2C, attitude: np.ndarray, is_employee: np.ndarray) -> np.ndarray:
    """Daily value of endorsing the brand: ``v_id·max(0, (a − θ)/(1 − θ)) + v_emp·[employee]``.

    *a* is the owner's attitude to the brand (it moves: purchases raise it, spam and dumping
    lower it), θ = ``fan_attitude_threshold``.
    """
    o = params.opening
    fan = np.maximum(0.0, (attitude - o.fan_attitude_threshold) / (1 - o.fan_attitude_threshold))
    return o.identity_value_per_day * fan + o.employee_value_per_day * is_employee


def expected_rebate_income(
    params: B2C2C, audience_trust: np.ndarray, units_per_audience_per_day: float
) -> np.ndarray:
    """Expected daily rebate of a prospective store: ``Ê = r₀·P·ĉ·A``.

    *A* is the trust its audience has in the owner (Σ over friends, and followers and group
    members, of their trust), ĉ the units stores are seen to sell per unit of audience trust
    per day, r₀ the own rebate rate and *P* the store price.
    """
    return params.rebate_rate * params.price * units_per_audience_per_day * audience_trust


def store_value(
    income: np.ndarray, identity: np.ndarray, time_cost: np.ndarray, social_cost: np.ndarray
) -> np.ndarray:
    """Daily value of running a store: ``V = income + identity − time cost − social cost``.

    Before opening *income* is the expected rebate Ê; after ``review_days`` it is the store's
    own income average Ī. A consumer who weighs opening opens if V > 0; an owner whose V < 0
    closes with probability ``closing_rate_per_day`` a day.
    """
    return income + identity - time_cost - social_cost


def certification_fee_per_day(params: B2C2C, is_employee: np.ndarray) -> np.ndarray:
    """Daily cost of the entry fee in the decision to open: ``φ·[public]/T``.

    φ = ``certification.fee``, T = ``closing.review_days`` (the days before an owner first
    judges its store by its own income: the horizon over which a would-be owner expects the
    store to pay back the fee). Employees are exempt (0); 0 for everyone when certification is
    off.
    """
    cert = params.certification
    if not cert.enabled:
        return np.zeros(len(is_employee))
    return np.where(is_employee, 0.0, cert.fee / params.closing.review_days)


def passes_certification(
    params: B2C2C, audience_trust: np.ndarray, is_employee: np.ndarray
) -> np.ndarray:
    """Who may open a store under the entry threshold: ``[employee] ∨ A ≥ A_min``.

    *A* is the audience trust of the would-be owner (:meth:`MicroStoreChannel.audience_trust`,
    the reach its expected rebate rests on) and A_min = ``certification.min_audience``.
    Everyone passes when certification is off.
    """
    cert = params.certification
    if not cert.enabled:
        return np.ones(len(is_employee), dtype=bool)
    return is_employee | (audience_trust >= cert.min_audience)


def team_time_cost(params: B2C2C, time_cost: np.ndarray, in_team: np.ndarray) -> np.ndarray:
    """Time cost of running a store, shared in a team: ``c·(1 − σ·[team])``.

    σ = ``teams.time_cost_saving``: team members share the work of finding content and
    posting. ``in_team`` is whether the would-be owner is offered a team (decision to open) or
    the owner's team has another open store (decision to close). Unchanged when teams are off.
    """
    teams = params.teams
    if not teams.enabled:
        return time_cost
    return time_cost * (1.0 - teams.time_cost_saving * in_team)


def assign_teams(joined_before: int, joining: int, size: int) -> np.ndarray:
    """Team ids of ``joining`` new team members: ``team = ⌊(n + j)/k⌋``, j = 0 … m − 1.

    *n* = ``joined_before`` members joined any team before them and *k* = ``size``: members
    fill one team in the order they open (ties in the order of the day's openers) before the
    next is started, so teams 0, 1, … take k stores each.
    """
    return ((joined_before + np.arange(joining)) // size).astype(np.int32)


def update_income_ewma(book: StoreBook, span_days: int) -> None:
    """``Ī ← Ī + (I_today − Ī)/span`` for open stores."""
    ids = book.open_ids
    ewma = book.income_ewma
    ewma[ids] += (book.income_today[ids] - ewma[ids]) / span_days


class MicroStoreChannel:
    """The B2C2C channel as stock-free micro-stores (a :class:`~sim.stores.SocialChannel`).

    Attributes:
        expected_units_per_audience_per_day: ĉ, what would-be owners believe a store sells per
            unit of its audience's trust per day: starts at
            ``expected_units_per_audience_per_year``/365 and follows what open stores sell,
            ĉ ← ĉ + (u/R − ĉ)/30 (u: today's B2C2C units, R: the open stores' audience trust).
        team_members_joined: stores that have joined a team since day 0 (``teams``).
        mentor_stores: the day's mentors (``mentors``); the fees are the store book's
            ``mentor_fees`` (earned) and ``course_fee`` (paid) columns.
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
        audience: AudienceGraph,
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
        self.market = market
        self.ledger = ledger
        self.influencer_degree = influencer_degree
        self.rng = rng
        opening = market.params.channels.b2c2c.opening
        self.expected_units_per_audience_per_day = (
            opening.expected_units_per_audience_per_year / 365.0
        )
        self.team_members_joined = 0
        self.mentor_stores = np.zeros(0, dtype=np.int64)
        """The day's mentors: the best-selling open stores (``mentors``)."""

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
        """What stores sell per audience, closing, posting reviews, opening (ODD 7.7)."""
        b2c2c = self.market.params.channels.b2c2c
        if not b2c2c.enabled:
            return
        book = self.book
        c = self.consumers
        ids = book.open_ids
        reach = float(self.audience_trust(book.owner[ids]).sum()) if len(ids) else 0.0
        if reach > 0:
            observed = today.units["b2c2c"] / reach
            self.expected_units_per_audience_per_day += (
                observed - self.expected_units_per_audience_per_day
            ) / 30.0
        if book.size:
            update_income_ewma(book, b2c2c.closing.review_days)
            old = ids[day - book.opened_day[ids] >= b2c2c.closing.review_days]
            old = old[book.kind[old] != DISTRIBUTOR_KIND]  # they decide for all their brands
            if len(old):
                owners = book.owner[old]
                time_cost = c.time_cost[owners]
                if b2c2c.teams.enabled:
                    time_cost = team_time_cost(b2c2c, time_cost, teamed(book, old))
                value = store_value(
                    book.income_ewma[old],
                    identity_value(b2c2c, c.attitude[owners], c.segment[owners] == EMPLOYEE),
                    time_cost,
                    c.social_cost[owners],
                )
                quitting = old[
                    (value < 0) & (self.rng.random(len(old)) < b2c2c.closing.closing_rate_per_day)
                ]
                self.roster.close(day, quitting, today)
            adapt_posting(book, self.market, day)
        if not self.market.is_open("b2c2c"):
            return
        self._open_stores(day, today)

    def audience_trust(self, owners: np.ndarray) -> np.ndarray:
        """The trust each owner's audience has in it: Σ of the trust of its friends, and of its
        followers and group members who have not left."""
        return self.friendships.trust_in_owners(owners)[0] + self.audience.trust_in(owners)

    def _open_stores(self, day: int, today: DayCounters) -> None:
        """Eligible consumers weigh opening (at the consideration hazard); those for whom
        running a store has a positive value open one."""
        p = self.market.params.channels.b2c2c
        c = self.consumers
        employees_ok = day >= p.rollout.employees_from_day
        public_from = self.market.public_from_day
        public_ok = public_from is not None and day >= public_from
        sums = self.friendships.sums
        if sums.compiled:
            elsewhere = c.selling_elsewhere
            who, hazard = compile_kernel(_weighing_hazard)(
                c.aware,
                c.store,
                elsewhere if elsewhere is not None else c.aware,
                elsewhere is not None,
                c.segment,
                EMPLOYEE,
                employees_ok,
                public_ok,
                sums.store_friends,
                self.friendships.graph.degree,
                p.opening.employee_consideration_rate_per_day,
                p.opening.consideration_rate_per_day,
                p.opening.store_friend_consideration_per_day,
            )
        else:
            eligible = c.aware & (c.store < 0)
            if c.selling_elsewhere is not None:
                eligible &= ~c.selling_elsewhere
            is_emp = c.segment == EMPLOYEE
            eligible &= np.where(is_emp, employees_ok, public_ok)
            who = np.flatnonzero(eligible)
            if len(who):
                share = sums.store_friend_share(who)
                hazard = consideration_hazard(p, is_emp[who], share)
        if len(who) == 0:
            return
        weighing = who[self.rng.random(len(who)) < -np.expm1(-hazard)]
        emp = c.segment[weighing] == EMPLOYEE
        if len(weighing) == 0:
            return
        reach = self.audience_trust(weighing)
        income = expected_rebate_income(p, reach, self.expected_units_per_audience_per_day)
        time_cost = c.time_cost[weighing]
        offered = None
        if p.teams.enabled:
            offered = self.rng.random(len(weighing)) < p.teams.share
            time_cost = team_time_cost(p, time_cost, offered)
        value = store_value(
            income,
            identity_value(p, c.attitude[weighing], emp),
            time_cost,
            c.social_cost[weighing],
        )
        pitched = self._pitch(weighing)
        if pitched is not None:
            gain = income * (p.mentors.income_promise - 1.0) - p.mentors.fee / p.closing.review_days
            pitched &= gain > 0  # the course is bought where the promise outweighs the fee
            value = value + pitched * gain
        if p.certification.enabled:
            value = value - certification_fee_per_day(p, emp)
            opens = (value > 0) & passes_certification(p, reach, emp)
            new = weighing[opens]
            fees = p.certification.fee * float(np.count_nonzero(~emp[opens]))
            self.ledger.transfer(CONSUMERS, MAKER, fees, "entry_fees")
        else:
            opens = value > 0
            new = weighing[opens]
        if len(new) == 0:
            return
        threshold = self.influencer_degree(p.opening.influencer_degree_quantile)
        kinds = store_kinds(
            c.segment[new],
            c.attitude[new],
            c.degree[new],
            p,
            threshold,
            self.audience.followers[new],
        )
        uplines = self._choose_uplines(new) if p.upline_rebate_rates else np.full(len(new), -1)
        ids = self.roster.open(new, kinds, uplines, day, today)
        if pitched is not None:
            self._enrol(ids[pitched[opens]])
        if offered is not None:
            joining = ids[offered[opens]]
            self.book.team[joining] = assign_teams(
                self.team_members_joined, len(joining), p.teams.size
            )
            self.team_members_joined += len(joining)

    def _pitch(self, weighing: np.ndarray) -> np.ndarray | None:
        """Who of the consumers weighing a store hears a mentor's pitch (None: no mentors)."""
        mentors = self.market.params.channels.b2c2c.mentors
        if not mentors.enabled:
            return None
        self.mentor_stores = top_stores(self.book, mentors.mentors)
        if len(self.mentor_stores) == 0:
            return None
        return self.rng.random(len(weighing)) < mentors.pitched_share

    def _enrol(self, trainees: np.ndarray) -> None:
        """New stores of trainees: each pays the fee to a mentor drawn uniformly."""
        if len(trainees) == 0:
            return
        fee = self.market.params.channels.b2c2c.mentors.fee
        mentor = self.mentor_stores[self.rng.integers(0, len(self.mentor_stores), len(trainees))]
        np.add.at(self.book.mentor_fees, mentor, fee)
        self.book.course_fee[trainees] = fee
        self.ledger.transfer(CONSUMERS, MENTORS, fee * len(trainees), "mentor_fees")

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
