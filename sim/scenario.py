"""The scenario schema: every parameter the model uses, typed, bounded and documented.

A scenario file states only what differs from these defaults. The schema is strict: unknown
keys, wrong types and out-of-range values are errors (see :mod:`sim.loading` for how they are
reported). Sources of the defaults are given in the field descriptions and in MODEL.md §6.

Time unit: one day. Money: one currency unit (yuan in the source articles).
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

CHANNELS: tuple[str, ...] = ("b2b2c", "b2c", "b2c2c")
"""Channel identifiers in the order used by every per-channel array."""

CHANNEL_HABIT: dict[str, str] = {"b2b2c": "offline", "b2c": "online", "b2c2c": "social"}
"""The purchase habit each channel draws on (MODEL.md M2)."""


class Strict(BaseModel):
    """Base of every scenario section: unknown keys and type coercion are errors."""

    model_config = ConfigDict(extra="forbid", strict=True, validate_default=True)


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Day = Annotated[int, Field(ge=0)]
Days = Annotated[int, Field(ge=1)]


# --------------------------------------------------------------------------- market and graph


class Market(Strict):
    """The simulated population of consumers."""

    consumers: Annotated[int, Field(ge=2, le=50_000_000)] = Field(
        10_000,
        description="Number of consumers (graph nodes). For an edge-list graph it must equal "
        "the number of distinct nodes in the file (it is filled in when resolving).",
    )
    employee_share: Share = Field(
        0.002, description="Share of consumers who are the maker's employees (always aware)."
    )
    fan_share: Share = Field(
        0.05, description="Share of consumers who are brand fans (high attitude, aware)."
    )
    initial_aware_share: Share = Field(
        0.0, description="Share of ordinary consumers already aware of the brand on day 0."
    )

    @model_validator(mode="after")
    def _segments_fit(self) -> Market:
        if self.employee_share + self.fan_share > 1.0:
            raise ValueError(
                "employee_share + fan_share must not exceed 1 "
                f"(got {self.employee_share} + {self.fan_share})"
            )
        return self


class GraphBase(Strict):
    seed: int | None = Field(
        None,
        description="Seed of the graph alone; null derives it from the run seed, so every "
        "replication draws its own graph. Fix it to hold the network constant across runs.",
    )
    cache: bool = Field(True, description="Cache built graphs on disk (keyed by all inputs).")


class PowerlawClusterGraph(GraphBase):
    """Holme–Kim growth: preferential attachment (hubs, the 'big V') plus triad closure."""

    type: Literal["powerlaw_cluster"]
    m: Annotated[int, Field(ge=1, le=1000)] = Field(
        5, description="Edges added per new node (mean degree ≈ 2m)."
    )
    triad_probability: Probability = Field(
        0.5, description="Probability that a further edge closes a triangle (clustering)."
    )


class BarabasiAlbertGraph(GraphBase):
    """Barabási–Albert preferential attachment: scale-free, little clustering."""

    type: Literal["barabasi_albert"]
    m: Annotated[int, Field(ge=1, le=1000)] = Field(5, description="Edges added per new node.")


class WattsStrogatzGraph(GraphBase):
    """Watts–Strogatz small world: a ring lattice with a share of edges rewired at random."""

    type: Literal["watts_strogatz"]
    k: Annotated[int, Field(ge=2, le=1000, multiple_of=2)] = Field(
        10, description="Nearest neighbours in the ring lattice (even)."
    )
    rewire_probability: Probability = Field(0.1, description="Probability to rewire an edge.")


class ErdosRenyiGraph(GraphBase):
    """Erdős–Rényi random graph G(n, p) with p = mean_degree/(n − 1)."""

    type: Literal["erdos_renyi"]
    mean_degree: Positive = Field(10.0, description="Expected number of friends.")


class StochasticBlockGraph(GraphBase):
    """Stochastic block model: equal circles of friends, dense inside, sparse between."""

    type: Literal["stochastic_block"]
    communities: Annotated[int, Field(ge=1)] = Field(100, description="Number of equal circles.")
    mean_degree_in: NonNegative = Field(8.0, description="Expected friends inside one's circle.")
    mean_degree_out: NonNegative = Field(2.0, description="Expected friends outside it.")


class RingGraph(GraphBase):
    """Ring lattice: each consumer knows its k nearest neighbours (the network lower bound)."""

    type: Literal["ring"]
    k: Annotated[int, Field(ge=2, le=1000, multiple_of=2)] = Field(
        2, description="Nearest neighbours (k/2 on each side)."
    )


class CompleteGraph(GraphBase):
    """Fully mixed population: everyone is everyone's friend; no edges are stored."""

    type: Literal["complete"]


class EdgeListGraph(GraphBase):
    """A user's network from a file; node labels are relabelled 0..N−1 in order of appearance."""

    type: Literal["edgelist"]
    path: str = Field(
        description="Edge-list file (whitespace or CSV, '#' comments), relative to the "
        "scenario file that names it."
    )


