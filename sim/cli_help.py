"""The command line's words: each command's one-line help, description and examples (on the
shipped files), and how the examples are laid out under ``Examples:``.
"""

from __future__ import annotations

HELP: dict[str, tuple[str, str, list[str]]] = {
    "run": (
        "run a scenario and write its results folder",
        "Run one scenario for its number of days and write a results folder: the daily time "
        "series (timeseries.csv), one row per micro-store (stores.csv), the events applied, "
        "the end-of-run KPIs (summary.json), the fully resolved scenario (scenario.yaml: "
        "running it again reproduces the time series byte for byte) and figures; then print a "
        "KPI table by channel. Without --out the folder is results/<name>-seed<seed>, with the "
        "--set and --days overrides in its name (results/three_channels-consumers2000-days5-"
        "seed0), numbered -2, -3, ... if it exists; the overrides are also appended to the "
        "scenario's description. Progress (days, then writing tables and figures) is shown on "
        "stderr when it is a terminal.",
        [
            "chansim run scenarios/three_channels.yaml",
            "chansim run scenarios/three_channels.yaml --set market.consumers=2000 --days 5",
            "chansim run scenarios/spam_vs_community.yaml "
            "--set channels.b2c2c.rebate_rate=0.08 --seed 1 --out results/spam-rebate8",
        ],
    ),
    "validate": (
        "check a scenario without running it",
        "Read a scenario file (following its extends chain), apply the --set, --seed and --days "
        "overrides and check every parameter, without running anything or writing any file. "
        "Prints one ok line with the name, market size and days, or one line per problem "
        "(file:line: dotted.path: message) with exit code 2; events dated after the last day "
        "are reported as warnings.",
        [
            "chansim validate scenarios/three_channels.yaml",
            "chansim validate scenarios/offline_shutdown_2020.yaml --days 60",
            "chansim validate scenarios/pyramid_regulated.yaml --set market.consumers=20000",
        ],
    ),
    "sweep": (
        "run an experiment: many runs over a design of points",
        "Run an experiment file: every point of its design (a grid, hand-picked points, one "
        "at a time, Latin hypercube, Sobol', Morris, or whole scenario files), each "
        "'replications' times with its own seed, on all cores, a single process or a Dask "
        "cluster. Each run is kept as it finishes, so Ctrl-C loses nothing and --resume "
        "continues; at the end the tables (timeseries.csv, summary.csv, and Parquet copies "
        "when pyarrow is installed) and the report (report/report.md) are written. Without "
        "--out the folder is results/<name>, with the --set changes in its name "
        "(results/rebate_level-replications2-consumers20000). Progress (runs, then "
        "consolidating the tables and writing the report) is shown on stderr when it is a "
        "terminal.",
        [
            "chansim sweep experiments/rebate_level.yaml",
            "chansim sweep experiments/rebate_vs_spam.yaml --set replications=2 "
            "--set overrides.market.consumers=20000 --workers 2",
            "chansim sweep experiments/rollout_order.yaml --resume --out results/rollout_order",
        ],
    ),
    "compare": (
        "run scenarios side by side with replications and compare their KPIs",
        "Run two or more scenario files side by side, each --replications times with common "
        "random numbers (replication r of every scenario has the same seed), and write one "
        "report, report/report.html (self-contained) and report.md: the headline, what was "
        "simulated, a KPI table by scenario with 95 % confidence intervals (printed too), "
        "paired differences from the first scenario, the maker's profit decomposed, overlaid "
        "figures with confidence bands, and the caveats. --set and --days apply to "
        "every scenario. Without --out the folder is results/compare-<names>, with the --set "
        "and --days overrides in its name. Progress (runs, then consolidating the tables and "
        "writing the report) is shown on stderr when it is a terminal.",
        [
            "chansim compare scenarios/b2b2c_only.yaml scenarios/b2c_only.yaml "
            "scenarios/b2c2c_only.yaml scenarios/three_channels.yaml --replications 3",
            "chansim compare scenarios/spam_vs_community.yaml scenarios/spam_crackdown.yaml "
            "--days 120 --set market.consumers=20000",
            "chansim compare scenarios/employee_first_rollout.yaml scenarios/public_rollout.yaml "
            "--workers 1 --seed 7",
        ],
    ),
    "report": (
        "(re)write the report of a sweep's results folder",
        "Write again the report of a results folder of chansim sweep or chansim compare: the "
        "tables are first rebuilt from the run files (so an interrupted sweep gets a report of "
        "the runs it finished), then report/report.md with per-point means and 95 % "
        "intervals, time series with bands, and the design's figures (heatmaps, tornado, "
        "Sobol', Morris, scatter), replacing the old report. Progress is shown on stderr when "
        "it is a terminal.",
        [
            "chansim sweep experiments/rebate_level.yaml && chansim report results/rebate_level",
            "chansim report results/compare-b2b2c_only-b2c_only-b2c2c_only-three_channels",
            "chansim report results/rollout_order --parquet",
        ],
    ),
    "list": (
        "the shipped scenarios and experiments, with their descriptions",
        "List the shipped scenarios (scenarios/) and experiments (experiments/), one a line, "
        "with the description each file gives.",
        ["chansim list", "chansim list | grep rebate"],
    ),
    "params": (
        "scenario parameters: path, default, live (settable by events) or fixed",
        "Show every scenario parameter whose dotted path contains PATTERN (all without one): "
        "its path, its default, whether a 'set' event may change it during a run (live) or "
        "not (fixed), and what it means. The paths are those of --set and of scenario files.",
        [
            "chansim params rebate",
            "chansim params market.consumers",
            "chansim params",
        ],
    ),
    "dashboard": (
        "watch a scenario live in a browser, with controls and guided lessons",
        "Start the classroom dashboard (a Solara app) and print its address; Ctrl-C stops it. "
        "SCENARIO is a scenario file or a lesson: free, bullwhip, spam, pyramid, shutdown "
        "(default: free, the three-channel market at 20,000 consumers). The page shows the "
        "lesson, KPI tiles, charts and a network view, with play, step, reset and controls "
        "that become scenario events; it listens on 127.0.0.1 unless --host says otherwise.",
        [
            "chansim dashboard spam",
            "chansim dashboard scenarios/lessons/bullwhip.yaml --port 0",
            "chansim dashboard scenarios/three_channels.yaml --set market.consumers=5000",
        ],
    ),
}
"""Per command: the one-line help, the description and example command lines (shipped files)."""


def epilog(examples: list[str], width: int = 78) -> str:
    """``Examples:`` and the command lines, a long one continued with ``\\`` (as in a shell)."""
    lines = ["Examples:"]
    for example in examples:
        words: list[str] = []
        for word in example.split(" "):
            if words and words[-1].startswith("--") and " " not in words[-1] and word[:1] != "-":
                words[-1] += " " + word  # an option stays with its value
            else:
                words.append(word)
        line = " "
        for word in words:
            if len(line) + 1 + len(word) > width - 2 and line.strip():
                lines.append(line + " \\")
                line = "     "
            line += " " + word
        lines.append(line)
    return "\n".join(lines)
