"""Hostile input gets one located line and exit code 2, never a traceback or a silently wrong
run: markets too small for their graph, non-finite numbers, edge lists with a header, names
that would write outside ``results/``, events after the last day, YAML alias bombs, deep
``extends`` chains and nesting, unbounded files, huge designs and worker counts.

Each test runs the real command line in a subprocess (``python -m sim.cli``).
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


def chansim(
    *args: str, cwd: Path | None = None, timeout: float = 120
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd or REPO,
        timeout=timeout,
    )


def assert_refused(proc: subprocess.CompletedProcess, *words: str) -> str:
    """Exit 2, a short error naming the problem, no traceback."""
    assert proc.returncode == 2, (proc.returncode, proc.stdout[-500:], proc.stderr[-2000:])
    assert "Traceback" not in proc.stderr, proc.stderr[-2000:]
    lines = proc.stderr.strip().splitlines()
    assert 1 <= len(lines) <= 3, proc.stderr
    for word in words:
        assert word in proc.stderr, proc.stderr
    return proc.stderr


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- small markets


@pytest.mark.parametrize(
    ("graph", "consumers"),
    [
        ("{type: ring, k: 4}", 2),
        ("{type: ring, k: 4}", 4),
        ("{type: watts_strogatz, k: 6}", 5),
        ("{type: stochastic_block, communities: 4}", 2),
        ("{type: stochastic_block, communities: 4}", 8),
        ("{type: erdos_renyi, mean_degree: 8}", 2),
        ("{type: powerlaw_cluster, m: 5}", 3),
        ("{type: barabasi_albert, m: 5}", 4),
    ],
)
def test_a_market_too_small_for_its_graph_is_refused_by_validate_and_run(
    tmp_path, graph, consumers
) -> None:
    s = write(
        tmp_path / "small.yaml",
        f"extends: {REPO}/scenarios/b2c_only.yaml\nmarket:\n  consumers: {consumers}\n"
        f"graph: {graph}\ndays: 3\n",
    )
    for command in ("validate", "run"):
        args = [command, str(s)] + (["--out", str(tmp_path / "out")] if command == "run" else [])
        err = assert_refused(chansim(*args), "small.yaml")
        assert "market.consumers" in err or "graph." in err
        assert not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- non-finite numbers


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("diffusion:\n  imitation_rate_per_year: .inf\n", "diffusion.imitation_rate_per_year"),
        ("choice:\n  channel_constants:\n    offline: .nan\n", "choice.channel_constants.offline"),
        ("product:\n  unit_cost: .inf\n", "product.unit_cost"),
        ("product:\n  unit_cost: -.inf\n", "product.unit_cost"),
        (
            "events:\n  - day: 3\n    action: set\n    values: {channels.b2c.price: .nan}\n",
            "events.0.values.channels.b2c.price",
        ),
    ],
)
def test_infinite_and_nan_values_are_refused(tmp_path, text, field) -> None:
    s = write(tmp_path / "s.yaml", f"extends: {REPO}/scenarios/three_channels.yaml\n{text}")
    err = assert_refused(chansim("validate", str(s)), field)
    assert "finite" in err


# --------------------------------------------------------------------------- edge lists


def test_an_edge_list_header_is_not_an_edge(tmp_path) -> None:
    edges = write(tmp_path / "edges.csv", "source,target,weight\n0,1,1\n1,2,1\n2,0,1\n2,3,1\n")
    s = write(
        tmp_path / "s.yaml",
        f"extends: {REPO}/scenarios/b2c_only.yaml\ngraph: {{type: edgelist, path: edges.csv}}\n"
        "market: {consumers: 4}\ndays: 2\n",
    )
    proc = chansim("validate", str(s))
    assert proc.returncode == 0, proc.stderr
    assert "4 consumers" in proc.stdout
    assert edges.exists()


def test_names_as_labels_are_still_read_as_edges(tmp_path) -> None:
    """Labels may be any words: a first line of names is an edge, not a header."""
    write(tmp_path / "edges.csv", "alice,bob\nbob,carol\ncarol,alice\n")
    s = write(
        tmp_path / "s.yaml",
        f"extends: {REPO}/scenarios/b2c_only.yaml\ngraph: {{type: edgelist, path: edges.csv}}\n"
        "market: {consumers: 3}\n",
    )
    proc = chansim("validate", str(s))
    assert proc.returncode == 0 and "3 consumers" in proc.stdout, proc.stderr


# --------------------------------------------------------------------------- names and paths


@pytest.mark.parametrize("name", ["../escape", "/tmp/abs", "a/b", "..", "x\\y", ""])
def test_a_name_that_is_not_a_plain_file_name_is_refused(tmp_path, name) -> None:
    s = write(
        tmp_path / "s.yaml",
        f"extends: {REPO}/scenarios/b2c_only.yaml\nname: {json.dumps(name)}\ndays: 2\n",
    )
    assert_refused(chansim("run", str(s)), "name")
    assert not (REPO / "escape-seed0").exists() and not Path("/tmp/abs-seed0").exists()


# --------------------------------------------------------------------------- events and NaN


def test_events_after_the_last_day_are_reported(tmp_path) -> None:
    s = write(
        tmp_path / "s.yaml",
        f"extends: {REPO}/scenarios/b2c_only.yaml\nmarket: {{consumers: 500}}\ndays: 10\n"
        "events:\n  - day: 20\n    action: close_channel\n    channel: b2c\n",
    )
    proc = chansim("validate", str(s))
    assert proc.returncode == 0
    assert (
        "warning" in proc.stderr
        and "events.0.day" in proc.stderr
        and "after the last day" in (proc.stderr)
    )
    proc = chansim("validate", str(s), "--days", "30")
    assert "warning" not in proc.stderr


def test_summary_json_is_strict_json(tmp_path) -> None:
    """No bare NaN or Infinity: values that have none are null."""
    s = write(
        tmp_path / "s.yaml",
        f"extends: {REPO}/scenarios/b2b2c_only.yaml\nmarket: {{consumers: 300}}\ndays: 3\n",
    )
    proc = chansim("run", str(s), "--out", str(tmp_path / "out"), "--no-progress")
    assert proc.returncode == 0, proc.stderr
    text = (tmp_path / "out" / "summary.json").read_text()

    def refuse(token: str) -> float:
        raise ValueError(f"non-standard JSON number {token}")

    data = json.loads(text, parse_constant=refuse)
    ratios = data["bullwhip_variance_ratio"]  # no demand variance in three days: no ratio
    assert ratios and all(v is None for v in ratios.values())


# --------------------------------------------------------------------------- resource limits


def test_a_yaml_alias_bomb_is_stopped_early(tmp_path) -> None:
    levels = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        prev = chr(ord("a") + i - 1)
        cur = chr(ord("a") + i)
        levels.append(f"{cur}: &{cur} [{', '.join([f'*{prev}'] * 10)}]")
    s = write(tmp_path / "bomb.yaml", "\n".join(levels) + "\n")
    started = time.monotonic()
    assert_refused(chansim("validate", str(s), timeout=60), "bomb.yaml", "alias")
    assert time.monotonic() - started < 20


def test_a_deep_extends_chain_is_refused(tmp_path) -> None:
    write(tmp_path / "s0.yaml", f"extends: {REPO}/scenarios/b2c_only.yaml\n")
    for i in range(1, 60):
        write(tmp_path / f"s{i}.yaml", f"extends: s{i - 1}.yaml\n")
    assert_refused(chansim("validate", str(tmp_path / "s59.yaml")), "extends")


def test_deeply_nested_yaml_is_refused(tmp_path) -> None:
    s = write(tmp_path / "deep.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n")
    assert_refused(chansim("validate", str(s)), "deep.yaml")


def test_a_device_or_huge_file_is_not_read_without_limit(tmp_path) -> None:
    assert_refused(chansim("validate", "/dev/zero", timeout=30), "/dev/zero")
    big = tmp_path / "big.yaml"
    with big.open("w") as f:
        f.write("# " + "x" * (11 * 2**20) + "\n")
    assert_refused(chansim("validate", str(big), timeout=30), "big.yaml")


def test_a_design_with_too_many_points_is_refused_before_planning(tmp_path) -> None:
    e = write(
        tmp_path / "huge.yaml",
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 1\ndesign:\n  type: grid\n"
        "  parameters:\n"
        "    channels.b2c.price: {from: 1, to: 100000000, step: 1}\n",
    )
    product = write(
        tmp_path / "product.yaml",
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 1\ndesign:\n  type: grid\n"
        "  parameters:\n"
        "    channels.b2c.price: {from: 1, to: 1000, steps: 1000}\n"
        "    channels.b2c2c.price: {from: 1, to: 1000, steps: 1000}\n",
    )
    assert_refused(chansim("sweep", str(product), "--out", str(tmp_path / "out")), "1,000,000")
    started = time.monotonic()
    assert_refused(
        chansim("sweep", str(e), "--out", str(tmp_path / "out"), timeout=60), "huge.yaml"
    )
    assert time.monotonic() - started < 20
    assert not (tmp_path / "out").exists()


def test_an_absurd_worker_count_is_refused(tmp_path) -> None:
    e = write(
        tmp_path / "e.yaml",
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 1\n"
        "days: 2\noverrides: {market.consumers: 200}\n",
    )
    assert_refused(
        chansim("sweep", str(e), "--workers", "100000", "--out", str(tmp_path / "out")),
        "--workers",
    )
