"""Unit tests of rebates and their caps (sim/rebates.py, MODEL.md M6)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.rebates import pay_rebates, rebate_rates
from sim.scenario import B2C2C


def test_single_level_rate() -> None:
    assert rebate_rates(B2C2C(rebate_rate=0.05)).tolist() == [0.05]


def test_levels_beyond_the_cap_are_not_paid() -> None:
    """An event may lower the cap below the configured levels: extra levels drop."""
    params = B2C2C(rebate_rate=0.05, upline_rebate_rates=[0.02, 0.01], max_rebate_levels=3)
    assert rebate_rates(params).tolist() == pytest.approx([0.05, 0.02, 0.01])
    lowered = params.model_copy(update={"max_rebate_levels": 2})
    assert rebate_rates(lowered).tolist() == pytest.approx([0.05, 0.02])


def test_total_cap_scales_all_rates() -> None:
    params = B2C2C(rebate_rate=0.2, upline_rebate_rates=[0.1], max_total_rebate_share=0.3)
    lowered = params.model_copy(update={"max_total_rebate_share": 0.15})
    rates = rebate_rates(lowered)
    assert rates.sum() == pytest.approx(0.15)
    assert rates[0] / rates[1] == pytest.approx(2.0)


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
