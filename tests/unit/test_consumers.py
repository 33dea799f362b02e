"""Unit tests of the columnar consumer population (sim/consumers.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.consumers import (
    EMPLOYEE,
    FAN,
    NEVER,
    ConsumerPopulation,
    initial_need_days,
    next_need_days,
    raise_attitude,
    reinforce_habits,
)
from sim.scenario import Scenario


def make(overrides: dict | None = None, n: int = 20_000) -> tuple[Scenario, ConsumerPopulation]:
    params = Scenario.model_validate({"market": {"consumers": n}, **(overrides or {})})
    pop = ConsumerPopulation.create(params, np.full(n, 4), np.random.default_rng(0))
    return params, pop


def test_segments_habits_and_awareness() -> None:
    params, pop = make({"market": {"employee_share": 0.01, "fan_share": 0.1}})
    assert (pop.segment == EMPLOYEE).sum() == 200
    assert (pop.segment == FAN).sum() == 2000
    assert np.allclose(pop.habit.sum(axis=1), 1.0, atol=1e-5)
    mean = params.consumers.habit_mean
    assert pop.habit.mean(axis=0) == pytest.approx(
        [mean.offline, mean.online, mean.social], abs=0.01
    )
    assert pop.aware[pop.segment != 0].all()
    assert not pop.aware[pop.segment == 0].any()
    assert pop.price_sensitivity.mean() == pytest.approx(1.0, abs=0.01)
    assert pop.attitude[pop.segment == FAN] == pytest.approx(0.8)


def test_need_days_by_product_kind() -> None:
    rng = np.random.default_rng(1)
    one_time, _ = make({"product": {"kind": "one_time"}}, n=10)
    assert (initial_need_days(one_time, 5, rng) == 0).all()
    assert (next_need_days(one_time, 3, 5, rng) == NEVER).all()
    durable, _ = make({"product": {"kind": "durable", "lifetime_days": 400}}, n=10)
    start = initial_need_days(durable, 50_000, rng)
    assert start.min() >= 1 and start.max() <= 400
    nxt = next_need_days(durable, 10, 50_000, rng)
    assert (nxt - 10).mean() == pytest.approx(400, rel=0.02)
    consumable, _ = make({"product": {"kind": "consumable", "repeat_interval_days": 20}}, n=10)
    assert (next_need_days(consumable, 0, 50_000, rng)).mean() == pytest.approx(20, rel=0.03)


def test_habits_move_toward_the_channel_used() -> None:
    habit = np.array([[0.6, 0.3, 0.1], [0.2, 0.2, 0.6]], dtype=np.float32)
    reinforce_habits(habit, np.array([0]), np.array([2]), 0.25)
    assert habit[0].tolist() == pytest.approx([0.45, 0.225, 0.325])
    assert habit[1].tolist() == pytest.approx([0.2, 0.2, 0.6])


def test_attitude_rises_toward_one() -> None:
    attitude = np.array([-0.5, 0.5], dtype=np.float32)
    raise_attitude(attitude, np.array([0, 1]), 0.1)
    assert attitude.tolist() == pytest.approx([-0.35, 0.55])


def test_view_is_readable() -> None:
    _, pop = make()
    view = pop.view(3)
    assert view.index == 3
    assert set(view.habit) == {"offline", "online", "social"}
    assert view.store is None and view.adoption_day is None
    with pytest.raises(IndexError):
        pop.view(pop.n)
