"""Unit tests of the B2B2C supply-chain rules (sim/supply_chain.py, M3)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario import Manufacturer, Tier
from sim.supply_chain import (
    StockPoint,
    SupplyChain,
    allocate,
    blended_demand,
    consumer_demand_by_node,
    order_quantity,
    order_up_to_level,
    serve_from_stock,
    tier_prices,
)


def test_order_up_to_level_formula() -> None:
    """S = L·μ̂ + z·√L·σ̂."""
    level = order_up_to_level(np.array([10.0]), np.array([2.0]), lead_time=4, safety_factor=1.5)
    assert level[0] == pytest.approx(4 * 10 + 1.5 * 2 * 2)


def test_order_quantity_rounds_up_and_never_negative() -> None:
    """Orders are the fewest whole units reaching S, and zero when IP already exceeds S."""
    q = order_quantity(np.array([10.2, 10.0, 3.0, 0.4]), np.array([5.0, 10.0, 8.0, 0.0]))
    assert q.tolist() == [6, 0, 0, 1]


def test_allocate_ships_everything_when_stock_suffices() -> None:
    shipped = allocate(np.array([3, 4, 0]), np.array([0, 0, 1]), np.array([10, 0]))
    assert shipped.tolist() == [3, 4, 0]


def test_allocate_rations_proportionally_and_exactly() -> None:
    """When short, exactly the stock on hand ships, split in proportion (largest remainder)."""
    requests = np.array([10, 20, 30, 5, 5])
    supplier = np.array([0, 0, 0, 1, 1])
    shipped = allocate(requests, supplier, np.array([30, 3]))
    assert shipped[:3].sum() == 30
    assert shipped[3:].sum() == 3
    assert shipped[:3].tolist() == [5, 10, 15]
    assert np.all(shipped <= requests)
    assert sorted(shipped[3:].tolist()) == [1, 2]


def test_serve_from_stock_lost_sales() -> None:
    """Requests beyond stock are not served; every request counts as demand."""
    point = StockPoint(2, lead_time=1, window=3, launch_forecast=np.zeros(2))
    point.on_hand[:] = [2, 0]
    served = serve_from_stock(point, np.array([0, 1, 0, 0]))
    assert served.tolist() == [True, False, True, False]
    assert point.on_hand.tolist() == [0, 0]
    assert point.demand_today.tolist() == [3, 1]
    assert point.sold_today.tolist() == [2, 0]


def test_serve_from_stock_backorders_are_delivered_first_on_receipt() -> None:
    """With backorders every request is sold; the shortfall is delivered when stock arrives."""
    point = StockPoint(1, lead_time=2, window=3, launch_forecast=np.zeros(1))
    point.on_hand[:] = [1]
    served = serve_from_stock(point, np.zeros(3, dtype=np.intp), backorder=True)
    assert served.all()
    assert point.backlog.tolist() == [2]
    point.send(day=5, units=np.array([5]))
    assert point.start_day(6) == 0  # not arrived yet
    delivered = point.start_day(7)
    assert delivered == 2
    assert point.on_hand.tolist() == [3]
    assert point.backlog.tolist() == [0]


def test_shipments_arrive_after_the_lead_time() -> None:
    """An order placed at the end of day t arrives at the start of day t + L."""
    point = StockPoint(1, lead_time=3, window=2, launch_forecast=np.zeros(1))
    point.send(day=10, units=np.array([7]))
    for day in (11, 12):
        point.start_day(day)
        assert point.on_hand[0] == 0
        assert point.in_transit[0] == 7
    point.start_day(13)
    assert point.on_hand[0] == 7
    assert point.in_transit[0] == 0


def test_forecast_is_a_moving_average() -> None:
    point = StockPoint(1, lead_time=1, window=3, launch_forecast=np.array([4.0]))
    for day, demand in enumerate([1, 2, 3, 10], start=1):
        point.demand_today[:] = demand
        mean, sd = point.forecast(day)
    assert mean[0] == pytest.approx((2 + 3 + 10) / 3)
    assert sd[0] == pytest.approx(np.std([2, 3, 10]))


def test_tier_prices_compound_markups() -> None:
    tiers = [Tier(name="a", markup=0.1), Tier(name="b", markup=0.5)]
    buy, sell = tier_prices(100.0, tiers)
    assert buy.tolist() == pytest.approx([100.0, 110.0])
    assert sell.tolist() == pytest.approx([110.0, 165.0])


def test_chain_backorders_between_tiers_and_conserves_units() -> None:
    """A short supplier leaves the rest owed; units are neither created nor lost."""
    tiers = [
        Tier(name="wholesale", markup=0.1, lead_time_days=1, initial_stock_days=0.0, serves=2),
        Tier(name="shop", markup=0.2, lead_time_days=1, initial_stock_days=0.0),
    ]
    maker = Manufacturer(initial_stock_days=0.0, production_lead_time_days=2)
    supplier = [np.zeros(1, dtype=np.intp), np.array([0, 0])]
    chain = SupplyChain(maker, 10.0, tiers, supplier, np.array([5.0, 5.0]))
    chain.initial_stock(tiers, maker)
    chain.maker.on_hand[0] = 4
    chain.produced_total = 4
    chain.start_day(1)
    chain.review(1, tiers, maker)
    shop_orders = chain.tiers[1].orders_today.sum()
    assert shop_orders > 0
    assert chain.tiers[1].owed.sum() == shop_orders  # the wholesaler had nothing to ship
    assert chain.tiers[0].owed.sum() + chain.tiers[0].in_transit.sum() > 0
    for day in range(2, 12):
        chain.start_day(day)
        chain.review(day, tiers, maker)
        assert chain.units_held() == chain.produced_total
        assert (chain.tiers[0].owed >= 0).all() and (chain.tiers[1].owed >= 0).all()


def test_blended_demand_is_the_weighted_mix() -> None:
    """x = w·C + (1 − w)·O: orders only at w = 0, consumer demand only at w = 1."""
    consumer, orders = np.array([10, 0, 4]), np.array([30, 8, 4])
    assert blended_demand(consumer, orders, 0.25).tolist() == pytest.approx([25.0, 6.0, 4.0])
    assert blended_demand(consumer, orders, 0.0).tolist() == orders.tolist()
    assert blended_demand(consumer, orders, 1.0).tolist() == consumer.tolist()


def test_consumer_demand_sums_the_retail_demand_below_each_node() -> None:
    """Retailers 0-3 → regionals [0, 0, 1, 1] → nationals [0, 1]: each national sees the
    demand of its own retailers; the regionals theirs."""
    supplier = [np.zeros(2, dtype=np.intp), np.array([0, 1]), np.array([0, 0, 1, 1])]
    retail = np.array([3, 5, 7, 11])
    assert consumer_demand_by_node(retail, supplier, [2, 2, 4], 0).tolist() == [8.0, 18.0]
    supplier[1] = np.array([0, 0])
    assert consumer_demand_by_node(retail, supplier, [1, 2, 4], 0).tolist() == [26.0]
    assert consumer_demand_by_node(retail, supplier, [1, 2, 4], 1).tolist() == [8.0, 18.0]


def _feedback_chain(
    feedback: dict[str, object] | None,
) -> tuple[SupplyChain, list[Tier], Manufacturer]:
    tiers = [
        Tier(name="wholesale", markup=0.1, lead_time_days=2, serves=2),
        Tier(name="shop", markup=0.2, lead_time_days=1),
    ]
    maker = Manufacturer(
        production_lead_time_days=3, **({} if feedback is None else {"c2b_feedback": feedback})
    )
    supplier = [np.zeros(1, dtype=np.intp), np.array([0, 0])]
    chain = SupplyChain(maker, 10.0, tiers, supplier, np.array([5.0, 5.0]))
    chain.initial_stock(tiers, maker)
    return chain, tiers, maker


def _run_chain(feedback: dict[str, object] | None, demand: list[int]) -> SupplyChain:
    chain, tiers, maker = _feedback_chain(feedback)
    shop = chain.tiers[1]
    for day, units in enumerate(demand, start=1):
        chain.start_day(day)
        serve_from_stock(shop, np.repeat([0, 1], [units, units]))
        chain.review(day, tiers, maker)
    return chain


def test_c2b_feedback_changes_only_the_first_tiers_and_the_makers_forecast_input() -> None:
    """With w = 1 the wholesaler and the maker record the shops' consumer demand as their
    forecast input, while the orders they measure are unchanged; w = 0 is the same run as
    no feedback."""
    demand = [5, 9, 2, 7, 12, 3, 6, 8]
    off = _run_chain(None, demand)
    zero = _run_chain({"enabled": True, "weight": 0.0}, demand)
    for a, b in zip([off.maker, *off.tiers], [zero.maker, *zero.tiers], strict=True):
        assert np.array_equal(a.history, b.history) and np.array_equal(a.owed, b.owed)
    full = _run_chain({"enabled": True, "weight": 1.0}, demand)
    last = len(demand) % full.tiers[0].window
    assert full.tiers[0].history[0, last] == 2 * demand[-1]
    assert full.maker.history[0, last] == 2 * demand[-1]
    assert full.tiers[0].demand_today[0] == full.tiers[1].orders_today.sum()
    assert full.tiers[1].history.tolist() == off.tiers[1].history.tolist()
    assert not np.array_equal(full.maker.history, off.maker.history)
