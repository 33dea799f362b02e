"""How chansim's figures look, shared by the run figures, the reports and the dashboard: money
scaled to thousands or millions of the scenario's currency, numbers written out on every linear
axis (:class:`PlainFormatter`), legends placed where they hide the least (:func:`legend`,
:func:`place_legends`), and the scenario's dated events on time axes (:func:`event_markers`,
:func:`draw_events`): a shaded window while a channel is closed, a crackdown lasts or a changed
parameter is set back, a thin line at a one-day event.
"""

from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib

matplotlib.use("Agg")
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import blended_transform_factory

from sim.outputs import CHANNEL_LABELS

DEFAULT_CURRENCY = "CNY"
EVENT_COLORS = {
    "closure": ("0.5", "0.3"),
    "crackdown": ("#d62728", "#a50f15"),
    "change": ("#bcbd22", "#6b6b00"),
    "point": ("0.35", "0.25"),
    "collapse": ("#d62728", "#a50f15"),
}
"""Event kind → (shading or line colour, label colour)."""
EVENT_ALPHA = 0.15
EVENT_FONT = 7.5


# --------------------------------------------------------------------------- numbers


def rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average (shorter at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, dtype=float), 0, 0.0))
    end = np.arange(1, len(x) + 1)
    start = np.maximum(0, end - window)
    return (c[end] - c[start]) / (end - start)


BRAND_COLORS = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02")
"""One colour per brand (the focal brand first), in order."""

SHARE_WINDOW_DAYS = 28
"""Market shares by brand are drawn as shares of the units of the last 28 days."""


def unit_shares(units: Sequence[np.ndarray], window: int = SHARE_WINDOW_DAYS) -> list[np.ndarray]:
    """Each brand's share of the units every brand sold over the trailing ``window`` days
    (shorter at the start; NaN while none sold), from each brand's units a day."""
    sums = [rolling_mean(u, window) for u in units]
    total = np.sum(sums, axis=0) if sums else np.zeros(0)
    return [np.divide(x, total, out=np.full(len(x), np.nan), where=total > 0) for x in sums]


def money_scale(values: Iterable[Any], currency: str = DEFAULT_CURRENCY) -> tuple[float, str]:
    """The divisor and unit for a money axis showing ``values``: ``(1e3, "thousand CNY")``.

    Amounts below 10,000 stay in units of the currency, below 2 million in thousands, larger
    ones in millions, so tick labels stay short.
    """
    arrays = [np.abs(np.asarray(v, dtype=float)).ravel() for v in values]
    finite = [a[np.isfinite(a)] for a in arrays]
    peak = max((float(a.max()) for a in finite if a.size), default=0.0)
    if peak >= 2e6:
        return 1e6, f"million {currency}"
    if peak >= 1e4:
        return 1e3, f"thousand {currency}"
    return 1.0, currency


class PlainFormatter(ScalarFormatter):
    """Tick numbers written out with thousands separators: no offset, no ×10ⁿ multiplier."""

    def __init__(self) -> None:
        super().__init__(useOffset=False, useMathText=False)
        self.set_scientific(False)

    def __call__(self, x: float, pos: int | None = None) -> str:
        return _group_thousands(super().__call__(x, pos))


def _group_thousands(text: str) -> str:
    sign = text[0] if text[:1] in ("-", "\N{MINUS SIGN}") else ""
    digits, dot, rest = text[len(sign) :].partition(".")
    if not digits.isdigit():
        return text
    return f"{sign}{int(digits):,}{dot}{rest}"


def plain_ticks(fig: Figure) -> None:
    """Every linear axis of ``fig`` with default tick labels gets :class:`PlainFormatter`."""
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            if axis.get_scale() == "linear" and type(axis.get_major_formatter()) is ScalarFormatter:
                axis.set_major_formatter(PlainFormatter())


LEGEND_SPOTS = (
    "upper right",
    "upper left",
    "lower right",
    "lower left",
    "center right",
    "center left",
    "upper center",
    "lower center",
    "center",
)
AUTO_LEGEND = "auto-placed legend"
_LABEL_STRIPS: weakref.WeakKeyDictionary[Axes, float] = weakref.WeakKeyDictionary()
"""Axes → the share of its height taken by event labels at the top (legends stay below)."""


