"""The market's sections of the scenario: population, social graph, product, consumers,
awareness, trust, screen-spam readers and channel choice.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.base import (
    Days,
    NonNegative,
    Positive,
    Probability,
    Share,
    Strict,
)

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
    """The maker's product (M1: durable or consumable). The defaults describe a mid-range phone
    sold at about 1,000 (the ZTE case of [ZTE2014]); a consumable scenario such as a facial mask
    ([NotTaobao2015], [MicroBusiness2015]) states its own."""

    name: Annotated[str, Field(min_length=1, max_length=60)] = Field(
        "phone", description="What the product is, for reports (e.g. phone, facial mask)."
    )
    kind: Literal["one_time", "durable", "consumable"] = Field(
        "durable",
        description="one_time: bought once (Bass docking); durable: replaced after a lifetime; "
        "consumable: bought again at a repeat rate.",
    )
    lifetime_days: Days = Field(
        730,
        description="Durable: mean days until a product is replaced (phones: about two "
        "years; assumed).",
    )
    repeat_interval_days: Days = Field(
        30, description="Consumable: mean days between purchases (a monthly mask; assumed)."
    )
    unit_cost: NonNegative = Field(
        650.0, description="Production cost per unit (65 % of the list price; assumed)."
    )
    list_price: Positive = Field(
        1000.0,
        description="Suggested retail price; the reference price in channel choice (a phone at "
        "about 1,000 yuan; assumed).",
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
    """Heterogeneity and habits of the consumer crowd (M2)."""

    habit_mean: ChannelWeights = Field(
        default_factory=lambda: ChannelWeights(offline=0.6, online=0.35, social=0.05),
        description="Mean purchase-habit weights (normalised to sum 1); consumers keep buying "
        "where they always bought ([Suning2015], [NotTaobao2015]).",
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
    """Awareness and word of mouth (M1, Bass-compatible)."""

    innovation_rate_per_year: NonNegative = Field(
        0.03,
        description="Bass p: external influence not bought by any channel (media, news). "
        "[SultanFarleyLehmann1990] meta-analysis: p ≈ 0.03 per year.",
    )
    imitation_rate_per_year: NonNegative = Field(
        0.38,
        description="Bass q: word of mouth, times the trust-weighted share of adopting friends. "
        "[SultanFarleyLehmann1990]: q ≈ 0.38 per year.",
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


class Audience(Strict):
    """Reach beyond friends (M5): influencers' followers and shopping groups.

    A store owner's posts reach its friends, its followers if it has any, and the members of the
    shopping group it runs if it runs one; followers and members trust it less than friends do
    and can unfollow or leave (screen-spam dynamics apply to them as to friends).
    """

    influencer_share: Probability = Field(
        0.005,
        description="Share of consumers with followers beyond their friends ('big V' of "
        "[ZTE2014]), drawn with probability proportional to their number of friends (assumed).",
    )
    followers_min: Annotated[int, Field(ge=1)] = Field(
        50, description="Fewest followers of an influencer (assumed)."
    )
    followers_exponent: Annotated[float, Field(gt=1.0, le=5.0)] = Field(
        2.3,
        description="Exponent α of the power law of follower counts, P(F) ∝ F^(−α), F ≥ the "
        "minimum ([KwakEtAl2010]: about 2.3 on Twitter).",
    )
    followers_max_share: Probability = Field(
        0.05, description="Most followers one influencer has, as a share of consumers (assumed)."
    )
    follower_trust_mean: Probability = Field(
        0.5,
        description="Mean trust of a follower in the influencer it follows, below a friend's "
        "(assumed).",
    )
    follower_trust_sd: NonNegative = Field(
        0.1, description="Its standard deviation (normal, clipped to [0, 1]; assumed)."
    )
    groups_per_1000: NonNegative = Field(
        1.0,
        description="Shopping groups per 1,000 consumers, each run by a consumer drawn at "
        "random ([Shen2020]: JD Fenxiang ran about 90,000 WeChat groups; assumed density).",
    )
    group_size_mean: Annotated[float, Field(ge=2.0)] = Field(
        100.0, description="Mean number of members of a group (log-normal; assumed)."
    )
    group_size_max: Annotated[int, Field(ge=2, le=100_000)] = Field(
        200,
        description="Largest group ([Shen2020]: 200-person customer groups on Enterprise WeChat).",
    )
    group_trust_mean: Probability = Field(
        0.6, description="Mean trust of a member in the group's organiser (assumed)."
    )
    group_trust_sd: NonNegative = Field(
        0.1, description="Its standard deviation (normal, clipped to [0, 1]; assumed)."
    )


class Choice(Strict):
    """Multinomial logit channel choice (M2)."""

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
    brand_nest_scale: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.6,
        description="With several brands, the nested-logit scale λ of a brand's channels: 1 "
        "makes the choice a plain logit over brand × channel; below 1 a brand's channels are "
        "closer substitutes for each other than for another brand's (assumed).",
    )


class Spam(Strict):
    """Screen-spam trust decay: readers' tolerance, annoyance, muting, blocking (M7).

    [MicroBusiness2015], [NotTaobao2015]: owners who flood their friends' feeds overdraw their
    credibility, get muted or blocked, and turn fans into detractors.
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
