"""Stores: the columnar book of every B2C2C store, opening and closing rows, and the seams
through which the B2C2C channel plugs into the day.

Micro-stores (M5) and stock-pressure pyramid agents (M8) are rows of one :class:`StoreBook`
(their Mesa ``MicroStore`` agents are handles onto one row each), so that 20,000 stores step
without a Python loop per store. :class:`StoreRoster` opens and closes rows and keeps the
consumers' ``store`` column and the friend sums in step. :class:`SocialChannel` is what the day
asks of the B2C2C channel, in either of its two forms: micro-store 2.0
(:class:`sim.microstores.MicroStoreChannel`: the maker ships, owners earn rebates) or the
stock-pressure pyramid (:class:`sim.pyramid.Pyramid`: agents sell from their own stock).
"""

from __future__ import annotations

import math
from typing import ClassVar, Protocol

import numpy as np

from sim.audience import AudienceGraph
from sim.consumers import EMPLOYEE, ConsumerPopulation
from sim.friendships import Friendships
from sim.market import DayCounters, MarketState
from sim.scenario import B2C2C

EMPLOYEE_KIND, FAN_KIND, OPPORTUNIST_KIND, INFLUENCER_KIND, DISTRIBUTOR_KIND = 0, 1, 2, 3, 4
STORE_KINDS: tuple[str, ...] = ("employee", "fan", "opportunist", "influencer", "distributor")


class StoreBook:
    """Columnar state of every micro-store ever opened (closed ones are kept for history).

    Attributes:
        owner: int32, consumer node of the owner.
        kind: int8, index into STORE_KINDS.
        is_open: bool.
        opened_day, closed_day: int32 (closed_day -1 while open).
        upline: int32, store that recruited this one (-1: none; multi-level rebates).
        units: int64, units sold by the store itself.
        sales_value: float64, money consumers paid for those units.
        rebate_income: float64, rebates earned (own sales and downline).
        income_ewma: float64, exponentially weighted daily rebate income (span review_days).
        last_post_day: int32 (-1: never posted).
        posts_today: int32 (posts delivered today).
        posts_total: int64.
        policy: int8, index into ``posting.policies``.
        post_rate: float32, current mean posts per day (adaptive policies change it).
        quality: float32, share of useful posts; peak_share: float32.
        units_today: int32; banned: bool (closed by a platform crackdown).
        window_posts, window_units: int32, since the last adaptive review;
        last_review_day: int32; last_sales_per_post: float32 (NaN before the first review).
        team: int32, the team the store joined (-1: a lone store; ``channels.b2c2c.teams``).
        course_fee, mentor_fees: float64, the fee its owner paid for a mentor's course and
            the fees its owner earned as a mentor (``channels.b2c2c.mentors``).

    Stock-pressure agents (M8) also use: level (int8, price level), generation (int32,
    depth in the recruitment tree: founders 0), inventory (int64), cash
    (float64), savings_in (money put in), recruits (int32), units_bought, units_retail (sold to
    end consumers), units_downline (sold to recruits), units_dumped, units_bought_back,
    last_sale_day and next_quota_day (int32).
    """

    _COLUMNS: ClassVar[dict[str, tuple[type, int | float]]] = {
        "owner": (np.int32, -1),
        "kind": (np.int8, 0),
        "is_open": (np.bool_, False),
        "opened_day": (np.int32, -1),
        "closed_day": (np.int32, -1),
        "upline": (np.int32, -1),
        "units": (np.int64, 0),
        "sales_value": (np.float64, 0.0),
        "rebate_income": (np.float64, 0.0),
        "income_today": (np.float64, 0.0),
        "income_ewma": (np.float64, 0.0),
        "last_post_day": (np.int32, -1),
        "posts_today": (np.int32, 0),
        "posts_total": (np.int64, 0),
        "policy": (np.int8, 0),
        "post_rate": (np.float32, 0.0),
        "quality": (np.float32, 0.0),
        "peak_share": (np.float32, 0.0),
        "units_today": (np.int32, 0),
        "banned": (np.bool_, False),
        "window_posts": (np.int32, 0),
        "window_units": (np.int32, 0),
        "last_review_day": (np.int32, 0),
        "last_sales_per_post": (np.float32, np.nan),
        "team": (np.int32, -1),
        "course_fee": (np.float64, 0.0),
        "mentor_fees": (np.float64, 0.0),
        "level": (np.int8, 0),
        "generation": (np.int32, 0),
        "inventory": (np.int64, 0),
        "cash": (np.float64, 0.0),
        "savings_in": (np.float64, 0.0),
        "recruits": (np.int32, 0),
        "units_bought": (np.int64, 0),
        "units_retail": (np.int64, 0),
        "units_downline": (np.int64, 0),
        "units_dumped": (np.int64, 0),
        "units_bought_back": (np.int64, 0),
        "last_sale_day": (np.int32, 0),
        "next_quota_day": (np.int32, 0),
    }

    def __init__(self, capacity: int = 64) -> None:
        self.size = 0
        for name, (dtype, fill) in self._COLUMNS.items():
            setattr(self, name, np.full(capacity, fill, dtype=dtype))

    def __len__(self) -> int:
        return self.size

    def add(
        self, owners: np.ndarray, kinds: np.ndarray, uplines: np.ndarray, day: int
    ) -> np.ndarray:
        """Open new stores; returns their ids."""
        k = len(owners)
        need = self.size + k
        capacity = len(self.owner)
        if need > capacity:
            new_capacity = max(need, 2 * capacity)
            for name, (dtype, fill) in self._COLUMNS.items():
                old = getattr(self, name)
                grown = np.full(new_capacity, fill, dtype=dtype)
                grown[: self.size] = old[: self.size]
                setattr(self, name, grown)
        ids = np.arange(self.size, need, dtype=np.int32)
        self.owner[ids] = owners
        self.kind[ids] = kinds
        self.is_open[ids] = True
        self.opened_day[ids] = day
        self.upline[ids] = uplines
        self.size = need
        return ids

    def start_day(self) -> None:
        """Clear the day's counters."""
        for name in ("posts_today", "units_today", "income_today"):
            getattr(self, name)[: self.size] = 0

    def column(self, name: str) -> np.ndarray:
        """A view of one column trimmed to the stores that exist."""
        return getattr(self, name)[: self.size]

    @property
    def open_ids(self) -> np.ndarray:
        return np.flatnonzero(self.is_open[: self.size]).astype(np.int32)


