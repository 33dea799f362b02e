"""The parts of a report a client reads first, computed from the results folder: a title, the
headline, what was simulated in plain words, how the scenarios differ, KPIs per 1,000
consumers, differences against the first scenario, where the maker's profit comes from, and
the caveats.

Everything here reads plain data: the resolved scenarios the sweep wrote
(``base_scenarios/p0000.yaml``…, or ``base_scenario.yaml``) and the tables of
:class:`~sim.experiments.sweep_data.SweepData`.

Differences against the first scenario are paired when the points share replication seeds
(common random numbers, :func:`sim.experiments.statistics.paired_difference_ci`): replication r
of every scenario ran with the same seed, so the interval is the t interval of the mean of the
per-replication differences. Otherwise they are Welch's interval on independent runs
(:func:`sim.experiments.statistics.difference_ci`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sim.experiments.statistics import Stats, difference_ci, mean_ci, paired_difference_ci
from sim.experiments.sweep_data import (
    SweepData,
    currency,
    kpi_bounds,
    kpi_name,
    scenarios,
    switched_off,
)
from sim.experiments.tables import cell, fmt, md_table
from sim.outputs import CHANNEL_LABELS, find
from sim.scenario import CHANNELS

MIN_REPLICATIONS = 3
"""Below this many replications per point the report warns that its intervals are weak."""
PER_THOUSAND_KPIS = (
    "manufacturer.profit",
    "channels.b2b2c.units",
    "channels.b2c.units",
    "channels.b2c2c.units",
    "micro_stores.active_end",
    "manufacturer.identified_customers",
)
PROFIT_ROWS = (
    ("channels.b2b2c.maker_revenue", "revenue from distributors (B2B2C wholesale)", 1),
    ("channels.b2c.maker_revenue", "revenue from direct sales (B2C)", 1),
    ("channels.b2c2c.maker_revenue", "revenue from micro-store sales (B2C2C)", 1),
    ("manufacturer.costs.goods_sold_at_cost", "goods sold, at unit cost", -1),
    ("manufacturer.costs.rebates", "rebates paid to store owners", -1),
    ("manufacturer.costs.distributor_rebates", "rebates paid to distributor tiers (FD)", -1),
    ("manufacturer.costs.advertising", "advertising", -1),
    ("manufacturer.costs.logistics", "logistics (parcels)", -1),
    ("channels.b2c2c.buyback_cost", "buy-backs of pyramid stock", -1),
)
"""The maker's profit, built up: revenue by channel, then each cost (sign −1)."""
SHORT_ITEMS = {
    "revenue from distributors (B2B2C wholesale)": "B2B2C revenue",
    "revenue from direct sales (B2C)": "B2C revenue",
    "revenue from micro-store sales (B2C2C)": "B2C2C revenue",
    "goods sold, at unit cost": "goods at cost",
    "rebates paid to store owners": "rebates",
    "rebates paid to distributor tiers (FD)": "FD rebates",
    "logistics (parcels)": "logistics",
    "buy-backs of pyramid stock": "buy-backs",
    "other (unexplained)": "other",
    "maker's profit": "profit",
}


# --------------------------------------------------------------------------- scenarios


def title(data: SweepData) -> str:
    """The report's title: what was compared or swept, in words."""
    exp = data.experiment
    labels = list(data.labels().values())
    if data.design == "scenarios":
        if len(labels) <= 4:
            return "Scenarios compared: " + ", ".join(labels)
        return f"{len(labels)} scenarios compared, from {labels[0]} to {labels[-1]}"
    name = str(exp.get("name", data.folder.name)).replace("_", " ")
    if data.parameters:
        from sim.experiments.charts import parameter_label

        varied = ", ".join(parameter_label(p) for p in data.parameters[:3])
        more = " and more" if len(data.parameters) > 3 else ""
        return f"{name[0].upper() + name[1:]}: the effect of {varied}{more}"
    return name[0].upper() + name[1:]


# --------------------------------------------------------------------------- differences