def legend(ax: Axes, **kwargs: Any) -> Legend:
    """A legend that :func:`place_legends` puts where it hides the least data and no label
    (matplotlib's ``best`` also shuns event windows, which cover most of a panel)."""
    made = ax.legend(**{"loc": "upper right", **kwargs})
    made.set_gid(AUTO_LEGEND)
    return made


def _dense(points: np.ndarray, step: float = 4.0) -> np.ndarray:
    """A polyline's points with extra points at most ``step`` pixels apart."""
    points = points[np.isfinite(points).all(axis=1)]
    if len(points) < 2:
        return points
    steps = np.diff(points, axis=0)
    n = np.clip(np.ceil(np.hypot(*steps.T) / step), 1, 200).astype(int)
    segment = np.repeat(np.arange(len(steps)), n)
    k = np.arange(n.sum()) - np.repeat(np.cumsum(n) - n, n) + 1
    t = (k / np.repeat(n, n))[:, None]
    return np.concatenate([points[:1], points[segment] + t * steps[segment]])


def _legend_badness(ax: Axes, box: Any, renderer: Any) -> float:
    inside = 0.0
    for line in ax.get_lines():
        if not line.get_visible() or line.get_gid() == "event":
            continue
        xy = line.get_transform().transform(np.asarray(line.get_xydata(), dtype=float))
        pts = _dense(xy)
        if len(pts):
            inside += box.count_contains(pts)
    gx, gy = np.meshgrid(np.linspace(box.x0, box.x1, 16), np.linspace(box.y0, box.y1, 6))
    grid = np.column_stack([gx.ravel(), gy.ravel()])
    shapes = [
        (path, c.get_transform())
        for c in ax.collections
        if c.get_visible() and c.get_gid() != "event"
        for path in c.get_paths()
    ]
    shapes += [
        (p.get_path(), p.get_transform())
        for p in ax.patches
        if p.get_visible() and p.get_gid() != "event"
    ]
    covered = np.zeros(len(grid), dtype=bool)
    for path, transform in shapes:
        covered |= path.contains_points(grid, transform=transform)
    for c in ax.collections:
        if c.get_gid() != "event" and not isinstance(c, PolyCollection):
            offs = c.get_offset_transform().transform(np.asarray(c.get_offsets(), dtype=float))
            if len(offs):
                inside += box.count_contains(offs)
    texts = sum(bool(box.overlaps(t.get_window_extent(renderer))) for t in ax.texts if t.get_text())
    return inside + 60.0 * covered.mean() + 1000.0 * texts


def renderer_of(fig: Figure) -> Any:
    """The figure's renderer, to measure texts and legends (an Agg canvas is attached to a bare
    :class:`~matplotlib.figure.Figure` that has none)."""
    if not hasattr(fig.canvas, "get_renderer"):
        FigureCanvasAgg(fig)
    return fig.canvas.get_renderer()


def place_legends(fig: Figure) -> None:
    """Put each legend made by :func:`legend` in the spot of its panel where it covers the
    fewest data points and areas and no text (call once the layout is final)."""
    renderer = renderer_of(fig)
    for ax in fig.axes:
        made = ax.get_legend()
        if made is None or made.get_gid() != AUTO_LEGEND:
            continue
        strip = _LABEL_STRIPS.get(ax, 0.0)
        made.set_bbox_to_anchor((0, 0, 1, 1 - strip), transform=ax.transAxes)
        scores = []
        for spot in LEGEND_SPOTS:
            made.set_loc(spot)
            scores.append(_legend_badness(ax, made.get_window_extent(renderer), renderer))
        best = int(np.argmin(scores))
        made.set_loc(LEGEND_SPOTS[best])
        if scores[best] > BUSY and ax.get_yscale() == "linear":
            _room_for_legend(ax, made, strip, renderer)


BUSY = 12.0
"""Data points a legend may hide before the panel gets room for it above the data."""


def _room_for_legend(ax: Axes, made: Legend, strip: float, renderer: Any) -> None:
    """Raise the top of the y axis so the legend sits above the data, below the event labels."""
    height = made.get_window_extent(renderer).height / max(ax.get_window_extent().height, 1.0)
    room = 1 - strip - height - 0.03
    if room < 0.5:
        return
    bottom, top = ax.get_ylim()
    data_top = bottom + (top - bottom) * (1 - strip)
    ax.set_ylim(bottom, bottom + (data_top - bottom) / room)
    made.set_loc("upper right")


