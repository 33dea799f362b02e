"""Unit tests of the double-entry ledger and the maker's accrual profit (sim/accounting.py)."""

from __future__ import annotations

import math

import pytest

from sim.accounting import (
    CONSUMERS,
    LOGISTICS,
    MAKER,
    PARTICIPANTS,
    STORE_OWNERS,
    Ledger,
    ProfitAndLoss,
    distributor_account,
)


def test_a_transfer_moves_money_from_one_account_to_another() -> None:
    ledger = Ledger()
    ledger.transfer(CONSUMERS, MAKER, 900.0, "revenue_b2c")
    ledger.transfer(MAKER, LOGISTICS, 20.0, "logistics_b2c")
    assert ledger.balances[CONSUMERS] == -900.0
    assert ledger.balances[MAKER] == 880.0
    assert ledger.balances[LOGISTICS] == 20.0
    assert ledger.imbalance() == 0.0
    assert ledger.flows_today == {"revenue_b2c": 900.0, "logistics_b2c": 20.0}
    assert ledger.scale() == 920.0


@pytest.mark.parametrize("amount", [-1.0, math.nan, math.inf])
def test_negative_or_non_finite_amounts_are_refused(amount: float) -> None:
    with pytest.raises(ValueError, match="invalid transfer amount"):
        Ledger().transfer(CONSUMERS, MAKER, amount, "revenue_b2c")


def test_flows_of_the_day_restart_and_totals_accumulate() -> None:
    ledger = Ledger()
    ledger.transfer(CONSUMERS, MAKER, 5.0, "revenue_b2c")
    ledger.start_day()
    ledger.transfer(CONSUMERS, MAKER, 7.0, "revenue_b2c")
    ledger.transfer(CONSUMERS, MAKER, 0.0, "revenue_b2c2c")  # zero moves nothing
    assert ledger.flows_today == {"revenue_b2c": 7.0}
    assert ledger.flows_total["revenue_b2c"] == 12.0
    assert ledger.balances[MAKER] == 12.0


def test_many_transfers_keep_the_balances_summing_to_zero() -> None:
    ledger = Ledger()
    accounts = [CONSUMERS, MAKER, STORE_OWNERS, PARTICIPANTS, distributor_account("retailer")]
    for k in range(1000):
        ledger.transfer(accounts[k % 5], accounts[(3 * k + 1) % 5], 0.1 * (k % 17) + 1e-3, "x")
    assert abs(ledger.imbalance()) < 1e-9 * ledger.scale()


def test_the_day_profit_is_revenue_less_goods_at_cost_and_the_channels_costs() -> None:
    """Wholesale 7,420 + direct 1,800 + stores 3,000 and fees 100, 15 units out and 2 back at
    650, logistics 100, advertising 30, rebates 150, buy-backs 80."""
    flows = {
        "wholesale": 7420.0,
        "revenue_b2c": 1800.0,
        "revenue_b2c2c": 3000.0,
        "entry_fees": 100.0,
        "logistics_b2c": 40.0,
        "logistics_b2c2c": 60.0,
        "advertising": 30.0,
        "rebates": 150.0,
        "buyback": 80.0,
    }
    accounts = ProfitAndLoss(opening_profit=1000.0)
    day = accounts.close_day(flows, units_from_maker=15, units_returned=2, unit_cost=650.0)
    assert day.maker_revenue == {"b2b2c": 7420.0, "b2c": 1800.0, "b2c2c": 3100.0}
    assert day.cost_of_goods_sold == 13 * 650.0
    assert day.cost_logistics == 100.0
    expected = 7420 + 1800 + 3100 - 13 * 650 - 100 - 30 - 150 - 80
    assert day.profit == pytest.approx(expected)
    assert day.profit_cumulative == pytest.approx(1000.0 + expected)
    again = accounts.close_day(flows, units_from_maker=0, units_returned=0, unit_cost=650.0)
    assert again.profit_cumulative == pytest.approx(1000.0 + expected + again.profit)


def test_a_day_without_flows_has_no_profit() -> None:
    from collections import defaultdict

    accounts = ProfitAndLoss(opening_profit=0.0)
    day = accounts.close_day(defaultdict(float), 0, 0, 650.0)
    assert day.profit == 0.0 and accounts.cumulative == 0.0
