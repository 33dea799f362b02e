"""Figures of one run, made from the files of its results folder (never from live objects).

``make_figures(folder)`` reads ``timeseries.csv``, ``stores.csv`` and ``summary.json`` and writes
``figures/*.png``: sales by channel, profit and costs, awareness and adoption, micro-stores,
the long-tail Lorenz curve of store sales, and inventory and orders by tier.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from scipy.special import zeta

from sim.longtail import fit_power_law, long_tail, lorenz_curve
from sim.outputs import CHANNEL_LABELS
from sim.scenario import CHANNELS

CHANNEL_COLORS = {"b2b2c": "#1f77b4", "b2c": "#ff7f0e", "b2c2c": "#2ca02c"}


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


def rolling_mean(x: np.ndarray, window: int) -> np.ndarray:
    """Trailing moving average (shorter at the start)."""
    c = np.cumsum(np.insert(np.asarray(x, dtype=float), 0, 0.0))
    end = np.arange(1, len(x) + 1)
    start = np.maximum(0, end - window)
    return (c[end] - c[start]) / (end - start)


def _shade_closures(ax: plt.Axes, ts: dict[str, np.ndarray]) -> None:
    """Grey bands where a channel was closed by an event."""
    day = ts["day"]
    for ch in CHANNELS:
        key = f"open_{ch}"
        if key not in ts or ts[key].min() > 0:
            continue
        closed = ts[key] == 0
        # only shade closures of channels that were open at some point (events, not disabled)
        if closed.all():
            continue
        edges = np.flatnonzero(np.diff(np.concatenate(([0], closed.astype(int), [0]))))
        for start, stop in zip(edges[::2], edges[1::2], strict=True):
            ax.axvspan(day[start] - 0.5, day[stop - 1] + 0.5, color=CHANNEL_COLORS[ch], alpha=0.12)
            ax.text(day[start], ax.get_ylim()[1] * 0.95, f"{ch} closed", fontsize=8, va="top")


def make_figures(folder: Path) -> list[Path]:
    """Write every figure of a results folder; returns their paths."""
    folder = Path(folder)
    out = folder / "figures"
    out.mkdir(exist_ok=True)
    ts = read_table(folder / "timeseries.csv")
    stores = read_table(folder / "stores.csv")
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    title = f"{summary['scenario']} (seed {summary['seed']}, {summary['consumers']:,} consumers)"
    enabled = [ch for ch in CHANNELS if summary["channels"][ch]["enabled"]]
    written = [
        _sales(ts, enabled, title, out / "sales_by_channel.png"),
        _profit(ts, title, out / "profit_and_costs.png"),
        _adoption(ts, summary, title, out / "adoption_awareness.png"),
        _stores(ts, title, out / "micro_stores.png"),
        _lorenz(stores, title, out / "store_sales_lorenz.png"),
        _inventory(ts, summary, title, out / "inventory_by_tier.png"),
    ]
    if summary.get("mechanisms", {}).get("pyramid"):
        levels = summary.get("pyramid_levels", [])
        written.append(_pyramid(ts, levels, summary, title, out / "pyramid_levels.png"))
        written.append(_profit_loss(stores, summary, title, out / "pyramid_profit_and_loss.png"))
    if summary.get("mechanisms", {}).get("spam"):
        policies = summary.get("posting_policies", [])
        written.append(_trust(ts, policies, summary, title, out / "trust_and_muting.png"))
        written.append(_sales_per_post(ts, policies, title, out / "sales_per_post.png"))
    return written


def _save(fig: plt.Figure, path: Path) -> Path:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _sales(ts: dict, enabled: list[str], title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    for ch in enabled:
        ax.plot(
            ts["day"],
            rolling_mean(ts[f"units_{ch}"], 7),
            label=CHANNEL_LABELS[ch],
            color=CHANNEL_COLORS[ch],
        )
    ax.set_xlabel("day")
    ax.set_ylabel("units sold per day (7-day mean)")
    ax.set_title(f"Sales by channel: {title}")
    ax.legend()
    ax.set_ylim(bottom=0)
    _shade_closures(ax, ts)
    return _save(fig, path)


def _profit(ts: dict, title: str, path: Path) -> Path:
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    day = ts["day"]
    ax1.plot(day, ts["manufacturer_profit_cumulative"], color="black", label="profit (accrual)")
    ax1.plot(day, ts["manufacturer_cash"], color="grey", ls="--", label="cash (stock paid for)")
    ax1.axhline(0, color="grey", lw=0.8)
    ax1.set_title("Manufacturer cumulative profit and cash")
    ax1.set_xlabel("day")
    ax1.legend(fontsize=8)
    costs = {
        "distributor margins": ts["distributor_margin"],
        "rebates": ts["cost_rebates"],
        "advertising": ts["cost_advertising"],
        "logistics": ts["cost_logistics"],
    }
    ax2.stackplot(day, *[np.cumsum(v) for v in costs.values()], labels=list(costs))
    ax2.set_title("Cumulative cost of reaching consumers (goods at cost excluded)")
    ax2.set_xlabel("day")
    ax2.legend(loc="upper left", fontsize=8)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def _adoption(ts: dict, summary: dict, title: str, path: Path) -> Path:
    n = summary["consumers"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(ts["day"], ts["aware"] / n, label="aware")
    ax.plot(ts["day"], ts["adopters"] / n, label="adopters (bought at least once)")
    ax.plot(
        ts["day"], ts["identified_customers"] / n, label="identified customers (direct or store)"
    )
    ax.set_ylim(0, 1)
    ax.set_xlabel("day")
    ax.set_ylabel("share of consumers")
    ax.set_title(f"Awareness and adoption: {title}")
    ax.legend()
    return _save(fig, path)


def _stores(ts: dict, title: str, path: Path) -> Path:
    fig, ax = plt.subplots(figsize=(9, 4.5))
    ax.plot(ts["day"], ts["active_stores"], label="active", color=CHANNEL_COLORS["b2c2c"])
    ax.plot(ts["day"], np.cumsum(ts["stores_opened"]), label="opened (cumulative)", ls="--")
    ax.plot(ts["day"], np.cumsum(ts["stores_closed"]), label="closed (cumulative)", ls=":")
    ax.set_xlabel("day")
    ax.set_ylabel("micro-stores")
    ax.set_title(f"Micro-stores: {title}")
    ax.legend()
    return _save(fig, path)


def _lorenz(stores: dict, title: str, path: Path) -> Path:
    """Lorenz curves of store sales (sellers, and every store opened) and the sellers' CCDF
    on log-log axes with the fitted power law."""
    fig, (ax, ax2) = plt.subplots(1, 2, figsize=(11, 5))
    units = stores.get("units", np.zeros(0)).astype(float)
    sellers = units[units > 0]
    x, y = lorenz_curve(sellers)
    ax.plot(x, y, color=CHANNEL_COLORS["b2c2c"], label="stores that sold")
    xa, ya = lorenz_curve(units)
    ax.plot(xa, ya, color=CHANNEL_COLORS["b2c2c"], ls="--", lw=1, label="every store opened")
    ax.plot([0, 1], [0, 1], color="grey", lw=0.8, label="equality")
    ax.set_xlabel("share of stores (smallest first)")
    ax.set_ylabel("share of units sold")
    ax.set_title("Lorenz curve of store sales", fontsize=10)
    tail = long_tail(units)
    ax.text(
        0.03,
        0.97,
        f"{len(units):,} stores opened, {tail['stores_sold']:,} sold\n"
        f"among sellers: Gini {tail['gini_sellers']:.2f}, "
        f"top 20 % sell {tail['top20_share_sellers']:.0%}",
        transform=ax.transAxes,
        va="top",
        fontsize=8,
    )
    ax.legend(loc="center left", fontsize=8)
    if len(sellers):
        values, counts = np.unique(sellers, return_counts=True)
        ccdf = 1.0 - np.concatenate(([0], np.cumsum(counts)[:-1])) / len(sellers)
        ax2.loglog(values, ccdf, "o", ms=4, color=CHANNEL_COLORS["b2c2c"], label="stores that sold")
        fit = fit_power_law(sellers)
        if fit is not None:
            grid = np.unique(np.geomspace(fit.xmin, values.max(), 50).astype(int))
            share = fit.n_tail / len(values)
            law = share * zeta(fit.alpha, grid) / zeta(fit.alpha, fit.xmin)
            ax2.loglog(
                grid,
                law,
                color="black",
                lw=1,
                label=f"power law α = {fit.alpha:.2f} ± {fit.alpha_se:.2f} above {fit.xmin}",
            )
        ax2.legend(fontsize=8)
    ax2.set_xlabel("units sold by a store (units)")
    ax2.set_ylabel("share of sellers selling at least that")
    ax2.set_title("Distribution of sales among sellers (log-log)", fontsize=10)
    fig.suptitle(f"Long tail of micro-store sales — {title}", fontsize=10)
    return _save(fig, path)


def _trust(ts: dict, policies: list[str], summary: dict, title: str, path: Path) -> Path:
    """Friends' trust in store owners by posting policy; muting, blocking and detractors."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    day = ts["day"]
    for name in policies:
        ax1.plot(day, ts[f"mean_trust_in_{name}"], label=name)
    if "mean_trust_in_owners" in ts:
        ax1.plot(day, ts["mean_trust_in_owners"], color="black", lw=1.5, label="all owners")
    ax1.plot(day, ts["mean_trust"], color="grey", ls="--", label="all friendships (owners or not)")
    ax1.set_ylim(0, 1)
    ax1.set_title("Friends' mean trust in store owners, by posting policy")
    ax1.set_xlabel("day")
    ax1.legend(fontsize=8)
    ax2.plot(day, ts["muted_share"], label="muted (share of owners' friendships)")
    ax2.plot(day, ts["blocked_share"], label="blocked (share of owners' friendships)")
    n = summary["consumers"]
    ax2.plot(day, ts["detractors"] / n, label="detractors (share of consumers)", color="black")
    ax2.set_ylim(bottom=0)
    ax2.set_title("Muting, blocking and detractors")
    ax2.set_xlabel("day")
    ax2.legend(fontsize=8)
    _shade_crackdown(ax2, ts)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def _shade_crackdown(ax: plt.Axes, ts: dict) -> None:
    banned = ts.get("stores_banned")
    if banned is not None and banned.sum() > 0:
        first = ts["day"][np.argmax(banned > 0)]
        ax.axvline(first, color="red", lw=0.8, ls=":")
        ax.text(first, ax.get_ylim()[1] * 0.95, " first ban", fontsize=8, color="red", va="top")