def difference(data: SweepData, key: str, point: int, reference: int) -> tuple[Stats, str]:
    """``point − reference`` on a KPI with its 95 % interval, and how it was computed
    (``paired`` or ``Welch``)."""
    if data.paired:
        by_rep = data.replication_values(key)
        a, b = by_rep[point], by_rep[reference]
        common = a.index.intersection(b.index)
        if len(common):
            return paired_difference_ci(a[common].to_numpy(), b[common].to_numpy()), "paired"
    values = data.point_values(key)
    return difference_ci(values[point], values[reference]), "Welch"


def _verdict(d: Stats) -> str:
    if d.n < 2 or not np.isfinite(d.ci_low):
        return "no interval (fewer than two runs)"
    if d.ci_low > 0 or d.ci_high < 0:
        return "beyond run-to-run noise"
    return "within run-to-run noise"


def _diff_cell(d: Stats) -> str:
    if d.n == 0:
        return "–"
    sign = "+" if d.mean > 0 else ""
    if d.n < 2 or not np.isfinite(d.ci_low):
        return f"{sign}{fmt(d.mean)}"
    star = " *" if (d.ci_low > 0 or d.ci_high < 0) else ""
    return f"{sign}{fmt(d.mean)} ({fmt(d.ci_low)} – {fmt(d.ci_high)}){star}"


def _money(x: float, unit: str) -> str:
    """A money amount in words: ``2.76 million CNY``, ``640 thousand CNY``."""
    if not np.isfinite(x):
        return "–"
    a = abs(x)
    if a >= 1e6:
        return f"{x / 1e6:,.2f} million {unit}"
    if a >= 1e4:
        return f"{x / 1e3:,.0f} thousand {unit}"
    return f"{x:,.0f} {unit}"


def _amount(key: str, x: float, unit: str) -> str:
    output = find(key)
    if output is not None and output.unit == "money":
        return _money(x, unit)
    if output is not None and output.unit == "share":
        return f"{100 * x:.1f} %"
    return fmt(x)


def _amounts(key: str, values: list[float], unit: str) -> list[str]:
    """Several amounts of one KPI in words on one scale (money: the scale of the largest)."""
    output = find(key)
    if output is not None and output.unit == "money":
        top = max((abs(v) for v in values if np.isfinite(v)), default=0.0)
        factor, word = (
            (1e6, " million") if top >= 1e6 else ((1e3, " thousand") if top >= 1e4 else (1.0, ""))
        )
        digits = 2 if factor == 1e6 else (1 if factor == 1e3 and top < 1e5 else 0)
        return [f"{v / factor:,.{digits}f}{word} {unit}" if np.isfinite(v) else "–" for v in values]
    return [_amount(key, v, unit) for v in values]


def _with_interval(key: str, s: Stats, unit: str) -> str:
    if s.n < 2 or not np.isfinite(s.ci_low):
        return _amounts(key, [s.mean], unit)[0]
    mean, low, high = _amounts(key, [s.mean, s.ci_low, s.ci_high], unit)
    return f"{mean} (95 % interval {low} – {high})"


def _difference_words(key: str, d: Stats, unit: str, other: str, how: str) -> str:
    more = "more" if d.mean >= 0 else "less"
    if d.n < 2 or not np.isfinite(d.ci_low):
        return f"{_amounts(key, [abs(d.mean)], unit)[0]} {more} than {other} ({_verdict(d)})"
    size, low, high = _amounts(key, [abs(d.mean), d.ci_low, d.ci_high], unit)
    return (
        f"{size} {more} than {other} (95 % interval of the difference {low} – {high}, "
        f"{how} runs): {_verdict(d)}"
    )


