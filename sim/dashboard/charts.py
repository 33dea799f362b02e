"""The dashboard's pictures, drawn from a session with matplotlib (no Solara, no pyplot state).

Each chart is a function ``draw_<key>(ax, session)`` over the session's daily series; the page
asks for a lesson's charts in one figure (:func:`charts_figure`, leaving out the charts of a
channel or mechanism the scenario does not have) and for the network view
(:func:`network_figure`). The scenario's events are marked on every chart with a day axis as the
results folder's figures mark them (:func:`sim.figure_style.draw_events`): a shaded window while a
channel is closed, a crackdown lasts or a changed parameter is set back, a thin line at a
one-day event, each labelled. Money is in the scenario's currency.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from sim.brand_outputs import brand_names
from sim.dashboard.session import (
    ADOPTER,
    AWARE,
    DETRACTOR,
    OWNER,
    UNAWARE,
    DashboardSession,
)
from sim.figure_style import (
    BRAND_COLORS,
    SHARE_WINDOW_DAYS,
    Marker,
    draw_events,
    event_markers,
    legend,
    money_scale,
    place_legends,
    plain_ticks,
    renderer_of,
    rolling_mean,
    unit_shares,
)
from sim.outputs import has_pyramid, has_spam, tier_names

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


def session_markers(session: DashboardSession) -> list[Marker]:
    """The events of the session so far (the scenario's and the changes made on the page)."""
    events = [e.model_dump(mode="json") for e in session.model.market.params.events]
    return event_markers(events, session.start.model_dump(mode="json"), session.day)


def mark_events(ax: Axes, session: DashboardSession, extra: tuple[Marker, ...] = ()) -> None:
    """Shaded windows and thin lines at the session's events so far, labelled (after the data
    and the axis limits are set)."""
    draw_events(ax, [*session_markers(session), *extra], fontsize=7)


def draw_units(ax: Axes, session: DashboardSession) -> None:
    """Units sold a day by channel (7-day mean)."""
    days = _days(session)
    for ch, label in CHANNEL_LABELS.items():
        y = session.series(f"units_{ch}")
        if len(y) and session.model.params.channels.model_dump()[ch]["enabled"]:
            ax.plot(days, rolling_mean(y, 7), label=label, color=CHANNEL_COLORS[ch], lw=1.4)
    ax.set_title("Units sold a day by channel (7-day mean)")
    ax.set_ylabel("units sold a day")
    ax.set_ylim(bottom=0)


def draw_profit(ax: Axes, session: DashboardSession) -> None:
    """The maker's cumulative profit."""
    y = session.series("manufacturer_profit_cumulative")
    scale, unit = money_scale([y], session.start.currency)
    ax.plot(_days(session), y / scale, color="black", lw=1.4, label="maker's profit so far")
    ax.axhline(0, color="0.5", lw=0.6, gid="reference")
    ax.set_title("The maker's profit so far")
    ax.set_ylabel(f"profit ({unit})")


def draw_stores(ax: Axes, session: DashboardSession) -> None:
    """Micro-stores open, by posting policy when there are several."""
    days = _days(session)
    ax.plot(days, session.series("active_stores"), color="black", lw=1.4, label="all stores")
    for k, policy in enumerate(session.model.params.channels.b2c2c.posting.policies):
        y = session.series(f"active_stores_{policy.name}")
        if len(y) and len(session.model.params.channels.b2c2c.posting.policies) > 1:
            ax.plot(days, y, color=POLICY_COLORS[k % 6], lw=1.1, label=policy.name)
    ax.set_title("Micro-stores open")
    ax.set_ylabel("stores open")
    ax.set_ylim(bottom=0)


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
                    label=f"{policy.name} owners",
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
        label="friendships muted (share)",
    )
    ax.set_ylim(0, 1)
    ax.set_title("Friends' trust in store owners")
    ax.set_ylabel("trust or share (0 to 1)")


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
    legend(ax, handles=handles[::-1], labels=labels[::-1], fontsize=7, ncol=2)
    if len(days):
        ax.set_xlim(days[window][0] - 0.5, days[-1] + 0.5)
    ax.set_ylim(bottom=0)
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
    names = [label.replace(" orders", "").replace(" ", "\n") for label, _ in chain]
    ax.set_xticks(x, names, fontsize=7)
    ax.set_title("How much orders swing (last 4 weeks)")
    ax.set_ylabel("standard deviation, units a day")


def _levels(session: DashboardSession) -> list[str]:
    p = session.model.params.channels.b2c2c.stock_pressure
    return [level.name for level in p.levels]


def _by_level(ax: Axes, session: DashboardSession, measure: str) -> None:
    """One line per pyramid level of ``<measure>_<level>`` (no bands: six lines at most)."""
    days = _days(session)
    for k, name in enumerate(_levels(session)):
        y = session.series(f"{measure}_{name}")
        if len(y):
            ax.plot(days, y, lw=1.1, color=POLICY_COLORS[k % 6], label=name)
    ax.set_ylim(bottom=0)


