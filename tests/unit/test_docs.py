"""The ODD is in step with the code: its generated parts are up to date and every name it
gives exists."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path
from typing import Any, get_args

import mesa
from pydantic import BaseModel

from sim.docs import generated_outputs, generated_part, render, render_outputs
from sim.outputs import measurements, measurements_of, summary_outputs
from sim.scenario import Scenario


def test_odd_parameter_reference_is_up_to_date() -> None:
    """Run `python -m sim.docs` after changing a parameter, its default or its description."""
    assert generated_part() == render()


def test_every_leaf_parameter_is_documented() -> None:
    """Each scenario path appears in the ODD reference with a description."""
    text = render()
    dumped = Scenario().model_dump()

    def leaves(value: object, prefix: str) -> list[str]:
        if isinstance(value, dict):
            return [p for k, v in value.items() for p in leaves(v, f"{prefix}{k}.")]
        return [prefix.rstrip(".")]

    for path in leaves({k: v for k, v in dumped.items() if k not in ("graph", "events")}, ""):
        if ".tiers" in path:
            continue
        row = next((line for line in text.splitlines() if line.startswith(f"| `{path}` |")), None)
        assert row is not None, path
        assert not row.endswith("|  |"), f"{path} has no description"


def test_odd_output_list_is_up_to_date() -> None:
    """Run `python -m sim.docs` after changing a declared output (sim/outputs.py)."""
    assert generated_outputs() == render_outputs()


# --------------------------------------------------------------------------- names in the ODD

REPO = Path(__file__).resolve().parents[2]
OUTPUT_FILES = {
    "timeseries.csv",
    "stores.csv",
    "summary.json",
    "scenario.yaml",
    "events.csv",
    "market_share_by_brand.png",
}
YAML_WORDS = {"extends", "type", "day", "action", "null", "true", "false", "DataCollector"}


def _hand_written_odd() -> str:
    text = (REPO / "docs" / "ODD.md").read_text(encoding="utf-8")
    for part in (generated_part(), generated_outputs()):
        text = text.replace(part, "")
    return text


def _names_defined_in_sim() -> dict[str, set[str]]:
    """Every function, class, module constant and string constant defined in sim/, with the
    attributes of each class (its methods, class attributes and ``self.x`` assignments)."""
    names: dict[str, set[str]] = {}
    for path in (REPO / "sim").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.Assign | ast.AnnAssign):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                names.update({t.id: set() for t in targets if isinstance(t, ast.Name)})
                if isinstance(node.value, ast.Constant) and isinstance(node.value.value, str):
                    names.setdefault(node.value.value, set())  # e.g. ledger account names
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                attrs = names.setdefault(node.name, set())
                for sub in ast.walk(node):
                    if (
                        isinstance(sub, ast.Attribute)
                        and isinstance(sub.value, ast.Name)
                        and sub.value.id == "self"
                        and isinstance(sub.ctx, ast.Store)
                    ):
                        attrs.add(sub.attr)
            if isinstance(node, ast.FunctionDef | ast.ClassDef):
                attrs = names.setdefault(node.name, set())
                if isinstance(node, ast.ClassDef):
                    for item in node.body:
                        if isinstance(item, ast.FunctionDef | ast.ClassDef):
                            attrs.add(item.name)
                        elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                            attrs.add(item.target.id)
                        elif isinstance(item, ast.Assign):
                            attrs.update(t.id for t in item.targets if isinstance(t, ast.Name))
    return names


def _schema_words() -> tuple[set[str], set[str]]:
    """Parameter paths of the reference (with ``<i>`` items) and every leaf name and choice."""
    rows = [line.split("`")[1] for line in render().splitlines() if line.startswith("| `")]
    leaves = {part for row in rows for part in row.split(".")}
    choices: set[str] = set()
    stack: list[Any] = [Scenario]
    seen: set[Any] = set()
    while stack:
        model = stack.pop()
        if model in seen:
            continue
        seen.add(model)
        for field in model.model_fields.values():
            for arg in _flatten(field.annotation):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    stack.append(arg)
                elif isinstance(arg, str):
                    choices.add(arg)
    return set(rows), leaves | choices


def _flatten(annotation: Any) -> list[Any]:
    out = [annotation]
    for arg in get_args(annotation):
        out += _flatten(arg)
    return out


def test_every_name_the_odd_gives_exists() -> None:
    """Modules, files, functions, classes, methods, parameters and measurements named in the
    hand-written ODD exist in the code (a renamed rule must be renamed in the ODD too)."""
    defined = _names_defined_in_sim()
    attributes = set().union(*defined.values())
    paths, words = _schema_words()
    default = Scenario()
    pyramid = Scenario.model_validate(
        {"channels": {"b2c2c": {"stock_pressure": {"enabled": True}}}}
    )
    outputs = {o.name for s in (default, pyramid) for o in measurements_of(s)}
    outputs |= {o.name for s in (default, pyramid) for o in summary_outputs(s)}
    outputs |= {o.name for o in measurements(["<tier>"], ["<policy>"], ["<level>"])}
    rivals = Scenario.model_validate(
        {"manufacturer": {"brand": "focal"}, "brands": [{"name": "rival"}]}
    )
    by_brand = [o.name for o in (*measurements_of(rivals), *summary_outputs(rivals))]
    outputs |= {n.replace("rival", "<brand>") for n in by_brand if "rival" in n}
    outputs |= {"<measure>.<brand>", "brands.<brand>.*", "brands.<brand>.events"}
    placeholders = {re.sub(r"<[a-z]+>", "", n) for n in outputs} | {
        n for o in outputs for n in o.split(".")
    }
    unknown = []
    for token in sorted(set(re.findall(r"`([^`\n]+)`", _hand_written_odd()))):
        name = token.removesuffix("()").removesuffix(":")
        if (re.search(r"[\s=(),+−·×/*…]", name) and "/" not in name.split()[0]) or name == "#":
            continue  # a formula, a command or a character, not a name
        if "/" in name:
            ok = (REPO / name.split()[0].rstrip("/")).exists()
        elif name.startswith("sim."):
            module, _, attr = name.rpartition(".")
            try:
                ok = hasattr(importlib.import_module(name), "__file__")
            except ImportError:
                ok = hasattr(importlib.import_module(module), attr)
        elif re.fullmatch(r"[A-Z]\w*\.\w+", name):
            cls, attr = name.split(".")
            ok = attr in defined.get(cls, set())
        elif name.startswith("model."):
            attr = name.removeprefix("model.")
            ok = attr in defined["ChannelModel"] or hasattr(mesa.Model, attr) or attr == "rng"
        elif "." in name:
            ok = (
                name in OUTPUT_FILES
                or name in outputs
                or any(p == name or p.endswith("." + name) for p in paths)
            )
        else:
            bare = re.sub(r"<[a-z]+>", "", name)
            ok = (
                name in defined
                or name in attributes
                or name in words
                or name in outputs
                or bare in placeholders
                or name in YAML_WORDS
            )
        if not ok:
            unknown.append(token)
    assert unknown == [], f"names in docs/ODD.md not found in the code: {unknown}"


def test_parameter_ranges_and_units_come_from_the_declarations() -> None:
    """``chansim params`` shows each parameter's accepted range and unit."""
    from sim.docs import parameter_range, parameter_unit

    assert parameter_range("channels.b2c2c.rebate_rate") == "0 ≤ x ≤ 1"
    assert parameter_unit("channels.b2c2c.rebate_rate") == "share"
    assert parameter_range("days") == "1 ≤ x ≤ 36,500"
    assert parameter_unit("days") == "days"
    assert parameter_range("channels.b2c2c.rollout.public_from_day") == "≥ 0 or null"
    assert parameter_range("channels.b2b2c.tiers.<i>.lead_time_days") == "1 ≤ x ≤ 365"
    assert parameter_unit("channels.b2c.price") == "money"
    assert parameter_range("no.such.path") == ""
