"""The report of a sweep: statistics across replications, figures and a Markdown text.

:func:`write_report` reads a results folder (:mod:`sim.experiments.store`: ``experiment.yaml``,
``points.csv``, ``problem.json``, ``metadata.json``, ``status.csv``, ``summary.csv``,
``timeseries.csv``) and writes ``report/`` beside them — plain files in, plain files out, no
model objects:

``report.md``
    What was run (experiment, design, points, replications, days, seeds, versions, failed
    runs), then per point the mean and 95 % confidence interval of the key KPIs, the figures
    and how to read them.
``point_statistics.csv``
    ``point_id, label, source, kpi, n, mean, sd, ci_low, ci_high`` for every summary KPI
    (``source`` = ``summary``) and the last recorded value of every kept measurement
    (``source`` = ``last_value``).
``figures/*.png`` and tables by design
    time series with 95 % bands (every design with more than one recorded day); outputs by
    point (up to :data:`MAX_POINTS_BY_POINT` points); a heatmap per output (two-parameter
    ``grid``); a tornado chart per output and ``tornado.csv`` (``oat``); Sobol' first-order
    and total indices with confidence intervals, ``sobol_indices.csv`` (``salib_sobol``);
    Morris μ* and σ, ``morris_indices.csv`` (``morris``); scatter plots of each output against
    each parameter (sampled designs and grids of more than two parameters); the scenario
    comparison (``scenarios``, see :mod:`sim.experiments.compare`).

Statistics (:func:`sim.experiments.statistics.mean_ci`): over the finished replications of a
point with a value (a missing or non-finite value, e.g. the collapse day of a pyramid that did
not collapse, is left out and ``n`` says how many remain): mean, sample standard deviation
(ddof 1) and the Student t interval ``mean ± t(0.975, n − 1) · sd / √n``; with n = 1 there is
no interval (empty cells).

Sensitivity indices are computed on the point means: the replications of each point are
averaged first, and the means are passed to SALib in point order (the design's order), with
the bootstrap seeded by the experiment's root seed.

The KPIs are the experiment's ``outputs`` (the first is the main KPI); by default the maker's
profit (the main KPI), units by enabled channel, identified customers, the top-20 % stores'
share of store sales, and, when present, the screen-spam measures (mean trust, muted and
blocked shares, detractors, sales per post) and the pyramid measures (share of agents at a
loss, stranded stock, collapse day).
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pandas as pd

from sim.experiments import compare, findings, narrative
from sim.experiments.charts import (
    Figure,
    heatmap_figures,
    interaction_figures,
    level_names,
    outputs_by_point_figure,
    scatter_figures,
    short,
    timeseries_figures,
)
from sim.experiments.html import report_html
from sim.experiments.sensitivity import morris, sobol, tornado
from sim.experiments.sweep_data import SweepData, kpi_name, load_results, point_statistics
from sim.experiments.tables import cell, md_table

REPORT_DIR = "report"
FIGURES_DIR = "figures"
MAX_TABLE_ROWS = 40
"""Points up to which the report's KPI table lists every point (else the best and worst)."""
SAMPLED = ("lhs", "sobol_qmc", "halton", "salib_sobol", "morris")


# --------------------------------------------------------------------------- the report


def write_report(folder: Path) -> Path:
    """Write ``folder/report/`` (report.md, point_statistics.csv, figures, tables).

    The report is written under a temporary name and renamed into place, replacing an older
    one.

    Args:
        folder: A sweep's results folder.

    Returns:
        The path of ``report.md``.

    Raises:
        ReportError: If the folder is not a sweep's results folder.
    """
    folder = Path(folder)
    data = load_results(folder)
    staging = folder / f".{REPORT_DIR}.tmp-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / FIGURES_DIR).mkdir(parents=True)
    try:
        text = _build(data, staging)
        (staging / "report.md").write_text(text, encoding="utf-8")
        page = report_html(text, staging, narrative.title(data))
        (staging / "report.html").write_text(page, encoding="utf-8")
        target = folder / REPORT_DIR
        old = folder / f".{REPORT_DIR}.old-{os.getpid()}"
        if target.exists():
            os.replace(target, old)
        os.replace(staging, target)
        shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return folder / REPORT_DIR / "report.md"


