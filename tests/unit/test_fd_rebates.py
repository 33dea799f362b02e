"""FD direct control: B2B2C tiers paid by a rebate from the maker instead of a markup
(sim/supply_chain.py, the ``compensation`` and ``rebate_rate`` of a tier; docs/ODD.md, 7.6)."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from pydantic import ValidationError

from sim import outputs
from sim.accounting import DISTRIBUTOR_REBATES, MAKER, distributor_account
from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize
from sim.scenario import Scenario, Tier
from sim.supply_chain import distributor_rebates, tier_prices, tier_rebate_rates
from sim.validation import ScenarioError

FD_TIERS: list[dict[str, Any]] = [
    {"name": "national", "markup": 0.05, "lead_time_days": 5, "serves": 1000},
    {
        "name": "regional",
        "markup": 0.0,
        "compensation": "rebate",
        "rebate_rate": 0.07,
        "lead_time_days": 3,
        "serves": 5,
    },
    {"name": "retailer", "markup": 0.20, "lead_time_days": 2},
]
"""The default tiers with the regional one paid a 7 % rebate (as scenarios/cases/)."""

FD_CASE = Path(__file__).resolve().parents[2] / "scenarios" / "cases" / "fd_direct_control.yaml"

RETAIL_FD_TIERS: list[dict[str, Any]] = [
    {"name": "national", "markup": 0.05, "lead_time_days": 5, "serves": 1000},
    {"name": "retailer", "markup": 0.0, "compensation": "rebate", "rebate_rate": 0.25},
]
"""Retailers paid by rebate: they sell to consumers at par, the wholesale chain's price."""


# --------------------------------------------------------------------------- the rule


def test_the_rebate_is_rate_times_purchase_price_times_units_sold_on() -> None:
    """R_i = r · c · s_i."""
    paid = distributor_rebates(np.array([0, 3, 10]), purchase_price=779.1, rate=0.07)
    assert paid.tolist() == pytest.approx([0.0, 0.07 * 779.1 * 3, 0.07 * 779.1 * 10])


def test_only_rebate_tiers_have_a_rebate_rate() -> None:
    tiers = [Tier.model_validate(t) for t in FD_TIERS]
    assert tier_rebate_rates(tiers).tolist() == [0.0, 0.07, 0.0]
    assert tier_rebate_rates([Tier(name="a", markup=0.1)]).tolist() == [0.0]