# --------------------------------------------------------------------------- events


@dataclass(frozen=True)
class Marker:
    """A dated event on a time axis.

    Attributes:
        start: First day of the event.
        stop: Last day of its window (inclusive); None for a one-day event (a thin line).
        label: What it is, in words.
        kind: ``closure``, ``crackdown``, ``change``, ``point`` or ``collapse`` (its colour).
    """

    start: int
    stop: int | None
    label: str
    kind: str


def _value_at(scenario: Mapping[str, Any], path: str) -> Any:
    node: Any = scenario
    for part in path.split("."):
        if isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        elif isinstance(node, dict) and part in node:
            node = node[part]
        else:
            return None
    return node


def parameter_words(path: str) -> str:
    """A parameter path in words: ``channels.b2b2c.wholesale_price`` → ``wholesale price``."""
    parts = [p for p in path.split(".") if not p.isdigit()]
    return (parts[-1] if parts else path).replace("_", " ")


def _value_words(value: Any) -> str:
    if isinstance(value, bool):
        return "on" if value else "off"
    if isinstance(value, int | float):
        return f"{value:,g}"
    return str(value)


def _set_words(values: Mapping[str, Any]) -> str:
    return ", ".join(f"{parameter_words(k)} {_value_words(v)}" for k, v in values.items())


def event_markers(
    events: Sequence[Mapping[str, Any]],
    scenario: Mapping[str, Any],
    last_day: int,
) -> list[Marker]:
    """The events of a run up to ``last_day`` as windows and one-day markers.

    Args:
        events: The scenario's events as written in a scenario file (``day``, ``action`` …).
        scenario: The starting scenario as plain data (for rollout days, and for the values a
            ``set`` event changes: a later ``set`` back to the starting value closes a window,
            e.g. a two-week price promotion).
        last_day: The last day simulated so far; open windows end there.

    A closed channel is a window until it reopens, a platform crackdown one for its duration;
    opening micro-stores to the public, a competitor's entry, a rollout day or a lasting
    ``set`` are one-day markers. One-day markers of the same day share one label.
    """
    if last_day < 1:
        return []
    dated = sorted(
        (e for e in events if 1 <= int(e.get("day", 0)) <= last_day), key=lambda e: e["day"]
    )
    windows: list[Marker] = []
    points: dict[int, list[str]] = {}
    used: set[int] = set()
    current: dict[str, Any] = {}
    for k, e in enumerate(dated):
        day, action = int(e["day"]), e.get("action")
        if k in used:
            continue
        if action == "close_channel":
            ch = e.get("channel", "")
            stop = last_day
            for j in range(k + 1, len(dated)):
                later = dated[j]
                if later.get("action") == "reopen_channel" and later.get("channel") == ch:
                    stop = int(later["day"]) - 1
                    used.add(j)
                    break
            name = CHANNEL_LABELS.get(ch, ch)
            windows.append(Marker(day, max(day, stop), f"{name} closed", "closure"))
        elif action == "reopen_channel":
            ch = e.get("channel", "")
            points.setdefault(day, []).append(f"{CHANNEL_LABELS.get(ch, ch)} reopens")
        elif action == "platform_crackdown":
            duration = e.get("duration_days")
            stop = last_day if duration is None else min(last_day, day + int(duration) - 1)
            windows.append(Marker(day, max(day, stop), "platform crackdown", "crackdown"))
        elif action == "open_to_public":
            points.setdefault(day, []).append("micro-stores open to the public")
        elif action == "competitor_enters":
            points.setdefault(day, []).append("a competitor enters")
        elif action == "set":
            values = dict(e.get("values") or {})
            before = {p: current.get(p, _value_at(scenario, p)) for p in values}
            back = next(
                (
                    j
                    for j in range(k + 1, len(dated))
                    if dated[j].get("action") == "set"
                    and set(dated[j].get("values") or {}) == set(values)
                ),
                None,
            )
            restores = back is not None and all(
                before[p] is not None and dated[back]["values"][p] == before[p] for p in values
            )
            if back is not None and restores:
                used.add(back)
                stop = int(dated[back]["day"]) - 1
                back_to = ", ".join(_value_words(before[p]) for p in values)
                label = f"{_set_words(values)}, then back to {back_to}"
                windows.append(Marker(day, max(day, stop), label, "change"))
            else:
                words = (f"{parameter_words(p)} → {_value_words(v)}" for p, v in values.items())
                points.setdefault(day, []).append(", ".join(words))
                current.update(values)
        elif action == "logged":
            points.setdefault(day, []).append(str(e.get("text", "")))
    b2c2c = _value_at(scenario, "channels.b2c2c") or {}
    if isinstance(b2c2c, dict) and b2c2c.get("enabled") and not _has_pyramid(scenario):
        rollout = b2c2c.get("rollout") or {}
        for key, words in (
            ("employees_from_day", "micro-stores open to employees"),
            ("public_from_day", "micro-stores open to the public"),
        ):
            day = rollout.get(key)
            if isinstance(day, int) and 1 <= day <= last_day and words not in points.get(day, []):
                points.setdefault(day, []).append(words)
    markers = windows + [Marker(d, None, "; ".join(t), "point") for d, t in sorted(points.items())]
    return sorted(markers, key=lambda m: (m.start, m.stop is None))


