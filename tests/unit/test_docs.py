"""The ODD's parameter reference is generated from the schema and must be up to date."""

from __future__ import annotations

from sim.docs import generated_part, render
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
