"""Command line: ``chansim run``, ``validate``, ``sweep``, ``report``, ``compare``, ``list``,
``params`` and ``dashboard``; ``chansim COMMAND --help`` describes each, with examples.

Exit codes: 0 success; 2 bad user input (one line per problem on stderr, no traceback, no
results folder); 3 a sweep or comparison finished with failed runs (kept in its folder, retried
by ``--resume``); 4 the disk failed (full, read-only, I/O error): one line, nothing half-written,
a sweep resumable; 1 only for bugs.
"""

from __future__ import annotations

import os
import signal
import sys


def _stop_while_starting(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM while the modules load: nothing has been written yet."""
    os.write(2, b"interrupted; no results written\n")
    os._exit(130)


if __name__ == "__main__" or os.path.basename(sys.argv[0]) == "chansim":
    # the command line, not an import by other code; main() replaces these once it runs
    signal.signal(signal.SIGINT, _stop_while_starting)
    signal.signal(signal.SIGTERM, _stop_while_starting)

import argparse  # noqa: E402
import errno  # noqa: E402
import shutil  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import TYPE_CHECKING, NoReturn  # noqa: E402

from sim.cli_help import HELP, epilog  # noqa: E402
from sim.interrupts import check_interrupted  # noqa: E402
from sim.loading import load_scenario  # noqa: E402
from sim.scenario import CHANNELS  # noqa: E402
from sim.validation import ScenarioError  # noqa: E402

if TYPE_CHECKING:
    from sim.experiments.plan import Plan
    from sim.experiments.sweep import SweepResult

EXIT_OK, EXIT_BUG, EXIT_USAGE, EXIT_RUNS_FAILED, EXIT_FILE_SYSTEM = 0, 1, 2, 3, 4

FILE_SYSTEM_ERRORS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EIO}
"""Failures of the disk, not of chansim or its input: one line and exit code 4."""


class UsageError(Exception):
    """A bad command line, reported in one line with exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: {message}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="chansim",
        description="Simulate product distribution channels (B2B2C distributors, the B2C "
        "direct shop, B2C2C micro-stores) on one market: run and check scenarios, sweep "
        "experiments, compare scenarios with replications, and watch a scenario live.",
        epilog=epilog(
            [
                "chansim run scenarios/three_channels.yaml",
                "chansim compare scenarios/b2c_only.yaml scenarios/three_channels.yaml",
                "chansim sweep experiments/rebate_level.yaml",
            ]
        )
        + "\n\nchansim COMMAND --help describes a command, its options and examples.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"chansim {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    def command(name: str) -> argparse.ArgumentParser:
        summary, description, examples = HELP[name]
        return sub.add_parser(
            name,
            help=summary,
            description=description,
            epilog=epilog(examples),
            formatter_class=_DescriptionFormatter,
        )

    def overrides_arg(p: argparse.ArgumentParser, help: str) -> None:
        p.add_argument(
            "--set",
            dest="overrides",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help=help,
        )

    def scenario_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("scenario", type=Path, help="scenario YAML file")
        overrides_arg(p, "override a parameter by dotted path (VALUE is YAML); repeatable")
        p.add_argument("--seed", type=int, help="override the scenario's seed")
        p.add_argument("--days", type=int, help="override the number of days")

    def progress_arg(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--no-progress",
            action="store_true",
            help="hide the progress display (shown on stderr only when it is a terminal)",
        )

    def parquet_arg(p: argparse.ArgumentParser, what: str) -> None:
        p.add_argument(
            "--parquet",
            action="store_true",
            help=f"{what} (needs pyarrow: pip install 'chansim[parquet]'; without it the "
            "command stops with exit code 2 before running)",
        )

    def executor_args(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--workers",
            type=_workers,
            metavar="N",
            help=f"worker processes, 1 to {MAX_WORKERS} (default: all cores; 1 runs in this "
            "process)",
        )
        p.add_argument(
            "--dask",
            metavar="ADDRESS|local",
            help="run on a Dask cluster: a scheduler address, or 'local' to start one here",
        )

    run = command("run")
    scenario_args(run)
    run.add_argument(
        "--out",
        type=Path,
        help="results folder (default: results/<name>[-<overrides>]-seed<seed>)",
    )
    parquet_arg(run, "also write timeseries.parquet and stores.parquet")
    progress_arg(run)

    validate = command("validate")
    scenario_args(validate)

    sweep = command("sweep")
    sweep.add_argument("experiment", type=Path, help="experiment YAML file")
    executor_args(sweep)
    sweep.add_argument(
        "--resume", action="store_true", help="continue an interrupted sweep in its folder"
    )
    sweep.add_argument(
        "--out", type=Path, help="results folder (default: results/<name>[-<overrides>])"
    )
    overrides_arg(
        sweep, "change a field of the experiment file, e.g. replications=2 (VALUE is YAML)"
    )
    parquet_arg(sweep, "require the Parquet copies of the tables")
    progress_arg(sweep)

    report = command("report")
    report.add_argument("folder", type=Path, help="results folder of chansim sweep or compare")
    parquet_arg(report, "require the Parquet copies of the tables")
    progress_arg(report)

    compare = command("compare")
    compare.add_argument("scenarios", type=Path, nargs="+", help="scenario YAML files")
    compare.add_argument(
        "--replications",
        type=_positive_int,
        default=5,
        metavar="R",
        help="runs per scenario; replication r of every scenario shares one seed (default: 5)",
    )
    compare.add_argument("--days", type=_positive_int, metavar="N", help="days to simulate")
    overrides_arg(
        compare,
        "override a parameter of every scenario by dotted path (VALUE is YAML); repeatable",
    )
    compare.add_argument(
        "--seed", type=_natural_int, default=0, metavar="ROOT", help="root seed (default: 0)"
    )
    executor_args(compare)
    compare.add_argument(
        "--out",
        type=Path,
        help="results folder (default: results/compare-<names>[-<overrides>])",
    )
    compare.add_argument(
        "--resume", action="store_true", help="continue an interrupted comparison in its folder"
    )
    parquet_arg(compare, "require the Parquet copies of the tables")
    progress_arg(compare)

    command("list")
    params = command("params")
    params.add_argument("pattern", nargs="?", default="", help="part of a dotted path")

    dashboard = command("dashboard")
    dashboard.add_argument(
        "scenario", nargs="?", default="free", help="scenario YAML file or lesson name"
    )
    overrides_arg(dashboard, "override a parameter by dotted path (VALUE is YAML); repeatable")
    dashboard.add_argument(
        "--port", type=_natural_int, default=8765, help="port (default: 8765; 0: any free port)"
    )
    dashboard.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    dashboard.add_argument(
        "--save-dir",
        type=Path,
        default=Path("results/dashboard"),
        help="where 'save session as scenario' writes (default: results/dashboard)",
    )
    return parser


class _DescriptionFormatter(argparse.RawDescriptionHelpFormatter):
    """Wraps the description to the terminal's width as one paragraph; keeps the examples'
    lines as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if text.startswith("Examples:"):
            return super()._fill_text(text, width, indent)
        import textwrap

        return textwrap.fill(
            " ".join(text.split()), width, initial_indent=indent, subsequent_indent=indent
        )


def _int_at_least(minimum: int) -> Callable[[str], int]:
    """An argparse type: a whole number >= ``minimum``."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number (got {text!r})") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"must be >= {minimum} (got {value})")
        return value

    return parse


