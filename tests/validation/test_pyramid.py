"""Stock-pressure pyramid: pyramid arithmetic and the outcomes of M8 in ODD section 1."""

from __future__ import annotations

import math

import numpy as np
import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize
from sim.scenario import Scenario
from sim.theory import pyramid_saturation_depth

SCENARIOS = "scenarios"


def recruitment_tree(
    consumers: int, max_recruits: int | None, upline_choice: str, seed: int = 1
) -> ChannelModel:
    """Free entry, no quotas, everyone keen: recruitment alone, on a fully mixed population.

    One founder; 45 price levels so that no level cap binds; a small joining hazard so that few
    join on the same day (each joiner then sees all earlier agents).
    """
    levels = [
        {"name": f"l{i}", "price_share": 0.2 + 0.015 * i, "entry_units": 0, "quota_units": 0}
        for i in range(45)
    ]
    data = {
        "seed": seed,
        "days": 400,
        "market": {
            "consumers": consumers,
            "employee_share": 0.0,
            "fan_share": 0.0,
            "initial_aware_share": 1.0,
        },
        "graph": {"type": "complete"},
        "spam": {"enabled": False},
        "channels": {
            "b2b2c": {"enabled": False},
            "b2c": {"enabled": False},
            "b2c2c": {
                "stock_pressure": {
                    "enabled": True,
                    "levels": levels,
                    "max_levels": 45,
                    "founders": 1,
                    "recruitment_rate_per_day": 5e-5,
                    "loss_aversion": 0.0,
                    "refusal_probability_per_day": 0.0,
                    "effort_cost_per_day": 0.0,
                    "promised_profit_per_day": 1e6,
                    "hype_learning_rate": 0.0,
                    "give_up_after_days": 10_000,
                    "max_recruits": max_recruits,
                    "upline_choice": upline_choice,
                }
            },
        },
    }
    model = ChannelModel(Scenario.model_validate(data))
    model.run_for(400)
    return model


def test_uniform_random_recruitment_leaves_half_without_recruits() -> None:
    """A random recursive tree: about half of all participants recruit nobody."""
    model = recruitment_tree(3000, max_recruits=None, upline_choice="trust")
    recruits = model.stores.column("recruits")
    assert len(recruits) == 3000  # everyone joined
    assert (recruits == 0).mean() == pytest.approx(0.5, abs=0.03)
    assert recruits.sum() == len(recruits) - 1  # a tree: everyone but the founder has an upline


@pytest.mark.parametrize("k", [2, 3, 4])
def test_k_recruits_each_saturate_at_the_pyramid_depth(k: int) -> None:
    """Each agent signs k, in order: N agents use up log_k(N(k−1)+1) − 1 generations."""
    model = recruitment_tree(2000, max_recruits=k, upline_choice="seniority")
    book = model.stores
    n = len(book)
    assert n >= 0.99 * 2000  # (nearly) everyone joined: the tree of the n who did is full
    assert book.column("recruits").max() <= k
    depth = int(book.column("generation").max())
    assert depth == math.ceil(pyramid_saturation_depth(n, k))


def test_random_capped_recruitment_goes_deeper_than_the_full_tree() -> None:
    """Signed by trust rather than in order, the same caps give a deeper, unbalanced tree."""
    model = recruitment_tree(2000, max_recruits=3, upline_choice="trust")
    depth = int(model.stores.column("generation").max())
    assert depth > math.ceil(pyramid_saturation_depth(len(model.stores), 3)) + 2


@pytest.fixture(scope="module")
def unregulated() -> list[dict]:
    """The shipped unregulated pyramid at 8,000 consumers, two seeds, with and without 70 %."""
    out = []
    for seed in (1, 2):
        for rule in (False, True):
            scenario = load_scenario(
                f"{SCENARIOS}/pyramid_unregulated.yaml",
                [
                    "market.consumers=8000",
                    f"channels.b2c2c.stock_pressure.seventy_percent_rule={str(rule).lower()}",
                ],
                seed=seed,
            )
            model = ChannelModel(scenario)
            violations = []
            for _ in range(scenario.days):
                model.run_for(1)
                violations += model.invariant_violations()
            summary = summarize(model, {})
            out.append({"seed": seed, "rule": rule, "violations": violations, **summary})
    return out


