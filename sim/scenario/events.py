"""Dated events (M9) and which parameters ``set`` events may change during a run."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.scenario.base import (
    Days,
    NonNegative,
    Probability,
    Strict,
)

# --------------------------------------------------------------------------- events (M9)


class EventBase(Strict):
    day: Annotated[int, Field(ge=1)] = Field(description="Day the event happens (start of day).")


class CloseChannel(EventBase):
    """A channel stops selling (the 2020 offline shutdown, [Shen2020])."""

    action: Literal["close_channel"]
    channel: Literal["b2b2c", "b2c", "b2c2c"] = Field(description="The channel to close.")


class ReopenChannel(EventBase):
    """A closed channel sells again."""

    action: Literal["reopen_channel"]
    channel: Literal["b2b2c", "b2c", "b2c2c"] = Field(description="The channel to reopen.")


class OpenToPublic(EventBase):
    """Micro-stores open to everyone ([Suning2015]: after the employee beta)."""

    action: Literal["open_to_public"]


class CompetitorEnters(EventBase):
    """A competitor makes not buying the brand more attractive."""

    action: Literal["competitor_enters"]
    outside_utility_increase: float = Field(
        0.5, description="Added to the outside option's utility (created at 0 if absent)."
    )


class PlatformCrackdown(EventBase):
    """The platform throttles or bans heavy posters (M9; WeChat rules against spam)."""

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


class OwnersSwitch(EventBase):
    """The brand's best-selling store owners stop selling it, or move to another brand with
    their circle's trust (case 5, [ZTE2014]: loyalty to the owner's personal brand)."""

    action: Literal["owners_switch"]
    top_stores: Annotated[int, Field(ge=1)] = Field(
        20, description="How many of the brand's open stores, by units sold so far."
    )
    to_brand: str | None = Field(
        None, description="The brand their owners move to (null: they stop selling)."
    )


Event = Annotated[
    CloseChannel
    | ReopenChannel
    | OpenToPublic
    | CompetitorEnters
    | PlatformCrackdown
    | SetParameters
    | OwnersSwitch,
    Field(discriminator="action"),
]

FROZEN_PATHS: tuple[str, ...] = (
    "name",
    "description",
    "currency",
    "seed",
    "days",
    "market",
    "graph",
    "product.name",
    "product.kind",
    "manufacturer.brand",
    "brands",
    "distributor_stores",
    "manufacturer.production_lead_time_days",
    "manufacturer.forecast_window_days",
    "channels.b2b2c.enabled",
    "channels.b2c.enabled",
    "channels.b2c2c.enabled",
    "channels.b2b2c.consumers_per_retailer",
    "channels.b2b2c.linear_demand",
    "spam.enabled",
    "channels.b2c2c.stock_pressure.enabled",
    "channels.b2c2c.stock_pressure.levels",
    "channels.b2c2c.stock_pressure.max_levels",
    "channels.b2c2c.stock_pressure.founders",
    "channels.b2c2c.stock_pressure.start_day",
    "events",
)
"""Structural parameters a ``set`` event may not change (they shape the built model)."""

INITIAL_STATE_PATHS: tuple[str, ...] = (
    "consumers.habit_mean",
    "consumers.habit_concentration",
    "consumers.price_sensitivity_mean",
    "consumers.price_sensitivity_sd",
    "consumers.attitude",
    "trust",
    "audience",
    "spam.tolerance_mean",
    "spam.tolerance_sd",
    "manufacturer.initial_stock_days",
    "manufacturer.launch_demand_per_1000_per_day",
    "channels.b2b2c.launch_demand_per_1000_per_day",
    "channels.b2c2c.opening.expected_units_per_audience_per_year",
    "channels.b2c2c.opening.time_cost_mean_per_day",
    "channels.b2c2c.opening.time_cost_sd_per_day",
    "channels.b2c2c.opening.social_cost_mean_per_day",
    "channels.b2c2c.opening.social_cost_sd_per_day",
    "channels.b2c2c.stock_pressure.promised_profit_per_day",
)
"""Parameters of the initial state (drawn or set when the model is built): a ``set`` event may
not change them either."""

LIVE_LIST_FIELDS: dict[str, tuple[str, ...]] = {
    "channels.b2b2c.tiers": ("markup", "safety_factor", "pricing"),
    "channels.b2c2c.posting.policies": ("posts_per_day", "content_quality", "peak_share"),
}
"""Lists whose structure is frozen but whose items' listed fields a ``set`` event may change
(``<list>.<i>.<field>``)."""
