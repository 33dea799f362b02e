"""Validating plain data against a pydantic schema, with every problem as one located line.

A :class:`Problem` is ``file:line: dotted.path: message``; a :class:`ScenarioError` carries all
of a file's problems; the command line prints them and exits with code 2. The machinery is
generic over the root model (scenarios, :class:`sim.scenario.Scenario`; experiment files,
:mod:`sim.experiments.spec`): :func:`validate_model` turns pydantic's errors into problems at
the line each key came from, with the field's bounds, the expected type in words, and the
closest known key for a misspelt one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, get_args, get_origin

from pydantic import BaseModel, ValidationError

from sim.scenario import Scenario

Key = tuple[str | int, ...]


@dataclass(frozen=True)
class Origin:
    """Where a value came from: a file and line, or a command-line argument."""

    source: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.source}:{self.line}" if self.line is not None else self.source


@dataclass(frozen=True)
class Problem:
    origin: Origin
    path: str
    message: str

    def __str__(self) -> str:
        path = self.path if self.path.isprintable() else repr(self.path)[1:-1]
        message = self.message if self.message.isprintable() else repr(self.message)[1:-1]
        return f"{self.origin}: {path}: {message}" if path else f"{self.origin}: {message}"


class ScenarioError(Exception):
    """Bad user input: one or more problems, each printable on one line."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


def dotted(key: Key) -> str:
    return ".".join(str(k) for k in key)


def is_container(annotation: Any) -> bool:
    origins = {get_origin(a) for a in flatten_annotation(annotation)} | {get_origin(annotation)}
    return bool(origins & {dict, list}) or any(
        isinstance(a, type) and issubclass(a, BaseModel) for a in flatten_annotation(annotation)
    )


def item_model(annotation: Any, value: Any) -> Any:
    """The pydantic model class a value of this annotation validates as (None if not a model)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    args = get_args(annotation)
    if get_origin(annotation) is list and args:
        return item_model(args[0], None)
    models = [
        a
        for a in flatten_annotation(annotation)
        if isinstance(a, type) and issubclass(a, BaseModel)
    ]
    if len(models) == 1:
        return models[0]
    if models and isinstance(value, dict):
        for m in models:
            for tag_name in ("type", "action"):
                tag = m.model_fields.get(tag_name)
                if tag is not None and value.get(tag_name) in get_args(tag.annotation):
                    return m
    return None


def flatten_annotation(annotation: Any) -> list[Any]:
    args = get_args(annotation)
    if not args:
        return [annotation]
    out: list[Any] = []
    for a in args:
        out.extend(flatten_annotation(a))
    return out


# --------------------------------------------------------------------------- validation errors


def model_at(loc: Key, data: Any, root: type[BaseModel] = Scenario) -> tuple[Any, Any]:
    """Walk the schema along an error location; return (model class at the parent, field)."""
    model: Any = root
    node: Any = data
    field = None
    for part in loc:
        if isinstance(part, int):
            node = node[part] if isinstance(node, list) and part < len(node) else None
            continue
        if not (isinstance(model, type) and issubclass(model, BaseModel)):
            return None, None
        field = schema_field(model, part)
        if field is None:
            return model, None
        node = node.get(part) if isinstance(node, dict) else None
        if part == loc[-1]:
            return model, field
        model = item_model(field.annotation, node)
    return model, field


def schema_field(model: type[BaseModel], key: str) -> Any:
    """The field of ``model`` that a data key names (by name, or by alias such as ``from``)."""
    field = model.model_fields.get(key)
    if field is None:
        field = next((f for f in model.model_fields.values() if f.alias == key), None)
    return field


def schema_keys(model: type[BaseModel]) -> list[str]:
    """The keys a model accepts in data (aliases where set)."""
    return [f.alias or name for name, f in model.model_fields.items()]


def clean_loc(loc: tuple[Any, ...], data: Any) -> Key:
    """Drop the discriminated-union tags pydantic inserts into error locations."""
    out: list[str | int] = []
    node = data
    for part in loc:
        if part == "[key]":
            continue
        if isinstance(node, dict) and isinstance(part, str) and part not in node:
            tag = node.get("type", node.get("action"))
            if part == tag or part.startswith(("function-", "tagged-union")):
                continue
        if isinstance(node, dict):
            node = node.get(part)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            node = None
        out.append(part)
    return tuple(out)


def _bounds(field: Any) -> tuple[Any, Any, bool, bool]:
    lo = hi = None
    lo_strict = hi_strict = False
    if field is None:
        return lo, hi, lo_strict, hi_strict
    metadata = list(field.metadata)
    for a in flatten_annotation(field.annotation):
        metadata.extend(getattr(a, "__metadata__", ()))
    for arg in get_args(field.annotation):
        metadata.extend(getattr(arg, "__metadata__", ()))
        for inner in get_args(arg):
            metadata.extend(getattr(inner, "__metadata__", ()))
    for m in metadata:
        for attr, strict in (("ge", False), ("gt", True)):
            if getattr(m, attr, None) is not None:
                lo, lo_strict = getattr(m, attr), strict
        for attr, strict in (("le", False), ("lt", True)):
            if getattr(m, attr, None) is not None:
                hi, hi_strict = getattr(m, attr), strict
        for sub in getattr(m, "metadata", ()):
            for attr, strict in (("ge", False), ("gt", True)):
                if getattr(sub, attr, None) is not None:
                    lo, lo_strict = getattr(sub, attr), strict
            for attr, strict in (("le", False), ("lt", True)):
                if getattr(sub, attr, None) is not None:
                    hi, hi_strict = getattr(sub, attr), strict
    return lo, hi, lo_strict, hi_strict


class _Shown:
    """A user's value as quoted in a message: its repr, cut to 80 characters."""

    def __init__(self, value: Any) -> None:
        self.value = value

    def __repr__(self) -> str:
        text = repr(self.value)
        return text if len(text) <= 80 else text[:77] + "…"


