"""The tier-pricing rules (sim/pricing.py) as functions."""

from __future__ import annotations

import numpy as np
import pytest

from sim.pricing import chain_prices, fit_linear_demand, learned_price, monopoly_price
from sim.theory import successive_monopoly


def test_monopoly_price_maximises_margin_over_linear_demand() -> None:
    a, b, c = 500.0, 2.0, 40.0
    grid = np.linspace(c, a / b, 100_001)
    best = grid[np.argmax((grid - c) * (a - b * grid))]
    assert monopoly_price(a / b, c) == pytest.approx(best, abs=1e-2)


def test_fit_recovers_a_linear_demand_and_refuses_constant_prices() -> None:
    rng = np.random.default_rng(0)
    p = rng.uniform(50, 150, 200)
    q = 300 - 1.5 * p + rng.normal(0, 2, 200)
    alpha, beta = fit_linear_demand(p, q)
    assert alpha == pytest.approx(300, rel=0.02) and beta == pytest.approx(1.5, rel=0.02)
    assert fit_linear_demand(np.full(10, 80.0), q[:10]) is None
    assert fit_linear_demand(p[:2], q[:2]) is None


def test_learned_price_moves_toward_the_optimum_by_a_bounded_step() -> None:
    p = np.array([90.0, 110.0, 90.0, 110.0])
    q = 400 - 2.0 * p  # choke 200: optimum (200 + 20)/2 = 110 at cost 20
    assert learned_price(p, q, 100.0, 20.0, 0.05) == pytest.approx(105.0)
    assert learned_price(p, q, 108.0, 20.0, 0.05) == pytest.approx(110.0)
    assert learned_price(p, 2 * p, 100.0, 20.0, 0.05) == 100.0  # a rising fit: keep the price


def test_iterating_the_known_rule_down_a_chain_is_spenglers_formula() -> None:
    a, b, c = 1200.0, 3.0, 50.0
    for k in range(1, 6):
        price = c
        for _ in range(k):
            price = monopoly_price(a / b, price)
        quantity, shelf = successive_monopoly(a, b, c, k)
        assert shelf == pytest.approx(price)
        assert quantity == pytest.approx(a - b * price)
    assert successive_monopoly(1000.0, 1.0, 0.0, 3) == (125.0, 875.0)


def test_chain_prices_compound_markups() -> None:
    buy, sell = chain_prices(100.0, np.array([0.1, 0.5]))
    assert buy.tolist() == pytest.approx([100.0, 110.0])
    assert sell.tolist() == pytest.approx([110.0, 165.0])
