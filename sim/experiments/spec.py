"""The experiment file schema (``experiments/*.yaml``): what to vary, how often, what to keep.

An experiment names a base scenario, changes some of its parameters for every run
(``overrides``), and varies others by a *design* (a grid, hand-picked points, one at a time, or
a sampler). Every point of the design is run ``replications`` times with seeds derived from the
experiment's root ``seed`` (:mod:`sim.experiments.seeds`).

The schema is strict like the scenario's: unknown keys, wrong types and out-of-range values are
errors, reported one per line as ``file:line: dotted.path: message``
(:func:`sim.experiments.plan.load_experiment`). Whether a parameter path exists, and whether its
values fit, is checked by applying the values to the base scenario.

Designs (key ``type``):

``grid``
    ``parameters: {path: [v1, v2, ...] | {values, labels} | {from, to, steps} | {from, to, step}}``:
    the full factorial; the first parameter varies slowest, the last fastest (nested loops in file
    order). A value may be a whole list (e.g. ``channels.b2b2c.tiers``), and ``labels`` name the
    values in point labels and figures.
``points``
    ``points: [{path: value, ...}, ...]`` hand-picked combinations, optional ``labels``.
``oat``
    One at a time: ``parameters: {path: {low, high}}``: the baseline (base values) first, then
    for each parameter in file order its low and its high value, the others at base values.
``lhs``, ``sobol_qmc``, ``halton``
    ``samples`` points from :mod:`scipy.stats.qmc` (scrambled, seeded from the root seed) in
    ``parameters: {path: {low, high, integer}}``; ``sobol_qmc`` needs a power of two.
``salib_sobol``
    Saltelli's scheme from SALib: ``base_samples`` N gives N·(D+2) points, or N·(2D+2) with
    ``second_order: true`` (D parameters).
``morris``
    SALib's Morris trajectories: ``trajectories`` r with ``levels`` p give r·(D+1) points.
``scenarios``
    Whole scenario files compared: ``scenario_files: [a.yaml, b.yaml]`` (relative to the
    experiment file), one point each, labelled with the scenario names; ``base`` is not used.

An experiment without a ``design`` runs the base scenario alone (one point).

Parameter paths are dotted scenario paths (list items by index, ``channels.b2b2c.tiers.0.markup``);
``*`` stands for every item of a list, so ``channels.b2b2c.tiers.*.lead_time_days`` sets the lead
time of every tier. A point's values are applied in file order: a whole list first, then a path
into its items.

``outputs`` names the summary keys the report centres on (``summary.csv`` columns such as
``manufacturer.profit`` or ``channels.b2c2c.units``; the first is the main KPI); they are checked
against the summary of a one-day run of a small copy of the base scenario.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

Number = int | float


class Strict(BaseModel):
    """Base of every experiment section: unknown keys, type coercion and non-finite numbers
    are errors."""

    model_config = ConfigDict(
        extra="forbid", strict=True, validate_default=True, allow_inf_nan=False
    )


# --------------------------------------------------------------------------- recording


class Record(Strict):
    """Which days' measurements a run keeps (the last simulated day is always kept)."""

    every: Any = Field(
        1, description="Keep every k-th day (1: daily), or 'end' for the last day only."
    )

    @field_validator("every")
    @classmethod
    def _every(cls, value: Any) -> int | str:
        if value == "end" or (type(value) is int and value >= 1):
            return value
        raise ValueError(f"must be a whole number >= 1, or end (got {value!r})")


class Stop(Strict):
    """Early stop: a run ends on the first day after ``after_day`` whose measurement crosses."""

    measurement: str = Field(description="A measurement (timeseries column), e.g. active_stores.")
    below: float | None = Field(None, description="Stop when the measurement is below this.")
    above: float | None = Field(None, description="Stop when the measurement is above this.")
    after_day: Annotated[int, Field(ge=0)] = Field(
        0, description="The condition is checked only on days after this one."
    )

    @model_validator(mode="after")
    def _one_threshold(self) -> Stop:
        if (self.below is None) == (self.above is None):
            raise ValueError("give exactly one of below and above")
        return self


# --------------------------------------------------------------------------- parameter ranges


MAX_POINTS = 100_000
"""Most points a design may have (checked before any point is built)."""