def teamed(book: StoreBook, ids: np.ndarray) -> np.ndarray:
    """Whether each store's team has another open store: ``[team ≥ 0 ∧ n_open(team) ≥ 2]``.

    A team member whose teammates have all closed runs its store alone (``n_open``: the open
    stores of the team, itself included).
    """
    team = book.team[ids]
    member = team >= 0
    if not member.any():
        return member
    open_ids = book.open_ids
    open_team = book.team[open_ids]
    counts = np.bincount(open_team[open_team >= 0], minlength=int(team.max()) + 1)
    out = np.zeros(len(ids), dtype=bool)
    out[member] = counts[team[member]] >= 2
    return out


def top_stores(book: StoreBook, count: int) -> np.ndarray:
    """The ``count`` open stores with the most units sold so far (ties: lower id)."""
    ids = book.open_ids
    order = np.lexsort((ids, -book.units[ids]))
    return ids[order[:count]]


def store_kinds(
    segment: np.ndarray,
    attitude: np.ndarray,
    degree: np.ndarray,
    params: B2C2C,
    influencer_degree: float,
    followers: np.ndarray | None = None,
) -> np.ndarray:
    """Owner kind: employee, else influencer (followers beyond friends, or a degree in the top
    quantile), else fan, else opportunist."""
    kinds = np.full(len(segment), OPPORTUNIST_KIND, dtype=np.int8)
    kinds[attitude >= params.opening.fan_attitude_threshold] = FAN_KIND
    kinds[degree >= influencer_degree] = INFLUENCER_KIND
    if followers is not None:
        kinds[followers > 0] = INFLUENCER_KIND
    kinds[segment == EMPLOYEE] = EMPLOYEE_KIND
    return kinds