_positive_int = _int_at_least(1)

MAX_WORKERS = 256
"""Most worker processes one machine is asked to start (each holds a model in memory)."""


def _workers(text: str) -> int:
    value = _positive_int(text)
    if value > MAX_WORKERS:
        raise argparse.ArgumentTypeError(f"must be at most {MAX_WORKERS} (got {value})")
    return value


_natural_int = _int_at_least(0)


def _terminate_like_ctrl_c() -> None:
    """SIGTERM (sent by ``timeout``, Slurm, ``docker stop``) stops a command as Ctrl-C does:
    finished work is kept, partial files are removed, the exit code is 130."""
    import threading

    from sim.interrupts import INTERRUPTED, handler

    INTERRUPTED.clear()
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``chansim`` console script."""
    _terminate_like_ctrl_c()
    args: argparse.Namespace | None = None
    try:
        args = build_parser().parse_args(argv)
        if args.command == "validate":
            return _validate(args)
        if args.command == "sweep":
            return _sweep(args)
        if args.command == "report":
            return _report(args)
        if args.command == "compare":
            return _compare(args)
        if args.command == "dashboard":
            return _dashboard(args)
        if args.command == "list":
            return _list()
        if args.command == "params":
            return _params(args.pattern)
        return _run(args)
    except ScenarioError as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        return EXIT_USAGE
    except UsageError as exc:
        print(exc, file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        print("interrupted; no results written", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (e.g. `| head`): stop quietly
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
    except OSError as exc:
        if exc.errno not in FILE_SYSTEM_ERRORS:
            raise
        where = f" writing {exc.filename}" if exc.filename else ""
        then = (
            "; finished runs are kept: continue with --resume"
            if getattr(args, "command", None) in ("sweep", "compare")
            else "; nothing was left half-written"
        )
        print(f"chansim: {exc.strerror or exc}{where}{then}", file=sys.stderr)
        return EXIT_FILE_SYSTEM


def _load(args: argparse.Namespace):
    scenario = load_scenario(args.scenario, args.overrides, seed=args.seed, days=args.days)
    for i, event in enumerate(scenario.events):
        if event.day > scenario.days:
            print(
                f"warning: {args.scenario}: events.{i}.day: day {event.day} is after the last "
                f"day ({scenario.days}); the event will not apply",
                file=sys.stderr,
            )
    return scenario


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("chansim")
    except metadata.PackageNotFoundError:
        return "unknown"


def _list() -> int:
    import yaml

    repo = Path(__file__).resolve().parents[1]
    for folder, what in (("scenarios", "scenario"), ("experiments", "experiment")):
        print(f"{what}s ({folder}/):")
        for path in sorted((repo / folder).rglob("*.yaml")):
            try:
                description = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get(
                    "description", ""
                )
            except yaml.YAMLError:
                description = ""
            print(f"  {path.relative_to(repo / folder).as_posix():38} {description}")
    return EXIT_OK


def _params(pattern: str) -> int:
    from sim.docs import parameter_range, parameter_rows, parameter_unit

    rows = parameter_rows(pattern)
    if not rows:
        raise UsageError(f"chansim params: no parameter path contains {pattern!r}")
    for path, default, live, description in rows:
        facts = [default, parameter_range(path), parameter_unit(path), live]
        print(f"{path}  [{'; '.join(f for f in facts if f)}]  {description}")
    return EXIT_OK


def _dashboard(args: argparse.Namespace) -> int:
    from sim.dashboard.server import serve

    return serve(
        args.scenario, args.overrides, host=args.host, port=args.port, save_dir=args.save_dir
    )


def _validate(args: argparse.Namespace) -> int:
    scenario = _load(args)
    print(
        f"{args.scenario}: ok ({scenario.name}, {scenario.market.consumers:,} consumers, "
        f"{scenario.days} days)"
    )
    return EXIT_OK


def _scenario_overrides(args: argparse.Namespace) -> list[str]:
    """The changes a command line makes to a scenario file, as ``KEY=VALUE`` texts in the
    order they apply: the ``--set`` options, then ``--days`` and ``--seed``."""
    changes = list(args.overrides)
    for flag in ("days", "seed"):
        value = getattr(args, flag, None)
        if value is not None:
            changes.append(f"{flag}={value}")
    return changes


def check_parquet(args: argparse.Namespace) -> None:
    """Refuse ``--parquet`` before any work when pyarrow is not installed."""
    import importlib.util

    if getattr(args, "parquet", False) and importlib.util.find_spec("pyarrow") is None:
        raise UsageError(
            f"chansim {args.command}: --parquet needs pyarrow, which is not installed "
            "(install it with: python -m pip install 'chansim[parquet]')"
        )


def _run(args: argparse.Namespace) -> int:
    check_parquet(args)
    scenario = _load(args)

    from sim.progress import Progress
    from sim.results import default_out_dir, describe_overrides, run_model, write_results

    changes = _scenario_overrides(args)
    scenario = scenario.model_copy(
        update={"description": describe_overrides(scenario.description, changes)}
    )
    if args.out is not None:
        out = args.out
    else:
        out = default_out_dir(
            scenario, overrides=[c for c in changes if c.split("=")[0].strip() != "seed"]
        )
    check_out_dir(out)
    with Progress(
        scenario.name,
        total=scenario.days,
        unit="day",
        verb="simulated",
        note="building the market",
        enabled=not args.no_progress,
    ) as progress:

        def tick(days: int) -> None:
            progress.update(days)
            check_interrupted()

        model, timings = run_model(scenario, progress=tick, graph_cache_dir=graph_cache_dir())
        check_interrupted()
        progress.end_count()
        if out.exists():
            out.rmdir()
        summary = write_results(model, timings, out, stage=progress.stage, parquet=args.parquet)
    print(kpi_table(summary))
    print(f"results: {out}")
    return EXIT_OK


def _sweep(args: argparse.Namespace) -> int:
    from sim.experiments.plan import load_experiment

    check_parquet(args)
    plan = load_experiment(args.experiment, args.overrides)
    for warning in plan.warnings:
        print(f"warning: {warning}", file=sys.stderr)

    def headline(result: SweepResult) -> str:
        return (
            f"{plan.name}: {result.runs} runs ({len(plan.points)} points × {plan.replications} "
            f"replications): {result.done} done, {result.failed} failed; "
            f"{result.executed} run in {result.seconds:.1f} s"
        )

    return _run_plan(args, plan, headline, args.overrides)


def _report(args: argparse.Namespace) -> int:
    from sim.experiments.report import write_report
    from sim.experiments.store import consolidate
    from sim.experiments.sweep_data import ReportError, is_results_folder
    from sim.progress import Progress

    check_parquet(args)
    folder: Path = args.folder
    try:
        with Progress(folder.name, enabled=not args.no_progress) as progress:
            if folder.is_dir() and is_results_folder(folder):
                # the tables from the run files (an interrupted sweep has none)
                progress.stage("consolidating the tables")
                consolidate(folder)
            progress.stage("writing report and figures")
            path = write_report(folder)
    except ReportError as exc:
        raise UsageError(str(exc)) from None
    print(f"report: {path.with_name('report.html')} (also as Markdown: {path.name})")
    return EXIT_OK


def _compare(args: argparse.Namespace) -> int:
    from sim.experiments.compare import compare_plan, comparison_table, text_table
    from sim.experiments.sweep_data import load_results

    if len(args.scenarios) < 2:
        raise UsageError("chansim compare: give at least two scenario files")
    check_parquet(args)
    plan = compare_plan(
        list(args.scenarios),
        replications=args.replications,
        days=args.days,
        overrides=args.overrides,
        seed=args.seed,
    )

    def headline(result: SweepResult) -> str:
        data = load_results(result.folder)
        table = f"{text_table(data, comparison_table(data))}\n\n" if len(data.done) else ""
        return table + (
            f"{len(plan.points)} scenarios × {plan.replications} replications: {result.done} "
            f"done, {result.failed} failed; {result.executed} run in {result.seconds:.1f} s"
        )

    changes = [*args.overrides, *([f"days={args.days}"] if args.days is not None else [])]
    return _run_plan(args, plan, headline, changes)


def _run_plan(
    args: argparse.Namespace,
    plan: Plan,
    headline: Callable[[SweepResult], str],
    changes: list[str],
) -> int:
    """Run a sweep or comparison from the command line and say what happened.

    Without ``--out`` the folder is ``results/<name>``, with the command line's ``changes``
    (``KEY=VALUE``) in its name."""
    from sim.experiments.executors import ExecutorError
    from sim.experiments.sweep import SweepError, check_place, run_sweep
    from sim.results import results_name

    out = args.out if args.out is not None else Path("results") / results_name(plan.name, changes)
    try:
        check_place(out)
    except SweepError as exc:
        raise UsageError(str(exc)) from None
    created = not out.exists()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(
            f"{out}: cannot create it ({exc.strerror}; choose another --out)"
        ) from None
    check_writable(out, out)
    try:
        result = run_sweep(
            plan,
            out,
            workers=args.workers,
            dask=args.dask,
            resume=args.resume,
            progress=not args.no_progress,
            log=lambda message: print(message, file=sys.stderr),
        )
    except (SweepError, ExecutorError) as exc:
        if created and {p.name for p in out.iterdir()} <= {".lock"}:
            shutil.rmtree(out, ignore_errors=True)  # leave no empty folder behind
        raise UsageError(str(exc)) from None
    resume = _resume_command(args, out)
    if result.interrupted:
        print(
            f"interrupted: {result.done} of {result.runs} runs done and kept in {out}; "
            f"continue with: {resume}",
            file=sys.stderr,
        )
        return 130
    print(headline(result))
    if result.failed:
        print(
            f"{result.failed} runs failed (errors in {out / 'status.csv'}); "
            f"retry them with: {resume}",
            file=sys.stderr,
        )
    print(f"results: {out}")
    print(f"report: {out / 'report' / 'report.html'} (also as Markdown: report.md)")
    return EXIT_RUNS_FAILED if result.failed else EXIT_OK


def _resume_command(args: argparse.Namespace, out: Path) -> str:
    import shlex

    if args.command == "compare":
        parts = ["chansim", "compare", *map(str, args.scenarios)]
        parts += ["--replications", str(args.replications)]
        if args.days is not None:
            parts += ["--days", str(args.days)]
        if args.seed:
            parts += ["--seed", str(args.seed)]
    else:
        parts = ["chansim", "sweep", str(args.experiment)]
    for text in args.overrides:
        parts += ["--set", text]
    if args.workers is not None:
        parts += ["--workers", str(args.workers)]
    if args.dask is not None:
        parts += ["--dask", args.dask]
    if args.parquet:
        parts.append("--parquet")
    parts += ["--resume", "--out", str(out)]
    return shlex.join(parts)


def check_out_dir(out: Path) -> None:
    """Refuse, before running, a results folder that cannot be written or would overwrite."""
    if out.exists() and not out.is_dir():
        raise UsageError(f"{out}: already exists and is not a folder (choose another --out)")
    if out.exists() and any(out.iterdir()):
        raise UsageError(f"{out}: already exists and is not empty (choose another --out)")
    for parent in out.parents:
        if parent.exists():
            if not parent.is_dir():
                raise UsageError(f"{out}: {parent} is not a folder (choose another --out)")
            break
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"{out}: cannot create its folder ({exc.strerror})") from None
    check_writable(out.parent, out)


def check_writable(folder: Path, shown: Path) -> None:
    """Refuse, before any work, a folder in which a file cannot be created (read-only file
    systems, /proc, a full disk)."""
    import os
    import tempfile

    try:
        fd, probe = tempfile.mkstemp(prefix=".chansim-probe-", dir=folder)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise UsageError(
            f"{shown}: cannot write there ({exc.strerror or exc}; choose another --out)"
        ) from None


def graph_cache_dir() -> Path:
    """Graph cache folder: $CHANSIM_CACHE, else ~/.cache/chansim/graphs."""
    import os

    root = os.environ.get("CHANSIM_CACHE")
    return Path(root) if root else Path.home() / ".cache" / "chansim" / "graphs"


def kpi_table(summary: dict) -> str:
    """A short plain-text table of the KPIs by channel."""
    rows = [("channel", "units", "share", "consumer spend", "maker margin")]
    for ch in CHANNELS:
        e = summary["channels"][ch]
        if not e["enabled"]:
            continue
        rows.append(
            (
                ch,
                f"{e['units']:,}",
                f"{e['unit_share']:.1%}",
                f"{e['consumer_revenue']:,.0f}",
                f"{e['maker_margin']:,.0f}",
            )
        )
    from sim.results import align_columns

    lines = align_columns(rows)
    m = summary["manufacturer"]
    stores = summary["micro_stores"]
    lines.append("")
    lines.append(
        f"manufacturer profit {m['profit']:,.0f} | aware {summary['consumers_aware_end']:,} | "
        f"adopters {summary['adopters_end']:,} | identified {m['identified_customers']:,} | "
        f"stores active {stores['active_end']:,} (opened {stores['opened']:,})"
    )
    brands = summary.get("brands")
    if brands:
        first = next(iter(brands))
        rows = [("brand", "units", "market share", "via micro-stores", "profit", "stores")]
        for name, b in brands.items():
            rows.append(
                (
                    name,
                    f"{b['units_total']:,}",
                    f"{b['market_share']:.1%}",
                    f"{b['micro_store_share']:.1%}",
                    f"{b['profit']:,.0f}",
                    f"{b['active_stores_end']:,} of {b['stores_opened']:,}",
                )
            )
        lines += ["", f"brands (the rows above are {first}'s):", *align_columns(rows)]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
