"""Reading scenarios: YAML with line numbers, ``extends``, ``--set`` overrides, one-line errors.

Every problem with user input becomes one line ``file:line: dotted.path: message`` collected in
a :class:`ScenarioError`; the command line prints them and exits with code 2.

The machinery is generic over the root pydantic model: :func:`validate_model` and
:func:`apply_override` take it as a parameter (experiment files use them with their own schema,
:mod:`sim.experiments.spec`); :func:`load_scenario` and :func:`validate_data` are the scenario's.

Merging rules for ``extends: other.yaml`` (a path relative to the extending file, followed
recursively): mappings merge key by key, the extending file winning; lists are replaced whole;
a mapping whose ``type`` differs from the base's (e.g. another graph generator) replaces it whole.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from sim import graph as graphs
from sim.scenario import DistributorStores, OwnersSwitch, Scenario, semantic_problems
from sim.validation import (
    Key,
    Origin,
    Problem,
    ScenarioError,
    clean_loc,
    dotted,
    is_container,
    item_model,
    message_for,
    origin_for,
    sorted_problems,
    validate_model,
)

# --------------------------------------------------------------------------- YAML with lines


class ScenarioLoader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 scalars: ``1e3`` is a number, only true/false are booleans."""


ScenarioLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:bool"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
ScenarioLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"""^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+]?[0-9]+)?
        |[-+]?(?:[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)
        |\.[0-9_]+(?:[eE][-+][0-9]+)?
        |[-+]?\.(?:inf|Inf|INF)
        |\.(?:nan|NaN|NAN))$""",
        re.X,
    ),
    list("-+0123456789."),
)


def parse_yaml(text: str) -> Any:
    """Parse YAML text with the scenario loader."""
    return yaml.load(text, Loader=ScenarioLoader)  # a SafeLoader subclass: no arbitrary objects


def display_path(path: Path) -> str:
    """A file name as shown in problem lines: relative to the working folder when inside it."""
    return _display(path)


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


MAX_FILE_BYTES = 10 * 2**20
"""Largest scenario or experiment file read (10 MiB; real ones are a few kilobytes)."""
MAX_NODES = 200_000
"""Most YAML values a file may expand to, aliases counted at every use (an alias bomb of a few
hundred bytes expands to billions)."""
MAX_DEPTH = 100
"""Deepest nesting of mappings and lists in a file."""
MAX_EXTENDS = 32
"""Longest chain of ``extends``."""


