"""Hypothesis strategies for chansim scenarios.

Every strategy here draws plain dicts in the shape of a scenario file; :func:`scenarios` validates
them with ``Scenario.model_validate`` and checks the cross-section rules of
:func:`sim.scenario.semantic_problems`, so each example is a scenario a user could have written.

The scenarios are small (30–400 consumers, 20–60 days) but push every mechanism into action:
short product lifetimes, high awareness, store-opening hazards high enough that micro-stores
open within days, short review periods so that they also close, backorders, production caps,
and dated events (channel shutdowns and reopenings, the public rollout, a competitor, and
``set`` changes of live parameters that respect the schema and the rebate caps).
"""

from __future__ import annotations

import itertools
import math
from typing import Any

from hypothesis import strategies as st

from sim.graph import GRAPH_TYPES
from sim.scenario import CHANNELS, Scenario, semantic_problems

# ------------------------------------------------------------------------------ primitives


def floats(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[lo, hi]`` (the bounds themselves are likely draws)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False)


def positive(lo: float, hi: float) -> st.SearchStrategy[float]:
    """Finite floats in ``[lo, hi]``, never 0 (for schema fields with ``gt=0``)."""
    return st.floats(lo, hi, allow_nan=False, allow_infinity=False, exclude_min=lo == 0.0)


