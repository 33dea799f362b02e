"""Unit tests of dated events acting on the market's state (sim/events.py, M9)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from sim.events import apply_events, describe
from sim.market import MarketState
from sim.scenario import Scenario
from sim.shopping import channel_offer


def market_with(make_scenario: Callable[..., Scenario], *events: dict) -> MarketState:
    return MarketState(make_scenario(events=list(events)))


def test_closing_and_reopening_a_channel(make_scenario: Callable[..., Scenario]) -> None:
    market = market_with(
        make_scenario,
        {"day": 5, "action": "close_channel", "channel": "b2b2c"},
        {"day": 9, "action": "reopen_channel", "channel": "b2b2c"},
    )
    assert apply_events(market, 4) == [] and market.is_open("b2b2c")
    assert apply_events(market, 5) == ["close b2b2c"]
    assert not market.is_open("b2b2c") and market.is_open("b2c")
    apply_events(market, 9)
    assert market.is_open("b2b2c")
    assert market.event_log == [(5, "close b2b2c"), (9, "reopen b2b2c")]


def test_opening_to_the_public_only_brings_the_day_forward(
    make_scenario: Callable[..., Scenario],
) -> None:
    scenario = make_scenario(
        channels={"b2c2c": {"rollout": {"public_from_day": 30}}},
        events=[{"day": 10, "action": "open_to_public"}, {"day": 40, "action": "open_to_public"}],
    )
    market = MarketState(scenario)
    apply_events(market, 10)
    assert market.public_from_day == 10
    apply_events(market, 40)
    assert market.public_from_day == 10


def test_competitors_add_up_on_the_outside_option(make_scenario: Callable[..., Scenario]) -> None:
    market = market_with(
        make_scenario,
        {"day": 3, "action": "competitor_enters", "outside_utility_increase": 0.5},
        {"day": 3, "action": "competitor_enters", "outside_utility_increase": 0.25},
    )
    base = market.params.choice.outside_option_utility
    apply_events(market, 3)
    assert market.outside_utility_shift == pytest.approx(0.75)
    offer = channel_offer(market.params, market.outside_utility_shift)
    assert offer.outside_utility == pytest.approx(base + 0.75)


def test_a_competitor_creates_the_outside_option_when_there_is_none(
    make_scenario: Callable[..., Scenario],
) -> None:
    scenario = make_scenario(choice={"outside_option_utility": None})
    assert channel_offer(scenario, 0.0).outside_utility is None
    assert channel_offer(scenario, 0.4).outside_utility == pytest.approx(0.4)


def test_a_crackdown_lasts_its_duration(make_scenario: Callable[..., Scenario]) -> None:
    market = market_with(
        make_scenario,
        {"day": 20, "action": "platform_crackdown", "throttle_above": 2, "duration_days": 5},
    )
    apply_events(market, 20)
    assert market.crackdown_in_force(20).throttle_above == 2
    assert market.crackdown_in_force(24) is not None
    assert market.crackdown_in_force(25) is None
    assert market.crackdown is None  # an expired crackdown is dropped


def test_set_events_replace_the_live_parameters_in_file_order(
    make_scenario: Callable[..., Scenario],
) -> None:
    market = market_with(
        make_scenario,
        {"day": 7, "action": "set", "values": {"channels.b2c2c.rebate_rate": 0.1}},
        {"day": 7, "action": "set", "values": {"channels.b2c2c.rebate_rate": 0.12}},
    )
    initial = market.params
    applied = apply_events(market, 7)
    assert applied == ["set channels.b2c2c.rebate_rate=0.1", "set channels.b2c2c.rebate_rate=0.12"]
    assert market.params.channels.b2c2c.rebate_rate == 0.12
    assert market.initial is initial and initial.channels.b2c2c.rebate_rate == 0.05


def test_descriptions_name_what_a_crackdown_does(make_scenario: Callable[..., Scenario]) -> None:
    scenario = make_scenario(
        events=[{"day": 1, "action": "platform_crackdown", "throttle_above": 3, "ban_above": 8}]
    )
    assert describe(scenario.events[0]) == (
        "platform crackdown: throttle above 3 posts/day, ban above 8 posts/day"
    )
