"""Reading an experiment file into a plan: resolved base scenario(s), points, runs, seeds.

:func:`load_experiment` reads ``experiments/*.yaml`` (with ``--set`` overrides of its fields),
validates it against :mod:`sim.experiments.spec`, loads the base scenario with the experiment's
``overrides`` (problems with them are reported at their line in the experiment file), draws the
design's points (:mod:`sim.experiments.designs`) and validates every point by applying its
values to the base scenario. Any problem is one line ``file:line: dotted.path: message`` in a
:class:`~sim.loading.ScenarioError` (exit code 2 on the command line).

The result, a :class:`Plan`, is plain data from there on: :meth:`Plan.tasks` gives one picklable
task per run for :func:`sim.experiments.runner.execute`, and :meth:`Plan.resolved` the resolved
experiment (every field explicit, paths absolute) written as ``experiment.yaml``.

``--set`` edits the experiment's own fields (``--set replications=2``, ``--set design.samples=8``);
``--set overrides.PATH=VALUE`` sets one scenario override (its PATH is one key).
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim.experiments import designs
from sim.experiments.seeds import run_id, run_seed
from sim.experiments.spec import (
    Experiment,
    GridDesign,
    OatDesign,
    PointsDesign,
    QmcDesign,
    Range,
    ScenariosDesign,
)
from sim.loading import (
    ScenarioValueError,
    apply_override,
    apply_values,
    display_path,
    load_scenario,
    parse_override,
    read_yaml,
    set_dotted,
)
from sim.scenario import Scenario
from sim.validation import Key, Origin, Problem, ScenarioError, dotted, origin_for, validate_model

RUN_FIELDS: dict[str, str] = {
    "seed": "each run's seed is derived from the experiment's seed",
    "days": "set the experiment's days instead",
}
"""Scenario paths an experiment may not vary or override, and why."""

MAX_PROBLEMS = 20


@dataclass
class Point:
    """A point of the design, resolved.

    Attributes:
        id: Position in the design (0-based).
        label: Short description (for legends).
        values: Dotted scenario path → value, applied to the base scenario.
        params: Parameter column → value in effect (base values filled in), as in ``points.csv``.
        base: Index of the point's base scenario in :attr:`Plan.bases`.
    """

    id: int
    label: str
    values: dict[str, Any]
    params: dict[str, Any]
    base: int = 0


def file_sha256(path: str) -> str:
    """sha256 of a file's bytes ("missing" if it cannot be read)."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            for block in iter(lambda: f.read(2**20), b""):
                digest.update(block)
    except OSError:
        return "missing"
    return digest.hexdigest()


