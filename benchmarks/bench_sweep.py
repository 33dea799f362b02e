"""Throughput of ``chansim sweep``: serial vs process pool vs a local Dask cluster.

Usage (from the repository root)::

    python benchmarks/bench_sweep.py [--runs 200] [--consumers 10000] [--days 365]
                                     [--workers N] [--modes serial pool dask] [--repeats N]
                                     [--no-write]

The same sweep is run ``--repeats`` times per executor (every other repeat with the executors
in reverse order, so a slow spell of the machine does not fall on one of them only), each into a
fresh results folder under a temporary directory and in a fresh Python process (as each
``chansim sweep`` is; so no sweep inherits a started process-pool fork server, a grown heap or
imported modules from an earlier one): the three-channel scenario at
``--consumers`` consumers for ``--days`` days, a grid of ten micro-store rebate rates
(0.01 … 0.10) with ``runs / 10`` replications each, measurements kept every 7 days (the default
of the shipped experiments), no report at the end. Each sweep is timed with
``time.perf_counter`` around :func:`sim.experiments.sweep.run_sweep` in that process, which
includes starting and stopping the executor (process pool, or ``LocalCluster`` with one
single-threaded worker process per core) and writing every run's results to disk.

Printed per mode: the median wall seconds over the repeats (and each of them), runs per minute,
speed-up over serial, the median time of one run inside its worker (from ``status.csv``), which
separates a slower worker from scheduling overhead, and the driver's CPU seconds during the
sweep (``getrusage``; with ``--dask local`` the driver also hosts the scheduler and the nannies,
whose CPU time the two workers lose on a 2-core machine), and the share of the machine's CPU
time stolen by the hypervisor during the sweep (``steal`` in ``/proc/stat``, Linux; a virtual
machine's noisy neighbours show there). Targets (PASS/FAIL): process pool ≥ 1.8× serial; Dask's
overhead over the pool (Dask seconds / pool seconds − 1) ≤ 10 %, both from the medians. The
tables of every sweep are compared byte for byte with the first sweep's, which checks that the
executor changes the speed and nothing else.

The Markdown report is printed and written to ``benchmarks/out/sweep-<date>.md`` (git-ignored).
Exit status 0 if every measured target passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
OUT_DIR = REPO / "benchmarks" / "out"
POOL_SPEEDUP_TARGET = 1.8
DASK_OVERHEAD_TARGET = 0.10
POINTS = 10
TABLES = ("summary.csv", "timeseries.csv", "points.csv")

EXPERIMENT = """\
name: bench-sweep
description: Sweep throughput benchmark (rebate rate grid on the three-channel market).
base: {base}
overrides: {{market.consumers: {consumers}}}
days: {days}
replications: {replications}
seed: 20261123
record: {{every: 7}}
measurements: [units_b2b2c, units_b2c, units_b2c2c, manufacturer_profit_cumulative, aware]
design:
  type: grid
  parameters:
    channels.b2c2c.rebate_rate: {{from: 0.01, to: 0.10, steps: {points}}}
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=200, help="runs (a multiple of 10)")
    parser.add_argument("--consumers", type=int, default=10_000)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="pool and Dask workers"
    )
    parser.add_argument(
        "--modes", nargs="+", default=["serial", "pool", "dask"], choices=["serial", "pool", "dask"]
    )
    parser.add_argument(
        "--repeats",
        type=int,
        default=1,
        help="sweeps per mode; every other repeat runs the modes in reverse order",
    )
    parser.add_argument("--no-write", action="store_true", help="do not write benchmarks/out/")
    args = parser.parse_args(argv)
    if args.runs < POINTS or args.runs % POINTS:
        parser.error(f"--runs must be a positive multiple of {POINTS}")
    return args