def headline(data: SweepData) -> list[str]:
    """The headline of a comparison of separate points: which leads on the main KPI, by how
    much against the first point (or, when the first leads, the runner-up against it), and
    whether the difference is beyond the noise; the same per 1,000 consumers."""
    key = data.main
    if key is None or not len(data.done) or len(data.points) < 2:
        return []
    stats = data.point_stats(key)
    ids = [p for p in stats if np.isfinite(stats[p].mean)]
    if len(ids) < 2:
        return []
    labels = data.labels()
    unit = currency(data)
    first = ids[0]
    ranked = sorted(ids, key=lambda p: -stats[p].mean)
    leader = ranked[0]
    other = first if leader != first else ranked[1]
    main = kpi_name(key)
    d, how = difference(data, key, leader, other)
    text = f"**{labels[leader]} leads on {main}** with {_with_interval(key, stats[leader], unit)}"
    if leader != first:
        text += f": {_difference_words(key, d, unit, labels[first] + ', the first scenario', how)}."
    else:
        text += (
            f", the first scenario. The runner-up is {labels[other]}: the leader makes "
            f"{_difference_words(key, d, unit, labels[other], how)}."
        )
    lines = ["## Headline", "", text, ""]
    sizes = _consumers(data)
    if sizes and len(set(sizes.values())) == 1:
        n = next(iter(sizes.values()))
        per = 1000 / n
        a, b = _amounts(key, [stats[leader].mean * per, stats[other].mean * per], unit)
        lines += [
            f"Per 1,000 consumers over {_days_text(data)}: {labels[leader]} {a}, "
            f"{labels[other]} {b} (markets of {n:,} consumers).",
            "",
        ]
    worst = ranked[-1]
    if worst not in (leader, other):
        d, how = difference(data, key, worst, first)
        lines += [
            f"Last on {main}: {labels[worst]}, "
            f"{_difference_words(key, d, unit, labels[first], how)}.",
            "",
        ]
    return lines


def _consumers(data: SweepData) -> dict[int, int]:
    done = data.done
    if "consumers" not in done.columns or not len(done):
        return {}
    return {int(p): int(g["consumers"].iloc[0]) for p, g in done.groupby("point_id")}


def differences_table(data: SweepData) -> list[str]:
    """Each KPI of each scenario against the first one, with 95 % intervals."""
    if len(data.points) < 2 or not len(data.done) or not data.outputs:
        return []
    labels = data.labels()
    ids = list(labels)
    first = ids[0]
    others = ids[1:]
    if len(others) > 8:
        return []
    how = set()
    rows = []
    for key in data.outputs:
        row = [kpi_name(key)]
        for p in others:
            if switched_off(data, key, p) or switched_off(data, key, first):
                row.append("off")
                continue
            d, method = difference(data, key, p, first)
            how.add(method)
            row.append(_diff_cell(d))
        if any(c != "off" for c in row[1:]):
            rows.append(row)
    if "paired" in how:
        method = (
            "Scenarios share replication seeds (common random numbers): replication r of every "
            "scenario ran with the same seed, on the same social network and the same "
            "consumers. Each cell is the mean over replications of the difference (scenario − "
            f"{labels[first]}) and the 95 % t interval of that mean, from paired runs."
        )
    else:
        method = (
            "Each cell is the difference of the means (scenario − "
            f"{labels[first]}) with Welch's 95 % interval; the runs of different points are "
            "independent."
        )
    return [
        f"## Differences from {labels[first]}",
        "",
        method + ' `*`: the interval excludes zero (beyond run-to-run noise). "off": one of '
        "the two scenarios does not have that channel or mechanism.",
        "",
        md_table(["KPI", *(labels[p] for p in others)], rows),
        "",
    ]


def per_thousand(data: SweepData) -> list[str]:
    """Key KPIs per 1,000 consumers, so markets of different sizes compare."""
    sizes = _consumers(data)
    keys = [k for k in PER_THOUSAND_KPIS if k in data.done.columns]
    if not sizes or not keys or len(data.points) > 12:
        return []
    labels = data.labels()
    ids = [p for p in labels if p in sizes]
    rows = []
    for key in keys:
        values = data.point_values(key)
        row = [kpi_name(key)]
        for p in ids:
            row.append(cell(mean_ci(values[p] * 1000 / sizes[p], bounds=kpi_bounds(key))))
        rows.append(row)
    header = ["per 1,000 consumers", *(labels[p] for p in ids)]
    unit = currency(data)
    return [
        "## Per 1,000 consumers",
        "",
        f"The same KPIs divided by the market's size and multiplied by 1,000 (money in {unit}), "
        "over the run's " + _days_text(data) + ". Mean and 95 % interval over replications.",
        "",
        md_table(header, rows),
        "",
    ]