def _has_pyramid(scenario: Mapping[str, Any]) -> bool:
    return bool(_value_at(scenario, "channels.b2c2c.stock_pressure.enabled"))


def draw_events(
    ax: Axes, markers: Sequence[Marker], labels: bool = True, fontsize: float = EVENT_FONT
) -> None:
    """Shade each window and draw a thin line at each one-day event (``gid="event"``), with a
    label saying what it is in a strip added above the data.

    Call it after the data is drawn and the y limits are set: the strip is added on top.
    """
    if not markers:
        return
    for m in markers:
        color = EVENT_COLORS.get(m.kind, EVENT_COLORS["point"])[0]
        if m.stop is None:
            ax.axvline(m.start, color=color, lw=0.9, ls="--", gid="event", zorder=1.5)
        else:
            ax.axvspan(
                m.start - 0.5, m.stop + 0.5, color=color, alpha=EVENT_ALPHA, lw=0, gid="event"
            )
    if not labels:
        return
    lo, hi = ax.get_xlim()
    span = hi - lo if hi > lo else 1.0
    box = ax.get_window_extent()
    width_px, height_px = max(box.width, 1.0), max(box.height, 1.0)
    renderer = renderer_of(ax.get_figure(root=True))
    trans = blended_transform_factory(ax.transData, ax.transAxes)
    pad = span * 0.004
    rows: list[list[tuple[float, float]]] = []
    placed: list[tuple[Text, int]] = []
    for m in markers:
        color = EVENT_COLORS.get(m.kind, EVENT_COLORS["point"])[1]
        text = ax.text(
            0, 1, m.label, transform=trans, va="top", fontsize=fontsize, color=color, clip_on=True
        )
        length = text.get_window_extent(renderer).width / width_px * span + 2 * pad
        x, ha = (m.start - 0.5 if m.stop is not None else float(m.start)), "left"
        if x + length > hi:  # would run past the right edge: end the label at the event
            end = min(hi, m.stop + 0.5) if m.stop is not None else x
            if end - length >= lo or end - lo > hi - x:  # unless it has less room there
                x, ha = end, "right"
        extent = (x, x + length) if ha == "left" else (x - length, x)
        text.set_x(x + (pad if ha == "left" else -pad))
        text.set_horizontalalignment(ha)
        row = next(
            (
                r
                for r, taken in enumerate(rows)
                if all(extent[1] < a or extent[0] > b for a, b in taken)
            ),
            None,
        )
        if row is None:
            rows.append([])
            row = len(rows) - 1
        rows[row].append(extent)
        placed.append((text, row))
    line = min(fontsize * 1.45 * ax.figure.dpi / 72 / height_px, 0.12)  # a row, axes fraction
    strip = min(line * len(rows) + 0.02, 0.45)
    bottom, top = ax.get_ylim()
    if ax.get_yscale() == "linear" and top > bottom:
        ax.set_ylim(bottom, (top - strip * bottom) / (1 - strip))
    _LABEL_STRIPS[ax] = strip
    for text, row in placed:
        text.set_y(0.985 - row * line)
