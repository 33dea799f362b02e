"""The sampler: the points of a design, in a documented order, as plain data.

Each point is a mapping of dotted scenario paths to values (the changes to the base scenario)
and a label. Point ids are positions in the list. The order is:

* ``grid``: nested loops over the parameters in file order, the last one fastest
  (:func:`itertools.product`); labelled axes name their values in the points' labels, and the
  problem's ``level_labels`` (path → labels) keeps those names for figures;
* ``points``: as listed;
* ``oat``: the baseline (no change), then for each parameter in file order its low and its high;
* ``lhs``, ``sobol_qmc``, ``halton``: the sampler's order (scipy.stats.qmc, scrambled, with
  ``numpy.random.default_rng(root_seed)``);
* ``salib_sobol``, ``morris``: SALib's order (needed by ``SALib.analyze`` later), seeded with
  the root seed;
* ``scenarios``: the files as listed (built by :mod:`sim.experiments.plan`).

A sampled value is a float uniform on [low, high], or with ``integer: true`` a whole number in
low..high: ``low + floor(u·(high − low + 1))`` for the unit-interval draw u (capped at high).
"""

from __future__ import annotations

import copy
import itertools
import warnings
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.experiments.spec import (
    SAMPLED_DESIGNS,
    GridDesign,
    MorrisDesign,
    OatDesign,
    PointsDesign,
    QmcDesign,
    Range,
    SalibSobolDesign,
    ScenariosDesign,
)


@dataclass
class DesignPoint:
    """One point of a design: the changes to the base scenario and a label."""

    values: dict[str, Any]
    label: str
    base: int = 0
    """Index of the point's base scenario (only the ``scenarios`` design has several)."""


@dataclass
class Sample:
    """The points of a design and its SALib problem."""

    points: list[DesignPoint]
    problem: dict[str, Any]
    warnings: list[str] = field(default_factory=list)


def short_names(paths: list[str]) -> dict[str, str]:
    """Shortest dotted suffix of each path that no other path ends with (for labels)."""
    out = {}
    for path in paths:
        parts = path.split(".")
        for k in range(1, len(parts) + 1):
            suffix = ".".join(parts[-k:])
            if not any(o != path and (o == suffix or o.endswith("." + suffix)) for o in paths):
                break
        out[path] = suffix
    return out


