"""Case 7: team operation of micro-stores ([MicroBusiness2015]; docs/CASES.md). The same small
three-channel market with and without teams (half of the would-be owners offered a place in a
team of 5 that shares content, g = 0.5, and work, c = 0.3), run through the model on five
paired seeds: team stores sell more per store than lone stores (pooled over the seeds: one
seed's hundred-odd stores of each kind are too few, their units too skewed), their friends
trust them more, more stores open, and the maker earns more. With g = c = 0 the pooled units
per store of team and lone stores differ by about 4 %, so the 25 % asked here can fail.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml

from sim.model import ChannelModel
from sim.results import summarize
from sim.scenario import Scenario

REPO = Path(__file__).resolve().parents[2]
TEAMS = {
    "enabled": True,
    "share": 0.5,
    "size": 5,
    "content_quality_gain": 0.5,
    "time_cost_saving": 0.3,
}
MARKET = {"days": 240, "market": {"consumers": 12000}}
SEEDS = (3, 4, 5, 6, 7)

Runner = Callable[..., tuple[ChannelModel, pd.DataFrame]]


@pytest.fixture(scope="module")
def runs(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> dict[str, list[tuple[ChannelModel, dict[str, Any]]]]:
    out: dict[str, list[tuple[ChannelModel, dict[str, Any]]]] = {"lone": [], "teams": []}
    for seed in SEEDS:
        for name, extra in (("lone", {}), ("teams", {"teams": TEAMS})):
            scenario = make_scenario(**MARKET, seed=seed, channels={"b2c2c": extra})
            model, _ = run_model(scenario)
            out[name].append((model, summarize(model, {})))
    return out


def _pooled(runs: list[tuple[ChannelModel, dict[str, Any]]], who: str) -> dict[str, float]:
    groups = [summary["teams"][who] for _, summary in runs]
    opened = sum(g["opened"] for g in groups)
    units = sum(g["units_per_store"] * g["opened"] for g in groups)
    return {"opened": opened, "units_per_store": units / opened}


def test_the_case_file_differs_from_the_baseline_in_teams_only() -> None:
    text = (REPO / "scenarios" / "cases" / "team_operation.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    assert data["extends"] == "../three_channels.yaml"
    assert set(data) == {"extends", "name", "description", "channels"}
    assert data["channels"] == {"b2c2c": {"teams": TEAMS}}
    assert "[MicroBusiness2015]" in data["description"]


def test_team_stores_sell_more_and_keep_more_trust_than_lone_stores(
    runs: dict[str, list[tuple[ChannelModel, dict[str, Any]]]],
) -> None:
    team, lone = _pooled(runs["teams"], "team"), _pooled(runs["teams"], "lone")
    assert team["opened"] >= 300 and lone["opened"] >= 300, (team, lone)
    assert team["units_per_store"] > 1.25 * lone["units_per_store"], (team, lone)
    for _, summary in runs["teams"]:
        groups = summary["teams"]
        trust = {w: groups[w]["mean_trust_in_owners_end"] for w in ("team", "lone")}
        assert trust["team"] > trust["lone"] + 0.01, trust
        assert groups["teams_formed"] == -(-groups["team"]["opened"] // TEAMS["size"])


def test_teams_bring_more_stores_and_profit_and_the_checks_hold(
    runs: dict[str, list[tuple[ChannelModel, dict[str, Any]]]],
) -> None:
    pairs = list(zip(runs["lone"], runs["teams"], strict=True))
    for (lone_model, lone), (team_model, teams) in pairs:
        assert teams["micro_stores"]["opened"] > lone["micro_stores"]["opened"]
        units = team_model.stores.column("units").sum()
        by_group = sum(
            teams["teams"][w]["units_per_store"] * teams["teams"][w]["opened"]
            for w in ("team", "lone")
        )
        assert by_group == pytest.approx(units)
        assert team_model.invariant_violations() == []
        assert "teams" not in lone
        assert (lone_model.stores.column("team") == -1).all()
    gain = [t["manufacturer"]["profit"] - b["manufacturer"]["profit"] for (_, b), (_, t) in pairs]
    assert sum(g > 0 for g in gain) >= 4, gain
    assert sum(gain) > 0, gain
