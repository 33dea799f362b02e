"""Several brands on one market (ODD 7.10), run through the model: an identical rival splits
the market evenly, every brand's units and money are conserved, a consumer runs one brand's
store at a time, a follower moves only after its leader passes the threshold and the delay,
the same seed gives the same run, and one brand stays the single-brand model."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim.model import ChannelModel
from sim.scenario import Scenario

Runner = Callable[..., tuple[ChannelModel, pd.DataFrame]]

MARKET = {"days": 150, "market": {"consumers": 8000}, "manufacturer": {"brand": "alpha"}}


def test_an_identical_rival_splits_the_market_evenly(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> None:
    """Two brands that differ only in name: each sells about half of the units (pooled over
    three seeds; one brand's share ± 0.04; brands are processed in order each day, so an
    order advantage would show here)."""
    units = np.zeros(2)
    for seed in (1, 2, 3):
        scenario = make_scenario(**MARKET, seed=seed, brands=[{"name": "twin"}])
        _, frame = run_model(scenario)
        units += [frame["units_total.alpha"].sum(), frame["units_total.twin"].sum()]
    assert units.min() > 300
    assert units[0] / units.sum() == pytest.approx(0.5, abs=0.04)


def test_three_brands_conserve_units_and_money_and_repeat(
    make_scenario: Callable[..., Scenario],
) -> None:
    scenario = make_scenario(
        **MARKET,
        brands=[
            {"name": "beta", "changes": CHEAPER},
            {"name": "gamma", "changes": {"channels.b2c2c.rebate_rate": 0.1}},
        ],
    )
    frames = []
    for _ in range(2):
        model = ChannelModel(scenario)
        for _ in range(60):
            model.step()
            assert model.invariant_violations() == []
        frames.append(model.datacollector.get_model_vars_dataframe())
        owners = [set(b.stores.owner[b.stores.open_ids].tolist()) for b in model.brands]
        assert all(not (owners[i] & owners[j]) for i in range(3) for j in range(i + 1, 3))
        assert sum(len(o) for o in owners) > 0
        shares = frames[-1][[f"market_share.{b}" for b in ("alpha", "beta", "gamma")]]
        sold = frames[-1][[f"units_total.{b}" for b in ("alpha", "beta", "gamma")]].sum(axis=1)
        assert np.allclose(shares.sum(axis=1)[sold > 0], 1.0)
    pd.testing.assert_frame_equal(frames[0], frames[1])


CHEAPER = {
    "channels.b2b2c.wholesale_price": 650.0,
    "channels.b2c.price": 850.0,
    "channels.b2c2c.price": 850.0,
}
"""A rival whose every channel is 15 % cheaper than the focal brand's (same product)."""


def test_a_cheaper_rival_sells_more(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> None:
    """Prices are compared against one reference price, so a rival 15 % cheaper in every
    channel outsells the focal brand (pooled over two seeds, 15,000 consumers, 240 days: by
    11–14 %, as most shoppers know one brand only; with equal prices ± 4 %)."""
    units = np.zeros(2)
    for seed in (1, 2):
        scenario = make_scenario(
            **{**MARKET, "days": 240, "market": {"consumers": 15000}},
            seed=seed,
            brands=[{"name": "beta", "changes": CHEAPER}],
        )
        _, frame = run_model(scenario)
        units += [frame["units_total.alpha"].sum(), frame["units_total.beta"].sum()]
    assert units[1] > 1.05 * units[0]


def test_the_follower_moves_after_the_threshold_and_the_delay(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> None:
    scenario = make_scenario(
        **MARKET,
        channels={"b2c2c": {"rebate_rate": 0.08}},
        brands=[
            {
                "name": "follower",
                "changes": {"channels.b2c2c.rebate_rate": 0.02},
                "events": [{"day": 1, "action": "close_channel", "channel": "b2c2c"}],
                "follow": {
                    "leader": "alpha",
                    "micro_store_share_above": 0.03,
                    "window_days": 14,
                    "delay_days": 20,
                },
            }
        ],
    )
    model, frame = run_model(scenario)
    follower = model.brands[1]
    moves = [d for d, e in follower.market.event_log if e.startswith("follows alpha")]
    assert len(moves) == 1
    move = moves[0]
    # the day the leader's 14-day share first passed 3 %, from the recorded series
    all_units = sum(frame[f"units_total.{b}"] for b in ("alpha", "follower"))
    share = (
        frame["units_b2c2c.alpha"].rolling(14, min_periods=1).sum()
        / all_units.rolling(14, min_periods=1).sum()
    )
    passed = int(np.flatnonzero(share.to_numpy() > 0.03)[0]) + 1  # row k is day k + 1
    assert move == passed + 20
    before, after = frame.iloc[: move - 1], frame.iloc[move - 1 :]
    assert before["units_b2c2c.follower"].sum() == 0
    assert before["stores_opened.follower"].sum() == 0
    assert after["stores_opened.follower"].sum() > 0
    assert follower.market.params.channels.b2c2c.rebate_rate == 0.08


def test_rivals_with_the_same_chain_share_the_distributors(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> None:
    """A rival whose B2B2C tiers have the focal brand's shape is sold by the same distributor
    agents and retailers (same regions), each with its own stock of it; another shape gets its
    own chain."""
    scenario = make_scenario(
        **MARKET,
        brands=[
            {"name": "beta", "changes": CHEAPER},
            {"name": "gamma", "changes": {"channels.b2b2c.consumers_per_retailer": 500}},
        ],
    )
    model, frame = run_model(scenario, days=30)
    alpha, beta, gamma = model.brands
    assert beta.distributors is alpha.distributors and beta.supply.shares_network
    assert (beta.consumers.region == alpha.consumers.region).all()
    retailer = alpha.distributors[-1][0]
    assert set(retailer.brands) == {"alpha", "beta"}
    assert retailer.inventory_of("beta") == int(beta.supply.tiers[-1].on_hand[0])
    assert gamma.distributors is not alpha.distributors and not gamma.supply.shares_network
    assert frame["units_b2b2c.beta"].sum() > 0 and model.invariant_violations() == []


def test_one_brand_is_the_single_brand_model(
    make_scenario: Callable[..., Scenario], run_model: Runner
) -> None:
    """No ``brands``: one brand, no brand columns, no joint shopping stage."""
    model, frame = run_model(make_scenario(days=20))
    assert len(model.brands) == 1 and model.brand_shopping is None
    assert not [c for c in frame.columns if "." in c]
