"""The dashboard's pictures, drawn from a session with matplotlib (no Solara, no pyplot state).

Each chart is a function ``draw_<key>(ax, session)`` over the session's daily series; the page
asks for a lesson's four charts in one figure (:func:`charts_figure`) and for the network view
(:func:`network_figure`). Days with an event in force are marked on every chart: a grey line at
each event, a shaded band while a channel is closed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from sim.dashboard.session import (
    ADOPTER,
    AWARE,
    DETRACTOR,
    OWNER,
    UNAWARE,
    DashboardSession,
)

CHANNEL_LABELS = {
    "b2b2c": "distributors (B2B2C)",
    "b2c": "direct shop (B2C)",
    "b2c2c": "micro-stores (B2C2C)",
}
CHANNEL_COLORS = {"b2b2c": "#1f77b4", "b2c": "#2ca02c", "b2c2c": "#d62728"}
STATE_COLORS = {
    UNAWARE: "#d0d0d0",
    AWARE: "#9ecae1",
    ADOPTER: "#3182bd",
    DETRACTOR: "#e31a1c",
}
POLICY_COLORS = ("#ff7f00", "#33a02c", "#6a3d9a", "#b15928", "#a6cee3", "#fb9a99")
MUTED_COLOR, BLOCKED_COLOR = "#fdae6b", "#a50f15"


def short_number(value: float, _pos: object = None) -> str:
    """1,289 / 30.5 k / 2.31 M: for the KPI tiles and the money axes."""
    a = abs(value)
    if a >= 1e6:
        return f"{value / 1e6:.2f} M"
    if a >= 1e4:
        return f"{value / 1e3:.1f} k"
    return f"{value:,.0f}"


def _days(session: DashboardSession) -> np.ndarray:
    return np.arange(1, len(session.series("units_total")) + 1)


def mark_events(ax: Axes, session: DashboardSession) -> None:
    """Grey lines at events; shaded bands while a channel was closed."""
    log = session.model.market.event_log
    closed: dict[str, int] = {}
    for day, text in log:
        ax.axvline(day, color="0.6", lw=0.8, ls=":")
        if text.startswith("close "):
            closed[text.split()[1]] = day
        elif text.startswith("reopen ") and text.split()[1] in closed:
            ax.axvspan(closed.pop(text.split()[1]), day, color="0.85", alpha=0.5, lw=0)
    for start in closed.values():
        ax.axvspan(start, max(start + 1, session.day), color="0.85", alpha=0.5, lw=0)


def draw_units(ax: Axes, session: DashboardSession) -> None:
    """Units sold a day by channel (7-day mean)."""
    days = _days(session)
    for ch, label in CHANNEL_LABELS.items():
        y = session.series(f"units_{ch}")
        if len(y) and session.model.params.channels.model_dump()[ch]["enabled"]:
            ax.plot(days, _smooth(y), label=label, color=CHANNEL_COLORS[ch], lw=1.4)
    ax.set_title("Units sold a day by channel (7-day mean)")
    ax.set_ylabel("units a day")


def draw_profit(ax: Axes, session: DashboardSession) -> None:
    """The maker's cumulative profit."""
    y = session.series("manufacturer_profit_cumulative")
    ax.plot(_days(session), y, color="black", lw=1.4, label="maker's profit so far")
    ax.axhline(0, color="0.5", lw=0.6)
    ax.yaxis.set_major_formatter(FuncFormatter(short_number))
    ax.set_title("The maker's profit so far")
    ax.set_ylabel("money (currency units)")


def draw_stores(ax: Axes, session: DashboardSession) -> None:
    """Micro-stores open, by posting policy when there are several."""
    days = _days(session)
    ax.plot(days, session.series("active_stores"), color="black", lw=1.4, label="all stores")
    for k, policy in enumerate(session.model.params.channels.b2c2c.posting.policies):
        y = session.series(f"active_stores_{policy.name}")
        if len(y) and len(session.model.params.channels.b2c2c.posting.policies) > 1:
            ax.plot(days, y, color=POLICY_COLORS[k % 6], lw=1.1, label=policy.name)
    ax.set_title("Micro-stores open")
    ax.set_ylabel("stores")