def _sales_per_post(ts: dict, policies: list[str], title: str, path: Path) -> Path:
    """Units sold per post delivered, by posting policy (14-day sums)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    day = ts["day"]
    for name in policies:
        units = rolling_mean(ts[f"units_{name}"], 14)
        posts = rolling_mean(ts[f"posts_{name}"], 14)
        ratio = np.divide(units, posts, out=np.full(len(units), np.nan), where=posts > 0)
        ax1.plot(day, ratio, label=name)
        ax2.plot(day, np.cumsum(ts[f"units_{name}"]), label=name)
    ax1.set_title("Sales per post, by posting policy (14-day window)")
    ax1.set_xlabel("day")
    ax1.set_ylim(bottom=0)
    ax1.legend(fontsize=8)
    ax2.set_title("Cumulative units sold through stores, by posting policy")
    ax2.set_xlabel("day")
    ax2.legend(fontsize=8)
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)


def _pyramid(ts: dict, levels: list[str], summary: dict, title: str, path: Path) -> Path:
    """Agents and stock by level over time, the collapse day marked (M8)."""
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    day = ts["day"]
    ax1.stackplot(day, *[ts[f"participants_{lv}"] for lv in levels], labels=levels)
    ax1.set_title("Active agents by level")
    ax2.stackplot(day, *[ts[f"stock_{lv}"] for lv in levels], labels=levels)
    ax2.set_title("Stock held by agents, by level (units)")
    info = summary.get("pyramid", {})
    collapse = info.get("collapse_day")
    for ax in (ax1, ax2):
        ax.set_xlabel("day")
        if collapse is not None:
            ax.axvline(collapse, color="red", ls="--", lw=1)
            ax.text(
                collapse,
                ax.get_ylim()[1] * 0.95,
                f" collapse (day {collapse})",
                color="red",
                fontsize=8,
                va="top",
            )
    ax1.legend(loc="upper right", fontsize=8)
    fig.suptitle(
        f"{title}\nstranded stock {info.get('stranded_stock', 0):,} units "
        f"(dumped {info.get('units_dumped', 0):,}); {info.get('share_at_loss', 0):.0%} of "
        f"{info.get('participants_ever', 0):,} agents lost money",
        fontsize=10,
    )
    return _save(fig, path)


def _profit_loss(stores: dict, summary: dict, title: str, path: Path) -> Path:
    """Distribution of agents' profit and loss (as in `share_at_loss`)."""
    fig, ax = plt.subplots(figsize=(9, 4.5))
    profit = stores.get("profit", np.zeros(0)).astype(float)
    if len(profit):
        lo, hi = np.percentile(profit, [1, 99])
        bins = np.linspace(min(lo, 0), max(hi, 1), 50)
        ax.hist(np.clip(profit, bins[0], bins[-1]), bins=bins, color="#8c564b")
        ax.axvline(0, color="black", lw=0.8)
    share = summary.get("pyramid", {}).get("share_at_loss", 0.0)
    ax.set_title(f"Agents' profit and loss: {share:.0%} lost money\n{title}", fontsize=10)
    ax.set_xlabel(
        "profit: cash at the end + stock at the dumping price − money put in (1st–99th percentile)"
    )
    ax.set_ylabel("agents")
    return _save(fig, path)