Graph = Annotated[
    PowerlawClusterGraph
    | BarabasiAlbertGraph
    | WattsStrogatzGraph
    | ErdosRenyiGraph
    | StochasticBlockGraph
    | RingGraph
    | CompleteGraph
    | EdgeListGraph,
    Field(discriminator="type"),
]


# --------------------------------------------------------------------------- product, consumers


class Product(Strict):
    """The maker's product (MODEL.md M1: durable or consumable)."""

    kind: Literal["one_time", "durable", "consumable"] = Field(
        "durable",
        description="one_time: bought once (Bass docking); durable: replaced after a lifetime; "
        "consumable: bought again at a repeat rate.",
    )
    lifetime_days: Days = Field(
        730, description="Durable: mean days until a product is replaced (phones: ~2 years)."
    )
    repeat_interval_days: Days = Field(30, description="Consumable: mean days between purchases.")
    unit_cost: NonNegative = Field(650.0, description="Production cost per unit.")
    list_price: Positive = Field(
        1000.0, description="Suggested retail price; the reference price in channel choice."
    )


class ChannelWeights(Strict):
    offline: NonNegative = Field(description="Weight of buying in shops (B2B2C).")
    online: NonNegative = Field(description="Weight of buying online direct (B2C).")
    social: NonNegative = Field(description="Weight of buying from friends' stores (B2C2C).")


class ChannelConstants(Strict):
    offline: float = Field(0.0, description="Alternative-specific constant α of B2B2C.")
    online: float = Field(0.0, description="Alternative-specific constant α of B2C.")
    social: float = Field(0.0, description="Alternative-specific constant α of B2C2C.")


class Attitudes(Strict):
    fan: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(0.8, description="Fans' attitude.")
    employee: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        0.6, description="Employees' attitude."
    )
    ordinary_mean: Annotated[float, Field(ge=-1.0, le=1.0)] = Field(
        0.1, description="Mean attitude of ordinary consumers (normal, clipped to [-1, 1])."
    )
    ordinary_sd: NonNegative = Field(0.2, description="Its standard deviation.")


class Consumers(Strict):
    """Heterogeneity and habits of the consumer crowd (MODEL.md M2)."""

    habit_mean: ChannelWeights = Field(
        default_factory=lambda: ChannelWeights(offline=0.6, online=0.35, social=0.05),
        description="Mean purchase-habit weights (normalised to sum 1); consumers keep buying "
        "where they always bought (seeds 001, 004).",
    )
    habit_concentration: Positive = Field(
        5.0, description="Dirichlet concentration of individual habits around the mean."
    )
    habit_learning_rate: Probability = Field(
        0.2, description="Weight moved toward the channel used, per purchase (habit stickiness)."
    )
    price_sensitivity_mean: Positive = Field(1.0, description="Mean price sensitivity.")
    price_sensitivity_sd: NonNegative = Field(
        0.3, description="Its standard deviation (log-normal)."
    )
    patience_days: Days = Field(
        14, description="Days a consumer in need waits for an open channel before buying elsewhere."
    )
    attitude: Attitudes = Field(default_factory=Attitudes)
    satisfaction_gain: Probability = Field(
        0.1, description="Share of the gap to +1 that a purchase adds to attitude."
    )

    @model_validator(mode="after")
    def _habits_positive(self) -> Consumers:
        h = self.habit_mean
        if h.offline + h.online + h.social <= 0.0:
            raise ValueError("habit_mean must have a positive total")
        return self


class Diffusion(Strict):
    """Awareness and word of mouth (MODEL.md M1, Bass-compatible)."""

    innovation_rate_per_year: NonNegative = Field(
        0.03,
        description="Bass p: external influence not bought by any channel (media, news). "
        "Sultan, Farley & Lehmann 1990 meta-analysis: p ≈ 0.03 per year.",
    )
    imitation_rate_per_year: NonNegative = Field(
        0.38,
        description="Bass q: word of mouth, times the trust-weighted share of adopting friends. "
        "Sultan, Farley & Lehmann 1990: q ≈ 0.38 per year.",
    )
    forgetting_rate_per_day: Probability = Field(
        1.0 / 180.0,
        description="Daily probability that an aware ordinary consumer who has not bought, and "
        "was not reminded that day, forgets.",
    )


class Trust(Strict):
    """Trust of a consumer in each friend (per directed friendship edge)."""

    initial_mean: Probability = Field(
        0.7, description="Mean initial trust in a friend (weights word of mouth and stores)."
    )
    initial_sd: NonNegative = Field(
        0.1, description="Its standard deviation across edges (normal, clipped to [0, 1])."
    )


class Choice(Strict):
    """Multinomial logit channel choice (MODEL.md M2)."""

    habit_weight: NonNegative = Field(3.0, description="Utility per unit of habit weight.")
    price_weight: NonNegative = Field(
        5.0, description="Utility lost per unit relative price premium over list price."
    )
    trust_weight: NonNegative = Field(2.0, description="Utility per unit trust in the store owner.")
    attitude_weight: NonNegative = Field(
        1.0, description="Utility of the brand's channels per unit of attitude (vs. outside)."
    )
    channel_constants: ChannelConstants = Field(default_factory=ChannelConstants)
    outside_option_utility: float | None = Field(
        1.0,
        description="Utility of not buying the brand (a competitor, or nothing); null removes "
        "the option so a consumer in need always buys when a channel is open.",
    )


