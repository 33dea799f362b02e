"""Serving the dashboard: check the scenario, then run Solara's server on one address.

The scenario (or lesson) is validated here first, so bad input gets the usual one-line error and
exit code 2 before any server starts. The page reads its scenario from environment variables
(:mod:`sim.dashboard.app`), which the server process inherits. Solara's front end is served
from the ``solara-assets`` package (pinned to the ``solara`` version), so the page needs nothing
from outside the local server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import yaml

from sim.dashboard.app import ENV_OVERRIDES, ENV_SAVE_DIR, ENV_SCENARIO
from sim.dashboard.lessons import BY_KEY
from sim.loading import load_scenario


def environment(scenario: str, overrides: list[str], save_dir: Path) -> dict[str, str]:
    """The variables that tell the page what to open, after checking the scenario loads.

    Raises:
        ScenarioError: If the scenario file or an override is bad.
    """
    if scenario in BY_KEY:
        lesson = BY_KEY[scenario]
        load_scenario(lesson.scenario, [*lesson.overrides, *overrides])
        target = scenario
    else:
        load_scenario(scenario, overrides)
        target = str(Path(scenario).resolve())
    env = dict(os.environ)
    env[ENV_SCENARIO] = target
    env[ENV_OVERRIDES] = yaml.safe_dump(list(overrides))
    env[ENV_SAVE_DIR] = str(save_dir.resolve())
    env.setdefault("SOLARA_TELEMETRY_MIXPANEL_ENABLE", "False")
    return env


def command(host: str, port: int) -> list[str]:
    """The ``solara run`` command line for the page."""
    return [
        sys.executable,
        "-m",
        "solara",
        "run",
        "sim.dashboard.app",
        "--host",
        host,
        "--port",
        str(port),
        "--production",
        "--no-open",
        "--log-level",
        "warning",
    ]


def serve(scenario: str, overrides: list[str], *, host: str, port: int, save_dir: Path) -> int:
    """Validate, print the address and serve until interrupted.

    The server replaces this process (``exec``), so stopping ``chansim dashboard`` (Ctrl-C, or
    a signal to its process id) stops the server too; nothing is left running.
    """
    env = environment(scenario, overrides, save_dir)
    print(f"chansim dashboard: http://{host}:{port}/ (Ctrl-C to stop)", flush=True)
    args = command(host, port)
    os.execve(args[0], args, env)
    return 0  # not reached
