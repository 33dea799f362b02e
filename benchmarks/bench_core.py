"""Speed and memory benchmark of the chansim core (three-channel scenario).

Usage (from the repository root)::

    python benchmarks/bench_core.py [--sizes 10000 100000 1000000] [--repeats N]
                                    [--large-repeats N] [--days 365] [--profile N]

What it measures (see ``benchmarks/README.md`` for the full description):

1. For every size N, ``load_scenario("scenarios/three_channels.yaml", ["market.consumers=N"])``
   is run for ``--days`` days, each repetition in a fresh Python subprocess (cold in-process
   graph cache, peak memory per run). The on-disk graph cache is off (``graph_cache_dir=None``,
   the default of :class:`sim.model.ChannelModel`). The child times three phases separately:

   * *graph build*: :func:`sim.graph.build_graph` called exactly as ``ChannelModel.__init__``
     calls it (same kind, size, parameters and derived seed, no cache directory);
   * *model build*: ``ChannelModel(scenario)``, which then finds that same graph in the
     in-process cache (the child asserts ``model.graph is graph``), so this is the construction
     time *without* the graph;
   * *run*: ``model.run_for(days)``.

   total = graph build + model build + run; consumer-days/s = N · days / run seconds; peak RSS is
   ``ru_maxrss`` of the child as returned by ``os.wait4``.
2. An idiomatic per-agent Mesa version of the word-of-mouth rule alone (one ``mesa.Agent`` per
   consumer, ``model.agents.shuffle_do("step")``) against the vectorised form of the same rule
   (the friend sums of :class:`sim.friendships.FriendSums` and
   :func:`sim.diffusion.awareness_step` over the CSR), timed over the same days in one
   subprocess.
3. A Markdown report (printed and written to ``benchmarks/out/core-<date>.md``) and PASS/FAIL
   lines for the performance targets.
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import io
import json
import math
import os
import platform
import pstats
import resource
import shlex
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import mesa
import numpy as np
from bench_report import (
    BRAND_TIME_TARGETS,
    ChildResult,
    _mb,
    agents_section,
    brand_ratio_lines,
    core_table,
    detail_table,
    profile_section,
    speed_goal_lines,
    target_lines,
)

REPO = Path(__file__).resolve().parent.parent
SCENARIO = "scenarios/three_channels.yaml"
PYRAMID_SCENARIO = "scenarios/pyramid_unregulated.yaml"
BRANDS_SCENARIO = "scenarios/three_brands.yaml"
OUT_DIR = REPO / "benchmarks" / "out"

#: Sizes at or above this use ``--large-repeats`` instead of ``--repeats``.
LARGE_SIZE = 1_000_000


#: Word-of-mouth comparison: Bass p and q per day, uniform trust 1.
WOM_P = 0.03 / 365.0
WOM_Q = 0.38 / 365.0
WOM_GRAPH = ("powerlaw_cluster", {"m": 5, "triad_probability": 0.5})


# --------------------------------------------------------------------------- small helpers


def _maxrss_bytes(ru_maxrss: int) -> int:
    """``ru_maxrss`` in bytes (Linux reports KiB)."""
    return int(ru_maxrss) * 1024


def _peak_rss_self() -> int:
    """Peak resident set size of this process so far, in bytes."""
    return _maxrss_bytes(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def _emit(result: dict[str, Any]) -> None:
    """Print a worker's result as one JSON line on stdout (the parent reads the last line)."""
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


