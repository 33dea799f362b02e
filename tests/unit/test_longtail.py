"""Unit tests of the long-tail statistics (sim/longtail.py): concentration and the power law."""

from __future__ import annotations

import numpy as np
import pytest

from sim.longtail import fit_power_law, long_tail, power_law_p_value, sample_power_law


@pytest.mark.parametrize("alpha", [1.8, 2.5, 3.2])
def test_the_estimator_recovers_the_exponent_of_power_law_samples(alpha: float) -> None:
    x = sample_power_law(alpha, 1, 4000, np.random.default_rng(7))
    fit = fit_power_law(x, xmin=1)
    assert fit is not None
    assert abs(fit.alpha - alpha) < 3 * fit.alpha_se


def test_samples_follow_their_law() -> None:
    """P(X = 1) = 1/ζ(α) for x_min = 1: 1/ζ(2) = 6/π² ≈ 0.608."""
    x = sample_power_law(2.0, 1, 20_000, np.random.default_rng(3))
    assert (x == 1).mean() == pytest.approx(6 / np.pi**2, abs=0.01)
    assert x.min() == 1


def test_x_min_is_found_above_a_body_of_another_shape() -> None:
    """A uniform body on 1..9 below a power-law tail from 10: the fit starts near 10."""
    rng = np.random.default_rng(11)
    tail = sample_power_law(2.5, 10, 3000, rng)
    body = rng.integers(1, 10, 3000)
    fit = fit_power_law(np.concatenate([body, tail]))
    assert fit is not None
    assert 8 <= fit.xmin <= 14
    assert abs(fit.alpha - 2.5) < 3 * fit.alpha_se + 0.05


def test_the_bootstrap_accepts_a_power_law_and_rejects_an_exponential() -> None:
    rng = np.random.default_rng(5)
    x = sample_power_law(2.2, 1, 1500, rng)
    assert power_law_p_value(x, fit_power_law(x), 40, rng) > 0.1
    y = rng.geometric(0.05, 1500)
    assert power_law_p_value(y, fit_power_law(y), 40, rng) < 0.1


def test_long_tail_measures_count_sellers_apart() -> None:
    units = np.array([0, 0, 0, 0, 0, 0, 10, 5, 3, 1, 1])
    m = long_tail(units)
    assert m["stores_sold"] == 5 and m["share_sold"] == pytest.approx(5 / 11)
    assert m["top20_share_sellers"] == pytest.approx(10 / 20)  # the top one of five
    assert m["long_tail_share"] == pytest.approx(0.5)
    assert m["max_units"] == 10
    assert m["power_law_alpha"] is None  # fewer than ten sellers: no fit
