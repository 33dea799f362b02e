"""The scenario schema: every parameter the model uses, typed, bounded and documented.

A scenario file states only what differs from these defaults. The schema is strict: unknown
keys, wrong types and out-of-range values are errors (see :mod:`sim.loading` for how they are
reported). Sources of the defaults are given in the field descriptions, cited by key from
``docs/REFERENCES.md``. Time unit: one day. Money: one currency unit (yuan in the source
articles).

The sections are defined by topic in :mod:`~sim.scenario.market` (population, graph, product,
consumers, awareness, trust, screen-spam readers, choice), :mod:`~sim.scenario.channels` (the
maker, B2B2C, B2C), :mod:`~sim.scenario.b2c2c` (micro-stores and the pyramid) and
:mod:`~sim.scenario.events`; every name is re-exported here.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from sim.scenario.b2c2c import (
    B2C2C,
    POLICY_PRESETS,
    Closing,
    Mentors,
    Opening,
    Posting,
    PostingPolicy,
    PyramidLevel,
    Rollout,
    StockPressure,
    Teams,
)
from sim.scenario.base import (
    CHANNEL_HABIT,
    CHANNELS,
    Day,
    Days,
    NonNegative,
    Positive,
    Probability,
    Share,
    Strict,
)
from sim.scenario.brands import (
    BRAND_PATHS,
    Brand,
    DistributorStores,
    FollowRule,
    brand_path_problem,
)
from sim.scenario.channels import (
    B2B2C,
    B2C,
    Advertising,
    Channels,
    LinearDemand,
    Manufacturer,
    Tier,
    TierPricing,
)
from sim.scenario.events import (
    FROZEN_PATHS,
    INITIAL_STATE_PATHS,
    LIVE_LIST_FIELDS,
    CloseChannel,
    CompetitorEnters,
    Event,
    EventBase,
    OpenToPublic,
    OwnersSwitch,
    PlatformCrackdown,
    ReopenChannel,
    SetParameters,
)
from sim.scenario.market import (
    Attitudes,
    Audience,
    BarabasiAlbertGraph,
    ChannelConstants,
    ChannelWeights,
    Choice,
    CompleteGraph,
    Consumers,
    Diffusion,
    EdgeListGraph,
    ErdosRenyiGraph,
    Graph,
    GraphBase,
    Market,
    PowerlawClusterGraph,
    Product,
    RingGraph,
    Spam,
    StochasticBlockGraph,
    Trust,
    WattsStrogatzGraph,
)

# --------------------------------------------------------------------------- the scenario


class Scenario(Strict):
    """A resolved scenario: the complete input of one run."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")] = Field(
        "scenario",
        description="Short name, used in results folder names: letters, digits, '_', '.' and "
        "'-', starting with a letter or digit (so it stays a plain folder name).",
    )
    description: str = Field("", description="What the scenario is about.")
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")] = Field(
        "CNY",
        description="ISO 4217 code of every money amount (labels only: the model has one "
        "currency unit; CNY because the source articles' prices are in yuan).",
    )
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
    audience: Audience = Field(default_factory=Audience)
    spam: Spam = Field(default_factory=Spam)
    choice: Choice = Field(default_factory=Choice)
    manufacturer: Manufacturer = Field(default_factory=Manufacturer)
    channels: Channels = Field(default_factory=Channels)
    events: list[Event] = Field(default_factory=list, description="Dated events (M9).")
    distributor_stores: DistributorStores = Field(
        default_factory=DistributorStores,
        description="Micro-stores run by distributors, carrying several brands (case 2).",
    )
    brands: list[Brand] = Field(
        default_factory=list,
        description="Rival brands on the same market (none: the focal brand alone).",
        max_length=12,
    )


def semantic_problems(
    scenario: Scenario, market: bool = True
) -> list[tuple[tuple[str | int, ...], str]]:
    """Cross-section checks that need the whole scenario: (key path, message) pairs.

    ``market``: also the checks of the market's brands (off for a rival's own scenario, whose
    brand references are checked with the market's)."""
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
    if market:
        problems += brand_problems(scenario)
    from sim.graph.generators import size_problem

    graph = scenario.graph.model_dump(exclude={"type", "seed", "cache"})
    too_small = size_problem(scenario.graph.type, scenario.market.consumers, graph)
    if too_small is not None:
        field, message = too_small
        problems.append((("graph", field), message))
    b2b2c = scenario.channels.b2b2c
    if b2b2c.enabled and b2b2c.linear_demand is not None:
        for other in ("b2c", "b2c2c"):
            if getattr(scenario.channels, other).enabled:
                problems.append(
                    (
                        ("channels", "b2b2c", "linear_demand"),
                        f"a linear demand replaces the consumer market, so channel {other!r} "
                        f"must be off (set channels.{other}.enabled to false)",
                    )
                )
    monopoly = b2b2c.enabled and any(t.pricing == "monopoly" for t in b2b2c.tiers)
    if monopoly and b2b2c.pricing.demand == "known" and b2b2c.linear_demand is None:
        problems.append(
            (
                ("channels", "b2b2c", "pricing", "demand"),
                "'known' demand needs channels.b2b2c.linear_demand (only a linear demand has a "
                "known choke price); use 'learned' with the consumer market",
            )
        )
    return problems


