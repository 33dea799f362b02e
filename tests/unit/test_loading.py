"""Unit tests for :mod:`sim.loading`: defaults, ``extends``, ``--set`` and one-line errors."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from sim.loading import (
    ScenarioValueError,
    apply_values,
    load_scenario,
    merge,
    parse_override,
    scenario_sha256,
    scenario_yaml,
    set_dotted,
)
from sim.scenario import Scenario
from sim.validation import Origin, ScenarioError

SCENARIOS = Path(__file__).resolve().parents[2] / "scenarios"

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Work inside ``tmp_path`` so problem lines show short relative file names."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(name: str, text: str) -> Path:
    """Write ``text`` to ``name`` (relative to the current directory), creating folders."""
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(path: str | Path, overrides: tuple[str, ...] = (), **kwargs) -> list[str]:
    """The problem lines of the ScenarioError that loading ``path`` must raise."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(path, list(overrides), **kwargs)
    lines = [str(p) for p in info.value.problems]
    assert str(info.value) == "\n".join(lines)
    assert all("\n" not in line for line in lines)
    return lines


# ---------------------------------------------------------------------------
# defaults and name
# ---------------------------------------------------------------------------


def test_empty_file_gives_all_defaults(here: Path) -> None:
    """An empty file is the default scenario, named after the file stem."""
    write("empty.yaml", "")
    s = load_scenario("empty.yaml")
    assert s == Scenario(name="empty")
    assert (s.seed, s.days, s.market.consumers, s.graph.type) == (
        0,
        365,
        10_000,
        "powerlaw_cluster",
    )
    assert [t.name for t in s.channels.b2b2c.tiers] == ["national", "regional", "retailer"]
    assert s.events == []


def test_comment_only_file_gives_defaults(here: Path) -> None:
    """A file holding only comments behaves like an empty file."""
    write("only_comments.yaml", "# nothing here\n# at all\n")
    assert load_scenario("only_comments.yaml") == Scenario(name="only_comments")


def test_file_stating_little_keeps_other_defaults(here: Path) -> None:
    """Keys a file states replace defaults; sibling keys keep theirs."""
    write("little.yaml", "days: 30\nmarket:\n  fan_share: 0.1\n")
    s = load_scenario("little.yaml")
    assert s.days == 30
    assert s.market.fan_share == 0.1
    assert s.market.employee_share == 0.002
    assert s.market.consumers == 10_000
    assert s.name == "little"


def test_stated_name_wins_over_file_stem(here: Path) -> None:
    """``name`` defaults to the stem only when no file states it."""
    write("file_stem.yaml", "name: chosen\n")
    assert load_scenario("file_stem.yaml").name == "chosen"


def test_accepts_str_and_path(here: Path) -> None:
    """load_scenario takes a str or a Path and gives the same scenario."""
    write("p.yaml", "seed: 4\n")
    assert load_scenario("p.yaml") == load_scenario(Path("p.yaml"))
    assert load_scenario("p.yaml").seed == 4


def test_shipped_scenarios_load_with_their_stem_as_name() -> None:
    """Every shipped scenario loads; each states a name equal to its stem."""
    files = sorted(SCENARIOS.glob("*.yaml"))
    assert len(files) >= 6
    for f in files:
        s = load_scenario(f)
        assert s.name == f.stem


def test_shipped_offline_shutdown_resolves_through_extends() -> None:
    """offline_shutdown_2020 takes consumers from its base and its own rebate and events."""
    s = load_scenario(SCENARIOS / "offline_shutdown_2020.yaml")
    assert s.market.consumers == 100_000
    assert s.channels.b2c2c.rebate_rate == 0.01
    assert s.channels.b2c2c.rollout.public_from_day is None
    assert [(e.day, e.action) for e in s.events] == [
        (30, "close_channel"),
        (30, "open_to_public"),
        (90, "reopen_channel"),
    ]


# ---------------------------------------------------------------------------
# extends
# ---------------------------------------------------------------------------

BASE = """\
name: base
seed: 3
market:
  consumers: 500
  fan_share: 0.1
graph:
  type: watts_strogatz
  k: 4
  rewire_probability: 0.2
channels:
  b2b2c:
    tiers:
      - name: maker_outlet
        markup: 0.1
      - name: shop
        markup: 0.3
events:
  - day: 10
    action: open_to_public
  - day: 20
    action: competitor_enters
"""


def test_extends_merges_mappings_key_by_key(here: Path) -> None:
    """A child's mapping changes only the keys it states."""
    write("base.yaml", BASE)
    write("child.yaml", "extends: base.yaml\nmarket:\n  consumers: 600\n")
    s = load_scenario("child.yaml")
    assert s.market.consumers == 600
    assert s.market.fan_share == 0.1
    assert (s.name, s.seed) == ("base", 3)
    assert (s.graph.type, s.graph.k, s.graph.rewire_probability) == ("watts_strogatz", 4, 0.2)


def test_extends_replaces_lists_whole(here: Path) -> None:
    """A list in the child replaces the base list instead of merging item by item."""
    write("base.yaml", BASE)
    write(
        "child.yaml",
        "extends: base.yaml\n"
        "channels:\n  b2b2c:\n    tiers:\n      - name: solo\n        markup: 0.5\n"
        "events:\n  - day: 5\n    action: open_to_public\n",
    )
    s = load_scenario("child.yaml")
    assert [(t.name, t.markup) for t in s.channels.b2b2c.tiers] == [("solo", 0.5)]
    assert [(e.day, e.action) for e in s.events] == [(5, "open_to_public")]


