"""Double marginalisation docked through the model (M3b, [Spengler1950]).

With a linear demand Q = a − b·p at the shelf in place of the consumer market, and k tiers that
each set a monopoly price, theory gives Q_k = (a − b·c)/2^k and p_k = a/b − (a/b − c)/2^k
(``sim.theory.successive_monopoly``; c is the maker's wholesale price). The test runs the
model — distributors' stock, lead times, order-up-to ordering and all — and compares the
settled quantity asked at the shelf, the units sold and the shelf price with those values.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sim.theory import successive_monopoly

A, B, COST = 2000.0, 1.0, 100.0


def chain(k: int, demand: str, days: int, shipped) -> tuple:
    tiers = [
        {"name": f"tier{i}", "markup": 0.1, "pricing": "monopoly", "serves": 2} for i in range(k)
    ]
    tiers[-1]["name"] = "retailer"
    text = (
        "["
        + ", ".join(
            "{" + ", ".join(f"{key}: {value}" for key, value in t.items()) + "}" for t in tiers
        )
        + "]"
    )
    return shipped(
        "b2b2c_only",
        "market.consumers=2000",
        f"days={days}",
        f"channels.b2b2c.wholesale_price={COST}",
        f"channels.b2b2c.linear_demand={{intercept_per_day: {A}, slope_per_price: {B}}}",
        f"channels.b2b2c.pricing.demand={demand}",
        f"channels.b2b2c.tiers={text}",
        "manufacturer.launch_demand_per_1000_per_day=200",
        "channels.b2b2c.launch_demand_per_1000_per_day=200",
    )


@pytest.mark.parametrize("k", [1, 2, 3, 4])
def test_k_monopoly_tiers_sell_a_over_two_to_the_k(k, shipped, run_model) -> None:
    """Known demand: the quantity asked settles at (a − b·c)/2^k within 2 %, the units sold
    within 3 % (stock-outs lose a few), and the shelf price is p_k."""
    _model, frame = run_model(chain(k, "known", 150, shipped))
    quantity, price = successive_monopoly(A, B, COST, k)
    asked = frame["in_market"].to_numpy(dtype=float)[-100:].mean()
    sold = frame["units_b2b2c"].to_numpy(dtype=float)[-100:].mean()
    assert asked == pytest.approx(quantity, rel=0.02)
    assert sold == pytest.approx(quantity, rel=0.03)
    assert frame["price_retailer"].iloc[-1] == pytest.approx(price, rel=1e-9)


def test_more_tiers_fewer_units_and_a_higher_shelf_price(shipped, run_model) -> None:
    """Each added tier halves the quantity and moves the shelf price halfway to the choke
    price, as theory says (ratios within 3 %)."""
    sold, prices = [], []
    for k in (1, 2, 3, 4):
        _, frame = run_model(chain(k, "known", 150, shipped))
        sold.append(frame["units_b2b2c"].to_numpy(dtype=float)[-100:].mean())
        prices.append(frame["price_retailer"].iloc[-1])
    ratios = np.array(sold[1:]) / np.array(sold[:-1])
    assert ratios == pytest.approx([0.5, 0.5, 0.5], rel=0.03)
    gaps = A / B - np.array(prices)
    assert gaps[1:] / gaps[:-1] == pytest.approx([0.5, 0.5, 0.5], rel=1e-9)


@pytest.mark.parametrize(("k", "tolerance"), [(1, 0.03), (2, 0.10)])
def test_learning_tiers_find_the_monopoly_quantity(k, tolerance, shipped, run_model) -> None:
    """Learned demand (a local linear fit of its own prices and orders, a bounded step each
    week): one tier settles within 3 % of the monopoly quantity (measured: +0.4 %), two within
    10 % (measured: +6 %; the upstream tier learns from the retailer's orders, not demand)."""
    _, frame = run_model(chain(k, "learned", 1000, shipped))
    quantity, _ = successive_monopoly(A, B, COST, k)
    asked = frame["in_market"].to_numpy(dtype=float)[-200:].mean()
    assert asked == pytest.approx(quantity, rel=tolerance)


def test_learning_deeper_chains_still_sell_less_with_every_tier(shipped, run_model) -> None:
    """Three and four learning tiers price below the monopoly prices (upstream tiers see the
    orders of an order-up-to chain, which swing more than demand), but units still fall with
    every added tier."""
    asked = []
    for k in (1, 2, 3, 4):
        _, frame = run_model(chain(k, "learned", 1000, shipped))
        asked.append(frame["in_market"].to_numpy(dtype=float)[-200:].mean())
    assert all(b < a for a, b in itertools.pairwise(asked))
    assert asked[3] > successive_monopoly(A, B, COST, 4)[0]


TIERS = {
    1: "[{name: retailer, markup: 0.20, pricing: %s}]",
    3: "[{name: national, markup: 0.05, serves: 1000, pricing: %s}, "
    "{name: regional, markup: 0.07, serves: 5, pricing: %s}, "
    "{name: retailer, markup: 0.20, pricing: %s}]",
}


def test_with_consumers_monopoly_tiers_raise_the_shelf_price_and_cut_units(
    shipped, run_model
) -> None:
    """On the consumer market (learned demand, a year), monopoly tiers sell fewer units at a
    higher shelf price than the fixed default markups, and the gap grows with the tiers."""
    result = {}
    for k, text in TIERS.items():
        for policy in ("fixed", "monopoly"):
            tiers = text % ((policy,) * text.count("%s"))
            _, frame = run_model(
                shipped("b2b2c_only", "market.consumers=30000", f"channels.b2b2c.tiers={tiers}")
            )
            result[k, policy] = (frame["units_b2b2c"].sum(), frame["price_retailer"].iloc[-1])
    for k in TIERS:
        assert result[k, "monopoly"][0] < 0.9 * result[k, "fixed"][0]
        assert result[k, "monopoly"][1] > result[k, "fixed"][1]
    ratio = {k: result[k, "monopoly"][0] / result[k, "fixed"][0] for k in TIERS}
    assert ratio[3] < ratio[1]
