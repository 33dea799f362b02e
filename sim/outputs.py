"""The model's outputs, declared once: daily measurements and end-of-run summary keys.

Every column of ``timeseries.csv`` (after ``day``) and every number of ``summary.json``
(flattened to ``a.b.c`` keys, as in a sweep's ``summary.csv``) is an :class:`Output` with a
name, a human label, a unit and a description. Which outputs a run has depends only on its
scenario (its tiers, posting policies, pyramid levels and enabled channels), so
:func:`measurements` and :func:`summary_outputs` list them without running anything; the
model, the results folder, experiments, reports, figures and the dashboard all read these
declarations, and a test checks that a run produces exactly them.
"""

from __future__ import annotations

import functools

from sim.brand_outputs import (
    BRAND_MEASURES,
    BRAND_SUMMARY,
    DISTRIBUTOR_STORE_SUMMARY,
    MARKET_SHARE,
    MENTOR_SUMMARY,
    OWNER_MOVE_SUMMARY,
    brand_measurements,
    brand_names,
    brand_summary_outputs,
    has_mentors,
    has_owner_moves,
)
from sim.output_types import CHANNEL_LABELS, CHANNEL_NAMES, Output
from sim.scenario import CHANNELS, Scenario

__all__ = [  # declared elsewhere, read from here by the rest of the package
    "BRAND_MEASURES",
    "BRAND_SUMMARY",
    "CHANNELS",
    "CHANNEL_LABELS",
    "CHANNEL_NAMES",
    "DISTRIBUTOR_STORE_SUMMARY",
    "MARKET_SHARE",
    "MENTOR_SUMMARY",
    "OWNER_MOVE_SUMMARY",
    "Output",
    "brand_names",
    "brand_summary_outputs",
    "has_mentors",
    "has_owner_moves",
]


# --------------------------------------------------------------------------- measurements


def _channel_measures() -> list[Output]:
    out = []
    for ch in CHANNELS:
        out.append(Output(f"units_{ch}", f"units sold, {CHANNEL_NAMES[ch]}", "units/day"))
    out.append(Output("units_total", "units sold, all channels", "units/day"))
    for ch in CHANNELS:
        out.append(
            Output(
                f"revenue_{ch}",
                f"consumer spending, {CHANNEL_NAMES[ch]}",
                "money/day",
                "what consumers paid through the channel",
            )
        )
    what = {
        "b2b2c": "wholesale sales to the first tier of distributors",
        "b2c": "direct sales",
        "b2c2c": "sales through micro-stores, plus certification fees; with a pyramid, "
        "sales to its top level plus entry fees",
    }
    for ch in CHANNELS:
        out.append(
            Output(
                f"maker_revenue_{ch}",
                f"maker's revenue, {CHANNEL_NAMES[ch]}",
                "money/day",
                what[ch],
            )
        )
    return out


CORE_MEASUREMENTS: tuple[Output, ...] = (
    *_channel_measures(),
    Output("cost_production", "production paid", "money/day", "cash for completed production"),
    Output(
        "cost_of_goods_sold",
        "cost of goods sold",
        "money/day",
        "unit cost × units that left the maker's stock, less units bought back",
    ),
    Output("cost_logistics", "logistics", "money/day", "delivery of direct and store sales"),
    Output("cost_advertising", "advertising", "money/day"),
    Output("cost_rebates", "rebates", "money/day", "paid to micro-store owners"),
    Output("cost_buybacks", "buy-backs", "money/day", "refunds of a pyramid's stock"),
    Output(
        "distributor_margin",
        "distributors' margin",
        "money/day",
        "units sold by each tier × its unit margin",
    ),
    Output("manufacturer_profit", "maker's profit", "money/day", "accrual basis"),
    Output(
        "manufacturer_profit_cumulative",
        "maker's cumulative profit",
        "money",
        "running sum from the day-0 sell-in",
    ),
    Output("manufacturer_cash", "maker's cash", "money", "its ledger balance"),
    Output("aware", "aware consumers", "consumers"),
    Output("adopters", "adopters", "consumers", "consumers who bought at least once"),
    Output("in_market", "shoppers", "consumers/day"),
    Output(
        "identified_customers",
        "identified customers",
        "consumers",
        "bought direct or through a micro-store: the maker knows them",
    ),
    Output("lost_sales", "lost sales", "consumers/day", "shoppers not served after a stock-out"),
    Output("bought_elsewhere", "bought elsewhere", "consumers/day"),
    Output("active_stores", "active micro-stores", "stores"),
    Output("stores_opened", "stores opened", "stores/day"),
    Output("stores_closed", "stores closed", "stores/day", "bans included"),
    Output("stores_banned", "stores banned", "stores/day", "by a platform crackdown"),
    Output(
        "store_sales_top20_share",
        "top-20 % stores' share of store sales",
        "share",
        "over every store ever opened, by units",
    ),
    Output("store_sales_gini", "Gini of store sales", "share", "over every store ever opened"),
    Output("stores_sold", "stores that have sold", "stores", "stores with at least one unit sold"),
    Output(
        "mean_trust",
        "mean trust over all friendships",
        "share",
        "every consumer's trust in every friend, store owner or not",
    ),
    Output("muted_edges", "muted friendships", "friendships"),
    Output("blocked_edges", "blocked friendships", "friendships"),
    Output(
        "muted_share",
        "muted share of owners' friendships",
        "share",
        "over the friendships of the owners of every store ever opened",
    ),
    Output("blocked_share", "blocked share of owners' friendships", "share"),
    Output("detractors", "detractors", "consumers"),
    Output("posts", "posts", "posts/day"),
    Output("sales_per_post", "sales per post", "units/post"),
    Output("units_produced", "units produced", "units/day"),
    Output("production_started", "production started", "units/day"),
    Output("inventory_maker", "maker's finished goods", "units"),
    Output("demand_retail", "demand at retailers", "units/day", "lost sales included"),
)
"""Measurements every run records, in column order."""

