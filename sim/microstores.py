"""B2C2C micro-stores: opening, posting, closing ("people are channels", MODEL.md M5).

Stores are kept as columns in a :class:`StoreBook` (the Mesa ``MicroStore`` agents are handles
onto one row each), so that 20,000 stores step without a Python loop per store.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from sim.consumers import EMPLOYEE
from sim.scenario import B2C2C

EMPLOYEE_KIND, FAN_KIND, OPPORTUNIST_KIND, INFLUENCER_KIND = 0, 1, 2, 3
STORE_KINDS: tuple[str, ...] = ("employee", "fan", "opportunist", "influencer")


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

    Stock-pressure agents (MODEL.md M8) also use: level (int8, price level), generation (int32,
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


def store_kinds(
    segment: np.ndarray,
    attitude: np.ndarray,
    degree: np.ndarray,
    params: B2C2C,
    influencer_degree: float,
) -> np.ndarray:
    """Owner kind: employee, else influencer (top degree quantile), else fan, else opportunist."""
    kinds = np.full(len(segment), OPPORTUNIST_KIND, dtype=np.int8)
    kinds[attitude >= params.opening.fan_attitude_threshold] = FAN_KIND
    kinds[degree >= influencer_degree] = INFLUENCER_KIND
    kinds[segment == EMPLOYEE] = EMPLOYEE_KIND
    return kinds


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
