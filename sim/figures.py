"""Figures of one run, made from the files of its results folder (never from live objects).

``make_figures(folder)`` reads ``timeseries.csv``, ``stores.csv``, ``summary.json`` and the
scenario (``scenario.yaml``, or ``events.csv`` for the events) and writes ``figures/*.png``:
sales by channel, profit and costs, awareness and adoption, micro-stores, the long-tail Lorenz
curve of store sales, inventory and orders by tier, and with the mechanisms that draw them the
pyramid's levels and agents' profit and loss, and trust, muting and sales per post. A figure or
panel is left out when the run has nothing to show in it (a channel or mechanism the scenario
does not have, a cost panel without costs).

Every time axis shows the scenario's dated events, money axes are in the scenario's currency
and numbers are written out, with the helpers of :mod:`sim.figure_style` (shared with the
reports and the dashboard).
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import yaml
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from scipy.special import zeta

from sim.figure_style import (
    BRAND_COLORS,
    DEFAULT_CURRENCY,
    SHARE_WINDOW_DAYS,
    Marker,
    draw_events,
    event_markers,
    legend,
    money_scale,
    place_legends,
    plain_ticks,
    rolling_mean,
    unit_shares,
)
from sim.longtail import fit_power_law, long_tail, lorenz_curve
from sim.outputs import CHANNEL_LABELS
from sim.scenario import CHANNELS

CHANNEL_COLORS = {"b2b2c": "#1f77b4", "b2c": "#ff7f0e", "b2c2c": "#2ca02c"}
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
        title=f"{summary['scenario']}{_focal(summary)} (seed {summary['seed']}, "
        f"{summary['consumers']:,} consumers)",
    )


def _focal(summary: dict[str, Any]) -> str:
    """``, brand <name>`` when the run has several brands (its other figures are the focal
    brand's), else nothing."""
    brands = summary.get("brands")
    return f", brand {next(iter(brands))}" if brands else ""


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
    if summary.get("brands"):
        drawn.append(_brands(run, list(summary["brands"]), out / "market_share_by_brand.png"))
    if summary.get("distributor_stores"):
        kind = np.asarray(run.stores.get("kind", []), dtype=str)
        drawn.append(
            _survival(
                run,
                [
                    ("distributor-run stores", kind == "distributor", "#7f3b08"),
                    (
                        "the other stores (fans, employees, opportunists, influencers)",
                        kind != "distributor",
                        CHANNEL_COLORS["b2c2c"],
                    ),
                ],
                "Distributor-run stores against the others",
                out / "distributor_stores.png",
            )
        )
    if summary.get("mentors") and "course_fee" in run.stores:
        trained = np.asarray(run.stores["course_fee"], dtype=float) > 0
        drawn.append(
            _survival(
                run,
                [
                    ("stores of trainees (bought a mentor's course)", trained, "#7f3b08"),
                    ("the other stores", ~trained, CHANNEL_COLORS["b2c2c"]),
                ],
                "Trainees' stores against the others",
                out / "mentors.png",
            )
        )
    return [p for p in drawn if p is not None]


def _survival(
    run: Run, groups: list[tuple[str, np.ndarray, str]], title: str, path: Path
) -> Path | None:
    """Share of the stores opened so far that are still open, by group of stores (rows of
    ``stores.csv``: with several brands the focal brand's)."""
    st = run.stores
    if not len(st.get("opened_day", [])):
        return None
    day = run.day
    opened = np.asarray(st["opened_day"], dtype=float)
    closed = np.array([float(x) if str(x) not in ("", "nan") else np.inf for x in st["closed_day"]])
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for label, mask, color in groups:
        if not mask.any():
            continue
        # opened by day d, less closed by day d (a store closes after it opens)
        ever = np.searchsorted(np.sort(opened[mask]), day, side="right").astype(float)
        still = ever - np.searchsorted(np.sort(closed[mask]), day, side="right")
        share = np.divide(still, ever, out=np.full(len(day), np.nan), where=ever > 0)
        ax.plot(day, share, color=color, label=f"{label} ({int(mask.sum()):,} opened)")
    ax.set_ylim(0, 1)
    ax.set_ylabel("share of the stores opened so far still open")
    ax.set_title(f"{title}: {run.title}", fontsize=10)
    _time_axis(ax, run)
    legend(ax, fontsize=8)
    return _save(fig, path)


def _brands(run: Run, names: list[str], path: Path) -> Path:
    """Market share (28-day units), micro-store sales and cumulative profit, by brand; the
    rivals' own moves (follow rules, dated events) marked in their colour."""
    fig, axes = _panels(3, width=5.0)
    day, ts = run.day, run.ts
    window = SHARE_WINDOW_DAYS
    shares = unit_shares([ts[f"units_total.{b}"] for b in names], window)
    scale, unit = money_scale(
        [ts[f"manufacturer_profit_cumulative.{b}"] for b in names], run.currency
    )
    for k, (b, share) in enumerate(zip(names, shares, strict=True)):
        color = BRAND_COLORS[k % len(BRAND_COLORS)]
        axes[0].plot(day, share, color=color, label=b)
        axes[1].plot(day, rolling_mean(ts[f"units_b2c2c.{b}"], 7), color=color, label=b)
        axes[2].plot(day, ts[f"manufacturer_profit_cumulative.{b}"] / scale, color=color, label=b)
        if k == 0:
            continue
        for event in run.summary["brands"][b].get("events", []):
            for ax in axes:
                ax.axvline(event["day"], color=color, ls=":", lw=1.0, gid="reference")
    axes[0].set_ylim(0, 1)
    axes[0].set_ylabel(f"market share of units ({window}-day sums)")
    axes[0].set_title("Market share by brand", fontsize=10)
    axes[1].set_ylim(bottom=0)
    axes[1].set_ylabel("units sold through micro-stores per day (7-day mean)")
    axes[1].set_title("Micro-store sales by brand", fontsize=10)
    axes[2].axhline(0, color="grey", lw=0.8, gid="reference")
    axes[2].set_ylabel(f"maker's cumulative profit ({unit})")
    axes[2].set_title("Profit by brand", fontsize=10)
    for ax in axes:
        _time_axis(ax, run, labels=ax is axes[0])
        legend(ax, fontsize=8)
    fig.suptitle(f"{run.title}; dotted: the rivals' moves", fontsize=10)
    return _save(fig, path)


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
