"""What a declared output is (:class:`Output`) and the channels' display names, shared by
:mod:`sim.outputs` and :mod:`sim.brand_outputs`."""

from __future__ import annotations

from dataclasses import dataclass

CHANNEL_NAMES = {"b2b2c": "B2B2C", "b2c": "B2C", "b2c2c": "B2C2C"}
"""Short display names of the channels."""

CHANNEL_LABELS = {
    "b2b2c": "B2B2C (distributors)",
    "b2c": "B2C (direct)",
    "b2c2c": "B2C2C (micro-stores)",
}
"""Display names of the channels with what they are."""


@dataclass(frozen=True)
class Output:
    """One declared output.

    Attributes:
        name: Column name (measurements) or flattened summary key.
        label: Human label for tables and figure axes.
        unit: Unit of the values (``units`` of product, ``money`` in the scenario's currency,
            ``consumers``, ``stores``, ``share`` in [0, 1], ``ratio``, ``day``, …).
        description: What it measures.
    """

    name: str
    label: str
    unit: str
    description: str = ""

    @property
    def axis_label(self) -> str:
        """``label (unit)`` for a figure axis."""
        return f"{self.label} ({self.unit})" if self.unit else self.label