def format_value(value: Any) -> str:
    """A value as written in labels (numbers in short form)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:.6g}"
    return str(value)


def _label(values: dict[str, Any], names: dict[str, str]) -> str:
    if not values:
        return "base"
    return ", ".join(f"{names.get(p, p)}={format_value(v)}" for p, v in values.items())


def problem_for(design: Any) -> dict[str, Any]:
    """The SALib-style problem of a design: names (and bounds for sampled designs)."""
    if isinstance(design, ScenariosDesign):
        return {"design": "scenarios", "names": ["scenario"]}
    if design is None:
        return {"design": "points", "names": []}
    if isinstance(design, PointsDesign):
        names = list(dict.fromkeys(p for point in design.points for p in point))
        return {"design": "points", "names": names}
    names = list(design.parameters)
    problem: dict[str, Any] = {"design": design.type, "names": names}
    if design.type in SAMPLED_DESIGNS:
        problem["num_vars"] = len(names)
        problem["bounds"] = [[r.low, r.high] for r in design.parameters.values()]
        problem["integer"] = [r.integer for r in design.parameters.values()]
    if isinstance(design, QmcDesign):
        problem["samples"] = design.samples
    if isinstance(design, SalibSobolDesign):
        problem["base_samples"] = design.base_samples
        problem["calc_second_order"] = design.second_order
    if isinstance(design, MorrisDesign):
        problem["trajectories"] = design.trajectories
        problem["num_levels"] = design.levels
    if isinstance(design, OatDesign):
        problem["bounds"] = [[b.low, b.high] for b in design.parameters.values()]
    return problem


def sample(design: Any, root_seed: int) -> Sample:
    """The points of a design (not ``scenarios``, which :mod:`sim.experiments.plan` builds).

    Args:
        design: A validated design from :mod:`sim.experiments.spec` (or None: the base alone).
        root_seed: The experiment's root seed (samplers draw from ``default_rng(root_seed)``).

    Returns:
        The points in design order and the SALib problem.
    """
    problem = problem_for(design)
    if design is None:
        return Sample([DesignPoint({}, "base")], problem)
    if isinstance(design, GridDesign):
        names = short_names(list(design.parameters))
        axes = [axis.expand() for axis in design.parameters.values()]
        texts = [
            axis.labels or [format_value(v) for v in values]
            for axis, values in zip(design.parameters.values(), axes, strict=True)
        ]
        paths = list(design.parameters)
        points = []
        for combo in itertools.product(*(range(len(a)) for a in axes)):
            picked = list(enumerate(zip(paths, combo, strict=True)))
            values = {p: copy.deepcopy(axes[k][i]) for k, (p, i) in picked}
            label = ", ".join(f"{names[p]}={texts[k][i]}" for k, (p, i) in picked)
            points.append(DesignPoint(values, label))
        problem["levels"] = {p: a for p, a in zip(paths, axes, strict=True)}
        labelled = {p: a.labels for p, a in design.parameters.items() if a.labels is not None}
        if labelled:
            problem["level_labels"] = labelled
        return Sample(points, problem)
    if isinstance(design, PointsDesign):
        names = short_names(problem["names"])
        labels = design.labels or [_label(p, names) for p in design.points]
        return Sample(
            [DesignPoint(dict(p), label) for p, label in zip(design.points, labels, strict=True)],
            problem,
        )
    if isinstance(design, OatDesign):
        names = short_names(list(design.parameters))
        points = [DesignPoint({}, "baseline")]
        for path, bounds in design.parameters.items():
            for value in (bounds.low, bounds.high):
                points.append(DesignPoint({path: value}, _label({path: value}, names)))
        return Sample(points, problem)
    ranges = list(design.parameters.values())
    paths = list(design.parameters)
    messages: list[str] = []
    if isinstance(design, QmcDesign):
        unit = _qmc_unit(design, np.random.default_rng(root_seed))
    else:
        unit, messages = _salib_unit(design, paths, root_seed)
    points = [
        DesignPoint(
            {p: _scaled(u, r) for p, u, r in zip(paths, row, ranges, strict=True)},
            f"sample {i}",
        )
        for i, row in enumerate(unit)
    ]
    return Sample(points, problem, messages)


def _qmc_unit(design: QmcDesign, rng: np.random.Generator) -> np.ndarray:
    from scipy.stats import qmc

    d = len(design.parameters)
    if design.type == "lhs":
        return qmc.LatinHypercube(d, scramble=True, rng=rng).random(design.samples)
    if design.type == "halton":
        return qmc.Halton(d, scramble=True, rng=rng).random(design.samples)
    m = design.samples.bit_length() - 1  # a power of two, checked by the schema
    return qmc.Sobol(d, scramble=True, rng=rng).random_base2(m)


def _salib_unit(
    design: SalibSobolDesign | MorrisDesign, paths: list[str], root_seed: int
) -> tuple[np.ndarray, list[str]]:
    """SALib's sample on the unit cube (scaled by us, so integer parameters can be rounded).

    SALib is seeded with the root seed (mod 2**32, which every SALib >= 1.4 accepts); Saltelli's
    Sobol' sequence is scrambled where SALib supports it (>= 1.4.6).
    """
    import inspect

    unit_problem = {"num_vars": len(paths), "names": paths, "bounds": [[0.0, 1.0]] * len(paths)}
    seed = root_seed % 2**32
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if isinstance(design, SalibSobolDesign):
            from SALib.sample import sobol

            options = {"calc_second_order": design.second_order, "seed": seed}
            if "scramble" in inspect.signature(sobol.sample).parameters:
                options["scramble"] = True
            x = sobol.sample(unit_problem, design.base_samples, **options)
        else:
            from SALib.sample import morris

            x = morris.sample(
                unit_problem, design.trajectories, num_levels=design.levels, seed=seed
            )
    messages = [" ".join(str(w.message).split()) for w in caught]
    return np.clip(x, 0.0, 1.0), messages


def _scaled(u: float, r: Range) -> int | float:
    """A unit-interval draw mapped to the parameter's range (see the module docstring)."""
    if r.integer:
        lo, hi = int(np.ceil(r.low)), int(np.floor(r.high))
        return int(min(hi, lo + np.floor(u * (hi - lo + 1))))
    return float(r.low + u * (r.high - r.low))