def draw_pyramid(ax: Axes, session: DashboardSession) -> None:
    """Participants by level (the collapse is marked with the events)."""
    _by_level(ax, session, "participants")
    ax.set_title("Pyramid: participants by level")
    ax.set_ylabel("participants")


def draw_stock(ax: Axes, session: DashboardSession) -> None:
    """Stock held by level (the collapse is marked with the events)."""
    _by_level(ax, session, "stock")
    ax.set_title("Pyramid: stock held by level")
    ax.set_ylabel("units held")


def _collapse(session: DashboardSession) -> tuple[Marker, ...]:
    pyramid = session.model.pyramid
    if pyramid is None or pyramid.collapse_day is None:
        return ()
    day = int(pyramid.collapse_day)
    return (Marker(day, None, f"collapse (day {day})", "collapse"),)


def draw_brands(ax: Axes, session: DashboardSession) -> None:
    """Each brand's share of the units every brand sold over the last 28 days (several brands)."""
    days = _days(session)
    names = brand_names(session.start)
    shares = unit_shares([session.series(f"units_total.{b}") for b in names])
    for k, (brand, share) in enumerate(zip(names, shares, strict=True)):
        label = f"{brand} (this scenario's brand)" if k == 0 else brand
        ax.plot(days, share, color=BRAND_COLORS[k % len(BRAND_COLORS)], lw=1.4, label=label)
    ax.set_title(f"Market share by brand (units of the last {SHARE_WINDOW_DAYS} days)")
    ax.set_ylabel("share of units sold")
    ax.set_ylim(0, 1)


CHARTS: dict[str, Callable[[Axes, DashboardSession], None]] = {
    "units": draw_units,
    "profit": draw_profit,
    "stores": draw_stores,
    "trust": draw_trust,
    "orders": draw_orders,
    "swing": draw_swing,
    "pyramid": draw_pyramid,
    "stock": draw_stock,
    "brands": draw_brands,
}


TIMELESS = {"swing"}
"""Charts without a day axis."""


def chart_applies(key: str, session: DashboardSession) -> bool:
    """Whether the scenario has what a chart shows (micro-stores, spam, tiers, a pyramid,
    several brands)."""
    start = session.start
    if key == "stores":
        return start.channels.b2c2c.enabled
    if key == "trust":
        return has_spam(start)
    if key in ("orders", "swing"):
        return bool(tier_names(start))
    if key in ("pyramid", "stock"):
        return has_pyramid(start)
    if key == "brands":
        return bool(start.brands)
    return True


def charts_figure(session: DashboardSession, keys: tuple[str, ...]) -> Figure:
    """The named charts that apply to the scenario, two a row (an odd last one spans the row),
    with events marked and the day axis up to the scenario's last day. With several brands the
    market-share chart comes first, and the other charts show the scenario's own brand."""
    if session.start.brands and "brands" not in keys:
        keys = ("brands", *keys)
    shown = [key for key in keys if chart_applies(key, session)] or list(keys[:1])
    cols = 1 if len(shown) == 1 else 2
    rows = -(-len(shown) // cols)
    height = 0.4 + 2.8 * rows
    fig = Figure(figsize=(8.8, height), dpi=80)
    fig.subplots_adjust(
        left=0.09, right=0.98, bottom=0.5 / height, top=1 - 0.35 / height, wspace=0.28, hspace=0.45
    )
    grid = fig.add_gridspec(rows, cols)
    end = max(session.start.days, 1)
    for k, key in enumerate(shown):
        r, c = divmod(k, cols)
        last_alone = k == len(shown) - 1 and cols == 2 and c == 0
        ax = fig.add_subplot(grid[r, :] if last_alone else grid[r, c])
        CHARTS[key](ax, session)
        if session.start.brands and key != "brands":
            ax.set_title(f"{ax.get_title()}: {session.start.manufacturer.brand}", fontsize=10.5)
        ax.grid(alpha=0.3)
        if key in TIMELESS:
            continue
        if key != "orders":
            ax.set_xlim(0, end)
        ax.set_xlabel("day")
        mark_events(ax, session, _collapse(session) if key in ("pyramid", "stock") else ())
        if ax.get_legend_handles_labels()[0] and ax.get_legend() is None:
            legend(ax, fontsize=7, ncol=2 if key in ("pyramid", "stock") else 1)
    plain_ticks(fig)
    place_legends(fig)
    return fig


def network_figure(session: DashboardSession) -> Figure:
    """The network sample coloured by state; muted and blocked friendships marked."""
    sample = session.network
    state, policy = sample.states(session.model)
    muted, blocked = sample.ties(session.model)
    fig = Figure(figsize=(5.0, 5.0), dpi=80)
    renderer_of(fig)  # an Agg canvas, as the charts have
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
