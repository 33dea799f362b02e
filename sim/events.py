"""Dated events: shocks and policy changes applied at the start of their day (stage 1, M9).

Actions: ``close_channel`` / ``reopen_channel`` (e.g. the 2020 offline shutdown,
[Epidemic2020]), ``open_to_public`` (micro-stores beyond employees, [Suning2015]),
``competitor_enters`` (the outside option gains utility), ``platform_crackdown`` (posts above a
rate are throttled, heavy posters risk a ban; M7), ``owners_switch`` (top store owners stop
selling the brand or move to another; carried out by :mod:`sim.owner_moves`), and ``set``
(any live parameter by dotted path: a price, a rebate, an ad budget; validated when the
scenario is loaded). Events act on the :class:`~sim.market.MarketState` only.
"""

from __future__ import annotations

from sim.loading import apply_values
from sim.market import MarketState
from sim.scenario import (
    CloseChannel,
    CompetitorEnters,
    Event,
    OpenToPublic,
    OwnersSwitch,
    PlatformCrackdown,
    ReopenChannel,
    SetParameters,
)


def describe(event: Event) -> str:
    """One-line description of an event, for logs and figure annotations."""
    match event:
        case CloseChannel(channel=c):
            return f"close {c}"
        case ReopenChannel(channel=c):
            return f"reopen {c}"
        case OpenToPublic():
            return "micro-stores open to the public"
        case CompetitorEnters(outside_utility_increase=x):
            return f"competitor enters (+{x:g} outside utility)"
        case PlatformCrackdown(throttle_above=t, ban_above=b):
            parts = [f"throttle above {t:g} posts/day" if t is not None else None]
            parts.append(f"ban above {b:g} posts/day" if b is not None else None)
            return "platform crackdown: " + ", ".join(x for x in parts if x)
        case SetParameters(values=v):
            return "set " + ", ".join(f"{k}={val}" for k, val in v.items())
        case OwnersSwitch(top_stores=k, to_brand=b):
            return f"top {k} store owners " + (f"move to {b}" if b else "stop selling")
    raise TypeError(f"unknown event {event!r}")


def apply_events(market: MarketState, day: int) -> list[str]:
    """Apply every event dated ``day``, in file order; log and return their descriptions."""
    applied = []
    for event in market.params.events:
        if event.day != day:
            continue
        match event:
            case CloseChannel(channel=c):
                market.channel_open[c] = False
            case ReopenChannel(channel=c):
                market.channel_open[c] = True
            case OpenToPublic():
                if market.opened_to_public_on is None:
                    market.opened_to_public_on = day
            case CompetitorEnters(outside_utility_increase=x):
                market.outside_utility_shift += x
            case PlatformCrackdown(duration_days=duration):
                until = None if duration is None else day + duration - 1
                market.crackdown = (event, until)
            case SetParameters(values=v):
                market.params = apply_values(market.params, v)
            case OwnersSwitch():
                market.owner_moves.append(event)
        applied.append(describe(event))
    market.event_log.extend((day, e) for e in applied)
    return applied
