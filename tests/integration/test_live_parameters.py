"""Every parameter is either live (read by the day's stages, so a ``set`` event changes what
happens from its day) or refused by ``set`` events with a one-line error.

The test replaces a model's live parameters by a recorder that notes every parameter the stages
read while the model runs, over probe scenarios that switch every mechanism on, and checks that
each parameter of the schema is read during the days or is refused by ``set`` events.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import BaseModel

from sim.docs import render
from sim.model import ChannelModel
from sim.scenario import check_live_path

CONSTRAINTS = {
    "channels.b2c2c.max_rebate_levels",
    "channels.b2c2c.max_total_rebate_share",
    "channels.b2c2c.stock_pressure.max_margin_share",
}
"""Caps that no rule reads: every ``set`` event is validated against them on its day."""

PROBES: list[tuple[str, list[str]]] = [
    ("three_channels", []),
    (
        "three_channels",
        [
            "channels.b2b2c.retail_stockouts=backorder",
            "product.kind=consumable",
            "channels.b2c2c.upline_rebate_rates=[0.01]",
            "channels.b2c2c.closing.review_days=20",
        ],
    ),
    ("three_channels", ["product.kind=one_time"]),
    ("three_channels", ["brands=[{name: rival, changes: {product.list_price: 950}}]"]),
    (
        "three_channels",
        [
            "channels.b2c2c.certification.enabled=true",
            "channels.b2c2c.certification.min_audience=5",
            "channels.b2c2c.certification.fee=50",
            "channels.b2c2c.teams.enabled=true",
            "manufacturer.c2b_feedback.enabled=true",
            "channels.b2c2c.mentors.enabled=true",
        ],
    ),
    ("b2b2c_only", ["channels.b2b2c.tiers.0.pricing=monopoly"]),
    ("spam_crackdown", []),
    ("spam_vs_community", []),
    ("pyramid_unregulated", []),
    ("pyramid_regulated", []),
    (
        "pyramid_unregulated",
        [
            "channels.b2c2c.stock_pressure.buyback_share=0.5",
            "channels.b2c2c.stock_pressure.upline_choice=seniority",
            "channels.b2c2c.stock_pressure.max_recruits=3",
        ],
    ),
]


class Recorder:
    """A read-only view of a scenario that records the dotted path of every value read."""

    def __init__(self, obj: BaseModel, path: str, seen: set[str]) -> None:
        object.__setattr__(self, "_obj", obj)
        object.__setattr__(self, "_path", path)
        object.__setattr__(self, "_seen", seen)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._obj, name)
        path = f"{self._path}.{name}" if self._path else name
        if name == "events" or name.startswith("model_"):
            self._seen.add(path)
            return value
        if isinstance(value, BaseModel):
            return Recorder(value, path, self._seen)
        if isinstance(value, list) and value and isinstance(value[0], BaseModel):
            return [Recorder(item, f"{path}.<i>", self._seen) for item in value]
        self._seen.add(path)
        return value


@pytest.fixture(scope="module")
def read_during_runs(shipped: Callable) -> set[str]:
    seen: set[str] = set()
    for name, overrides in PROBES:
        scenario = shipped(name, "market.consumers=3000", *overrides, days=120)
        model = ChannelModel(scenario)
        model.market.params = Recorder(scenario, "", seen)  # type: ignore[assignment]
        model.run_for(scenario.days)
    return seen


def scenario_parameters() -> list[str]:
    """Every parameter path of the reference, list items as ``<i>`` (graph and events apart)."""
    text = render()
    scenario_part = text[: text.index("### Graph generators")]
    rows = [line.split("`")[1] for line in scenario_part.splitlines() if line.startswith("| `")]
    return [r for r in rows if not re.search(r"\.\d+\.", r) and r not in ("graph", "events")]


def refused_by_set_events(path: str) -> bool:
    try:
        check_live_path(path.replace("<i>", "0"))
    except ValueError:
        return True
    return False


def test_every_parameter_is_live_or_refused(read_during_runs: set[str]) -> None:
    silently_ignored = [
        p
        for p in scenario_parameters()
        if p not in read_during_runs and p not in CONSTRAINTS and not refused_by_set_events(p)
    ]
    assert silently_ignored == []


def test_the_recorder_sees_what_the_stages_read(read_during_runs: set[str]) -> None:
    for path in (
        "channels.b2c2c.rebate_rate",
        "channels.b2b2c.tiers.<i>.markup",
        "spam.mute_trust_threshold",
        "channels.b2c2c.rollout.public_from_day",
        "channels.b2c2c.stock_pressure.quota_period_days",
    ):
        assert path in read_during_runs
    assert "consumers.habit_mean.offline" not in read_during_runs  # drawn at the start only
