"""Running a scenario and writing its results folder (plain files, read by figures and reports).

A results folder holds:

* ``timeseries.csv``: one row per day, first column ``day`` (see :mod:`sim.measures`);
* ``stores.csv``: one row per micro-store ever opened;
* ``summary.json``: end-of-run KPIs by channel, seed, scenario hash, versions;
* ``scenario.yaml``: the resolved scenario (running it again reproduces ``timeseries.csv``);
* ``events.csv``: the events applied, by day;
* ``figures/*.png``;
* ``timeseries.parquet``, ``stores.parquet``: copies of the tables, only if asked
  (``chansim run --parquet``, which needs pyarrow).

The folder is written under a temporary name and renamed when complete, so an interrupted
run never leaves a half-written folder behind.
"""

from __future__ import annotations

import csv
import json
import math
import os
import platform
import shutil
import time
from collections.abc import Callable, Iterable, Sequence
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sim.accounting import DISTRIBUTOR_REBATES, MAKER
from sim.loading import scenario_sha256, scenario_yaml
from sim.longtail import gini, long_tail, top_share
from sim.outputs import has_mentors, has_owner_moves, has_rebate_tiers, has_teams
from sim.owner_moves import moves_summary
from sim.scenario import CHANNELS, Scenario
from sim.stores import STORE_KINDS
from sim.supply_chain import tier_prices

if TYPE_CHECKING:  # the model (and Mesa) load when a run starts, after its progress shows
    from sim.model import ChannelModel

BULLWHIP_MIN_UNITS_PER_NODE = 5.0
"""Below this many units a day asked of one node, whole-unit orders dominate a tier's order
variance and its bullwhip ratio says little (assumed; at 0.3 units a day retailers' ratio falls
below 1 although the policy amplifies)."""