def brand_problems(scenario: Scenario) -> list[tuple[tuple[str | int, ...], str]]:
    """Rival brands: distinct names, brand-level changes only, leaders that exist."""
    problems: list[tuple[tuple[str | int, ...], str]] = []
    names = [scenario.manufacturer.brand]
    for i, brand in enumerate(scenario.brands):
        if brand.name in names:
            problems.append((("brands", i, "name"), f"brand name {brand.name!r} is used twice"))
        names.append(brand.name)
        for path in brand.changes:
            why = brand_path_problem(path)
            if why is not None and _has_path(scenario, path):
                problems.append((("brands", i, "changes", path), why))
    known = ", ".join(names)
    for k, name in enumerate(scenario.distributor_stores.brands or []):
        if name not in names:
            problems.append((("distributor_stores", "brands", k), f"no brand {name!r} ({known})"))
    for where, events, own in [
        (("events",), scenario.events, names[0]),
        *((("brands", i, "events"), b.events or [], b.name) for i, b in enumerate(scenario.brands)),
    ]:
        for j, event in enumerate(events):
            target = event.to_brand if isinstance(event, OwnersSwitch) else None
            if target is not None and (target not in names or target == own):
                problems.append(((*where, j, "to_brand"), f"no other brand {target!r} ({known})"))
    for i, brand in enumerate(scenario.brands):
        rule = brand.follow
        if rule is None:
            continue
        if rule.leader not in names or rule.leader == brand.name:
            others = ", ".join(n for n in names if n != brand.name)
            problems.append(
                (("brands", i, "follow", "leader"), f"no other brand {rule.leader!r} ({others})")
            )
        for j, path in enumerate(rule.copies):
            try:
                check_live_path(path)
            except ValueError as exc:
                problems.append((("brands", i, "follow", "copies", j), str(exc)))
    return problems


def value_at(scenario: Scenario, path: str) -> Any:
    """The value at a dotted path of a scenario, as plain data (list items by index).

    Raises KeyError if the path names no parameter.
    """
    node: Any = scenario
    for part in path.split("."):
        if isinstance(node, list):
            if not part.isdigit() or int(part) >= len(node):
                raise KeyError(path)
            node = node[int(part)]
        elif isinstance(node, Strict) and part in type(node).model_fields:
            node = getattr(node, part)
        else:
            raise KeyError(path)
    return node.model_dump(mode="json") if isinstance(node, Strict) else node


def _has_path(scenario: Scenario, path: str) -> bool:
    """Whether a dotted path names a parameter of the scenario."""
    try:
        value_at(scenario, path)
    except KeyError:
        return False
    return True


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
    for initial in INITIAL_STATE_PATHS:
        if path == initial or path.startswith(initial + "."):
            raise ValueError(
                f"{path!r} sets the initial state, drawn when the model is built, and cannot "
                "change during a run"
            )


def channel_enabled(scenario: Scenario) -> dict[str, bool]:
    """Which channels exist in this scenario, by channel id."""
    return {c: getattr(scenario.channels, c).enabled for c in CHANNELS}


__all__ = [
    "B2B2C",
    "B2C",
    "B2C2C",
    "BRAND_PATHS",
    "CHANNELS",
    "CHANNEL_HABIT",
    "FROZEN_PATHS",
    "INITIAL_STATE_PATHS",
    "LIVE_LIST_FIELDS",
    "POLICY_PRESETS",
    "Advertising",
    "Attitudes",
    "Audience",
    "BarabasiAlbertGraph",
    "Brand",
    "ChannelConstants",
    "ChannelWeights",
    "Channels",
    "Choice",
    "CloseChannel",
    "Closing",
    "CompetitorEnters",
    "CompleteGraph",
    "Consumers",
    "Day",
    "Days",
    "Diffusion",
    "DistributorStores",
    "EdgeListGraph",
    "ErdosRenyiGraph",
    "Event",
    "EventBase",
    "FollowRule",
    "Graph",
    "GraphBase",
    "LinearDemand",
    "Manufacturer",
    "Market",
    "Mentors",
    "NonNegative",
    "OpenToPublic",
    "Opening",
    "OwnersSwitch",
    "PlatformCrackdown",
    "Positive",
    "Posting",
    "PostingPolicy",
    "PowerlawClusterGraph",
    "Probability",
    "Product",
    "PyramidLevel",
    "ReopenChannel",
    "RingGraph",
    "Rollout",
    "Scenario",
    "SetParameters",
    "Share",
    "Spam",
    "StochasticBlockGraph",
    "StockPressure",
    "Strict",
    "Teams",
    "Tier",
    "TierPricing",
    "Trust",
    "WattsStrogatzGraph",
    "brand_path_problem",
    "brand_problems",
    "channel_enabled",
    "check_live_path",
    "semantic_problems",
    "value_at",
]