PYRAMID_MEASUREMENTS: tuple[Output, ...] = (
    Output("participants", "pyramid agents", "agents"),
    Output("participants_joined", "agents joined", "agents/day"),
    Output("participants_exited", "agents exited", "agents/day"),
    Output("pyramid_units_to_consumers", "units sold to end consumers", "units/day"),
    Output(
        "pyramid_units_internal",
        "units sold inside the pyramid",
        "units/day",
        "to recruits and downlines, each hop counted",
    ),
    Output("pyramid_units_from_maker", "units bought from the maker", "units/day"),
    Output("pyramid_stock", "stock held by agents", "units"),
    Output("units_dumped", "units dumped", "units/day"),
    Output("units_bought_back", "units bought back", "units/day"),
    Output("share_at_loss", "agents at a loss", "share", "of everyone who ever joined"),
    Output("hype_profit_per_day", "believed profit per day", "money/day"),
    Output("grey_market_pressure", "grey-market pressure", "units per 1,000 consumers"),
)
"""Measurements of a stock-pressure pyramid, before those by level."""


DISTRIBUTOR_REBATE_COST = "cost_distributor_rebates"
"""The daily measurement of the rebates the maker pays to tiers paid by rebate (recorded only
when a tier is one, after ``cost_rebates``)."""

DISTRIBUTOR_REBATE_MEASUREMENT = Output(
    DISTRIBUTOR_REBATE_COST,
    "rebates to distributors",
    "money/day",
    "paid by the maker to distributor tiers paid by rebate (FD), on the units they sold on",
)


def measurements(
    tier_names: list[str],
    policy_names: list[str],
    level_names: list[str] | None = None,
    distributor_rebates: bool = False,
) -> list[Output]:
    """The measurements of a run, in the column order of ``timeseries.csv`` (after ``day``).

    ``distributor_rebates``: whether some B2B2C tier is paid by rebate (adds
    ``cost_distributor_rebates`` after ``cost_rebates``).
    """
    out = list(CORE_MEASUREMENTS)
    if distributor_rebates:
        at = [o.name for o in out].index("cost_rebates") + 1
        out.insert(at, DISTRIBUTOR_REBATE_MEASUREMENT)
    for t in tier_names:
        out += [
            Output(f"orders_{t}", f"orders placed by {t}", "units/day"),
            Output(f"inventory_{t}", f"stock on hand at {t}", "units"),
            Output(f"in_transit_{t}", f"stock in transit to {t}", "units"),
            Output(f"price_{t}", f"selling price of {t}", "money"),
        ]
    for name in policy_names:
        out += [
            Output(f"active_stores_{name}", f"active stores, {name}", "stores"),
            Output(f"posts_{name}", f"posts, {name}", "posts/day"),
            Output(f"units_{name}", f"units sold, {name} stores", "units/day"),
            Output(f"income_{name}", f"rebate income, {name} stores", "money/day"),
            Output(
                f"mean_trust_in_{name}",
                f"friends' trust in {name} owners",
                "share",
                "mean trust of the friends of open stores' owners (empty without such stores)",
            ),
        ]
    out.append(
        Output(
            "mean_trust_in_owners",
            "friends' trust in store owners",
            "share",
            "mean trust of the friends of open stores' owners in them (empty without stores)",
        )
    )
    out += [
        Output(
            "audience_trust_in_owners",
            "followers' and group members' trust in store owners",
            "share",
            "mean trust of the followers and group members of open stores' owners who have not "
            "left (empty without such ties)",
        ),
        Output("unfollowed_ties", "unfollowed or left", "ties", "audience ties muted so far"),
        Output(
            "unfollowed_share",
            "unfollowed share of owners' audiences",
            "share",
            "over the follower and group ties of the owners of every store ever opened",
        ),
    ]
    out += [Output(f"open_{c}", f"{CHANNEL_NAMES[c]} open", "0/1") for c in CHANNELS]
    if level_names is not None:
        out += PYRAMID_MEASUREMENTS
        for level in level_names:
            out += [
                Output(f"participants_{level}", f"agents, {level}", "agents"),
                Output(f"stock_{level}", f"stock, {level}", "units"),
                Output(f"cash_{level}", f"cash, {level}", "money"),
            ]
    return out