def strict_json(value: Any) -> Any:
    """``value`` with every NaN or infinite number replaced by None (JSON has neither)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: strict_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strict_json(v) for v in value]
    return value


def process_alive(pid: int) -> bool:
    """Whether a process with this id exists (ours counts as gone: a leftover of an earlier
    process that had the same id)."""
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def remove_abandoned(paths: Iterable[Path]) -> None:
    """Remove temporary files and folders named ``….<kind>-PID`` whose process is gone."""
    import re

    for path in paths:
        match = re.search(r"-(\d+)$", path.name)
        if match is None or process_alive(int(match.group(1))):
            continue
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)


def remove_abandoned_partials(folder: Path) -> None:
    """Remove hidden ``.name.partial-PID`` folders of runs whose process is gone (killed before
    it could clean up); those of live processes are left alone."""
    if folder.is_dir():
        remove_abandoned(folder.glob(".*.partial-*"))


def package_versions() -> dict[str, str]:
    """Versions that matter for reproducing a run."""
    out = {"python": platform.python_version()}
    for name in ("chansim", "mesa", "numpy", "scipy", "networkx", "pydantic"):
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "unknown"
    return out


def run_model(
    scenario: Scenario,
    progress: Callable[[int], None] | None = None,
    graph_cache_dir: Path | None = None,
) -> tuple[ChannelModel, dict[str, float]]:
    """Build and run a model for ``scenario.days`` days; returns it and timings in seconds."""
    from sim.model import ChannelModel

    t0 = time.perf_counter()
    model = ChannelModel(scenario, graph_cache_dir=graph_cache_dir)
    t1 = time.perf_counter()
    for _ in range(scenario.days):
        model.run_for(1)
        if progress is not None:
            progress(1)
    t2 = time.perf_counter()
    return model, {"build_seconds": t1 - t0, "run_seconds": t2 - t1}


def timeseries_rows(model: ChannelModel) -> tuple[list[str], list[list[Any]]]:
    frame = model.datacollector.get_model_vars_dataframe()
    header = ["day", *frame.columns]
    days = np.arange(1, len(frame) + 1)
    rows = [[int(d), *vals] for d, vals in zip(days, frame.itertuples(index=False), strict=True)]
    return header, rows


def store_rows(model: ChannelModel) -> tuple[list[str], list[list[Any]]]:
    s = model.stores
    policies = [pol.name for pol in model.params.channels.b2c2c.posting.policies]
    header = [
        "store",
        "owner",
        "kind",
        "policy",
        "opened_day",
        "closed_day",
        "upline",
        "units",
        "sales_value",
        "rebate_income",
        "posts",
        "banned",
    ]
    pyramid = model.pyramid is not None
    levels = (
        [level.name for level in model.params.channels.b2c2c.stock_pressure.levels]
        if pyramid
        else []
    )
    profit = model.pyramid.participant_profit() if model.pyramid is not None else None
    teams = has_teams(model.params_initial)
    if teams:
        header.append("team")
    fees = s.column("course_fee") if has_mentors(model.params_initial) else None
    if fees is not None:
        header.append("course_fee")
    if pyramid:
        header += [
            "level",
            "savings_in",
            "cash",
            "stock",
            "units_bought",
            "units_to_consumers",
            "units_to_recruits",
            "units_dumped",
            "units_bought_back",
            "recruits",
            "profit",
        ]
    rows = []
    for i in range(s.size):
        rows.append(
            [
                i,
                int(s.owner[i]),
                STORE_KINDS[int(s.kind[i])],
                policies[int(s.policy[i])],
                int(s.opened_day[i]),
                int(s.closed_day[i]) if s.closed_day[i] >= 0 else "",
                int(s.upline[i]) if s.upline[i] >= 0 else "",
                int(s.units[i]),
                float(s.sales_value[i]),
                float(s.rebate_income[i]),
                int(s.posts_total[i]),
                int(bool(s.banned[i])),
            ]
        )
        if teams:
            rows[-1].append(int(s.team[i]) if s.team[i] >= 0 else "")
        if fees is not None:
            rows[-1].append(float(fees[i]))
        if pyramid:
            rows[-1] += [
                levels[int(s.level[i])],
                float(s.savings_in[i]),
                float(s.cash[i]),
                int(s.inventory[i]),
                int(s.units_bought[i]),
                int(s.units_retail[i]),
                int(s.units_downline[i]),
                int(s.units_dumped[i]),
                int(s.units_bought_back[i]),
                int(s.recruits[i]),
                float(profit[i]),
            ]
    return header, rows


def align_columns(rows: list[list[str]] | list[tuple[str, ...]]) -> list[str]:
    """Rows of cells as plain-text lines: first column left-aligned, the others right-aligned,
    a rule of dashes under the first row (the header)."""
    widths = [max(len(r[k]) for r in rows) for k in range(len(rows[0]))]
    lines = [
        "  ".join(
            c.ljust(w) if k == 0 else c.rjust(w)
            for k, (c, w) in enumerate(zip(r, widths, strict=True))
        )
        for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return lines


def summarize(model: ChannelModel, timings: dict[str, float]) -> dict[str, Any]:
    """End-of-run KPIs by channel and overall."""
    frame = model.datacollector.get_model_vars_dataframe()
    p = model.params_initial
    flows = model.ledger.flows_total
    units_total = int(frame["units_total"].sum())
    channels: dict[str, dict[str, Any]] = {}
    unit_cost = p.product.unit_cost
    rebate_tiers = has_rebate_tiers(p)
    for ch in CHANNELS:
        units = int(frame[f"units_{ch}"].sum())
        maker_revenue = float(frame[f"maker_revenue_{ch}"].sum())
        entry = {
            "enabled": getattr(p.channels, ch).enabled,
            "units": units,
            "unit_share": units / units_total if units_total else 0.0,
            "consumer_revenue": float(frame[f"revenue_{ch}"].sum()),
            "maker_revenue": maker_revenue,
        }
        if ch == "b2b2c":
            maker_units = model.supply.units_to_distributors
            # the maker's revenue, as its margin and profit, includes the day-0 sell-in
            entry["maker_revenue"] = flows["wholesale"]
            entry["units_sold_to_distributors"] = maker_units
            entry["distributor_margin"] = float(frame["distributor_margin"].sum())
            if rebate_tiers:
                entry["rebate_cost"] = flows[DISTRIBUTOR_REBATES]
            entry["maker_margin"] = flows["wholesale"] - unit_cost * maker_units
            if rebate_tiers:
                entry["maker_margin"] -= flows[DISTRIBUTOR_REBATES]
            if model.supply.tiers:
                buy, sell = model.supply.prices(p.channels.b2b2c)
            else:
                buy, sell = tier_prices(p.channels.b2b2c.wholesale_price, p.channels.b2b2c.tiers)
            entry["shelf_price"] = float(sell[-1])
            if model.supply.tiers:
                entry["by_tier"] = {
                    t.name: {
                        "price_end": float(sell[k]),
                        "markup_end": float(sell[k] / buy[k] - 1.0) if buy[k] > 0 else 0.0,
                        "margin": float(model.supply.margin_total[k]),
                    }
                    for k, t in enumerate(p.channels.b2b2c.tiers)
                }
        elif ch == "b2c":
            entry["logistics_cost"] = flows["logistics_b2c"]
            entry["advertising_cost"] = flows["advertising"]
            entry["maker_margin"] = (
                maker_revenue - unit_cost * units - flows["logistics_b2c"] - flows["advertising"]
            )
        elif model.pyramid is not None:
            into = model.pyramid.units_from_maker_total
            back = model.pyramid.units_bought_back_total
            entry["units_sold_into_pyramid"] = into
            entry["buyback_cost"] = flows["buyback"]
            entry["maker_margin"] = maker_revenue - unit_cost * (into - back) - flows["buyback"]
        else:
            entry["logistics_cost"] = flows["logistics_b2c2c"]
            entry["rebate_cost"] = flows["rebates"]
            entry["maker_margin"] = (
                maker_revenue - unit_cost * units - flows["logistics_b2c2c"] - flows["rebates"]
            )
        channels[ch] = entry
    store_units = model.stores.column("units")
    bullwhip: dict[str, float] = {}
    per_node: dict[str, float] = {}
    if model.supply.tiers:
        warmup = max(t.forecast_window_days for t in p.channels.b2b2c.tiers)
        demand = frame["demand_retail"].to_numpy(dtype=float)[warmup:]
        base = float(np.var(demand)) if len(demand) > 1 else 0.0
        names = model.supply.names
        for k, name in enumerate(names):
            orders = frame[f"orders_{name}"].to_numpy(dtype=float)[warmup:]
            bullwhip[name] = float(np.var(orders) / base) if base > 0 else float("nan")
            if k == len(names) - 1:
                seen = demand  # what the retailers are asked by consumers
            else:
                seen = frame[f"orders_{names[k + 1]}"].to_numpy(dtype=float)[warmup:]
            count = model.supply.tiers[k].count
            per_node[name] = float(np.mean(seen)) / count if len(seen) else 0.0
    if bullwhip:
        channels["b2b2c"]["bullwhip_at_maker"] = bullwhip[model.supply.names[0]]
    last = frame.iloc[-1]
    return {
        "scenario": p.name,
        "seed": p.seed,
        "days": p.days,
        "product": {"name": p.product.name, "kind": p.product.kind},
        "consumers": model.graph.n,
        "friendships": int(model.graph.n_edges),
        "scenario_sha256": scenario_sha256(p),
        "versions": package_versions(),
        "timings_seconds": {k: round(v, 3) for k, v in timings.items()},
        "channels": channels,
        "manufacturer": {
            "profit": float(model.accounts.cumulative),
            "cash": float(model.ledger.balances[MAKER]),
            "costs": {
                # the day-0 sell-in's goods too, as the B2B2C revenue includes its wholesale
                "goods_sold_at_cost": float(frame["cost_of_goods_sold"].sum())
                + float(model.sell_in_cost_of_goods),
                "production_paid": flows["production"],
                "logistics": flows["logistics_b2c"] + flows["logistics_b2c2c"],
                "advertising": flows["advertising"],
                "rebates": flows["rebates"],
                **({"distributor_rebates": flows[DISTRIBUTOR_REBATES]} if rebate_tiers else {}),
            },
            "distributor_margins": float(frame["distributor_margin"].sum()),
            "identified_customers": int(last["identified_customers"]),
            "inventory_end": int(last["inventory_maker"]),
        },
        "consumers_aware_end": int(last["aware"]),
        "adopters_end": int(last["adopters"]),
        "lost_sales": int(frame["lost_sales"].sum()),
        "micro_stores": {
            "opened": int(model.stores.size),
            "active_end": int(last["active_stores"]),
            "closed": int(frame["stores_closed"].sum()),
            "top20_share": top_share(store_units, 0.2),
            "gini": gini(store_units),
            **long_tail(store_units),
        },
        "bullwhip_variance_ratio": bullwhip,
        "bullwhip_demand_per_node": per_node,
        "bullwhip_meaningful": {
            name: int(v >= BULLWHIP_MIN_UNITS_PER_NODE) for name, v in per_node.items()
        },
        "mechanisms": {
            "spam": bool(p.spam.enabled and p.channels.b2c2c.enabled),
            "pyramid": model.pyramid is not None,
        },
        "pyramid_levels": (
            [level.name for level in p.channels.b2c2c.stock_pressure.levels]
            if model.pyramid is not None
            else []
        ),
        "pyramid": pyramid_summary(model, frame) if model.pyramid is not None else {},
        "posting_policies": [pol.name for pol in p.channels.b2c2c.posting.policies],
        "spam": spam_summary(frame, p) if p.spam.enabled and p.channels.b2c2c.enabled else {},
        **({"teams": teams_summary(model)} if has_teams(p) else {}),
        **({"mentors": mentors_summary(model)} if has_mentors(p) else {}),
        **({"owner_moves": moves_summary(model.owner_moves)} if has_owner_moves(p) else {}),
        "events": [{"day": d, "event": e} for d, e in model.market.event_log],
        **({"brands": brands_summary(model, frame)} if len(model.brands) > 1 else {}),
        **(
            {"distributor_stores": model.distributor_stores.summary()}
            if model.distributor_stores is not None
            else {}
        ),
        "conservation": {
            "units_produced": model.supply.produced_total,
            "units_sold": model.market.units_sold_total,
            "units_held": model.supply.units_held(),
            "money_imbalance": model.ledger.imbalance(),
        },
    }


def brands_summary(model: ChannelModel, frame: Any) -> dict[str, Any]:
    """Each brand's totals on a market of several brands (the focal brand first)."""
    totals = {b.name: int(frame[f"units_total.{b.name}"].sum()) for b in model.brands}
    market = sum(totals.values())
    out: dict[str, Any] = {}
    last = frame.iloc[-1]
    for b in model.brands:
        units = {ch: int(frame[f"units_{ch}.{b.name}"].sum()) for ch in CHANNELS}
        store_units = b.stores.column("units")
        out[b.name] = {
            **{f"units_{ch}": u for ch, u in units.items()},
            "units_total": totals[b.name],
            "market_share": totals[b.name] / market if market else 0.0,
            "micro_store_share": units["b2c2c"] / totals[b.name] if totals[b.name] else 0.0,
            "profit": float(b.accounts.cumulative),
            "stores_opened": int(b.stores.size),
            "active_stores_end": int(last[f"active_stores.{b.name}"]),
            "stores_sold": int((store_units > 0).sum()),
            "units_per_store": float(store_units.mean()) if len(store_units) else 0.0,
            "mean_trust_in_owners_end": float(last[f"mean_trust_in_owners.{b.name}"]),
            "detractors_end": int(last[f"detractors.{b.name}"]),
            "aware_end": int(last[f"aware.{b.name}"]),
            "adopters_end": int(last[f"adopters.{b.name}"]),
            "events": [{"day": d, "event": e} for d, e in b.market.event_log],
        }
    return out


