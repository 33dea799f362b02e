"""The market's shared state: live parameters, which channels sell, events in force, and the
day's tallies.

:class:`MarketState` is what dated events act on (:mod:`sim.events`): ``set`` events replace
the live parameters, closures switch a channel off, a competitor's entry shifts the outside
option, a crackdown stays in force for its duration. Every stage reads the live parameters from
here each day, never a copy. :class:`DayCounters` are the tallies of one day that are not
balances (units by channel, shoppers, stores opened, …); the model starts a fresh set each day
and the stages add to it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sim.scenario import CHANNELS, OwnersSwitch, PlatformCrackdown, Scenario


@dataclass
class DayCounters:
    """Per-day tallies that are not balances (a fresh set each day)."""

    units: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CHANNELS, 0))
    in_market: int = 0
    lost_sales: int = 0
    bought_elsewhere: int = 0
    stores_opened: int = 0
    stores_closed: int = 0
    stores_banned: int = 0
    distributor_margin: float = 0.0
    units_from_maker: int = 0
    events: list[str] = field(default_factory=list)


class MarketState:
    """Live parameters and channel status of the market.

    Attributes:
        params: The live scenario (``set`` events replace it).
        initial: The scenario the run started from.
        channel_open: Whether each channel sells today (closures and reopenings).
        opened_to_public_on: Day an ``open_to_public`` event opened micro-stores to everyone
            (None: no such event yet).
        outside_utility_shift: Sum of competitors' entries added to the outside option.
        crackdown: The platform crackdown in force and its last day (None: to the end), or None.
        event_log: ``(day, description)`` of every event applied.
        owner_moves: ``owners_switch`` events of today, carried out by the model.
        units_sold_total: Units sold to consumers since day 0 (for the conservation check).
    """

    def __init__(self, scenario: Scenario) -> None:
        self.params = scenario
        self.initial = scenario
        self.channel_open = {c: getattr(scenario.channels, c).enabled for c in CHANNELS}
        self.opened_to_public_on: int | None = None
        self.outside_utility_shift = 0.0
        self.crackdown: tuple[PlatformCrackdown, int | None] | None = None
        self.event_log: list[tuple[int, str]] = []
        self.units_sold_total = 0
        self.owner_moves: list[OwnersSwitch] = []
        """``owners_switch`` events applied today, for the model to carry out (case 5)."""

    def is_open(self, channel: str) -> bool:
        return bool(self.channel_open[channel])

    @property
    def public_from_day(self) -> int | None:
        """Day the public may open micro-stores: the live ``rollout.public_from_day`` or the day
        of an ``open_to_public`` event, whichever comes first (None: not yet)."""
        days = [self.params.channels.b2c2c.rollout.public_from_day, self.opened_to_public_on]
        known = [d for d in days if d is not None]
        return min(known) if known else None

    def crackdown_in_force(self, day: int) -> PlatformCrackdown | None:
        """The platform crackdown in force today, if any (an expired one is dropped)."""
        if self.crackdown is None:
            return None
        event, until = self.crackdown
        if until is not None and day > until:
            self.crackdown = None
            return None
        return event