# --------------------------------------------------------------------------- the maker


class Manufacturer(Strict):
    """The brand owner: production and finished-goods inventory (MODEL.md §1)."""

    production_capacity_per_day: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Units that can be completed per day; null: unlimited."
    )
    production_lead_time_days: Days = Field(7, description="Days from production order to stock.")
    forecast_window_days: Days = Field(
        28, description="Moving-average window of the demand forecast."
    )
    safety_factor: NonNegative = Field(1.0, description="Safety stock in standard deviations.")
    initial_stock_days: NonNegative = Field(
        14.0, description="Finished goods on day 0, in days of the launch forecast."
    )
    launch_demand_per_1000_per_day: NonNegative = Field(
        0.2, description="Launch forecast of total demand per 1,000 consumers (all channels)."
    )


# --------------------------------------------------------------------------- channels


class Tier(Strict):
    """One tier of the B2B2C chain (order-up-to policy on a moving-average forecast)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Identifier, used in column names (inventory_<name>, orders_<name>)."
    )
    markup: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        description="Markup on the purchase price (practitioner FMCG tables: distributors "
        "3–10 %, retailers 8–40 %)."
    )
    lead_time_days: Annotated[int, Field(ge=1, le=365)] = Field(
        2, description="Days from placing an order with the supplier to receiving it."
    )
    forecast_window_days: Annotated[int, Field(ge=1, le=365)] = Field(
        14, description="Moving-average window n of the demand forecast."
    )
    safety_factor: NonNegative = Field(
        1.0, description="z in S = L·mean + z·sqrt(L)·sd (0 gives Chen et al.'s bound exactly)."
    )
    initial_stock_days: NonNegative = Field(
        14.0, description="Stock on day 0, in days of the launch forecast."
    )
    serves: Annotated[int, Field(ge=1)] = Field(
        10,
        description="Downstream outlets served by one distributor of this tier (ignored for "
        "the last tier, the retailers, whose number follows consumers_per_retailer).",
    )


def _default_tiers() -> list[Tier]:
    return [
        Tier(name="national", markup=0.05, lead_time_days=5, serves=1000),
        Tier(name="regional", markup=0.07, lead_time_days=3, serves=5),
        Tier(name="retailer", markup=0.20, lead_time_days=2),
    ]


class B2B2C(Strict):
    """Maker → national → regional distributors → retailers → consumers (MODEL.md M3)."""

    enabled: bool = Field(True, description="Whether the channel exists in this market.")
    wholesale_price: Positive = Field(
        742.0,
        description="Maker's price to the first tier; each tier adds its markup, so the shelf "
        "price is wholesale · Π(1 + markup). Default: shelf price ≈ list price.",
    )
    tiers: Annotated[list[Tier], Field(min_length=1, max_length=8)] = Field(
        default_factory=_default_tiers,
        description="Tiers from upstream to downstream; the last one is the retailers.",
    )
    consumers_per_retailer: Annotated[int, Field(ge=1)] = Field(
        2000, description="Consumers per retail catchment area (a graph region)."
    )
    retail_stockouts: Literal["lost_sales", "backorder"] = Field(
        "lost_sales",
        description="A consumer who finds the shelf empty: lost_sales (tries another channel, "
        "or waits) or backorder (buys now, the unit is delivered when stock arrives).",
    )
    shelf_awareness_per_year: NonNegative = Field(
        0.2, description="Awareness hazard added by a stocked, open retailer in one's region."
    )
    launch_demand_per_1000_per_day: NonNegative = Field(
        0.1, description="Retailers' launch forecast per 1,000 consumers served (sell-in on day 0)."
    )

    @model_validator(mode="after")
    def _unique_tier_names(self) -> B2B2C:
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"tier names must be unique (got {names})")
        return self


class Advertising(Strict):
    """Awareness bought by the direct channel (MODEL.md M4)."""

    grps_per_day: NonNegative = Field(
        10.0,
        description="Gross rating points per day: impressions per 100 consumers per day.",
    )
    cpm: NonNegative = Field(30.0, description="Cost per thousand impressions.")
    awareness_per_impression: Probability = Field(
        0.01, description="Probability that one impression makes an unaware consumer aware."
    )


class B2C(Strict):
    """The maker's direct online shop (MODEL.md M4)."""

    enabled: bool = Field(True, description="Whether the channel exists in this market.")
    price: Positive = Field(
        900.0, description="Direct price: below list, there are no distributor margins."
    )
    logistics_cost_per_unit: NonNegative = Field(20.0, description="Parcel delivery per unit.")
    advertising: Advertising = Field(default_factory=Advertising)


