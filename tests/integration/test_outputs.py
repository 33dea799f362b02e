"""The declared outputs (sim/outputs.py) are what runs produce, for every shipped scenario."""

from __future__ import annotations

import numbers
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sim import outputs
from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.results import summarize

SHIPPED = Path(__file__).resolve().parents[2] / "scenarios"
SCENARIOS = [
    *sorted(SHIPPED.glob("*.yaml")),
    *(
        SHIPPED / "cases" / f"{name}.yaml"
        for name in ("distributor_run_stores", "paid_mentors", "dilution_owners_switch")
    ),
]
"""Every shipped scenario at the top level (three_brands: several brands), distributor-run
stores, paid mentors and owners who switch brand."""


def numbers_of(summary: dict[str, Any]) -> list[str]:
    """Flattened keys of a summary's numbers, booleans and missing numbers (None), in order."""
    keys: list[str] = []

    def walk(node: dict[str, Any], prefix: str) -> None:
        for key, value in node.items():
            if isinstance(value, dict):
                walk(value, f"{prefix}{key}.")
            elif value is None or isinstance(value, bool | np.bool_ | numbers.Real):
                keys.append(f"{prefix}{key}")

    walk({k: v for k, v in summary.items() if k != "timings_seconds"}, "")
    return keys


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_a_run_produces_exactly_the_declared_outputs(path: Path) -> None:
    scenario = load_scenario(path, ["market.consumers=400", "days=3"])
    model = ChannelModel(scenario)
    model.run_for(3)
    frame = model.datacollector.get_model_vars_dataframe()
    assert list(frame.columns) == outputs.measurement_names(scenario)
    assert sorted(model.measures) == sorted(outputs.measurement_names(scenario))
    assert numbers_of(summarize(model, {})) == outputs.summary_keys(scenario)


def test_every_declared_output_has_a_label_and_a_unique_name() -> None:
    for path in SCENARIOS:
        scenario = load_scenario(path)
        for group in (outputs.measurements_of(scenario), outputs.summary_outputs(scenario)):
            names = [o.name for o in group]
            assert len(names) == len(set(names)), path
            assert all(o.label for o in group), path


def test_labels_of_scenario_dependent_names() -> None:
    assert outputs.label("manufacturer.profit") == "maker's profit"
    assert outputs.label("pyramid.stranded_stock") == "stranded stock"
    assert outputs.label("orders_regional") == "orders placed by regional"
    assert outputs.label("no_such_output") == "no_such_output"
    assert outputs.find("units_b2c").axis_label == "units sold, B2C (units/day)"
