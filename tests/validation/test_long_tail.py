"""Long-tail statistics of micro-store sales (ODD section 1).

The measurement functions are checked against the published Zipf figures (exponent 1 across
10,000 sellers: the top 20 % hold 83.6 % of sales, Gini 0.796), and the model's store sales on a
scale-free graph must come out heavy-tailed.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.longtail import gini, lorenz_curve, top_share
from sim.model import ChannelModel
from sim.scenario import Scenario


def test_zipf_reference_values() -> None:
    """Zipf(1) sales across 10,000 sellers: top-20 % share 0.836 and Gini 0.796."""
    sales = 1.0 / np.arange(1, 10_001)
    assert top_share(sales, 0.2) == pytest.approx(0.836, abs=5e-4)
    assert gini(sales) == pytest.approx(0.796, abs=5e-4)


def test_lorenz_curve_area_matches_gini() -> None:
    """Gini equals 1 − 2·(area under the Lorenz curve)."""
    sales = np.random.default_rng(1).pareto(1.5, size=5_000)
    x, y = lorenz_curve(sales)
    area = float(np.sum((y[1:] + y[:-1]) / 2 * np.diff(x)))
    assert gini(sales) == pytest.approx(1 - 2 * area, abs=1e-3)


def test_store_sales_are_heavy_tailed_on_a_scale_free_graph() -> None:
    """Micro-store sales on a Holme–Kim graph: the top fifth of stores sell most units."""
    scenario = Scenario.model_validate(
        {
            "seed": 5,
            "days": 240,
            "market": {"consumers": 20_000, "initial_aware_share": 0.3},
            "product": {"kind": "consumable", "repeat_interval_days": 30},
            "channels": {"b2b2c": {"enabled": False}, "b2c": {"enabled": False}},
        }
    )
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    units = model.stores.column("units")
    assert units.sum() > 500
    assert top_share(units, 0.2) > 0.6
    assert gini(units) > 0.5
    # and sales concentrate on well-connected owners
    degree = model.graph.degree[model.stores.column("owner")]
    assert np.corrcoef(degree, units)[0, 1] > 0.3