def _build(data: SweepData, out: Path) -> str:
    """Write the tables and figures into ``out``; return the Markdown text."""
    figures_dir = out / FIGURES_DIR
    stats = point_statistics(data)
    stats.to_csv(out / "point_statistics.csv", index=False, lineterminator="\n")
    notes: list[str] = []
    sections: list[tuple[str, list[Figure]]] = []
    tables: list[tuple[str, str]] = [
        ("point_statistics.csv", "per point and KPI: n, mean, sd, 95 % interval")
    ]
    comparison = ""
    drawn: list[str] = []
    design = data.design
    profit = narrative.profit_table(data) if len(data.done) and len(data.points) <= 6 else None
    profit_figures: list[Figure] = []
    if profit is not None and len(profit):
        profit.to_csv(out / "profit_decomposition.csv", index=False, lineterminator="\n")
        tables.append(
            ("profit_decomposition.csv", "per scenario: the maker's revenue and costs, means")
        )
        profit_figures = narrative.profit_figure(data, profit, figures_dir)
    if design == "scenarios" and len(data.done):
        table = compare.comparison_table(data)
        table.to_csv(out / "comparison.csv", index=False, lineterminator="\n")
        tables.append(("comparison.csv", "per scenario and KPI: n, mean, sd, 95 % interval"))
        comparison = compare.comparison_markdown(data, table)
        figs, drawn = compare.comparison_figures(data, figures_dir)
        sections.append(("Scenarios compared", figs))
    if data.outputs and len(data.done):
        if design == "grid" and len(data.parameters) == 2:
            sections.append(("Heatmaps", heatmap_figures(data, figures_dir)))
        if design == "grid" and len(data.parameters) >= 2:
            sections.append(("Interactions", interaction_figures(data, figures_dir)))
        if design == "oat":
            figs, table = tornado(data, figures_dir)
            table.to_csv(out / "tornado.csv", index=False, lineterminator="\n")
            tables.append(("tornado.csv", "per output and parameter: the effect of low and high"))
            sections.append(("One at a time", figs))
        if design == "salib_sobol":
            figs, table, pairs, more = sobol(data, figures_dir)
            table.to_csv(out / "sobol_indices.csv", index=False, lineterminator="\n")
            tables.append(("sobol_indices.csv", "per output and parameter: S1, ST and intervals"))
            if data.problem.get("calc_second_order"):
                pairs.to_csv(out / "sobol_second_order.csv", index=False, lineterminator="\n")
                tables.append(("sobol_second_order.csv", "per output and pair: S2"))
            sections.append(("Sobol' sensitivity indices", figs))
            notes += more
        if design == "morris":
            figs, table, more = morris(data, figures_dir)
            table.to_csv(out / "morris_indices.csv", index=False, lineterminator="\n")
            tables.append(("morris_indices.csv", "per output and parameter: μ, μ*, σ"))
            sections.append(("Morris screening", figs))
            notes += more
        if design in SAMPLED or (design == "grid" and len(data.parameters) > 2):
            sections.append(("Outputs against parameters", scatter_figures(data, figures_dir)))
        sections.append(("Outputs by point", outputs_by_point_figure(data, figures_dir)))
    figs, more = timeseries_figures(data, figures_dir, skip=drawn)
    sections.append(("Time series", figs))
    notes += more
    return _markdown(data, out, sections, tables, notes, comparison, profit, profit_figures)