def _range_message(error: dict[str, Any], field: Any) -> str:
    got = _Shown(error.get("input"))
    lo, hi, lo_strict, hi_strict = _bounds(field)
    ctx = error.get("ctx", {})
    if lo is None and hi is None:
        lo = ctx.get("ge", ctx.get("gt"))
        hi = ctx.get("le", ctx.get("lt"))
        lo_strict, hi_strict = "gt" in ctx, "lt" in ctx
    if lo is not None and hi is not None and not lo_strict and not hi_strict:
        return f"must be between {lo:g} and {hi:g} (got {got!r})"
    parts = []
    if lo is not None:
        parts.append(f"{'>' if lo_strict else '>='} {lo:g}")
    if hi is not None:
        parts.append(f"{'<' if hi_strict else '<='} {hi:g}")
    return f"must be {' and '.join(parts)} (got {got!r})"


_TYPE_WORDS = {
    "float_type": "a number",
    "int_type": "a whole number",
    "bool_type": "true or false",
    "string_type": "text",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
    "int_from_float": "a whole number",
    "float_parsing": "a number",
    "int_parsing": "a whole number",
}


def _suggest(word: str, choices: list[str]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def message_for(
    error: dict[str, Any], loc: Key, data: Any, root: type[BaseModel] = Scenario
) -> str:
    kind = error["type"]
    value = error.get("input")
    got = _Shown(value)
    ctx = error.get("ctx", {}) or {}
    if "[key]" in error["loc"] or kind == "invalid_key":
        return f"keys must be text (got {got!r})"
    if kind == "extra_forbidden":
        model, _ = model_at(loc, data, root)
        names = schema_keys(model) if model is not None else []
        valid = f"; valid keys: {', '.join(names)}" if len(names) <= 12 else ""
        hint = _suggest(str(loc[-1]), names)
        return f"unknown key{hint or valid}"
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        _, field = model_at(loc, data, root)
        return _range_message(error, field)
    if kind in _TYPE_WORDS:
        return f"expected {_TYPE_WORDS[kind]} (got {got!r})"
    if kind == "literal_error":
        expected = ctx.get("expected", "")
        choices = [c.strip().strip("'") for c in expected.replace(" or ", ", ").split(",")]
        return f"must be one of {expected} (got {got!r}){_suggest(str(value), choices)}"
    if kind == "union_tag_invalid":
        tags = [t.strip().strip("'") for t in str(ctx.get("expected_tags", "")).split(",")]
        what = "event action"
        if ctx.get("discriminator") == "'type'":
            section = next((str(p) for p in reversed(loc) if isinstance(p, str)), "")
            what = f"{section} type".strip()
        return (
            f"unknown {what} {ctx.get('tag')!r}{_suggest(str(ctx.get('tag')), tags)}; "
            f"expected one of: {', '.join(tags)}"
        )
    if kind == "union_tag_not_found":
        return f"missing {ctx.get('discriminator', 'tag')} key"
    if kind == "missing":
        return "required key is missing"
    if kind == "multiple_of":
        return f"must be a multiple of {ctx.get('multiple_of')} (got {got!r})"
    if kind == "string_pattern_mismatch":
        return f"must match {ctx.get('pattern')} (got {got!r})"
    if kind in ("too_short", "too_long"):
        return error["msg"].replace("List", "list").replace("Input", "value")
    if kind == "value_error":
        return str(ctx.get("error", error["msg"]))
    return error["msg"]


def origin_for(key: Key, origins: dict[Key, Origin], fallback: Origin) -> Origin:
    """The origin of ``key``, else of its nearest ancestor that has one, else ``fallback``."""
    for n in range(len(key), -1, -1):
        if key[:n] in origins:
            return origins[key[:n]]
    return fallback


def validate_model[M: BaseModel](
    root: type[M], data: dict[str, Any], origins: dict[Key, Origin], fallback: Origin
) -> M:
    """Validate plain data against a root pydantic model; every problem becomes one located line.

    Args:
        root: The schema (e.g. :class:`~sim.scenario.Scenario`).
        data: The data read from YAML (and overrides).
        origins: Where each key came from (see :func:`read_yaml`).
        fallback: Origin for problems whose key has none (e.g. a missing required key).

    Returns:
        The validated model.

    Raises:
        ScenarioError: One problem per validation error, sorted by file and line.
    """
    try:
        return root.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            loc = clean_loc(error["loc"], data)
            origin = origin_for(loc, origins, fallback)
            if error["type"] == "value_error":
                origin = _named_origin(
                    loc, str(error.get("ctx", {}).get("error", "")), origins, origin
                )
            problems.append(Problem(origin, dotted(loc), message_for(error, loc, data, root)))
        raise ScenarioError(sorted_problems(problems)) from None


def _named_origin(key: Key, message: str, origins: dict[Key, Origin], default: Origin) -> Origin:
    """For a cross-field error in a section, point at where the fields it names were set.

    Among the section's keys named in the message, a command-line override of one of them or of
    anything inside one wins (it is what changed); otherwise the last line of the file that
    states one of them.
    """
    children = [
        k
        for k in origins
        if len(k) == len(key) + 1
        and k[: len(key)] == key
        and isinstance(k[-1], str)
        and re.search(rf"\b{re.escape(k[-1])}\b", message)
    ]
    if not children:
        return default
    named = [origins[k] for k in children]
    inside = [o for k, o in origins.items() if any(k[: len(c)] == c for c in children)]
    overrides = [o for o in inside if o.line is None]
    if overrides:
        return overrides[-1]
    return max(named, key=lambda o: o.line or 0)


def sorted_problems(problems: list[Problem]) -> list[Problem]:
    unique = _unique(problems)
    return sorted(unique, key=lambda p: (p.origin.source, p.origin.line or 0))


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for p in problems:
        if str(p) not in seen:
            seen.add(str(p))
            out.append(p)
    return out