def _log(message: str) -> None:
    """Progress message on stderr (keeps stdout for the report)."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- worker: core run


def core_worker(n: int, days: int, scenario_path: str = SCENARIO) -> dict[str, Any]:
    """Build and run a scenario (the three-channel one by default) with N consumers.

    Runs in a fresh subprocess. The graph is built first with the same call that
    ``ChannelModel.__init__`` makes, so the model then takes it from the in-process cache and
    "model build" is the construction time without the graph.

    Args:
        n: Number of consumers.
        days: Days to simulate.
        scenario_path: The scenario file.

    Returns:
        Wall and CPU seconds per phase, the peak RSS after each phase and summary counts.
    """
    from sim import graph as graphs
    from sim.loading import load_scenario
    from sim.model import ChannelModel

    scenario = load_scenario(scenario_path, [f"market.consumers={n}"])
    graphs.clear_memory_cache()  # fresh process: already cold; made explicit
    rss_setup = _peak_rss_self()

    # Same derivation as ChannelModel.__init__: mesa.Model(rng=<int seed>) seeds
    # numpy.random.default_rng(seed) and the first draw is the graph seed.
    graph_seed = int(np.random.default_rng(scenario.seed).integers(2**63 - 1))
    if scenario.graph.seed is not None:
        graph_seed = scenario.graph.seed
    graph_params = scenario.graph.model_dump(exclude={"type", "seed", "cache"})

    c0, t0 = time.process_time(), time.perf_counter()
    graph = graphs.build_graph(
        scenario.graph.type, scenario.market.consumers, graph_params, graph_seed, None
    )
    c1, t1 = time.process_time(), time.perf_counter()
    rss_graph = _peak_rss_self()
    model = ChannelModel(scenario, graph_cache_dir=None)
    c2, t2 = time.process_time(), time.perf_counter()
    rss_model = _peak_rss_self()
    if model.graph is not graph:
        raise RuntimeError("the model did not reuse the benchmark's graph: seeds differ")
    model.run_for(days)
    c3, t3 = time.process_time(), time.perf_counter()
    if model.steps != days:
        raise RuntimeError(f"expected {days} steps, got {model.steps}")
    return {
        "n": n,
        "days": days,
        "graph_s": t1 - t0,
        "model_s": t2 - t1,
        "run_s": t3 - t2,
        "graph_cpu_s": c1 - c0,
        "model_cpu_s": c2 - c1,
        "run_cpu_s": c3 - c2,
        "rss_setup": rss_setup,
        "rss_after_graph": rss_graph,
        "rss_after_model": rss_model,
        "n_edges": graph.n_edges,
        "aware": int(model.consumers.aware.sum()),
        "adopted": int(model.consumers.adopted.sum()),
        "units_sold": int(model.market.units_sold_total),
        "agents": len(model.stores) if model.pyramid is not None else 0,
    }


# --------------------------------------------------------------------------- worker: per agent


class WomConsumer(mesa.Agent):
    """One consumer of the per-agent word-of-mouth model (adoption = awareness)."""

    def __init__(self, model: WomModel) -> None:
        """Register with ``model``; friends are wired by the model after creation."""
        super().__init__(model)
        self.friends: list[WomConsumer] = []
        self.trust: list[float] = []
        self.trust_total = 0.0
        self.aware = False

    def adopter_share(self) -> float:
        """Trust-weighted share of friends who have adopted (0 without friends)."""
        if self.trust_total <= 0.0:
            return 0.0
        trusted = sum(t for f, t in zip(self.friends, self.trust, strict=True) if f.aware)
        return trusted / self.trust_total

    def step(self) -> None:
        """Become aware with probability ``1 − exp(−(p + q·s))``."""
        if self.aware:
            return
        hazard = self.model.p + self.model.q * self.adopter_share()
        if self.random.random() < -math.expm1(-hazard):
            self.aware = True


class WomModel(mesa.Model):
    """Per-agent word of mouth on a CSR graph: one :class:`WomConsumer` per node."""

    def __init__(
        self,
        indptr: np.ndarray,
        indices: np.ndarray,
        initially_aware: np.ndarray,
        p: float,
        q: float,
        rng: int,
    ) -> None:
        """Create one agent per node and give each its friends (uniform trust 1).

        Args:
            indptr: CSR row pointers of the friendship graph.
            indices: CSR column indices (friends).
            initially_aware: Boolean flag per node: aware (= adopted) on day 0.
            p: Daily innovation hazard.
            q: Daily imitation hazard per unit adopter share.
            rng: Seed of the model's random generators.
        """
        super().__init__(rng=rng)
        self.p = p
        self.q = q
        n = len(indptr) - 1
        people = [WomConsumer(self) for _ in range(n)]
        ptr = indptr.tolist()
        nbrs = indices.tolist()
        for i, person in enumerate(people):
            person.friends = [people[j] for j in nbrs[ptr[i] : ptr[i + 1]]]
            person.trust = [1.0] * len(person.friends)
            person.trust_total = float(sum(person.trust))
            person.aware = bool(initially_aware[i])
        self.people = people

    def step(self) -> None:
        """One day: every consumer acts once, in random order."""
        self.agents.shuffle_do("step")

    def aware_count(self) -> int:
        """Number of aware (= adopted) consumers."""
        return sum(person.aware for person in self.people)


def vectorised_wom_day(
    sums: Any,
    aware: np.ndarray,
    p: float,
    q: float,
    rng: np.random.Generator,
) -> None:
    """One day of the same rule, vectorised as in ``sim.diffusion.AwarenessStage.run``.

    Adoption = awareness, so ``aware`` is both the adopted column and the awareness flags
    (updated in place); no forgetting, no other awareness sources. ``sums`` is the model's
    :class:`sim.friendships.FriendSums`, updated with the day's new adopters as the model does.
    """
    from sim.diffusion import awareness_step

    rate = np.full(len(aware), p) + q * sums.share("adopters")
    gained, _ = awareness_step(aware, aware, rate, 0.0, rng)
    sums.switched("adopters", gained)


def agents_worker(n: int, days: int, seed: int, initial_share: float) -> dict[str, Any]:
    """Time the per-agent Mesa rule against the vectorised rule over the same days.

    Args:
        n: Number of consumers.
        days: Days to simulate with each version.
        seed: Seed of the graph, of the initial adopters and of both models.
        initial_share: Fraction of consumers aware (= adopted) on day 0, the same in both.

    Returns:
        Per-day wall seconds of both versions, build times, counts and checks.
    """
    from sim import graph as graphs
    from sim.friendships import FriendSums

    kind, params = WOM_GRAPH
    t0 = time.perf_counter()
    graph = graphs.build_graph(kind, n, params, seed)
    t1 = time.perf_counter()
    initially_aware = np.random.default_rng(seed + 1).random(n) < initial_share

    # vectorised: friend sums as the model keeps them (float32 trust per CSR entry)
    t2 = time.perf_counter()
    trust = np.ones(graph.n_entries, dtype=np.float32)
    aware = initially_aware.copy()
    sums = FriendSums(graph, trust, 1.0)
    sums.track("adopters", aware)
    t3 = time.perf_counter()

    # per agent
    model = WomModel(graph.indptr, graph.indices, initially_aware, WOM_P, WOM_Q, rng=seed)
    t4 = time.perf_counter()

    # exact check of the neighbour computation on the shared day-0 state
    share_vec = sums.share("adopters")
    share_agents = np.array([person.adopter_share() for person in model.people])
    share_max_abs_diff = float(np.max(np.abs(share_vec - share_agents))) if n else 0.0

    vec_rng = np.random.default_rng(seed)
    vec_days: list[float] = []
    for _ in range(days):
        s = time.perf_counter()
        vectorised_wom_day(sums, aware, WOM_P, WOM_Q, vec_rng)
        vec_days.append(time.perf_counter() - s)

    agent_days: list[float] = []
    for _ in range(days):
        s = time.perf_counter()
        model.step()
        agent_days.append(time.perf_counter() - s)

    initial = int(initially_aware.sum())
    return {
        "n": n,
        "days": days,
        "seed": seed,
        "initial_share": initial_share,
        "graph_s": t1 - t0,
        "vec_build_s": t3 - t2,
        "agents_build_s": t4 - t3,
        "vec_day_s": vec_days,
        "agent_day_s": agent_days,
        "initial_aware": initial,
        "vec_new": int(aware.sum()) - initial,
        "agent_new": model.aware_count() - initial,
        "share_max_abs_diff": share_max_abs_diff,
        "mesa_steps": model.steps,
    }


# --------------------------------------------------------------------------- worker: profile


def profile_worker(n: int, days: int, top: int) -> dict[str, Any]:
    """cProfile one cold build + run; the top ``sim/`` functions by cumulative time.

    Args:
        n: Number of consumers.
        days: Days to simulate.
        top: How many rows to keep.

    Returns:
        Rows (ncalls, tottime, cumtime, function) for ``sim/`` by cumulative time and for all
        code by own time, and the profiled wall time.
    """
    from sim import graph as graphs
    from sim.loading import load_scenario
    from sim.model import ChannelModel

    scenario = load_scenario(SCENARIO, [f"market.consumers={n}"])
    graphs.clear_memory_cache()
    profiler = cProfile.Profile()
    start = time.perf_counter()
    profiler.enable()
    model = ChannelModel(scenario, graph_cache_dir=None)
    model.run_for(days)
    profiler.disable()
    wall = time.perf_counter() - start
    stats = pstats.Stats(profiler, stream=io.StringIO())
    sim_dir = str(REPO / "sim") + os.sep

    def row(key: tuple[str, int, str], value: tuple[Any, ...]) -> dict[str, Any]:
        filename, line, func = key
        primitive, ncalls, tottime, cumtime = value[:4]
        where = os.path.relpath(filename, REPO) if filename.startswith(str(REPO)) else filename
        calls = str(ncalls) if ncalls == primitive else f"{ncalls}/{primitive}"
        name = f"{where}:{line}({func})" if line else func
        return {"ncalls": calls, "tottime": tottime, "cumtime": cumtime, "function": name}

    entries = list(stats.stats.items())  # type: ignore[attr-defined]
    by_cum = sorted(
        (e for e in entries if e[0][0].startswith(sim_dir)), key=lambda e: e[1][3], reverse=True
    )
    by_own = sorted(entries, key=lambda e: e[1][2], reverse=True)
    return {
        "n": n,
        "days": days,
        "wall_s": wall,
        "sim_by_cumulative": [row(*e) for e in by_cum[:top]],
        "all_by_tottime": [row(*e) for e in by_own[:top]],
    }


# --------------------------------------------------------------------------- parent side


def run_child(args: list[str]) -> ChildResult:
    """Run this script as a worker in a fresh interpreter and collect its result.

    Args:
        args: Worker arguments (``--worker KIND ...``).

    Returns:
        The parsed last stdout line and the child's peak RSS in bytes.

    Raises:
        RuntimeError: If the child fails.
    """
    cmd = [sys.executable, str(Path(__file__).resolve()), *args]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    out = proc.stdout.read()
    proc.stdout.close()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"worker {args} exited with {proc.returncode}")
    lines = [line for line in out.splitlines() if line.strip()]
    return ChildResult(json.loads(lines[-1]), _maxrss_bytes(usage.ru_maxrss), wall)


def machine_info() -> dict[str, str]:
    """CPU model, core count, OS and library versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        affinity = len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        affinity = os.cpu_count() or 0
    mem = "unknown"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 2**20:.1f} GB"
                break
    except OSError:
        pass
    return {
        "CPU": cpu,
        "cores (os.cpu_count / usable)": f"{os.cpu_count()} / {affinity}",
        "memory": mem,
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "numpy": np.__version__,
        "scipy": metadata.version("scipy"),
        "Mesa": mesa.__version__,
        "chansim": metadata.version("chansim"),
    }


