"""Dated events: shocks and policy changes applied at the start of their day (MODEL.md M9).

Actions: ``close_channel`` / ``reopen_channel`` (e.g. the 2020 offline shutdown, seed 002),
``open_to_public`` (micro-stores beyond employees, seed 001), ``competitor_enters`` (the
outside option gains utility), ``platform_crackdown`` (posts above a rate are throttled, heavy
posters risk a ban; M7), and ``set`` (any live parameter by dotted path: a price, a
rebate, an ad budget; validated when the scenario is loaded).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.loading import apply_values
from sim.scenario import (
    CloseChannel,
    CompetitorEnters,
    Event,
    OpenToPublic,
    PlatformCrackdown,
    ReopenChannel,
    SetParameters,
)

if TYPE_CHECKING:
    from sim.model import ChannelModel


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
    raise TypeError(f"unknown event {event!r}")


def apply_events(model: ChannelModel, day: int) -> list[str]:
    """Apply every event dated ``day``, in file order; returns their descriptions."""
    applied = []
    for event in model.params.events:
        if event.day != day:
            continue
        match event:
            case CloseChannel(channel=c):
                model.channel_open[c] = False
            case ReopenChannel(channel=c):
                model.channel_open[c] = True
            case OpenToPublic():
                if model.public_from_day is None or model.public_from_day > day:
                    model.public_from_day = day
            case CompetitorEnters(outside_utility_increase=x):
                model.outside_utility_shift += x
            case PlatformCrackdown(duration_days=duration):
                until = None if duration is None else day + duration - 1
                model.crackdown = (event, until)
            case SetParameters(values=v):
                model.params = apply_values(model.params, v)
        applied.append(describe(event))
    return applied