def pyramid_summary(model: ChannelModel, frame: Any) -> dict[str, Any]:
    """End-of-run stock-pressure measures (M8).

    Stranded stock: units bought into the pyramid that never reached an end consumer at the
    store price — the stock agents still hold at the end plus what they dumped.
    """
    pyramid = model.pyramid
    book = model.stores
    profit = pyramid.participant_profit()
    levels = pyramid.params.levels
    level = book.column("level")
    by_level = {}
    for k, spec in enumerate(levels):
        mine = level == k
        by_level[spec.name] = {
            "joined": int(mine.sum()),
            "active_end": int((mine & book.column("is_open")).sum()),
            "stock_end": int(book.column("inventory")[mine].sum()),
            "mean_profit": float(profit[mine].mean()) if mine.any() else 0.0,
        }
    held_end = pyramid.units_held()
    return {
        "participants_ever": int(book.size),
        "peak_participants": pyramid.peak,
        "peak_day": pyramid.peak_day,
        "collapse_day": pyramid.collapse_day,
        "collapse_depth_levels": pyramid.collapse_depth,
        "units_from_maker": pyramid.units_from_maker_total,
        "units_sold_inside": pyramid.units_internal_total,
        "units_to_end_consumers": int(frame["pyramid_units_to_consumers"].sum()),
        "units_dumped": pyramid.units_dumped_total,
        "units_bought_back": pyramid.units_bought_back_total,
        "stock_held_end": held_end,
        "stranded_stock": held_end + pyramid.units_dumped_total,
        "share_at_loss": pyramid.share_at_loss(),
        "median_profit": float(np.median(profit)) if book.size else 0.0,
        "by_level": by_level,
    }


