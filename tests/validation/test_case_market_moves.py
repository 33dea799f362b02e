"""Cases 2, 5 and 6 (docs/CASES.md), run through the model on a smaller market (20,000
consumers unless said, paired seeds):

* Case 2, distributor-run stores [ZTE2014]: without the fan effect and on the brands' rebates,
  distributor-run stores close far more than the fans' stores beside them and sell less per
  store; carrying two brands instead of one raises their income but does not keep them open.
* Case 5, brand dilution [ZTE2014]: when the focal brand's best-selling store owners stop
  selling it, or move to the rival with their circle's trust, its micro-store sales after the
  day fall; the movers' new stores sell, and most of them close by the end.
* Case 6, paid mentors [MicroBusiness2015], [NotTaobao2015] (30,000 consumers, 300 days):
  trainees open stores, most of them end at a loss (their rebates below the fee), their stores
  close more often than the others, and the mentors earn course fees.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "scenarios" / "cases"


def run(
    path: Path, seed: int, days: int, consumers: int = 20000
) -> tuple[pd.DataFrame, dict[str, Any]]:
    scenario = load_scenario(
        path, [f"market.consumers={consumers}", f"days={days}", f"seed={seed}"]
    )
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    assert model.invariant_violations() == []
    return model.datacollector.get_model_vars_dataframe(), summarize(model, {})


def total(summaries: list[dict[str, Any]], block: str, key: str) -> float:
    return sum(float(s[block][key]) for s in summaries)


# --------------------------------------------------------------------------- case 2


@pytest.fixture(scope="module")
def distributors() -> dict[str, list[dict[str, Any]]]:
    return {
        name: [run(CASES / f"{name}.yaml", seed, 200)[1] for seed in (1, 2)]
        for name in ("distributor_run_stores", "distributor_run_stores_one_brand")
    }


def test_case2_scenarios_differ_in_the_brands_carried_only() -> None:
    two = load_scenario(CASES / "distributor_run_stores.yaml")
    one = load_scenario(CASES / "distributor_run_stores_one_brand.yaml")
    assert "[ZTE2014]" in two.description and "[ZTE2014]" in one.description
    assert two.distributor_stores.brands is None and one.distributor_stores.brands == ["leader"]
    strip = {"name", "description", "distributor_stores"}
    assert two.model_dump(exclude=strip) == one.model_dump(exclude=strip)
    assert two.distributor_stores.count == one.distributor_stores.count > 0


def test_case2_distributor_stores_do_not_survive_beside_fans(distributors: dict) -> None:
    for name, summaries in distributors.items():
        survival = total(summaries, "distributor_stores", "survival_share")
        others = total(summaries, "distributor_stores", "other_survival_share")
        assert survival < 0.5 * others, name
        per_store = total(summaries, "distributor_stores", "units_per_store")
        assert per_store < total(summaries, "distributor_stores", "other_units_per_store"), name
    two = total(distributors["distributor_run_stores"], "distributor_stores", "income_per_store")
    one = total(
        distributors["distributor_run_stores_one_brand"], "distributor_stores", "income_per_store"
    )
    assert two > one


# --------------------------------------------------------------------------- case 5

DILUTION = ("dilution_no_change", "dilution_owners_stop", "dilution_owners_switch")
MOVE_DAY = 180


@pytest.fixture(scope="module")
def dilution() -> dict[str, dict[str, float]]:
    """Units from the move day to the end and the movers' numbers, summed over three seeds."""
    out: dict[str, dict[str, float]] = {}
    for name in DILUTION:
        sums: dict[str, float] = {}
        for seed in (1, 2, 3):
            frame, summary = run(CASES / f"{name}.yaml", seed, 300)
            after = frame.iloc[MOVE_DAY - 1 :]
            for column in ("units_b2c2c.brand_a", "units_b2c2c.brand_b", "units_total.brand_a"):
                sums[column] = sums.get(column, 0.0) + float(after[column].sum())
            for key, value in summary.get("owner_moves", {}).items():
                sums[key] = sums.get(key, 0.0) + value
        out[name] = sums
    return out


def test_case5_scenarios_differ_in_the_event_only() -> None:
    base = load_scenario(CASES / "dilution_no_change.yaml")
    for name in DILUTION[1:]:
        moved = load_scenario(CASES / f"{name}.yaml")
        assert "[ZTE2014]" in moved.description
        assert [e.action for e in moved.events] == ["owners_switch"] and base.events == []
        strip = {"name", "description", "events"}
        assert moved.model_dump(exclude=strip) == base.model_dump(exclude=strip)


def test_case5_owners_take_their_sales_with_them(dilution: dict) -> None:
    none, stop, switch = (dilution[name] for name in DILUTION)
    assert stop["units_b2c2c.brand_a"] < 0.95 * none["units_b2c2c.brand_a"]
    assert switch["units_b2c2c.brand_a"] < 0.95 * none["units_b2c2c.brand_a"]
    # their circles follow them to the rival at first; most of their new stores then close
    assert switch["moved"] >= 3 * 40 and switch["units_in_new_stores"] > 0
    assert switch["new_stores_open_end"] < 0.5 * switch["moved"]


# --------------------------------------------------------------------------- case 6


@pytest.fixture(scope="module")
def mentors() -> list[dict[str, Any]]:
    return [run(CASES / "paid_mentors.yaml", seed, 300, consumers=30000)[1] for seed in (1, 2)]


def test_case6_differs_from_three_channels_in_mentors_only() -> None:
    paid = load_scenario(CASES / "paid_mentors.yaml")
    base = load_scenario(REPO / "scenarios" / "three_channels.yaml")
    assert "[MicroBusiness2015]" in paid.description and "[NotTaobao2015]" in paid.description
    assert paid.channels.b2c2c.mentors.enabled and not base.channels.b2c2c.mentors.enabled
    strip = {"name": True, "description": True, "channels": {"b2c2c": {"mentors"}}}
    assert paid.model_dump(exclude=strip) == base.model_dump(exclude=strip)


def test_case6_mentors_profit_and_trainees_lose(mentors: list[dict[str, Any]]) -> None:
    assert total(mentors, "mentors", "trainees") > 10
    assert total(mentors, "mentors", "fees_paid") > 0
    assert total(mentors, "mentors", "trainee_share_at_loss") > 0.5 * len(mentors)
    trained = total(mentors, "mentors", "trainee_survival_share")
    assert trained < total(mentors, "mentors", "other_survival_share")