def _markdown(
    data: SweepData,
    out: Path,
    sections: list[tuple[str, list[Figure]]],
    tables: list[tuple[str, str]],
    notes: list[str],
    comparison: str,
    profit: pd.DataFrame | None = None,
    profit_figures: list[Figure] | None = None,
) -> str:
    exp, meta = data.experiment, data.metadata
    name = exp.get("name", data.folder.name)
    lines = [f"# {narrative.title(data)}", ""]
    if exp.get("description"):
        lines += [str(exp["description"]), ""]
    reps = int(exp.get("replications", 1))
    lines += [
        f"Experiment `{name}`: {len(data.points):,} "
        f"{'scenarios' if data.design == 'scenarios' else 'points'} × {reps} replication"
        f"{'s' if reps != 1 else ''}, {len(data.done):,} runs finished"
        + (f", finished {meta['finished']}" if meta.get("finished") else "")
        + '. Technical details are under "What was run" at the end.',
        "",
    ]
    if reps < narrative.MIN_REPLICATIONS:
        lines += [
            f"**Warning: {reps} replication{'s' if reps != 1 else ''} per point.** Fewer than "
            f"{narrative.MIN_REPLICATIONS} give unreliable intervals or none; see the caveats.",
            "",
        ]
    failed = data.summary[data.summary["status"] != "done"]
    if meta.get("status") == "interrupted" or len(data.summary) < int(meta.get("runs", 0)):
        lines += [
            f"**Partial results:** {len(data.done)} of {meta.get('runs', '?')} runs are done "
            "(the sweep was interrupted or is still running); `chansim sweep … --resume` "
            "completes it.",
            "",
        ]
    if len(failed):
        lines += [f"**{len(failed)} runs failed** and are left out of every statistic:", ""]
        rows = [[r, data.errors.get(r, "")] for r in failed["run_id"]]
        lines += [md_table(["run", "error"], rows[:20]), ""]
        if len(rows) > 20:
            lines += [f"… and {len(rows) - 20} more (see `status.csv`).", ""]
    if data.missing_outputs:
        lines += [
            "**Outputs not produced by any run** (not columns of `summary.csv`, so left out): "
            + ", ".join(f"`{k}`" for k in data.missing_outputs),
            "",
        ]
    if data.design == "scenarios":
        lines += narrative.headline(data)
    else:
        lines += findings.answer(data)
    lines += narrative.simulated(data)
    if comparison:
        lines += [comparison, ""]
        lines += narrative.differences_table(data)
    else:
        lines += _results_by_point(data)
    lines += narrative.per_thousand(data)
    if profit is not None:
        lines += narrative.profit_markdown(data, profit)
        for figure in profit_figures or []:
            rel = figure.path.relative_to(out).as_posix()
            lines += [f"![{figure.title}]({rel})", "", f"How to read: {figure.note}", ""]
    for title, figures in sections:
        if not figures:
            continue
        lines += [f"## {title}", ""]
        shared = len({f.note for f in figures}) == 1 and len(figures) > 1
        if shared:
            lines += [f"How to read: {figures[0].note}", ""]
        for figure in figures:
            rel = figure.path.relative_to(out).as_posix()
            lines += [f"### {figure.title}", "", f"![{figure.title}]({rel})", ""]
            if not shared:
                lines += [f"How to read: {figure.note}", ""]
    if notes:
        lines += ["## Notes", ""] + [f"- {n}" for n in notes] + [""]
    lines += narrative.caveats(data)
    lines += ["## What was run", "", md_table(["", ""], _run_facts(data)), ""]
    lines += ["## Files", ""]
    lines += [f"- `{f}`: {what}" for f, what in tables]
    lines += [
        "- `report.html`: this report as one file with its figures, to open offline or send on",
        "- `../summary.csv`: one row per run (parameters and every summary KPI); "
        "`../timeseries.csv`: the kept measurements of every run by day; `../points.csv`: the "
        "design's points.",
        "",
        "Statistics are over the finished replications of each point: the mean, the sample "
        "standard deviation and the 95 % Student t confidence interval of the mean "
        "(mean ± t(0.975, n−1)·sd/√n), cut to the range the KPI can take (shares in [0, 1], "
        "counts and days ≥ 0; cutting keeps the coverage, since the true mean lies in that "
        "range). A missing value (e.g. the collapse day of a pyramid that "
        "did not collapse) is left out, and `n` says how many runs remain."
        + (
            " Sensitivity indices are computed on the point means (replications averaged "
            "first), in the design's point order."
            if data.design in ("salib_sobol", "morris")
            else ""
        ),
        "",
    ]
    return "\n".join(lines)


def _run_facts(data: SweepData) -> list[list[str]]:
    exp, meta, problem = data.experiment, data.metadata, data.problem
    done, total = len(data.done), int(meta.get("runs", len(data.summary)))
    facts = [["experiment", f"`{exp.get('name', data.folder.name)}`"]]
    facts.append(["design", _design_text(data)])
    facts.append(["points", f"{len(data.points):,}"])
    facts.append(["replications", f"{exp.get('replications', 1)} per point"])
    facts.append(["runs", f"{total:,} ({done:,} done, {total - done:,} not done or failed)"])
    every = (exp.get("record") or {}).get("every", 1)
    kept = (
        "only the last day"
        if every == "end"
        else ("every day" if every == 1 else f"every {every} days and the last day")
    )
    days = exp.get("days")
    if "days_simulated" in data.done.columns and len(data.done):
        simulated = data.done["days_simulated"]
        if simulated.nunique() > 1:
            kept += f"; runs lasted {int(simulated.min())}–{int(simulated.max())} days"
    facts.append(["days", f"{days} (measurements kept {kept})"])
    if "consumers" in data.done.columns and len(data.done):
        sizes = sorted({int(c) for c in data.done["consumers"].dropna()})
        facts.append(["consumers", ", ".join(f"{c:,}" for c in sizes)])
    if exp.get("base"):
        facts.append(["base scenario", f"`{exp['base']}`"])
    if exp.get("overrides"):
        facts.append(
            ["overrides", ", ".join(f"`{k}={json.dumps(v)}`" for k, v in exp["overrides"].items())]
        )
    if exp.get("stop"):
        facts.append(["early stop", f"`{json.dumps(exp['stop'])}`"])
    crn = bool(exp.get("common_random_numbers", False))
    facts.append(
        [
            "seeds",
            f"root seed {meta.get('root_seed', exp.get('seed'))}; each run's seed from "
            + (
                "`SeedSequence(root, spawn_key=(0, replication))`: common random numbers, "
                "replication r of every point ran with the same seed"
                if crn
                else "`SeedSequence(root, spawn_key=(point, replication))`"
            )
            + " (column `seed` of `summary.csv`)",
        ]
    )
    outputs = data.outputs
    facts.append(
        [
            "KPIs",
            ", ".join(f"`{k}`" for k in outputs)
            + (" (the experiment's outputs)" if exp.get("outputs") else " (default)")
            + (f"; main KPI `{outputs[0]}`" if outputs else ""),
        ]
    )
    executor = meta.get("executor")
    if executor:
        workers = meta.get("workers")
        facts.append(["executor", f"{executor}, {workers} worker{'s' if workers != 1 else ''}"])
    if meta.get("started"):
        facts.append(["started / finished", f"{meta.get('started')} / {meta.get('finished')}"])
    versions = meta.get("versions") or {}
    if versions:
        facts.append(["versions", ", ".join(f"{k} {v}" for k, v in versions.items())])
    if meta.get("git_revision"):
        dirty = " (with uncommitted changes)" if meta.get("git_dirty") else ""
        facts.append(["git revision", f"`{meta['git_revision']}`{dirty}"])
    if meta.get("experiment_sha256"):
        facts.append(["experiment sha256", f"`{meta['experiment_sha256']}`"])
    del problem
    return facts