def test_extends_same_graph_type_merges(here: Path) -> None:
    """Naming the same graph type (or none) merges the graph section."""
    write("base.yaml", BASE)
    write("same.yaml", "extends: base.yaml\ngraph:\n  type: watts_strogatz\n  k: 8\n")
    write("untyped.yaml", "extends: base.yaml\ngraph:\n  k: 6\n")
    s = load_scenario("same.yaml")
    assert (s.graph.type, s.graph.k, s.graph.rewire_probability) == ("watts_strogatz", 8, 0.2)
    s = load_scenario("untyped.yaml")
    assert (s.graph.type, s.graph.k, s.graph.rewire_probability) == ("watts_strogatz", 6, 0.2)


def test_extends_other_graph_type_replaces_section(here: Path) -> None:
    """Another graph generator replaces the base graph whole (no stray base keys)."""
    write("base.yaml", BASE)
    write("ring.yaml", "extends: base.yaml\ngraph:\n  type: ring\n")
    write("complete.yaml", "extends: base.yaml\ngraph:\n  type: complete\nspam: {enabled: false}\n")
    s = load_scenario("ring.yaml")
    assert s.graph.type == "ring"
    assert s.graph.k == 2  # the ring default, not the base's k: 4
    assert load_scenario("complete.yaml").graph.model_dump() == {
        "type": "complete",
        "seed": None,
        "cache": True,
    }


def test_extends_chain_of_two_with_relative_paths(here: Path) -> None:
    """c extends b extends a; each path is relative to the file naming it."""
    write("a.yaml", BASE)
    write("sub/b.yaml", "extends: ../a.yaml\nmarket:\n  consumers: 700\ndays: 40\n")
    write("sub/deeper/c.yaml", "extends: ../b.yaml\ndays: 50\nmarket:\n  fan_share: 0.2\n")
    s = load_scenario("sub/deeper/c.yaml")
    assert s.days == 50  # c wins over b
    assert s.market.consumers == 700  # from b
    assert s.market.fan_share == 0.2  # c wins over a
    assert s.seed == 3  # from a
    assert s.name == "base"  # stated in a, so not the stem "c"


def test_extends_name_defaults_to_extending_file_stem(here: Path) -> None:
    """If no file in the chain states a name, it is the stem of the file loaded."""
    write("plain.yaml", "days: 12\n")
    write("derived.yaml", "extends: plain.yaml\n")
    s = load_scenario("derived.yaml")
    assert (s.name, s.days) == ("derived", 12)


def test_extends_circular_is_an_error(here: Path) -> None:
    """x extends y extends x is reported at the extends line that closes the loop."""
    write("x.yaml", "extends: y.yaml\n")
    write("y.yaml", "# comment\nextends: x.yaml\n")
    assert problems("x.yaml") == ["y.yaml:2: extends: circular extends through x.yaml"]


def test_extends_itself_is_an_error(here: Path) -> None:
    """A file extending itself is circular."""
    write("self.yaml", "days: 3\nextends: self.yaml\n")
    assert problems("self.yaml") == ["self.yaml:2: extends: circular extends through self.yaml"]


def test_extends_unknown_target(here: Path) -> None:
    """A missing base file is reported at the extends line, naming the target."""
    write("child.yaml", "name: c\nextends: nope.yaml\n")
    assert problems("child.yaml") == ["child.yaml:2: extends: file not found: nope.yaml"]


def test_extends_unknown_target_deep_in_chain(here: Path) -> None:
    """A missing target further down a chain is reported in the file that names it."""
    write("top.yaml", "extends: mid/m.yaml\n")
    write("mid/m.yaml", "\n\nextends: gone.yaml\n")
    assert problems("top.yaml") == ["mid/m.yaml:3: extends: file not found: gone.yaml"]


def test_extends_not_a_string(here: Path) -> None:
    """``extends`` must name a file."""
    write("bad.yaml", "extends: 3\n")
    assert problems("bad.yaml") == ["bad.yaml:1: extends: expected a file name"]


def test_errors_point_at_the_file_that_states_the_value(here: Path) -> None:
    """Through extends, a problem is located in the base or the child, whichever states it."""
    write("base.yaml", "market:\n  fan_share: 2.0\n  employee_share: 0.01\n")
    write("child.yaml", "# child\nextends: base.yaml\nmarket:\n  employee_share: -1.0\n")
    assert problems("child.yaml") == [
        "base.yaml:2: market.fan_share: must be between 0 and 1 (got 2.0)",
        "child.yaml:4: market.employee_share: must be between 0 and 1 (got -1.0)",
    ]


def test_yaml_error_in_base_file(here: Path) -> None:
    """A YAML syntax error in an extended file is reported in that file."""
    write("child.yaml", "extends: broken.yaml\n")
    write("broken.yaml", "name: x\nmarket:\n  consumers: 100\n   fan_share: 0.1\n")
    assert problems("child.yaml") == [
        "broken.yaml:4: YAML syntax error: mapping values are not allowed here"
    ]


# ---------------------------------------------------------------------------
# merge, set_dotted, parse_override, apply_values (the building blocks)
# ---------------------------------------------------------------------------