def _days_text(data: SweepData) -> str:
    days = data.experiment.get("days")
    if days is None and "days" in data.done.columns and len(data.done):
        days = int(data.done["days"].max())
    return f"{days} days" if days else "days simulated"


# --------------------------------------------------------------------------- profit


def profit_table(data: SweepData) -> pd.DataFrame:
    """Per scenario and row of :data:`PROFIT_ROWS` (and the profit): the mean over runs, with
    the sign it enters the profit with. Rows every scenario lacks are left out; a residual row
    appears only if the rows do not add up to the profit."""
    done = data.done
    labels = data.labels()
    rows = []
    for key, name, sign in PROFIT_ROWS:
        if key not in done.columns or not (done[key].fillna(0) != 0).any():
            continue
        for p, label in labels.items():
            v = done.loc[done["point_id"] == p, key].astype(float)
            rows.append([label, key, name, sign, float(v.mean()) if len(v) else np.nan])
    if "manufacturer.profit" in done.columns:
        for p, label in labels.items():
            v = done.loc[done["point_id"] == p, "manufacturer.profit"].astype(float)
            profit = float(v.mean()) if len(v) else np.nan
            parts = sum(r[3] * r[4] for r in rows if r[0] == label and np.isfinite(r[4]))
            residual = profit - parts
            if np.isfinite(residual) and abs(residual) > 1e-6 * max(1.0, abs(profit)):
                rows.append([label, "other", "other (unexplained)", 1, residual])
            rows.append([label, "manufacturer.profit", "maker's profit", 0, profit])
    return pd.DataFrame(rows, columns=["scenario", "key", "item", "sign", "mean"])


def profit_markdown(data: SweepData, table: pd.DataFrame) -> list[str]:
    if not len(table):
        return []
    unit = currency(data)
    labels = list(data.labels().values())
    rows = []
    for item, group in table.groupby("item", sort=False):
        sign = int(group["sign"].iloc[0])
        prefix = "+ " if sign > 0 else ("− " if sign < 0 else "= ")
        values = {r["scenario"]: r["mean"] for _, r in group.iterrows()}
        rows.append([prefix + str(item), *(fmt(values.get(label, np.nan)) for label in labels)])
    margins = "channels.b2b2c.distributor_margin"
    note = ""
    if margins in data.done.columns and (data.done[margins].fillna(0) != 0).any():
        kept = data.done.groupby("point_id")[margins].mean()
        note = (
            " Distributors' margins are what the B2B2C tiers kept: the markups consumers paid "
            "above the maker's wholesale price, which are not in the sum, plus any rebates the "
            "maker paid tiers paid by rebate, which are (as a cost): "
            + ", ".join(
                f"{label} {fmt(float(kept.get(p, np.nan)))}" for p, label in data.labels().items()
            )
            + f" {unit}."
        )
    return [
        "## Where the maker's profit comes from",
        "",
        f"Mean over replications, in {unit}: the maker's revenue by channel, less goods at "
        "unit cost and the costs of reaching consumers, adds up to its profit." + note,
        "",
        md_table([f"item ({unit})", *labels], rows),
        "",
    ]


# --------------------------------------------------------------------------- in words