class Rollout(Strict):
    """Who may open a micro-store, from when (seed 001: employees first, then the public)."""

    employees_from_day: Day = Field(0, description="Day employees may open stores.")
    public_from_day: Day | None = Field(
        0, description="Day everyone else may; null: not before an open_to_public event."
    )


class Opening(Strict):
    """Daily hazard of opening a store: identity plus interest (MODEL.md M5, seed 000)."""

    employee_rate_per_day: NonNegative = Field(
        0.02,
        description="Hazard for employees once rolled out (seed 001: more than half of the "
        "staff opened stores within weeks; 1 − e^(−0.02·35) ≈ 50 %).",
    )
    identity_rate_per_day: NonNegative = Field(
        0.002, description="Hazard for a full fan (attitude 1), scaled by the fan excess."
    )
    interest_rate_per_day: NonNegative = Field(
        0.002, description="Hazard when expected rebate income far exceeds effort."
    )
    recruitment_rate_per_day: NonNegative = Field(
        0.01, description="Hazard per unit share of friends who run an open store."
    )
    fan_attitude_threshold: Annotated[float, Field(ge=-1.0, lt=1.0)] = Field(
        0.5, description="Attitude above which identity drives opening; also the 'fan' kind."
    )
    effort_cost_per_day: NonNegative = Field(
        7.0, description="Value of an owner's time running a store (seed 001: ~20 min a day)."
    )
    income_scale_per_day: Positive = Field(
        5.0, description="Scale of the logistic response of interest to income minus effort."
    )
    expected_units_per_friend_per_year: NonNegative = Field(
        0.3,
        description="Prior belief of units sold per friend per year, before any store has a "
        "track record; replaced by the observed rate as stores sell.",
    )
    influencer_degree_quantile: Probability = Field(
        0.99, description="Owners at or above this degree quantile are influencers ('big V')."
    )


POLICY_PRESETS: dict[str, dict[str, float]] = {
    "spammer": {"posts_per_day": 5.0, "content_quality": 0.1, "peak_share": 0.2},
    "community": {"posts_per_day": 0.5, "content_quality": 0.8, "peak_share": 0.8},
}
"""Defaults of the named posting presets (seeds 003, 004); any stated field wins."""


class PostingPolicy(Strict):
    """How one group of store owners posts (MODEL.md M7): fixed or adaptive rate, content mix."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Identifier, used in column names (posts_<name>, units_<name>, …)."
    )
    share: Probability = Field(1.0, description="Share of new stores that take this policy.")
    kind: Literal["fixed", "spammer", "community", "adaptive"] = Field(
        "fixed",
        description="fixed: post at posts_per_day; spammer and community: fixed rates whose "
        "unstated rate, quality and peak share default to 5/day, 0.1, 0.2 (violent "
        "screen-brushing) and 0.5/day, 0.8, 0.8 (community building); adaptive: every "
        "adapt_every_days cut the rate when sales per post fell and raise it when they rose.",
    )
    posts_per_day: NonNegative = Field(1.0, description="Mean posts per day (Poisson).")
    content_quality: Probability = Field(
        0.5,
        description="Share of posts that are useful content rather than ads (seed 003: "
        "depth, insight, stories, not just product ads).",
    )
    peak_share: Probability = Field(
        0.5, description="Share of posts made at readers' peak attention time (seed 003)."
    )
    adapt_every_days: Days = Field(14, description="Adaptive: days between rate reviews.")
    adapt_step: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        0.3, description="Adaptive: relative change of the rate at a review."
    )
    min_posts_per_day: NonNegative = Field(0.1, description="Adaptive: lowest rate.")
    max_posts_per_day: NonNegative = Field(20.0, description="Adaptive: highest rate.")

    @model_validator(mode="before")
    @classmethod
    def _presets(cls, data: Any) -> Any:
        """Fill unstated fields of the spammer and community presets."""
        if isinstance(data, dict) and data.get("kind") in POLICY_PRESETS:
            return {**POLICY_PRESETS[data["kind"]], **data}
        return data

    @model_validator(mode="after")
    def _adaptive_bounds(self) -> PostingPolicy:
        if self.min_posts_per_day > self.max_posts_per_day:
            raise ValueError(
                f"min_posts_per_day {self.min_posts_per_day:g} exceeds "
                f"max_posts_per_day {self.max_posts_per_day:g}"
            )
        return self


def _default_policies() -> list[PostingPolicy]:
    return [PostingPolicy(name="regular")]


class Posting(Strict):
    """Owners' posts to friends (MODEL.md M5, M7)."""

    policies: Annotated[list[PostingPolicy], Field(min_length=1, max_length=20)] = Field(
        default_factory=_default_policies,
        description="Posting policies and the shares of stores taking each (shares sum to 1).",
    )
    view_probability: Probability = Field(
        0.2, description="Probability that a given friend sees a given post (average attention)."
    )
    peak_view_multiplier: NonNegative = Field(
        1.5, description="View probability multiplier for posts at peak attention time."
    )
    off_peak_view_multiplier: NonNegative = Field(
        0.5, description="View probability multiplier for posts off peak."
    )
    awareness_per_view: Probability = Field(
        0.05, description="Awareness hazard per post viewed, times trust in the owner."
    )
    purchase_prompt_per_view: Probability = Field(
        0.005,
        description="Hazard, per post viewed times trust, that an aware consumer not yet in the "
        "market is prompted to shop now (seed 001: owners push products around holidays).",
    )
    memory_days: Days = Field(
        7, description="A store that posted within this many days is a purchase option."
    )

    @model_validator(mode="after")
    def _policies_ok(self) -> Posting:
        names = [p.name for p in self.policies]
        if len(set(names)) != len(names):
            raise ValueError(f"policy names must be unique (got {names})")
        total = math.fsum(p.share for p in self.policies)
        if abs(total - 1.0) > 1e-9:
            raise ValueError(f"policies' shares must sum to 1 (got {total:g})")
        return self