def tier_names(scenario: Scenario) -> list[str]:
    """Names of the B2B2C tiers of a run (none without the channel)."""
    b2b2c = scenario.channels.b2b2c
    return [t.name for t in b2b2c.tiers] if b2b2c.enabled else []


def has_rebate_tiers(scenario: Scenario) -> bool:
    """Whether a run has a B2B2C tier paid by rebate (FD direct control)."""
    b2b2c = scenario.channels.b2b2c
    return b2b2c.enabled and any(t.compensation == "rebate" for t in b2b2c.tiers)


def has_pyramid(scenario: Scenario) -> bool:
    """Whether the B2C2C channel of a run is a stock-pressure pyramid."""
    b2c2c = scenario.channels.b2c2c
    return b2c2c.enabled and b2c2c.stock_pressure.enabled


def has_spam(scenario: Scenario) -> bool:
    """Whether a run has screen-spam dynamics (micro-stores and ``spam.enabled``)."""
    return scenario.spam.enabled and scenario.channels.b2c2c.enabled


def has_teams(scenario: Scenario) -> bool:
    """Whether a run's micro-stores may join teams (``channels.b2c2c.teams``; not a pyramid)."""
    b2c2c = scenario.channels.b2c2c
    return b2c2c.enabled and b2c2c.teams.enabled and not b2c2c.stock_pressure.enabled


def measurements_of(scenario: Scenario) -> list[Output]:
    """The measurements a run of ``scenario`` records: the focal brand's, then with rival
    brands the ``<measure>.<brand>`` columns of every brand."""
    focal = measurements_of_brand(scenario)
    return focal + brand_measurements(scenario, focal)


def measurements_of_brand(scenario: Scenario) -> list[Output]:
    """The focal brand's own measurements (the unprefixed columns)."""
    b2c2c = scenario.channels.b2c2c
    levels = [x.name for x in b2c2c.stock_pressure.levels] if has_pyramid(scenario) else None
    return measurements(
        tier_names(scenario),
        [p.name for p in b2c2c.posting.policies],
        levels,
        distributor_rebates=has_rebate_tiers(scenario),
    )


def measurement_names(scenario: Scenario) -> list[str]:
    return [o.name for o in measurements_of(scenario)]


# --------------------------------------------------------------------------- the summary


