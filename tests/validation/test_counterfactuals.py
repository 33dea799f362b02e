"""The clean counterfactuals (scenarios/counterfactuals/) differ from the three-channel baseline
in exactly one thing, and that one thing does what the file says.

Each file is loaded with the loader ``chansim run`` uses and compared with the baseline path by
path; the changed values are also checked against the shipped scenario they are taken from, so
that the counterfactual stays in step with it. A short run on a small market then shows the
change at work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.loading import load_scenario, scenario_sha256, scenario_yaml
from sim.model import ChannelModel
from sim.scenario import Scenario
from sim.stores import EMPLOYEE_KIND

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = REPO / "scenarios"
COUNTERFACTUALS = SCENARIOS / "counterfactuals"
BASELINE = SCENARIOS / "three_channels.yaml"

#: Every counterfactual: the dotted paths (besides name and description) where it may and must
#: differ from the baseline, the shipped scenario it follows, and the source key it cites.
EXPECTED: dict[str, tuple[set[str], str, str]] = {
    "offline_closure_only": (
        {
            "events",
            "events.0.day",
            "events.0.action",
            "events.0.channel",
            "events.1.day",
            "events.1.action",
            "events.1.channel",
        },
        "offline_shutdown_2020",
        "[Shen2020]",
    ),
    "employee_first_only": (
        {"channels.b2c2c.rollout.public_from_day", "events", "events.0.day", "events.0.action"},
        "employee_first_rollout",
        "[Suning2015]",
    ),
    "rebate_1pct_only": (
        {"channels.b2c2c.rebate_rate"},
        "offline_shutdown_2020",
        "[Shen2020]",
    ),
}

SMALL = ["market.consumers=3000", "days=120"]

ABSENT = object()


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Plain data as ``{dotted.path: leaf}``; list items by index; an empty mapping or list is a
    leaf of its own (so ``events: []`` against a list of events shows up)."""
    if isinstance(value, dict) and value:
        return {
            path: leaf
            for key, item in value.items()
            for path, leaf in flatten(item, f"{prefix}{key}.").items()
        }
    if isinstance(value, list) and value:
        return {
            path: leaf
            for i, item in enumerate(value)
            for path, leaf in flatten(item, f"{prefix}{i}.").items()
        }
    return {prefix.rstrip("."): value}


def dumped(path: Path, overrides: list[str] | None = None) -> dict[str, Any]:
    return flatten(load_scenario(path, overrides or []).model_dump(mode="json"))


def differing(a: dict[str, Any], b: dict[str, Any]) -> set[str]:
    return {k for k in a.keys() | b.keys() if a.get(k, ABSENT) != b.get(k, ABSENT)}


# --------------------------------------------------------------------------- what differs


def test_the_folder_holds_exactly_the_documented_counterfactuals() -> None:
    assert {p.stem for p in COUNTERFACTUALS.glob("*.yaml")} == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_counterfactual_differs_from_the_baseline_only_where_intended(name: str) -> None:
    intended, _, _ = EXPECTED[name]
    diff = differing(dumped(BASELINE), dumped(COUNTERFACTUALS / f"{name}.yaml"))
    assert {"name", "description"} <= diff
    assert diff - {"name", "description"} == intended
    assert intended  # at least one real change


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_counterfactual_stays_one_change_at_any_market_size(name: str) -> None:
    """The same holds after a consultant's ``--set`` applied to both."""
    intended, _, _ = EXPECTED[name]
    overrides = [*SMALL, "channels.b2c.advertising.grps_per_day=5"]
    diff = differing(
        dumped(BASELINE, overrides), dumped(COUNTERFACTUALS / f"{name}.yaml", overrides)
    )
    assert diff - {"name", "description"} == intended


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_counterfactual_extends_the_baseline_and_says_what_it_follows(name: str) -> None:
    _, _, source = EXPECTED[name]
    path = COUNTERFACTUALS / f"{name}.yaml"
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert raw["extends"] == "../three_channels.yaml"
    assert raw["name"] == name
    scenario = load_scenario(path)
    assert scenario.name == name
    assert "three_channels" in scenario.description
    assert source in scenario.description
    references = (REPO / "docs" / "REFERENCES.md").read_text(encoding="utf-8")
    assert f"**{source}**" in references
    for key in re.findall(r"\[[A-Za-z0-9]+\]", path.read_text(encoding="utf-8")):
        assert f"**{key}**" in references, key


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_a_counterfactual_resolved_loads_back_equal(tmp_path: Path, name: str) -> None:
    """The resolved file a run writes (scenario.yaml) reproduces the counterfactual."""
    scenario = load_scenario(COUNTERFACTUALS / f"{name}.yaml", SMALL)
    out = tmp_path / "scenario.yaml"
    out.write_text(scenario_yaml(scenario), encoding="utf-8")
    back = load_scenario(out)
    assert back == scenario
    assert scenario_sha256(back) == scenario_sha256(scenario)