class GridAxis(Strict):
    """Values of one grid parameter: a list, or ``from``/``to`` with ``steps`` or ``step``."""

    values: Annotated[list[Any], Field(min_length=1)] | None = Field(
        None, description="The values, in order (a list in the file is this)."
    )
    from_: Number | None = Field(None, alias="from", description="First value.")
    to: Number | None = Field(None, description="Last value (included).")
    steps: Annotated[int, Field(ge=2)] | None = Field(
        None, description="Number of evenly spaced values from `from` to `to`."
    )
    step: Annotated[Number, Field(gt=0)] | None = Field(
        None, description="Spacing of the values from `from` up to `to`."
    )
    labels: Annotated[list[str], Field(min_length=1)] | None = Field(
        None, description="Names of the listed values, in order (for point labels and figures)."
    )

    @model_validator(mode="before")
    @classmethod
    def _list_is_values(cls, data: Any) -> Any:
        return {"values": data} if isinstance(data, list) else data

    @model_validator(mode="after")
    def _one_form(self) -> GridAxis:
        ranged = (self.from_, self.to)
        if self.values is not None:
            if any(v is not None for v in (*ranged, self.steps, self.step)):
                raise ValueError("give either a list of values or from/to, not both")
            if self.labels is not None and len(self.labels) != len(self.values):
                raise ValueError(
                    f"labels has {len(self.labels)} items but values has {len(self.values)}"
                )
            if self.labels is not None and len(set(self.labels)) != len(self.labels):
                dup = next(x for x in self.labels if self.labels.count(x) > 1)
                raise ValueError(f"labels must be unique; {dup!r} appears twice")
            return self
        if self.labels is not None:
            raise ValueError("labels name a list of values; give values with them")
        if self.from_ is None or self.to is None or (self.steps is None) == (self.step is None):
            raise ValueError("give a list of values, or from and to with steps or step")
        if self.to < self.from_:
            raise ValueError(f"to must not be below from (got from {self.from_}, to {self.to})")
        if self.count > MAX_POINTS:
            raise ValueError(f"{self.count:,} values: a design may have at most {MAX_POINTS:,}")
        return self

    @property
    def count(self) -> int:
        """Number of values, without listing them."""
        if self.values is not None:
            return len(self.values)
        if self.steps is not None:
            return self.steps
        assert self.from_ is not None and self.to is not None and self.step is not None
        return math.floor((self.to - self.from_) / self.step * (1 + 1e-12)) + 1

    def expand(self) -> list[Any]:
        """The axis' values: integers when ``from``, ``to`` (and ``step``) are integers and every
        value is whole; else floats rounded to 12 significant digits."""
        if self.values is not None:
            return list(self.values)
        assert self.from_ is not None and self.to is not None
        lo, hi = self.from_, self.to
        if self.steps is not None:
            raw = [lo + (hi - lo) * k / (self.steps - 1) for k in range(self.steps)]
            ints = isinstance(lo, int) and isinstance(hi, int)
        else:
            assert self.step is not None
            raw = [lo + k * self.step for k in range(self.count)]
            ints = all(isinstance(v, int) for v in (lo, hi, self.step))
        if ints and all(float(v).is_integer() for v in raw):
            return [int(v) for v in raw]
        return [float(f"{v:.12g}") for v in raw]


class Bounds(Strict):
    """Low and high values of a parameter varied one at a time."""

    low: Number = Field(description="The low value.")
    high: Number = Field(description="The high value.")

    @model_validator(mode="after")
    def _ordered(self) -> Bounds:
        if not self.low < self.high:
            raise ValueError(f"low must be below high (got low {self.low}, high {self.high})")
        return self


class Range(Bounds):
    """Bounds of a sampled parameter: uniform on [low, high], or on its integers."""

    integer: bool = Field(
        False,
        description="Sample whole numbers low..high, each with equal probability (the unit "
        "interval is cut into high − low + 1 equal parts).",
    )


# --------------------------------------------------------------------------- designs

NonEmpty = Field(min_length=1)


class GridDesign(Strict):
    """Full factorial over the listed values (last parameter fastest)."""

    type: Literal["grid"]
    parameters: Annotated[dict[str, GridAxis], NonEmpty] = Field(
        description="Dotted scenario path → values."
    )

    @model_validator(mode="after")
    def _not_too_many(self) -> GridDesign:
        points = math.prod(axis.count for axis in self.parameters.values())
        if points > MAX_POINTS:
            raise ValueError(f"{points:,} points: a design may have at most {MAX_POINTS:,}")
        return self


class PointsDesign(Strict):
    """Hand-picked combinations of parameter values."""

    type: Literal["points"]
    points: Annotated[list[dict[str, Any]], NonEmpty] = Field(
        description="Each point: dotted scenario path → value (unlisted paths: base values)."
    )
    labels: list[str] | None = Field(None, description="One label per point.")

    @model_validator(mode="after")
    def _labels_fit(self) -> PointsDesign:
        if self.labels is not None and len(self.labels) != len(self.points):
            raise ValueError(
                f"labels has {len(self.labels)} items but points has {len(self.points)}"
            )
        return self


class OatDesign(Strict):
    """One at a time: the baseline, then each parameter at its low and its high value."""

    type: Literal["oat"]
    parameters: Annotated[dict[str, Bounds], NonEmpty] = Field(
        description="Dotted scenario path → {low, high}."
    )


class QmcDesign(Strict):
    """Quasi-random or stratified samples from :mod:`scipy.stats.qmc`."""

    type: Literal["lhs", "sobol_qmc", "halton"]
    samples: Annotated[int, Field(ge=1, le=MAX_POINTS)] = Field(description="Number of points.")
    parameters: Annotated[dict[str, Range], NonEmpty] = Field(
        description="Dotted scenario path → {low, high, integer}."
    )

    @model_validator(mode="after")
    def _power_of_two(self) -> QmcDesign:
        n = self.samples
        if self.type == "sobol_qmc" and n & (n - 1):
            below, above = 1 << (n.bit_length() - 1), 1 << n.bit_length()
            raise ValueError(
                f"sobol_qmc needs samples to be a power of two for its balance properties "
                f"(got {n}; use {below} or {above}, or type lhs)"
            )
        return self