class InfluencerThreshold:
    """The degree at or above which an owner is an influencer: the live
    ``opening.influencer_degree_quantile`` of all degrees (computed once per quantile)."""

    def __init__(self, degree: np.ndarray) -> None:
        self.degree = degree
        self._by_quantile: dict[float, float] = {}

    def __call__(self, quantile: float) -> float:
        if quantile not in self._by_quantile:
            self._by_quantile[quantile] = (
                float(np.quantile(self.degree, quantile)) if len(self.degree) else math.inf
            )
        return self._by_quantile[quantile]


class StoreRoster:
    """Opens and closes rows of the store book (micro-stores and pyramid agents alike)."""

    def __init__(
        self,
        book: StoreBook,
        consumers: ConsumerPopulation,
        friendships: Friendships,
        audience: AudienceGraph,
        market: MarketState,
        rng: np.random.Generator,
    ) -> None:
        self.book = book
        self.consumers = consumers
        self.friendships = friendships
        self.audience = audience
        self.market = market
        self.rng = rng

    def open(
        self,
        owners: np.ndarray,
        kinds: np.ndarray,
        uplines: np.ndarray,
        day: int,
        today: DayCounters,
    ) -> np.ndarray:
        """Open stores for ``owners``; returns their ids.

        Each draws its posting policy by the policies' shares (M7).
        """
        book = self.book
        ids = book.add(owners, kinds, uplines, day)
        policies = self.market.params.channels.b2c2c.posting.policies
        shares = np.array([pol.share for pol in policies])
        policy = self.rng.choice(len(policies), size=len(ids), p=shares / shares.sum())
        book.policy[ids] = policy
        book.post_rate[ids] = np.array([pol.posts_per_day for pol in policies])[policy]
        book.last_review_day[ids] = day
        self.consumers.store[owners] = ids
        self.friendships.store_friendships += int(self.consumers.degree[owners].sum())
        self.audience.store_ties += len(self.audience.entries_of(owners)[1])
        self.friendships.sums.change_owners(owners, +1)
        today.stores_opened += len(owners)
        return ids

    def close(self, day: int, ids: np.ndarray, today: DayCounters, banned: bool = False) -> None:
        """Close stores (or agents leaving a pyramid); ``banned`` by a platform crackdown."""
        book = self.book
        book.is_open[ids] = False
        book.closed_day[ids] = day
        book.banned[ids] = banned
        self.friendships.sums.change_owners(book.owner[ids], -1)
        today.stores_closed += len(ids)
        if banned:
            today.stores_banned += len(ids)


class SocialChannel(Protocol):
    """What the day asks of the B2C2C channel (micro-stores or a stock-pressure pyramid).

    Attributes:
        holds_stock: Stores sell from their own stock (pyramid agents), not the maker's.
        sells_to_owner: An owner may buy from its own store.
        consumer_spend_flow: Ledger flow kind of consumers' spending at stores.
        units_dumped_total: Units dumped outside the market since day 0 (conservation).
    """

    holds_stock: bool
    sells_to_owner: bool
    consumer_spend_flow: str
    units_dumped_total: int

    def start_day(self) -> None:
        """Clear the day's counters."""

    def outside_utility(self) -> float:
        """What the channel adds to the outside option's utility today (grey markets)."""

    def serve(self, sellers: np.ndarray) -> np.ndarray:
        """Units requested from ``sellers`` (one per request, in order); returns served mask.

        Only called when ``holds_stock``; otherwise the maker's stock serves the channel.
        """

    def book_sales(self, day: int, sellers: np.ndarray, price: float, today: DayCounters) -> None:
        """Money and tallies of units sold through ``sellers`` at ``price`` each."""

    def lifecycle(self, day: int, today: DayCounters) -> None:
        """Stage 7: stores open and close (or the pyramid's daily rules)."""

    def units_held(self) -> int:
        """Units in the stores' own stock."""

    def units_returned_today(self) -> int:
        """Units returned to the maker today (buy-backs)."""

    def measures(self) -> dict[str, float]:
        """The channel's own daily measurements (none for micro-stores)."""