def time_mode(
    mode: str, experiment: Path, out: Path, workers: int
) -> tuple[float, float, float | None]:
    """Run the sweep with one executor.

    Returns:
        Wall seconds, the driver's CPU seconds, and the share of CPU time stolen by the
        hypervisor meanwhile (None where ``/proc/stat`` is missing).
    """
    from sim.experiments.plan import load_experiment
    from sim.experiments.sweep import run_sweep

    plan = load_experiment(experiment)
    kwargs = {
        "serial": {"workers": 1},
        "pool": {"workers": workers},
        "dask": {"workers": workers, "dask": "local"},
    }[mode]
    cpu = _driver_cpu()
    ticks = _cpu_ticks()
    start = time.perf_counter()
    result = run_sweep(plan, out, progress=False, report=False, **kwargs)
    seconds = time.perf_counter() - start
    cpu = _driver_cpu() - cpu
    steal = None
    after = _cpu_ticks()
    if ticks is not None and after is not None:
        total = sum(after) - sum(ticks)
        steal = (after[7] - ticks[7]) / total if total else 0.0
    if result.done != result.runs or result.failed or result.interrupted:
        raise SystemExit(f"{mode}: {result.done} of {result.runs} done, {result.failed} failed")
    return seconds, cpu, steal


def time_in_child(
    mode: str, experiment: Path, out: Path, workers: int
) -> tuple[float, float, float | None]:
    """:func:`time_mode` in a fresh Python process; the same three numbers."""
    done = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(experiment), str(out), str(workers)],
        cwd=REPO,
        stdout=subprocess.PIPE,
        text=True,
        check=False,
    )
    if done.returncode:
        raise SystemExit(f"{mode}: the sweep process exited with status {done.returncode}")
    wall, cpu, steal = json.loads(done.stdout.strip().splitlines()[-1])
    return wall, cpu, steal


def _child(argv: list[str]) -> int:
    """``--child MODE EXPERIMENT OUT WORKERS``: time one sweep, print its numbers as JSON."""
    mode, experiment, out, workers = argv
    print(json.dumps(time_mode(mode, Path(experiment), Path(out), int(workers))), flush=True)
    return 0


def _cpu_ticks() -> list[int] | None:
    """The machine's CPU time counters user … steal (the ``cpu`` line of ``/proc/stat``), or None.

    The guest counters after them are left out: Linux counts guest time in user time already.
    """
    try:
        with open("/proc/stat", encoding="ascii") as f:
            fields = f.readline().split()
    except OSError:
        return None
    if not fields or fields[0] != "cpu" or len(fields) < 9:
        return None
    return [int(x) for x in fields[1:9]]