def teams_summary(model: ChannelModel) -> dict[str, Any]:
    """End-of-run measures of team stores against lone stores (``channels.b2c2c.teams``).

    Over every store opened: units per store, the share that sold, the share closed by the
    end, and the friends' mean trust in the owners at the end (Σ trust / Σ friendships).
    """
    book = model.stores
    team = book.column("team")
    units = book.column("units")
    closed = ~book.column("is_open")
    trust, friends = model.friendships.trust_in_owners(book.column("owner"))
    out: dict[str, Any] = {"teams_formed": int(team.max()) + 1 if (team >= 0).any() else 0}
    for who, mine in (("team", team >= 0), ("lone", team < 0)):
        n = int(mine.sum())
        f = float(friends[mine].sum())
        out[who] = {
            "opened": n,
            "units_per_store": float(units[mine].mean()) if n else 0.0,
            "share_sold": float((units[mine] > 0).mean()) if n else 0.0,
            "share_closed": float(closed[mine].mean()) if n else 0.0,
            "mean_trust_in_owners_end": float(trust[mine].sum() / f) if f else float("nan"),
        }
    return out


def mentors_summary(model: ChannelModel) -> dict[str, Any]:
    """Who profits from paid mentors (``channels.b2c2c.mentors``): their fees against their
    rebates, and the trainees' stores against the others, over every store opened."""
    book = model.stores
    fee = book.column("course_fee")
    earned = book.column("mentor_fees")
    units = book.column("units")
    income = book.column("rebate_income")
    is_open = book.column("is_open")
    trained = fee > 0
    mentors = earned > 0
    net = income[trained] - fee[trained]
    n, others = int(trained.sum()), int((~trained).sum())
    return {
        "trainees": n,
        "fees_paid": float(fee.sum()),
        "mentors_paid": int(mentors.sum()),
        "fee_income_per_mentor": float(earned[mentors].mean()) if mentors.any() else 0.0,
        "rebate_income_per_mentor": float(income[mentors].mean()) if mentors.any() else 0.0,
        "trainees_active_end": int(is_open[trained].sum()),
        "trainee_survival_share": float(is_open[trained].mean()) if n else 0.0,
        "trainee_units_per_store": float(units[trained].mean()) if n else 0.0,
        "trainee_mean_net": float(net.mean()) if n else 0.0,
        "trainee_share_at_loss": float((net < 0).mean()) if n else 0.0,
        "others_opened": others,
        "other_survival_share": float(is_open[~trained].mean()) if others else 0.0,
        "other_units_per_store": float(units[~trained].mean()) if others else 0.0,
    }