def test_merge_rules_on_plain_data() -> None:
    """merge: mappings key by key, lists whole, a different ``type`` replaces the mapping."""
    base = {"a": {"x": 1, "l": [1, 2]}, "g": {"type": "ring", "k": 4}, "keep": 1}
    base_origins = {
        ("a",): Origin("base", 1),
        ("a", "x"): Origin("base", 2),
        ("a", "l"): Origin("base", 3),
        ("g",): Origin("base", 4),
        ("g", "k"): Origin("base", 6),
    }
    over = {"a": {"y": 2, "l": [3]}, "g": {"type": "complete"}}
    over_origins = {
        ("a",): Origin("over", 1),
        ("a", "y"): Origin("over", 2),
        ("a", "l"): Origin("over", 3),
        ("g",): Origin("over", 4),
        ("g", "type"): Origin("over", 5),
    }
    merge(base, base_origins, over, over_origins)
    assert base == {"a": {"x": 1, "l": [3], "y": 2}, "g": {"type": "complete"}, "keep": 1}
    assert base_origins[("a", "x")] == Origin("base", 2)
    assert base_origins[("a", "y")] == Origin("over", 2)
    assert base_origins[("a", "l")] == Origin("over", 3)
    assert base_origins[("g",)] == Origin("over", 4)
    assert ("g", "k") not in base_origins  # dropped with the replaced graph


def test_merge_same_type_merges_and_does_not_alias() -> None:
    """Same ``type``: keys merge; replaced values are copies, not shared objects."""
    base = {"g": {"type": "ring", "k": 4, "seed": 1}}
    over = {"g": {"type": "ring", "k": 6}, "l": [[1]]}
    merge(base, {}, over, {})
    assert base == {"g": {"type": "ring", "k": 6, "seed": 1}, "l": [[1]]}
    over["l"][0].append(2)
    assert base["l"] == [[1]]


def test_set_dotted_creates_mappings_and_indexes_lists() -> None:
    """set_dotted walks dicts (creating them) and lists (by index) and returns the key."""
    data: dict = {"l": [{"x": 1}, {"x": 2}], "n": None}
    assert set_dotted(data, "a.b.c", 1) == ("a", "b", "c")
    assert set_dotted(data, "l.1.x", 5) == ("l", 1, "x")
    assert set_dotted(data, "n.m", 2) == ("n", "m")
    assert set_dotted(data, "l.0", "whole") == ("l", 0)
    assert data == {"a": {"b": {"c": 1}}, "l": ["whole", {"x": 5}], "n": {"m": 2}}


def test_set_dotted_errors() -> None:
    """Index out of range, a name into a list, and a path through a scalar all raise."""
    data = {"l": [1, 2], "s": 3}
    with pytest.raises(IndexError, match=r"^l has 2 items, no index 2$"):
        set_dotted(data, "l.2", 0)
    with pytest.raises(TypeError, match=r"^l is a list; use an index, not 'x'$"):
        set_dotted(data, "l.x", 0)
    with pytest.raises(TypeError, match=r"^s is a single value, it has no 'y'$"):
        set_dotted(data, "s.y", 0)
    assert data == {"l": [1, 2], "s": 3}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("market.consumers=1500", ("market.consumers", 1500)),
        ("market.fan_share=0.25", ("market.fan_share", 0.25)),
        (
            "channels.b2c2c.upline_rebate_rates=[0.02, 0.01]",
            ("channels.b2c2c.upline_rebate_rates", [0.02, 0.01]),
        ),
        ("choice.outside_option_utility=null", ("choice.outside_option_utility", None)),
        ("choice.outside_option_utility=", ("choice.outside_option_utility", None)),
        ("name=hello world", ("name", "hello world")),
        ("name='123'", ("name", "123")),
        ("channels.b2c.enabled=false", ("channels.b2c.enabled", False)),
        (" seed =7", ("seed", 7)),
        ("description=a=b", ("description", "a=b")),
        ("graph={type: ring, k: 4}", ("graph", {"type": "ring", "k": 4})),
    ],
)
def test_parse_override_values_are_yaml(text: str, expected: tuple) -> None:
    """VALUE is parsed as YAML: numbers, lists, null, booleans, strings, mappings."""
    assert parse_override(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("market.consumers", "--set market.consumers: expected KEY=VALUE"),
        ("=3", "--set =3: expected KEY=VALUE"),
        ("market..consumers=3", "--set market..consumers=3: malformed key 'market..consumers'"),
        (
            "market.consumers=[1",
            "--set market.consumers=[1: market.consumers: value is not valid YAML: "
            "expected ',' or ']', but got '<stream end>'",
        ),
    ],
)
def test_parse_override_malformed(text: str, expected: str) -> None:
    """A malformed override is one ScenarioError line prefixed by the --set argument."""
    with pytest.raises(ScenarioError) as info:
        parse_override(text)
    assert [str(p) for p in info.value.problems] == [expected]


def test_apply_values_returns_new_validated_scenario() -> None:
    """apply_values changes dotted paths (tiers by index) and leaves the input unchanged."""
    s = Scenario()
    before = copy.deepcopy(s)
    t = apply_values(s, {"channels.b2c.price": 800.0, "channels.b2b2c.tiers.0.markup": 0.5})
    assert t.channels.b2c.price == 800.0
    assert t.channels.b2b2c.tiers[0].markup == 0.5
    assert s == before
    assert s.channels.b2c.price == 900.0