def mostly(common: st.SearchStrategy[Any], rare: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """``common`` in about nine draws out of ten, else ``rare`` (an edge case worth a visit)."""
    return st.integers(0, 9).flatmap(lambda k: rare if k == 9 else common)


probabilities = floats(0.0, 1.0)
maybe_seed = st.none() | st.integers(0, 2**31 - 1)
CHANNEL_SETS = [flags for flags in itertools.product([False, True], repeat=3) if any(flags)]
"""The seven non-empty subsets of enabled channels, as (b2b2c, b2c, b2c2c) flags."""


# ------------------------------------------------------------------------------ sections


@st.composite
def graphs(draw: st.DrawFn, consumers: int) -> dict[str, Any]:
    """One of the generated graph types, with small parameters that fit ``consumers`` nodes."""
    kind = draw(st.sampled_from([t for t in GRAPH_TYPES if t != "edgelist"]))
    g: dict[str, Any] = {"type": kind, "seed": draw(maybe_seed), "cache": False}
    if kind == "powerlaw_cluster":
        g["m"] = draw(st.integers(1, 5))
        g["triad_probability"] = draw(probabilities)
    elif kind == "barabasi_albert":
        g["m"] = draw(st.integers(1, 5))
    elif kind == "watts_strogatz":
        g["k"] = draw(st.sampled_from([2, 4, 6, 8]))
        g["rewire_probability"] = draw(probabilities)
    elif kind == "erdos_renyi":
        g["mean_degree"] = draw(positive(0.0, 10.0))
    elif kind == "stochastic_block":
        communities = draw(st.integers(1, 6))
        block = consumers // communities  # ≥ 5 nodes per block
        g["communities"] = communities
        g["mean_degree_in"] = draw(floats(0.0, min(6.0, block - 1.0)))
        g["mean_degree_out"] = draw(floats(0.0, 2.0))
    elif kind == "ring":
        g["k"] = draw(st.sampled_from([2, 4, 6]))
    return g


@st.composite
def products(draw: st.DrawFn) -> dict[str, Any]:
    """One-time, durable or consumable, with lifetimes and intervals of days, not years."""
    return {
        "kind": draw(st.sampled_from(["one_time", "durable", "consumable"])),
        "lifetime_days": draw(st.integers(1, 60)),
        "repeat_interval_days": draw(st.integers(1, 20)),
        "unit_cost": draw(floats(0.0, 900.0)),
        "list_price": draw(positive(50.0, 1500.0)),
    }


def price_near(list_price: float) -> st.SearchStrategy[float]:
    """A channel price within ±50 % of the list price (far-off prices only kill demand)."""
    return positive(0.5 * list_price, 1.5 * list_price)


@st.composite
def consumer_sections(draw: st.DrawFn) -> dict[str, Any]:
    """Habits, price sensitivity, patience and attitudes (including the ±1 boundaries).

    Known bug kept out of these draws (see ``test_habits_sum_to_one_on_day_0`` in
    ``test_invariants.py``): when every Dirichlet component of a consumer's habits underflows
    to zero, that consumer's habits are all zero. It happens for ``habit_concentration`` below
    about 0.02, or for a subnormal total of ``habit_mean``; so the concentration here is at
    least 0.1 and habit means below 1e-6 are drawn as 0.
    """
    weight = floats(0.0, 1.0).map(lambda x: x if x >= 1e-6 else 0.0)
    habit = {h: draw(weight) for h in ("offline", "online", "social")}
    if habit["offline"] + habit["online"] + habit["social"] <= 0.0:
        habit["social"] = 1.0
    return {
        "habit_mean": habit,
        "habit_concentration": draw(positive(0.1, 20.0)),
        "habit_learning_rate": draw(probabilities),
        "price_sensitivity_mean": draw(positive(0.1, 3.0)),
        "price_sensitivity_sd": draw(floats(0.0, 1.0)),
        "patience_days": draw(st.integers(1, 30)),
        "attitude": {
            "fan": draw(floats(-1.0, 1.0)),
            "employee": draw(floats(-1.0, 1.0)),
            "ordinary_mean": draw(floats(-1.0, 1.0)),
            "ordinary_sd": draw(floats(0.0, 1.0)),
        },
        "satisfaction_gain": draw(probabilities),
    }


@st.composite
def markets(draw: st.DrawFn, consumers: int) -> dict[str, Any]:
    """Employees (0–10 %), fans (0–30 %) and any initially aware share."""
    return {
        "consumers": consumers,
        "employee_share": draw(floats(0.0, 0.1)),
        "fan_share": draw(floats(0.0, 0.3)),
        "initial_aware_share": draw(probabilities),
    }


@st.composite
def manufacturers(draw: st.DrawFn) -> dict[str, Any]:
    """The maker's production policy, with a production capacity in some examples."""
    return {
        "production_capacity_per_day": draw(st.none() | st.integers(1, 30)),
        "production_lead_time_days": draw(st.integers(1, 8)),
        "forecast_window_days": draw(st.integers(1, 30)),
        "safety_factor": draw(floats(0.0, 3.0)),
        "initial_stock_days": draw(floats(0.0, 30.0)),
        "launch_demand_per_1000_per_day": draw(mostly(floats(1.0, 30.0), floats(0.0, 1.0))),
    }


@st.composite
def tiers(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1–4 B2B2C tiers, upstream first, with unique names."""
    count = draw(st.integers(1, 4))
    names = ["national", "regional", "wholesale", "retailer"][4 - count :]
    return [
        {
            "name": name,
            "markup": draw(floats(0.0, 1.0)),
            "lead_time_days": draw(st.integers(1, 5)),
            "forecast_window_days": draw(st.integers(1, 30)),
            "safety_factor": draw(floats(0.0, 3.0)),
            "initial_stock_days": draw(floats(0.0, 30.0)),
            "serves": draw(st.integers(1, 6)),
        }
        for name in names
    ]


@st.composite
def b2b2c_sections(draw: st.DrawFn, enabled: bool, list_price: float) -> dict[str, Any]:
    """The chain; the wholesale price puts the shelf price within ±50 % of the list price."""
    chain = draw(tiers())
    factor = math.prod(1.0 + t["markup"] for t in chain)
    return {
        "enabled": enabled,
        "wholesale_price": draw(price_near(list_price / factor)),
        "tiers": chain,
        "consumers_per_retailer": draw(st.integers(1, 80)),
        "retail_stockouts": draw(st.sampled_from(["lost_sales", "backorder"])),
        "shelf_awareness_per_year": draw(floats(0.0, 50.0)),
        "launch_demand_per_1000_per_day": draw(mostly(floats(5.0, 100.0), floats(0.0, 5.0))),
    }


@st.composite
def b2c_sections(draw: st.DrawFn, enabled: bool, list_price: float) -> dict[str, Any]:
    return {
        "enabled": enabled,
        "price": draw(price_near(list_price)),
        "logistics_cost_per_unit": draw(floats(0.0, 50.0)),
        "advertising": {
            "grps_per_day": draw(floats(0.0, 100.0)),
            "cpm": draw(floats(0.0, 60.0)),
            "awareness_per_impression": draw(floats(0.0, 0.05)),
        },
    }


@st.composite
def rebate_rates(draw: st.DrawFn) -> dict[str, Any]:
    """Own and upline rebate rates that respect ``max_rebate_levels`` and the total cap.

    The total is a random share of the cap (so it can sit right at the cap), split among the
    levels by random weights.
    """
    cap = draw(probabilities)
    max_levels = draw(st.integers(1, 11))
    uplines = draw(st.integers(0, min(max_levels - 1, 4)))
    weights = draw(st.lists(probabilities, min_size=uplines + 1, max_size=uplines + 1))
    budget = cap * draw(probabilities) * (1.0 - 1e-9)
    total = math.fsum(weights)
    # budget·(w/Σ), not (budget·w)/Σ: for a subnormal w the product loses its precision and
    # the quotient can exceed the budget
    rates = [budget * (w / total) if total > 0 else 0.0 for w in weights]
    return {
        "rebate_rate": rates[0],
        "upline_rebate_rates": rates[1:],
        "max_rebate_levels": max_levels,
        "max_total_rebate_share": cap,
    }


@st.composite
def b2c2c_sections(draw: st.DrawFn, enabled: bool, days: int, list_price: float) -> dict[str, Any]:
    """Micro-stores that open quickly (high hazards) and may close soon after (short reviews)."""
    section = {
        "enabled": enabled,
        "price": draw(price_near(list_price)),
        "logistics_cost_per_unit": draw(floats(0.0, 50.0)),
        **draw(rebate_rates()),
        "rollout": {
            "employees_from_day": draw(st.integers(0, 10)),
            "public_from_day": draw(mostly(st.integers(0, days // 2), st.none())),
        },
        "opening": {
            "consideration_rate_per_day": draw(mostly(floats(0.05, 0.5), floats(0.0, 0.05))),
            "employee_consideration_rate_per_day": draw(floats(0.0, 1.0)),
            "store_friend_consideration_per_day": draw(floats(0.0, 1.0)),
            "fan_attitude_threshold": draw(floats(-1.0, 0.95)),
            "identity_value_per_day": draw(floats(0.0, 30.0)),
            "employee_value_per_day": draw(floats(0.0, 30.0)),
            "time_cost_mean_per_day": draw(floats(0.0, 20.0)),
            "time_cost_sd_per_day": draw(floats(0.0, 20.0)),
            "social_cost_mean_per_day": draw(floats(0.0, 20.0)),
            "social_cost_sd_per_day": draw(floats(0.0, 20.0)),
            "expected_units_per_audience_per_year": draw(floats(0.0, 5.0)),
            "influencer_degree_quantile": draw(probabilities),
        },
        "posting": {
            "policies": draw(posting_policies()),
            "view_probability": draw(probabilities),
            "peak_view_multiplier": draw(floats(0.0, 3.0)),
            "off_peak_view_multiplier": draw(floats(0.0, 2.0)),
            "awareness_per_view": draw(probabilities),
            "purchase_prompt_per_view": draw(floats(0.0, 0.2)),
            "memory_days": draw(st.integers(1, 14)),
        },
        "stock_pressure": draw(stock_pressure_sections(days)),
        "closing": {
            "review_days": draw(st.integers(1, 20)),
            "closing_rate_per_day": draw(probabilities),
        },
    }
    return section


@st.composite
def stock_pressure_sections(draw: st.DrawFn, days: int) -> dict[str, Any]:
    """A stock-pressure pyramid, on in about a third of the scenarios (M8)."""
    count = draw(st.integers(1, 4))
    shares = sorted(draw(floats(0.05, 0.95)) for _ in range(count))
    levels = [
        {
            "name": f"level{k}",
            "price_share": shares[k],
            "entry_units": draw(st.integers(0, 40)),
            "entry_fee": draw(mostly(st.just(0.0), floats(0.0, 500.0))),
            "quota_units": draw(st.integers(0, 15)),
        }
        for k in range(count)
    ]
    margins = [1.0 - a / b for a, b in itertools.pairwise(shares)]
    return {
        "enabled": draw(st.integers(0, 2)) == 0,
        "levels": levels,
        "max_levels": draw(st.integers(count, 8)),
        "max_margin_share": min(1.0, max(margins, default=0.0) + draw(floats(0.0, 0.5))),
        "founders": draw(st.integers(1, 3)),
        "founder_savings": draw(floats(0.0, 200_000.0)),
        "start_day": draw(st.integers(1, max(1, days // 3))),
        "savings_mean": draw(positive(10.0, 20_000.0)),
        "savings_sd": draw(floats(0.0, 20_000.0)),
        "quota_period_days": draw(st.integers(1, 20)),
        "seventy_percent_rule": draw(st.booleans()),
        "buyback_share": draw(mostly(st.just(0.0), probabilities)),
        "recruitment_rate_per_day": draw(floats(0.0, 0.5)),
        "promised_profit_per_day": draw(floats(0.0, 500.0)),
        "hype_learning_rate": draw(probabilities),
        "loss_aversion": draw(floats(0.0, 5.0)),
        "effort_cost_per_day": draw(floats(0.0, 100.0)),
        "refusal_probability_per_day": draw(probabilities),
        "max_recruits": draw(st.none() | st.integers(1, 5)),
        "bottom_level_can_recruit": draw(st.booleans()),
        "upline_choice": draw(st.sampled_from(["trust", "seniority"])),
        "give_up_after_days": draw(st.integers(1, 60)),
        "dump_price_share": draw(probabilities),
        "dump_attitude_drop": draw(probabilities),
        "grey_market_utility": draw(floats(0.0, 2.0)),
        "grey_market_decay_per_day": draw(probabilities),
    }


@st.composite
def posting_policies(draw: st.DrawFn) -> list[dict[str, Any]]:
    """1–3 posting policies, fixed or adaptive, with shares that sum to 1."""
    count = draw(st.integers(1, 3))
    weights = [draw(floats(0.05, 1.0)) for _ in range(count)]
    total = sum(weights)
    shares = [w / total for w in weights]
    shares[-1] = 1.0 - sum(shares[:-1])
    out = []
    for k in range(count):
        low = draw(floats(0.0, 2.0))
        out.append(
            {
                "name": f"policy{k}",
                "share": shares[k],
                "kind": draw(st.sampled_from(["fixed", "adaptive"])),
                "posts_per_day": draw(mostly(floats(0.2, 6.0), floats(0.0, 30.0))),
                "content_quality": draw(probabilities),
                "peak_share": draw(probabilities),
                "adapt_every_days": draw(st.integers(1, 10)),
                "adapt_step": draw(floats(0.05, 0.9)),
                "min_posts_per_day": low,
                "max_posts_per_day": low + draw(floats(0.0, 20.0)),
            }
        )
    return out


@st.composite
def spam_sections(draw: st.DrawFn, graph_type: str, stores: bool) -> dict[str, Any]:
    """Reader behaviour; off where a complete graph hosts micro-stores (rejected otherwise)."""
    mute = draw(probabilities)
    return {
        "enabled": draw(st.booleans()) and not (graph_type == "complete" and stores),
        "tolerance_mean": draw(positive(0.1, 5.0)),
        "tolerance_sd": draw(floats(0.0, 3.0)),
        "annoyance_decay_per_day": draw(probabilities),
        "trust_loss_per_excess_ad": draw(floats(0.0, 0.5)),
        "trust_recovery_per_useful_post": draw(floats(0.0, 0.5)),
        "mute_trust_threshold": mute,
        "mute_annoyance_threshold": draw(positive(0.5, 50.0)),
        "block_trust_threshold": draw(floats(0.0, mute)),
        "block_probability": draw(probabilities),
        "block_attitude_drop": draw(probabilities),
        "detractor_attitude": draw(floats(-1.0, 0.0)),
        "negative_wom_per_year": draw(floats(0.0, 50.0)),
        "attitude_recovery_per_year": draw(floats(0.0, 50.0)),
    }


@st.composite
def set_values(draw: st.DrawFn, channels: dict[str, Any], list_price: float) -> dict[str, Any]:
    """Values for a ``set`` event: live parameters only, each valid for the whole scenario."""
    b2c2c = channels["b2c2c"]
    headroom = b2c2c["max_total_rebate_share"] - math.fsum(b2c2c["upline_rebate_rates"])
    n_tiers = len(channels["b2b2c"]["tiers"])
    options = {
        "channels.b2c2c.rebate_rate": st.builds(
            lambda f: max(0.0, headroom * f * (1.0 - 1e-9)), probabilities
        ),
        "channels.b2c.price": price_near(list_price),
        "channels.b2c2c.price": price_near(list_price),
        f"channels.b2b2c.tiers.{draw(st.integers(0, n_tiers - 1))}.markup": floats(0.0, 5.0),
        "channels.b2c.advertising.grps_per_day": floats(0.0, 100.0),
    }
    paths = draw(st.lists(st.sampled_from(sorted(options)), min_size=1, max_size=2, unique=True))
    return {path: draw(options[path]) for path in paths}


@st.composite
def events(
    draw: st.DrawFn, days: int, channels: dict[str, Any], list_price: float
) -> list[dict[str, Any]]:
    """0–4 dated events; close/reopen name only enabled channels."""
    enabled = [c for c in CHANNELS if channels[c]["enabled"]]
    out = []
    for _ in range(draw(st.integers(0, 4))):
        day = draw(st.integers(1, days))
        action = draw(
            st.sampled_from(
                [
                    "close_channel",
                    "reopen_channel",
                    "open_to_public",
                    "competitor_enters",
                    "platform_crackdown",
                    "set",
                ]
            )
        )
        event: dict[str, Any] = {"day": day, "action": action}
        if action in ("close_channel", "reopen_channel"):
            event["channel"] = draw(st.sampled_from(enabled))
        elif action == "competitor_enters":
            event["outside_utility_increase"] = draw(floats(-2.0, 3.0))
        elif action == "platform_crackdown":
            event["throttle_above"] = draw(st.none() | floats(0.0, 6.0))
            event["ban_above"] = draw(st.none() | floats(0.0, 10.0))
            event["ban_probability"] = draw(probabilities)
            event["duration_days"] = draw(st.none() | st.integers(1, days))
        elif action == "set":
            event["values"] = draw(set_values(channels, list_price))
        out.append(event)
    return out


# ------------------------------------------------------------------------------ scenarios


@st.composite
def scenario_dicts(
    draw: st.DrawFn, min_days: int = 20, max_days: int = 60, max_consumers: int = 400
) -> dict[str, Any]:
    """A complete scenario as a plain dict (what a scenario file would hold)."""
    consumers = draw(st.integers(30, max_consumers))
    days = draw(st.integers(min_days, max_days))
    enabled = draw(st.sampled_from(CHANNEL_SETS))
    product = draw(products())
    list_price = product["list_price"]
    channels = {
        "b2b2c": draw(b2b2c_sections(enabled[0], list_price)),
        "b2c": draw(b2c_sections(enabled[1], list_price)),
        "b2c2c": draw(b2c2c_sections(enabled[2], days, list_price)),
    }
    graph = draw(graphs(consumers))
    return {
        "name": "property",
        "seed": draw(st.integers(0, 2**32 - 1)),
        "days": days,
        "market": draw(markets(consumers)),
        "graph": graph,
        "spam": draw(spam_sections(graph["type"], enabled[2])),
        "product": product,
        "consumers": draw(consumer_sections()),
        "diffusion": {
            "innovation_rate_per_year": draw(floats(0.0, 20.0)),
            "imitation_rate_per_year": draw(floats(0.0, 50.0)),
            "forgetting_rate_per_day": draw(floats(0.0, 0.2)),
        },
        "trust": {"initial_mean": draw(probabilities), "initial_sd": draw(floats(0.0, 1.0))},
        "audience": {
            "influencer_share": draw(mostly(floats(0.0, 0.05), floats(0.05, 0.5))),
            "followers_min": draw(st.integers(1, 30)),
            "followers_exponent": draw(floats(1.2, 4.0)),
            "followers_max_share": draw(probabilities),
            "follower_trust_mean": draw(probabilities),
            "groups_per_1000": draw(floats(0.0, 50.0)),
            "group_size_mean": draw(floats(2.0, 50.0)),
            "group_size_max": draw(st.integers(2, 100)),
            "group_trust_mean": draw(probabilities),
        },
        "choice": {
            "habit_weight": draw(floats(0.0, 6.0)),
            "price_weight": draw(floats(0.0, 10.0)),
            "trust_weight": draw(floats(0.0, 4.0)),
            "attitude_weight": draw(floats(0.0, 3.0)),
            "outside_option_utility": draw(st.none() | floats(-3.0, 2.0)),
        },
        "manufacturer": draw(manufacturers()),
        "channels": channels,
        "events": draw(events(days, channels, list_price)),
    }


def validate(data: dict[str, Any]) -> Scenario:
    """The dict as a Scenario; fails loudly if the strategy drew something a loader rejects."""
    scenario = Scenario.model_validate(data)
    problems = semantic_problems(scenario)
    assert not problems, problems
    return scenario


def scenarios(
    min_days: int = 20, max_days: int = 60, max_consumers: int = 400
) -> st.SearchStrategy[Scenario]:
    """Validated scenarios (see :func:`scenario_dicts`)."""
    return scenario_dicts(min_days, max_days, max_consumers).map(validate)
