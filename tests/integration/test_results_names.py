"""Default results folder names show the overrides; run's description lists them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from sim.cli import main
from sim.results import describe_overrides, results_name

REPO = Path(__file__).resolve().parents[2]
SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._+-]*$")


# --------------------------------------------------------------------------- the names


def test_leaf_names_and_values_then_the_suffix() -> None:
    changes = ["market.consumers=2000", "days=5"]
    assert results_name("three_channels", changes, suffix="seed0") == (
        "three_channels-consumers2000-days5-seed0"
    )
    assert results_name("three_channels", [], suffix="seed0") == "three_channels-seed0"
    assert results_name("exp", ["replications=2"]) == "exp-replications2"
    assert results_name("exp", []) == "exp"


def test_clashing_leaves_and_list_items_are_told_apart() -> None:
    changes = ["channels.b2c.price=900", "channels.b2c2c.price=1000"]
    assert results_name("s", changes) == "s-b2c.price900-b2c2c.price1000"
    assert results_name("s", ["channels.b2b2c.tiers.2.markup=0.3"]) == "s-markup0.3"
    assert results_name("s", ["channels.b2b2c.tiers.2=null"]) == "s-tiers2_null"
    both = ["channels.b2b2c.tiers.0.markup=0.2", "channels.b2b2c.tiers.1.markup=0.3"]
    assert results_name("s", both) == "s-tiers0.markup0.2-tiers1.markup0.3"


def test_the_last_value_of_a_key_counts_and_names_are_left_out() -> None:
    changes = ["market.consumers=1", "name=other", "market.consumers = 2", "description=x y"]
    assert results_name("s", changes) == "s-consumers2"


def test_values_become_file_name_safe() -> None:
    name = results_name("s", ["graph.path=../edges/a b.txt", "x.labels=[a, b]", "y.z=-0.5"])
    assert name == "s-path_edges_a_b.txt-labels_a_b-z-0.5"
    assert SAFE.match(name) and "/" not in name
    assert results_name("s", ["a.b="]) == "s-b_null"
    assert results_name("s", ["b2c2c.pricing=monopoly", "c.enabled=false"]) == (
        "s-pricing_monopoly-enabled_false"
    )
    assert re.fullmatch(r"s-b-h[0-9a-f]{8}", results_name("s", ["a.b=/"]))


def test_a_long_list_keeps_leaves_and_a_hash_within_the_limit() -> None:
    changes = [f"channels.b2c2c.posting.policies.{i}.posts_per_day={i * 1.125}" for i in range(9)]
    changes += ["market.consumers=123456", "channels.b2c2c.rebate_rate=0.0875"]
    name = results_name("spam_vs_community", changes, suffix="seed0")
    assert len(name) <= 100
    assert name.startswith("spam_vs_community-policies0.posts_per_day-")
    assert re.search(r"-h[0-9a-f]{8}-seed0$", name)
    other = results_name("spam_vs_community", [*changes[:-1], "channels.b2c2c.rebate_rate=0.1"])
    assert other != name.removesuffix("-seed0")  # another override list, another hash
    assert results_name("spam_vs_community", changes, suffix="seed0") == name  # stable


def test_a_very_long_value_alone_is_hashed() -> None:
    name = results_name("s", ["channels.b2b2c.tiers=" + "[" + ", ".join(["{}"] * 60) + "]"])
    assert re.fullmatch(r"s-tiers-h[0-9a-f]{8}", name)


def test_description_lists_the_overrides() -> None:
    text = "All three channels compete for 100,000 consumers over one year."
    assert describe_overrides(text, ["market.consumers=2000", "days=5"]) == (
        f"{text} Overrides: market.consumers=2000, days=5."
    )
    assert describe_overrides(text, []) == text
    assert describe_overrides("", ["seed=3"]) == "Overrides: seed=3."


# --------------------------------------------------------------------------- through the CLI


def test_run_names_its_folder_and_describes_the_overrides(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The example of the README: the overrides in the folder name and the description; a
    second identical run is numbered; --seed shows only as the seed."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHANSIM_CACHE", str(tmp_path / "cache"))
    scenario = str(REPO / "scenarios" / "three_channels.yaml")
    argv = ["run", scenario, "--set", "market.consumers=2000", "--days", "5", "--no-progress"]
    assert main(argv) == 0
    folder = tmp_path / "results" / "three_channels-consumers2000-days5-seed0"
    assert capsys.readouterr().out.splitlines()[-1] == (
        "results: results/three_channels-consumers2000-days5-seed0"
    )
    written = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    original = yaml.safe_load(Path(scenario).read_text(encoding="utf-8"))["description"]
    assert written["description"] == f"{original} Overrides: market.consumers=2000, days=5."
    assert main(argv) == 0
    assert (tmp_path / "results" / "three_channels-consumers2000-days5-seed0-2").is_dir()
    assert main([*argv, "--seed", "4"]) == 0
    folder = tmp_path / "results" / "three_channels-consumers2000-days5-seed4"
    written = yaml.safe_load((folder / "scenario.yaml").read_text(encoding="utf-8"))
    assert written["description"].endswith(" Overrides: market.consumers=2000, days=5, seed=4.")


def write_experiment(folder: Path) -> Path:
    path = folder / "exp.yaml"
    path.write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 1\ndays: 3\n"
        "overrides: {market.consumers: 300}\n"
        "design: {type: grid, parameters: {channels.b2c.price: [900, 1000]}}\n",
        encoding="utf-8",
    )
    return path


def test_sweep_and_compare_folders_name_their_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """sweep --set and compare --set/--days show in the default folder; the same command again
    is refused (the folder is not empty) and continues with --resume."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("CHANSIM_CACHE", str(tmp_path / "cache"))
    write_experiment(tmp_path)
    sweep = ["sweep", "exp.yaml", "--workers", "1", "--no-progress"]
    assert main([*sweep, "--set", "replications=2", "--set", "overrides.market.consumers=250"]) == 0
    out = capsys.readouterr().out
    assert "results: results/exp-replications2-consumers250\n" in out
    assert main(sweep) == 0
    assert "results: results/exp\n" in capsys.readouterr().out

    a, b = (str(REPO / "scenarios" / f) for f in ("b2c_only.yaml", "three_channels.yaml"))
    compare = ["compare", a, b, "--replications", "1", "--workers", "1", "--no-progress"]
    changes = ["--set", "market.consumers=300", "--days", "3"]
    assert main([*compare, *changes]) == 0
    name = "compare-b2c_only-three_channels-consumers300-days3"
    assert f"results: results/{name}\n" in capsys.readouterr().out
    assert (tmp_path / "results" / name / "report" / "report.md").is_file()
    assert main([*compare, *changes]) == 2
    assert capsys.readouterr().err == (
        f"results/{name}: already exists and is not empty (add --resume to continue that "
        "sweep, or choose another --out)\n"
    )
    assert main([*compare, *changes, "--resume"]) == 0
    assert "0 run in" in capsys.readouterr().out