@dataclass
class Plan:
    """A resolved experiment: everything a sweep needs, as plain data and validated models."""

    experiment: Experiment
    source: Path
    bases: list[Scenario]
    points: list[Point]
    parameters: list[str]
    problem: dict[str, Any]
    warnings: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        """The experiment's name (the default results folder's name)."""
        return self.experiment.name

    @property
    def replications(self) -> int:
        """Runs per point."""
        return self.experiment.replications

    @property
    def n_runs(self) -> int:
        """Runs in the sweep: points × replications."""
        return len(self.points) * self.experiment.replications

    def resolved(self) -> dict[str, Any]:
        """The resolved experiment as plain data: every field explicit, file paths absolute.

        Grid axes are written as their lists of values; ``measurements: null`` keeps all of each
        run's measurements.
        """
        data = self.experiment.model_dump(mode="json", by_alias=True)
        data["common_random_numbers"] = self.experiment.common_seeds
        design = self.experiment.design
        if isinstance(design, GridDesign):
            data["design"]["parameters"] = {
                p: a.expand() if a.labels is None else {"values": a.expand(), "labels": a.labels}
                for p, a in design.parameters.items()
            }
        if isinstance(design, PointsDesign):
            data["design"]["labels"] = [p.label for p in self.points]
        if isinstance(design, ScenariosDesign):
            data["design"]["labels"] = [p.label for p in self.points]
        return data

    @property
    def sha256(self) -> str:
        """Hash of the resolved experiment, its base scenario(s) and its points.

        Canonical JSON (sorted keys, no spaces) of ``{"experiment": resolved(), "scenarios":
        [base scenarios], "points": [[id, label, values], ...]}``; a results folder can only be
        resumed by an experiment with the same hash.
        """
        content = {
            "experiment": self.resolved(),
            "scenarios": [b.model_dump(mode="json") for b in self.bases],
            "points": [[p.id, p.label, p.values] for p in self.points],
        }
        inputs = self.input_files()
        if inputs:  # the contents of files the runs read, not only their names
            content["inputs"] = {path: file_sha256(path) for path in inputs}
        text = json.dumps(content, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(text.encode()).hexdigest()

    def input_files(self) -> list[str]:
        """Files the runs read besides the scenarios: edge lists of the bases and the points."""
        paths = {b.graph.path for b in self.bases if b.graph.type == "edgelist"}
        for point in self.points:
            for key, value in point.values.items():
                if key == "graph.path" and isinstance(value, str):
                    paths.add(value)
                elif key == "graph" and isinstance(value, dict) and "path" in value:
                    paths.add(str(value["path"]))
        return sorted(paths)

    def task(self, point: Point, replication: int, scenario: dict[str, Any]) -> dict[str, Any]:
        """The plain-data task of one run (see :func:`sim.experiments.runner.execute`)."""
        exp = self.experiment
        every = exp.record.every
        return {
            "run_id": run_id(point.id, replication),
            "point_id": point.id,
            "replication": replication,
            "seed": run_seed(exp.seed, 0 if exp.common_seeds else point.id, replication),
            "label": point.label,
            "params": dict(point.params),
            "values": dict(point.values),
            "scenario": scenario,
            "record_every": None if every == "end" else every,
            "measurements": None if exp.measurements is None else list(exp.measurements),
            "stop": None if exp.stop is None else exp.stop.model_dump(mode="json"),
        }

    def tasks(self) -> list[dict[str, Any]]:
        """One task per run, in run-id order (point, then replication)."""
        scenarios = [b.model_dump(mode="json") for b in self.bases]
        return [
            self.task(point, r, scenarios[point.base])
            for point in self.points
            for r in range(self.experiment.replications)
        ]


# --------------------------------------------------------------------------- loading


def load_experiment(path: str | Path, overrides: list[str] | tuple[str, ...] = ()) -> Plan:
    """Read, validate and resolve an experiment file.

    Args:
        path: The experiment YAML file.
        overrides: ``KEY=VALUE`` strings changing the experiment's fields (VALUE is YAML).

    Returns:
        The plan of the sweep.

    Raises:
        ScenarioError: For any problem with the input, each on one line.
    """
    path = Path(path)
    data, origins = read_yaml(path, what="experiment")
    fallback = Origin(display_path(path))
    data.setdefault("name", path.stem)
    for text in overrides:
        key, value = parse_override(text)
        origin = Origin(f"--set {text}")
        if key.startswith("overrides.") and isinstance(data.get("overrides") or {}, dict):
            sub = key.removeprefix("overrides.")
            data["overrides"] = {**(data.get("overrides") or {}), sub: value}
            origins[("overrides", sub)] = origin
            origins.setdefault(("overrides",), origin)
        else:
            apply_override(data, origins, key, value, origin, root=Experiment)
    experiment = validate_model(Experiment, data, origins, fallback)
    return _Resolver(path, experiment, origins, fallback).plan()


def experiment_from_data(
    data: dict[str, Any],
    folder: str | Path = ".",
    origins: dict[Key, Origin] | None = None,
) -> Plan:
    """Validate and resolve an experiment given as plain data (e.g. built by ``chansim compare``).

    Args:
        data: The experiment's fields, as in a file.
        folder: Folder that relative file names in ``data`` are relative to.
        origins: Where given fields came from (key tuple → origin, e.g. ``("overrides",
            "market.consumers")`` → ``--set market.consumers=300``); the rest is located at
            "<experiment>".

    Returns:
        The plan of the sweep.

    Raises:
        ScenarioError: For any problem with the input, each on one line.
    """
    where = Origin("<experiment>")
    source = Path(folder) / "<experiment>"
    origins = {(): where, **(origins or {})}
    experiment = validate_model(Experiment, dict(data), origins, where)
    return _Resolver(source, experiment, origins, where).plan()


class _Resolver:
    """Turns a validated experiment into a plan, collecting located problems."""

    def __init__(
        self, path: Path, experiment: Experiment, origins: dict[Key, Origin], fallback: Origin
    ) -> None:
        self.path = path
        self.folder = path.resolve().parent if path.name != "<experiment>" else path.parent
        self.exp = experiment
        self.origins = origins
        self.fallback = fallback
        self.problems: list[Problem] = []

    def where(self, key: Key) -> Origin:
        return origin_for(key, self.origins, self.fallback)

    def problem(self, key: Key, message: str) -> None:
        self.problems.append(Problem(self.where(key), dotted(key), message))

    def check(self) -> None:
        if self.problems:
            raise ScenarioError(self.problems[:MAX_PROBLEMS])

    # ------------------------------------------------------------------ steps

    def plan(self) -> Plan:
        exp = self.exp
        for key in exp.overrides:
            field = key.split(".")[0]
            if field in RUN_FIELDS:
                self.problem(("overrides", key), f"cannot be overridden: {RUN_FIELDS[field]}")
        self.check()
        files = self._base_files()
        bases = self._load_bases(files)
        self.check()
        design = exp.design
        if isinstance(design, ScenariosDesign):
            labels = design.labels or [b.name for b in bases]
            if len(set(labels)) != len(labels):
                dup = next(x for x in labels if labels.count(x) > 1)
                key: Key = ("design", "labels") if design.labels else ("design", "scenario_files")
                self.problem(key, f"labels must be unique; {dup!r} appears twice (give labels)")
            self.check()
            sample = designs.Sample(
                [designs.DesignPoint({}, label, i) for i, label in enumerate(labels)],
                designs.problem_for(design),
            )
            parameters = ["scenario"]
        else:
            self._check_parameter_names(design)
            self.check()
            sample = designs.sample(design, exp.seed)
            parameters = list(sample.problem["names"])
        points = self._points(sample, bases, parameters)
        self.check()
        self._check_outputs(bases, points)
        self.check()
        resolved = exp.model_copy(
            update={
                "base": str(files[0]) if exp.base is not None else None,
                "design": _absolute_files(design, files),
            }
        )
        if exp.days is None and len({b.days for b in bases}) == 1:
            resolved = resolved.model_copy(update={"days": bases[0].days})
        size = {"salib_sobol": "base_samples", "morris": "trajectories"}
        at: Key = ("design", size.get(getattr(design, "type", ""), "type"))
        warnings = [f"{self.where(at)}: {dotted(at)}: {m}" for m in sample.warnings]
        return Plan(resolved, self.path, bases, points, parameters, sample.problem, warnings)

    def _base_files(self) -> list[Path]:
        design = self.exp.design
        if isinstance(design, ScenariosDesign):
            names = design.scenario_files
            keys: list[Key] = [("design", "scenario_files", i) for i in range(len(names))]
        else:
            assert self.exp.base is not None
            names, keys = [self.exp.base], [("base",)]
        files = []
        for name, key in zip(names, keys, strict=True):
            target = Path(name) if Path(name).is_absolute() else self.folder / name
            if not target.is_file():
                self.problem(key, f"scenario file not found: {name}")
            files.append(target.resolve())
        self.check()
        return files

    def _load_bases(self, files: list[Path]) -> list[Scenario]:
        values = [(k, v, self.where(("overrides", k))) for k, v in self.exp.overrides.items()]
        bases = []
        for target in files:
            try:
                base = load_scenario(target, values=values)
            except ScenarioError as exc:
                self.problems.extend(p for p in exc.problems if p not in self.problems)
                continue
            if self.exp.days is not None:
                base = apply_values(base, {"days": self.exp.days})
            bases.append(base)
        return bases

    def _check_parameter_names(self, design: Any) -> None:
        for key, path in _parameter_keys(design):
            if path.split(".")[0] in RUN_FIELDS:
                self.problem(key, f"cannot be varied: {RUN_FIELDS[path.split('.')[0]]}")
        if design is not None and hasattr(design, "parameters"):
            for path, spec in design.parameters.items():
                if isinstance(spec, Range) and spec.integer:
                    lo, hi = _integer_bounds(spec)
                    if lo > hi:
                        self.problem(
                            ("design", "parameters", path),
                            f"no whole number between low {spec.low} and high {spec.high}",
                        )

    def _points(
        self, sample: designs.Sample, bases: list[Scenario], parameters: list[str]
    ) -> list[Point]:
        """Validate every point on its base scenario; fill in base values of unset parameters.

        Wildcard paths (``tiers.*.lead_time_days``) are expanded to one path per list item, on
        the base with the point's earlier values applied; the point's ``values`` hold the
        expanded paths, its ``params`` the design's own.
        """
        design = self.exp.design
        dumps = [b.model_dump(mode="json") for b in bases]
        blamed: set[str] = set()
        combination_reported = False
        points = []
        for i, dp in enumerate(sample.points):
            base = bases[dp.base]
            values, origin = copy.deepcopy(dp.values), {p: p for p in dp.values}
            try:
                values, origin = expand_wildcards(dumps[dp.base], dp.values)
                apply_values(base, copy.deepcopy(values))  # it may change the values it sets
            except ScenarioValueError as exc:
                culprit = self._culprit(base, dumps[dp.base], dp.values, origin, exc)
                if culprit is not None and culprit[0] not in blamed:
                    blamed.add(culprit[0])
                    key = _parameter_key(design, i, culprit[0])
                    self.problem(key, culprit[1] + _hint(design, culprit[0], culprit[1]))
                elif culprit is None and not combination_reported:
                    combination_reported = True
                    key: Key = ("design", "points", i)
                    if not isinstance(design, PointsDesign):
                        key = ("design",)
                    self.problem(key, f"point {i} ({dp.label}) is not a valid scenario: {exc}")
            if isinstance(design, ScenariosDesign):
                params = {"scenario": dp.label}
            else:
                params = {p: dp.values.get(p, _get_dotted(dumps[dp.base], p)) for p in parameters}
            points.append(Point(i, dp.label, values, params, dp.base))
        return points

    @staticmethod
    def _culprit(
        base: Scenario,
        dump: dict[str, Any],
        values: dict[str, Any],
        origin: dict[str, str],
        exc: ScenarioValueError,
    ) -> tuple[str, str] | None:
        """The one parameter whose value alone is invalid, and the message; None if none is.

        ``values`` are the design's (wildcards not expanded), ``origin`` maps expanded paths
        to the design's.
        """
        if exc.path in origin:
            return origin[exc.path], exc.detail
        for path, value in values.items():
            try:
                apply_values(base, expand_wildcards(dump, {path: value})[0])  # copies
            except ScenarioValueError as single:
                detail = single.detail if single.path in (path, "") else str(single)
                return path, detail
        return None

    def _check_outputs(self, bases: list[Scenario], points: list[Point]) -> None:
        """Measurement names (kept, stop) and outputs, checked against the declared outputs
        (:mod:`sim.outputs`) of the base scenarios and, for an output they lack (e.g. a
        bullwhip ratio of a tier only some points have), of the points' scenarios."""
        from sim.experiments.runner import output_keys
        from sim.outputs import measurement_names

        wanted: list[tuple[Key, str]] = []
        if self.exp.measurements is not None:
            wanted += [(("measurements", i), m) for i, m in enumerate(self.exp.measurements)]
        if self.exp.stop is not None:
            wanted.append((("stop", "measurement"), self.exp.stop.measurement))
        outputs = [(("outputs", i), o) for i, o in enumerate(self.exp.outputs or [])]
        if not wanted and not outputs:
            return
        measured: set[str] = set()
        keys: set[str] = set()
        for base in bases:
            measured.update(measurement_names(base))
            keys.update(output_keys(base))
        if any(o not in keys for _, o in outputs):
            seen: set[str] = set()
            for point in points:
                if all(o in keys for _, o in outputs):
                    break
                text = json.dumps(point.values, sort_keys=True)
                if not point.values or text in seen:
                    continue
                seen.add(text)
                scenario = apply_values(bases[point.base], copy.deepcopy(point.values))
                keys.update(output_keys(scenario))
        for key, name in wanted:
            if name not in measured:
                self.problem(key, f"unknown measurement {name!r}{_close(name, measured)}")
        for key, name in outputs:
            if name not in keys:
                self.problem(
                    key,
                    f"unknown output {name!r}: not a summary key of these runs{_close(name, keys)}",
                )


# --------------------------------------------------------------------------- helpers


def _integer_bounds(r: Range) -> tuple[int, int]:
    import math

    return math.ceil(r.low), math.floor(r.high)


def _parameter_keys(design: Any) -> list[tuple[Key, str]]:
    """(origin key, dotted scenario path) of every parameter the design names."""
    if design is None or isinstance(design, ScenariosDesign):
        return []
    if isinstance(design, PointsDesign):
        return [(("design", "points", i, p), p) for i, pt in enumerate(design.points) for p in pt]
    return [(("design", "parameters", p), p) for p in design.parameters]


def _parameter_key(design: Any, point_index: int, path: str) -> Key:
    if isinstance(design, PointsDesign):
        return ("design", "points", point_index, path)
    return ("design", "parameters", path)


def _hint(design: Any, path: str, message: str) -> str:
    if (
        isinstance(design, QmcDesign) or getattr(design, "type", "") in ("salib_sobol", "morris")
    ) and "whole number" in message:
        return "; add integer: true to sample whole numbers"
    if isinstance(design, OatDesign | GridDesign) and "whole number" in message:
        return "; write whole numbers for this parameter"
    return ""


def _close(name: str, known: set[str]) -> str:
    close = difflib.get_close_matches(name, sorted(known), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def _get_dotted(data: Any, path: str) -> Any:
    """The value at a dotted path of plain data (list items by index, ``*`` for all items, a
    list); None if absent."""
    node = data
    parts = path.split(".")
    for k, part in enumerate(parts):
        if part == "*" and isinstance(node, list):
            rest = ".".join(parts[k + 1 :])
            return [_get_dotted(item, rest) if rest else item for item in node]
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


WILDCARD = "*"


def expand_wildcards(
    data: dict[str, Any], values: dict[str, Any]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Replace each ``*`` of a dotted path by every index of the list it stands for.

    The lists are those of ``data`` (a scenario as plain data) after the earlier values of
    ``values`` are applied, so ``{"tiers": [a, b], "tiers.*.lead_time_days": 3}`` sets the lead
    time of the two new tiers.

    Args:
        data: The base scenario as plain data (not changed).
        values: Dotted path → value, in the order they are applied.

    Returns:
        The values with concrete paths (in order, copies), and each concrete path's design
        path.

    Raises:
        ScenarioValueError: If a ``*`` does not stand for a list, or a path cannot be set.
    """
    if not any(WILDCARD in path.split(".") for path in values):
        return copy.deepcopy(values), {path: path for path in values}
    work = copy.deepcopy(data)
    out: dict[str, Any] = {}
    origin: dict[str, str] = {}
    for path, value in values.items():
        for concrete in _concrete_paths(work, path):
            try:
                set_dotted(work, concrete, copy.deepcopy(value))
            except (KeyError, IndexError, TypeError) as exc:
                raise ScenarioValueError(path, exc.args[0]) from None
            out[concrete] = copy.deepcopy(value)
            origin[concrete] = path
    return out, origin


def _concrete_paths(data: Any, path: str) -> list[str]:
    """The dotted paths a path with wildcards stands for in ``data``."""
    paths = [""]
    nodes = [data]
    for part in path.split("."):
        next_paths, next_nodes = [], []
        for prefix, node in zip(paths, nodes, strict=True):
            join = f"{prefix}.{{}}" if prefix else "{}"
            if part == WILDCARD:
                if not isinstance(node, list):
                    raise ScenarioValueError(
                        path, f"* stands for the items of a list, but {prefix or path} is not one"
                    )
                next_paths += [join.format(i) for i in range(len(node))]
                next_nodes += list(node)
            else:
                next_paths.append(join.format(part))
                if isinstance(node, dict):
                    next_nodes.append(node.get(part))
                elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
                    next_nodes.append(node[int(part)])
                else:
                    next_nodes.append(None)
        paths, nodes = next_paths, next_nodes
    return paths


def _absolute_files(design: Any, files: list[Path]) -> Any:
    if isinstance(design, ScenariosDesign):
        return design.model_copy(update={"scenario_files": [str(f) for f in files]})
    return design
