"""The B2C2C section of the scenario: micro-stores (rollout, opening, posting, closing,
rebates) and the stock-pressure pyramid.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import Field, model_validator

from sim.scenario.base import (
    Day,
    Days,
    NonNegative,
    Positive,
    Probability,
    Share,
    Strict,
)


class Rollout(Strict):
    """Who may open a micro-store, from when ([Suning2015]: employees first, then the public)."""

    employees_from_day: Day = Field(0, description="Day employees may open stores.")
    public_from_day: Day | None = Field(
        0, description="Day everyone else may; null: not before an open_to_public event."
    )


class Opening(Strict):
    """Who opens a store: a participation decision with the two motives of [ZTE2014], identity
    and interest (M5). An eligible consumer weighs opening at the consideration rate and opens
    if the value of running a store is positive: expected rebate income + identity value − the
    cost of its time − the social cost of selling to friends."""

    consideration_rate_per_day: NonNegative = Field(
        0.01,
        description="Daily hazard that an eligible consumer weighs opening a store (assumed: "
        "about every three months).",
    )
    employee_consideration_rate_per_day: NonNegative = Field(
        0.05,
        description="The same for employees, whose company asks them to ([Suning2015]: more "
        "than half of the staff opened stores within weeks; assumed).",
    )
    store_friend_consideration_per_day: NonNegative = Field(
        0.05,
        description="Added hazard per unit share of friends running a store: they show that it "
        "can be done ('one becomes two'; assumed).",
    )
    fan_attitude_threshold: Annotated[float, Field(ge=-1.0, lt=1.0)] = Field(
        0.5, description="Attitude above which endorsing the brand has value; also the 'fan' kind."
    )
    identity_value_per_day: NonNegative = Field(
        10.0,
        description="Value to a full fan (attitude 1) of endorsing the brand, scaled by the fan "
        "excess (a − θ)/(1 − θ) ([ZTE2014]: fans open stores from identity; assumed size).",
    )
    employee_value_per_day: NonNegative = Field(
        10.0,
        description="Extra value for an employee: part of the job, encouraged by the company "
        "(assumed).",
    )
    time_cost_mean_per_day: NonNegative = Field(
        7.0,
        description="Mean value of the time a store takes: more than 20 minutes a day "
        "[Suning2015] at about 20 yuan an hour (assumed wage).",
    )
    time_cost_sd_per_day: NonNegative = Field(
        7.0, description="Spread of that cost among consumers, log-normal (assumed)."
    )
    social_cost_mean_per_day: NonNegative = Field(
        5.0,
        description="Mean daily cost of selling to one's friends: 39 % of those who quit "
        "multi-level selling did so because pitching friends and family felt awkward [AARP2018] "
        "(assumed size).",
    )
    social_cost_sd_per_day: NonNegative = Field(
        10.0,
        description="Spread of that cost, log-normal: most mind little, a few mind a lot "
        "(assumed).",
    )
    expected_units_per_audience_per_year: NonNegative = Field(
        0.3,
        description="Prior belief of units a store sells per year per unit of its audience's "
        "trust, before any store has a track record; replaced by the observed rate (assumed).",
    )
    influencer_degree_quantile: Probability = Field(
        0.99, description="Owners at or above this degree quantile are influencers ('big V')."
    )


class Certification(Strict):
    """An entry threshold for members of the public who open a store ([Suning2015]: entry
    thresholds and tax questions once stores open to the public; [MicroBusiness2015]: entry
    thresholds, certification of micro-businesses). Employees are exempt: their company vouches
    for them. Off by default."""

    enabled: bool = Field(
        False,
        description="Whether a member of the public must pass the threshold to open a store "
        "(employees are exempt).",
    )
    min_audience: NonNegative = Field(
        0.0,
        description="Least audience trust (Σ of the trust of friends, followers and group "
        "members in the would-be owner: the reach the participation decision uses) to open a "
        "store (0: none; the median consumer has about 5, assumed scale).",
    )
    fee: NonNegative = Field(
        0.0,
        description="One-off fee paid to the maker on opening (booked as entry fees, B2C2C "
        "revenue); weighed as fee/review_days a day in the decision to open (assumed).",
    )


class Teams(Strict):
    """Team operation ([MicroBusiness2015]: micro-businesses live by community trust, data and
    team operation): a share of new stores join a team of about ``size`` stores whose members
    share content and posting work. While a member's team has another open store, its posts
    carry the team's content (fewer pure ads, more response per post) and running the store
    takes less of its time. Off by default."""

    enabled: bool = Field(False, description="Whether new stores may join teams.")
    share: Probability = Field(
        0.5,
        description="Share of would-be owners who are offered a place in a team when they weigh "
        "opening (and join one if they open; assumed).",
    )
    size: Annotated[int, Field(ge=2, le=1000)] = Field(
        5,
        description="Stores a team takes: team members fill one team, in the order they open, "
        "before the next is started (assumed).",
    )
    content_quality_gain: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0,
        description="g: a team member's share of pure-ad posts is (1 − q)·(1 − g) instead of "
        "1 − q, and each of its posts seen counts 1 + g times in awareness and purchase "
        "prompts (shared, better content; assumed size).",
    )
    time_cost_saving: Probability = Field(
        0.0,
        description="c: share of the time cost of running a store saved by sharing the work in "
        "a team; the owner weighs c·(1 − this) in the decisions to open and to close (assumed).",
    )


class Mentors(Strict):
    """Paid "mentors" ([MicroBusiness2015], [NotTaobao2015]: training sold to would-be sellers
    who are promised an income): owners of the best-selling stores pitch a course to a share of
    the consumers who weigh opening; a pitched consumer believes the store will earn
    ``income_promise`` times what stores are seen to earn, weighs the fee over the review
    period, and pays it to a mentor if it opens. Off by default."""

    enabled: bool = Field(False, description="Whether mentors sell training.")
    mentors: Annotated[int, Field(ge=1, le=100_000)] = Field(
        10, description="Mentors: the owners of this many best-selling open stores (assumed)."
    )
    pitched_share: Probability = Field(
        0.5, description="Share of would-be owners weighing a store who hear a pitch (assumed)."
    )
    fee: NonNegative = Field(
        300.0, description="Price of the course, paid to the mentor on opening (assumed)."
    )
    income_promise: Annotated[float, Field(ge=1.0, le=1000.0)] = Field(
        5.0,
        description="Factor on the expected rebate income a trainee believes (assumed: the "
        "articles' promised incomes, far above what stores earn).",
    )


POLICY_PRESETS: dict[str, dict[str, float]] = {
    "spammer": {"posts_per_day": 5.0, "content_quality": 0.1, "peak_share": 0.2},
    "community": {"posts_per_day": 0.5, "content_quality": 0.8, "peak_share": 0.8},
}
"""Defaults of the named posting presets ([MicroBusiness2015], [NotTaobao2015]); any stated
field wins."""


class PostingPolicy(Strict):
    """How one group of store owners posts (M7): fixed or adaptive rate, content mix."""

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
        description="Share of posts that are useful content rather than ads ([MicroBusiness2015]: "
        "depth, insight, stories, not just product ads).",
    )
    peak_share: Probability = Field(
        0.5,
        description="Share of posts made at readers' peak attention time ([MicroBusiness2015]).",
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
        kind = data.get("kind") if isinstance(data, dict) else None
        if isinstance(kind, str) and kind in POLICY_PRESETS:
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
    """Owners' posts to friends (M5, M7)."""

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
        "market is prompted to shop now ([Suning2015]: owners push products around holidays).",
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