class Spam(Strict):
    """Screen-spam trust decay: readers' tolerance, annoyance, muting, blocking (MODEL.md M7).

    Seeds 003 and 004: owners who flood their friends' feeds overdraw their credibility, get
    muted or blocked, and turn fans into detractors.
    """

    enabled: bool = Field(True, description="Whether posting can wear out friends' trust.")
    tolerance_mean: Positive = Field(
        2.0, description="Mean posts per day from one friend that a reader accepts."
    )
    tolerance_sd: NonNegative = Field(
        1.0, description="Standard deviation of tolerance across readers (log-normal)."
    )
    annoyance_decay_per_day: Probability = Field(
        0.05, description="Share of accumulated annoyance that fades each day."
    )
    trust_loss_per_excess_ad: Probability = Field(
        0.005, description="Share of trust lost per ad post above the reader's tolerance."
    )
    trust_recovery_per_useful_post: Probability = Field(
        0.01, description="Share of the gap to full trust restored per useful post seen."
    )
    mute_trust_threshold: Probability = Field(
        0.3, description="A reader whose trust in the owner falls below this mutes the owner."
    )
    mute_annoyance_threshold: Positive = Field(
        30.0, description="…or whose annoyance (excess ad posts, decaying) exceeds this."
    )
    block_trust_threshold: Probability = Field(
        0.1, description="Below this trust the reader blocks the owner (cut for the store)."
    )
    block_probability: Probability = Field(
        0.25,
        description="Probability that a reader who has had enough blocks the owner instead of "
        "muting (deleting the friend rather than hiding their posts).",
    )
    block_attitude_drop: Probability = Field(
        0.3, description="Attitude to the brand lost by a reader who blocks a store owner."
    )
    detractor_attitude: Annotated[float, Field(ge=-1.0, le=0.0)] = Field(
        -0.3, description="Consumers with attitude below this are detractors."
    )
    negative_wom_per_year: NonNegative = Field(
        0.5,
        description="Attitude lost per year per unit trust-weighted share of detractor friends "
        "(negative word of mouth).",
    )
    attitude_recovery_per_year: NonNegative = Field(
        1.0,
        description="Rate per year at which attitude lowered by negative word of mouth returns "
        "to the consumer's own baseline (experiences and blocks move the baseline itself).",
    )

    @model_validator(mode="after")
    def _thresholds(self) -> Spam:
        if self.block_trust_threshold > self.mute_trust_threshold:
            raise ValueError(
                f"block_trust_threshold {self.block_trust_threshold:g} exceeds "
                f"mute_trust_threshold {self.mute_trust_threshold:g}"
            )
        return self


class Closing(Strict):
    """When an owner gives up (MODEL.md M5)."""

    review_days: Days = Field(60, description="Age before an owner reviews the store; EWMA span.")
    closing_rate_per_day: Probability = Field(
        0.05, description="Daily probability of closing while income + identity < effort."
    )
    identity_value_per_day: NonNegative = Field(
        7.0, description="Value of endorsing the brand, times the owner's positive attitude."
    )
    employee_value_per_day: NonNegative = Field(
        7.0, description="Extra value for employees (part of the job)."
    )


