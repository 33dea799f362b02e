"""Several brands in one market: rival manufacturers and their strategy rules.

A scenario describes one brand, the *focal* brand (``manufacturer.brand``). ``brands`` adds
rivals on the same consumers and social graph; each is the focal scenario with its
``changes`` applied (dotted paths, as ``--set`` takes them) and its own dated events, so a
rival has everything a brand can have: product price and cost, capacity, channels and their
prices, rebate schedule, advertising, fans and employees. Only brand-level parameters may
differ (:data:`BRAND_PATHS`); the market's own (population, graph, need cycle, choice
weights, trust and screen-spam readers) are the focal scenario's. [ZTE2014]: "many
manufacturers follow up quickly" — the micro-store channel as a battlefield of brands.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from sim.scenario.base import Day, NonNegative, Share, Strict
from sim.scenario.events import Event

BrandName = Annotated[str, Field(pattern=r"^[A-Za-z][A-Za-z0-9_-]{0,39}$")]

BRAND_PATHS: tuple[str, ...] = (
    "product.name",
    "product.unit_cost",
    "product.list_price",
    "manufacturer",
    "channels",
    "market.employee_share",
    "market.fan_share",
    "market.initial_aware_share",
    "consumers.attitude",
    "consumers.habit_mean",
    "diffusion",
)
"""Dotted-path prefixes a rival's ``changes`` may set: what belongs to a brand. Everything else
(days, population, graph, need cycle, choice weights, trust, readers) is the market's."""


class FollowRule(Strict):
    """A follower copies the leader once the leader's micro-stores take a share of the market.

    When the leader's share of the market's unit sales through its micro-stores, over the last
    ``window_days``, first passes ``micro_store_share_above``, the follower acts
    ``delay_days`` later: it opens the channels in ``open_channels`` (closed until then by
    its own events) and copies the leader's live values of ``copies``.
    """

    leader: BrandName = Field(description="The brand followed.")
    micro_store_share_above: Share = Field(
        0.05,
        description="Threshold on the leader's micro-store units as a share of all brands' "
        "units (assumed).",
    )
    window_days: Annotated[int, Field(ge=1, le=365)] = Field(
        14, description="Days over which the leader's share is measured."
    )
    delay_days: Day = Field(
        30, description="Days from the leader passing the threshold to the move."
    )
    open_channels: list[Literal["b2b2c", "b2c", "b2c2c"]] = Field(
        default_factory=lambda: ["b2c2c"],
        description="Channels the follower reopens when it moves.",
    )
    copies: list[str] = Field(
        default_factory=lambda: ["channels.b2c2c.rebate_rate"],
        description="Live parameters the follower copies from the leader when it moves.",
    )


class Brand(Strict):
    """A rival brand: the focal scenario with ``changes``, its own events and rules."""

    name: BrandName = Field(description="The brand's name (columns <measure>.<name>).")
    changes: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted paths and values that differ from the focal brand (brand-level "
        "parameters only).",
    )
    events: list[Event] | None = Field(
        None,
        description="The brand's own dated events (strategy changes); null: the focal brand's "
        "events.",
    )
    follow: FollowRule | None = Field(None, description="A strategy rule: follow a leader.")


class DistributorStores(Strict):
    """Distributor-run micro-stores selling several brands (case 2, [ZTE2014]): no fan effect,
    the maker's price, the brands' rebates; one decision to stay open for all their brands."""

    count: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        0, description="Stores opened (0: none)."
    )
    brands: list[BrandName] | None = Field(
        None, description="Brands each carries (null: every brand of the market)."
    )
    opened_day: Annotated[int, Field(ge=1)] = Field(1, description="Day they open (stage 7).")
    trust_factor: Share = Field(
        0.5,
        description="Factor on friends' trust in the owner as a seller: a business account, "
        "not a friend's endorsement (assumed).",
    )
    cost_per_day: NonNegative = Field(
        7.0,
        description="Daily cost of running the store, against the sum of its brands' income "
        "(assumed: the consumers' mean time cost).",
    )


def brand_path_problem(path: str) -> str | None:
    """Why ``path`` may not differ between brands, or None if it may."""
    if any(path == p or path.startswith(p + ".") for p in BRAND_PATHS):
        return None
    return (
        f"{path!r} is a market parameter, the same for every brand (a brand may change: "
        + ", ".join(BRAND_PATHS)
        + ")"
    )
