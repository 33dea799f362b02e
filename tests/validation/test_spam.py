"""Screen-spam trust decay: the behaviours M7 and [MicroBusiness2015], [NotTaobao2015] describe.

Each test runs the channel model with micro-stores as the only channel, a consumable product
and a fixed set of seeds; store owners take one posting policy.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim.model import ChannelModel
from sim.scenario import Scenario

SEEDS = (1, 2)
RATES = (0.25, 1.0, 2.0, 4.0, 16.0)


@pytest.fixture(scope="session")
def run_policy(
    micro_store_market: Callable[..., Scenario], run_model: Callable
) -> Callable[..., tuple[ChannelModel, pd.DataFrame]]:
    """The micro-store market with every owner on one posting policy, run for ``days``."""

    def run(
        policy: dict, seed: int, days: int = 365, **extra: object
    ) -> tuple[ChannelModel, pd.DataFrame]:
        posting = {"policies": [{"name": "only", **policy}]}
        scenario = micro_store_market(
            seed=seed, days=days, channels={"b2c2c": {"posting": posting}}, **extra
        )
        return run_model(scenario)

    return run


@pytest.fixture(scope="module")
def rate_sweep(run_policy: Callable) -> dict[float, dict[str, float]]:
    """Year totals by fixed posting rate (content quality 0.3), averaged over the seeds."""
    out = {}
    for rate in RATES:
        rows = []
        for seed in SEEDS:
            _, frame = run_policy({"posts_per_day": rate, "content_quality": 0.3}, seed)
            last = frame.iloc[-1]
            rows.append(
                {
                    "units": frame["units_b2c2c"].sum(),
                    "muted_share": last["muted_share"],
                    "blocked_share": last["blocked_share"],
                    "trust_in_owners": last["mean_trust_in_owners"],
                }
            )
        out[rate] = pd.DataFrame(rows).mean().to_dict()
    return out


def test_sales_rise_then_fall_with_the_posting_rate(rate_sweep: dict) -> None:
    """Inverted U: an interior posting rate sells most; the extremes sell much less."""
    units = [rate_sweep[r]["units"] for r in RATES]
    peak = int(np.argmax(units))
    assert 0 < peak < len(RATES) - 1
    assert units[peak] > 1.3 * units[0]
    assert units[peak] > 3.0 * units[-1]
    assert all(a <= b for a, b in itertools.pairwise(units[: peak + 1]))
    assert all(a >= b for a, b in itertools.pairwise(units[peak:]))


def test_muting_and_blocking_rise_with_the_posting_rate(rate_sweep: dict) -> None:
    """The share of store owners' friendships muted or blocked grows with the posting rate."""
    muted = [rate_sweep[r]["muted_share"] for r in RATES]
    blocked = [rate_sweep[r]["blocked_share"] for r in RATES]
    assert muted[0] < 0.01 < muted[-1]
    assert all(b >= a - 1e-3 for a, b in itertools.pairwise(muted))
    assert all(b >= a - 0.01 for a, b in itertools.pairwise(blocked))
    assert blocked[-1] > 0.1 > blocked[0]
    trust = [rate_sweep[r]["trust_in_owners"] for r in RATES]
    assert trust[-1] < trust[0] - 0.05  # friends' trust in the owners themselves


def test_spamming_wins_the_first_weeks_and_loses_the_year(run_policy: Callable) -> None:
    """Spammers (5 posts a day, 10 % useful) against community builders (0.5, 80 %)."""
    spammer = {"posts_per_day": 5.0, "content_quality": 0.1, "peak_share": 0.2}
    community = {"posts_per_day": 0.5, "content_quality": 0.8, "peak_share": 0.8}
    early = {"spammer": 0.0, "community": 0.0}
    year = {"spammer": 0.0, "community": 0.0}
    for seed in (1, 2, 3):
        for name, policy in (("spammer", spammer), ("community", community)):
            _, frame = run_policy(policy, seed)
            early[name] += frame["units_b2c2c"].iloc[:21].sum()
            year[name] += frame["units_b2c2c"].sum()
    assert early["spammer"] > 1.05 * early["community"]
    assert year["spammer"] < 0.5 * year["community"]


def test_heavy_spam_overdraws_trust_mutes_friends_and_makes_detractors(
    run_policy: Callable,
) -> None:
    """Thirty pure-ad posts a day against community posting (0.5 a day, 80 % useful) in the
    same market: within a week friends' trust in the owners falls by more than 0.1, nearly
    every friend mutes them, and there are half as many detractors again."""
    model, frame = run_policy({"posts_per_day": 30.0, "content_quality": 0.0}, seed=4, days=60)
    _, gentle = run_policy({"posts_per_day": 0.5, "content_quality": 0.8}, seed=4, days=60)
    trust = frame["mean_trust_in_only"]
    assert trust.iloc[6] < trust.iloc[0] - 0.1
    assert gentle["mean_trust_in_only"].iloc[6] > trust.iloc[0] - 0.01
    assert frame["muted_share"].iloc[-1] > 0.9 > gentle["muted_share"].iloc[-1]
    assert frame["detractors"].iloc[-1] > 1.5 * gentle["detractors"].iloc[-1]
    assert model.invariant_violations() == []


def test_platform_crackdown_throttles_and_bans(run_policy: Callable) -> None:
    """From day 20 no store delivers more than 3 posts a day; heavy posters get banned."""
    crackdown = {
        "day": 20,
        "action": "platform_crackdown",
        "throttle_above": 3,
        "ban_above": 8,
        "ban_probability": 0.5,
    }
    model, frame = run_policy(
        {"posts_per_day": 10.0, "content_quality": 0.1}, seed=5, days=40, events=[crackdown]
    )
    per_store = frame["posts"] / frame["active_stores"].clip(lower=1)
    assert per_store.iloc[5:19].mean() > 8
    assert per_store.iloc[20:].max() <= 3
    assert frame["stores_banned"].iloc[19:].sum() > 0
    assert frame["stores_banned"].iloc[:19].sum() == 0
    assert model.stores.column("banned").sum() == frame["stores_banned"].sum()


def test_adaptive_owners_move_toward_a_profitable_rate(run_policy: Callable) -> None:
    """Adaptive owners starting at 8 posts a day cut back as sales per post fall."""
    model, _ = run_policy(
        {"kind": "adaptive", "posts_per_day": 8.0, "content_quality": 0.2, "adapt_every_days": 7},
        seed=6,
        days=150,
    )
    stores = model.stores
    reviewed = stores.column("last_review_day") > stores.column("opened_day")
    rates = stores.column("post_rate")[reviewed & stores.column("is_open")]
    assert len(rates) > 20
    assert np.median(rates) < 8.0
