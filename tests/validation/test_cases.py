"""The seed cases (docs/CASES.md, scenarios/cases/): each case's scenarios differ from their
contrast in exactly the change the case is about, and the effect its finding states has that
direction when the model runs them on a small market (paired seeds, a few seconds a run).

* Case 9, the 2020 shutdown [Shen2020]: with retail closed on days 30-89, opening micro-stores
  to everyone on day 30 at a 1 % rebate sells more during the closure and over the run than
  keeping them for employees, and earns the maker more, for a larger rebate bill; the closure
  itself (against the same market without it) loses sales.
* Case 3, FD direct control [ZTE2014]: paying the regional distributors a 7 % rebate at par
  instead of a 7 % markup lowers the shelf price by that factor, sells more through
  distributors, and lowers the maker's B2B2C margin and its profit.
* Case 4, C2B demand feedback [ZTE2014]: the maker and its national distributors forecasting
  from consumers' demand half-weighted against the orders they receive shrink the bullwhip at
  the maker and in production, and fewer shoppers meet an empty shelf.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "scenarios" / "cases"
SMALL = ["market.consumers=20000", "days=120"]
"""The small market of the direction tests (the shipped cases have 100,000 consumers and a
year)."""
SEEDS = (0, 1, 2)
"""Paired seeds: replication r of every scenario of a case runs with seed r."""

CLOSED = slice(29, 89)
"""Rows of days 30-89 in the daily measurements (row d − 1 is day d), the closure."""


def resolved(path: Path) -> dict[str, Any]:
    return load_scenario(path).model_dump(mode="json")


def differences(a: Any, b: Any, prefix: str = "") -> list[str]:
    """Dotted paths of the leaves in which two resolved scenarios differ (lists compared by
    item when they have the same length, otherwise as a whole)."""
    if isinstance(a, dict) and isinstance(b, dict):
        keys = list(dict.fromkeys([*a, *b]))
        return [p for k in keys for p in differences(a.get(k), b.get(k), f"{prefix}{k}.")]
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        return [
            p
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for p in differences(x, y, f"{prefix}{i}.")
        ]
    return [] if a == b else [prefix.rstrip(".")]


Run = tuple[pd.DataFrame, dict[str, Any]]
"""One small run: its daily measurements and its summary."""


def run(path: Path, seed: int) -> Run:
    """The daily measurements and the summary of one small run."""
    scenario = load_scenario(path, [*SMALL, f"seed={seed}"])
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    assert model.invariant_violations() == []
    return model.datacollector.get_model_vars_dataframe(), summarize(model, {})


@pytest.mark.parametrize(
    ("name", "source"),
    [
        ("shutdown_without_move", "[Shen2020]"),
        ("shutdown_with_move", "[Shen2020]"),
        ("shutdown_no_closure", "[Shen2020]"),
        ("fd_direct_control", "[ZTE2014]"),
        ("c2b_feedback", "[ZTE2014]"),
    ],
)
def test_a_case_cites_its_source(name: str, source: str) -> None:
    """The scenario's name is its file's, its description cites the source, and every key the
    file cites is in docs/REFERENCES.md."""
    path = CASES / f"{name}.yaml"
    scenario = load_scenario(path)
    assert scenario.name == name
    assert source in scenario.description
    references = (REPO / "docs" / "REFERENCES.md").read_text(encoding="utf-8")
    for key in re.findall(r"\[[A-Za-z0-9]+\]", path.read_text(encoding="utf-8")):
        assert f"**{key}**" in references, key


# --------------------------------------------------------------------------- case 9


SHUTDOWN = {
    name: CASES / f"shutdown_{name}.yaml" for name in ("without_move", "with_move", "no_closure")
}


def test_case_9_pairs_differ_in_exactly_one_thing() -> None:
    """With and without the move differ only in the open_to_public event on day 30; without
    the move and without the closure differ only in the closure's two events; the move's
    scenario is the shipped 2020 scenario under another name."""
    without, with_move, no_closure = (resolved(p) for p in SHUTDOWN.values())
    label = {"name", "description"}
    assert set(differences(without, with_move)) - label == {"events"}
    added = [e for e in with_move["events"] if e not in without["events"]]
    assert added == [{"day": 30, "action": "open_to_public"}]
    assert [e for e in with_move["events"] if e not in added] == without["events"]
    assert set(differences(without, no_closure)) - label == {"events"}
    assert no_closure["events"] == []
    assert [(e["day"], e["action"]) for e in without["events"]] == [
        (30, "close_channel"),
        (90, "reopen_channel"),
    ]
    shipped_2020 = resolved(REPO / "scenarios" / "offline_shutdown_2020.yaml")
    assert set(differences(with_move, shipped_2020)) <= label
    b2c2c = without["channels"]["b2c2c"]
    assert b2c2c["rebate_rate"] == 0.01
    assert (b2c2c["rollout"]["employees_from_day"], b2c2c["rollout"]["public_from_day"]) == (
        0,
        None,
    )
    assert set(
        differences(without, resolved(REPO / "scenarios" / "three_channels.yaml"))
    ) - label == {
        "events",
        "channels.b2c2c.rebate_rate",
        "channels.b2c2c.rollout.public_from_day",
    }


@pytest.fixture(scope="module")
def shutdown_runs() -> dict[str, list[Run]]:
    return {name: [run(path, seed) for seed in SEEDS] for name, path in SHUTDOWN.items()}


def paired(a: list[Run], b: list[Run], get: Callable[[Run], float]) -> list[float]:
    """``get(a_r) − get(b_r)`` for each replication r (the same seed in both)."""
    return [get(x) - get(y) for x, y in zip(a, b, strict=True)]


def value(*keys: str) -> Callable[[Run], float]:
    """The summary number at ``keys`` of a run (``value("manufacturer", "profit")``)."""

    def get(r: Run) -> float:
        node: Any = r[1]
        for key in keys:
            node = node[key]
        return float(node)

    return get


def closed_units(channel: str = "total") -> Callable[[Run], float]:
    """Units sold on days 30-89, the closure (all channels, or one)."""
    return lambda r: float(r[0][f"units_{channel}"].iloc[CLOSED].sum())


def test_case_9_the_move_recovers_sales_at_a_small_rebate_cost(
    shutdown_runs: dict[str, list[Run]],
) -> None:
    """Paired over seeds: the closure loses sales during days 30-89; the move wins some of
    them back during the closure (through micro-stores) and sells more over the run, and the
    maker's profit rises by far more than the rebates it adds."""
    no_closure, without, with_move = (
        shutdown_runs[k] for k in ("no_closure", "without_move", "with_move")
    )
    lost = paired(no_closure, without, closed_units())
    won = paired(with_move, without, closed_units())
    won_by_stores = paired(with_move, without, closed_units("b2c2c"))
    assert np.mean(lost) > 0, f"the closure should lose sales on days 30-89: {lost}"
    assert np.mean(won) > 0, f"the move should win back sales on days 30-89: {won}"
    assert np.mean(won_by_stores) > 0, won_by_stores
    assert np.mean(paired(with_move, without, lambda r: float(r[0]["units_total"].sum()))) > 0
    stores = paired(with_move, without, value("channels", "b2c2c", "units"))
    assert min(stores) > 0, stores
    rebates = paired(with_move, without, value("manufacturer", "costs", "rebates"))
    assert min(rebates) > 0, rebates
    profit = paired(with_move, without, value("manufacturer", "profit"))
    assert np.mean(profit) > 10 * np.mean(rebates), (profit, rebates)


