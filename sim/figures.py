"""Figures of one run, made from the files of its results folder (never from live objects).

``make_figures(folder)`` reads ``timeseries.csv``, ``stores.csv``, ``summary.json`` and the
scenario (``scenario.yaml``, or ``events.csv`` for the events) and writes ``figures/*.png``:
sales by channel, profit and costs, awareness and adoption, micro-stores, the long-tail Lorenz
curve of store sales, inventory and orders by tier, and with the mechanisms that draw them the
pyramid's levels and agents' profit and loss, and trust, muting and sales per post. A figure or
panel is left out when the run has nothing to show in it (a channel or mechanism the scenario
does not have, a cost panel without costs).

Every time axis shows the scenario's dated events (:func:`event_markers`, :func:`draw_events`,
also used by the dashboard): a shaded window while a channel is closed, a crackdown lasts or a
changed parameter is set back, a thin line at a one-day event. Money axes are in the scenario's
currency, scaled to thousands or millions in the label (:func:`money_scale`); every number on a
linear axis is written out with thousands separators (:class:`PlainFormatter`).
"""

from __future__ import annotations

import csv
import json
import math
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import yaml
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.legend import Legend
from matplotlib.text import Text
from matplotlib.ticker import ScalarFormatter
from matplotlib.transforms import blended_transform_factory
from scipy.special import zeta

from sim.longtail import fit_power_law, long_tail, lorenz_curve
from sim.outputs import CHANNEL_LABELS
from sim.scenario import CHANNELS

CHANNEL_COLORS = {"b2b2c": "#1f77b4", "b2c": "#ff7f0e", "b2c2c": "#2ca02c"}
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


# --------------------------------------------------------------------------- reading


def read_table(path: Path) -> dict[str, np.ndarray]:
    """A CSV file as columns (numeric where every value parses, else strings)."""
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        rows = list(reader)
    columns: dict[str, np.ndarray] = {}
    for k, name in enumerate(header):
        raw = [r[k] for r in rows]
        try:
            columns[name] = np.array([float(x) if x != "" else np.nan for x in raw])
        except ValueError:
            columns[name] = np.array(raw, dtype=object)
    return columns


def read_scenario(folder: Path) -> dict[str, Any]:
    """The scenario of a results folder as plain data (empty if ``scenario.yaml`` is missing)."""
    path = Path(folder) / "scenario.yaml"
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _events_from_log(folder: Path) -> list[dict[str, Any]]:
    """Events rebuilt from ``events.csv`` (for a folder without its scenario file)."""
    path = Path(folder) / "events.csv"
    if not path.exists():
        return []
    with path.open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    events: list[dict[str, Any]] = []
    for row in rows:
        day, text = int(float(row["day"])), row["event"]
        words = text.split()
        if len(words) == 2 and words[0] in ("close", "reopen") and words[1] in CHANNELS:
            action = "close_channel" if words[0] == "close" else "reopen_channel"
            events.append({"day": day, "action": action, "channel": words[1]})
        elif text.startswith("platform crackdown"):
            events.append({"day": day, "action": "platform_crackdown", "duration_days": None})
        else:
            events.append({"day": day, "action": "logged", "text": text})
    return events


# --------------------------------------------------------------------------- numbers


def rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average (shorter at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, dtype=float), 0, 0.0))
    end = np.arange(1, len(x) + 1)
    start = np.maximum(0, end - window)
    return (c[end] - c[start]) / (end - start)


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


# --------------------------------------------------------------------------- the figures


@dataclass(frozen=True)
class Run:
    """What the figures of one run read: its series, stores, summary, scenario and events."""

    ts: dict[str, np.ndarray]
    stores: dict[str, np.ndarray]
    summary: dict[str, Any]
    scenario: dict[str, Any]
    markers: list[Marker]
    currency: str
    title: str

    @property
    def day(self) -> np.ndarray:
        return self.ts["day"]

    def has(self, column: str) -> bool:
        """Whether the run has that column with a nonzero finite value."""
        v = self.ts.get(column)
        return v is not None and bool(np.nan_to_num(np.asarray(v, dtype=float)).any())


def load_run(folder: Path) -> Run:
    """The files of a results folder, read for :func:`make_figures`."""
    folder = Path(folder)
    ts = read_table(folder / "timeseries.csv")
    stores_path = folder / "stores.csv"
    stores = read_table(stores_path) if stores_path.exists() else {}
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    scenario = read_scenario(folder)
    events = scenario.get("events") if "events" in scenario else _events_from_log(folder)
    days = ts.get("day", np.zeros(0))
    last = int(np.nanmax(days)) if len(days) else 0
    return Run(
        ts=ts,
        stores=stores,
        summary=summary,
        scenario=scenario,
        markers=event_markers(events or [], scenario, last),
        currency=str(scenario.get("currency") or DEFAULT_CURRENCY),
        title=f"{summary['scenario']} (seed {summary['seed']}, {summary['consumers']:,} consumers)",
    )