@pytest.mark.parametrize(
    ("values", "path", "detail"),
    [
        ({"channels.b2c.price": -1}, "channels.b2c.price", "must be > 0 (got -1)"),
        ({"channels.b2c.prise": 1.0}, "channels.b2c.prise", "unknown key (did you mean 'price'?)"),
        ({"channels.b2c.price": "cheap"}, "channels.b2c.price", "expected a number (got 'cheap')"),
        ({"market.consumers.x": 1}, "", "market.consumers is a single value, it has no 'x'"),
        (
            {"channels.b2b2c.tiers.9.markup": 0.1},
            "",
            "channels.b2b2c.tiers has 3 items, no index 9",
        ),
    ],
)
def test_apply_values_errors(values: dict, path: str, detail: str) -> None:
    """Bad paths and values raise ScenarioValueError with the path and a one-line detail."""
    with pytest.raises(ScenarioValueError) as info:
        apply_values(Scenario(), values)
    assert (info.value.path, info.value.detail) == (path, detail)
    assert str(info.value) == (f"{path}: {detail}" if path else detail)


# ---------------------------------------------------------------------------
# --set, --seed, --days through load_scenario
# ---------------------------------------------------------------------------


def test_overrides_set_values_of_each_yaml_kind(here: Path) -> None:
    """--set values arrive typed: int, float, list, null, string."""
    write("s.yaml", "market:\n  consumers: 500\n")
    s = load_scenario(
        "s.yaml",
        [
            "market.consumers=1500",
            "market.fan_share=0.25",
            "channels.b2c2c.upline_rebate_rates=[0.02]",
            "choice.outside_option_utility=null",
            "description=hello world",
        ],
    )
    assert s.market.consumers == 1500
    assert s.market.fan_share == 0.25
    assert s.channels.b2c2c.upline_rebate_rates == [0.02]
    assert s.choice.outside_option_utility is None
    assert s.description == "hello world"


def test_override_into_default_tiers_by_index(here: Path) -> None:
    """tiers.1.markup reaches the default tiers even when the file states none."""
    write("s.yaml", "channels:\n  b2b2c:\n    wholesale_price: 700.0\n")
    s = load_scenario("s.yaml", ["channels.b2b2c.tiers.1.markup=0.3"])
    tiers = [(t.name, t.markup, t.lead_time_days, t.serves) for t in s.channels.b2b2c.tiers]
    assert tiers == [
        ("national", 0.05, 5, 1000),
        ("regional", 0.3, 3, 5),
        ("retailer", 0.2, 2, 10),
    ]
    assert s.channels.b2b2c.wholesale_price == 700.0


def test_override_into_default_tiers_of_empty_file(here: Path) -> None:
    """The same works when the file states nothing at all."""
    write("empty.yaml", "")
    s = load_scenario(
        "empty.yaml", ["channels.b2b2c.tiers.1.markup=0.3", "channels.b2b2c.tiers.2.markup=0.1"]
    )
    assert [t.markup for t in s.channels.b2b2c.tiers] == [0.05, 0.3, 0.1]


def test_override_into_stated_list_by_index(here: Path) -> None:
    """An index path changes one item of a list stated in the file."""
    s = load_scenario(SCENARIOS / "offline_shutdown_2020.yaml", ["events.0.day=5"])
    assert [(e.day, e.action) for e in s.events][:2] == [
        (5, "close_channel"),
        (30, "open_to_public"),
    ]


def test_later_override_wins_and_file_value_is_replaced(here: Path) -> None:
    """Overrides apply in order after the file."""
    write("s.yaml", "seed: 9\n")
    assert load_scenario("s.yaml", ["seed=1", "seed=2"]).seed == 2


def test_seed_and_days_keywords(here: Path) -> None:
    """seed= and days= override the file, and win over --set."""
    write("s.yaml", "seed: 9\ndays: 100\n")
    s = load_scenario("s.yaml", ["seed=1", "days=2"], seed=7, days=12)
    assert (s.seed, s.days) == (7, 12)
    s = load_scenario("s.yaml", seed=0)
    assert (s.seed, s.days) == (0, 100)


def test_override_replacing_graph_mapping(here: Path) -> None:
    """--set graph={...} replaces the stated graph section."""
    write("s.yaml", "graph:\n  type: watts_strogatz\n  k: 4\n  rewire_probability: 0.2\n")
    s = load_scenario("s.yaml", ["graph={type: complete}", "spam.enabled=false"])
    assert s.graph.type == "complete"


@pytest.mark.parametrize(
    ("override", "expected"),
    [
        ("market.consumers", "--set market.consumers: expected KEY=VALUE"),
        (
            "market.consumers=[1",
            "--set market.consumers=[1: market.consumers: value is not valid YAML: "
            "expected ',' or ']', but got '<stream end>'",
        ),
        (
            "market.consumers.x=1",
            "--set market.consumers.x=1: market.consumers.x: "
            "market.consumers is a single value, it has no 'x'",
        ),
        (
            "channels.b2b2c.tiers.5.markup=0.3",
            "--set channels.b2b2c.tiers.5.markup=0.3: channels.b2b2c.tiers.5.markup: "
            "channels.b2b2c.tiers has 3 items, no index 5",
        ),
        (
            "channels.b2b2c.tiers.x.markup=0.3",
            "--set channels.b2b2c.tiers.x.markup=0.3: channels.b2b2c.tiers.x.markup: "
            "channels.b2b2c.tiers is a list; use an index, not 'x'",
        ),
        (
            "market.fan_share=2",
            "--set market.fan_share=2: market.fan_share: must be between 0 and 1 (got 2)",
        ),
        (
            "market.consumers=lots",
            "--set market.consumers=lots: market.consumers: expected a whole number (got 'lots')",
        ),
        (
            "market.foo=1",
            "--set market.foo=1: market.foo: unknown key; "
            "valid keys: consumers, employee_share, fan_share, initial_aware_share",
        ),
        (
            "channels.b2c2c.rebate_rate=0.3",
            "--set channels.b2c2c.rebate_rate=0.3: channels.b2c2c: rebate_rate + "
            "upline_rebate_rates = 0.31 exceeds max_total_rebate_share=0.3",
        ),
        (
            "events=[{day: 1, action: foo}]",
            "--set events=[{day: 1, action: foo}]: events.0: unknown event action 'foo'; "
            "expected one of: close_channel, reopen_channel, open_to_public, "
            "competitor_enters, platform_crackdown, set, owners_switch",
        ),
    ],
)
def test_override_errors(here: Path, override: str, expected: str) -> None:
    """Each bad --set is one line prefixed by ``--set K=V:`` naming the path."""
    write(
        "s.yaml",
        "market:\n  consumers: 500\nchannels:\n  b2c2c:\n    upline_rebate_rates: [0.01]\n",
    )
    assert problems("s.yaml", (override,)) == [expected]


