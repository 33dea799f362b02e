"""Unit tests of the entry threshold for public micro-stores (ODD 7.7, step 5)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.microstores import certification_fee_per_day, passes_certification
from sim.scenario import B2C2C


def _params(**certification: object) -> B2C2C:
    return B2C2C.model_validate(
        {"certification": {"enabled": True, **certification}, "closing": {"review_days": 50}}
    )


def test_certification_is_off_by_default() -> None:
    params = B2C2C()
    assert not params.certification.enabled
    is_emp = np.array([False, True])
    assert passes_certification(params, np.array([0.0, 0.0]), is_emp).tolist() == [True, True]
    assert certification_fee_per_day(params, is_emp).tolist() == [0.0, 0.0]


def test_audience_threshold_admits_the_public_at_or_above_it_and_every_employee() -> None:
    """[employee] ∨ A ≥ A_min."""
    params = _params(min_audience=10.0)
    audience = np.array([3.0, 9.99, 10.0, 40.0, 3.0, 0.0])
    is_emp = np.array([False, False, False, False, True, True])
    passed = passes_certification(params, audience, is_emp)
    assert passed.tolist() == [False, False, True, True, True, True]


def test_fee_is_spread_over_the_review_days_and_employees_are_exempt() -> None:
    """φ·[public]/T with T = closing.review_days."""
    params = _params(fee=100.0)
    per_day = certification_fee_per_day(params, np.array([False, True, False]))
    assert per_day.tolist() == pytest.approx([2.0, 0.0, 2.0])


def test_a_disabled_certification_ignores_its_threshold_and_fee() -> None:
    params = B2C2C.model_validate(
        {"certification": {"enabled": False, "min_audience": 1e9, "fee": 1e6}}
    )
    is_emp = np.array([False, False])
    assert passes_certification(params, np.array([0.0, 1.0]), is_emp).all()
    assert not certification_fee_per_day(params, is_emp).any()


def test_negative_thresholds_are_rejected() -> None:
    with pytest.raises(ValueError):
        B2C2C.model_validate({"certification": {"min_audience": -1.0}})
    with pytest.raises(ValueError):
        B2C2C.model_validate({"certification": {"fee": -5.0}})
