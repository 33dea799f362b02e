"""Unit tests of the logit channel choice (sim/choice.py, M2)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.choice import (
    OFFLINE,
    ONLINE,
    OUTSIDE,
    SOCIAL,
    ChannelOffer,
    logit_choice,
    pick_weighted,
    utilities,
)
from sim.scenario import Choice


def test_utilities_follow_the_formula() -> None:
    """V_c = β_h·h_c − β_p·ρ·(P_c − P)/P + β_τ·τ·[social] + β_a·a + α_c; outside u₀."""
    choice = Choice(habit_weight=3, price_weight=5, trust_weight=2, attitude_weight=1)
    offer = ChannelOffer(np.array([1000.0, 900.0, 1000.0]), 1000.0, outside_utility=0.5)
    v = utilities(
        choice,
        offer,
        habit=np.array([[0.6, 0.3, 0.1]]),
        price_sensitivity=np.array([2.0]),
        attitude=np.array([0.4]),
        social_trust=np.array([0.8]),
    )
    assert v[0, OFFLINE] == pytest.approx(3 * 0.6 + 0.4)
    assert v[0, ONLINE] == pytest.approx(3 * 0.3 + 5 * 2 * 0.1 + 0.4)
    assert v[0, SOCIAL] == pytest.approx(3 * 0.1 + 2 * 0.8 + 0.4)
    assert v[0, OUTSIDE] == pytest.approx(0.5)


def test_logit_frequencies_match_probabilities() -> None:
    """Over many draws, choice shares match exp(V)/Σexp(V) over the available alternatives."""
    rng = np.random.default_rng(0)
    m = 200_000
    v = np.tile(np.array([1.0, 0.0, 2.0, 0.5]), (m, 1))
    available = np.tile(np.array([True, True, False, True]), (m, 1))
    chosen = logit_choice(v, available, rng.random(m))
    shares = np.bincount(chosen, minlength=4) / m
    expected = np.exp([1.0, 0.0, 0.5])
    expected /= expected.sum()
    assert shares[SOCIAL] == 0.0
    assert shares[[0, 1, 3]] == pytest.approx(expected, abs=0.005)


def test_nothing_available_gives_minus_one() -> None:
    v = np.zeros((3, 4))
    available = np.array([[False] * 4, [True, False, False, False], [False] * 4])
    assert logit_choice(v, available, np.array([0.5, 0.99, 0.0])).tolist() == [-1, 0, -1]


def test_pick_weighted_by_trust() -> None:
    """Each group picks a member with probability proportional to weight; empty groups −1."""
    rng = np.random.default_rng(1)
    group = np.array([0, 0, 0, 2])
    weight = np.array([1.0, 3.0, 0.0, 5.0])
    picks = np.array([pick_weighted(group, weight, 4, rng.random(4)) for _ in range(20_000)])
    assert np.all(picks[:, 1] == -1) and np.all(picks[:, 3] == -1)
    assert np.all(picks[:, 2] == 3)
    share_second = np.mean(picks[:, 0] == 1)
    assert share_second == pytest.approx(0.75, abs=0.01)
    assert not np.any(picks[:, 0] == 2)  # zero weight is never picked
