"""Property-based fuzzing of scenario and experiment files (Hypothesis).

Valid shipped files are mutated — keys dropped, duplicated, retyped or nested, numbers made
extreme, strings given odd unicode, values replaced by YAML aliases — and loaded as the command
line loads them. The property: loading either succeeds or raises ``ScenarioError`` whose every
problem is one line; a scenario that loads and is small builds and runs two days without error.
Nothing else (no other exception, no traceback) may come out.

CI runs ``CHANSIM_FUZZ_EXAMPLES`` examples per test (default 150); set it higher to fuzz more,
e.g. ``CHANSIM_FUZZ_EXAMPLES=5000 python -m pytest tests/robustness/test_fuzz.py``.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from sim.experiments.plan import load_experiment  # noqa: E402
from sim.loading import load_scenario  # noqa: E402
from sim.model import ChannelModel  # noqa: E402
from sim.validation import ScenarioError  # noqa: E402

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = int(os.environ.get("CHANSIM_FUZZ_EXAMPLES", "150"))
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

SCENARIO_SEEDS = [
    "three_channels.yaml",
    "spam_vs_community.yaml",
    "pyramid_unregulated.yaml",
    "offline_shutdown_2020.yaml",
    "lessons/bullwhip.yaml",
]
EXPERIMENT_SEEDS = [
    "rebate_level.yaml",
    "tiers_and_lead_time.yaml",
    "participation_sensitivity.yaml",
]

ODD_VALUES = st.one_of(
    st.sampled_from(
        [
            0,
            -1,
            1,
            2**31,
            -(2**63),
            10**30,
            1e308,
            -1e308,
            1e-320,
            0.5,
            -0.0,
            float("inf"),
            float("-inf"),
            float("nan"),
            True,
            False,
            None,
            "",
            "0",
            "1e3",
            "ñandú 中文 🙂",
            "\u202e\u0000",
            "../../etc",
            "a" * 300,
            [],
            {},
            [1, 2],
            {"a": 1},
            [[[[]]]],
        ]
    ),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=20),
).map(copy.deepcopy)  # fmt: skip  (never share the mutable samples between examples)


def read(path: Path) -> dict[str, Any]:
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def paths(data: Any, prefix: tuple = ()) -> list[tuple]:
    """Every key path of nested mappings and lists."""
    found = []
    if isinstance(data, dict):
        for k, v in data.items():
            found.append((*prefix, k))
            found += paths(v, (*prefix, k))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            found.append((*prefix, i))
            found += paths(v, (*prefix, i))
    return found


def parent_of(data: Any, path: tuple) -> Any:
    for part in path[:-1]:
        data = data[part]
    return data


@st.composite
def mutated(draw: st.DrawFn, seeds: list[str], folder: Path) -> str:
    """YAML text of a shipped file with a few random mutations."""
    name = draw(st.sampled_from(seeds))
    data = copy.deepcopy(read(folder / name))
    if "extends" in data:
        data["extends"] = str((folder / name).parent / data["extends"])
        # mostly small markets, so that a scenario that loads is also built and run
        data.setdefault("market", {})["consumers"] = draw(st.sampled_from([300, 800, 20000]))
    if "base" in data:
        data["base"] = str((folder / name).parent / data["base"])
    if "scenario_files" in data.get("design", {}):
        data["design"]["scenario_files"] = [
            str((folder / name).parent / f) for f in data["design"]["scenario_files"]
        ]
    for _ in range(draw(st.integers(1, 4))):
        keys = paths(data)
        if not keys:
            data = {draw(st.text(max_size=8)): draw(ODD_VALUES)}
            continue
        path = draw(st.sampled_from(keys))
        parent = parent_of(data, path)
        key = path[-1]
        action = draw(st.sampled_from(["drop", "retype", "nest", "duplicate", "new", "list"]))
        if action == "drop":
            del parent[key]
        elif action == "retype":
            parent[key] = draw(ODD_VALUES)
        elif action == "nest":
            parent[key] = {"nested": parent[key]}
        elif action == "duplicate" and isinstance(parent, dict):
            parent[f"{key}_copy"] = copy.deepcopy(parent[key])
        elif action == "new" and isinstance(parent, dict):
            parent[draw(st.text(max_size=12))] = draw(ODD_VALUES)
        elif action == "list":
            parent[key] = [parent[key]] * draw(st.integers(0, 3))
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
    if draw(st.booleans()) and ":" in text:  # add an alias to an anchored value
        text = "anchor: &x [1, 2, 3]\n" + text.replace(": ", ": *x\n#", 1)
    return text


def check_problems(exc: ScenarioError) -> None:
    assert exc.problems, "a ScenarioError without problems"
    for problem in exc.problems:
        line = str(problem)
        assert "\n" not in line and len(line) < 600, line


@SETTINGS
@given(data=st.data())
def test_mutated_scenarios_load_or_fail_in_one_line(tmp_path_factory, data) -> None:
    text = data.draw(mutated(SCENARIO_SEEDS, REPO / "scenarios"))
    path = tmp_path_factory.mktemp("fuzz") / "s.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        scenario = load_scenario(path)
    except ScenarioError as exc:
        event("refused")
        check_problems(exc)
        return
    event("loaded")
    if scenario.market.consumers <= 2000:
        event("built and ran two days")
        short = scenario.model_copy(update={"days": 2})
        ChannelModel(short).run_for(2)


@SETTINGS
@given(data=st.data())
def test_mutated_experiments_load_or_fail_in_one_line(tmp_path_factory, data) -> None:
    text = data.draw(mutated(EXPERIMENT_SEEDS, REPO / "experiments"))
    path = tmp_path_factory.mktemp("fuzz") / "e.yaml"
    path.write_text(text, encoding="utf-8")
    try:
        load_experiment(path, [])
    except ScenarioError as exc:
        event("refused")
        check_problems(exc)
        return
    event("loaded")
