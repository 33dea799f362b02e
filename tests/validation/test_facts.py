"""Documented facts the default scenarios must reproduce (docs/CALIBRATION.md, one test a row).

Each test runs a shipped scenario through the model (at a smaller market where the fact does
not depend on size) and compares the outcome with the documented value's target range.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sim.consumers import EMPLOYEE
from sim.longtail import fit_power_law
from sim.results import summarize
from sim.stores import OPPORTUNIST_KIND


@pytest.fixture(scope="module")
def three_channels(shipped: Callable, run_model: Callable) -> list:
    """The three-channel market at 30,000 consumers for a year, two seeds."""
    return [
        run_model(shipped("three_channels", "market.consumers=30000", seed=s))[0] for s in (0, 1)
    ]


def test_about_two_percent_of_consumers_run_a_store(three_channels: list) -> None:
    """[CIS2015]: about 12.6 million micro-business sellers in 2015, ≈ 2 % of social-app users.
    Target: 1–4 % of consumers running an open store at the end of the year."""
    for model in three_channels:
        share = model.stores.column("is_open").sum() / model.graph.n
        assert 0.01 <= share <= 0.04


def test_store_sales_are_heavy_tailed_among_sellers(three_channels: list) -> None:
    """Store sales among stores that sold are heavy-tailed: the top 20 % of sellers sell more
    than half the units, the Gini is at least 0.4, and the tail's power-law exponent lies in
    1.5–3.5 [ClausetShaliziNewman2009]."""
    for model in three_channels:
        units = model.stores.column("units")
        tail = summarize(model, {})["micro_stores"]
        assert tail["top20_share_sellers"] > 0.5
        assert tail["gini_sellers"] >= 0.4
        fit = fit_power_law(units[units > 0])
        assert fit is not None and 1.5 <= fit.alpha <= 3.5


def test_more_than_half_of_employees_open_a_store_within_weeks(
    shipped: Callable, run_model: Callable
) -> None:
    """[Suning2015]: more than half of the staff opened a store in the first weeks of an
    employee-only beta. Target: > 50 % of employees by day 35 of the employee-first rollout."""
    model, _ = run_model(shipped("employee_first_rollout", "market.consumers=30000"), 35)
    employees = model.consumers.segment == EMPLOYEE
    assert (model.consumers.store[employees] >= 0).mean() > 0.5
    assert (model.consumers.store[~employees] >= 0).sum() == 0  # the public waits for day 60


def test_the_unregulated_pyramid_leaves_the_large_majority_at_a_loss(
    shipped: Callable, run_model: Callable
) -> None:
    """[Taylor2011]: about 99 % of participants lost money across 350 compensation plans.
    Target: at least 90 % of everyone who ever joined ends at a loss; the pyramid collapses."""
    for seed in (0, 1):
        model, _ = run_model(shipped("pyramid_unregulated", seed=seed))
        pyramid = summarize(model, {})["pyramid"]
        assert pyramid["share_at_loss"] >= 0.9
        assert pyramid["collapse_day"] is not None


def test_the_pyramid_is_at_most_nine_generations_deep(
    shipped: Callable, run_model: Callable
) -> None:
    """[Reingewertz2021]: in equilibrium a multi-level marketing tree has at most 6–9 levels."""
    model, _ = run_model(shipped("pyramid_unregulated", seed=0))
    assert int(model.stores.column("generation").max()) + 1 <= 9


def test_stores_and_their_sales_rise_with_the_rebate(
    shipped: Callable, run_model: Callable
) -> None:
    """[ZTE2014]: interest (the rebate) is one of the two motives for opening a store; with no
    rebate only identity opens stores. Stores opened and B2C2C units rise from 0 % to 30 %."""
    runs = {}
    for rate in (0.0, 0.3):
        scenario = shipped(
            "three_channels", "market.consumers=30000", f"channels.b2c2c.rebate_rate={rate}"
        )
        runs[rate] = summarize(run_model(scenario)[0], {})
    low, high = runs[0.0], runs[0.3]
    assert high["micro_stores"]["opened"] > 1.2 * low["micro_stores"]["opened"]
    assert high["channels"]["b2c2c"]["units"] > 1.5 * low["channels"]["b2c2c"]["units"]


def test_without_a_rebate_only_fans_and_employees_open_stores(
    shipped: Callable, run_model: Callable
) -> None:
    """Stores opened with no rebate are the identity motive's alone: no opportunist (an owner
    neither employee nor fan when it opened) runs one."""
    model, _ = run_model(
        shipped("three_channels", "market.consumers=20000", "channels.b2c2c.rebate_rate=0"), 120
    )
    kinds = model.stores.column("kind")
    assert len(kinds) > 50
    assert not (kinds == OPPORTUNIST_KIND).any()