class SalibSobolDesign(Strict):
    """Saltelli's sampling scheme for Sobol' indices (SALib)."""

    type: Literal["salib_sobol"]
    base_samples: Annotated[int, Field(ge=1, le=MAX_POINTS)] = Field(
        description="N: the design has N·(D+2) points, N·(2D+2) with second-order indices."
    )
    second_order: bool = Field(False, description="Also sample for second-order indices.")
    parameters: Annotated[dict[str, Range], NonEmpty] = Field(
        description="Dotted scenario path → {low, high, integer}."
    )


class MorrisDesign(Strict):
    """Morris elementary-effects trajectories (SALib)."""

    type: Literal["morris"]
    trajectories: Annotated[int, Field(ge=1)] = Field(
        description="r: the design has r·(D+1) points."
    )
    levels: Annotated[int, Field(ge=2)] = Field(4, description="p: grid levels (even is best).")
    parameters: Annotated[dict[str, Range], NonEmpty] = Field(
        description="Dotted scenario path → {low, high, integer}."
    )


class ScenariosDesign(Strict):
    """Whole scenario files side by side (``chansim compare``)."""

    type: Literal["scenarios"]
    scenario_files: Annotated[list[str], NonEmpty] = Field(
        description="Scenario files, relative to the experiment file."
    )
    labels: list[str] | None = Field(None, description="Labels (default: the scenario names).")

    @model_validator(mode="after")
    def _labels_fit(self) -> ScenariosDesign:
        if self.labels is not None and len(self.labels) != len(self.scenario_files):
            raise ValueError(
                f"labels has {len(self.labels)} items but scenario_files has "
                f"{len(self.scenario_files)}"
            )
        return self


Design = Annotated[
    GridDesign
    | PointsDesign
    | OatDesign
    | QmcDesign
    | SalibSobolDesign
    | MorrisDesign
    | ScenariosDesign,
    Field(discriminator="type"),
]

SAMPLED_DESIGNS: tuple[str, ...] = ("lhs", "sobol_qmc", "halton", "salib_sobol", "morris")
"""Designs that sample parameters in ranges (their SALib problem has bounds)."""


# --------------------------------------------------------------------------- the experiment


class Experiment(Strict):
    """An experiment file: a base scenario, a design of points, replications, what to keep."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")] = Field(
        "experiment", description="Short name, used for the results folder (default: file stem)."
    )
    description: str = Field("", description="What the experiment is about.")
    base: str | None = Field(
        None, description="Base scenario file, relative to the experiment file."
    )
    overrides: dict[str, Any] = Field(
        default_factory=dict,
        description="Dotted scenario path → value, applied to the base like --set.",
    )
    replications: Annotated[int, Field(ge=1)] = Field(
        1, description="Runs per point, each with its own seed."
    )
    seed: Annotated[int, Field(ge=0)] = Field(0, description="Root seed of the experiment.")
    common_random_numbers: bool | None = Field(
        None,
        description="Replication r of every point runs with the same seed (common random "
        "numbers: the points meet the same market, graph and draws as far as their rules "
        "allow, so their differences are measured on paired runs). Default: on for the "
        "scenarios design (a comparison), off for the others (each run its own seed).",
    )
    days: Annotated[int, Field(ge=1, le=36_500)] | None = Field(
        None, description="Days to simulate (default: the base scenario's days)."
    )
    record: Record = Field(default_factory=Record)
    measurements: Annotated[list[str], NonEmpty] | None = Field(
        None, description="Timeseries columns to keep (default: all)."
    )
    stop: Stop | None = Field(None, description="Optional early stop of each run.")
    outputs: Annotated[list[str], NonEmpty] | None = Field(
        None,
        description="Summary keys the report centres on, e.g. manufacturer.profit, "
        "channels.b2c2c.units (the first is the main KPI). Default: the maker's profit, units "
        "by enabled channel, identified customers, the top-20 % stores' share, the spam "
        "and pyramid measures when present, each brand's units, market share, micro-store "
        "units, profit and stores with several brands, and the distributor-run stores' and "
        "mentors' measures when present.",
    )
    design: Design | None = Field(None, description="The points to run (default: the base).")

    @property
    def common_seeds(self) -> bool:
        """Whether the points share replication seeds (the default depends on the design)."""
        if self.common_random_numbers is not None:
            return self.common_random_numbers
        return isinstance(self.design, ScenariosDesign)

    @field_validator("outputs")
    @classmethod
    def _unique_outputs(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            dup = next(x for x in value if value.count(x) > 1)
            raise ValueError(f"{dup!r} appears twice")
        return value

    @model_validator(mode="after")
    def _base_given(self) -> Experiment:
        scenarios = isinstance(self.design, ScenariosDesign)
        if scenarios and self.base is not None:
            raise ValueError("base is not used by the scenarios design (remove it)")
        if not scenarios and self.base is None:
            raise ValueError("base (the scenario file to vary) is required")
        return self
