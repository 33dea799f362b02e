"""The run summary (sim/results.py: summarize) against the run's own daily records and ledger."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from sim.longtail import gini, top_share
from sim.results import store_rows, summarize


@pytest.fixture(scope="module")
def three_channels(shipped: Callable, run_model: Callable) -> tuple:
    model, frame = run_model(shipped("three_channels", "market.consumers=6000"), 120)
    return model, frame, summarize(model, {"run_seconds": 1.0})


def test_channel_totals_add_up_to_the_days(three_channels: tuple) -> None:
    _, frame, summary = three_channels
    channels = summary["channels"]
    total = sum(channels[ch]["units"] for ch in channels)
    assert total == frame["units_total"].sum() > 0
    for ch, entry in channels.items():
        assert entry["units"] == frame[f"units_{ch}"].sum()
        assert entry["unit_share"] == pytest.approx(entry["units"] / total)
        assert entry["consumer_revenue"] == pytest.approx(frame[f"revenue_{ch}"].sum())


def test_margins_follow_their_definitions(three_channels: tuple) -> None:
    model, _, summary = three_channels
    p = model.params_initial
    flows = model.ledger.flows_total
    cost = p.product.unit_cost
    b2c, b2c2c = summary["channels"]["b2c"], summary["channels"]["b2c2c"]
    assert b2c["maker_margin"] == pytest.approx(
        b2c["maker_revenue"] - cost * b2c["units"] - flows["logistics_b2c"] - flows["advertising"]
    )
    assert b2c2c["maker_margin"] == pytest.approx(
        b2c2c["maker_revenue"] - cost * b2c2c["units"] - flows["logistics_b2c2c"] - flows["rebates"]
    )
    assert b2c2c["rebate_cost"] == pytest.approx(
        p.channels.b2c2c.rebate_rate * 1000 * b2c2c["units"]
    )
    b2b2c = summary["channels"]["b2b2c"]
    assert b2b2c["maker_margin"] == pytest.approx(
        flows["wholesale"] - cost * b2b2c["units_sold_to_distributors"]
    )
    assert b2b2c["shelf_price"] == pytest.approx(742 * 1.05 * 1.07 * 1.2)


def test_profit_is_the_last_cumulative_profit(three_channels: tuple) -> None:
    _, frame, summary = three_channels
    assert summary["manufacturer"]["profit"] == pytest.approx(
        frame["manufacturer_profit_cumulative"].iloc[-1]
    )
    assert summary["manufacturer"]["cash"] == frame["manufacturer_cash"].iloc[-1]
    assert summary["manufacturer"]["identified_customers"] == frame["identified_customers"].iloc[-1]


def test_long_tail_statistics_are_those_of_the_store_table(three_channels: tuple) -> None:
    model, _, summary = three_channels
    header, rows = store_rows(model)
    units = np.array([row[header.index("units")] for row in rows], dtype=float)
    stores = summary["micro_stores"]
    assert stores["opened"] == len(rows) > 0
    assert stores["top20_share"] == pytest.approx(top_share(units, 0.2))
    assert stores["gini"] == pytest.approx(gini(units))


def test_bullwhip_ratios_are_order_variance_over_demand_variance(three_channels: tuple) -> None:
    model, frame, summary = three_channels
    warmup = max(t.forecast_window_days for t in model.params.channels.b2b2c.tiers)
    demand = frame["demand_retail"].to_numpy(dtype=float)[warmup:]
    for tier, ratio in summary["bullwhip_variance_ratio"].items():
        orders = frame[f"orders_{tier}"].to_numpy(dtype=float)[warmup:]
        assert ratio == pytest.approx(np.var(orders) / np.var(demand))
    assert (
        summary["channels"]["b2b2c"]["bullwhip_at_maker"]
        == (summary["bullwhip_variance_ratio"]["national"])
    )


def test_conservation_block_balances(three_channels: tuple) -> None:
    model, _, summary = three_channels
    c = summary["conservation"]
    backlog = model.supply.backlog_total()
    assert c["units_produced"] == c["units_sold"] - backlog + c["units_held"]
    assert abs(c["money_imbalance"]) < 1e-6


def test_pyramid_summary_matches_its_agents(shipped: Callable, run_model: Callable) -> None:
    model, frame = run_model(shipped("pyramid_unregulated", "market.consumers=5000"), 150)
    p = summarize(model, {})["pyramid"]
    book = model.stores
    assert p["participants_ever"] == len(book)
    assert p["stranded_stock"] == p["stock_held_end"] + p["units_dumped"]
    assert p["stock_held_end"] == book.column("inventory").sum()
    assert p["units_to_end_consumers"] == frame["units_b2c2c"].sum()
    assert p["share_at_loss"] == pytest.approx(np.mean(model.pyramid.participant_profit() < 0))
    assert sum(level["joined"] for level in p["by_level"].values()) == len(book)
    assert p["median_profit"] == pytest.approx(np.median(model.pyramid.participant_profit()))
