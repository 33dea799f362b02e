"""Shared pieces of the scenario schema: the strict base section and bounded number types."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

CHANNELS: tuple[str, ...] = ("b2b2c", "b2c", "b2c2c")
"""Channel identifiers in the order used by every per-channel array."""

CHANNEL_HABIT: dict[str, str] = {"b2b2c": "offline", "b2c": "online", "b2c2c": "social"}
"""The purchase habit each channel draws on (M2)."""


class Strict(BaseModel):
    """Base of every scenario section: unknown keys, type coercion and non-finite numbers
    (``.inf``, ``.nan``) are errors."""

    model_config = ConfigDict(
        extra="forbid", strict=True, validate_default=True, allow_inf_nan=False
    )


Probability = Annotated[float, Field(ge=0.0, le=1.0)]
Share = Annotated[float, Field(ge=0.0, le=1.0)]
NonNegative = Annotated[float, Field(ge=0.0)]
Positive = Annotated[float, Field(gt=0.0)]
Day = Annotated[int, Field(ge=0)]
Days = Annotated[int, Field(ge=1)]