def test_a_rebate_tier_sells_at_par() -> None:
    """The tier buys at its supplier's price and sells at that price; the tiers below and the
    shelf price lose its factor (1 + markup)."""
    buy, sell = tier_prices(742.0, [Tier.model_validate(t) for t in FD_TIERS])
    assert sell[1] == buy[1] == pytest.approx(742 * 1.05)
    assert sell[2] == pytest.approx(742 * 1.05 * 1.2)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"markup": 0.07}, "its markup must be 0"),
        ({"pricing": "monopoly"}, "its pricing must be fixed"),
        ({"compensation": "markup", "markup": 0.07}, "has a rebate_rate but is paid by markup"),
        ({"rebate_rate": 1.5}, "less than or equal to 1"),
    ],
)
def test_inconsistent_rebate_tiers_are_refused(change: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        Tier.model_validate({**FD_TIERS[1], **change})


def test_a_scenario_file_with_a_bad_rebate_tier_fails_on_one_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(
        "channels:\n  b2b2c:\n    tiers:\n"
        "      - {name: national, markup: 0.05}\n"
        "      - {name: retailer, markup: 0.2, compensation: rebate, rebate_rate: 0.2}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as error:
        load_scenario(path)
    text = str(error.value)
    assert "channels.b2b2c.tiers.1" in text and "its markup must be 0" in text
    assert len(text.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "change",
    ["channels.b2b2c.tiers.1.rebate_rate: 0.1", "channels.b2b2c.tiers.1.compensation: markup"],
)
def test_set_events_may_not_change_the_contract(tmp_path: Path, change: str) -> None:
    """A tier's compensation and rebate rate are fixed for the run."""
    path = tmp_path / "fd.yaml"
    key, value = change.split(": ")
    path.write_text(
        f"extends: {FD_CASE}\n"
        f"events:\n  - day: 10\n    action: set\n    values: {{{key}: {value}}}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="cannot change during a run"):
        load_scenario(path)


# --------------------------------------------------------------------------- in a run


def fd_market(make_scenario: Callable[..., Scenario], tiers: list[dict[str, Any]]) -> Scenario:
    return make_scenario(days=90, channels={"b2b2c": {"tiers": tiers}})


@pytest.fixture(scope="module", params=["regional", "retailer"])
def fd_run(request: pytest.FixtureRequest, make_scenario: Callable[..., Scenario]) -> dict:
    """A small market with the regional tier (or the retailers) paid by rebate, checked every
    day; with what the rebate tier sold on each day and the day-0 sell-in."""
    tiers = FD_TIERS if request.param == "regional" else RETAIL_FD_TIERS
    model = ChannelModel(fd_market(make_scenario, tiers))
    k = next(i for i, t in enumerate(model.params.channels.b2b2c.tiers) if t.rebate_rate > 0)
    run = {
        "model": model,
        "k": k,
        "day0_rebates": model.ledger.flows_total[DISTRIBUTOR_REBATES],
        "sell_in_units": model.supply.units_to_distributors,
        "sold_on": [],
    }
    for _ in range(model.params.days):
        model.run_for(1)
        assert model.invariant_violations() == [], f"day {model.day}"
        run["sold_on"].append(int(model.supply.tiers[k].sold_today.sum()))
    run["frame"] = model.datacollector.get_model_vars_dataframe()
    run["summary"] = summarize(model, {})
    return run


def test_the_maker_pays_the_rebate_tier_on_every_unit_it_sells_on(fd_run: dict) -> None:
    """Each day the maker pays r · c for every unit the tier sold on; the tier sells at its
    purchase price, its margin is its rebate income, and its cash is its ledger account."""
    model, k, frame, summary = fd_run["model"], fd_run["k"], fd_run["frame"], fd_run["summary"]
    tier = model.params.channels.b2b2c.tiers[k]
    buy, _ = model.supply.prices(model.params.channels.b2b2c)
    paid = frame[outputs.DISTRIBUTOR_REBATE_COST].to_numpy()
    sold_on = np.array(fd_run["sold_on"])
    assert sold_on.sum() > 0
    assert paid == pytest.approx(tier.rebate_rate * buy[k] * sold_on)
    b2b2c = summary["channels"]["b2b2c"]
    by_tier = b2b2c["by_tier"][tier.name]
    assert by_tier["markup_end"] == 0.0
    assert by_tier["price_end"] == pytest.approx(buy[k])
    assert by_tier["margin"] == pytest.approx(paid.sum())
    assert b2b2c["rebate_cost"] == pytest.approx(paid.sum() + fd_run["day0_rebates"])
    assert summary["manufacturer"]["costs"]["distributor_rebates"] == b2b2c["rebate_cost"]
    assert summary["manufacturer"]["costs"]["rebates"] == model.ledger.flows_total["rebates"]
    if k == len(model.params.channels.b2b2c.tiers) - 1:  # retailers: consumers pay par
        assert fd_run["day0_rebates"] == 0.0
        assert b2b2c["shelf_price"] == pytest.approx(742 * 1.05)
    else:
        assert fd_run["day0_rebates"] > 0  # on the retailers' opening stock it passed on
        assert b2b2c["shelf_price"] == pytest.approx(742 * 1.05 * 1.2)
    account = model.ledger.balances[distributor_account(tier.name)]
    assert math.fsum(model.supply.cash[k]) == pytest.approx(account)


def test_the_profit_decomposition_holds_with_rebate_tiers(fd_run: dict) -> None:
    """profit = Σ maker revenue − goods at cost − logistics − advertising − rebates −
    distributor rebates − buy-backs; the B2B2C margin carries the distributor rebates; the
    day-0 margin less its rebates plus the daily columns give the cumulative profit."""
    model, frame, summary = fd_run["model"], fd_run["frame"], fd_run["summary"]
    m, ch = summary["manufacturer"], summary["channels"]
    costs = m["costs"]
    parts = (
        sum(ch[c]["maker_revenue"] for c in ch)
        - costs["goods_sold_at_cost"]
        - costs["logistics"]
        - costs["advertising"]
        - costs["rebates"]
        - costs["distributor_rebates"]
    )
    assert m["profit"] == pytest.approx(parts, rel=1e-12)
    unit_cost = model.params.product.unit_cost
    b2b2c = ch["b2b2c"]
    assert b2b2c["maker_margin"] == pytest.approx(
        b2b2c["maker_revenue"]
        - unit_cost * b2b2c["units_sold_to_distributors"]
        - b2b2c["rebate_cost"]
    )
    daily = (
        frame["maker_revenue_b2b2c"]
        + frame["maker_revenue_b2c"]
        + frame["maker_revenue_b2c2c"]
        - frame["cost_of_goods_sold"]
        - frame["cost_logistics"]
        - frame["cost_advertising"]
        - frame["cost_rebates"]
        - frame[outputs.DISTRIBUTOR_REBATE_COST]
        - frame["cost_buybacks"]
    ).to_numpy()
    opening = fd_run["sell_in_units"] * (742.0 - unit_cost) - fd_run["day0_rebates"]
    cumulative = frame["manufacturer_profit_cumulative"].to_numpy()
    assert cumulative == pytest.approx(opening + np.cumsum(daily), rel=1e-9)
    assert model.ledger.balances[MAKER] == frame["manufacturer_cash"].iloc[-1]
    assert abs(summary["conservation"]["money_imbalance"]) < 1e-9 * model.ledger.scale()


def numbers_of(summary: dict[str, Any]) -> list[str]:
    """Flattened keys of a summary's numbers, in order (as tests/integration/test_outputs.py)."""
    keys: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            elif value is None or isinstance(value, bool | np.bool_ | numbers.Real):
                keys.append(f"{prefix}{key}")

    walk({k: v for k, v in summary.items() if k != "timings_seconds"}, "")
    return keys


def test_a_run_with_a_rebate_tier_produces_exactly_the_declared_outputs(fd_run: dict) -> None:
    scenario = fd_run["model"].params_initial
    assert list(fd_run["frame"].columns) == outputs.measurement_names(scenario)
    assert numbers_of(fd_run["summary"]) == outputs.summary_keys(scenario)
    names = outputs.measurement_names(scenario)
    assert names.index(outputs.DISTRIBUTOR_REBATE_COST) == names.index("cost_rebates") + 1


def test_without_a_rebate_tier_nothing_is_added(make_scenario: Callable[..., Scenario]) -> None:
    scenario = make_scenario()
    assert not outputs.has_rebate_tiers(scenario)
    assert outputs.DISTRIBUTOR_REBATE_COST not in outputs.measurement_names(scenario)
    keys = outputs.summary_keys(scenario)
    assert "channels.b2b2c.rebate_cost" not in keys
    assert "manufacturer.costs.distributor_rebates" not in keys
    off = make_scenario(channels={"b2b2c": {"enabled": False, "tiers": FD_TIERS}})
    assert not outputs.has_rebate_tiers(off)
