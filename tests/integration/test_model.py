"""Model-level behaviour: determinism, events, rollout, store lifecycle, agents (M1–M9)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim.agents import Distributor, Manufacturer, MicroStore
from sim.consumers import EMPLOYEE
from sim.model import ChannelModel
from sim.scenario import Scenario
from sim.stores import EMPLOYEE_KIND, OPPORTUNIST_KIND


def test_same_seed_same_run_and_other_seed_differs(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    s = make_scenario()
    _, a = run_model(s)
    _, b = run_model(s)
    pd.testing.assert_frame_equal(a, b)
    _, c = run_model(s.model_copy(update={"seed": 4}))
    assert not a.equals(c)


def test_rng_argument_overrides_scenario_seed(make_scenario: Callable[..., Scenario]) -> None:
    s = make_scenario()
    a = ChannelModel(s, rng=99)
    b = ChannelModel(s.model_copy(update={"seed": 99}))
    a.run_for(20)
    b.run_for(20)
    pd.testing.assert_frame_equal(
        a.datacollector.get_model_vars_dataframe(), b.datacollector.get_model_vars_dataframe()
    )


def test_offline_shutdown_stops_offline_sales_and_shifts_habits(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    """No B2B2C sale while retail is closed; consumers move to the other channels."""
    s = make_scenario(
        days=150,
        market={"consumers": 6000, "initial_aware_share": 0.6},
        product={"kind": "consumable", "repeat_interval_days": 20},
        events=[
            {"day": 30, "action": "close_channel", "channel": "b2b2c"},
            {"day": 90, "action": "reopen_channel", "channel": "b2b2c"},
        ],
    )
    model, frame = run_model(s)
    day = np.arange(1, len(frame) + 1)
    closed = (day >= 30) & (day < 90)
    assert frame.loc[closed, "units_b2b2c"].sum() == 0
    assert (frame.loc[closed, "open_b2b2c"] == 0).all()
    assert frame.loc[~closed & (day > 5), "units_b2b2c"].mean() > 5
    before = frame.loc[(day >= 10) & (day < 30), "units_b2c"].mean()
    offline_before = frame.loc[(day >= 10) & (day < 30), "units_b2b2c"].mean()
    stores_before = frame.loc[(day >= 10) & (day < 30), "units_b2c2c"].mean()
    during = frame.loc[(day >= 40) & (day < 90), ["units_b2c", "units_b2c2c"]].sum(axis=1).mean()
    # much of the offline demand moves to the direct shop and the micro-stores [Shen2020]
    assert during - (before + stores_before) > 0.4 * offline_before
    assert model.market.event_log == [(30, "close b2b2c"), (90, "reopen b2b2c")]


def test_set_event_changes_the_rebate_paid(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    s = make_scenario(
        days=80,
        market={"consumers": 6000, "initial_aware_share": 0.5},
        product={"kind": "consumable", "repeat_interval_days": 15},
        channels={"b2b2c": {"enabled": False}, "b2c": {"enabled": False}},
        events=[{"day": 40, "action": "set", "values": {"channels.b2c2c.rebate_rate": 0.2}}],
    )
    model, frame = run_model(s)
    per_unit = (frame["cost_rebates"] / frame["units_b2c2c"].replace(0, np.nan)).to_numpy()
    before, after = per_unit[5:39], per_unit[39:]
    assert np.isfinite(before).sum() > 10 and np.isfinite(after).sum() > 10
    assert before[np.isfinite(before)] == pytest.approx(50.0)
    assert after[np.isfinite(after)] == pytest.approx(200.0)
    assert model.params.channels.b2c2c.rebate_rate == 0.2
    assert model.params_initial.channels.b2c2c.rebate_rate == 0.05


def test_competitor_entry_diverts_purchases(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    s = make_scenario(
        days=80,
        market={"consumers": 6000, "initial_aware_share": 0.6},
        product={"kind": "consumable", "repeat_interval_days": 15},
        events=[{"day": 40, "action": "competitor_enters", "outside_utility_increase": 6.0}],
    )
    _, frame = run_model(s)
    before = frame["units_total"].iloc[20:39].mean()
    after = frame["units_total"].iloc[45:].mean()
    assert after < 0.2 * before
    diverted = (
        frame["bought_elsewhere"].iloc[45:].mean() - frame["bought_elsewhere"].iloc[20:39].mean()
    )
    assert diverted > 0.6 * before


def test_employee_first_rollout(make_scenario: Callable[..., Scenario]) -> None:
    """Only employees open stores before the public rollout; most employees open in weeks."""
    s = make_scenario(
        days=70,
        market={"consumers": 8000, "employee_share": 0.02},
        channels={"b2c2c": {"rollout": {"employees_from_day": 0, "public_from_day": None}}},
        events=[{"day": 40, "action": "open_to_public"}],
    )
    model = ChannelModel(s)
    model.run_for(39)
    kinds = model.stores.column("kind")
    assert len(kinds) > 0 and (kinds == EMPLOYEE_KIND).all()
    employees = model.consumers.segment == EMPLOYEE
    share_open = (model.consumers.store[employees] >= 0).mean()
    assert share_open > 0.5  # [Suning2015]: more than half of the staff opened stores
    model.run_for(31)
    assert (model.stores.column("kind") != EMPLOYEE_KIND).sum() > 0


def test_owners_who_expected_too_much_close_and_employees_stay(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    """An inflated prior of store sales draws opportunists in; their own results send them
    home within weeks of their review, while employees (paid by the job) stay."""
    s = make_scenario(
        days=200,
        market={"consumers": 6000, "employee_share": 0.01, "initial_aware_share": 0.5},
        channels={
            "b2c2c": {
                "rebate_rate": 0.05,
                "opening": {
                    "expected_units_per_audience_per_year": 20.0,
                    "consideration_rate_per_day": 0.05,
                },
                "closing": {"review_days": 30, "closing_rate_per_day": 0.2},
            }
        },
    )
    model, frame = run_model(s)
    book = model.stores
    kinds, is_open = book.column("kind"), book.column("is_open")
    old = book.column("opened_day") <= 150
    opportunists = old & (kinds == OPPORTUNIST_KIND)
    assert opportunists.sum() > 20
    assert is_open[opportunists].mean() < 0.2
    employees = is_open[old & (kinds == EMPLOYEE_KIND)].mean()
    assert employees > 0.7 and employees > 3 * is_open[opportunists].mean()
    assert frame["stores_closed"].sum() == (~is_open).sum()


def test_identified_customers_only_from_direct_and_store_sales(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    offline = make_scenario(channels={"b2c": {"enabled": False}, "b2c2c": {"enabled": False}})
    _, frame = run_model(offline)
    assert frame["units_b2b2c"].sum() > 0
    assert frame["identified_customers"].iloc[-1] == 0
    direct = make_scenario(channels={"b2b2c": {"enabled": False}, "b2c2c": {"enabled": False}})
    _, frame = run_model(direct)
    assert frame["identified_customers"].iloc[-1] == frame["adopters"].iloc[-1] > 0


def test_multi_level_stores_get_uplines(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    s = make_scenario(
        days=90,
        market={"consumers": 6000, "initial_aware_share": 0.5},
        channels={
            "b2c2c": {
                "rebate_rate": 0.2,
                "upline_rebate_rates": [0.02],
                "opening": {"store_friend_consideration_per_day": 1.0},
            }
        },
    )
    model, _ = run_model(s)
    upline = model.stores.column("upline")
    assert (upline >= 0).sum() > 10
    owners = model.stores.column("owner")
    has = upline >= 0
    # an upline is a friend's store
    for store, up in zip(np.flatnonzero(has)[:50], upline[has][:50], strict=True):
        assert owners[up] in model.graph.neighbors(int(owners[store]))


def test_agents_are_handles_on_the_arrays(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    model, _ = run_model(make_scenario(days=30))
    p = model.params.channels.b2b2c
    retailers = model.distributors[-1]
    assert len(retailers) == int(np.ceil(model.graph.n / p.consumers_per_retailer))
    assert all(isinstance(d, Distributor) for tier in model.distributors for d in tier)
    assert isinstance(retailers[0].supplier, Distributor)
    assert isinstance(model.distributors[0][0].supplier, Manufacturer)
    assert sum(d.inventory for d in retailers) == model.supply.tiers[-1].on_hand.sum()
    assert len(model.store_agents) == len(model.stores)
    assert all(isinstance(s, MicroStore) for s in model.store_agents)
    assert len(model.agents_by_type[MicroStore]) == len(model.stores)
    store = model.store_agents[0]
    assert store.owner == model.stores.owner[0]
    assert model.consumer(store.owner).store == 0
    assert model.manufacturer.inventory == model.supply.maker.on_hand[0]


def test_complete_graph_runs_with_all_channels(
    make_scenario: Callable[..., Scenario], run_model: Callable
) -> None:
    model, frame = run_model(
        make_scenario(
            graph={"type": "complete"}, market={"consumers": 800}, spam={"enabled": False}
        )
    )
    assert model.invariant_violations() == []
    assert frame["units_total"].sum() > 0