def _channel_summary(scenario: Scenario) -> list[Output]:
    out = []
    for ch in CHANNELS:
        n = CHANNEL_NAMES[ch]
        pre = f"channels.{ch}."
        out += [
            Output(pre + "enabled", f"{n} in the market", "0/1"),
            Output(pre + "units", f"units {n}", "units"),
            Output(pre + "unit_share", f"unit share {n}", "share"),
            Output(pre + "consumer_revenue", f"sales {n}", "money"),
            Output(
                pre + "maker_revenue",
                f"maker's revenue {n}",
                "money",
                "B2B2C: wholesale sales including the day-0 sell-in" if ch == "b2b2c" else "",
            ),
        ]
        margin = Output(
            pre + "maker_margin",
            f"maker's margin {n}",
            "money",
            "revenue − unit cost × units − the channel's own costs",
        )
        if ch == "b2b2c":
            out += [
                Output(pre + "units_sold_to_distributors", "units sold to distributors", "units"),
                Output(pre + "distributor_margin", "distributors' margin", "money"),
            ]
            if has_rebate_tiers(scenario):
                out.append(
                    Output(
                        pre + "rebate_cost",
                        "rebates to distributors",
                        "money",
                        "paid by the maker to the tiers paid by rebate (FD), the day-0 sell-in "
                        "included; subtracted from the maker's B2B2C margin",
                    )
                )
            out += [
                margin,
                Output(
                    pre + "shelf_price",
                    "shelf price",
                    "money",
                    "wholesale price × (1 + markup) of every tier, on the last day",
                ),
            ]
            for t in tier_names(scenario):
                out += [
                    Output(pre + f"by_tier.{t}.price_end", f"{t}'s price", "money"),
                    Output(pre + f"by_tier.{t}.markup_end", f"{t}'s markup", "share"),
                    Output(pre + f"by_tier.{t}.margin", f"{t}'s margin", "money"),
                ]
            if tier_names(scenario):
                out.append(
                    Output(
                        pre + "bullwhip_at_maker",
                        "bullwhip ratio at the maker",
                        "ratio",
                        "Var(first tier's orders) / Var(retail demand)",
                    )
                )
        elif ch == "b2c":
            out += [
                Output(pre + "logistics_cost", "logistics B2C", "money"),
                Output(pre + "advertising_cost", "advertising", "money"),
                margin,
            ]
        elif has_pyramid(scenario):
            out += [
                Output(pre + "units_sold_into_pyramid", "units sold into the pyramid", "units"),
                Output(pre + "buyback_cost", "buy-backs", "money"),
                margin,
            ]
        else:
            out += [
                Output(pre + "logistics_cost", "logistics B2C2C", "money"),
                Output(pre + "rebate_cost", "rebates", "money"),
                margin,
            ]
    return out


def _pyramid_summary(scenario: Scenario) -> list[Output]:
    pre = "pyramid."
    out = [
        Output(pre + "participants_ever", "agents who ever joined", "agents"),
        Output(pre + "peak_participants", "peak of active agents", "agents"),
        Output(pre + "peak_day", "day of the peak", "day"),
        Output(pre + "collapse_day", "collapse day (runs that collapsed)", "day"),
        Output(pre + "collapse_depth_levels", "depth at collapse", "generations"),
        Output(pre + "units_from_maker", "units bought from the maker", "units"),
        Output(pre + "units_sold_inside", "units sold inside the pyramid", "units"),
        Output(pre + "units_to_end_consumers", "units sold to end consumers", "units"),
        Output(pre + "units_dumped", "units dumped", "units"),
        Output(pre + "units_bought_back", "units bought back", "units"),
        Output(pre + "stock_held_end", "stock held at the end", "units"),
        Output(
            pre + "stranded_stock",
            "stranded stock",
            "units",
            "stock held at the end plus stock dumped: bought in, never sold to a consumer",
        ),
        Output(pre + "share_at_loss", "pyramid agents at a loss (share)", "share"),
        Output(pre + "median_profit", "agents' median profit", "money"),
    ]
    for level in scenario.channels.b2c2c.stock_pressure.levels:
        p = f"{pre}by_level.{level.name}."
        out += [
            Output(p + "joined", f"agents joined, {level.name}", "agents"),
            Output(p + "active_end", f"active agents at the end, {level.name}", "agents"),
            Output(p + "stock_end", f"stock at the end, {level.name}", "units"),
            Output(p + "mean_profit", f"agents' mean profit, {level.name}", "money"),
        ]
    return out


def _spam_summary(scenario: Scenario) -> list[Output]:
    pre = "spam."
    out = [
        Output(pre + "mean_trust_end", "mean trust over all friendships (end)", "share"),
        Output(pre + "mean_trust_in_owners_end", "friends' trust in store owners (end)", "share"),
        Output(
            pre + "audience_trust_in_owners_end",
            "followers' and group members' trust in store owners (end)",
            "share",
        ),
        Output(
            pre + "unfollowed_share_end", "unfollowed share of owners' audiences (end)", "share"
        ),
        Output(pre + "muted_edges_end", "muted friendships (end)", "friendships"),
        Output(pre + "blocked_edges_end", "blocked friendships (end)", "friendships"),
        Output(pre + "muted_share_end", "muted share of owners' friendships (end)", "share"),
        Output(pre + "blocked_share_end", "blocked share of owners' friendships (end)", "share"),
        Output(pre + "detractors_end", "detractors (end)", "consumers"),
        Output(pre + "stores_banned", "stores banned", "stores"),
        Output(pre + "posts", "posts", "posts"),
        Output(pre + "sales_per_post", "sales per post", "units/post"),
    ]
    for policy in scenario.channels.b2c2c.posting.policies:
        n = policy.name
        p = f"{pre}by_policy.{n}."
        out += [
            Output(p + "units", f"units sold, {n} stores", "units"),
            Output(p + "posts", f"posts, {n} stores", "posts"),
            Output(p + "sales_per_post", f"sales per post, {n}", "units/post"),
            Output(p + "rebate_income", f"rebate income, {n} stores", "money"),
            Output(p + "active_stores_end", f"active {n} stores (end)", "stores"),
            Output(p + "mean_trust_in_owners_end", f"friends' trust in {n} owners (end)", "share"),
        ]
    return out


