"""The maker and the channels sections of the scenario: B2B2C tiers, the direct shop, and the
channels together.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.scenario.b2c2c import B2C2C
from sim.scenario.base import (
    Days,
    NonNegative,
    Positive,
    Probability,
    Strict,
)

# --------------------------------------------------------------------------- the maker


class C2BFeedback(Strict):
    """C2B demand feedback ([ZTE2014]): store owners report their circles' demand to the maker,
    which forecasts production (and the first tier's orders) from what consumers asked for
    blended with the orders it receives. Off by default."""

    enabled: bool = Field(
        False,
        description="Whether the maker and the first B2B2C tier forecast from the blend "
        "w·(consumer demand) + (1 − w)·(orders received) instead of the orders alone.",
    )
    weight: Probability = Field(
        0.5,
        description="w, the weight of the end-consumer demand signal in the forecast input "
        "(0: orders only, as without feedback; 1: consumer demand only; assumed).",
    )


class Manufacturer(Strict):
    """The brand owner: production and finished-goods inventory (ODD section 2)."""

    brand: Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")] = Field(
        "brand",
        description="The brand's name (with rival ``brands``, columns <measure>.<brand>).",
    )

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
    c2b_feedback: C2BFeedback = Field(
        default_factory=C2BFeedback,
        description="C2B demand feedback from the stores into the forecasts ([ZTE2014]).",
    )


# --------------------------------------------------------------------------- channels


class Tier(Strict):
    """One tier of the B2B2C chain (order-up-to policy on a moving-average forecast)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")] = Field(
        description="Identifier, used in column names (inventory_<name>, orders_<name>)."
    )
    markup: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        description="Markup on the purchase price ([FMCGMargins], assumed: distributors "
        "3–10 %, retailers 8–40 %); with monopoly pricing, the markup it starts from."
    )
    pricing: Literal["fixed", "monopoly"] = Field(
        "fixed",
        description="fixed: sell at purchase · (1 + markup); monopoly: choose the price that "
        "maximises the tier's own margin given the demand it faces (channels.b2b2c.pricing; "
        "[Spengler1950]).",
    )
    compensation: Literal["markup", "rebate"] = Field(
        "markup",
        description="How the tier is paid: markup, by selling above its purchase price; rebate "
        "(FD direct control, [ZTE2014]), by selling at par (markup 0, fixed pricing) and being "
        "paid rebate_rate of the value of the units it sells on by the maker.",
    )
    rebate_rate: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.0,
        description="A rebate tier's pay: the maker's rebate as a share of the purchase value "
        "of each unit it sells on (at par, also of its selling price); 0 for a markup tier. "
        "Fixed for the run.",
    )
    lead_time_days: Annotated[int, Field(ge=1, le=365)] = Field(
        2, description="Days from placing an order with the supplier to receiving it."
    )
    forecast_window_days: Annotated[int, Field(ge=1, le=365)] = Field(
        14, description="Moving-average window n of the demand forecast."
    )
    safety_factor: NonNegative = Field(
        1.0,
        description="z in S = L·mean + z·sqrt(L)·sd (0 gives the bound of [ChenEtAl2000] exactly).",
    )
    initial_stock_days: NonNegative = Field(
        14.0, description="Stock on day 0, in days of the launch forecast."
    )
    serves: Annotated[int, Field(ge=1)] = Field(
        10,
        description="Downstream outlets served by one distributor of this tier (ignored for "
        "the last tier, the retailers, whose number follows consumers_per_retailer).",
    )

    @model_validator(mode="after")
    def _rebate_tier_sells_at_par(self) -> Tier:
        if self.compensation == "rebate":
            if self.markup != 0.0:
                raise ValueError(
                    f"tier {self.name!r} is paid a rebate and sells at par: its markup must be 0 "
                    f"(got {self.markup})"
                )
            if self.pricing != "fixed":
                raise ValueError(
                    f"tier {self.name!r} is paid a rebate and sells at par: its pricing must be "
                    "fixed, not monopoly"
                )
        elif self.rebate_rate != 0.0:
            raise ValueError(
                f"tier {self.name!r} has a rebate_rate but is paid by markup: set compensation "
                "to rebate (and markup to 0), or rebate_rate to 0"
            )
        return self


def _default_tiers() -> list[Tier]:
    return [
        Tier(name="national", markup=0.05, lead_time_days=5, serves=1000),
        Tier(name="regional", markup=0.07, lead_time_days=3, serves=5),
        Tier(name="retailer", markup=0.20, lead_time_days=2),
    ]


class TierPricing(Strict):
    """How monopoly-pricing tiers know their demand and re-price (M3b)."""

    demand: Literal["learned", "known"] = Field(
        "learned",
        description="learned: fit Q = α − β·p to the tier's own recent prices and orders; "
        "known: use the choke price a/b of the linear demand (validation; needs linear_demand).",
    )
    reprice_every_days: Annotated[int, Field(ge=1, le=365)] = Field(
        7, description="Days between a learning tier's price reviews (assumed)."
    )
    history_days: Annotated[int, Field(ge=3, le=730)] = Field(
        56, description="Days of (price, units asked) a learning tier fits to (assumed)."
    )
    max_step: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.05, description="Largest relative price change at one review (assumed)."
    )
    exploration: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.02,
        description="Relative price offset, alternating in sign at each review, so that the "
        "tier's own prices vary and its demand can be estimated (assumed).",
    )


class LinearDemand(Strict):
    """Daily demand Q = max(0, a − b·p) at the shelf price, in place of the consumer market."""

    intercept_per_day: Positive = Field(description="a: units a day at a price of zero.")
    slope_per_price: Positive = Field(description="b: units a day lost per unit of price.")


class B2B2C(Strict):
    """Maker → national → regional distributors → retailers → consumers (M3)."""

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
    pricing: TierPricing = Field(default_factory=TierPricing)
    linear_demand: LinearDemand | None = Field(
        None,
        description="Replace the consumer market by a linear demand at the shelf, split evenly "
        "among retailers (for docking the chain alone; the other channels must be off).",
    )

    @model_validator(mode="after")
    def _unique_tier_names(self) -> B2B2C:
        names = [t.name for t in self.tiers]
        if len(set(names)) != len(names):
            raise ValueError(f"tier names must be unique (got {names})")
        return self


class Advertising(Strict):
    """Awareness bought by the direct channel (M4)."""

    grps_per_day: NonNegative = Field(
        10.0,
        description="Gross rating points per day: impressions per 100 consumers per day.",
    )
    cpm: NonNegative = Field(30.0, description="Cost per thousand impressions.")
    awareness_per_impression: Probability = Field(
        0.01, description="Probability that one impression makes an unaware consumer aware."
    )


class B2C(Strict):
    """The maker's direct online shop (M4)."""

    enabled: bool = Field(True, description="Whether the channel exists in this market.")
    price: Positive = Field(
        900.0, description="Direct price: below list, there are no distributor margins."
    )
    logistics_cost_per_unit: NonNegative = Field(20.0, description="Parcel delivery per unit.")
    advertising: Advertising = Field(default_factory=Advertising)


class Channels(Strict):
    b2b2c: B2B2C = Field(default_factory=B2B2C)
    b2c: B2C = Field(default_factory=B2C)
    b2c2c: B2C2C = Field(default_factory=B2C2C)

    @model_validator(mode="after")
    def _one_enabled(self) -> Channels:
        if not (self.b2b2c.enabled or self.b2c.enabled or self.b2c2c.enabled):
            raise ValueError("at least one channel must be enabled")
        return self