def _read_limited(path: Path, shown: str) -> str:
    """The file's text, refusing what is not a regular file or is larger than MAX_FILE_BYTES."""
    try:
        if not path.is_file():
            message = "file not found" if not path.exists() else "not a regular file"
            raise ScenarioError([Problem(Origin(shown), "", message)])
        with path.open("rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise ScenarioError([Problem(Origin(shown), "", f"cannot read file ({exc})")]) from None
    if len(raw) > MAX_FILE_BYTES:
        raise ScenarioError(
            [Problem(Origin(shown), "", f"file larger than {MAX_FILE_BYTES // 2**20} MiB")]
        )
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ScenarioError([Problem(Origin(shown), "", f"cannot read file ({exc})")]) from None


def _check_size(root: yaml.Node | None, shown: str) -> None:
    """Refuse a document that expands to more than MAX_NODES values (each alias counted at
    every place it is used) or nests deeper than MAX_DEPTH, without expanding it."""
    if root is None:
        return
    size: dict[int, int] = {}
    depth: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        key = id(node)
        if key in size and not done:
            continue
        children: list[yaml.Node] = []
        if isinstance(node, yaml.SequenceNode):
            children = list(node.value)
        elif isinstance(node, yaml.MappingNode):
            children = [part for pair in node.value for part in pair]
        if not done:
            stack.append((node, True))
            stack.extend((child, False) for child in children if id(child) not in size)
            continue
        size[key] = 1 + sum(size[id(c)] for c in children)
        depth[key] = 1 + max((depth[id(c)] for c in children), default=0)
        if size[key] > MAX_NODES:
            line = node.start_mark.line + 1
            raise ScenarioError(
                [
                    Problem(
                        Origin(shown, line),
                        "",
                        f"YAML expands to more than {MAX_NODES:,} values (aliases counted "
                        "at every use)",
                    )
                ]
            )
        if depth[key] > MAX_DEPTH:
            raise ScenarioError(
                [
                    Problem(
                        Origin(shown, node.start_mark.line + 1),
                        "",
                        f"YAML nested too deeply (more than {MAX_DEPTH} levels)",
                    )
                ]
            )


def read_yaml(path: Path, what: str = "scenario") -> tuple[dict[str, Any], dict[Key, Origin]]:
    """Parse one YAML file into plain data and the origin (file, line) of every key.

    Args:
        path: The YAML file.
        what: What the file holds, for the message when its top level is not a mapping.
    """
    shown = _display(path)
    text = _read_limited(path, shown)
    try:
        node = yaml.compose(text, Loader=ScenarioLoader)
        _check_size(node, shown)
        data = parse_yaml(text)
    except RecursionError:
        raise ScenarioError(
            [Problem(Origin(shown), "", f"YAML nested too deeply (more than {MAX_DEPTH} levels)")]
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = min(mark.line + 1, max(1, len(text.splitlines()))) if mark is not None else None
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        context, context_mark = getattr(exc, "context", None), getattr(exc, "context_mark", None)
        if context and context_mark is not None:
            problem += f" ({context} started at line {context_mark.line + 1})"
        raise ScenarioError(
            [Problem(Origin(shown, line), "", f"YAML syntax error: {problem}")]
        ) from None
    if data is None:
        return {}, {}
    if not isinstance(data, dict):
        line = node.start_mark.line + 1 if node is not None else 1
        raise ScenarioError(
            [Problem(Origin(shown, line), "", f"expected a mapping of {what} keys at top level")]
        )
    origins: dict[Key, Origin] = {(): Origin(shown, 1)}
    problems: list[Problem] = []
    _walk_node(node, (), shown, origins, problems)
    if problems:
        raise ScenarioError(problems)
    return data, origins


def _walk_node(
    node: yaml.Node, key: Key, shown: str, origins: dict[Key, Origin], problems: list[Problem]
) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[Any] = set()
        for key_node, value_node in node.value:
            name = key_node.value
            if isinstance(key_node, yaml.ScalarNode) and key_node.tag.endswith(":int"):
                name = int(name)
            sub = (*key, name)
            line = key_node.start_mark.line + 1
            if name in seen:
                problems.append(Problem(Origin(shown, line), dotted(sub), "duplicate key"))
            seen.add(name)
            origins[sub] = Origin(shown, line)
            _walk_node(value_node, sub, shown, origins, problems)
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            sub = (*key, i)
            origins[sub] = Origin(shown, item.start_mark.line + 1)
            _walk_node(item, sub, shown, origins, problems)


# --------------------------------------------------------------------------- extends and merge


def _drop_under(origins: dict[Key, Origin], key: Key) -> None:
    for k in [k for k in origins if k[: len(key)] == key and len(k) > len(key)]:
        del origins[k]


def merge(
    base: dict[str, Any],
    base_origins: dict[Key, Origin],
    over: dict[str, Any],
    over_origins: dict[Key, Origin],
    key: Key = (),
) -> None:
    """Merge ``over`` into ``base`` in place (and their origins): see the module docstring."""
    for name, value in over.items():
        sub = (*key, name)
        old = base.get(name)
        replace = not (isinstance(old, dict) and isinstance(value, dict))
        if not replace and "type" in value and value.get("type") != old.get("type"):
            replace = True
        if replace:
            base[name] = copy.deepcopy(value)
            _drop_under(base_origins, sub)
            base_origins.update({k: o for k, o in over_origins.items() if k[: len(sub)] == sub})
        else:
            if sub in over_origins:
                base_origins[sub] = over_origins[sub]
            merge(old, base_origins, value, over_origins, sub)


def read_with_extends(
    path: Path, chain: tuple[Path, ...] = ()
) -> tuple[dict[str, Any], dict[Key, Origin]]:
    """Read a scenario file and, recursively, the files it extends, merged."""
    data, origins = read_yaml(path)
    parent = data.pop("extends", None)
    if parent is None:
        return data, origins
    where = origins.get(("extends",), Origin(_display(path)))
    if not isinstance(parent, str):
        raise ScenarioError([Problem(where, "extends", "expected a file name")])
    target = (path.parent / parent).resolve()
    if not target.is_file():
        raise ScenarioError([Problem(where, "extends", f"file not found: {parent}")])
    if target in chain or target == path.resolve():
        raise ScenarioError([Problem(where, "extends", f"circular extends through {parent}")])
    if len(chain) + 1 >= MAX_EXTENDS:
        raise ScenarioError(
            [Problem(where, "extends", f"a chain of more than {MAX_EXTENDS} extends files")]
        )
    base, base_origins = read_with_extends(target, (*chain, path.resolve()))
    origins.pop(("extends",), None)
    merge(base, base_origins, data, origins)
    base_origins[()] = origins[()]
    return base, base_origins


# --------------------------------------------------------------------------- --set overrides


def parse_override(text: str) -> tuple[str, Any]:
    """Split ``KEY=VALUE`` and parse VALUE as YAML; ScenarioError if malformed."""
    origin = Origin(f"--set {text}")
    key, sep, raw = text.partition("=")
    key = key.strip()
    if not sep or not key:
        raise ScenarioError([Problem(origin, "", "expected KEY=VALUE")])
    parts = key.split(".")
    if any(not p for p in parts):
        raise ScenarioError([Problem(origin, "", f"malformed key {key!r}")])
    try:
        value = parse_yaml(raw) if raw.strip() else None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or "cannot parse"
        raise ScenarioError([Problem(origin, key, f"value is not valid YAML: {problem}")]) from None
    return key, value


def set_dotted(data: dict[str, Any], path: str, value: Any) -> Key:
    """Set ``data[a][b]... = value`` for the dotted path ``a.b...``; list items by index.

    Returns the key tuple. Raises KeyError/IndexError/TypeError with a message when the path
    goes through a value that is not a mapping or list.
    """
    parts = path.split(".")
    node: Any = data
    key: list[str | int] = []
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if not part.isdigit():
                raise TypeError(f"{dotted(tuple(key))} is a list; use an index, not {part!r}")
            index = int(part)
            if index >= len(node):
                raise IndexError(f"{dotted(tuple(key))} has {len(node)} items, no index {index}")
            key.append(index)
            if last:
                node[index] = value
            else:
                node = node[index]
        elif isinstance(node, dict):
            key.append(part)
            if last:
                node[part] = value
            else:
                if part not in node or node[part] is None:
                    node[part] = {}
                node = node[part]
        else:
            raise TypeError(f"{dotted(tuple(key))} is a single value, it has no {part!r}")
    return tuple(key)


def _prepare_path(data: dict[str, Any], path: str, root: type[BaseModel] = Scenario) -> None:
    """Make a dotted path settable: list defaults made explicit (so ``tiers.1.markup`` reaches
    the default tiers), missing sections created; a path that continues past a single value is
    an error (TypeError with a one-line message)."""
    parts = path.split(".")
    node: Any = data
    model: Any = root
    walked: list[str] = []
    for k, part in enumerate(parts):
        if not (isinstance(model, type) and issubclass(model, BaseModel)) or not isinstance(
            node, dict
        ):
            return
        field = model.model_fields.get(part)
        if field is None:
            return
        walked.append(part)
        if part not in node and field.default_factory is not None:
            default = field.default_factory()
            if isinstance(default, list):
                node[part] = [
                    d.model_dump(mode="json") if isinstance(d, BaseModel) else d for d in default
                ]
            elif isinstance(default, BaseModel):
                # a union section (e.g. the graph) keeps its default's tag, so that setting one
                # of its fields does not leave it without a ``type``
                tags = [t for t in ("type", "action") if t in type(default).model_fields]
                node[part] = {t: getattr(default, t) for t in tags}
        child = node.get(part)
        sub = item_model(field.annotation, child)
        more = k < len(parts) - 1
        if (
            more
            and sub is None
            and not is_container(field.annotation)
            and not isinstance(child, dict | list)
        ):
            raise TypeError(f"{'.'.join(walked)} is a single value, it has no {parts[k + 1]!r}")
        if isinstance(child, list):
            return
        node, model = child, sub


def _replaced_union_section(data: dict[str, Any], path: str, value: Any) -> Key | None:
    """``--set graph.type=X`` with another X replaces the whole section, as ``extends`` does.

    Returns the section's key if it was replaced.
    """
    parts = path.split(".")
    if parts[-1] != "type" or len(parts) < 2:
        return None
    node: Any = data
    for part in parts[:-1]:
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    if isinstance(node, dict) and node.get("type", value) != value:
        node.clear()
        return tuple(parts[:-1])
    return None


def validate_data(data: dict[str, Any], origins: dict[Key, Origin], fallback: Origin) -> Scenario:
    """Validate merged scenario data; every problem becomes one located line."""
    scenario = validate_model(Scenario, data, origins, fallback)
    problems = [
        Problem(origin_for(key, origins, fallback), dotted(key), message)
        for key, message in semantic_problems(scenario)
    ]
    problems.extend(_check_set_events(scenario, origins, fallback))
    if not problems:
        problems.extend(_check_brands(scenario, origins, fallback))
    if problems:
        raise ScenarioError(sorted_problems(problems))
    return scenario


def brand_scenario(scenario: Scenario, index: int) -> Scenario:
    """The scenario of rival ``brands[index]``: the focal scenario with the rival's changes,
    its name as ``manufacturer.brand`` and its own events (when it states none, the focal's
    but its ``owners_switch`` events, which are about the focal brand's stores). The market's
    ``brands`` and ``distributor_stores`` stay with the focal scenario.

    Raises ScenarioValueError if a change does not fit the schema.
    """
    brand = scenario.brands[index]
    base = scenario.model_copy(update={"brands": [], "distributor_stores": DistributorStores()})
    values = {"manufacturer.brand": brand.name, **brand.changes}
    derived = apply_values(base, values)
    if brand.events is not None:
        events = list(brand.events)
    else:
        events = [e for e in scenario.events if not isinstance(e, OwnersSwitch)]
    return derived.model_copy(update={"events": events})


def _check_brands(
    scenario: Scenario, origins: dict[Key, Origin], fallback: Origin
) -> list[Problem]:
    """Each rival's scenario must validate, and so must its events."""
    problems: list[Problem] = []
    for i, brand in enumerate(scenario.brands):
        try:
            derived = brand_scenario(scenario, i)
        except ScenarioValueError as exc:
            key: Key = ("brands", i, "changes", exc.path) if exc.path else ("brands", i, "changes")
            if exc.path and exc.path not in brand.changes:
                key = ("brands", i, "changes")
            problems.append(Problem(origin_for(key, origins, fallback), dotted(key), exc.detail))
            continue
        for found, message in semantic_problems(derived, market=False):
            where: Key = (
                ("brands", i, *found) if found[:1] == ("events",) else ("brands", i, "changes")
            )
            problems.append(Problem(origin_for(where, origins, fallback), dotted(where), message))
        events_origin = origin_for(("brands", i, "events"), origins, fallback)
        for problem in _check_set_events(derived, {}, events_origin):
            problems.append(Problem(events_origin, f"brands.{i}.{problem.path}", problem.message))
    return problems


def _check_set_events(
    scenario: Scenario, origins: dict[Key, Origin], fallback: Origin
) -> list[Problem]:
    """Each ``set`` event must name an existing, live parameter with a valid value.

    Events are applied in the order the run applies them (by day, then file order), each on the
    scenario left by the earlier ones, so a sequence that becomes contradictory is caught here
    rather than in the middle of a run.
    """
    problems: list[Problem] = []
    current = scenario
    order = sorted(range(len(scenario.events)), key=lambda i: (scenario.events[i].day, i))
    for i in order:
        event = scenario.events[i]
        if event.action != "set":
            continue
        for path, value in event.values.items():
            key: Key = ("events", i, "values", path)
            origin = origin_for(key, origins, fallback)
            try:
                current = apply_values(current, {path: value})
            except ScenarioValueError as exc:
                detail = exc.detail if exc.path == path else str(exc)
                problems.append(Problem(origin, dotted(key), detail))
    return problems


class ScenarioValueError(ValueError):
    """A parameter change that does not fit the schema."""

    def __init__(self, path: str, detail: str) -> None:
        self.path, self.detail = path, detail
        super().__init__(f"{path}: {detail}" if path else detail)


def apply_values(scenario: Scenario, values: dict[str, Any]) -> Scenario:
    """Return a new scenario with dotted-path values changed, validated like a file.

    Raises ScenarioValueError with a one-line message if a path does not exist or a value is
    invalid.
    """
    data = scenario.model_dump(mode="json")
    for path, value in values.items():
        try:
            set_dotted(data, path, value)
        except (KeyError, IndexError, TypeError) as exc:
            raise ScenarioValueError("", exc.args[0]) from None
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = clean_loc(error["loc"], data)
        raise ScenarioValueError(dotted(loc), message_for(error, loc, data)) from None


# --------------------------------------------------------------------------- entry point


def apply_override(
    data: dict[str, Any],
    origins: dict[Key, Origin],
    path: str,
    value: Any,
    origin: Origin,
    root: type[BaseModel] = Scenario,
) -> None:
    """Set one dotted path in raw data as ``--set`` does, recording where the value came from.

    List defaults of ``root`` are made explicit first (so ``tiers.1.markup`` reaches the default
    tiers); a new ``type`` for a union section replaces the whole section.

    Args:
        data: Raw data (read from YAML), changed in place.
        origins: Origins of its keys, changed in place.
        path: Dotted path, e.g. ``channels.b2c2c.rebate_rate``.
        value: The new value (plain data).
        origin: Where the value came from (a ``--set`` argument or a line of another file).
        root: The schema the data will be validated against.

    Raises:
        ScenarioError: If the path goes through a single value or past the end of a list.
    """
    try:
        _prepare_path(data, path, root)
        parent_key = _replaced_union_section(data, path, value)
        key = set_dotted(data, path, value)
    except (KeyError, IndexError, TypeError) as exc:
        raise ScenarioError([Problem(origin, path, exc.args[0])]) from None
    if parent_key is not None:
        _drop_under(origins, parent_key)
        origins[parent_key] = origin
    _drop_under(origins, key)
    for n in range(1, len(key) + 1):
        if n == len(key) or key[:n] not in origins:
            origins[key[:n]] = origin


def safe_name(stem: str) -> str:
    """A file's stem as a scenario name: characters other than letters, digits, '_', '.' and
    '-' become '_' (a name given in the file itself is checked, not changed)."""
    import re

    name = re.sub(r"[^A-Za-z0-9_.-]", "_", stem)[:100]
    return name if name and name[0].isalnum() else f"s{name}"[:100]


def load_scenario(
    path: str | Path,
    overrides: list[str] | tuple[str, ...] = (),
    seed: int | None = None,
    days: int | None = None,
    *,
    values: Sequence[tuple[str, Any, Origin]] = (),
) -> Scenario:
    """Read, merge, override and validate a scenario file.

    Args:
        path: The scenario YAML file.
        overrides: ``KEY=VALUE`` strings (VALUE parsed as YAML), applied after ``extends``.
        seed: Overrides ``seed`` if given.
        days: Overrides ``days`` if given.
        values: ``(dotted path, value, origin)`` overrides stated elsewhere (e.g. in an
            experiment file), applied like ``--set`` before ``overrides``; problems with them
            are reported at their origin.

    Returns:
        The resolved scenario (every parameter explicit, paths absolute).

    Raises:
        ScenarioError: For any problem with the input, each on one line.
    """
    path = Path(path)
    data, origins = read_with_extends(path)
    fallback = Origin(_display(path))
    data.setdefault("name", safe_name(path.stem))
    for key_text, value, origin in values:
        apply_override(data, origins, key_text, value, origin)
    for text in overrides:
        key_text, value = parse_override(text)
        apply_override(data, origins, key_text, value, Origin(f"--set {text}"))
    for flag, value in (("seed", seed), ("days", days)):
        if value is not None:
            data[flag] = value
            origins[(flag,)] = Origin(f"--{flag} {value}")
    _resolve_edgelist(data, origins, fallback)
    return validate_data(data, origins, fallback)


def _resolve_edgelist(data: dict[str, Any], origins: dict[Key, Origin], fallback: Origin) -> None:
    """Make an edge-list path absolute (relative to the file naming it) and check it exists."""
    graph = data.get("graph")
    if not isinstance(graph, dict) or graph.get("type") != "edgelist":
        return
    raw = graph.get("path")
    if not isinstance(raw, str):
        return
    origin = origin_for(("graph", "path"), origins, fallback)
    base = Path(origin.source).parent if origin.line is not None else Path.cwd()
    target = Path(raw) if Path(raw).is_absolute() else (base / raw)
    if not target.is_file():
        raise ScenarioError([Problem(origin, "graph.path", f"edge-list file not found: {raw}")])
    graph["path"] = str(target.resolve())
    try:
        nodes = graphs.build_graph("edgelist", 0, {"path": graph["path"]}, 0).n
    except graphs.EdgeListError as exc:
        where = Origin(_display(target), exc.line)
        raise ScenarioError([Problem(where, "", f"edge list: {exc.message}")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(
            [Problem(origin, "graph.path", f"cannot read edge list ({exc})")]
        ) from None
    market = data.setdefault("market", {})
    if not isinstance(market, dict):
        return
    declared = market.get("consumers")
    if declared is not None and declared != nodes:
        where = origin_for(("market", "consumers"), origins, fallback)
        raise ScenarioError(
            [
                Problem(
                    where,
                    "market.consumers",
                    f"must equal the {nodes} nodes of the edge list (got {declared!r}); "
                    "leave it out to take it from the file",
                )
            ]
        )
    market["consumers"] = nodes


def scenario_yaml(scenario: Scenario) -> str:
    """The resolved scenario as YAML: every parameter explicit, in schema order."""
    return yaml.safe_dump(
        _tag_first(scenario.model_dump(mode="json")), sort_keys=False, allow_unicode=True, width=100
    )


def _tag_first(value: Any) -> Any:
    """Put a mapping's ``type`` key first, for readability of union sections."""
    if isinstance(value, dict):
        ordered = {k: _tag_first(v) for k, v in value.items()}
        if "type" in ordered:
            ordered = {"type": ordered.pop("type"), **ordered}
        return ordered
    if isinstance(value, list):
        return [_tag_first(v) for v in value]
    return value


def scenario_sha256(scenario: Scenario) -> str:
    """Content hash of a resolved scenario (canonical JSON, sorted keys)."""
    text = json.dumps(scenario.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()