def _teams_summary() -> list[Output]:
    pre = "teams."
    out = [Output(pre + "teams_formed", "teams formed", "teams")]
    for who, what in (("team", "team"), ("lone", "lone")):
        p = f"{pre}{who}."
        out += [
            Output(p + "opened", f"{what} stores opened", "stores"),
            Output(p + "units_per_store", f"units per {what} store opened", "units/store"),
            Output(p + "share_sold", f"share of {what} stores that sold", "share"),
            Output(p + "share_closed", f"share of {what} stores closed (end)", "share"),
            Output(
                p + "mean_trust_in_owners_end",
                f"friends' trust in {what} store owners (end)",
                "share",
                "over every store opened, open or closed",
            ),
        ]
    return out


def summary_outputs(scenario: Scenario) -> list[Output]:
    """The numbers of a run's ``summary.json``, flattened, in the file's order.

    Numbers that can be missing in a run (e.g. the collapse day of a pyramid that did not
    collapse: ``null``) are listed too. Text and lists (names, versions, events) are not.
    """
    out = [
        Output("seed", "seed", ""),
        Output("days", "days simulated", "days"),
        Output("consumers", "consumers", "consumers"),
        Output("friendships", "friendships", "friendships"),
        *_channel_summary(scenario),
        Output("manufacturer.profit", "maker's profit", "money"),
        Output("manufacturer.cash", "maker's cash (end)", "money"),
        Output(
            "manufacturer.costs.goods_sold_at_cost",
            "goods sold at cost",
            "money",
            "unit cost × units the maker sold (less units bought back), the day-0 sell-in "
            "included: revenue by channel − this − logistics − advertising − rebates − "
            "rebates to distributors (with a rebate tier) − buy-backs = the maker's profit",
        ),
        Output("manufacturer.costs.production_paid", "production paid", "money"),
        Output("manufacturer.costs.logistics", "logistics", "money"),
        Output("manufacturer.costs.advertising", "advertising", "money"),
        Output("manufacturer.costs.rebates", "rebates", "money"),
    ]
    if has_rebate_tiers(scenario):
        out.append(
            Output(
                "manufacturer.costs.distributor_rebates",
                "rebates to distributors",
                "money",
                "paid to the B2B2C tiers paid by rebate (FD); not in the rebates to store owners",
            )
        )
    out += [
        Output("manufacturer.distributor_margins", "distributors' margins", "money"),
        Output("manufacturer.identified_customers", "identified customers", "consumers"),
        Output("manufacturer.inventory_end", "maker's finished goods (end)", "units"),
        Output("consumers_aware_end", "aware consumers (end)", "consumers"),
        Output("adopters_end", "adopters (end)", "consumers"),
        Output("lost_sales", "lost sales", "consumers"),
        Output("micro_stores.opened", "micro-stores opened", "stores"),
        Output("micro_stores.active_end", "active micro-stores (end)", "stores"),
        Output("micro_stores.closed", "micro-stores closed", "stores"),
        Output(
            "micro_stores.top20_share",
            "top-20 % stores' share of store sales",
            "share",
            "over every store opened, sellers or not",
        ),
        Output("micro_stores.gini", "Gini of store sales", "share", "over every store opened"),
        Output("micro_stores.stores_sold", "stores that sold", "stores"),
        Output("micro_stores.share_sold", "share of stores that sold", "share"),
        Output(
            "micro_stores.top20_share_sellers",
            "top-20 % sellers' share of store sales",
            "share",
            "among stores that sold (Zipf law of exponent 1 over 10,000 sellers: 0.836)",
        ),
        Output("micro_stores.gini_sellers", "Gini of sales among sellers", "share"),
        Output(
            "micro_stores.long_tail_share",
            "long-tail share of store sales",
            "share",
            "units sold by the sellers outside the top 20 %",
        ),
        Output("micro_stores.max_units", "best store's units", "units"),
        Output(
            "micro_stores.power_law_alpha",
            "power-law exponent of store sales",
            "",
            "discrete maximum likelihood above x_min [ClausetShaliziNewman2009]",
        ),
        Output("micro_stores.power_law_xmin", "power law's x_min", "units"),
        Output("micro_stores.power_law_n", "sellers in the power-law tail", "stores"),
    ]
    out += [
        Output(f"bullwhip_variance_ratio.{t}", f"bullwhip ratio {t}", "ratio")
        for t in tier_names(scenario)
    ]
    out += [
        Output(
            f"bullwhip_demand_per_node.{t}",
            f"units asked a day of one {t}",
            "units/day",
            "mean over the days after the forecast warm-up",
        )
        for t in tier_names(scenario)
    ]
    out += [
        Output(
            f"bullwhip_meaningful.{t}",
            f"bullwhip ratio {t} meaningful",
            "0/1",
            "1 when one node is asked at least 5 units a day (below, whole-unit orders dominate)",
        )
        for t in tier_names(scenario)
    ]
    out += [
        Output("mechanisms.spam", "screen-spam dynamics", "0/1"),
        Output("mechanisms.pyramid", "stock-pressure pyramid", "0/1"),
    ]
    if has_pyramid(scenario):
        out += _pyramid_summary(scenario)
    if has_spam(scenario):
        out += _spam_summary(scenario)
    if has_teams(scenario):
        out += _teams_summary()
    if has_mentors(scenario):
        out += MENTOR_SUMMARY
    if has_owner_moves(scenario):
        out += OWNER_MOVE_SUMMARY
    out += brand_summary_outputs(scenario)
    if scenario.distributor_stores.count:
        out += DISTRIBUTOR_STORE_SUMMARY
    out += [
        Output("conservation.units_produced", "units produced", "units"),
        Output("conservation.units_sold", "units sold", "units"),
        Output("conservation.units_held", "units held", "units"),
        Output("conservation.money_imbalance", "money imbalance", "money"),
    ]
    return out


