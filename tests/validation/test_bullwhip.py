"""Validation of the B2B2C ordering rule against the bullwhip results (ODD section 1).

Chen, Drezner, Ryan & Simchi-Levi (2000): a stage that orders up to ``L·μ̂`` on a moving
average of ``n`` periods of i.i.d. demand has ``Var(orders)/Var(demand) = 1 + 2L/n + 2L²/n²``.
The supply chain of the model is driven here exactly as the model drives it (receive, sell,
review), with backordered demand as in Chen et al.; and in the full model the variance of orders
must grow tier by tier up the chain.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.model import ChannelModel
from sim.scenario import Manufacturer, Scenario, Tier
from sim.supply_chain import SupplyChain, serve_from_stock
from sim.theory import bullwhip_ratio


def simulate_chain(
    lead_time: int, window: int, tiers: int, days: int = 20_000, seed: int = 3
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Daily i.i.d. Normal(100, 10) demand at the retailer of a chain with ample supply."""
    rng = np.random.default_rng(seed)
    tier_params = [
        Tier(
            name=f"tier{k}",
            markup=0.1,
            lead_time_days=lead_time,
            forecast_window_days=window,
            safety_factor=0.0,
            initial_stock_days=lead_time + 2,
            serves=1,
        )
        for k in range(tiers)
    ]
    maker = Manufacturer(initial_stock_days=1.0e9, launch_demand_per_1000_per_day=100.0)
    supplier = [np.zeros(1, dtype=np.intp) for _ in range(tiers)]
    chain = SupplyChain(maker, 100.0, tier_params, supplier, np.array([100.0]))
    chain.initial_stock(tier_params, maker)
    demand = np.maximum(0, np.rint(rng.normal(100.0, 10.0, size=days))).astype(np.int64)
    orders = [np.zeros(days) for _ in range(tiers)]
    for day in range(1, days + 1):
        chain.start_day(day)
        serve_from_stock(chain.tiers[-1], np.zeros(demand[day - 1], dtype=np.intp), backorder=True)
        chain.review(day, tier_params, maker)
        for k in range(tiers):
            orders[k][day - 1] = chain.tiers[k].orders_today[0]
    return demand, orders


@pytest.mark.parametrize(("lead_time", "window"), [(1, 5), (2, 10), (4, 10), (3, 6)])
def test_one_tier_matches_chen_et_al(lead_time: int, window: int) -> None:
    """Variance amplification of one tier is within 4 % of 1 + 2L/n + 2L²/n²."""
    demand, orders = simulate_chain(lead_time, window, tiers=1)
    ratio = np.var(orders[0][500:]) / np.var(demand[500:])
    assert ratio == pytest.approx(bullwhip_ratio(lead_time, window), rel=0.04)


def test_amplification_compounds_up_the_chain() -> None:
    """With three tiers each stage amplifies the variance of the orders it receives."""
    demand, orders = simulate_chain(2, 10, tiers=3, days=8_000)
    var_demand = np.var(demand[500:])
    ratios = [np.var(o[500:]) / var_demand for o in orders]  # upstream first
    retailer, regional, national = ratios[2], ratios[1], ratios[0]
    assert retailer == pytest.approx(bullwhip_ratio(2, 10), rel=0.05)
    assert regional > 1.3 * retailer
    assert national > 1.3 * regional


def test_order_variance_grows_up_the_tiers_in_the_model() -> None:
    """In the channel model order variance grows tier by tier, up to the maker's production.

    B2B2C only, steady consumable demand from consumers who are all aware, and backorders at
    the retailers (Chen et al.'s setting) so that the demand signal is each consumer's purchase.
    """
    scenario = Scenario.model_validate(
        {
            "seed": 11,
            "days": 300,
            "market": {"consumers": 20_000, "initial_aware_share": 1.0},
            "product": {"kind": "consumable", "repeat_interval_days": 20},
            "diffusion": {"forgetting_rate_per_day": 0.0},
            "choice": {"outside_option_utility": None},
            "channels": {
                "b2c": {"enabled": False},
                "b2c2c": {"enabled": False},
                "b2b2c": {
                    "launch_demand_per_1000_per_day": 50.0,
                    "retail_stockouts": "backorder",
                },
            },
            "manufacturer": {"launch_demand_per_1000_per_day": 50.0},
        }
    )
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    frame = model.datacollector.get_model_vars_dataframe().iloc[100:]
    columns = ["demand_retail", "orders_retailer", "orders_regional", "orders_national"]
    variances = [float(np.var(frame[c])) for c in [*columns, "production_started"]]
    assert variances[0] > 0
    for downstream, upstream in itertools.pairwise(variances):
        assert upstream > 1.15 * downstream