def draw_trust(ax: Axes, session: DashboardSession) -> None:
    """Friends' trust in store owners by posting policy; the share of owners' friendships
    muted."""
    days = _days(session)
    policies = session.model.params.channels.b2c2c.posting.policies
    drawn = False
    if len(policies) > 1:
        for k, policy in enumerate(policies):
            y = session.series(f"mean_trust_in_{policy.name}")
            if len(y):
                ax.plot(
                    days,
                    y,
                    color=POLICY_COLORS[k % 6],
                    lw=1.2,
                    label=f"trust in owners: {policy.name}",
                )
                drawn = True
    if not drawn:
        y = session.series("mean_trust_in_owners")
        ax.plot(days, y, color="black", lw=1.2, label="friends' trust in owners")
    ax.plot(
        days,
        session.series("muted_share"),
        color=MUTED_COLOR,
        lw=1.2,
        ls="--",
        label="owners' friendships muted (share)",
    )
    ax.set_ylim(-0.02, 1.02)
    ax.set_title("Friends' trust in store owners")
    ax.set_ylabel("trust (0-1) / share")


def _chain(session: DashboardSession) -> list[tuple[str, str]]:
    """(label, measurement) from the shoppers up to the maker's production."""
    tiers = session.model.params.channels.b2b2c.tiers
    chain = [("shoppers' demand", "demand_retail")]
    chain += [(f"{t.name} orders", f"orders_{t.name}") for t in reversed(tiers)]
    chain.append(("maker's production", "production_started"))
    return [(label, key) for label, key in chain if len(session.series(key))]


def draw_orders(ax: Axes, session: DashboardSession) -> None:
    """The beer-game view: shoppers' demand, each tier's orders and the maker's production over
    the last eight weeks (daily values, so the swings show)."""
    days = _days(session)
    window = days > days[-1] - 56 if len(days) else days.astype(bool)
    chain = _chain(session)
    for k, (label, key) in enumerate(reversed(chain)):
        color = {"demand_retail": "black", "production_started": "#636363"}.get(
            key, POLICY_COLORS[(len(chain) - 2 - k) % 6]
        )
        lw = 2.0 if key == "demand_retail" else 1.1
        ax.plot(days[window], session.series(key)[window], lw=lw, color=color, label=label)
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], fontsize=7, loc="upper left", frameon=False)
    ax.set_title("Orders up the chain, last 8 weeks")
    ax.set_ylabel("units a day")


def draw_swing(ax: Axes, session: DashboardSession) -> None:
    """How much each link's daily orders swing: the standard deviation over the last four
    weeks, from the shoppers up to the maker. The bullwhip is bars growing to the right."""
    chain = _chain(session)
    values = []
    for _, key in chain:
        y = session.series(key)[-28:]
        values.append(float(np.std(y)) if len(y) > 1 else 0.0)
    x = np.arange(len(chain))
    colors = ["black", *[POLICY_COLORS[k % 6] for k in range(len(chain) - 2)], "#636363"]
    ax.bar(x, values, color=colors[: len(chain)])
    ax.set_xticks(
        x, [label.replace(" orders", "").replace("'s", "") for label, _ in chain], fontsize=7
    )
    ax.set_title("How much orders swing (last 4 weeks)")
    ax.set_ylabel("standard deviation, units a day")


def _levels(session: DashboardSession) -> list[str]:
    p = session.model.params.channels.b2c2c.stock_pressure
    return [level.name for level in p.levels]


def _by_level(ax: Axes, session: DashboardSession, measure: str) -> None:
    """One line per pyramid level of ``<measure>_<level>``, with the collapse marked."""
    days = _days(session)
    for k, name in enumerate(_levels(session)):
        y = session.series(f"{measure}_{name}")
        if len(y):
            ax.plot(days, y, lw=1.1, color=POLICY_COLORS[k % 6], label=name)
    _mark_collapse(ax, session)


def draw_pyramid(ax: Axes, session: DashboardSession) -> None:
    """Participants by level, with the collapse marked."""
    _by_level(ax, session, "participants")
    ax.set_title("Pyramid: participants by level")
    ax.set_ylabel("participants")


def draw_stock(ax: Axes, session: DashboardSession) -> None:
    """Stock held by level, with the collapse marked."""
    _by_level(ax, session, "stock")
    ax.set_title("Pyramid: stock held by level")
    ax.set_ylabel("units")


def _mark_collapse(ax: Axes, session: DashboardSession) -> None:
    pyramid = session.model.pyramid
    if pyramid is not None and pyramid.collapse_day is not None:
        ax.axvline(pyramid.collapse_day, color="#e31a1c", lw=1.5)
        ax.annotate(
            f"collapse, day {pyramid.collapse_day}",
            (pyramid.collapse_day, 0.95),
            xycoords=("data", "axes fraction"),
            color="#e31a1c",
            fontsize=8,
            ha="left",
            va="top",
        )