# --------------------------------------------------------------------------- case 3


FD = CASES / "fd_direct_control.yaml"
BASELINE = REPO / "scenarios" / "three_channels.yaml"


def test_case_3_differs_from_the_baseline_in_the_regional_tiers_pay_only() -> None:
    """The regional tier's 7 % markup becomes a 7 % rebate at par; nothing else changes."""
    fd, base = resolved(FD), resolved(BASELINE)
    assert set(differences(base, fd)) - {"name", "description"} == {
        "channels.b2b2c.tiers.1.markup",
        "channels.b2b2c.tiers.1.compensation",
        "channels.b2b2c.tiers.1.rebate_rate",
    }
    regional = fd["channels"]["b2b2c"]["tiers"][1]
    assert (regional["markup"], regional["compensation"], regional["rebate_rate"]) == (
        0.0,
        "rebate",
        0.07,
    )
    assert base["channels"]["b2b2c"]["tiers"][1]["markup"] == 0.07


@pytest.fixture(scope="module")
def fd_runs() -> dict[str, list[Run]]:
    return {"baseline": [run(BASELINE, s) for s in SEEDS], "fd": [run(FD, s) for s in SEEDS]}


def test_case_3_fd_lowers_the_shelf_price_and_the_maker_pays_for_it(
    fd_runs: dict[str, list[Run]],
) -> None:
    """The shelf price falls by the regional factor 1.07; distributors sell more and earn more
    in all; the maker pays the regional margin as rebates, and its B2B2C margin and profit
    fall (paired over seeds)."""
    for (_, s_fd), (_, s_base) in zip(fd_runs["fd"], fd_runs["baseline"], strict=True):
        b_fd, b_base = s_fd["channels"]["b2b2c"], s_base["channels"]["b2b2c"]
        assert b_fd["shelf_price"] == pytest.approx(742 * 1.05 * 1.2)
        assert b_base["shelf_price"] == pytest.approx(b_fd["shelf_price"] * 1.07)
        assert b_fd["by_tier"]["regional"]["markup_end"] == 0.0
        assert b_fd["rebate_cost"] > 0
        assert s_fd["manufacturer"]["costs"]["rebates"] == s_fd["channels"]["b2c2c"]["rebate_cost"]

    fd, base = fd_runs["fd"], fd_runs["baseline"]
    b2b2c = ("channels", "b2b2c")
    assert np.mean(paired(fd, base, value(*b2b2c, "units"))) > 0
    assert np.mean(paired(fd, base, value(*b2b2c, "distributor_margin"))) > 0
    assert np.mean(paired(fd, base, value(*b2b2c, "by_tier", "regional", "margin"))) > 0
    assert np.mean(paired(fd, base, value(*b2b2c, "maker_margin"))) < 0
    assert np.mean(paired(fd, base, value("manufacturer", "profit"))) < 0


