"""Case: certification and entry thresholds for public micro-stores ([Suning2015],
[MicroBusiness2015]; docs/CASES.md). The same small three-channel market with and without the
threshold (an audience trust of at least 10 and a one-off fee of 100, employees exempt), run
through the model: fewer stores open, each sells more, the fees reach the maker and the money
checks hold."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml

from sim.model import ChannelModel
from sim.scenario import Scenario
from sim.stores import EMPLOYEE_KIND

REPO = Path(__file__).resolve().parents[2]
CERTIFICATION = {"enabled": True, "min_audience": 10.0, "fee": 100.0}
MARKET = {"days": 240, "market": {"consumers": 12000}}

Runner = Callable[..., tuple[ChannelModel, pd.DataFrame]]


def _stores(model: ChannelModel) -> dict[str, float]:
    book = model.stores
    units = book.column("units")
    active = int(book.column("is_open").sum())
    return {
        "opened": book.size,
        "public_opened": int((book.column("kind") != EMPLOYEE_KIND).sum()),
        "active": active,
        "units": int(units.sum()),
        "units_per_active": units.sum() / active if active else 0.0,
    }


@pytest.fixture(scope="module")
def pair(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> dict[str, tuple[ChannelModel, dict[str, float]]]:
    out = {}
    for name, extra in (("open", {}), ("certified", {"certification": CERTIFICATION})):
        scenario = make_scenario(**MARKET, channels={"b2c2c": extra})
        model, _ = run_model(scenario)
        out[name] = (model, _stores(model))
    return out


def test_the_case_file_differs_from_the_baseline_in_certification_only() -> None:
    text = (REPO / "scenarios" / "cases" / "certification.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    assert data["extends"] == "../three_channels.yaml"
    assert set(data) == {"extends", "name", "description", "channels"}
    assert data["channels"] == {"b2c2c": {"certification": CERTIFICATION}}


def test_certification_means_fewer_stores_that_each_sell_more(
    pair: dict[str, tuple[ChannelModel, dict[str, float]]],
) -> None:
    _, free = pair["open"]
    _, certified = pair["certified"]
    assert free["public_opened"] >= 30, free  # enough stores for the comparison to mean much
    assert certified["opened"] < 0.6 * free["opened"], (free, certified)
    assert certified["active"] < free["active"]
    assert certified["units_per_active"] > 1.3 * free["units_per_active"], (free, certified)


def test_public_owners_pay_the_fee_to_the_maker_and_the_money_checks_hold(
    pair: dict[str, tuple[ChannelModel, dict[str, float]]],
) -> None:
    model, certified = pair["certified"]
    fees = model.ledger.flows_total["entry_fees"]
    assert fees == pytest.approx(CERTIFICATION["fee"] * certified["public_opened"])
    assert certified["public_opened"] > 0
    assert model.invariant_violations() == []
    free_model, _ = pair["open"]
    assert free_model.ledger.flows_total["entry_fees"] == 0.0


def test_employees_are_exempt(
    micro_store_market: Callable[..., Scenario], run_model: Runner
) -> None:
    """Beyond anyone's reach and at a prohibitive fee, only employees open stores."""
    impossible = {"enabled": True, "min_audience": 1e9, "fee": 1e9}
    model, _ = run_model(micro_store_market(channels={"b2c2c": {"certification": impossible}}), 30)
    kinds = model.stores.column("kind")
    assert len(kinds) > 0
    assert np.all(kinds == EMPLOYEE_KIND)
    assert model.ledger.flows_total["entry_fees"] == 0.0