def test_the_closure_is_the_2020_scenarios_closure() -> None:
    """The same event types and days as offline_shutdown_2020, without its open_to_public."""
    closure = load_scenario(COUNTERFACTUALS / "offline_closure_only.yaml")
    shutdown = load_scenario(SCENARIOS / "offline_shutdown_2020.yaml")
    channel_events = [e for e in shutdown.events if e.action in ("close_channel", "reopen_channel")]
    assert closure.events == channel_events
    assert [(e.day, e.action, e.channel) for e in closure.events] == [
        (30, "close_channel", "b2b2c"),
        (90, "reopen_channel", "b2b2c"),
    ]


def test_the_rollout_is_the_employee_first_scenarios_rollout() -> None:
    """The same rollout rules and event as employee_first_rollout, at the baseline's employees."""
    rollout = load_scenario(COUNTERFACTUALS / "employee_first_only.yaml")
    source = load_scenario(SCENARIOS / "employee_first_rollout.yaml")
    baseline = load_scenario(BASELINE)
    assert rollout.channels.b2c2c.rollout == source.channels.b2c2c.rollout
    assert rollout.events == source.events
    assert rollout.market.employee_share == baseline.market.employee_share
    assert source.market.employee_share != baseline.market.employee_share


def test_the_rebate_is_the_2020_scenarios_rebate() -> None:
    rebate = load_scenario(COUNTERFACTUALS / "rebate_1pct_only.yaml")
    shutdown = load_scenario(SCENARIOS / "offline_shutdown_2020.yaml")
    assert rebate.channels.b2c2c.rebate_rate == shutdown.channels.b2c2c.rebate_rate == 0.01
    assert load_scenario(BASELINE).channels.b2c2c.rebate_rate == 0.05


# --------------------------------------------------------------------------- the change at work

Run = tuple[ChannelModel, pd.DataFrame]


@pytest.fixture(scope="module")
def small_run(
    shipped: Callable[..., Scenario], run_model: Callable[..., Run]
) -> Callable[[str], Run]:
    """The model and its daily measurements (with a ``day`` column, 1 = the first day) after 120
    days at 3,000 consumers, once per scenario."""
    cache: dict[str, Run] = {}

    def run(name: str) -> Run:
        if name not in cache:
            model, frame = run_model(shipped(name, *SMALL))
            frame = frame.assign(day=np.arange(1, len(frame) + 1))
            cache[name] = (model, frame)
        return cache[name]

    return run


def test_retail_sells_nothing_while_it_is_closed(small_run: Callable[[str], Run]) -> None:
    _, base = small_run("three_channels")
    _, closed = small_run("counterfactuals/offline_closure_only")
    shut = closed["day"].between(30, 89)
    assert list(closed.loc[closed["open_b2b2c"] == 0, "day"]) == list(range(30, 90))
    assert closed.loc[shut, "units_b2b2c"].sum() == 0
    assert closed.loc[~shut, "units_b2b2c"].sum() > 0  # it sells before and after
    assert base.loc[shut, "units_b2b2c"].sum() > 0  # and would have sold meanwhile
    assert (closed["open_b2c"] == 1).all() and (closed["open_b2c2c"] == 1).all()


def test_the_public_opens_no_store_before_the_rollout_day(
    small_run: Callable[[str], Run],
) -> None:
    def public_opening_days(name: str) -> np.ndarray:
        stores = small_run(name)[0].stores
        n = len(stores)
        return stores.opened_day[:n][stores.kind[:n] != EMPLOYEE_KIND]

    rolled = public_opening_days("counterfactuals/employee_first_only")
    assert len(rolled) > 0 and rolled.min() >= 60
    assert (public_opening_days("three_channels") < 60).any()


def test_the_maker_pays_one_percent_on_micro_store_sales(
    small_run: Callable[[str], Run],
) -> None:
    def paid_share(name: str) -> float:
        _, frame = small_run(name)
        assert frame["revenue_b2c2c"].sum() > 0
        return frame["cost_rebates"].sum() / frame["revenue_b2c2c"].sum()

    assert paid_share("counterfactuals/rebate_1pct_only") == pytest.approx(0.01)
    assert paid_share("three_channels") == pytest.approx(0.05)
