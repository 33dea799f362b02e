"""Markdown tables, targets and speed goals of the core benchmark (``bench_core.py``)."""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass
from typing import Any

BRAND_TIME_TARGETS: tuple[tuple[int, float], ...] = ((100_000, 20.0), (1_000_000, 180.0))
"""Three brands: N × 365 days within this many seconds including the graph build."""
#: Targets: (size, max seconds for graph build + model build + run) and the 1M memory cap.
TIME_TARGETS: tuple[tuple[int, float], ...] = ((100_000, 15.0), (1_000_000, 120.0))
MEMORY_TARGET_SIZE = 1_000_000
MEMORY_TARGET_BYTES = 3 * 1024**3  # 3 GB read as 3 GiB = 3072 MB (MB = 2**20 bytes here)


def _mb(n_bytes: float) -> float:
    """Bytes to MB (2**20 bytes)."""
    return n_bytes / 2**20


@dataclass
class ChildResult:
    """A worker's JSON result plus the child's resource usage from ``os.wait4``."""

    data: dict[str, Any]
    peak_rss: int
    wall_s: float


def _summary(values: list[float], fmt: str) -> str:
    """``median (min–max)``, or the single value."""
    med = statistics.median(values)
    if len(values) == 1:
        return format(med, fmt)
    return f"{format(med, fmt)} ({format(min(values), fmt)}–{format(max(values), fmt)})"