def test_unregulated_pyramid_collapses_and_most_lose_money(unregulated: list[dict]) -> None:
    for run in (r for r in unregulated if not r["rule"]):
        p = run["pyramid"]
        assert run["violations"] == []
        assert p["participants_ever"] > 100
        assert p["collapse_day"] is not None and p["collapse_day"] > p["peak_day"]
        assert p["share_at_loss"] > 0.8
        assert p["units_dumped"] > 0
        # income from stock sold inside the pyramid dwarfs sales to end consumers
        assert p["units_sold_inside"] > 20 * p["units_to_end_consumers"]


def test_seventy_percent_rule_reduces_stranded_stock(unregulated: list[dict]) -> None:
    """Stranded stock falls by more than half in every run; sales to end consumers rise over
    the runs together (a tendency: in single runs they can fall, as the pyramid's size varies)."""
    to_consumers = {False: 0, True: 0}
    for seed in (1, 2):
        free, ruled = (
            next(r for r in unregulated if r["seed"] == seed and r["rule"] is rule)
            for rule in (False, True)
        )
        assert ruled["violations"] == []
        assert ruled["pyramid"]["stranded_stock"] < 0.5 * free["pyramid"]["stranded_stock"]
        for run in (free, ruled):
            to_consumers[run["rule"]] += run["pyramid"]["units_to_end_consumers"]
    assert to_consumers[True] > to_consumers[False]


def test_buyback_returns_stock_to_the_maker_instead_of_dumping() -> None:
    scenario = load_scenario(
        f"{SCENARIOS}/pyramid_unregulated.yaml",
        ["market.consumers=6000", "channels.b2c2c.stock_pressure.buyback_share=0.8"],
        days=250,
        seed=3,
    )
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    p = summarize(model, {})["pyramid"]
    assert p["units_dumped"] == 0
    assert p["units_bought_back"] > 0
    assert model.pyramid.grey_pressure == 0.0
    assert model.invariant_violations() == []


def test_exits_cascade_to_the_downline() -> None:
    """An agent whose upline has left cannot buy its quota, and leaves at its next quota day.

    Pooled over five seeds: in some runs every downline gives up before its upline leaves.
    """
    orphans = 0
    for seed in range(4, 9):
        scenario = load_scenario(
            f"{SCENARIOS}/pyramid_unregulated.yaml", ["market.consumers=6000"], days=200, seed=seed
        )
        model = ChannelModel(scenario)
        model.run_for(scenario.days)
        book = model.stores
        closed = book.column("closed_day")
        upline = book.column("upline")
        has_up = upline >= 0
        orphaned = has_up & (closed >= 0)
        orphaned[has_up] &= (closed[upline[has_up]] >= 0) & (
            closed[upline[has_up]] <= closed[has_up]
        )
        orphans += int(orphaned.sum())
        # nobody keeps trading long after losing its supplier: it leaves within a quota period
        gap = closed[orphaned] - closed[upline[orphaned]]
        assert np.all(gap <= scenario.channels.b2c2c.stock_pressure.quota_period_days + 1)
    assert orphans > 0


def test_regulation_caps_are_errors_not_clamps() -> None:
    levels = [
        {"name": "a", "price_share": 0.5, "entry_units": 1, "quota_units": 0},
        {"name": "b", "price_share": 0.8, "entry_units": 1, "quota_units": 0},
    ]
    with pytest.raises(ValueError, match="more than max_levels"):
        Scenario.model_validate(
            {"channels": {"b2c2c": {"stock_pressure": {"levels": levels, "max_levels": 1}}}}
        )
    with pytest.raises(ValueError, match="max_margin_share"):
        Scenario.model_validate(
            {"channels": {"b2c2c": {"stock_pressure": {"levels": levels, "max_margin_share": 0.3}}}}
        )