def spam_summary(frame: Any, p: Scenario) -> dict[str, Any]:
    """End-of-run screen-spam measures, overall and by posting policy."""
    last = frame.iloc[-1]
    posts = float(frame["posts"].sum())
    by_policy = {}
    for pol in p.channels.b2c2c.posting.policies:
        n = pol.name
        policy_posts = float(frame[f"posts_{n}"].sum())
        units = int(frame[f"units_{n}"].sum())
        by_policy[n] = {
            "units": units,
            "posts": int(policy_posts),
            "sales_per_post": units / policy_posts if policy_posts else 0.0,
            "rebate_income": float(frame[f"income_{n}"].sum()),
            "active_stores_end": int(last[f"active_stores_{n}"]),
            "mean_trust_in_owners_end": float(last[f"mean_trust_in_{n}"]),
        }
    return {
        "mean_trust_end": float(last["mean_trust"]),
        "mean_trust_in_owners_end": float(last["mean_trust_in_owners"]),
        "audience_trust_in_owners_end": float(last["audience_trust_in_owners"]),
        "unfollowed_share_end": float(last["unfollowed_share"]),
        "muted_edges_end": int(last["muted_edges"]),
        "blocked_edges_end": int(last["blocked_edges"]),
        "muted_share_end": float(last["muted_share"]),
        "blocked_share_end": float(last["blocked_share"]),
        "detractors_end": int(last["detractors"]),
        "stores_banned": int(frame["stores_banned"].sum()),
        "posts": int(posts),
        "sales_per_post": float(frame["units_b2c2c"].sum()) / posts if posts else 0.0,
        "by_policy": by_policy,
    }


