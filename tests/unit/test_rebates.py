"""Unit tests of rebates and their caps (sim/rebates.py, M6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from sim.loading import load_scenario
from sim.rebates import pay_rebates, rebate_rates
from sim.scenario import B2C2C
from sim.validation import ScenarioError


def test_single_level_rate() -> None:
    assert rebate_rates(B2C2C(rebate_rate=0.05)).tolist() == [0.05]


def test_upline_rates_follow_the_own_rate() -> None:
    params = B2C2C(rebate_rate=0.05, upline_rebate_rates=[0.02, 0.01], max_rebate_levels=3)
    assert rebate_rates(params).tolist() == pytest.approx([0.05, 0.02, 0.01])


def test_multi_level_chain_pays_each_upline_and_skips_closed_ones() -> None:
    """Chain 3 → 2 → 1 → 0 with store 1 closed.

    A sale of 100 at store 3 pays 3 its own 10 %, its upline 2 the level-1 5 %, and nothing at
    level 2 because store 1 is closed. A sale of 50 at store 2 pays 2 its 5, store 1 nothing
    (closed, level 1) and store 0 the level-2 2 % = 1.
    """
    upline = np.array([-1, 0, 1, 2])
    is_open = np.array([True, False, True, True])
    rates = np.array([0.1, 0.05, 0.02])
    payee, amount = pay_rebates(np.array([3, 2]), np.array([100.0, 50.0]), upline, is_open, rates)
    pairs = sorted(zip(payee.tolist(), np.round(amount, 9).tolist(), strict=True))
    assert pairs == [(0, 1.0), (2, 5.0), (2, 5.0), (3, 10.0)]


def test_schema_rejects_levels_and_totals_above_caps() -> None:
    with pytest.raises(ValueError, match="max_rebate_levels"):
        B2C2C(upline_rebate_rates=[0.01, 0.01], max_rebate_levels=2)
    with pytest.raises(ValueError, match="max_total_rebate_share"):
        B2C2C(rebate_rate=0.25, upline_rebate_rates=[0.1])


def test_an_event_that_lowers_a_cap_below_the_rates_is_rejected(tmp_path: Path) -> None:
    """Caps are validated, not clamped: the event is refused at load with its line."""
    path = tmp_path / "tight.yaml"
    path.write_text(
        "channels:\n"
        "  b2c2c:\n"
        "    rebate_rate: 0.2\n"
        "events:\n"
        "  - day: 10\n"
        "    action: set\n"
        "    values: {channels.b2c2c.max_total_rebate_share: 0.1}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert "tight.yaml:7" in str(caught.value)
    assert "max_total_rebate_share" in str(caught.value)


def test_a_regulation_event_lowering_rate_and_cap_together_is_paid_from_its_day(
    shipped: Callable, run_model: Callable
) -> None:
    """Through the model: from day 60 stores earn 1 % instead of 10 %."""
    scenario = shipped(
        "b2c2c_only",
        "market.consumers=10000",
        "channels.b2c2c.rebate_rate=0.1",
        "events=[{day: 60, action: set, values: {channels.b2c2c.rebate_rate: 0.01, "
        "channels.b2c2c.max_total_rebate_share: 0.01}}]",
        days=120,
    )
    _, frame = run_model(scenario)
    price = scenario.channels.b2c2c.price
    day = frame.index + 1  # row k holds day k + 1
    before, after = frame[day < 60], frame[day >= 60]
    assert before["units_b2c2c"].sum() > 0 and after["units_b2c2c"].sum() > 0
    assert before["cost_rebates"].sum() == pytest.approx(0.1 * price * before["units_b2c2c"].sum())
    assert after["cost_rebates"].sum() == pytest.approx(0.01 * price * after["units_b2c2c"].sum())
