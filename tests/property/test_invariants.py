"""Property-based tests: conservation laws and ranges of the channel model on random scenarios.

Each example is a small generated scenario (see ``strategies.py``), simulated for 20–60 days;
every property is checked after every day. Besides ``ChannelModel.invariant_violations`` (the
model's own checks), the accounting identities are recomputed here from public state (the
DataCollector frame, the ledger, the stock points, the store book and the consumer arrays), so a
bug in both the model and its self-check does not go unnoticed.

A failing example is printed as the scenario dict; ``Scenario.model_validate`` of that dict and
``ChannelModel(scenario).run_for(day)`` reproduce it.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterator
from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, Phase, event, example, given, settings
from hypothesis import strategies as st
from strategies import positive, scenario_dicts, validate

from sim import graph as graphs
from sim.accounting import STORE_OWNERS
from sim.model import ChannelModel
from sim.scenario import CHANNELS, Scenario

COMMON: dict[str, Any] = {
    "deadline": None,
    "print_blob": True,
    "suppress_health_check": [
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.large_base_example,
    ],
}
"""Settings shared by every test (simulations are slow compared with Hypothesis' defaults)."""

REL = 1e-9
"""Relative tolerance of money identities (sums of floats in a different order)."""


# ------------------------------------------------------------------------------ helpers


def days_of(model: ChannelModel, from_day_0: bool = False) -> Iterator[int]:
    """Simulate the scenario's days one at a time, yielding the day number after each.

    With ``from_day_0``, first yield 0 for the state as built, before the first day.
    """
    if from_day_0:
        yield 0
    for day in range(1, model.params_initial.days + 1):
        model.run_for(1)
        assert model.day == day
        yield day


def shelf_price(scenario: Scenario) -> float:
    """Consumer price at the retailer: wholesale price times every tier's (1 + markup)."""
    b2b2c = scenario.channels.b2b2c
    price = b2b2c.wholesale_price
    for tier in b2b2c.tiers:
        price *= 1.0 + tier.markup
    return price


def first_day(bad: np.ndarray) -> int | None:
    """First day (1-based) on which a per-day boolean check failed, or None."""
    hits = np.flatnonzero(np.asarray(bad))
    return int(hits[0]) + 1 if len(hits) else None


def assert_every_day(ok: np.ndarray, what: str, *columns: np.ndarray) -> None:
    """Assert a per-day check; on failure name the first failing day and the values there."""
    day = first_day(~np.asarray(ok, dtype=bool))
    if day is not None:
        values = [np.asarray(c)[day - 1] for c in columns]
        raise AssertionError(f"{what} fails on day {day}: {values}")


def close(a: np.ndarray, b: np.ndarray, scale: float) -> np.ndarray:
    """Elementwise equality up to rounding of sums with magnitude ``scale``."""
    return np.abs(np.asarray(a) - np.asarray(b)) <= REL * max(1.0, scale)


def note_coverage(model: ChannelModel) -> None:
    """Hypothesis statistics (``--hypothesis-show-statistics``): which mechanisms ran."""
    frame = model.datacollector.get_model_vars_dataframe()
    for ch in CHANNELS:
        event(f"sales {ch}: {bool(frame[f'units_{ch}'].sum() > 0)}")
    event(f"stores opened: {len(model.stores) > 0}")
    event(f"stores closed: {bool(frame['stores_closed'].sum() > 0)}")
    event(f"events applied: {len(model.market.event_log) > 0}")
    event(f"retail backlog: {model.supply.backlog_total() > 0}")


# ------------------------------------------------------------------------------ property 1


@settings(max_examples=350, **COMMON)
@given(data=scenario_dicts())
def test_model_invariants_hold_every_day(data: dict[str, Any]) -> None:
    """``invariant_violations()`` is empty on day 0 and after every day.

    It checks: units produced = sold − backordered + held in every inventory and pipeline;
    money balances sum to zero; per-distributor cash adds up to its tier account; per-store
    rebate income adds up to the store owners' account; no negative stock, pipeline or
    backorder; attitudes in [-1, 1]; trust in [0, 1]; habits sum to 1; adopters are aware.
    """
    model = ChannelModel(validate(data))
    for day in days_of(model, from_day_0=True):
        assert model.invariant_violations() == [], f"day {day}"
    note_coverage(model)


# ------------------------------------------------------------------------------ property 2


@settings(max_examples=260, **COMMON)
@given(data=scenario_dicts())
def test_accounting_recomputed_from_public_state(data: dict[str, Any]) -> None:
    """Sales, money and awareness add up when recomputed from public state, every day.

    * cumulative units by channel (DataCollector) = ``units_sold_total`` = Σ consumers'
      ``purchases``; ``units_total`` = Σ units by channel; no sales on a closed channel;
    * consumer revenue = units × the live price of the channel (shelf price after markups);
    * cost of goods sold = unit cost × units leaving the maker (to the first tier, direct, and
      through micro-stores — or, with a stock-pressure pyramid, into the pyramid, less the units
      the maker bought back);
    * ``manufacturer_profit_cumulative`` = day-0 sell-in margin + Σ (maker revenues − cost of
      goods sold − logistics − advertising − rebates − buy-backs);
    * the maker's cash = accrual profit − unit cost × units produced and not yet sold on;
    * rebates ≤ ``max_total_rebate_share`` × B2C2C revenue (each day and cumulatively) and equal
      the store owners' balance;
    * 0 ≤ adopters ≤ aware ≤ consumers; adopters never decrease; every adopter is aware;
      adopters are exactly the consumers with a purchase; identified customers ≤ adopters.
    """
    scenario = validate(data)
    n = scenario.market.consumers
    model = ChannelModel(scenario)
    unit_cost = scenario.product.unit_cost
    sell_in_units = model.supply.units_to_distributors
    day0_profit = sell_in_units * (scenario.channels.b2b2c.wholesale_price - unit_cost)
    assert math.isclose(model.accounts.cumulative, day0_profit, rel_tol=REL, abs_tol=1e-6), (
        f"day 0: profit {model.accounts.cumulative} != sell-in margin {day0_profit}"
    )

    snap: dict[str, list[float]] = {
        k: []
        for k in (
            "sold",
            "purchases",
            "produced",
            "to_distributors",
            "owners_balance",
            "price_b2b2c",
            "price_b2c",
            "price_b2c2c",
            "rebate_cap",
            "rebate_rates",
            "into_pyramid",
        )
    }
    pyramid = model.pyramid
    for day in days_of(model):
        c = model.consumers
        live = model.params
        snap["sold"].append(model.market.units_sold_total)
        snap["purchases"].append(int(c.purchases.sum()))
        snap["produced"].append(model.supply.produced_total)
        snap["to_distributors"].append(model.supply.units_to_distributors)
        snap["owners_balance"].append(model.ledger.balances[STORE_OWNERS])
        snap["price_b2b2c"].append(shelf_price(live))
        snap["price_b2c"].append(live.channels.b2c.price)
        snap["price_b2c2c"].append(live.channels.b2c2c.price)
        b2c2c = live.channels.b2c2c
        snap["rebate_cap"].append(b2c2c.max_total_rebate_share)
        snap["rebate_rates"].append(b2c2c.rebate_rate + math.fsum(b2c2c.upline_rebate_rates))
        snap["into_pyramid"].append(
            pyramid.units_from_maker_total - pyramid.units_bought_back_total if pyramid else 0
        )
        # awareness and adoption, from the consumer arrays
        assert not (c.adopted & ~c.aware).any(), f"day {day}: an adopter is not aware"
        assert np.array_equal(c.adopted, c.purchases > 0), f"day {day}: adopted != purchased"
        assert (c.purchases >= 0).all(), f"day {day}: negative purchases"
        assert not (c.identified & ~c.adopted).any(), f"day {day}: identified non-buyer"
    note_coverage(model)

    f = model.datacollector.get_model_vars_dataframe()
    assert len(f) == scenario.days
    s = {k: np.asarray(v) for k, v in snap.items()}
    units = {ch: f[f"units_{ch}"].to_numpy() for ch in CHANNELS}
    cum_units = {ch: np.cumsum(u) for ch, u in units.items()}

    # units
    assert_every_day(f["units_total"].to_numpy() == sum(units.values()), "units_total = Σ channels")
    cum_total = sum(cum_units.values())
    assert_every_day(cum_total == s["sold"], "Σ cumulative units = units_sold_total", cum_total)
    assert_every_day(s["purchases"] == s["sold"], "Σ purchases = units sold", s["purchases"])
    for ch in CHANNELS:
        is_open = f[f"open_{ch}"].to_numpy() == 1
        assert_every_day((units[ch] == 0) | is_open, f"no {ch} sales while closed", units[ch])
        assert_every_day(units[ch] >= 0, f"units_{ch} ≥ 0", units[ch])

    # consumer revenue = units × live price
    money_scale = float(np.nansum(np.abs(f.select_dtypes("number").to_numpy())))
    for ch in CHANNELS:
        revenue = f[f"revenue_{ch}"].to_numpy()
        expected = units[ch] * s[f"price_{ch}"]
        assert_every_day(
            close(revenue, expected, money_scale), f"revenue_{ch} = units × price", revenue
        )
    for ch in ("b2c", "b2c2c") if pyramid is None else ("b2c",):
        assert_every_day(
            f[f"maker_revenue_{ch}"].to_numpy() == f[f"revenue_{ch}"].to_numpy(),
            f"the maker receives all {ch} revenue",
        )

    # cost of goods sold and accrual profit
    shipped_to_tier0 = np.diff(s["to_distributors"], prepend=sell_in_units)
    social_out = units["b2c2c"] if pyramid is None else np.diff(s["into_pyramid"], prepend=0)
    out_of_maker = shipped_to_tier0 + units["b2c"] + social_out
    cogs = f["cost_of_goods_sold"].to_numpy()
    assert_every_day(close(cogs, unit_cost * out_of_maker, money_scale), "COGS", cogs)
    daily = (
        f["maker_revenue_b2b2c"]
        + f["maker_revenue_b2c"]
        + f["maker_revenue_b2c2c"]
        - f["cost_of_goods_sold"]
        - f["cost_logistics"]
        - f["cost_advertising"]
        - f["cost_rebates"]
        - f["cost_buybacks"]
    ).to_numpy()
    profit = f["manufacturer_profit_cumulative"].to_numpy()
    expected_profit = day0_profit + np.cumsum(daily)
    assert_every_day(
        close(profit, expected_profit, money_scale),
        "cumulative profit = day 0 + Σ daily",
        profit,
        expected_profit,
    )

    # cash versus accrual: the difference is the cost of units produced and not yet sold on
    social_cum = cum_units["b2c2c"] if pyramid is None else s["into_pyramid"]
    unsold = s["produced"] - s["to_distributors"] - cum_units["b2c"] - social_cum
    cash = f["manufacturer_cash"].to_numpy()
    assert_every_day(unsold >= 0, "maker never sells more than it produced", unsold)
    assert_every_day(
        close(cash, profit - unit_cost * unsold, money_scale),
        "cash = profit − unit cost × unsold production",
        cash,
        profit - unit_cost * unsold,
    )

    # rebates
    rebates = f["cost_rebates"].to_numpy()
    revenue_social = f["revenue_b2c2c"].to_numpy()
    tol = REL * max(1.0, money_scale)
    assert_every_day(rebates >= 0, "rebates ≥ 0", rebates)
    assert_every_day(
        rebates <= s["rebate_cap"] * revenue_social + tol,
        "daily rebates ≤ cap × B2C2C revenue",
        rebates,
        revenue_social,
    )
    assert_every_day(
        rebates <= s["rebate_rates"] * revenue_social + tol,
        "daily rebates ≤ Σ rates × B2C2C revenue",
        rebates,
        revenue_social,
    )
    assert_every_day(
        np.cumsum(rebates) <= np.cumsum(s["rebate_cap"] * revenue_social) + tol,
        "cumulative rebates ≤ cap × cumulative B2C2C revenue",
    )
    assert_every_day(
        close(s["owners_balance"], np.cumsum(rebates), money_scale),
        "store owners' balance = Σ rebates",
        s["owners_balance"],
    )

    # awareness counts
    aware = f["aware"].to_numpy()
    adopters = f["adopters"].to_numpy()
    identified = f["identified_customers"].to_numpy()
    assert_every_day((aware >= 0) & (aware <= n), "0 ≤ aware ≤ N", aware)
    assert_every_day((adopters >= 0) & (adopters <= aware), "0 ≤ adopters ≤ aware", adopters)
    assert_every_day(np.diff(adopters, prepend=0) >= 0, "adopters never decrease", adopters)
    assert_every_day(identified <= adopters, "identified ≤ adopters", identified)
    in_market = f["in_market"].to_numpy()
    assert_every_day((in_market >= 0) & (in_market <= n), "0 ≤ in_market ≤ N", in_market)


# ------------------------------------------------------------------------------ property 3


@settings(max_examples=260, **COMMON)
@given(data=scenario_dicts())
def test_stock_never_negative_and_stores_add_up(data: dict[str, Any]) -> None:
    """Inventories and micro-stores stay consistent every day.

    * no stock on hand, pipeline, backorder (to consumers) or amount owed (between tiers) is
      negative, at the maker or at any distributor; the DataCollector's inventory and in-transit
      columns equal the sums over the Distributor agents and are non-negative;
    * open stores ≤ consumers; a consumer owns at most one store and ``consumers.store`` points
      back to it; ``active_stores`` = open stores; Σ stores opened = stores ever opened;
      Σ stores closed = closed stores; a store closes only after ``review_days``;
    * Σ stores' ``units`` = cumulative B2C2C units; Σ ``sales_value`` = cumulative B2C2C revenue;
      no store ever opens in a scenario without B2C2C.
    """
    scenario = validate(data)
    n = scenario.market.consumers
    b2c2c = scenario.channels.b2c2c
    cum_units = 0
    cum_revenue = 0.0
    cum_opened = 0
    cum_closed = 0
    model = ChannelModel(scenario)
    for day in days_of(model):
        m = model.measures
        supply = model.supply
        points = [("maker", supply.maker), *zip(supply.names, supply.tiers, strict=True)]
        for name, point in points:
            for field in ("on_hand", "pipeline", "backlog", "owed"):
                values = getattr(point, field)
                assert (values >= 0).all(), f"day {day}: negative {field} at {name}: {values}"
        assert m["inventory_maker"] == model.manufacturer.inventory >= 0, f"day {day}"
        for k, name in enumerate(supply.names):
            agents = model.distributors[k]
            on_hand = sum(a.inventory for a in agents)
            transit = sum(a.in_transit for a in agents)
            assert m[f"inventory_{name}"] == on_hand >= 0, f"day {day}: inventory_{name}"
            assert m[f"in_transit_{name}"] == transit >= 0, f"day {day}: in_transit_{name}"

        stores = model.stores
        size = len(stores)
        owner = stores.column("owner")
        is_open = stores.column("is_open")
        cum_units += m["units_b2c2c"]
        cum_revenue += m["revenue_b2c2c"]
        cum_opened += m["stores_opened"]
        cum_closed += m["stores_closed"]
        if not b2c2c.enabled:
            assert size == 0, f"day {day}: a store opened without B2C2C"
        assert int(is_open.sum()) <= n, f"day {day}: more open stores than consumers"
        assert len(np.unique(owner)) == size, f"day {day}: a consumer owns two stores"
        assert ((owner >= 0) & (owner < n)).all(), f"day {day}: store owner out of range"
        owns = model.consumers.store[owner]
        assert np.array_equal(owns, np.arange(size)), f"day {day}: consumers.store mismatch"
        assert m["active_stores"] == int(is_open.sum()), f"day {day}: active_stores"
        assert cum_opened == size, f"day {day}: Σ stores_opened {cum_opened} != {size}"
        assert cum_closed == int((~is_open).sum()), f"day {day}: Σ stores_closed"
        # micro-stores close by the M5 rule only after review_days (bans and pyramid exits aside)
        gave_up = ~is_open & ~stores.column("banned")
        closed_day = stores.column("closed_day")[gave_up]
        opened_day = stores.column("opened_day")[gave_up]
        early = closed_day - opened_day < b2c2c.closing.review_days
        if model.pyramid is None:
            assert not early.any(), f"day {day}: a store closed before review_days"
        assert (stores.column("units") >= 0).all(), f"day {day}: negative store units"
        assert (stores.column("rebate_income") >= 0).all(), f"day {day}: negative rebates"
        store_units = int(stores.column("units").sum())
        assert store_units == cum_units, f"day {day}: Σ store units {store_units} != {cum_units}"
        sales = math.fsum(stores.column("sales_value"))
        assert math.isclose(sales, cum_revenue, rel_tol=REL, abs_tol=1e-6), (
            f"day {day}: Σ store sales_value {sales} != B2C2C revenue {cum_revenue}"
        )
    note_coverage(model)


# ------------------------------------------------------------------------------ property 4


def final_state(model: ChannelModel) -> dict[str, Any]:
    """Everything a run produces: the DataCollector frame, events and end-of-run arrays."""
    c = model.consumers
    s = model.stores
    return {
        "frame": model.datacollector.get_model_vars_dataframe(),
        "events": list(model.market.event_log),
        "consumers": {
            k: getattr(c, k).copy()
            for k in ("attitude", "habit", "aware", "adopted", "need_day", "purchases", "store")
        },
        "stores": {k: s.column(k).copy() for k in ("owner", "is_open", "units", "rebate_income")},
        "trust": model.friendships.trust.copy(),
    }


@settings(max_examples=60, **COMMON)
@given(data=scenario_dicts(max_days=40))
def test_same_scenario_and_seed_give_identical_results(data: dict[str, Any]) -> None:
    """Running the same scenario and seed twice gives identical timeseries and final state.

    The in-memory graph cache is cleared between the runs, so the graph is rebuilt too.
    """
    scenario = validate(data)
    runs = []
    for _ in range(2):
        graphs.clear_memory_cache()
        model = ChannelModel(scenario)
        model.run_for(scenario.days)
        runs.append(final_state(model))
    first, second = runs
    pd.testing.assert_frame_equal(first["frame"], second["frame"], check_exact=True)
    assert first["events"] == second["events"]
    for group in ("consumers", "stores"):
        for name, values in first[group].items():
            assert np.array_equal(values, second[group][name]), f"{group}.{name} differs"
    assert np.array_equal(first["trust"], second["trust"])


# ------------------------------------------------------------------------------ property 5


@settings(max_examples=200, **COMMON)
@given(data=scenario_dicts(), probe=st.lists(st.integers(0, 10**6), min_size=1, max_size=5))
def test_trust_and_attitude_stay_in_range(data: dict[str, Any], probe: list[int]) -> None:
    """Trust stays in [0, 1], attitude in [-1, 1] and habits on the simplex, every day.

    Checked on the arrays (every edge, every consumer), on the ``mean_trust`` measure, and on
    ``model.consumer(i)`` views of a few drawn consumers.
    """
    scenario = validate(data)
    n = scenario.market.consumers
    who = sorted({i % n for i in probe})
    model = ChannelModel(scenario)
    for day in days_of(model, from_day_0=True):
        trust = model.friendships.trust
        assert ((trust >= 0.0) & (trust <= 1.0)).all(), f"day {day}: trust outside [0, 1]"
        assert 0.0 <= model.friendships.mean_trust() <= 1.0, f"day {day}: mean trust"
        if day > 0:
            assert 0.0 <= model.measures["mean_trust"] <= 1.0, f"day {day}: mean_trust measure"
        attitude = model.consumers.attitude
        bad = np.flatnonzero((attitude < -1.0) | (attitude > 1.0))
        assert len(bad) == 0, f"day {day}: attitude outside [-1, 1]: {attitude[bad]}"
        habit = model.consumers.habit
        assert (habit >= 0.0).all(), f"day {day}: negative habit weight"
        assert np.allclose(habit.sum(axis=1), 1.0, atol=1e-4), f"day {day}: habits"
        for i in who:
            view = model.consumer(i)
            assert -1.0 <= view.attitude <= 1.0, f"day {day}: consumer {i} attitude"
            assert math.isclose(sum(view.habit.values()), 1.0, abs_tol=1e-4), f"day {day}: {i}"
    note_coverage(model)


# ------------------------------------------------------------------------------ regression

HABIT_BUG = {
    "seed": 0,
    "market": {"consumers": 2},
    "graph": {"type": "complete"},
    "spam": {"enabled": False},
    "consumers": {"habit_concentration": 0.001},
}
"""Once gave consumer 0 the habits {offline: 0, online: 0, social: 0} on day 0."""


@settings(max_examples=20, phases=[Phase.explicit, Phase.generate], **COMMON)
@example(data=HABIT_BUG, concentration=0.001)
@given(data=scenario_dicts(max_days=20), concentration=positive(1e-3, 0.1))
def test_habits_sum_to_one_on_day_0(data: dict[str, Any], concentration: float) -> None:
    """Every valid ``habit_concentration`` (any positive value) gives habits summing to 1.

    Tiny concentrations make every gamma draw of some consumers underflow to zero; those get
    the mean habits. (The other tests draw concentrations of at least 0.1.)
    """
    data = copy.deepcopy(data)
    data.setdefault("consumers", {})["habit_concentration"] = concentration
    model = ChannelModel(validate(data))
    sums = model.consumers.habit.sum(axis=1)
    bad = np.flatnonzero(np.abs(sums - 1.0) > 1e-4)
    assert len(bad) == 0, f"day 0: habits of consumers {bad[:5]} sum to {sums[bad[:5]]}"
    assert model.invariant_violations() == [], "day 0"
