"""Unit tests of several brands on one market: the nested logit over brand × channel
(sim/choice.py), rival scenarios and their checks (sim/loading.py, sim/scenario/brands.py)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from sim.choice import logit_choice, nested_logit_choice
from sim.loading import brand_scenario, load_scenario
from sim.validation import ScenarioError


def nested_probabilities(v: np.ndarray, outside: float, scale: float) -> np.ndarray:
    """Pr(b, c) of the nested logit, written from the formula (brands × channels, then outside)."""
    inclusive = np.log(np.exp(v / scale).sum(axis=1))
    upper = np.exp(scale * inclusive)
    p_brand = upper / (upper.sum() + np.exp(outside))
    p_channel = np.exp(v / scale) / np.exp(inclusive)[:, None]
    joint = p_brand[:, None] * p_channel
    return np.append(joint.ravel(), np.exp(outside) / (upper.sum() + np.exp(outside)))


@pytest.mark.parametrize("scale", [1.0, 0.6, 0.25])
def test_nested_logit_frequencies_match_the_formula(scale: float) -> None:
    rng = np.random.default_rng(1)
    m = 200_000
    v = np.array([[1.0, 0.2, 0.5], [0.8, 0.9, -0.5]])
    brand, channel = nested_logit_choice(
        np.tile(v, (m, 1, 1)),
        np.ones((m, 2, 3), dtype=bool),
        0.7,
        scale,
        rng.random(m),
        rng.random(m),
    )
    cell = np.where(brand >= 0, brand * 3 + channel, 6)
    shares = np.bincount(cell, minlength=7) / m
    assert shares == pytest.approx(nested_probabilities(v, 0.7, scale), abs=0.005)


def test_scale_one_is_the_plain_logit_over_brand_and_channel() -> None:
    rng = np.random.default_rng(2)
    m = 200_000
    v = np.array([[0.3, 1.1, 0.0], [0.4, -0.2, 0.9]])
    u1, u2 = rng.random(m), rng.random(m)
    brand, channel = nested_logit_choice(
        np.tile(v, (m, 1, 1)), np.ones((m, 2, 3), dtype=bool), 0.2, 1.0, u1, u2
    )
    cell = np.where(brand >= 0, brand * 3 + channel, 6)
    flat = np.tile(np.append(v.ravel(), 0.2), (m, 1))
    plain = logit_choice(flat, np.ones_like(flat, dtype=bool), rng.random(m))
    assert np.bincount(cell, minlength=7) / m == pytest.approx(
        np.bincount(plain, minlength=7) / m, abs=0.006
    )


def test_a_smaller_scale_keeps_a_stocked_out_brand_s_buyers_in_its_nest() -> None:
    """Removing one channel of brand 0: with λ < 1 more of its buyers stay with brand 0."""
    rng = np.random.default_rng(3)
    m = 100_000
    v = np.tile(np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0]]), (m, 1, 1))
    avail = np.ones((m, 2, 3), dtype=bool)
    avail[:, 0, 0] = False
    kept = {}
    for scale in (1.0, 0.3):
        brand, _ = nested_logit_choice(v, avail, None, scale, rng.random(m), rng.random(m))
        kept[scale] = float(np.mean(brand == 0))
    assert kept[0.3] > kept[1.0] + 0.05


def test_rows_with_nothing_available_and_the_outside_option() -> None:
    v = np.zeros((3, 2, 3))
    avail = np.zeros((3, 2, 3), dtype=bool)
    avail[1, 1, 2] = True
    brand, channel = nested_logit_choice(v, avail, None, 0.5, np.full(3, 0.5), np.full(3, 0.5))
    assert brand.tolist() == [-2, 1, -2] and channel.tolist() == [-1, 2, -1]
    brand, channel = nested_logit_choice(v, avail, 0.0, 0.5, np.full(3, 0.5), np.full(3, 0.5))
    assert brand[0] == -1 and brand[2] == -1 and channel[0] == -1


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "market.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_a_rival_is_the_focal_scenario_with_its_changes(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "manufacturer: {brand: alpha}\n"
        "events: [{day: 5, action: close_channel, channel: b2c}]\n"
        "brands:\n"
        "  - name: beta\n"
        "    changes: {product.list_price: 900, channels.b2c2c.rebate_rate: 0.08}\n"
        "  - name: gamma\n"
        "    events: []\n",
    )
    scenario = load_scenario(path)
    beta, gamma = brand_scenario(scenario, 0), brand_scenario(scenario, 1)
    assert beta.manufacturer.brand == "beta" and gamma.manufacturer.brand == "gamma"
    assert beta.product.list_price == 900 and beta.channels.b2c2c.rebate_rate == 0.08
    assert beta.market == scenario.market and beta.choice == scenario.choice
    assert [e.day for e in beta.events] == [5] and gamma.events == []
    assert beta.brands == [] and gamma.product.list_price == scenario.product.list_price


@pytest.mark.parametrize(
    ("brand", "field", "words"),
    [
        (
            "{name: beta, changes: {market.consumers: 10}}",
            "brands.0.changes.market.consumers",
            "market parameter",
        ),
        (
            "{name: beta, changes: {product.list_price: -3}}",
            "brands.0.changes.product.list_price",
            "must be > 0",
        ),
        ("{name: brand}", "brands.0.name", "used twice"),
        (
            "{name: beta, changes: {product.colour: red}}",
            "brands.0.changes.product.colour",
            "unknown key",
        ),
        (
            "{name: beta, events: [{day: 5, action: owners_switch, to_brand: zeta}]}",
            "brands.0.events.0.to_brand",
            "no other brand",
        ),
        (
            "{name: beta, events: [{day: 5, action: set, values: {market.consumers: 5}}]}",
            "brands.0.events.0.values.market.consumers",
            "cannot change",
        ),
        ("{name: beta, follow: {leader: zeta}}", "brands.0.follow.leader", "no other brand"),
        (
            "{name: beta, follow: {leader: brand, copies: [market.consumers]}}",
            "brands.0.follow.copies.0",
            "cannot change",
        ),
    ],
)
def test_a_bad_rival_is_one_located_line(
    tmp_path: Path, brand: str, field: str, words: str
) -> None:
    path = write(tmp_path, f"days: 30\nbrands:\n  - {brand}\n")
    with pytest.raises(ScenarioError) as err:
        load_scenario(path)
    text = str(err.value)
    assert len(text.splitlines()) == 1, text
    assert "market.yaml:" in text and field in text and words in text, text