def _events_text(events: list[dict[str, Any]]) -> list[str]:
    out = []
    closed: dict[str, int] = {}
    for e in sorted(events, key=lambda e: e.get("day", 0)):
        action, day = e.get("action"), e.get("day")
        if action == "close_channel":
            closed[e["channel"]] = day
            continue
        if action == "reopen_channel" and e.get("channel") in closed:
            ch = e["channel"]
            out.append(f"{CHANNEL_LABELS[ch]} closed from day {closed.pop(ch)} to day {day}")
            continue
        if action == "reopen_channel":
            out.append(f"{CHANNEL_LABELS[e['channel']]} reopens on day {day}")
        elif action == "open_to_public":
            out.append(f"micro-stores open to the public on day {day}")
        elif action == "competitor_enters":
            out.append(
                f"a competitor enters on day {day} (the utility of not buying rises by "
                f"{fmt(e.get('outside_utility_increase', 0.5))})"
            )
        elif action == "platform_crackdown":
            how = []
            if e.get("throttle_above") is not None:
                how.append(f"posts beyond {fmt(e['throttle_above'])} a day not delivered")
            if e.get("ban_above") is not None:
                how.append(f"stores posting more than {fmt(e['ban_above'])} a day risk a ban")
            length = e.get("duration_days")
            span = f" for {length} days" if length else ""
            out.append(
                f"platform crackdown from day {day}{span}" + (f" ({'; '.join(how)})" if how else "")
            )
        elif action == "set":
            values = ", ".join(f"{k} = {_value(v)}" for k, v in (e.get("values") or {}).items())
            out.append(f"on day {day}: {values}")
        elif action == "owners_switch":
            target = e.get("to_brand")
            move = f"move to {target}" if target else "stop selling"
            out.append(
                f"on day {day} the {e.get('top_stores', 20)} best-selling store owners {move}"
            )
    out += [f"{CHANNEL_LABELS[ch]} closed from day {d} to the end" for ch, d in closed.items()]
    return out


def _num(x: Any) -> str:
    """A scenario's number as written: ``650``, ``0.05``, ``1,000``."""
    x = float(x)
    if x.is_integer():
        return f"{x:,.0f}"
    return f"{x:,.6g}" if abs(x) < 1000 else f"{x:,.2f}"


def _value(v: Any) -> str:
    if isinstance(v, bool) or v is None:
        return json.dumps(v)
    if isinstance(v, int | float):
        return _num(v)
    return json.dumps(v) if not isinstance(v, str) else v


def scenario_in_words(s: dict[str, Any]) -> list[str]:
    """Bullet points describing one resolved scenario (market, product, channels, events)."""
    if not s:
        return []
    unit = s.get("currency", "CNY")
    market, product, ch = s.get("market", {}), s.get("product", {}), s.get("channels", {})
    graph = s.get("graph", {})
    lines = []
    net = {
        "powerlaw_cluster": "a clustered scale-free friendship network (Holme–Kim, "
        f"{graph.get('m')} new friendships per consumer)",
        "watts_strogatz": "a small-world friendship network (Watts–Strogatz)",
        "erdos_renyi": "a random friendship network (Erdős–Rényi)",
        "edgelist": f"the friendship network read from {Path(str(graph.get('path', ''))).name}",
    }.get(str(graph.get("type")), f"a {graph.get('type')} network")
    lines.append(
        f"- **Market:** {int(market.get('consumers', 0)):,} consumers on {net}, over "
        f"{s.get('days')} days; {100 * float(market.get('employee_share', 0)):.1f} % are the "
        f"maker's employees and {100 * float(market.get('fan_share', 0)):.0f} % brand fans."
    )
    kind = product.get("kind")
    every = (
        f"replaced after about {product.get('lifetime_days')} days"
        if kind == "durable"
        else f"bought again about every {product.get('repeat_interval_days')} days"
    )
    lines.append(
        f"- **Product:** {product.get('name')} ({kind}, {every}), list price "
        f"{_num(product.get('list_price', 0))} {unit}, unit cost "
        f"{_num(product.get('unit_cost', 0))} {unit}."
    )
    b2b2c, b2c, b2c2c = ch.get("b2b2c", {}), ch.get("b2c", {}), ch.get("b2c2c", {})
    if b2b2c.get("enabled"):
        tiers = b2b2c.get("tiers") or []
        chain = " → ".join(f"{t['name']} (+{100 * float(t['markup']):.0f} %)" for t in tiers)
        lines.append(
            f"- **{CHANNEL_LABELS['b2b2c']}:** wholesale price "
            f"{_num(b2b2c.get('wholesale_price', 0))} {unit} through "
            f"{chain or 'no tiers'}; one retailer per "
            f"{int(b2b2c.get('consumers_per_retailer', 0)):,} consumers."
        )
    if b2c.get("enabled"):
        ads = b2c.get("advertising") or {}
        lines.append(
            f"- **{CHANNEL_LABELS['b2c']}:** price {_num(b2c.get('price', 0))} {unit}, "
            f"parcels {_num(b2c.get('logistics_cost_per_unit', 0))} {unit} a unit, "
            f"advertising {_num(ads.get('grps_per_day', 0))} GRPs a day at "
            f"{_num(ads.get('cpm', 0))} {unit} per thousand impressions."
        )
    if b2c2c.get("enabled"):
        rollout = b2c2c.get("rollout") or {}
        public = rollout.get("public_from_day")
        emp = rollout.get("employees_from_day")
        who = (
            "open to everyone from day 0"
            if public == 0
            else (
                f"open to employees from day {emp}"
                + (f" and to the public from day {public}" if public is not None else " only")
            )
        )
        pressure = (b2c2c.get("stock_pressure") or {}).get("enabled")
        lines.append(
            f"- **{CHANNEL_LABELS['b2c2c']}:** store price "
            f"{_num(b2c2c.get('price', 0))} {unit}, rebate "
            f"{100 * float(b2c2c.get('rebate_rate', 0)):g} % of the store's sales to its owner, "
            f"{who}"
            + ("; run as a stock-holding pyramid (entry packages and quotas)" if pressure else "")
            + "."
        )
    off = [CHANNEL_LABELS[c] for c in CHANNELS if not ch.get(c, {}).get("enabled")]
    if off:
        lines.append(f"- **Not in this market:** {', '.join(off)}.")
    events = _events_text(s.get("events") or [])
    if events:
        lines.append("- **Events:** " + "; ".join(events) + ".")
    brands = _brands_text(s)
    if brands:
        lines.append(brands)
    return lines


