"""Case 1: competitors follow into micro-stores ([ZTE2014]; docs/CASES.md). Two equal brands;
the leader runs micro-stores from day 0 and the rival follows (opens its own, at the leader's
rebate, 60 days after the leader's stores carry 5 % of the market's units) or stays out. Run
through the model on a smaller market (20,000 consumers, 300 days, three paired seeds): the
follower gains market share, units and profit by following; the leader loses share, but its
micro-store sales fall by less than 15 % (the follower's stores barely dilute the leader's)
and its loss of units is less than half the follower's gain (the market's units grow).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "scenarios" / "cases"
SMALL = ["market.consumers=20000", "days=300"]
SEEDS = (1, 2, 3)


def brands(name: str, seed: int) -> dict[str, Any]:
    scenario = load_scenario(CASES / f"{name}.yaml", [*SMALL, f"seed={seed}"])
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    assert model.invariant_violations() == []
    return summarize(model, {})["brands"]


@pytest.fixture(scope="module")
def pooled() -> dict[str, dict[str, dict[str, float]]]:
    """Totals over the seeds of each brand's summary numbers, by scenario."""
    out: dict[str, dict[str, dict[str, float]]] = {}
    for name in ("competitor_follows", "competitor_stays_out"):
        out[name] = {}
        for seed in SEEDS:
            for brand, numbers in brands(name, seed).items():
                total = out[name].setdefault(brand, {})
                for key, value in numbers.items():
                    if isinstance(value, int | float):
                        total[key] = total.get(key, 0.0) + value
    return out


def test_the_scenarios_differ_in_the_follow_rule_only() -> None:
    follows = load_scenario(CASES / "competitor_follows.yaml")
    stays = load_scenario(CASES / "competitor_stays_out.yaml")
    assert "[ZTE2014]" in follows.description and "[ZTE2014]" in stays.description
    assert follows.brands[0].follow is not None and stays.brands[0].follow is None
    assert follows.brands[0].model_copy(update={"follow": None}) == stays.brands[0]
    strip = {"name", "description", "brands"}
    assert follows.model_dump(exclude=strip) == stays.model_dump(exclude=strip)


def test_the_follower_gains_and_the_leader_loses_a_little(pooled: dict) -> None:
    follows, stays = pooled["competitor_follows"], pooled["competitor_stays_out"]
    gain = follows["follower"]["units_total"] - stays["follower"]["units_total"]
    loss = stays["leader"]["units_total"] - follows["leader"]["units_total"]
    assert stays["follower"]["units_b2c2c"] == 0 and follows["follower"]["stores_opened"] > 0
    assert gain > 0
    assert follows["follower"]["profit"] > stays["follower"]["profit"]
    assert follows["follower"]["market_share"] > stays["follower"]["market_share"]
    assert follows["leader"]["market_share"] < stays["leader"]["market_share"]
    # little dilution: the leader's stores sell nearly as much beside the rival's stores
    assert follows["leader"]["units_b2c2c"] > 0.85 * stays["leader"]["units_b2c2c"]
    # most of the follower's gain is new sales, not the leader's
    assert loss < 0.5 * gain