def test_seed_and_days_errors_are_both_reported(here: Path) -> None:
    """Out-of-range --seed and --days are each one line naming the flag."""
    write("s.yaml", "")
    assert problems("s.yaml", seed=-1, days=0) == [
        "--days 0: days: must be between 1 and 36500 (got 0)",
        "--seed -1: seed: must be >= 0 (got -1)",
    ]


# ---------------------------------------------------------------------------
# one-line errors located in the file
# ---------------------------------------------------------------------------

PROBLEM_LINE = re.compile(r"^[^:\s][^:]*:\d+: [\w.]+: \S.*$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "name: x\nmarket:\n  consumers: 100\n   fan_share: 0.1\n",
            "s.yaml:4: YAML syntax error: mapping values are not allowed here",
            id="yaml-syntax",
        ),
        pytest.param(
            "name: x\nseed: 1\ndays: [3\nmarket: {}\n",
            "s.yaml:4: YAML syntax error: expected ',' or ']', but got ':' "
            "(while parsing a flow sequence started at line 3)",
            id="yaml-syntax-context",
        ),
        pytest.param(
            "name: x\nmarket:\n\tconsumers: 100\n",
            "s.yaml:3: YAML syntax error: found character '\\t' that cannot start any token",
            id="yaml-tab",
        ),
        pytest.param(
            "name: x\nmarket:\n  consumers: 100\n  consumers: 200\n",
            "s.yaml:4: market.consumers: duplicate key",
            id="duplicate-key",
        ),
        pytest.param(
            "- a\n- b\n",
            "s.yaml:1: expected a mapping of scenario keys at top level",
            id="not-mapping",
        ),
        pytest.param(
            "name: x\nmarket:\n  consumer: 100\n",
            "s.yaml:3: market.consumer: unknown key (did you mean 'consumers'?)",
            id="unknown-key",
        ),
        pytest.param(
            "nmae: x\n", "s.yaml:1: nmae: unknown key (did you mean 'name'?)", id="unknown-top-key"
        ),
        pytest.param(
            "market:\n  consumers: lots\n",
            "s.yaml:2: market.consumers: expected a whole number (got 'lots')",
            id="wrong-type-int",
        ),
        pytest.param(
            "market:\n  consumers: 100.5\n",
            "s.yaml:2: market.consumers: expected a whole number (got 100.5)",
            id="wrong-type-float-for-int",
        ),
        pytest.param(
            "channels:\n  b2c:\n    enabled: 3\n",
            "s.yaml:3: channels.b2c.enabled: expected true or false (got 3)",
            id="wrong-type-bool",
        ),
        pytest.param("name: 5\n", "s.yaml:1: name: expected text (got 5)", id="wrong-type-str"),
        pytest.param(
            "market:\n  fan_share: 1.5\n",
            "s.yaml:2: market.fan_share: must be between 0 and 1 (got 1.5)",
            id="out-of-range",
        ),
        pytest.param(
            "days: 0\n", "s.yaml:1: days: must be between 1 and 36500 (got 0)", id="days-zero"
        ),
        pytest.param(
            "channels:\n  b2c:\n    price: 0\n",
            "s.yaml:3: channels.b2c.price: must be > 0 (got 0)",
            id="strictly-positive",
        ),
        pytest.param(
            "# graph\ngraph:\n  type: powerlaw_clustr\n",
            "s.yaml:2: graph: unknown graph type 'powerlaw_clustr' (did you mean "
            "'powerlaw_cluster'?); expected one of: powerlaw_cluster, barabasi_albert, "
            "watts_strogatz, erdos_renyi, stochastic_block, ring, complete, edgelist",
            id="unknown-graph-type",
        ),
        pytest.param("graph: {}\n", "s.yaml:1: graph: missing 'type' key", id="graph-no-type"),
        pytest.param(
            "graph:\n  type: watts_strogatz\n  k: 3\n",
            "s.yaml:3: graph.k: must be a multiple of 2 (got 3)",
            id="multiple-of",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: close_chanel\n    channel: b2c\n",
            "s.yaml:2: events.0: unknown event action 'close_chanel' (did you mean "
            "'close_channel'?); expected one of: close_channel, reopen_channel, "
            "open_to_public, competitor_enters, platform_crackdown, set, owners_switch",
            id="unknown-event-action",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: close_channel\n    channel: b2x\n",
            "s.yaml:4: events.0.channel: must be one of 'b2b2c', 'b2c' or 'b2c2c' "
            "(got 'b2x') (did you mean 'b2c'?)",
            id="bad-literal",
        ),
        pytest.param(
            "channels:\n  b2b2c:\n    tiers:\n      - name: a\n",
            "s.yaml:4: channels.b2b2c.tiers.0.markup: required key is missing",
            id="missing-required",
        ),
        pytest.param(
            "channels:\n  b2b2c:\n    tiers: []\n",
            "s.yaml:3: channels.b2b2c.tiers: list should have at least 1 item after "
            "validation, not 0",
            id="empty-tiers",
        ),
        pytest.param(
            "extends: nope.yaml\n",
            "s.yaml:1: extends: file not found: nope.yaml",
            id="unknown-extends",
        ),
    ],
)
def test_single_problem_located(here: Path, text: str, expected: str) -> None:
    """Each bad file gives exactly one ``file:line: path: message`` line."""
    write("s.yaml", text)
    assert problems("s.yaml") == [expected]


