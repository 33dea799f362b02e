"""Unit tests of the stock-pressure pyramid's rules (sim/pyramid.py, M8).

Each test builds a small market whose pyramid starts empty (no founders, nobody recruits), then
places agents with ``Pyramid.join`` and applies one rule, checking stock, money and flags.
Store price 1,000; levels pay 50 %, 60 % and 80 % of it.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sim.accounting import LIQUIDATORS, PARTICIPANTS
from sim.market import DayCounters
from sim.model import ChannelModel
from sim.pyramid import Pyramid, group_cumsum
from sim.scenario import Scenario

LEVELS = [
    {"name": "top", "price_share": 0.5, "entry_units": 100, "entry_fee": 1000.0, "quota_units": 50},
    {"name": "mid", "price_share": 0.6, "entry_units": 20, "entry_fee": 200.0, "quota_units": 10},
    {"name": "low", "price_share": 0.8, "entry_units": 5, "quota_units": 2},
]


@pytest.fixture
def pyramid_market(make_scenario: Callable[..., Scenario]) -> Callable[..., ChannelModel]:
    def build(**stock_pressure: object) -> ChannelModel:
        scenario = make_scenario(
            market={"consumers": 200, "initial_aware_share": 1.0},
            graph={"type": "ring", "k": 4},
            spam={"enabled": False},
            manufacturer={"launch_demand_per_1000_per_day": 1000.0, "initial_stock_days": 10},
            channels={
                "b2b2c": {"enabled": False},
                "b2c": {"enabled": False},
                "b2c2c": {
                    "stock_pressure": {
                        "enabled": True,
                        "levels": LEVELS,
                        "max_levels": 3,
                        "start_day": 10_000,
                        "recruitment_rate_per_day": 0.0,
                        **stock_pressure,
                    }
                },
            },
        )
        return ChannelModel(scenario)

    return build


def agents(model: ChannelModel) -> Pyramid:
    assert model.pyramid is not None
    return model.pyramid


def join(model: ChannelModel, owner: int, upline: int, savings: float) -> int:
    """One consumer joins; returns its store id (-1 if it could not afford to)."""
    joined = agents(model).join(
        np.array([owner]), np.array([upline]), np.array([savings]), 0, DayCounters()
    )
    return int(model.consumers.store[owner]) if joined[0] else -1


def test_joining_buys_the_package_of_the_highest_affordable_level(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market()
    book, maker = model.stores, model.supply.maker
    stock = int(maker.on_hand[0])
    founder = join(model, 0, -1, 1e6)
    assert book.level[founder] == 0 and book.generation[founder] == 0
    assert book.inventory[founder] == 100 and maker.on_hand[0] == stock - 100
    assert book.cash[founder] == pytest.approx(1e6 - 1000 - 100 * 500)
    assert model.ledger.flows_total["entry_fees"] == 1000.0
    assert model.ledger.flows_total["revenue_b2c2c"] == 100 * 500.0
    # 5 000 cannot pay the mid level (200 + 20 × 600) but can pay the low one (5 × 800)
    low = join(model, 1, founder, 5000.0)
    assert book.level[low] == 2 and book.generation[low] == 1
    assert book.inventory[founder] == 95 and book.cash[founder] == pytest.approx(
        1e6 - 1000 - 50_000 + 5 * 800
    )
    assert book.recruits[founder] == 1
    assert join(model, 2, founder, 3000.0) == -1  # not even the bottom level: does not join
    assert model.consumers.store[2] == -1
    assert model.invariant_violations() == []


def test_an_upline_short_of_stock_restocks_up_the_chain(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market()
    book, pyramid = model.stores, agents(model)
    founder = join(model, 0, -1, 1e6)
    mid = join(model, 1, founder, 1e5)
    low = join(model, 2, mid, 1e5)
    assert book.inventory[mid] == 15  # 20 bought, 5 passed down
    founder_cash, mid_cash = book.cash[founder], book.cash[mid]
    from_maker = pyramid.units_from_maker_total
    ok = pyramid.supply(np.array([low]), np.array([40]), 1, DayCounters())
    assert ok.tolist() == [True]
    # mid held 15, bought the 25 missing from the founder (which had 80 left: no restock)
    assert book.inventory[low] == 45 and book.inventory[mid] == 0
    assert book.inventory[founder] == 80 - 25
    assert book.cash[mid] == pytest.approx(mid_cash + 40 * 800 - 25 * 600)
    assert book.cash[founder] == pytest.approx(founder_cash + 25 * 600)
    assert pyramid.units_from_maker_total == from_maker
    # a purchase bigger than the founder holds reaches the maker
    ok = pyramid.supply(np.array([mid]), np.array([100]), 1, DayCounters())
    assert ok.tolist() == [True]
    assert pyramid.units_from_maker_total == from_maker + 45
    assert model.invariant_violations() == []


def test_a_buyer_without_cash_or_supplier_gets_nothing(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market()
    book, pyramid = model.stores, agents(model)
    founder = join(model, 0, -1, 1e6)
    mid = join(model, 1, founder, 12_300.0)  # just the entry: 100 left
    before = (book.inventory[mid], book.cash[mid], book.cash[founder])
    assert pyramid.supply(np.array([mid]), np.array([1]), 1, DayCounters()).tolist() == [False]
    assert (book.inventory[mid], book.cash[mid], book.cash[founder]) == before
    rich = join(model, 2, founder, 1e5)
    model.stores.is_open[founder] = False  # the upline has left
    assert pyramid.supply(np.array([rich]), np.array([1]), 1, DayCounters()).tolist() == [False]


def test_missing_a_quota_exits_and_the_downline_follows_the_same_day(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market(quota_period_days=30)
    book, pyramid = model.stores, agents(model)
    founder = join(model, 0, -1, 51_000.0)  # entry only: no cash for its quota
    mid = join(model, 1, founder, 1e5)
    low = join(model, 2, mid, 1e4)
    book.next_quota_day[low] = 1000  # not due
    today = DayCounters()
    pyramid.quotas(30, today)
    assert not book.is_open[founder] and not book.is_open[mid]
    assert book.is_open[low]
    assert today.stores_closed == 2 and pyramid.exits == 2
    assert book.next_quota_day[mid] == 60
    assert model.invariant_violations() == []


def test_the_seventy_percent_rule_waives_the_quota_of_who_has_not_sold(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market(quota_period_days=30, seventy_percent_rule=True)
    book, pyramid = model.stores, agents(model)
    founder = join(model, 0, -1, 1e6)
    mid = join(model, 1, founder, 1e5)
    book.units_retail[founder] = 70  # sold 70 of the 100 it bought to end consumers
    pyramid.quotas(30, DayCounters())
    assert book.units_bought[founder] == 150  # bought its quota of 50
    assert book.units_bought[mid] == 20  # sold nothing: not made to buy
    assert book.is_open[mid]


def test_an_agent_who_exits_dumps_its_stock_and_its_friends_turn_against_the_brand(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market(dump_price_share=0.3, dump_attitude_drop=0.2)
    book, pyramid = model.stores, agents(model)
    founder = join(model, 10, -1, 1e6)
    friends = model.graph.neighbors(10)
    attitude = model.consumers.attitude[friends].copy()
    cash = book.cash[founder]
    pyramid.exit(np.array([founder]), 5, DayCounters())
    assert not book.is_open[founder] and book.inventory[founder] == 0
    assert book.cash[founder] == pytest.approx(cash + 100 * 0.3 * 1000)
    assert model.ledger.balances[LIQUIDATORS] == pytest.approx(-100 * 300.0)
    assert pyramid.units_dumped_total == 100
    assert pyramid.grey_pressure == pytest.approx(100 / 0.2)  # per 1,000 of 200 consumers
    assert model.consumers.attitude[friends] == pytest.approx(np.clip(attitude - 0.2, -1, 1))
    assert not pyramid.recruiter[10]
    assert pyramid.loser[10]  # 979,000 back of the 1,000,000 it put in
    assert model.invariant_violations() == []


def test_with_a_buyback_the_maker_takes_the_stock_back(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market(buyback_share=0.8)
    book, pyramid = model.stores, agents(model)
    founder = join(model, 0, -1, 1e6)
    mid = join(model, 1, founder, 20_000.0)
    stock = int(model.supply.maker.on_hand[0])
    pyramid.exit(np.array([mid]), 5, DayCounters())
    assert model.supply.maker.on_hand[0] == stock + 20
    assert book.cash[mid] == pytest.approx(20_000 - 200 - 20 * 600 + 20 * 600 * 0.8)
    assert model.ledger.flows_total["buyback"] == pytest.approx(20 * 600 * 0.8)
    assert pyramid.units_dumped_total == 0 and pyramid.grey_pressure == 0.0
    assert pyramid.loser[1]  # it got back less than it put in
    assert model.ledger.balances[PARTICIPANTS] == pytest.approx(book.column("cash").sum())
    assert model.invariant_violations() == []


def test_profit_counts_the_stock_held_at_the_dumping_price(
    pyramid_market: Callable[..., ChannelModel],
) -> None:
    model = pyramid_market(dump_price_share=0.3)
    pyramid = agents(model)
    founder = join(model, 0, -1, 1e6)
    mid = join(model, 1, founder, 20_000.0)
    profit = pyramid.participant_profit()
    assert profit[founder] == pytest.approx(-1000 - 100 * 500 + 20 * 600 + 200 + 80 * 300)
    assert profit[mid] == pytest.approx(-200 - 20 * 600 + 20 * 300)
    assert pyramid.share_at_loss() == 1.0


def test_group_cumsum() -> None:
    group = np.array([0, 0, 0, 3, 3, 7])
    values = np.array([1, 2, 3, 10, 20, 5])
    assert group_cumsum(group, values).tolist() == [1, 3, 6, 10, 30, 5]
    assert group_cumsum(np.zeros(0, int), np.zeros(0, int)).tolist() == []