class Closing(Strict):
    """When an owner gives up (M5): judged by the store's own results after ``review_days``."""

    review_days: Days = Field(
        60, description="Days before an owner judges its store by its own income; EWMA span."
    )
    closing_rate_per_day: Probability = Field(
        0.05,
        description="Daily probability of closing while the store's value (own income average + "
        "identity value − time and social costs) is negative.",
    )


class PyramidLevel(Strict):
    """One agent level of a stock-pressure hierarchy (top level first)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Identifier, used in column names (participants_<name>, stock_<name>, …)."
    )
    price_share: Annotated[float, Field(gt=0.0, lt=1.0)] = Field(
        description="Price an agent of this level pays per unit, as a share of the store price "
        "(channels.b2c2c.price)."
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
    # Six agent levels as in the prosecuted Taizhou case [Taizhou]; entry thresholds that
    # fall level by level ([MicroBusiness2015]: general agents about 2 million yuan, provincial
    # 300–500k).
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
    """Stock-pressure pyramid: tiered agents must buy stock and recruit (M8).

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
        description="Cap on agent levels ([DirectSelling2005] allows one; the "
        "Taizhou case [Taizhou] had six). More levels than the cap is an error.",
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
    """Micro-stores: people are channels, paid a rebate (M5, M6; [ZTE2014], [Suning2015],
    [Shen2020])."""

    enabled: bool = Field(True, description="Whether the channel exists in this market.")
    price: Positive = Field(1000.0, description="Store price: parity with the list price.")
    logistics_cost_per_unit: NonNegative = Field(
        20.0, description="The maker ships (micro-store 2.0: owners hold no stock)."
    )
    rebate_rate: Share = Field(
        0.05,
        description="Rebate on the store's own sales. [Shen2020]: 1 % online referral vs 3–5 % to "
        "channel distributors; [AmazonAssociates] 1–3 %.",
    )
    upline_rebate_rates: Annotated[list[Share], Field(max_length=10)] = Field(
        default_factory=list,
        description="Multi-level rebates: rate earned by the upline at level 1, 2, … on a "
        "downline store's sales (empty: single level).",
    )
    max_rebate_levels: Annotated[int, Field(ge=1, le=11)] = Field(
        2,
        description="Cap on levels paid, own level included ([WeChat2016]: at most two levels; "
        "[DirectSelling2005]: one).",
    )
    max_total_rebate_share: Share = Field(
        0.30,
        description="Cap on all rebates on one sale as a share of its price "
        "([DirectSelling2005]: 30 %).",
    )
    rollout: Rollout = Field(default_factory=Rollout)
    opening: Opening = Field(default_factory=Opening)
    certification: Certification = Field(default_factory=Certification)
    teams: Teams = Field(default_factory=Teams)
    mentors: Mentors = Field(default_factory=Mentors)
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