def test_problem_lines_have_the_documented_shape(here: Path) -> None:
    """A located problem matches ``file:line: dotted.path: message``."""
    write("s.yaml", "market:\n  consumer: 100\n")
    (line,) = problems("s.yaml")
    assert PROBLEM_LINE.match(line), line


def test_several_problems_all_reported_in_line_order(here: Path) -> None:
    """Every schema problem in one file is reported, one per line, sorted by line."""
    write(
        "multi.yaml",
        "foo: 2\nmarket:\n  fan_share: 1.5\n  consumers: lots\nseed: -1\n"
        "graph:\n  type: ring\n  k: 3\n",
    )
    assert problems("multi.yaml") == [
        "multi.yaml:1: foo: unknown key",
        "multi.yaml:3: market.fan_share: must be between 0 and 1 (got 1.5)",
        "multi.yaml:4: market.consumers: expected a whole number (got 'lots')",
        "multi.yaml:5: seed: must be >= 0 (got -1)",
        "multi.yaml:8: graph.k: must be a multiple of 2 (got 3)",
    ]


def test_missing_scenario_file(here: Path) -> None:
    """A scenario file that does not exist is one line without a line number."""
    assert problems("missing.yaml") == ["missing.yaml: file not found"]


# ---------------------------------------------------------------------------
# edge lists
# ---------------------------------------------------------------------------

EDGES = "# a square\n0 1\n1 2\n2 3\n3 0\n"


def test_edgelist_path_is_relative_to_the_file_and_fills_consumers(here: Path) -> None:
    """The edge-list path is resolved next to the scenario and sets market.consumers."""
    write("net/edges.txt", EDGES)
    write("net/s.yaml", "graph:\n  type: edgelist\n  path: edges.txt\n")
    s = load_scenario("net/s.yaml")
    assert s.market.consumers == 4
    assert s.graph.path == str((here / "net" / "edges.txt").resolve())


def test_edgelist_path_relative_to_base_file(here: Path) -> None:
    """Through extends, the path stays relative to the base file that names it."""
    write("net/edges.txt", EDGES)
    write("net/base.yaml", "graph:\n  type: edgelist\n  path: edges.txt\n")
    write("other/child.yaml", "extends: ../net/base.yaml\nmarket:\n  consumers: 4\n")
    s = load_scenario("other/child.yaml")
    assert s.market.consumers == 4
    assert Path(s.graph.path) == (here / "net" / "edges.txt").resolve()


def test_edgelist_missing_file(here: Path) -> None:
    """A missing edge-list file is reported at the path line."""
    write("s.yaml", "graph:\n  type: edgelist\n  path: nothere.txt\n")
    assert problems("s.yaml") == ["s.yaml:3: graph.path: edge-list file not found: nothere.txt"]


def test_edgelist_malformed_line_points_into_the_edge_list(here: Path) -> None:
    """A malformed edge-list line is reported at that file and line."""
    write("net/bad.txt", "0 1\n1 2\nlonely\n2 3\n")
    write("s.yaml", "graph:\n  type: edgelist\n  path: net/bad.txt\n")
    assert problems("s.yaml") == ["net/bad.txt:3: edge list: expected two node labels, got 1 field"]


def test_edgelist_node_count_conflict(here: Path) -> None:
    """market.consumers differing from the edge list's nodes is an error at its line."""
    write("edges.txt", EDGES)
    write("s.yaml", "market:\n  consumers: 5\ngraph:\n  type: edgelist\n  path: edges.txt\n")
    assert problems("s.yaml") == [
        "s.yaml:2: market.consumers: must equal the 4 nodes of the edge list (got 5); "
        "leave it out to take it from the file"
    ]


def test_edgelist_node_count_conflict_from_override(here: Path) -> None:
    """The same conflict caused by --set is reported at the override."""
    write("edges.txt", EDGES)
    write("s.yaml", "graph:\n  type: edgelist\n  path: edges.txt\n")
    assert problems("s.yaml", ("market.consumers=1500",)) == [
        "--set market.consumers=1500: market.consumers: must equal the 4 nodes of the edge "
        "list (got 1500); leave it out to take it from the file"
    ]


