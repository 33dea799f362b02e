"""Throughput of ``chansim sweep``: serial vs process pool vs a local Dask cluster.

Usage (from the repository root)::

    python benchmarks/bench_sweep.py [--runs 200] [--consumers 10000] [--days 365]
                                     [--workers N] [--modes serial pool dask] [--repeats N]
                                     [--no-write]

The same sweep is run ``--repeats`` times per executor (every other repeat with the executors
in reverse order, so a slow spell of the machine does not fall on one of them only), each into a
fresh results folder under a temporary directory: the three-channel scenario at
``--consumers`` consumers for ``--days`` days, a grid of ten micro-store rebate rates
(0.01 … 0.10) with ``runs / 10`` replications each, measurements kept every 7 days (the default
of the shipped experiments), no report at the end. Each sweep is timed with
``time.perf_counter`` around :func:`sim.experiments.sweep.run_sweep`, which includes starting
and stopping the executor (process pool, or ``LocalCluster`` with one single-threaded worker
process per core) and writing every run's results to disk.

Printed per mode: the median wall seconds over the repeats (and each of them), runs per minute,
speed-up over serial, and the median time of one run inside its worker (from ``status.csv``),
which separates a slower worker from scheduling overhead. Targets (PASS/FAIL): process pool
≥ 1.8× serial; Dask's overhead over the pool (Dask seconds / pool seconds − 1) ≤ 10 %, both from
the medians. The tables of every sweep are compared byte for byte with the first sweep's, which
checks that the executor changes the speed and nothing else.

The Markdown report is printed and written to ``benchmarks/out/sweep-<date>.md`` (git-ignored).
Exit status 0 if every measured target passed, 1 otherwise.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import shutil
import statistics
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


def time_mode(mode: str, experiment: Path, out: Path, workers: int) -> float:
    """Run the sweep with one executor; return its wall seconds."""
    from sim.experiments.plan import load_experiment
    from sim.experiments.sweep import run_sweep

    plan = load_experiment(experiment)
    kwargs = {
        "serial": {"workers": 1},
        "pool": {"workers": workers},
        "dask": {"workers": workers, "dask": "local"},
    }[mode]
    start = time.perf_counter()
    result = run_sweep(plan, out, progress=False, report=False, **kwargs)
    seconds = time.perf_counter() - start
    if result.done != result.runs or result.failed or result.interrupted:
        raise SystemExit(f"{mode}: {result.done} of {result.runs} done, {result.failed} failed")
    return seconds


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
        first = root / f"{args.modes[0]}-0"
        for repeat in range(args.repeats):
            order = args.modes if repeat % 2 == 0 else list(reversed(args.modes))
            for mode in order:
                out = root / f"{mode}-{repeat}"
                print(f"{mode} (repeat {repeat + 1}): {args.runs} runs …", file=sys.stderr)
                walls[mode].append(time_mode(mode, experiment, out, args.workers))
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
        "brackets); every other repeat runs the executors in reverse order.",
        "",
        "| executor | wall s | runs / min | speed-up vs serial | median s per run in its worker "
        f"| tables identical to {args.modes[0]} |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for mode, s in seconds.items():
        speedup = f"{base / s:.2f}×" if base else "–"
        lines.append(
            f"| {mode} | {s:.1f} ({', '.join(f'{w:.1f}' for w in walls[mode])}) | "
            f"{args.runs / s * 60:.1f} | {speedup} | {per_run[mode]:.3f} | "
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
    if not all(same.values()):
        lines.append("- FAIL: an executor's tables differ from the first mode's")
    text = "\n".join(lines) + "\n"
    print(text)
    if not args.no_write:
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        (OUT_DIR / f"sweep-{dt.date.today().isoformat()}.md").write_text(text, encoding="utf-8")
    return 0 if ok else 1


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


if __name__ == "__main__":
    sys.exit(main())