def _git_revision() -> str:
    """Short commit hash and whether tracked files outside benchmarks/ have been edited."""
    try:
        rev = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", ".", ":!benchmarks"],
            cwd=REPO,
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return rev + (" (+ uncommitted edits to tracked files outside benchmarks/)" if dirty else "")


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """Command-line options (``--worker`` and its options are internal)."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 1_000_000])
    ap.add_argument(
        "--repeats", type=int, default=3, help=f"runs per size below {LARGE_SIZE:,} (default 3)"
    )
    ap.add_argument(
        "--large-repeats",
        type=int,
        default=1,
        help=f"runs per size of {LARGE_SIZE:,} or more (default 1)",
    )
    ap.add_argument("--days", type=int, default=365)
    ap.add_argument("--agent-size", type=int, default=100_000, help="per-agent comparison N")
    ap.add_argument("--agent-days", type=int, default=10, help="per-agent comparison days")
    ap.add_argument(
        "--agent-initial-share",
        type=float,
        default=0.1,
        help="fraction adopted on day 0 in the comparison (default 0.1)",
    )
    ap.add_argument("--seed", type=int, default=0, help="seed of the per-agent comparison")
    ap.add_argument("--skip-agents", action="store_true", help="skip the per-agent comparison")
    ap.add_argument(
        "--profile",
        type=int,
        default=None,
        metavar="N",
        help="also cProfile one N-consumer run (after the timed runs)",
    )
    ap.add_argument("--profile-top", type=int, default=8)
    ap.add_argument(
        "--pyramid-sizes",
        type=int,
        nargs="*",
        default=[20_000, 100_000],
        help=f"sizes of the pyramid case ({PYRAMID_SCENARIO}), one run each; none to skip",
    )
    ap.add_argument(
        "--brand-sizes",
        type=int,
        nargs="*",
        default=[100_000, 1_000_000],
        help=f"sizes of the three-brand market ({BRANDS_SCENARIO}), one run each; none to skip",
    )
    ap.add_argument("--scenario", default=SCENARIO, help=argparse.SUPPRESS)
    ap.add_argument("--no-write", action="store_true", help="do not write benchmarks/out/")
    ap.add_argument(
        "--worker", choices=["core", "agents", "profile"], default=None, help=argparse.SUPPRESS
    )
    ap.add_argument("--n", type=int, default=None, help=argparse.SUPPRESS)
    return ap.parse_args(argv)


def run_worker(args: argparse.Namespace) -> None:
    """Dispatch an internal worker invocation and print its JSON result."""
    if args.worker == "core":
        _emit(core_worker(args.n, args.days, args.scenario))
    elif args.worker == "agents":
        _emit(agents_worker(args.n, args.agent_days, args.seed, args.agent_initial_share))
    elif args.worker == "profile":
        _emit(profile_worker(args.n, args.days, args.profile_top))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print the report, write it to ``benchmarks/out/``.

    Returns:
        0 if every measured target passed, 1 otherwise.
    """
    args = parse_args(argv)
    if args.worker is not None:
        run_worker(args)
        return 0

    started = dt.datetime.now()
    info = machine_info()
    revision_before = _git_revision()
    load_before = os.getloadavg()
    results: dict[int, list[ChildResult]] = {}
    for n in args.sizes:
        repeats = args.large_repeats if n >= LARGE_SIZE else args.repeats
        for i in range(repeats):
            _log(f"[bench] N={n:,} run {i + 1}/{repeats} (load avg {os.getloadavg()[0]:.2f}) …")
            res = run_child(["--worker", "core", "--n", str(n), "--days", str(args.days)])
            d = res.data
            _log(
                f"[bench]   graph {d['graph_s']:.3f} s, model {d['model_s']:.3f} s, "
                f"run {d['run_s']:.2f} s, peak RSS {_mb(res.peak_rss):,.0f} MB"
            )
            results.setdefault(n, []).append(res)

    pyramid: dict[int, list[ChildResult]] = {}
    for n in args.pyramid_sizes:
        _log(f"[bench] pyramid case N={n:,} …")
        worker = ["--worker", "core", "--n", str(n), "--days", str(args.days)]
        res = run_child([*worker, "--scenario", PYRAMID_SCENARIO])
        _log(f"[bench]   run {res.data['run_s']:.2f} s, agents {res.data['agents']:,}")
        pyramid.setdefault(n, []).append(res)

    brands: dict[int, list[ChildResult]] = {}
    for n in args.brand_sizes:
        _log(f"[bench] three brands N={n:,} …")
        worker = ["--worker", "core", "--n", str(n), "--days", str(args.days)]
        res = run_child([*worker, "--scenario", BRANDS_SCENARIO])
        d = res.data
        _log(
            f"[bench]   graph {d['graph_s']:.3f} s, model {d['model_s']:.3f} s, "
            f"run {d['run_s']:.2f} s, peak RSS {_mb(res.peak_rss):,.0f} MB"
        )
        brands.setdefault(n, []).append(res)

    agents = None
    if not args.skip_agents:
        _log(f"[bench] per-agent vs vectorised, N={args.agent_size:,}, {args.agent_days} days …")
        agents = run_child(
            [
                "--worker",
                "agents",
                "--n",
                str(args.agent_size),
                "--agent-days",
                str(args.agent_days),
                "--seed",
                str(args.seed),
                "--agent-initial-share",
                str(args.agent_initial_share),
            ]
        )
    profile = None
    if args.profile is not None:
        _log(f"[bench] cProfile N={args.profile:,} …")
        profile = run_child(
            [
                "--worker",
                "profile",
                "--n",
                str(args.profile),
                "--days",
                str(args.days),
                "--profile-top",
                str(args.profile_top),
            ]
        )
    load_after = os.getloadavg()
    revision_after = _git_revision()

    report = [
        f"# chansim core benchmark, {started:%Y-%m-%d %H:%M}",
        "",
        f"Command: `{shlex.join(['python', 'benchmarks/bench_core.py', *sys.argv[1:]])}`",
        "",
        f"Scenario `{SCENARIO}` with `market.consumers=N`, {args.days} days, every run in a "
        "fresh subprocess, on-disk graph cache off, in-process cache cold.",
        "",
        "## Machine",
        "",
        *[f"- {k}: {v}" for k, v in info.items()],
        f"- chansim revision at start: {revision_before}; at end: {revision_after}",
        "- load average (1/5/15 min) before: "
        + " / ".join(f"{x:.2f}" for x in load_before)
        + "; after: "
        + " / ".join(f"{x:.2f}" for x in load_after),
        "",
        "## Core runs",
        "",
        "Median (min–max) over repeats. graph build = `sim.graph.build_graph` called as "
        "`ChannelModel.__init__` does; model build = `ChannelModel(...)` with that graph already "
        "in the in-process cache; run = `model.run_for(days)`; total = graph + model + run; "
        "consumer-days/s = N·days / run s; peak RSS = child `ru_maxrss` (MB = 2²⁰ bytes).",
        "",
        *core_table(results, args.days),
        "",
        "Every run (wall seconds, CPU seconds of the child in brackets; peak RSS after each "
        "phase):",
        "",
        *detail_table(results),
        "",
    ]
    if pyramid:
        report += [
            "## Pyramid case",
            "",
            f"Scenario `{PYRAMID_SCENARIO}` (stock-pressure agents, screen-spam dynamics on) with "
            f"`market.consumers=N`, {args.days} days, one run per size, measured as above.",
            "",
            *core_table(pyramid, args.days),
            "",
            *detail_table(pyramid),
            "",
            "Agents who ever joined: "
            + ", ".join(f"N={n:,}: {r[0].data['agents']:,}" for n, r in pyramid.items()),
            "",
        ]
    if brands:
        report += [
            "## Three brands",
            "",
            f"Scenario `{BRANDS_SCENARIO}` (three brands on the three-channel market, every "
            f"mechanism of `{SCENARIO}` on for each) with `market.consumers=N`, {args.days} "
            "days, one run per size, measured as above. Ratio: the three-brand total over the "
            "one-brand median total of the same N in this run.",
            "",
            *core_table(brands, args.days),
            "",
            *detail_table(brands),
            "",
            *brand_ratio_lines(brands, results),
            "",
        ]
    if agents is not None:
        report += ["## Per-agent Mesa vs vectorised word of mouth", "", *agents_section(agents), ""]
    if profile is not None:
        report += ["## Profile", "", *profile_section(profile), ""]
    targets = target_lines(results, args.days) + target_lines(
        brands, args.days, BRAND_TIME_TARGETS, "three brands ", "--brand-sizes"
    )
    report += ["## Targets", "", *[f"    {line}" for line in targets], ""]
    goals = speed_goal_lines(
        {"core": results, "pyramid": pyramid, "brands": brands}, agents, args.days
    )
    report += ["## Speed goals", "", *[f"    {line}" for line in goals], ""]
    text = "\n".join(report)
    print(text)
    if not args.no_write:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        path = OUT_DIR / f"core-{started:%Y-%m-%d}.md"
        path.write_text(text, encoding="utf-8")
        _log(f"[bench] written {path.relative_to(REPO)}")
    return 0 if all(not line.startswith("FAIL") for line in targets) else 1


if __name__ == "__main__":
    sys.exit(main())