# ---------------------------------------------------------------------------
# cross-field problems
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "channels:\n  b2c2c:\n    upline_rebate_rates: [0.01, 0.01]\n",
            "s.yaml:3: channels.b2c2c: upline_rebate_rates gives 3 rebate levels, more than "
            "max_rebate_levels=2",
            id="too-many-levels",
        ),
        pytest.param(
            "channels:\n  b2c2c:\n    rebate_rate: 0.2\n    upline_rebate_rates: [0.15]\n",
            "s.yaml:4: channels.b2c2c: rebate_rate + upline_rebate_rates = 0.35 exceeds "
            "max_total_rebate_share=0.3",
            id="rebates-above-cap",
        ),
        pytest.param(
            "market:\n  employee_share: 0.6\n  fan_share: 0.6\n",
            "s.yaml:3: market: employee_share + fan_share must not exceed 1 (got 0.6 + 0.6)",
            id="segments",
        ),
        pytest.param(
            "channels:\n  b2c:\n    enabled: false\n  b2b2c:\n    enabled: false\n"
            "  b2c2c:\n    enabled: false\n",
            "s.yaml:1: channels: at least one channel must be enabled",
            id="no-channel",
        ),
        pytest.param(
            "channels:\n  b2c:\n    enabled: false\nevents:\n  - day: 3\n"
            "    action: close_channel\n    channel: b2c\n",
            "s.yaml:7: events.0.channel: channel 'b2c' is not enabled",
            id="close-disabled-channel",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: set\n    values:\n      market.consumers: 5\n",
            "s.yaml:5: events.0.values.market.consumers: 'market.consumers' shapes the built "
            "model and cannot change during a run",
            id="set-frozen-path",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: set\n    values:\n"
            "      channels.b2b2c.tiers.0.name: x\n",
            "s.yaml:5: events.0.values.channels.b2b2c.tiers.0.name: "
            "'channels.b2b2c.tiers.0.name' cannot change during a run (fields of "
            "channels.b2b2c.tiers that can: markup, safety_factor, pricing)",
            id="set-frozen-tier-field",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: set\n    values:\n      channels.b2c.prise: 5.0\n",
            "s.yaml:5: events.0.values.channels.b2c.prise: unknown key (did you mean 'price'?)",
            id="set-unknown-key",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: set\n    values:\n      channels.b2c.price: -5\n",
            "s.yaml:5: events.0.values.channels.b2c.price: must be > 0 (got -5)",
            id="set-invalid-value",
        ),
        pytest.param(
            "events:\n  - day: 3\n    action: set\n    values:\n"
            "      channels.b2b2c.tiers.7.markup: 0.5\n",
            "s.yaml:5: events.0.values.channels.b2b2c.tiers.7.markup: "
            "channels.b2b2c.tiers has 3 items, no index 7",
            id="set-tier-index-out-of-range",
        ),
    ],
)
def test_cross_field_problem(here: Path, text: str, expected: str) -> None:
    """Cross-field and event checks are one located line each."""
    write("s.yaml", text)
    assert problems("s.yaml") == [expected]


def test_several_event_problems_all_reported(here: Path) -> None:
    """Several cross-field problems in one file are all reported, in line order."""
    write(
        "s.yaml",
        "channels:\n  b2c:\n    enabled: false\nevents:\n"
        "  - day: 3\n    action: close_channel\n    channel: b2c\n"
        "  - day: 4\n    action: set\n    values:\n"
        "      market.consumers: 5\n      channels.b2c2c.price: -1\n",
    )
    assert problems("s.yaml") == [
        "s.yaml:7: events.0.channel: channel 'b2c' is not enabled",
        "s.yaml:11: events.1.values.market.consumers: 'market.consumers' shapes the built "
        "model and cannot change during a run",
        "s.yaml:12: events.1.values.channels.b2c2c.price: must be > 0 (got -1)",
    ]


def test_valid_set_event_loads(here: Path) -> None:
    """A set event on live parameters (a price, a tier markup) is accepted as written."""
    write(
        "s.yaml",
        "events:\n  - day: 3\n    action: set\n    values:\n"
        "      channels.b2c.price: 800.0\n      channels.b2b2c.tiers.0.markup: 0.5\n",
    )
    (event,) = load_scenario("s.yaml").events
    assert (event.day, event.action) == (3, "set")
    assert event.values == {"channels.b2c.price": 800.0, "channels.b2b2c.tiers.0.markup": 0.5}


def test_cross_field_problem_from_override_points_at_override(here: Path) -> None:
    """A cap broken by --set is blamed on that --set."""
    write("s.yaml", "channels:\n  b2c2c:\n    rebate_rate: 0.2\n")
    assert problems("s.yaml", ("channels.b2c2c.upline_rebate_rates=[0.15]",)) == [
        "--set channels.b2c2c.upline_rebate_rates=[0.15]: channels.b2c2c: rebate_rate + "
        "upline_rebate_rates = 0.35 exceeds max_total_rebate_share=0.3"
    ]


# ---------------------------------------------------------------------------
# scenario_yaml and scenario_sha256
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in SCENARIOS.glob("*.yaml")))
def test_scenario_yaml_round_trip_shipped(tmp_path: Path, name: str) -> None:
    """Each shipped scenario, written by scenario_yaml, loads back equal with the same hash."""
    s = load_scenario(
        SCENARIOS / name, ["market.consumers=1500", "channels.b2b2c.tiers.1.markup=0.3"]
    )
    out = tmp_path / "resolved.yaml"
    out.write_text(scenario_yaml(s), encoding="utf-8")
    back = load_scenario(out)
    assert back == s
    assert back.name == s.name == Path(name).stem  # the stated name, not "resolved"
    assert back.channels.b2b2c.tiers[1].markup == 0.3
    assert scenario_sha256(back) == scenario_sha256(s)