def core_table(results: dict[int, list[ChildResult]], days: int) -> list[str]:
    """The main Markdown table: one row per size, median (range) over repeats."""
    lines = [
        "| size | repeats | graph build s | model build s | run s | total s "
        "| consumer-days/s | peak RSS MB |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, runs in results.items():
        graph = [r.data["graph_s"] for r in runs]
        model = [r.data["model_s"] for r in runs]
        run = [r.data["run_s"] for r in runs]
        total = [r.data["graph_s"] + r.data["model_s"] + r.data["run_s"] for r in runs]
        rate = [n * days / r.data["run_s"] for r in runs]
        rss = [_mb(r.peak_rss) for r in runs]
        lines.append(
            f"| {n:,} | {len(runs)} | {_summary(graph, '.3f')} | {_summary(model, '.3f')} "
            f"| {_summary(run, '.2f')} | {_summary(total, '.2f')} | {_summary(rate, ',.0f')} "
            f"| {_summary(rss, ',.0f')} |"
        )
    return lines


def detail_table(results: dict[int, list[ChildResult]]) -> list[str]:
    """Every repetition: wall and CPU seconds per phase, memory after each phase, outcomes."""
    lines = [
        "| size | rep | graph s (cpu) | model s (cpu) | run s (cpu) | RSS MB setup / +graph "
        "/ +model / peak | edges | aware | adopted | units sold |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, runs in results.items():
        for i, r in enumerate(runs, 1):
            d = r.data
            mem = " / ".join(
                f"{_mb(v):,.0f}"
                for v in (d["rss_setup"], d["rss_after_graph"], d["rss_after_model"], r.peak_rss)
            )
            lines.append(
                f"| {n:,} | {i} | {d['graph_s']:.3f} ({d['graph_cpu_s']:.3f}) "
                f"| {d['model_s']:.3f} ({d['model_cpu_s']:.3f}) "
                f"| {d['run_s']:.2f} ({d['run_cpu_s']:.2f}) | {mem} | {d['n_edges']:,} "
                f"| {d['aware']:,} | {d['adopted']:,} | {d['units_sold']:,} |"
            )
    return lines


def agents_section(res: ChildResult) -> list[str]:
    """Markdown for the per-agent versus vectorised comparison."""
    d = res.data
    vec = d["vec_day_s"]
    agent = d["agent_day_s"]
    vec_med = statistics.median(vec)
    agent_med = statistics.median(agent)
    a, b = d["agent_new"], d["vec_new"]
    z = (a - b) / math.sqrt(a + b) if a + b > 0 else 0.0
    share_ok = d["share_max_abs_diff"] <= 1e-9
    count_ok = abs(z) <= 3.0
    lines = [
        f"N = {d['n']:,} consumers, powerlaw_cluster(m=5, triad_probability=0.5, "
        f"seed={d['seed']}), uniform trust 1, p = 0.03/365, q = 0.38/365, adoption = awareness, "
        f"no forgetting; {d['initial_aware']:,} consumers ({d['initial_share']:.0%}) adopted on "
        f"day 0 in both versions; {d['days']} days each, in one process (vectorised first).",
        "",
        "| version | build s | per-day s median (min–max) | total s over days |",
        "|---|---:|---:|---:|",
        f"| per-agent Mesa (`shuffle_do`) | {d['agents_build_s']:.3f} "
        f"| {_summary(agent, '.4f')} | {sum(agent):.3f} |",
        f"| vectorised (CSR) | {d['vec_build_s']:.4f} | {_summary(vec, '.5f')} | {sum(vec):.4f} |",
        "",
        f"Per-day times, per-agent (s): {', '.join(f'{t:.4f}' for t in agent)}",
        "",
        f"Per-day times, vectorised (s): {', '.join(f'{t:.5f}' for t in vec)}",
        "",
        f"**Speed-up (median per-agent day / median vectorised day): {agent_med / vec_med:,.1f}×** "
        f"(ratio of totals: {sum(agent) / sum(vec):,.1f}×). Graph build (shared, not in the "
        f"ratio): {d['graph_s']:.3f} s; child peak RSS {_mb(res.peak_rss):,.0f} MB.",
        "",
        f"Sanity: day-0 adopter share per agent vs vectorised, max |difference| = "
        f"{d['share_max_abs_diff']:.3g} ({'OK' if share_ok else 'MISMATCH'}); new adopters after "
        f"{d['days']} days: per-agent {a:,}, vectorised {b:,}, z = (a − b)/√(a + b) = {z:+.2f} "
        f"({'OK, |z| ≤ 3' if count_ok else 'MISMATCH, |z| > 3'}).",
    ]
    return lines


def profile_section(res: ChildResult) -> list[str]:
    """Markdown for the cProfile run."""
    d = res.data
    lines = [
        f"cProfile of one cold build + {d['days']}-day run at N = {d['n']:,} "
        f"(profiled wall time {d['wall_s']:.2f} s, inflated by the profiler).",
        "",
        "Top functions of `sim/` by cumulative time:",
        "",
        "| ncalls | tottime s | cumtime s | function |",
        "|---:|---:|---:|---|",
    ]
    for r in d["sim_by_cumulative"]:
        lines.append(
            f"| {r['ncalls']} | {r['tottime']:.3f} | {r['cumtime']:.3f} | `{r['function']}` |"
        )
    lines += [
        "",
        "Top functions overall by own time (tottime):",
        "",
        "| ncalls | tottime s | cumtime s | function |",
        "|---:|---:|---:|---|",
    ]
    for r in d["all_by_tottime"]:
        lines.append(
            f"| {r['ncalls']} | {r['tottime']:.3f} | {r['cumtime']:.3f} | `{r['function']}` |"
        )
    return lines


def target_lines(
    results: dict[int, list[ChildResult]],
    days: int,
    time_targets: tuple[tuple[int, float], ...] = TIME_TARGETS,
    what: str = "",
    flag: str = "--sizes",
) -> list[str]:
    """PASS/FAIL (or SKIP) for each time target and the memory target, judged on the median
    over repeats; ``what`` names the case in the labels, ``flag`` the option that measures it."""
    lines = []
    for size, limit in time_targets:
        label = f"{what}{size:,} × 365 days ≤ {limit:g} s including graph build"
        runs = results.get(size)
        if runs is None or days != 365:
            lines.append(f"SKIP {label}: not measured (needs {flag} {size} --days 365)")
            continue
        totals = [_total(r) for r in runs]
        med = statistics.median(totals)
        verdict = "PASS" if med <= limit else "FAIL"
        lines.append(
            f"{verdict} {label}: median total {med:.2f} s over {len(runs)} run(s) "
            f"(max {max(totals):.2f} s)"
        )
    label = f"{what}{MEMORY_TARGET_SIZE:,} peak memory ≤ 3 GB (3,072 MB)"
    runs = results.get(MEMORY_TARGET_SIZE)
    if runs is None:
        lines.append(f"SKIP {label}: not measured (needs {flag} {MEMORY_TARGET_SIZE})")
    else:
        peaks = [r.peak_rss for r in runs]
        med = statistics.median(peaks)
        verdict = "PASS" if med <= MEMORY_TARGET_BYTES else "FAIL"
        lines.append(
            f"{verdict} {label}: median peak RSS {_mb(med):,.0f} MB ({med / 1e9:.2f} × 10⁹ bytes) "
            f"over {len(runs)} run(s) (max {_mb(max(peaks)):,.0f} MB)"
        )
    return lines


def _total(r: ChildResult) -> float:
    return r.data["graph_s"] + r.data["model_s"] + r.data["run_s"]


def brand_ratio_lines(
    brands: dict[int, list[ChildResult]], one: dict[int, list[ChildResult]]
) -> list[str]:
    """Three brands against one brand at the same N (when both were measured)."""
    lines = []
    for n, runs in brands.items():
        if n in one:
            ratio = statistics.median(map(_total, runs)) / statistics.median(map(_total, one[n]))
            lines.append(f"- N={n:,}: three brands / one brand = {ratio:.2f}× (total time)")
    return lines


SPEED_GOALS: tuple[tuple[str, int, float], ...] = (
    ("core", 1_000_000, 30.0),
    ("core", 100_000, 3.0),
    ("pyramid", 100_000, 5.0),
)
"""Speed goals: (case, N, seconds for N × 365 days including the graph build)."""
GRAPH_GOAL: tuple[int, float] = (1_000_000, 3.0)
"""Graph build at this N within this many seconds."""
BRAND_RATIO_GOAL = 1.5
"""Three brands within this multiple of one brand's total time at the same N."""


def speed_goal_lines(
    cases: dict[str, dict[int, list[ChildResult]]],
    agents: ChildResult | None,
    days: int,
) -> list[str]:
    """MET / NOT MET (or SKIP) for the speed goals, on medians over repeats, and the whole
    model's consumer-days per second against the per-agent Mesa model's agent-steps per
    second. These lines do not change the exit status (the targets above do)."""
    lines = []
    for case, size, limit in SPEED_GOALS:
        label = f"{case} {size:,} × 365 days ≤ {limit:g} s including graph build"
        runs = cases[case].get(size)
        if not runs or days != 365:
            lines.append(f"SKIP {label}: not measured")
            continue
        med = statistics.median(_total(r) for r in runs)
        lines.append(f"{'MET' if med <= limit else 'NOT MET'} {label}: median {med:.2f} s")
    size, limit = GRAPH_GOAL
    runs = cases["core"].get(size)
    label = f"graph build at {size:,} ≤ {limit:g} s"
    if runs:
        med = statistics.median(r.data["graph_s"] for r in runs)
        lines.append(f"{'MET' if med <= limit else 'NOT MET'} {label}: median {med:.3f} s")
    else:
        lines.append(f"SKIP {label}: not measured")
    for n, runs in cases["brands"].items():
        one = cases["core"].get(n)
        label = f"three brands within {BRAND_RATIO_GOAL:g}× one brand at {n:,}"
        if not one:
            lines.append(f"SKIP {label}: one brand not measured at this size")
            continue
        ratio = statistics.median(_total(r) for r in runs) / statistics.median(
            _total(r) for r in one
        )
        lines.append(f"{'MET' if ratio <= BRAND_RATIO_GOAL else 'NOT MET'} {label}: {ratio:.2f}×")
    if agents is not None and cases["core"]:
        n = max(cases["core"])
        model_rate = statistics.median(n * days / r.data["run_s"] for r in cases["core"][n])
        d = agents.data
        agent_rate = d["n"] / statistics.median(d["agent_day_s"])
        lines.append(
            f"INFO whole model at {n:,}: {model_rate:,.0f} consumer-days/s against "
            f"{agent_rate:,.0f} agent-steps/s of the per-agent Mesa word-of-mouth model at "
            f"{d['n']:,}: {model_rate / agent_rate:,.1f}×"
        )
    return lines