# --------------------------------------------------------------------------- case 4


C2B = CASES / "c2b_feedback.yaml"
BULLWHIP = REPO / "scenarios" / "lessons" / "bullwhip.yaml"


def test_case_4_differs_from_the_bullwhip_lesson_in_the_feedback_only() -> None:
    """The feedback is switched on at w = 0.5; nothing else changes."""
    c2b, base = resolved(C2B), resolved(BULLWHIP)
    assert set(differences(base, c2b)) - {"name", "description"} == {
        "manufacturer.c2b_feedback.enabled"
    }
    assert c2b["manufacturer"]["c2b_feedback"] == {"enabled": True, "weight": 0.5}


def production_bullwhip(r: Run) -> float:
    """Var(production started)/Var(retail demand) after the tiers' forecast warm-up (14 days,
    as the summary's bullwhip ratios)."""
    frame = r[0].iloc[14:]
    return float(np.var(frame["production_started"]) / np.var(frame["demand_retail"]))


def shelf_misses(r: Run) -> float:
    """Consumer requests at an empty retail shelf (retail demand less units sold)."""
    return float((r[0]["demand_retail"] - r[0]["units_b2b2c"]).sum())


@pytest.fixture(scope="module")
def c2b_runs() -> dict[str, list[Run]]:
    return {"baseline": [run(BULLWHIP, s) for s in SEEDS], "c2b": [run(C2B, s) for s in SEEDS]}


def test_case_4_feedback_shrinks_the_bullwhip_at_the_maker(
    c2b_runs: dict[str, list[Run]],
) -> None:
    """Paired over seeds: the national tier's orders (what the maker receives) and production
    swing less relative to consumer demand, by more than a quarter at the maker, and fewer
    shoppers meet an empty shelf; the maker's ratio is meaningful (≥ 5 units a node a day)."""
    c2b, base = c2b_runs["c2b"], c2b_runs["baseline"]
    for r in (*c2b, *base):
        assert r[1]["bullwhip_meaningful"]["national"] == 1
    at_maker = value("channels", "b2b2c", "bullwhip_at_maker")
    assert max(paired(c2b, base, at_maker)) < 0, paired(c2b, base, at_maker)
    ratios = [at_maker(x) / at_maker(y) for x, y in zip(c2b, base, strict=True)]
    assert np.mean(ratios) < 0.75, ratios
    assert max(paired(c2b, base, production_bullwhip)) < 0
    assert np.mean(paired(c2b, base, shelf_misses)) < 0