CHARTS: dict[str, Callable[[Axes, DashboardSession], None]] = {
    "units": draw_units,
    "profit": draw_profit,
    "stores": draw_stores,
    "trust": draw_trust,
    "orders": draw_orders,
    "swing": draw_swing,
    "pyramid": draw_pyramid,
    "stock": draw_stock,
}


TIMELESS = {"swing"}
"""Charts without a day axis."""


def _smooth(y: np.ndarray, window: int = 7) -> np.ndarray:
    """Trailing mean over up to ``window`` days."""
    c = np.concatenate([[0.0], np.cumsum(y)])
    i = np.arange(1, len(y) + 1)
    lo = np.maximum(0, i - window)
    return (c[i] - c[lo]) / (i - lo)


def charts_figure(session: DashboardSession, keys: tuple[str, ...]) -> Figure:
    """A 2 × 2 figure of the named charts, with events marked and the x axis up to the last day."""
    fig = Figure(figsize=(8.8, 6.0), dpi=80)
    fig.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.95, wspace=0.25, hspace=0.38)
    axes = fig.subplots(2, 2).ravel()
    end = max(session.start.days, 1)
    for ax, key in zip(axes, keys, strict=False):
        CHARTS[key](ax, session)
        ax.grid(alpha=0.3)
        if key in TIMELESS:
            continue
        mark_events(ax, session)
        if key != "orders":
            ax.set_xlim(0, end)
        ax.set_xlabel("day")
        if ax.get_legend_handles_labels()[0] and ax.get_legend() is None:
            ax.legend(fontsize=7, loc="upper left", frameon=False)
    for ax in axes[len(keys) :]:
        ax.set_visible(False)
    return fig


def network_figure(session: DashboardSession) -> Figure:
    """The network sample coloured by state; muted and blocked friendships marked."""
    sample = session.network
    state, policy = sample.states(session.model)
    muted, blocked = sample.ties(session.model)
    fig = Figure(figsize=(5.0, 5.0), dpi=80)
    fig.subplots_adjust(left=0.01, right=0.99, bottom=0.01, top=0.95)
    ax = fig.subplots()
    xy = np.column_stack([sample.x, sample.y])
    if len(sample.edges):
        segments = np.stack([xy[sample.edges[:, 0]], xy[sample.edges[:, 1]]], axis=1)
        plain = ~(muted | blocked)
        ax.add_collection(LineCollection(segments[plain], colors="0.8", linewidths=0.5))
        ax.add_collection(
            LineCollection(segments[muted], colors=MUTED_COLOR, linewidths=1.2, linestyles="--")
        )
        ax.add_collection(LineCollection(segments[blocked], colors=BLOCKED_COLOR, linewidths=1.4))
    for code, color in STATE_COLORS.items():
        at = state == code
        ax.scatter(sample.x[at], sample.y[at], s=18, c=color, edgecolors="none", zorder=2)
    policies = session.model.params.channels.b2c2c.posting.policies
    for k in range(len(policies)):
        at = (state == OWNER) & (policy == k)
        ax.scatter(
            sample.x[at],
            sample.y[at],
            s=80,
            c=POLICY_COLORS[k % 6],
            marker="*",
            edgecolors="black",
            linewidths=0.5,
            zorder=3,
        )
    handles = [
        ax.scatter([], [], s=18, c=STATE_COLORS[code], label=name)
        for code, name in (
            (UNAWARE, "unaware"),
            (AWARE, "aware"),
            (ADOPTER, "bought"),
            (DETRACTOR, "detractor"),
        )
    ]
    handles += [
        ax.scatter(
            [],
            [],
            s=80,
            c=POLICY_COLORS[k % 6],
            marker="*",
            edgecolors="black",
            linewidths=0.5,
            label=f"store owner ({p.name})",
        )
        for k, p in enumerate(policies)
    ]
    handles += [
        ax.plot([], [], color=MUTED_COLOR, ls="--", label="muted")[0],
        ax.plot([], [], color=BLOCKED_COLOR, label="blocked")[0],
    ]
    ax.legend(handles=handles, fontsize=7, loc="lower left", frameon=True, ncol=2)
    ax.set_title(
        f"{len(sample.nodes)} consumers around store owners and influencers, day {session.day}"
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.autoscale_view()
    return fig
