"""Unit tests of micro-store opening, kinds, closing and the store book (M5)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.consumers import EMPLOYEE, ORDINARY
from sim.microstores import (
    consideration_hazard,
    expected_rebate_income,
    identity_value,
    store_value,
    update_income_ewma,
)
from sim.scenario import B2C2C
from sim.stores import (
    EMPLOYEE_KIND,
    FAN_KIND,
    INFLUENCER_KIND,
    OPPORTUNIST_KIND,
    StoreBook,
    store_kinds,
)


def test_consideration_hazard_terms() -> None:
    """h = h₀ (employees: h_emp) + h_f·f."""
    params = B2C2C.model_validate(
        {
            "opening": {
                "consideration_rate_per_day": 0.01,
                "employee_consideration_rate_per_day": 0.3,
                "store_friend_consideration_per_day": 0.2,
            }
        }
    )
    hazard = consideration_hazard(params, np.array([True, False, False]), np.array([0.0, 0.0, 0.5]))
    assert hazard.tolist() == pytest.approx([0.3, 0.01, 0.01 + 0.1])


def test_identity_value_of_fans_and_employees() -> None:
    """v_id·max(0, (a − θ)/(1 − θ)) + v_emp·[employee]."""
    params = B2C2C.model_validate(
        {
            "opening": {
                "fan_attitude_threshold": 0.5,
                "identity_value_per_day": 8.0,
                "employee_value_per_day": 3.0,
            }
        }
    )
    value = identity_value(
        params, np.array([1.0, 0.75, 0.2, 0.6]), np.array([False, False, False, True])
    )
    assert value.tolist() == pytest.approx([8.0, 4.0, 0.0, 8.0 * 0.2 + 3.0])


def test_expected_income_and_the_decision() -> None:
    """Ê = r·P·ĉ·A; open (or keep) when Ê + identity − time − social cost > 0."""
    params = B2C2C.model_validate({"rebate_rate": 0.1, "price": 100.0})
    income = expected_rebate_income(params, np.array([0.0, 50.0]), 0.01)
    assert income.tolist() == pytest.approx([0.0, 5.0])
    value = store_value(income, np.array([2.0, 0.0]), np.array([1.0, 3.0]), np.array([0.5, 1.0]))
    assert value.tolist() == pytest.approx([0.5, 1.0])
    without_rebate = expected_rebate_income(
        params.model_copy(update={"rebate_rate": 0.0}), np.array([50.0]), 0.01
    )
    assert without_rebate.tolist() == [0.0]  # with no rebate only identity can open a store


def test_store_kind_precedence() -> None:
    params = B2C2C()
    kinds = store_kinds(
        segment=np.array([EMPLOYEE, ORDINARY, ORDINARY, ORDINARY]),
        attitude=np.array([0.9, 0.9, 0.9, 0.0]),
        degree=np.array([500, 500, 3, 3]),
        params=params,
        influencer_degree=100.0,
        followers=np.array([0, 0, 0, 0]),
    )
    assert kinds.tolist() == [EMPLOYEE_KIND, INFLUENCER_KIND, FAN_KIND, OPPORTUNIST_KIND]
    followed = store_kinds(
        np.array([ORDINARY]), np.array([0.0]), np.array([3]), params, 100.0, np.array([60])
    )
    assert followed.tolist() == [INFLUENCER_KIND]  # followers beyond friends make an influencer


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