def _design_text(data: SweepData) -> str:
    from sim.experiments.designs import format_value

    problem, design = data.problem, data.design
    names = list(problem.get("names", []))
    if design == "scenarios":
        return f"scenarios: {len(data.points)} scenario files compared side by side"
    if not names:
        return "the base scenario alone"
    if design == "grid":
        parts = []
        for path in names:
            levels, labels = level_names(data, path)
            parts.append(f"`{path}` ({len(levels)} values: {', '.join(labels)})")
        return "full grid over " + "; ".join(parts)
    if design == "oat":
        bounds = problem.get("bounds", [])
        parts = [
            f"`{p}` ({format_value(b[0])} / {format_value(b[1])})"
            for p, b in zip(names, bounds, strict=False)
        ]
        return "one at a time around the base values (baseline, then low / high): " + ", ".join(
            parts
        )
    if design in SAMPLED:
        bounds = problem.get("bounds", [])
        ranges = ", ".join(
            f"`{p}` in [{format_value(b[0])}, {format_value(b[1])}]"
            for p, b in zip(names, bounds, strict=False)
        )
        what = {
            "lhs": f"Latin hypercube, {problem.get('samples')} samples",
            "sobol_qmc": f"Sobol' sequence, {problem.get('samples')} samples",
            "halton": f"Halton sequence, {problem.get('samples')} samples",
            "salib_sobol": "Saltelli's scheme for Sobol' indices, "
            f"N = {problem.get('base_samples')}"
            + (" with second-order indices" if problem.get("calc_second_order") else ""),
            "morris": f"Morris, {problem.get('trajectories')} trajectories on "
            f"{problem.get('num_levels')} levels",
        }[design]
        return f"{what}: {ranges}"
    return f"{len(data.points)} hand-picked points over " + ", ".join(f"`{p}`" for p in names)


def _results_by_point(data: SweepData) -> list[str]:
    if not data.outputs:
        return ["## Results by point", "", "No KPI has a value: no run finished.", ""]
    labels = data.labels()
    ids = list(labels)
    runs = data.done.groupby("point_id").size().to_dict()
    stats = {key: data.point_stats(key) for key in data.outputs}
    lines = ["## Results by point", ""]
    reps = int(data.experiment.get("replications", 1))
    if reps == 1:
        lines += [
            "One replication per point: the tables give single runs' values and **no "
            "confidence intervals** (an interval needs at least two replications).",
            "",
        ]
    else:
        lines += [
            f"Mean over the {reps} replications of each point and, in brackets, the 95 % "
            "confidence interval of that mean (Student t). `[n=k of N]` marks a KPI some runs "
            "have no value for.",
            "",
        ]
    shown = ids
    if len(ids) > MAX_TABLE_ROWS and data.main is not None:
        means = data.point_means(data.main)
        order = [ids[i] for i in np.argsort(-np.nan_to_num(means, nan=-np.inf), kind="stable")]
        shown = order[:10] + order[-10:]
        lines += [
            f"{len(ids)} points: the 10 best and the 10 worst by `{data.main}` (all points are in "
            "`point_statistics.csv`).",
            "",
        ]
    if len(shown) <= 6:
        header = ["KPI", *(short(labels[p], 30) for p in shown)]
        rows = [
            [kpi_name(key), *(cell(stats[key][p], runs.get(p, 0)) for p in shown)]
            for key in data.outputs
        ]
    else:
        header = ["point", *(kpi_name(k) for k in data.outputs)]
        rows = [
            [f"{p}: {labels[p]}", *(cell(stats[key][p], runs.get(p, 0)) for key in data.outputs)]
            for p in shown
        ]
    lines += [md_table(header, rows), ""]
    return lines
