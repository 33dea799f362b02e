"""Unit tests of the answer a one-parameter sweep's report states (sim/experiments/findings.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from sim.experiments.findings import answer
from sim.experiments.sweep_data import SweepData


def sweep(profit_by_rate: dict[float, list[float]], units_by_rate: dict[float, list[float]]):
    rates = list(profit_by_rate)
    points = pd.DataFrame(
        {
            "point_id": range(len(rates)),
            "label": [f"rate={r}" for r in rates],
            "channels.b2c2c.rebate_rate": rates,
        }
    )
    rows = []
    for point, rate in enumerate(rates):
        for rep, (profit, units) in enumerate(
            zip(profit_by_rate[rate], units_by_rate[rate], strict=True)
        ):
            rows.append(
                {
                    "run_id": f"p{point}r{rep}",
                    "point_id": point,
                    "status": "done",
                    "manufacturer.profit": profit,
                    "channels.b2c2c.units": units,
                }
            )
    return SweepData(
        folder=Path("."),
        experiment={},
        problem={"design": "grid"},
        metadata={},
        points=points,
        summary=pd.DataFrame(rows),
        timeseries=pd.DataFrame(),
        errors={},
        parameters=["channels.b2c2c.rebate_rate"],
        measurements=[],
        outputs=["manufacturer.profit", "channels.b2c2c.units"],
    )


def test_an_inner_peak_is_named_with_the_values_it_cannot_be_told_from() -> None:
    rng = np.random.default_rng(0)
    means = {0.0: 100.0, 0.1: 150.0, 0.2: 160.0, 0.3: 120.0}
    data = sweep(
        {r: list(m + rng.normal(0, 3, 5)) for r, m in means.items()},
        {r: [10.0 * (i + 1)] * 5 for i, r in enumerate(means)},
    )
    text = "\n".join(answer(data))
    assert "highest at `channels.b2c2c.rebate_rate` = 0.2" in text
    assert "units B2C2C rises" in text
    assert "no optimum inside" not in text


def test_a_peak_at_the_end_says_there_is_no_optimum_inside_the_range() -> None:
    data = sweep(
        {0.0: [1.0, 1.1, 0.9], 0.1: [2.0, 2.1, 1.9], 0.2: [3.0, 3.1, 2.9]},
        {0.0: [5.0] * 3, 0.1: [4.0] * 3, 0.2: [3.0] * 3},
    )
    text = "\n".join(answer(data))
    assert "= 0.2" in text and "upper end of the range tried" in text
    assert "units B2C2C falls" in text


def test_two_values_are_compared_not_searched_for_a_peak() -> None:
    data = sweep({0.0: [1.0], 0.1: [2.0]}, {0.0: [1.0], 0.1: [2.0]})  # only two values
    text = "\n".join(answer(data))
    assert "highest at" not in text
    assert "**rate=0.1 leads on maker's profit**" in text and "no interval" in text


def scenarios(profits: dict[str, list[float]]) -> SweepData:
    labels = list(profits)
    points = pd.DataFrame({"point_id": range(len(labels)), "label": labels})
    rows = [
        {"run_id": f"p{i}r{r}", "point_id": i, "status": "done", "manufacturer.profit": v}
        for i, label in enumerate(labels)
        for r, v in enumerate(profits[label])
    ]
    return SweepData(
        folder=Path("."),
        experiment={},
        problem={"design": "scenarios"},
        metadata={},
        points=points,
        summary=pd.DataFrame(rows),
        timeseries=pd.DataFrame(),
        errors={},
        parameters=[],
        measurements=[],
        outputs=["manufacturer.profit"],
    )


def test_a_clear_lead_between_scenarios_is_beyond_noise() -> None:
    rng = np.random.default_rng(1)
    data = scenarios({"a": list(100 + rng.normal(0, 2, 5)), "b": list(140 + rng.normal(0, 2, 5))})
    text = "\n".join(answer(data))
    assert "**b leads on maker's profit**" in text
    assert "more than a" in text and "beyond run-to-run noise" in text


def test_overlapping_scenarios_are_said_to_be_within_noise() -> None:
    rng = np.random.default_rng(2)
    data = scenarios({"a": list(100 + rng.normal(0, 20, 5)), "b": list(101 + rng.normal(0, 20, 5))})
    text = "\n".join(answer(data))
    assert "within run-to-run noise" in text


def test_welch_interval_matches_scipy() -> None:
    from scipy import stats

    from sim.experiments.statistics import difference_ci

    rng = np.random.default_rng(3)
    a, b = rng.normal(5, 1, 7), rng.normal(4, 3, 11)
    d = difference_ci(a, b)
    res = stats.ttest_ind(a, b, equal_var=False)
    low, high = res.confidence_interval(0.95)
    assert np.isclose(d.mean, a.mean() - b.mean())
    assert np.isclose(d.ci_low, low) and np.isclose(d.ci_high, high)