def summary_keys(scenario: Scenario) -> list[str]:
    return [o.name for o in summary_outputs(scenario)]


def label(name: str, scenario: Scenario | None = None) -> str:
    """The label of a measurement or summary key (the name itself if it is not declared).

    Names that depend on a scenario (tiers, policies, levels) are found with ``scenario``;
    without one, those of the default scenario and of the default pyramid are known.
    """
    output = find(name, scenario)
    return output.label if output is not None else name


def find(name: str, scenario: Scenario | None = None) -> Output | None:
    """The declared output of that name, or None."""
    if scenario is None:
        return _reference_outputs().get(name) or _brand_output(name)
    for o in (*measurements_of(scenario), *summary_outputs(scenario)):
        if o.name == name:
            return o
    return None


@functools.cache
def _reference_outputs() -> dict[str, Output]:
    pyramid = Scenario.model_validate(
        {"channels": {"b2c2c": {"stock_pressure": {"enabled": True}}}}
    )
    out: dict[str, Output] = {}
    for scenario in (pyramid, Scenario()):
        for o in (*measurements_of(scenario), *summary_outputs(scenario)):
            out[o.name] = o
    for o in (*DISTRIBUTOR_STORE_SUMMARY, *MENTOR_SUMMARY, *OWNER_MOVE_SUMMARY):
        out[o.name] = o
    return out


def _brand_output(name: str) -> Output | None:
    """A brand's column (``<measure>.<brand>``) or summary number (``brands.<brand>.<key>``)
    of any brand name, declared as :func:`brand_measurements` and
    :func:`brand_summary_outputs` declare it."""
    if name.startswith("brands."):
        brand, _, key = name.removeprefix("brands.").partition(".")
        for k, text, unit in BRAND_SUMMARY:
            if k == key:
                return Output(name, f"{text}, {brand}", unit)
        return None
    measure, _, brand = name.rpartition(".")
    if not brand or not measure:
        return None
    if measure == MARKET_SHARE.name:
        return Output(name, f"market share, {brand}", MARKET_SHARE.unit, MARKET_SHARE.description)
    if measure in BRAND_MEASURES:
        o = _reference_outputs().get(measure)
        if o is not None:
            return Output(name, f"{o.label}, {brand}", o.unit, o.description)
    return None
