"""Shared test settings and scenario builders.

Graph caches go to a temporary folder, never the user's home. The builders are session-scoped
factories, so module-scoped fixtures can use them too:

* ``make_scenario(**sections)``: a small market (seed 3, 60 days, 4,000 consumers, all three
  channels) with sections merged in, key by key at any depth;
* ``micro_store_market(**sections)``: the same with micro-stores as the only channel, a monthly
  consumable (a facial mask at 100) and employees opening stores at once (for the B2C2C
  mechanisms);
* ``shipped(name, *overrides, **kw)``: a shipped scenario file, loaded as ``chansim run`` does;
* ``run_model(scenario, days=None)``: the model after ``days`` days (default: the scenario's)
  and its daily measurements.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.scenario import Scenario

REPO = Path(__file__).resolve().parents[1]

SMALL_MARKET: dict[str, Any] = {"seed": 3, "days": 60, "market": {"consumers": 4000}}

MICRO_STORE_MARKET: dict[str, Any] = {
    "market": {"consumers": 6000, "initial_aware_share": 0.2, "employee_share": 0.03},
    "product": {
        "name": "facial mask",
        "kind": "consumable",
        "repeat_interval_days": 30,
        "unit_cost": 20.0,
        "list_price": 100.0,
    },
    "channels": {
        "b2b2c": {"enabled": False},
        "b2c": {"enabled": False},
        "b2c2c": {
            "price": 100.0,
            "logistics_cost_per_unit": 5.0,
            "opening": {"employee_consideration_rate_per_day": 1.0},
        },
    },
}


def merged(base: dict[str, Any], changes: dict[str, Any]) -> dict[str, Any]:
    """``base`` with ``changes`` merged in: mappings key by key, anything else replaced."""
    out = copy.deepcopy(base)
    for key, value in changes.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merged(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


@pytest.fixture(autouse=True, scope="session")
def _graph_cache_in_tmp(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    previous = os.environ.get("CHANSIM_CACHE")
    os.environ["CHANSIM_CACHE"] = str(tmp_path_factory.mktemp("graph-cache"))
    yield
    if previous is None:
        os.environ.pop("CHANSIM_CACHE", None)
    else:
        os.environ["CHANSIM_CACHE"] = previous


@pytest.fixture(scope="session")
def make_scenario() -> Callable[..., Scenario]:
    def make(**sections: Any) -> Scenario:
        return Scenario.model_validate(merged(SMALL_MARKET, sections))

    return make


@pytest.fixture(scope="session")
def micro_store_market() -> Callable[..., Scenario]:
    def make(**sections: Any) -> Scenario:
        return Scenario.model_validate(merged(merged(SMALL_MARKET, MICRO_STORE_MARKET), sections))

    return make


@pytest.fixture(scope="session")
def shipped() -> Callable[..., Scenario]:
    def load(name: str, *overrides: str, **kwargs: Any) -> Scenario:
        return load_scenario(REPO / "scenarios" / f"{name}.yaml", list(overrides), **kwargs)

    return load


@pytest.fixture(scope="session")
def run_model() -> Callable[..., tuple[ChannelModel, pd.DataFrame]]:
    def run(scenario: Scenario, days: int | None = None) -> tuple[ChannelModel, pd.DataFrame]:
        model = ChannelModel(scenario)
        model.run_for(days or scenario.days)
        return model, model.datacollector.get_model_vars_dataframe()

    return run


@pytest.fixture
def figure_inspector(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Every figure saved while the test runs, checked by ``tests/figure_check.py``.

    Returns a mapping filled as figures are saved: file name → the figure's problems (an empty
    list when it passes).
    """
    from figure_check import figure_problems
    from matplotlib.figure import Figure

    seen: dict[str, list[str]] = {}
    original = Figure.savefig

    def savefig(self: Figure, fname: Any, *args: Any, **kwargs: Any) -> Any:
        name = Path(str(fname)).name
        seen[name] = figure_problems(self, name)
        return original(self, fname, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return seen