def make_figures(folder: Path) -> list[Path]:
    """Write every figure of a results folder that has something to show; returns their paths."""
    folder = Path(folder)
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    run = load_run(folder)
    summary = run.summary
    enabled = [ch for ch in CHANNELS if summary["channels"][ch]["enabled"]]
    mechanisms = summary.get("mechanisms", {})
    drawn: list[Path | None] = [
        _sales(run, enabled, out / "sales_by_channel.png"),
        _profit(run, out / "profit_and_costs.png"),
        _adoption(run, out / "adoption_awareness.png"),
    ]
    if "b2c2c" in enabled:
        drawn.append(_stores(run, out / "micro_stores.png"))
        drawn.append(_lorenz(run, out / "store_sales_lorenz.png"))
    drawn.append(_inventory(run, out / "inventory_by_tier.png"))
    if mechanisms.get("pyramid"):
        drawn.append(_pyramid(run, summary.get("pyramid_levels", []), out / "pyramid_levels.png"))
        drawn.append(_profit_loss(run, out / "pyramid_profit_and_loss.png"))
    if mechanisms.get("spam"):
        policies = summary.get("posting_policies", [])
        drawn.append(_trust(run, policies, out / "trust_and_muting.png"))
        drawn.append(_sales_per_post(run, policies, out / "sales_per_post.png"))
    return [p for p in drawn if p is not None]


def _save(fig: Figure, path: Path) -> Path:
    plain_ticks(fig)
    fig.tight_layout()
    place_legends(fig)
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _panels(n: int, width: float = 6.0, height: float = 4.5) -> tuple[Figure, list[Axes]]:
    """A figure of ``n`` panels side by side (its width follows the number of panels)."""
    fig, axes = plt.subplots(1, n, figsize=(max(9.0, width * n), height), squeeze=False)
    return fig, list(axes[0])


def _time_axis(ax: Axes, run: Run, labels: bool = True) -> None:
    """``day`` on the x axis, the run's events drawn (call after the data and y limits)."""
    ax.set_xlabel("day")
    draw_events(ax, run.markers, labels=labels)


