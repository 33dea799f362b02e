"""Unit tests of team operation of micro-stores (``channels.b2c2c.teams``; ODD 7.3, 7.7 step 6)."""

from __future__ import annotations

import numpy as np
import pytest
from pydantic import ValidationError

from sim.microstores import assign_teams, team_time_cost
from sim.posting import team_content
from sim.scenario import B2C2C
from sim.stores import StoreBook, teamed


def _params(**teams: object) -> B2C2C:
    return B2C2C.model_validate({"teams": {"enabled": True, **teams}})


def test_teams_are_off_by_default_and_then_change_no_cost() -> None:
    params = B2C2C()
    assert not params.teams.enabled
    cost = np.array([7.0, 3.0])
    assert team_time_cost(params, cost, np.array([True, True])) is cost


def test_time_cost_falls_by_the_saving_for_team_members_only() -> None:
    """c·(1 − σ·[team])."""
    params = _params(time_cost_saving=0.3)
    cost = team_time_cost(params, np.array([10.0, 10.0, 4.0]), np.array([True, False, True]))
    assert cost.tolist() == pytest.approx([7.0, 10.0, 2.8])


def test_team_content_cuts_the_ad_share_and_weights_the_response() -> None:
    """q' = 1 − (1 − q)(1 − g·[team]), w = 1 + g·[team]."""
    quality, weight = team_content(
        np.array([0.5, 0.5, 0.1, 0.8]), np.array([True, False, True, True]), 0.5
    )
    assert quality.tolist() == pytest.approx([0.75, 0.5, 0.55, 0.9])
    assert weight.tolist() == pytest.approx([1.5, 1.0, 1.5, 1.5])
    same, ones = team_content(np.array([0.3]), np.array([True]), 0.0)
    assert same.tolist() == pytest.approx([0.3])
    assert ones.tolist() == [1.0]


def test_members_fill_one_team_before_the_next_is_started() -> None:
    """team = ⌊(n + j)/k⌋."""
    assert assign_teams(0, 7, 3).tolist() == [0, 0, 0, 1, 1, 1, 2]
    assert assign_teams(7, 4, 3).tolist() == [2, 2, 3, 3]
    assert assign_teams(5, 0, 3).tolist() == []


def test_a_member_counts_as_teamed_only_while_another_teammate_is_open() -> None:
    book = StoreBook()
    ids = book.add(
        np.arange(6, dtype=np.int32), np.zeros(6, np.int8), np.full(6, -1, np.int32), day=0
    )
    book.team[ids] = [0, 0, 1, 1, -1, 2]
    book.is_open[2] = False  # team 1 is down to store 3
    assert teamed(book, ids).tolist() == [True, True, False, False, False, False]


def test_team_parameters_are_validated() -> None:
    with pytest.raises(ValidationError):
        _params(size=1)
    with pytest.raises(ValidationError):
        _params(content_quality_gain=1.0)
    with pytest.raises(ValidationError):
        _params(time_cost_saving=1.5)