def _write_csv(path: Path, header: list[str], rows: list[list[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def write_results(
    model: ChannelModel,
    timings: dict[str, float],
    out_dir: Path,
    *,
    stage: Callable[[str], object] | None = None,
    parquet: bool = False,
) -> dict[str, Any]:
    """Write the results folder atomically; returns the summary.

    Args:
        model: The model, run.
        timings: Build and run times (seconds), kept in the summary.
        out_dir: The results folder (must not exist, or be empty).
        stage: Called with the name of each stage as it starts (``writing tables``,
            ``writing figures``), for a progress display.
        parquet: Also write ``timeseries.parquet`` and ``stores.parquet`` (needs pyarrow).
    """
    from sim.figures import make_figures

    say = stage or (lambda _what: None)

    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    remove_abandoned_partials(out_dir.parent)
    staging = out_dir.parent / f".{out_dir.name}.partial-{os.getpid()}"
    if staging.exists():
        shutil.rmtree(staging)
    staging.mkdir()
    try:
        say("writing tables")
        _write_csv(staging / "timeseries.csv", *timeseries_rows(model))
        _write_csv(staging / "stores.csv", *store_rows(model))
        _write_csv(
            staging / "events.csv", ["day", "event"], [[d, e] for d, e in model.market.event_log]
        )
        (staging / "scenario.yaml").write_text(
            scenario_yaml(model.params_initial), encoding="utf-8"
        )
        summary = summarize(model, timings)
        (staging / "summary.json").write_text(
            json.dumps(strict_json(summary), indent=2, allow_nan=False) + "\n", encoding="utf-8"
        )
        if parquet:
            import pandas as pd

            for table in ("timeseries", "stores"):
                frame = pd.read_csv(staging / f"{table}.csv")
                frame.to_parquet(staging / f"{table}.parquet", index=False)
        say("writing figures")
        make_figures(staging)
        os.replace(staging, out_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return summary


def default_out_dir(
    scenario: Scenario, root: Path = Path("results"), overrides: Sequence[str] = ()
) -> Path:
    """``results/<name>[-<overrides>]-seed<seed>``, numbered if that folder exists already.

    ``overrides`` are the ``KEY=VALUE`` changes made to the scenario file (``--set``, and
    ``days=N`` for ``--days``), shown in the name by :func:`results_name`.
    """
    base = root / results_name(scenario.name, overrides, suffix=f"seed{scenario.seed}")
    candidate = base
    k = 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{k}")
        k += 1
    return candidate


# --------------------------------------------------------------------------- names of results

NAME_LIMIT = 100
"""Longest default results folder name built from overrides (before a ``-2`` counter)."""

SKIPPED_IN_NAMES = frozenset({"name", "description"})
"""Override keys a folder name leaves out (the name is the folder's base already)."""


def normalized_overrides(overrides: Sequence[str]) -> dict[str, str]:
    """``KEY=VALUE`` texts as {key: value text}, stripped; a key given twice keeps its last
    value, at the place of its last mention (as it is applied)."""
    out: dict[str, str] = {}
    for text in overrides:
        key, _, raw = text.partition("=")
        key = key.strip()
        out.pop(key, None)
        out[key] = raw.strip()
    return out


def describe_overrides(description: str, overrides: Sequence[str]) -> str:
    """``description`` followed by `` Overrides: a.b=1, days=5.`` (unchanged without any)."""
    changes = normalized_overrides(overrides)
    if not changes:
        return description
    listed = ", ".join(f"{k}={v}" for k, v in changes.items())
    return f"{description.rstrip()} Overrides: {listed}.".lstrip()


def _short_keys(keys: list[str]) -> dict[str, str]:
    """The shortest dotted tails that tell the keys apart: ``market.consumers`` → ``consumers``;
    ``channels.b2c.price`` and ``channels.b2c2c.price`` → ``b2c.price``, ``b2c2c.price``. A list
    index joins the name before it (``tiers.2.markup`` → ``tiers2.markup``)."""

    def parts(key: str) -> list[str]:
        merged: list[str] = []
        for part in key.split("."):
            if part.isdigit() and merged:
                merged[-1] += part
            else:
                merged.append(part)
        return merged

    split = {k: parts(k) for k in keys}
    depth = dict.fromkeys(keys, 1)
    while True:
        short = {k: ".".join(split[k][-depth[k] :]) for k in keys}
        clash = {k for k in keys if list(short.values()).count(short[k]) > 1}
        grow = {k for k in clash if depth[k] < len(split[k])}
        if not grow:
            return short
        for k in grow:
            depth[k] += 1


def _safe(text: str) -> str:
    """``text`` with every run of characters other than letters, digits, ``.``, ``_``, ``+``
    and ``-`` replaced by ``_``, and no ``_`` or ``.`` at either end (part of a plain file
    name; empty if nothing is left)."""
    import re

    return re.sub(r"[^A-Za-z0-9._+-]+", "_", text).strip("_.")


def _token(leaf: str, value: str) -> str:
    """``consumers2000``, ``rate-0.1``, ``pricing_monopoly``, ``path_edges.txt``: a number
    follows its leaf directly, a word after ``_``."""
    safe = _safe(value or "null")
    return f"{leaf}{safe}" if safe[:1].isdigit() or safe[:1] in "+-" else f"{leaf}_{safe}"


def results_name(
    name: str, overrides: Sequence[str] = (), *, suffix: str = "", limit: int = NAME_LIMIT
) -> str:
    """A results folder name showing the overrides: ``<name>-<leaf><value>…[-<suffix>]``.

    ``three_channels`` with ``market.consumers=2000`` and ``days=5``, suffix ``seed0``, gives
    ``three_channels-consumers2000-days5-seed0``. A name longer than ``limit``, or with a
    value that has no plain-name form (a list of mappings), keeps only the leaf names and adds
    a short hash of the whole override list (``three_channels-consumers-days-h1a2b3c4d-seed0``),
    dropping leaves if still too long. Keys in :data:`SKIPPED_IN_NAMES` are left out.
    """
    import hashlib

    changes = {
        k: v for k, v in normalized_overrides(overrides).items() if k not in SKIPPED_IN_NAMES
    }
    tail = [suffix] if suffix else []
    if not changes:
        return "-".join([name, *tail])
    short = {k: _safe(v) for k, v in _short_keys(list(changes)).items()}
    readable = "-".join([name, *(_token(short[k], v) for k, v in changes.items()), *tail])
    if len(readable) <= limit and all(_safe(v or "null") for v in changes.values()):
        return readable
    listed = "\n".join(f"{k}={v}" for k, v in changes.items())
    digest = "h" + hashlib.sha256(listed.encode()).hexdigest()[:8]
    leaves = list(short.values())
    while leaves and len("-".join([name, *leaves, digest, *tail])) > limit:
        leaves.pop()
    return "-".join([name, *leaves, digest, *tail])