def test_scenario_yaml_round_trip_with_events_and_edgelist(here: Path) -> None:
    """Round trip keeps set events and the (absolute) edge-list path."""
    write("net/edges.txt", EDGES)
    write(
        "s.yaml",
        "graph:\n  type: edgelist\n  path: net/edges.txt\n  seed: 5\n"
        "choice:\n  outside_option_utility: null\n"
        "events:\n  - day: 3\n    action: set\n    values:\n      channels.b2c.price: 800.0\n"
        "  - day: 4\n    action: competitor_enters\n",
    )
    s = load_scenario("s.yaml")
    write("elsewhere/out.yaml", scenario_yaml(s))
    back = load_scenario("elsewhere/out.yaml")
    assert back == s
    assert back.graph.path == str((here / "net" / "edges.txt").resolve())
    assert back.choice.outside_option_utility is None


def test_scenario_yaml_is_explicit_and_tag_first() -> None:
    """The YAML states every section, with ``type`` first in the graph section."""
    text = scenario_yaml(Scenario(name="x"))
    assert text.startswith("name: x\ndescription: ''\ncurrency: CNY\nseed: 0\ndays: 365\nmarket:\n")
    assert "graph:\n  type: powerlaw_cluster\n  seed: null\n" in text
    for section in ("product:", "consumers:", "diffusion:", "trust:", "choice:", "channels:"):
        assert f"\n{section}\n" in text
    assert "\nevents: []\n" in text


def test_scenario_sha256_stable_and_sensitive(here: Path) -> None:
    """The hash is 64 hex digits, equal for equal scenarios, different after any change."""
    write("s.yaml", "market:\n  consumers: 1500\n")
    a = load_scenario("s.yaml")
    b = load_scenario("s.yaml")
    h = scenario_sha256(a)
    assert re.fullmatch(r"[0-9a-f]{64}", h)
    assert scenario_sha256(b) == h
    assert scenario_sha256(Scenario.model_validate(a.model_dump())) == h
    assert scenario_sha256(load_scenario("s.yaml", seed=1)) != h
    assert scenario_sha256(load_scenario("s.yaml", ["market.fan_share=0.0500001"])) != h
    assert scenario_sha256(load_scenario("s.yaml", ["channels.b2b2c.tiers.2.markup=0.21"])) != h
    assert scenario_sha256(load_scenario("s.yaml", ["name=other"])) != h
    assert scenario_sha256(a) == h  # hashing does not change the scenario


# ---------------------------------------------------------------------------
# override details: unions, paths through values, YAML 1.2 scalars, blame
# ---------------------------------------------------------------------------


def test_override_of_graph_type_replaces_the_section(here: Path) -> None:
    """`--set graph.type=X` drops the previous generator's parameters, as `extends` does."""
    write("ws.yaml", "graph: {type: watts_strogatz, k: 4, rewire_probability: 0.2}\n")
    scenario = load_scenario("ws.yaml", ["graph.type=complete", "spam.enabled=false"])
    assert scenario.graph.type == "complete"
    assert problems("ws.yaml", ("graph.type=rnig",)) == [
        "--set graph.type=rnig: graph: unknown graph type 'rnig' (did you mean 'ring'?); "
        "expected one of: powerlaw_cluster, barabasi_albert, watts_strogatz, erdos_renyi, "
        "stochastic_block, ring, complete, edgelist"
    ]


def test_override_through_a_default_single_value(here: Path) -> None:
    """A path that continues past a value the file does not state is still a clear error."""
    write("s.yaml", "")
    assert problems("s.yaml", ("seed.x=1",)) == [
        "--set seed.x=1: seed.x: seed is a single value, it has no 'x'"
    ]


def test_yaml_12_scalars(here: Path) -> None:
    """`1e3` is a number and `yes` is text, in files and in overrides alike."""
    write("s.yaml", "name: yes\nchannels:\n  b2c:\n    advertising:\n      cpm: 3e1\n")
    scenario = load_scenario("s.yaml", ["channels.b2c.price=9e2"])
    assert scenario.name == "yes"
    assert scenario.channels.b2c.advertising.cpm == 30.0
    assert scenario.channels.b2c.price == 900.0


def test_cross_field_problem_not_blamed_on_unrelated_override(here: Path) -> None:
    """An override of another key in the section is not blamed for the file's problem."""
    write("seg.yaml", "market:\n  employee_share: 0.6\n  fan_share: 0.6\n")
    assert problems("seg.yaml", ("market.consumers=1500",)) == [
        "seg.yaml:3: market: employee_share + fan_share must not exceed 1 (got 0.6 + 0.6)"
    ]


def test_non_text_keys(here: Path) -> None:
    write("s.yaml", "market: {1: 2}\n")
    assert problems("s.yaml") == ["s.yaml:1: market.1: keys must be text (got 1)"]


def test_set_events_are_checked_in_run_order(here: Path) -> None:
    """Each `set` event is checked on the scenario the earlier events leave, not the start."""
    write(
        "s.yaml",
        "events:\n"
        "  - {day: 2, action: set, values: {channels.b2c2c.rebate_rate: 0.2}}\n"
        "  - {day: 1, action: set, values: {channels.b2c2c.max_total_rebate_share: 0.1}}\n",
    )
    assert problems("s.yaml") == [
        "s.yaml:2: events.0.values.channels.b2c2c.rebate_rate: channels.b2c2c: rebate_rate + "
        "upline_rebate_rates = 0.2 exceeds max_total_rebate_share=0.1"
    ]