def _driver_cpu() -> float:
    """User plus system CPU seconds of this process (its threads included, children not)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def run_seconds(folder: Path) -> float:
    """Median wall seconds of one run inside its worker (``seconds`` of ``status.csv``)."""
    with (folder / "status.csv").open(newline="", encoding="utf-8") as f:
        return statistics.median(float(row["seconds"]) for row in csv.DictReader(f))


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark; print and write the report."""
    args = parse_args(argv)
    lines: list[str] = []
    with tempfile.TemporaryDirectory(prefix="bench-sweep-") as tmp:
        root = Path(tmp)
        experiment = root / "bench_sweep.yaml"
        experiment.write_text(
            EXPERIMENT.format(
                base=REPO / "scenarios" / "three_channels.yaml",
                consumers=args.consumers,
                days=args.days,
                replications=args.runs // POINTS,
                points=POINTS,
            ),
            encoding="utf-8",
        )
        same: dict[str, bool] = {}
        walls: dict[str, list[float]] = {m: [] for m in args.modes}
        runs: dict[str, list[float]] = {m: [] for m in args.modes}
        driver: dict[str, list[float]] = {m: [] for m in args.modes}
        stolen: dict[str, list[float | None]] = {m: [] for m in args.modes}
        first = root / f"{args.modes[0]}-0"
        for repeat in range(args.repeats):
            order = args.modes if repeat % 2 == 0 else list(reversed(args.modes))
            for mode in order:
                out = root / f"{mode}-{repeat}"
                print(f"{mode} (repeat {repeat + 1}): {args.runs} runs …", file=sys.stderr)
                wall, cpu, steal = time_in_child(mode, experiment, out, args.workers)
                walls[mode].append(wall)
                driver[mode].append(cpu)
                stolen[mode].append(steal)
                print(f"{mode}: {walls[mode][-1]:.1f} s", file=sys.stderr, flush=True)
                runs[mode].append(run_seconds(out))
                if first.exists():
                    identical = all(
                        (first / t).read_bytes() == (out / t).read_bytes() for t in TABLES
                    )
                    same[mode] = same.get(mode, True) and identical
                if out != first:
                    shutil.rmtree(out)
        seconds = {m: statistics.median(v) for m, v in walls.items()}
        per_run = {m: statistics.median(v) for m, v in runs.items()}
        driver_cpu = {m: statistics.median(v) for m, v in driver.items()}
    base = seconds.get("serial")
    lines += [
        f"# Sweep benchmark {dt.date.today().isoformat()}",
        "",
        f"- machine: {platform.machine()}, {os.cpu_count()} cores, {platform.platform()}",
        f"- python {platform.python_version()}, chansim {metadata.version('chansim')}, "
        f"dask {_version('dask')}, distributed {_version('distributed')}",
        f"- sweep: {args.runs} runs = {POINTS} rebate rates × {args.runs // POINTS} "
        f"replications; three_channels at {args.consumers:,} consumers × {args.days} days; "
        f"measurements every 7 days; pool and Dask with {args.workers} workers",
        "",
        f"Wall seconds: median over {args.repeats} sweep(s) per executor (all of them in "
        "brackets), each sweep in a fresh Python process; every other repeat runs the executors "
        "in reverse order.",
        "",
        "| executor | wall s | runs / min | speed-up vs serial | median s per run in its worker "
        f"| driver CPU s | CPU stolen % | tables identical to {args.modes[0]} |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for mode, s in seconds.items():
        speedup = f"{base / s:.2f}×" if base else "–"
        lines.append(
            f"| {mode} | {s:.1f} ({', '.join(f'{w:.1f}' for w in walls[mode])}) | "
            f"{args.runs / s * 60:.1f} | {speedup} | {per_run[mode]:.3f} | "
            f"{driver_cpu[mode]:.1f} | {_percentages(stolen[mode])} | "
            f"{'yes' if same[mode] else 'NO'} |"
        )
    lines.append("")
    ok = all(same.values())
    if base and "pool" in seconds:
        ratio = base / seconds["pool"]
        passed = ratio >= POOL_SPEEDUP_TARGET
        ok &= passed
        lines.append(
            f"- {'PASS' if passed else 'FAIL'}: process pool speed-up {ratio:.2f}× "
            f"(target ≥ {POOL_SPEEDUP_TARGET}×)"
        )
    if "pool" in seconds and "dask" in seconds:
        overhead = seconds["dask"] / seconds["pool"] - 1
        passed = overhead <= DASK_OVERHEAD_TARGET
        ok &= passed
        lines.append(
            f"- {'PASS' if passed else 'FAIL'}: Dask overhead over the pool {overhead:+.1%} "
            f"(target ≤ {DASK_OVERHEAD_TARGET:.0%})"
        )
        paired = [d / p - 1 for d, p in zip(walls["dask"], walls["pool"], strict=True)]
        lines.append(
            "- Dask over the pool within each repeat: " + ", ".join(f"{x:+.1%}" for x in paired)
        )
    if not all(same.values()):
        lines.append("- FAIL: an executor's tables differ from the first mode's")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / f"sweep-{dt.date.today().isoformat()}.md").write_text(text, encoding="utf-8")
    return 0 if ok else 1


def _percentages(shares: list[float | None]) -> str:
    """Each sweep's share as a percentage, or – when unknown."""
    if any(s is None for s in shares):
        return "–"
    return ", ".join(f"{100 * s:.1f}" for s in shares if s is not None)


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.exit(_child(sys.argv[2:]))
    sys.exit(main())