def _inventory(ts: dict, summary: dict, title: str, path: Path) -> Path:
    tiers = [
        k.removeprefix("inventory_")
        for k in ts
        if k.startswith("inventory_") and k != "inventory_maker"
    ]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.5))
    ax1.plot(ts["day"], ts["inventory_maker"], label="maker (finished goods)", color="black")
    for t in tiers:
        ax1.plot(ts["day"], ts[f"inventory_{t}"], label=t)
    ax1.set_title("Inventory on hand by tier")
    ax1.set_xlabel("day")
    ax1.legend(fontsize=8)
    if tiers:
        ratios = summary.get("bullwhip_variance_ratio", {})
        meaningful = summary.get("bullwhip_meaningful", {})
        ax2.plot(ts["day"], ts["demand_retail"], label="consumer demand at retailers", color="grey")
        for t in reversed(tiers):
            ratio = ratios.get(t)
            note = f" (variance ×{ratio:.2f})" if ratio is not None and np.isfinite(ratio) else ""
            if note and meaningful.get(t) == 0:
                note = f" (variance ×{ratio:.2f}; < 5 units a node a day: not meaningful)"
            ax2.plot(ts["day"], ts[f"orders_{t}"], label=f"orders placed by {t}{note}", lw=0.8)
        ax2.set_title("Daily orders by tier (bullwhip: variance relative to demand)")
        ax2.legend(fontsize=8)
    else:
        ax2.text(0.5, 0.5, "no B2B2C channel", ha="center", va="center", transform=ax2.transAxes)
    ax2.set_xlabel("day")
    fig.suptitle(title, fontsize=10)
    return _save(fig, path)