def _sales(run: Run, enabled: list[str], path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for ch in enabled:
        ax.plot(
            run.day,
            rolling_mean(run.ts[f"units_{ch}"], 7),
            label=CHANNEL_LABELS[ch],
            color=CHANNEL_COLORS[ch],
        )
    ax.set_ylabel("units sold per day (7-day mean)")
    ax.set_title(f"Sales by channel: {run.title}", fontsize=10)
    ax.set_ylim(bottom=0)
    _time_axis(ax, run)
    legend(ax, fontsize=8)
    return _save(fig, path)


COSTS = {
    "distributor_margin": "distributors' margins",
    "cost_rebates": "rebates to store owners",
    "cost_distributor_rebates": "rebates to distributors",
    "cost_advertising": "advertising",
    "cost_logistics": "logistics",
    "cost_buybacks": "stock bought back from agents",
}


def _profit(run: Run, path: Path) -> Path:
    costs = {label: np.cumsum(run.ts[k]) for k, label in COSTS.items() if run.has(k)}
    fig, axes = _panels(2 if costs else 1)
    day = run.day
    ax1 = axes[0]
    profit, cash = run.ts["manufacturer_profit_cumulative"], run.ts["manufacturer_cash"]
    scale, unit = money_scale([profit, cash], run.currency)
    ax1.plot(day, profit / scale, color="black", label="profit (accrual)")
    ax1.plot(day, cash / scale, color="grey", ls="--", label="cash (stock paid for)")
    ax1.axhline(0, color="grey", lw=0.8, gid="reference")
    ax1.set_title("The maker's cumulative profit and cash", fontsize=10)
    ax1.set_ylabel(f"maker's profit and cash ({unit})")
    _time_axis(ax1, run)
    legend(ax1, fontsize=8)
    if costs:
        ax2 = axes[1]
        scale, unit = money_scale([sum(costs.values())], run.currency)
        ax2.stackplot(day, *[v / scale for v in costs.values()], labels=list(costs))
        ax2.set_title("Cumulative cost of reaching consumers (goods at cost excluded)", fontsize=10)
        ax2.set_ylabel(f"cumulative cost ({unit})")
        ax2.set_ylim(bottom=0)
        _time_axis(ax2, run)
        legend(ax2, fontsize=8)
    fig.suptitle(run.title, fontsize=10)
    return _save(fig, path)


def _adoption(run: Run, path: Path) -> Path:
    n = run.summary["consumers"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(run.day, run.ts["aware"] / n, label="aware")
    ax.plot(run.day, run.ts["adopters"] / n, label="adopters (bought at least once)")
    ax.plot(
        run.day,
        run.ts["identified_customers"] / n,
        label="identified customers (bought direct or from a store)",
    )
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of consumers (0 to 1)")
    ax.set_title(f"Awareness and adoption: {run.title}", fontsize=10)
    _time_axis(ax, run)
    legend(ax, fontsize=8)
    return _save(fig, path)


def _stores(run: Run, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ts = run.ts
    ax.plot(run.day, ts["active_stores"], label="open", color=CHANNEL_COLORS["b2c2c"])
    ax.plot(run.day, np.cumsum(ts["stores_opened"]), label="opened (cumulative)", ls="--")
    ax.plot(run.day, np.cumsum(ts["stores_closed"]), label="closed (cumulative)", ls=":")
    if run.has("stores_banned"):
        ax.plot(
            run.day,
            np.cumsum(ts["stores_banned"]),
            label="banned (cumulative, among the closed)",
            ls="-.",
            color="#a50f15",
        )
    ax.set_ylim(bottom=0)
    ax.set_ylabel("micro-stores")
    ax.set_title(f"Micro-stores: {run.title}", fontsize=10)
    _time_axis(ax, run)
    legend(ax, fontsize=8)
    return _save(fig, path)


def _lorenz(run: Run, path: Path) -> Path | None:
    """Lorenz curves of store sales (sellers, and every store opened) and the sellers' CCDF
    on log-log axes with the fitted power law (left out while no store has sold)."""
    units = np.asarray(run.stores.get("units", np.zeros(0)), dtype=float)
    if not len(units):
        return None
    sellers = units[units > 0]
    fig, axes = _panels(2 if len(sellers) else 1, width=5.5, height=5)
    ax = axes[0]
    if len(sellers):
        x, y = lorenz_curve(sellers)
        ax.plot(x, y, color=CHANNEL_COLORS["b2c2c"], label="stores that sold")
    xa, ya = lorenz_curve(units)
    ax.plot(xa, ya, color=CHANNEL_COLORS["b2c2c"], ls="--", lw=1, label="every store opened")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="equality", gid="reference")
    ax.set_xlabel("share of stores, smallest sellers first (0 to 1)")
    ax.set_ylabel("share of units sold (0 to 1)")
    ax.set_title("Lorenz curve of store sales", fontsize=10)
    tail = long_tail(units)
    note = f"{len(units):,} stores opened, {tail['stores_sold']:,} sold"
    if len(sellers):
        note += (
            f"\namong sellers: Gini {tail['gini_sellers']:.2f}, "
            f"top 20 % sell {tail['top20_share_sellers']:.0%}"
        )
    ax.text(0.03, 0.97, note, transform=ax.transAxes, va="top", fontsize=8)
    legend(ax, fontsize=8)
    if len(sellers):
        ax2 = axes[1]
        values, counts = np.unique(sellers, return_counts=True)
        ccdf = 1.0 - np.concatenate(([0], np.cumsum(counts)[:-1])) / len(sellers)
        ax2.loglog(values, ccdf, "o", ms=4, color=CHANNEL_COLORS["b2c2c"], label="stores that sold")
        fit = fit_power_law(sellers)
        if fit is not None:
            grid = np.unique(np.geomspace(fit.xmin, values.max(), 50).astype(int))
            share = fit.n_tail / len(sellers)  # the tail's share of the sellers
            law = share * zeta(fit.alpha, grid) / zeta(fit.alpha, fit.xmin)
            ax2.loglog(
                grid,
                law,
                color="black",
                lw=1,
                label=f"fitted power law α = {fit.alpha:.2f} ± {fit.alpha_se:.2f} "
                f"above {fit.xmin:g}",
            )
        legend(ax2, fontsize=8)
        ax2.set_xlabel("units sold by a store (units)")
        ax2.set_ylabel("share of sellers selling at least that")
        ax2.set_title("Distribution of sales among sellers (log-log)", fontsize=10)
    fig.suptitle(f"Long tail of micro-store sales: {run.title}", fontsize=10)
    return _save(fig, path)


def _share_axis(ax: Axes) -> None:
    ax.set_ylim(0, max(ax.get_ylim()[1], 0.05))


def _trust(run: Run, policies: list[str], path: Path) -> Path:
    """Friends' trust in store owners by posting policy; muting, blocking and detractors."""
    fig, (ax1, ax2) = _panels(2)
    day, ts = run.day, run.ts
    for name in policies:
        ax1.plot(day, ts[f"mean_trust_in_{name}"], label=f"{name} owners")
    if "mean_trust_in_owners" in ts and len(policies) > 1:
        ax1.plot(day, ts["mean_trust_in_owners"], color="black", lw=1.5, label="all owners")
    ax1.plot(day, ts["mean_trust"], color="grey", ls="--", label="all friendships (owners or not)")
    ax1.set_ylim(0, 1)
    ax1.set_title("Friends' mean trust in store owners, by posting policy", fontsize=10)
    ax1.set_ylabel("mean trust (0 = none, 1 = full)")
    _time_axis(ax1, run)
    legend(ax1, fontsize=8)
    ax2.plot(day, ts["muted_share"], label="muted (share of owners' friendships)")
    ax2.plot(day, ts["blocked_share"], label="blocked (share of owners' friendships)")
    n = run.summary["consumers"]
    ax2.plot(day, ts["detractors"] / n, label="detractors (share of consumers)", color="black")
    _share_axis(ax2)
    ax2.set_title("Muting, blocking and detractors", fontsize=10)
    ax2.set_ylabel("share (0 to 1)")
    _time_axis(ax2, run)
    legend(ax2, fontsize=8)
    fig.suptitle(run.title, fontsize=10)
    return _save(fig, path)


def _sales_per_post(run: Run, policies: list[str], path: Path) -> Path:
    """Units sold per post delivered, by posting policy (14-day sums)."""
    fig, (ax1, ax2) = _panels(2)
    day, ts = run.day, run.ts
    for name in policies:
        units = rolling_mean(ts[f"units_{name}"], 14)
        posts = rolling_mean(ts[f"posts_{name}"], 14)
        ratio = np.divide(units, posts, out=np.full(len(units), np.nan), where=posts > 0)
        ax1.plot(day, ratio, label=f"{name} stores")
        ax2.plot(day, np.cumsum(ts[f"units_{name}"]), label=f"{name} stores")
    ax1.set_title("Sales per post, by posting policy (14-day window)", fontsize=10)
    ax1.set_ylabel("units sold per post delivered")
    ax1.set_ylim(bottom=0)
    _time_axis(ax1, run)
    legend(ax1, fontsize=8)
    ax2.set_title("Cumulative units sold through stores, by posting policy", fontsize=10)
    ax2.set_ylabel("units sold since day 1")
    ax2.set_ylim(bottom=0)
    _time_axis(ax2, run)
    legend(ax2, fontsize=8)
    fig.suptitle(run.title, fontsize=10)
    return _save(fig, path)


def _pyramid(run: Run, levels: list[str], path: Path) -> Path | None:
    """Agents and stock held at each level over time, one row of small multiples a level (the
    levels nobody joined left out), the collapse day marked (M8)."""
    ts = run.ts
    shown = [lv for lv in levels if run.has(f"participants_{lv}") or run.has(f"stock_{lv}")]
    if not shown:
        return None
    rows = [("all levels", "participants", "pyramid_stock")]
    rows += [(lv, f"participants_{lv}", f"stock_{lv}") for lv in shown]
    info = run.summary.get("pyramid", {})
    collapse = info.get("collapse_day")
    markers = list(run.markers)
    if collapse is not None:
        markers.append(Marker(int(collapse), None, f"collapse (day {collapse})", "collapse"))
    fig, grid = plt.subplots(
        len(rows),
        2,
        figsize=(11, 1.5 * len(rows) + 1.6),
        sharex=True,
        squeeze=False,
    )
    for r, (lv, agents, stock) in enumerate(rows):
        left, right = grid[r]
        left.plot(run.day, ts[agents], color="#6a3d9a", lw=1.6 if r == 0 else 1.2)
        right.plot(run.day, ts[stock], color="#8c564b", lw=1.6 if r == 0 else 1.2)
        for ax, what in ((left, "agents"), (right, "units held")):
            ax.set_ylim(bottom=0)
            ax.set_ylabel(what, fontsize=8)
            ax.tick_params(labelsize=8)
            ax.set_title(
                f"{lv}: {'active agents' if ax is left else 'stock held'}", fontsize=9, loc="left"
            )
            draw_events(ax, markers, labels=(r == 0), fontsize=7)
            ax.yaxis.get_major_locator().set_params(nbins=3)
    for ax in grid[-1]:
        ax.set_xlabel("day")
    left_out = [lv for lv in levels if lv not in shown]
    nobody = f"; nobody joined at {', '.join(left_out)}" if left_out else ""
    fig.suptitle(
        f"Pyramid levels: {run.title}\nstranded stock {info.get('stranded_stock', 0):,} units "
        f"(dumped {info.get('units_dumped', 0):,}); {info.get('share_at_loss', 0):.0%} of "
        f"{info.get('participants_ever', 0):,} agents lost money{nobody}",
        fontsize=10,
    )
    return _save(fig, path)


def _profit_loss(run: Run, path: Path) -> Path | None:
    """Distribution of agents' profit and loss (as in `share_at_loss`)."""
    profit = np.asarray(run.stores.get("profit", np.zeros(0)), dtype=float)
    profit = profit[np.isfinite(profit)]
    if not len(profit):
        return None
    fig, ax = plt.subplots(figsize=(9, 4.5))
    lo, hi = np.percentile(profit, [1, 99])
    scale, unit = money_scale([[lo, hi]], run.currency)
    bins = np.linspace(min(lo, 0), max(hi, 1), 50) / scale
    ax.hist(np.clip(profit / scale, bins[0], bins[-1]), bins=bins, color="#8c564b")
    ax.axvline(0, color="black", lw=0.8, gid="reference")
    share = run.summary.get("pyramid", {}).get("share_at_loss", 0.0)
    ax.set_title(f"Agents' profit and loss: {share:.0%} lost money\n{run.title}", fontsize=10)
    ax.set_xlabel(
        f"an agent's profit ({unit}): cash at the end + stock at the dumping price − money put "
        "in\n(1st to 99th percentile; the few beyond are counted in the end bars)",
        fontsize=9,
    )
    ax.set_ylabel("agents")
    return _save(fig, path)


def _bullwhip_note(run: Run, tier: str) -> str:
    ratio = run.summary.get("bullwhip_variance_ratio", {}).get(tier)
    if ratio is None or not math.isfinite(ratio):
        return ""
    mark = "†" if run.summary.get("bullwhip_meaningful", {}).get(tier) == 0 else ""
    return f" (variance ×{ratio:.2f}{mark})"


TIER_COLORS = ("#1f77b4", "#ff7f0e", "#2ca02c", "#9467bd", "#8c564b", "#e377c2")


def _inventory(run: Run, path: Path) -> Path | None:
    """The maker's finished goods, the tiers' stock on hand and their daily orders (bullwhip)."""
    ts = run.ts
    tiers = [
        k.removeprefix("inventory_")
        for k in ts
        if k.startswith("inventory_") and k != "inventory_maker"
    ]
    color = {t: TIER_COLORS[k % len(TIER_COLORS)] for k, t in enumerate(tiers)}
    maker = run.has("inventory_maker")
    if not tiers and not maker:
        return None
    fig, axes = _panels(int(maker) + 2 * bool(tiers), width=5.2)
    panels = iter(axes)
    if maker:
        ax = next(panels)
        ax.plot(run.day, ts["inventory_maker"], color="black")
        ax.set_title("The maker's finished goods", fontsize=10)
        ax.set_ylabel("units in stock")
        ax.set_ylim(bottom=0)
        _time_axis(ax, run)
    if tiers:
        ax = next(panels)
        for t in tiers:
            ax.plot(run.day, ts[f"inventory_{t}"], label=t, color=color[t])
        ax.set_title("Distributors' and shops' stock on hand, by tier", fontsize=10)
        ax.set_ylabel("units on hand")
        ax.set_ylim(bottom=0)
        _time_axis(ax, run)
        legend(ax, fontsize=8)
        ax = next(panels)
        ax.plot(run.day, ts["demand_retail"], label="consumer demand at retailers", color="black")
        for t in reversed(tiers):
            ax.plot(
                run.day,
                ts[f"orders_{t}"],
                label=f"orders by {t}{_bullwhip_note(run, t)}",
                lw=0.8,
                color=color[t],
            )
        ax.set_title("Daily orders by tier (bullwhip: variance relative to demand)", fontsize=10)
        ax.set_ylabel("units a day")
        ax.set_ylim(bottom=0)
        _time_axis(ax, run)
        notes = [_bullwhip_note(run, t) for t in tiers]
        title = (
            "† under 5 units a node a day: too few to judge"
            if any("†" in n for n in notes)
            else None
        )
        legend(ax, fontsize=7.5, title=title, title_fontsize=7.5)
    fig.suptitle(run.title, fontsize=10)
    return _save(fig, path)
