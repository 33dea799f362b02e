"""Unit tests of micro-store opening, kinds, closing and the store book (M5)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.consumers import EMPLOYEE, ORDINARY
from sim.microstores import keeps_store_value, opening_hazard, update_income_ewma
from sim.scenario import B2C2C
from sim.stores import (
    EMPLOYEE_KIND,
    FAN_KIND,
    INFLUENCER_KIND,
    OPPORTUNIST_KIND,
    StoreBook,
    store_kinds,
)


def test_opening_hazard_terms() -> None:
    """λ = r_emp·[emp] + r_id·max(0,(a−θ)/(1−θ)) + r_int·σ((Ê−c)/s) + r_rec·f."""
    params = B2C2C.model_validate(
        {
            "rebate_rate": 0.1,
            "price": 100.0,
            "opening": {
                "employee_rate_per_day": 0.5,
                "identity_rate_per_day": 0.2,
                "interest_rate_per_day": 0.1,
                "recruitment_rate_per_day": 0.04,
                "fan_attitude_threshold": 0.5,
                "effort_cost_per_day": 5.0,
                "income_scale_per_day": 2.0,
            },
        }
    )
    hazard = opening_hazard(
        params,
        segment=np.array([EMPLOYEE, ORDINARY, ORDINARY]),
        attitude=np.array([0.0, 1.0, 0.0]),
        degree=np.array([0, 0, 10]),
        friend_store_share=np.array([0.0, 0.0, 0.5]),
        units_per_friend_per_day=0.005,
    )
    sigma = lambda x: 1 / (1 + np.exp(-x))  # noqa: E731
    assert hazard[0] == pytest.approx(0.5 + 0.1 * sigma(-2.5))
    assert hazard[1] == pytest.approx(0.2 + 0.1 * sigma(-2.5))
    # expected income 0.1·100·10·0.005 = 0.5 a day against an effort of 5
    assert hazard[2] == pytest.approx(0.1 * sigma((0.5 - 5) / 2) + 0.04 * 0.5)


def test_store_kind_precedence() -> None:
    params = B2C2C()
    kinds = store_kinds(
        segment=np.array([EMPLOYEE, ORDINARY, ORDINARY, ORDINARY]),
        attitude=np.array([0.9, 0.9, 0.9, 0.0]),
        degree=np.array([500, 500, 3, 3]),
        params=params,
        influencer_degree=100.0,
    )
    assert kinds.tolist() == [EMPLOYEE_KIND, INFLUENCER_KIND, FAN_KIND, OPPORTUNIST_KIND]


def test_keeping_value() -> None:
    params = B2C2C.model_validate(
        {
            "opening": {"effort_cost_per_day": 7.0},
            "closing": {"identity_value_per_day": 4.0, "employee_value_per_day": 3.0},
        }
    )
    value = keeps_store_value(
        params,
        np.array([1.0, 1.0, 8.0]),
        np.array([0.5, -0.5, 0.0]),
        np.array([True, False, False]),
    )
    assert value.tolist() == pytest.approx([1 + 2 + 3 - 7, 1 - 7, 1.0])


def test_store_book_grows_and_keeps_columns() -> None:
    book = StoreBook(capacity=2)
    first = book.add(np.array([5, 6, 7]), np.array([1, 2, 3]), np.array([-1, 0, 1]), day=3)
    second = book.add(np.array([9]), np.array([0]), np.array([2]), day=4)
    assert first.tolist() == [0, 1, 2] and second.tolist() == [3]
    assert len(book) == 4
    assert book.column("owner").tolist() == [5, 6, 7, 9]
    assert book.column("upline").tolist() == [-1, 0, 1, 2]
    assert book.column("opened_day").tolist() == [3, 3, 3, 4]
    assert book.open_ids.tolist() == [0, 1, 2, 3]


def test_income_ewma() -> None:
    book = StoreBook()
    book.add(np.array([0, 1]), np.array([0, 0]), np.array([-1, -1]), day=1)
    book.is_open[1] = False
    book.income_today[:2] = [10.0, 10.0]
    update_income_ewma(book, span_days=5)
    assert book.column("income_ewma").tolist() == pytest.approx([2.0, 0.0])
    book.start_day()
    assert book.column("income_today").tolist() == [0.0, 0.0]