def _brands_text(s: dict[str, Any]) -> str:
    """The rival brands of a scenario in words (empty with one brand)."""
    rivals = s.get("brands") or []
    if not rivals:
        return ""
    focal = (s.get("manufacturer") or {}).get("brand", "brand")
    parts = []
    for b in rivals:
        changes = ", ".join(f"{k} = {_value(v)}" for k, v in (b.get("changes") or {}).items())
        text = f"{b['name']} ({changes or 'as ' + focal}"
        rule = b.get("follow")
        if rule:
            text += (
                f"; follows {rule['leader']} {rule.get('delay_days', 30)} days after its "
                f"micro-stores first pass {100 * float(rule.get('micro_store_share_above', 0)):g} "
                "% of the market's units"
            )
        if b.get("events") is not None:
            own = _events_text(b["events"])
            text += "; its own events: " + "; ".join(own) if own else "; no events"
        parts.append(text + ")")
    return (
        f"- **Brands:** {focal} (this scenario's own: the tables and figures without a brand "
        "name are its) and " + "; ".join(parts) + "."
    )


def _flat(data: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(data, dict):
        out: dict[str, Any] = {}
        for k, v in data.items():
            out.update(_flat(v, f"{prefix}{k}."))
        return out
    return {prefix[:-1]: data}


def scenario_differences(data: SweepData) -> list[list[str]]:
    """Rows ``[parameter, first scenario's value, each other scenario's value]`` of every
    resolved parameter in which a scenario differs from the first (events summarised)."""
    resolved = scenarios(data)
    ids = list(data.labels())
    if len(ids) < 2 or not resolved.get(ids[0]):
        return []
    skip = {"name", "description", "seed"}
    flats = {}
    for p in ids:
        s = dict(resolved.get(p) or {})
        events = s.pop("events", [])
        rivals = s.pop("brands", [])
        flat = _flat(s)
        flat["events"] = "; ".join(_events_text(events)) or "none"
        for b in rivals:
            pre = f"brands.{b['name']}."
            flat.update({f"{pre}changes.{k}": v for k, v in (b.get("changes") or {}).items()})
            flat.update(
                _flat(
                    b.get("follow") or {"follow": None},
                    pre + ("follow." if b.get("follow") else ""),
                )
            )
            if b.get("events") is not None:
                flat[pre + "events"] = "; ".join(_events_text(b["events"])) or "none"
        flats[p] = flat
    keys = list(dict.fromkeys(k for p in ids for k in flats[p]))
    rows = []
    for key in keys:
        if key in skip:
            continue
        values = [flats[p].get(key, "–") for p in ids]
        if all(json.dumps(v, default=str) == json.dumps(values[0], default=str) for v in values):
            continue
        rows.append([f"`{key}`" if key != "events" else "events", *(_value(v) for v in values)])
    return rows


def simulated(data: SweepData) -> list[str]:
    """ "What was simulated": the first scenario in words, and how the others differ."""
    resolved = scenarios(data)
    labels = data.labels()
    ids = list(labels)
    if not ids or not resolved.get(ids[0]):
        return []
    reps = int(data.experiment.get("replications", 1))
    first = resolved[ids[0]]
    lines = ["## What was simulated", ""]
    if data.design == "scenarios":
        lines += [
            f"{len(ids)} scenarios, each run {reps} time{'s' if reps != 1 else ''} "
            f"({len(data.done):,} runs finished). The first, **{labels[ids[0]]}**"
            + (f" ({first.get('description')})" if first.get("description") else "")
            + ":",
            "",
        ]
    else:
        lines += [
            f"The base scenario **{first.get('name')}**"
            + (f" ({first.get('description')})" if first.get("description") else "")
            + f", at {len(ids):,} points of the design, each run {reps} "
            f"time{'s' if reps != 1 else ''}:",
            "",
        ]
    lines += [*scenario_in_words(first), ""]
    overrides = data.experiment.get("overrides") or {}
    if overrides:
        lines += [
            "Changed for every run: "
            + ", ".join(f"`{k}` = {_value(v)}" for k, v in overrides.items())
            + ".",
            "",
        ]
    if data.design == "scenarios":
        rows = scenario_differences(data)
        if rows:
            lines += [
                f"How the other scenarios differ from {labels[ids[0]]} (every parameter in "
                "which they differ; all others are the same):",
                "",
                md_table(["parameter", *(labels[p] for p in ids)], rows[:40]),
                "",
            ]
            if len(rows) > 40:
                lines += [f"… and {len(rows) - 40} more parameters.", ""]
        for p in ids[1:]:
            desc = (resolved.get(p) or {}).get("description")
            if desc:
                lines.append(f"- **{labels[p]}:** {desc}")
        lines.append("")
    return lines


# --------------------------------------------------------------------------- caveats


def caveats(data: SweepData) -> list[str]:
    """What the reader must keep in mind: the runs' own limits, then the model's."""
    reps = int(data.experiment.get("replications", 1))
    lines = ["## Caveats", ""]
    if reps < MIN_REPLICATIONS:
        lines.append(
            f"- **Only {reps} replication{'s' if reps != 1 else ''} per point.** With fewer "
            f"than {MIN_REPLICATIONS} an interval rests on one or two differences and is "
            "unreliable (or absent); rerun with `--replications 5` or more before drawing "
            "conclusions."
        )
    failed = len(data.summary) - len(data.done)
    if failed:
        lines.append(f"- {failed} runs did not finish and are left out of every number.")
    sizes = set(_consumers(data).values())
    if sizes and max(sizes) < 100_000:
        lines.append(
            f"- Markets of {', '.join(f'{n:,}' for n in sorted(sizes))} consumers: smaller than "
            "the 100,000 of the shipped scenarios. Word of mouth and store audiences depend on "
            "the network, so per-1,000 figures do not scale exactly to a larger market."
        )
    lines += [
        "- **Calibration.** The micro-store market reproduces seven documented patterns "
        "(about 2 % of consumers running a store, more than half of employees opening one in "
        "an employee beta, heavy-tailed store sales, most members of an unregulated pyramid "
        "at a loss and its collapse, shallow multi-level trees, rebates opening stores, sales "
        "rising then falling with the posting rate). It does not reproduce Zipf's law across "
        "sellers (its sellers are less concentrated) nor the losses of regulated schemes "
        "without buy-back, and it has no per-exposure conversion rate to compare with "
        "social-commerce data. Sources and measured values: `docs/CALIBRATION.md`.",
        "- **Assumed parameters.** The consumers' utilities and the store owners' "
        "participation values have no published source. The number of stores rests mostly "
        "on three of them (identity value, time cost, social cost): halving or doubling one "
        "moves the number of active stores by a factor of 2 to 20. The lift that store posts "
        "give the other channels rests on `channels.b2c2c.posting.awareness_per_view` "
        "(assumed): at a quarter of its default, a rebate adds about 5 % to the maker's "
        "profit instead of about a third.",
        "- **Not in the model:** competing brands (a competitor only raises the appeal of not "
        "buying), taxes, the maker's fixed costs (staff, platform, set-up), returns and "
        "after-sales service, holding costs of stock and the time value of money. Profits "
        "are contribution margins over the run, in one currency unit.",
        "- **Randomness.** Every number is a mean over replications with a 95 % interval; "
        "intervals of shares and counts are cut to the range they can take. Two scenarios "
        "whose intervals overlap may still differ; the differences table tests that directly.",
        "",
    ]
    return lines


def profit_figure(data: SweepData, table: pd.DataFrame, out: Path) -> list[Any]:
    """The profit built up per scenario: a waterfall of revenue by channel, costs and profit,
    one panel per scenario (at most 6), sharing the money axis."""
    import matplotlib.pyplot as plt

    from sim.experiments.charts import Figure, format_axis, human, save_figure, short

    if not len(table):
        return []
    labels = list(data.labels().values())[:6]
    unit = currency(data)
    items = list(dict.fromkeys(table["item"]))
    fig, axes = plt.subplots(
        1, len(labels), figsize=(2.2 + 2.6 * len(labels), 4.8), sharey=True, squeeze=False
    )
    colors = {1: "#2ca02c", -1: "#d62728", 0: "#1f77b4"}
    low, high = 0.0, 0.0
    for ax, label in zip(axes[0], labels, strict=True):
        rows = table[table["scenario"] == label].set_index("item")
        level = 0.0
        for k, item in enumerate(items):
            if item not in rows.index:
                continue
            sign, value = int(rows.loc[item, "sign"]), float(rows.loc[item, "mean"])
            if not np.isfinite(value):
                continue
            if sign == 0:
                ax.bar(k, value, color=colors[0], width=0.7)
                low, high = min(low, value), max(high, value)
                continue
            step = sign * value
            ax.bar(k, step, bottom=level, color=colors[1 if step >= 0 else -1], width=0.7)
            level += step
            low, high = min(low, level, value), max(high, level, value)
        ax.axhline(0, color="grey", lw=0.8, gid="reference")
        ax.set_xticks(
            range(len(items)),
            [SHORT_ITEMS.get(i, short(i, 16)) for i in items],
            rotation=90,
            fontsize=7,
        )
        ax.set_title(short(human(label), 30), fontsize=9)
        ax.grid(axis="y", alpha=0.3)
    pad = 0.06 * (high - low or 1.0)
    axes[0, 0].set_ylim(low - pad if low < 0 else 0.0, high + pad)
    for k, ax in enumerate(axes[0]):
        format_axis(ax, "y", "manufacturer.profit", unit, label="amount", labelled=k == 0)
    fig.suptitle("Where the maker's profit comes from (mean over replications)", fontsize=10)
    path = save_figure(fig, out / "profit_decomposition.png")
    return [
        Figure(
            path,
            "Where the maker's profit comes from",
            "One panel per scenario, read from left to right: green bars add revenue by "
            "channel, red bars take away goods at unit cost and the costs of reaching "
            "consumers, and the blue bar is what is left, the maker's profit."
            + (" Only the first 6 scenarios." if len(data.points) > 6 else ""),
        )
    ]