class PyramidLevel(Strict):
    """One agent level of a stock-pressure hierarchy (top level first)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Identifier, used in column names (participants_<name>, stock_<name>, …)."
    )
    price_share: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        description="Price an agent of this level pays per unit, as a share of the list price."
    )
    entry_units: Annotated[int, Field(ge=0)] = Field(
        description="Entry stock package bought from the upline on joining."
    )
    entry_fee: NonNegative = Field(
        0.0, description="Fee paid to the upline on joining, without goods ('training', 'deposit')."
    )
    quota_units: Annotated[int, Field(ge=0)] = Field(
        description="Units to buy every quota period to keep the level."
    )


def _default_levels() -> list[PyramidLevel]:
    # Six agent levels as in the prosecuted Taizhou case (MODEL.md §6); entry thresholds that
    # fall level by level (seed 003: general agents about 2 million yuan, provincial 300–500k).
    rows = [
        ("general", 0.30, 3000, 1000),
        ("provincial", 0.40, 1000, 300),
        ("city", 0.50, 300, 100),
        ("county", 0.60, 100, 30),
        ("district", 0.70, 30, 10),
        ("micro", 0.80, 10, 3),
    ]
    return [
        PyramidLevel(name=n, price_share=p, entry_units=e, quota_units=q) for n, p, e, q in rows
    ]


class StockPressure(Strict):
    """Stock-pressure pyramid: tiered agents must buy stock and recruit (MODEL.md M8).

    When enabled, B2C2C stores are agents who hold stock: they buy entry packages and quotas
    from their upline, sell to friends at the store price and to the recruits they bring in.
    """

    enabled: bool = Field(
        False,
        description="false: micro-store 2.0 (the maker ships, owners hold no stock, paid a "
        "rebate); true: a stock-pressure agent hierarchy replaces it.",
    )
    levels: Annotated[list[PyramidLevel], Field(min_length=1, max_length=50)] = Field(
        default_factory=_default_levels,
        description="Agent levels, top (buys from the maker) first.",
    )
    max_levels: Annotated[int, Field(ge=1, le=50)] = Field(
        6,
        description="Cap on agent levels (China Direct Selling Regulation 2005 allows one; the "
        "Taizhou case had six). More levels than the cap is an error.",
    )
    max_margin_share: Share = Field(
        1.0,
        description="Cap on an upline's margin on stock sold to its recruits, as a share of the "
        "recruit's price (regulation: 0.30); a level structure above it is an error.",
    )
    founders: Annotated[int, Field(ge=1)] = Field(
        3, description="Top-level agents who start the hierarchy on start_day."
    )
    founder_savings: NonNegative = Field(1_000_000.0, description="Money each founder puts in.")
    start_day: Annotated[int, Field(ge=1)] = Field(1, description="Day the founders start.")
    savings_mean: Positive = Field(
        20_000.0, description="Mean money a recruit can put in (log-normal)."
    )
    savings_sd: NonNegative = Field(20_000.0, description="Its standard deviation.")
    quota_period_days: Days = Field(30, description="Days between quota purchases.")
    seventy_percent_rule: bool = Field(
        False,
        description="Reorder only after selling this share of the stock bought to end consumers "
        "(the '70 % rule'); until then quotas are waived.",
    )
    seventy_percent_threshold: Share = Field(0.7, description="The share of the 70 % rule.")
    buyback_share: Share = Field(
        0.0,
        description="Share of the purchase price the maker refunds for unsold stock when an agent "
        "exits (0: no buy-back; the agent dumps it instead).",
    )
    recruitment_rate_per_day: NonNegative = Field(
        0.02,
        description="Joining hazard per unit of trust-weighted recruiting friends, at full "
        "attractiveness.",
    )
    promised_profit_per_day: NonNegative = Field(
        300.0, description="Profit a day the recruiters promise: the initial hype."
    )
    hype_learning_rate: Probability = Field(
        0.02,
        description="Daily rate at which the perceived profit moves toward what agents of 30 days "
        "or more actually make.",
    )
    loss_aversion: NonNegative = Field(
        2.0,
        description="How much the trust-weighted share of friends who left at a loss lowers the "
        "profit a consumer believes in (1 − this × share).",
    )
    effort_cost_per_day: NonNegative = Field(
        50.0, description="Value of a recruit's time: the profit it needs to find joining worth it."
    )
    income_scale_per_day: Positive = Field(
        50.0, description="Scale of the logistic response of joining to perceived profit."
    )
    refusal_probability_per_day: Probability = Field(
        0.05,
        description="Daily probability that a consumer being pitched, who does not join, refuses "
        "for good (friend networks get used up).",
    )
    max_recruits: Annotated[int, Field(ge=1)] | None = Field(
        None, description="Cap on an agent's direct recruits (null: none)."
    )
    bottom_level_can_recruit: bool = Field(
        False,
        description="Whether agents of the bottom level may sign recruits (at the bottom level, "
        "passing stock on at cost: no margin), as sellers may in single-level direct selling.",
    )
    upline_choice: Literal["trust", "seniority"] = Field(
        "trust",
        description="Which recruiting friend signs a joiner: one drawn by trust, or the one who "
        "joined earliest (uplines work through their quota of recruits in order).",
    )
    give_up_after_days: Days = Field(
        60, description="An agent who sold nothing (to consumers or recruits) this long exits."
    )
    dump_price_share: Share = Field(
        0.3, description="Price, as a share of list, at which an exiting agent dumps its stock."
    )
    dump_attitude_drop: Probability = Field(
        0.2, description="Attitude to the brand lost by the friends of an agent who dumps stock."
    )
    grey_market_utility: NonNegative = Field(
        0.5,
        description="Utility added to the outside option (cheap dumped goods) per dumped unit per "
        "1,000 consumers still on the market.",
    )
    grey_market_decay_per_day: Probability = Field(
        0.02, description="Share of the dumped goods' pressure that fades each day."
    )
    collapse_threshold: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        0.5,
        description="The pyramid has collapsed on the first day its active agents fall to this "
        "share of their peak.",
    )

    @model_validator(mode="after")
    def _regulation(self) -> StockPressure:
        names = [level.name for level in self.levels]
        if len(set(names)) != len(names):
            raise ValueError(f"level names must be unique (got {names})")
        if len(self.levels) > self.max_levels:
            raise ValueError(
                f"{len(self.levels)} levels are more than max_levels={self.max_levels}"
            )
        prices = [level.price_share for level in self.levels]
        for upper, lower, name in zip(prices, prices[1:], names[1:], strict=False):
            if lower < upper:
                raise ValueError(f"level {name!r} buys cheaper than the level above it")
            if 1.0 - upper / lower > self.max_margin_share + 1e-12:
                raise ValueError(
                    f"the margin on stock sold to level {name!r} is "
                    f"{1.0 - upper / lower:.3g} of its price, above "
                    f"max_margin_share={self.max_margin_share:g}"
                )
        return self


class B2C2C(Strict):
    """Micro-stores: people are channels, paid a rebate (MODEL.md M5, M6; seeds 000–002)."""

    enabled: bool = Field(True, description="Whether the channel exists in this market.")
    price: Positive = Field(1000.0, description="Store price: parity with the list price.")
    logistics_cost_per_unit: NonNegative = Field(
        20.0, description="The maker ships (micro-store 2.0: owners hold no stock)."
    )
    rebate_rate: Share = Field(
        0.05,
        description="Rebate on the store's own sales. Seed 002: 1 % online referral vs 3–5 % to "
        "channel distributors; Amazon Associates 1–3 %.",
    )
    upline_rebate_rates: Annotated[list[Share], Field(max_length=10)] = Field(
        default_factory=list,
        description="Multi-level rebates: rate earned by the upline at level 1, 2, … on a "
        "downline store's sales (empty: single level).",
    )
    max_rebate_levels: Annotated[int, Field(ge=1, le=11)] = Field(
        2,
        description="Cap on levels paid, own level included (WeChat 2016: at most two levels; "
        "China Direct Selling Regulation 2005: one).",
    )
    max_total_rebate_share: Share = Field(
        0.30,
        description="Cap on all rebates on one sale as a share of its price (China Direct "
        "Selling Regulation 2005: 30 %).",
    )
    rollout: Rollout = Field(default_factory=Rollout)
    opening: Opening = Field(default_factory=Opening)
    posting: Posting = Field(default_factory=Posting)
    closing: Closing = Field(default_factory=Closing)
    stock_pressure: StockPressure = Field(default_factory=StockPressure)

    @model_validator(mode="after")
    def _rebates_within_caps(self) -> B2C2C:
        levels = 1 + len(self.upline_rebate_rates)
        if levels > self.max_rebate_levels:
            raise ValueError(
                f"upline_rebate_rates gives {levels} rebate levels, more than "
                f"max_rebate_levels={self.max_rebate_levels}"
            )
        total = self.rebate_rate + math.fsum(self.upline_rebate_rates)
        if total > self.max_total_rebate_share + 1e-12:
            raise ValueError(
                f"rebate_rate + upline_rebate_rates = {total:g} exceeds "
                f"max_total_rebate_share={self.max_total_rebate_share:g}"
            )
        return self


class Channels(Strict):
    b2b2c: B2B2C = Field(default_factory=B2B2C)
    b2c: B2C = Field(default_factory=B2C)
    b2c2c: B2C2C = Field(default_factory=B2C2C)

    @model_validator(mode="after")
    def _one_enabled(self) -> Channels:
        if not (self.b2b2c.enabled or self.b2c.enabled or self.b2c2c.enabled):
            raise ValueError("at least one channel must be enabled")
        return self


# --------------------------------------------------------------------------- events (M9)


class EventBase(Strict):
    day: Annotated[int, Field(ge=1)] = Field(description="Day the event happens (start of day).")


class CloseChannel(EventBase):
    """A channel stops selling (the 2020 offline shutdown, seed 002)."""

    action: Literal["close_channel"]
    channel: Literal["b2b2c", "b2c", "b2c2c"] = Field(description="The channel to close.")


class ReopenChannel(EventBase):
    """A closed channel sells again."""

    action: Literal["reopen_channel"]
    channel: Literal["b2b2c", "b2c", "b2c2c"] = Field(description="The channel to reopen.")


class OpenToPublic(EventBase):
    """Micro-stores open to everyone (seed 001: after the employee beta)."""

    action: Literal["open_to_public"]


class CompetitorEnters(EventBase):
    """A competitor makes not buying the brand more attractive."""

    action: Literal["competitor_enters"]
    outside_utility_increase: float = Field(
        0.5, description="Added to the outside option's utility (created at 0 if absent)."
    )


class PlatformCrackdown(EventBase):
    """The platform throttles or bans heavy posters (MODEL.md M9; WeChat rules against spam)."""

    action: Literal["platform_crackdown"]
    throttle_above: NonNegative | None = Field(
        3.0, description="Posts per day beyond this are not delivered (null: no throttling)."
    )
    ban_above: NonNegative | None = Field(
        None, description="Stores posting more than this on a day risk a ban (null: no bans)."
    )
    ban_probability: Probability = Field(
        0.2, description="Probability that an offending store is banned that day."
    )
    duration_days: Days | None = Field(None, description="How long it lasts (null: to the end).")


class SetParameters(EventBase):
    """Change parameters: a price, a rebate, an ad budget (dotted paths, validated)."""

    action: Literal["set"]
    values: dict[str, Any] = Field(description="Dotted parameter path → new value.")


Event = Annotated[
    CloseChannel
    | ReopenChannel
    | OpenToPublic
    | CompetitorEnters
    | PlatformCrackdown
    | SetParameters,
    Field(discriminator="action"),
]

FROZEN_PATHS: tuple[str, ...] = (
    "name",
    "description",
    "seed",
    "days",
    "market",
    "graph",
    "product.kind",
    "manufacturer.production_lead_time_days",
    "manufacturer.forecast_window_days",
    "channels.b2b2c.enabled",
    "channels.b2c.enabled",
    "channels.b2c2c.enabled",
    "channels.b2b2c.consumers_per_retailer",
    "spam.enabled",
    "channels.b2c2c.stock_pressure.enabled",
    "channels.b2c2c.stock_pressure.levels",
    "channels.b2c2c.stock_pressure.max_levels",
    "channels.b2c2c.stock_pressure.founders",
    "channels.b2c2c.stock_pressure.start_day",
    "events",
)
"""Structural parameters a ``set`` event may not change (they shape the built model)."""

LIVE_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "channels.b2b2c.tiers": ("markup", "safety_factor"),
    "channels.b2c2c.posting.policies": ("posts_per_day", "content_quality", "peak_share"),
}
"""Lists whose structure is frozen but whose items' listed fields a ``set`` event may change
(``<list>.<i>.<field>``)."""


# --------------------------------------------------------------------------- the scenario


class Scenario(Strict):
    """A resolved scenario: the complete input of one run."""

    name: str = Field("scenario", description="Short name, used in results folder names.")
    description: str = Field("", description="What the scenario is about.")
    seed: Annotated[int, Field(ge=0)] = Field(
        0, description="Root seed of the run's random number generator."
    )
    days: Annotated[int, Field(ge=1, le=36_500)] = Field(365, description="Days to simulate.")
    market: Market = Field(default_factory=Market)
    graph: Graph = Field(default_factory=lambda: PowerlawClusterGraph(type="powerlaw_cluster"))
    product: Product = Field(default_factory=Product)
    consumers: Consumers = Field(default_factory=Consumers)
    diffusion: Diffusion = Field(default_factory=Diffusion)
    trust: Trust = Field(default_factory=Trust)
    spam: Spam = Field(default_factory=Spam)
    choice: Choice = Field(default_factory=Choice)
    manufacturer: Manufacturer = Field(default_factory=Manufacturer)
    channels: Channels = Field(default_factory=Channels)
    events: list[Event] = Field(default_factory=list, description="Dated events (M9).")


def semantic_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-section checks that need the whole scenario: (key path, message) pairs."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    for i, event in enumerate(scenario.events):
        if isinstance(event, CloseChannel | ReopenChannel) and not (
            getattr(scenario.channels, event.channel).enabled
        ):
            problems.append((("events", i, "channel"), f"channel {event.channel!r} is not enabled"))
        if isinstance(event, SetParameters):
            for path in event.values:
                try:
                    check_live_path(path)
                except ValueError as exc:
                    problems.append((("events", i, "values", path), str(exc)))
    if (
        scenario.spam.enabled
        and scenario.graph.type == "complete"
        and (scenario.channels.b2c2c.enabled)
    ):
        problems.append(
            (
                ("spam", "enabled"),
                "screen-spam dynamics need stored friendships, which a complete graph does not "
                "have: set spam.enabled to false or use e.g. a dense erdos_renyi graph",
            )
        )
    return problems


def check_live_path(path: str) -> None:
    """Raise ValueError unless ``path`` names a parameter a ``set`` event may change."""
    for prefix, fields in LIVE_LIST_FIELDS.items():
        if path == prefix or path.startswith(prefix + "."):
            rest = path[len(prefix) + 1 :].split(".")
            if len(rest) == 2 and rest[0].isdigit() and rest[1] in fields:
                return
            raise ValueError(
                f"{path!r} cannot change during a run (fields of {prefix} that can: "
                f"{', '.join(fields)})"
            )
    for frozen in FROZEN_PATHS:
        if path == frozen or path.startswith(frozen + "."):
            raise ValueError(f"{path!r} shapes the built model and cannot change during a run")


def channel_enabled(scenario: Scenario) -> dict[str, bool]:
    """Which channels exist in this scenario, by channel id."""
    return {c: getattr(scenario.channels, c).enabled for c in CHANNELS}
