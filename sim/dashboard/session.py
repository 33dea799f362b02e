"""One live run behind the dashboard: the model, the changes a user made to it, and what the page
shows of it (series by day, KPI tiles, a network sample).

Nothing here imports Solara: the session is plain Python, tested without a browser, and the page
(:mod:`sim.dashboard.app`) only draws it and calls its methods.

Every control is a scenario event. A change made after *d* days becomes an event dated
*d* + 1 (days are numbered from 1; day 0 is the set-up): ``set`` for a parameter,
``close_channel`` / ``reopen_channel`` for a channel, ``platform_crackdown``. It is validated
exactly as the same event in a scenario file would be: the whole scenario, with the new event
appended, goes through :func:`sim.loading.validate_data`, so a value out of range, a frozen
parameter or an unknown path is refused with the message the file would get. An accepted
event is appended to the live scenario's events and applied by stage 1 of that day, like any
other, and it lands in the run's event log. :meth:`DashboardSession.scenario` is the starting
scenario plus every accepted event: run from the start with the same seed it reproduces the
session exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sim.brand_outputs import brand_names
from sim.consumers import EMPLOYEE, FAN
from sim.events import describe
from sim.loading import ScenarioValueError, apply_values, scenario_yaml, validate_data
from sim.model import ChannelModel
from sim.scenario import Scenario
from sim.scenario.events import SetParameters
from sim.validation import Origin, ScenarioError

SOURCE = "dashboard"
"""Where the dashboard's changes come from, in error messages and the event log."""


class ControlError(ValueError):
    """A change the scenario's validation refused; the message is one line."""


# --------------------------------------------------------------------------- network sample

UNAWARE, AWARE, ADOPTER, DETRACTOR, OWNER = 0, 1, 2, 3, 4
STATE_NAMES = ("unaware", "aware", "adopter", "detractor", "store owner")


@dataclass
class NetworkSample:
    """A few hundred consumers around likely store owners and influencers, with fixed positions.

    The sample is drawn once per run with its own generator seeded from the scenario's seed, so
    drawing it never touches the model's random stream.

    Attributes:
        nodes: consumer indices in the sample.
        x, y: layout positions (spring layout, computed once).
        edges: (m, 2) positions in ``nodes`` of the sample's friendships.
        entries: (m, 2) CSR entries of each friendship in both directions (``u→v``, ``v→u``);
            -1 where the graph stores no per-friendship state (a complete graph).
    """

    nodes: np.ndarray
    x: np.ndarray
    y: np.ndarray
    edges: np.ndarray
    entries: np.ndarray

    @classmethod
    def draw(cls, model: ChannelModel, size: int = 300, seed: int = 0) -> NetworkSample:
        """Seed the sample on a few fans, employees and the best-followed consumers (the likely
        store owners and influencers), then add their friends breadth-first up to ``size``."""
        import networkx as nx

        rng = np.random.default_rng(seed)
        g = model.graph
        c = model.consumers
        n = g.n
        complete = len(g.indices) == 0 and n > 1
        size = min(size, n, 60 if complete else size)
        keen = np.flatnonzero((c.segment == FAN) | (c.segment == EMPLOYEE))
        followers = model.audience.followers
        influencers = np.argsort(-followers, kind="stable")[:2]
        influencers = influencers[followers[influencers] > 0]
        seeds = list(influencers)
        if len(keen):
            seeds += list(rng.choice(keen, size=min(4, len(keen)), replace=False))
        if not seeds:
            seeds = list(rng.choice(n, size=min(3, n), replace=False))
        chosen: dict[int, None] = dict.fromkeys(int(s) for s in seeds)
        frontier = list(chosen)
        if complete:
            rest = np.setdiff1d(np.arange(n), np.fromiter(chosen, int))
            for v in rng.choice(rest, size=max(0, size - len(chosen)), replace=False):
                chosen[int(v)] = None
        while frontier and len(chosen) < size and not complete:
            nxt: list[int] = []
            for u in frontier:
                friends = g.indices[g.indptr[u] : g.indptr[u + 1]]
                take = rng.permutation(friends)[: max(3, 40 // max(1, len(frontier)))]
                for v in take:
                    if len(chosen) >= size:
                        break
                    if int(v) not in chosen:
                        chosen[int(v)] = None
                        nxt.append(int(v))
            frontier = nxt
        nodes = np.fromiter(chosen, dtype=np.int64)
        where = {int(v): k for k, v in enumerate(nodes)}
        edges, entries = [], []
        for a, u in enumerate(nodes):
            if complete:
                for b in range(a + 1, len(nodes)):
                    edges.append((a, b))
                    entries.append((-1, -1))
                continue
            lo, hi = g.indptr[u], g.indptr[u + 1]
            for e in range(lo, hi):
                v = int(g.indices[e])
                b = where.get(v)
                if b is None or b <= a:
                    continue
                row = g.indices[g.indptr[v] : g.indptr[v + 1]]
                back = int(g.indptr[v] + np.searchsorted(row, u))
                if back >= g.indptr[v + 1] or g.indices[back] != u:
                    back = int(g.indptr[v] + np.flatnonzero(row == u)[0])
                edges.append((a, b))
                entries.append((e, back))
        edge_array = np.array(edges, dtype=np.int64).reshape(-1, 2)
        nxg = nx.Graph()
        nxg.add_nodes_from(range(len(nodes)))
        nxg.add_edges_from(map(tuple, edge_array))
        pos = nx.spring_layout(nxg, seed=int(rng.integers(2**31)), iterations=60)
        xy = np.array([pos[k] for k in range(len(nodes))]).reshape(-1, 2)
        return cls(nodes, xy[:, 0], xy[:, 1], edge_array, np.array(entries).reshape(-1, 2))

    def states(self, model: ChannelModel) -> tuple[np.ndarray, np.ndarray]:
        """Each sampled consumer's state (UNAWARE … OWNER) and, for owners, the posting policy
        index of their open store (-1 for everyone else)."""
        c = model.consumers
        v = self.nodes
        state = np.full(len(v), UNAWARE, dtype=np.int8)
        state[c.aware[v]] = AWARE
        state[c.adopted[v]] = ADOPTER
        state[model.friendships.detractor[v]] = DETRACTOR
        policy = np.full(len(v), -1, dtype=np.int16)
        store = c.store[v]
        has = store >= 0
        if has.any():
            book = model.stores
            open_ = np.zeros(len(v), dtype=bool)
            open_[has] = book.is_open[store[has]]
            state[open_] = OWNER
            policy[open_] = book.policy[store[open_]]
        return state, policy

    def ties(self, model: ChannelModel) -> tuple[np.ndarray, np.ndarray]:
        """Per sampled friendship: muted (by either friend) and blocked (by either friend)."""
        f = model.friendships
        e = self.entries
        if not len(e) or not len(f.muted) or (e < 0).any():
            return np.zeros(len(e), dtype=bool), np.zeros(len(e), dtype=bool)
        muted = f.muted[e[:, 0]] | f.muted[e[:, 1]]
        blocked = f.blocked[e[:, 0]] | f.blocked[e[:, 1]]
        return muted & ~blocked, blocked


# --------------------------------------------------------------------------- the session


@dataclass
class Change:
    """One accepted control change: the event as a scenario file would hold it."""

    day: int
    event: dict[str, Any]
    description: str
    accepted: Any = field(repr=False, compare=False, default=None)


def _same_change(last: Change, day: int, event: dict[str, Any]) -> bool:
    """Whether ``event`` on ``day`` changes the same parameters as the last change."""
    return (
        last.day == day
        and event.get("action") == "set"
        and last.event.get("action") == "set"
        and set(event.get("values", {})) == set(last.event.get("values", {}))
    )


@dataclass
class DashboardSession:
    """A live run that a page drives: step, play, change, reset, save.

    Attributes:
        origin: The scenario the session was opened with (reset returns to it).
        start: The scenario the live run started from: ``origin`` with the changes made before
            day 1.
        sample_size: Consumers in the network view.
        model: The live model.
        changes: Accepted changes, in the order they were made.
        history: Measurement name → its value on each simulated day (day 1 first).
    """

    origin: Scenario
    sample_size: int = 300
    start: Scenario = field(init=False)
    model: ChannelModel = field(init=False)
    changes: list[Change] = field(init=False, default_factory=list)
    initial_changes: list[str] = field(init=False, default_factory=list)
    history: dict[str, list[float]] = field(init=False, default_factory=dict)
    network: NetworkSample = field(init=False)

    def __post_init__(self) -> None:
        self.reset()

    # ---------------------------------------------------------------- running

    def reset(self, scenario: Scenario | None = None) -> None:
        """Start again from the set-up: from ``scenario`` if given, else from the scenario the
        session was opened with. The changes made so far are dropped."""
        if scenario is not None:
            self.origin = scenario
        self.start = self.origin
        self.model = ChannelModel(self.start)
        self.changes = []
        self.initial_changes = []
        self.history = {}
        self.network = NetworkSample.draw(self.model, self.sample_size, seed=self.start.seed)

    @property
    def day(self) -> int:
        """Days simulated so far (the next day to simulate is ``day + 1``)."""
        return self.model.day

    @property
    def finished(self) -> bool:
        """True once the scenario's last day has been simulated."""
        return self.model.day >= self.start.days

    def step(self, days: int = 1) -> int:
        """Simulate up to ``days`` days (never past the scenario's end); return how many ran."""
        ran = 0
        while ran < days and not self.finished:
            self.model.step()
            for name, value in self.model.measures.items():
                self.history.setdefault(name, []).append(float(value))
            ran += 1
        return ran

    def series(self, name: str) -> np.ndarray:
        """A measurement's daily values so far (empty if the run does not measure it)."""
        return np.asarray(self.history.get(name, ()), dtype=float)

    # ---------------------------------------------------------------- changes

    def change(self, event: dict[str, Any]) -> str:
        """Make a change from the next day on, validated as a scenario event.

        Days are numbered from 1 (day 0 is the set-up), so a change made after ``day`` days
        takes effect on day ``day + 1``. A ``set`` made before day 1 changes the starting
        scenario itself, validated as a ``--set`` is (so the market size or a tier's lead time
        may change then, not later), and the model is rebuilt, as if the file had said so. A
        second change of
        the same parameters on the same day replaces the first (a slider dragged across several
        values leaves one event).

        Args:
            event: An event without its day, as a scenario file would write it, e.g.
                ``{"action": "set", "values": {"channels.b2c2c.rebate_rate": 0.1}}`` or
                ``{"action": "close_channel", "channel": "b2b2c"}``.

        Returns:
            The event's description, as the event log writes it.

        Raises:
            ControlError: With the validation's one-line message if the event is refused, or if
                the run has ended.
        """
        if self.finished:
            raise ControlError(f"the run has ended on day {self.start.days}: reset it")
        if self.day == 0 and event.get("action") == "set":
            return self._change_start(event.get("values", {}))
        day = self.day + 1
        kept = self._change_events()
        if self.changes and _same_change(self.changes[-1], day, event):
            kept = kept[:-1]
        scenario = self._validated([*kept, {"day": day, **event}])
        accepted = scenario.events[-1]
        text = describe(accepted)
        market = self.model.market
        events = list(market.params.events)
        if len(kept) < len(self.changes):
            replaced = self.changes.pop()
            events = [e for e in events if e is not replaced.accepted]
        market.params = market.params.model_copy(update={"events": [*events, accepted]})
        self.changes.append(Change(day, accepted.model_dump(mode="json"), text, accepted))
        return text

    def _change_start(self, values: dict[str, Any]) -> str:
        """A ``set`` before day 1: the starting scenario changes, validated as ``--set`` is
        (structural parameters such as the market size may change too), and the model is
        rebuilt."""
        if not isinstance(values, dict) or not values:
            raise ControlError("values: give at least one parameter")
        try:
            start = apply_values(self.start, values)
        except ScenarioValueError as exc:
            raise ControlError(str(exc)) from None
        text = describe(SetParameters(day=1, action="set", values=values))
        self.initial_changes.append(text)
        self.start = start
        self.model = ChannelModel(start)
        self.history = {}
        self.network = NetworkSample.draw(self.model, self.sample_size, seed=start.seed)
        return text

    def set_value(self, path: str, value: Any) -> str:
        """``change`` for one parameter (a ``set`` event)."""
        return self.change({"action": "set", "values": {path: value}})

    def value(self, path: str) -> Any:
        """A parameter's live value, by dotted path (``channels.b2c2c.rebate_rate``)."""
        node: Any = self.model.params.model_dump(mode="json")
        for part in path.split("."):
            node = node[int(part)] if isinstance(node, list) else node[part]
        return node

    def pending_value(self, path: str) -> Any | None:
        """The value a change made for the next day will give a parameter (None: no change)."""
        value = None
        for c in self.changes:
            if c.day > self.day and path in c.event.get("values", {}):
                value = c.event["values"][path]
        return value

    def channel_will_be_open(self, channel: str) -> bool:
        """Whether a channel is open once the changes made for the next day apply."""
        state = self.model.channel_is_open(channel)
        for c in self.changes:
            if c.day > self.day and c.event.get("channel") == channel:
                state = c.event["action"] == "reopen_channel"
        return state

    def _change_events(self) -> list[dict[str, Any]]:
        return [c.event for c in self.changes]

    def _validated(self, added: list[dict[str, Any]]) -> Scenario:
        data = self.start.model_dump(mode="json")
        data["events"] = [*data["events"], *added]
        try:
            return validate_data(data, {}, Origin(SOURCE))
        except ScenarioError as exc:
            problem = exc.problems[0]
            raise ControlError(f"{problem.path}: {problem.message}") from None

    # ---------------------------------------------------------------- saving

    def scenario(self) -> Scenario:
        """The starting scenario plus every accepted change: it reproduces the session."""
        return self._validated(self._change_events())

    def save(self, path: str | Path) -> Path:
        """Write :meth:`scenario` as a YAML scenario file; return its path."""
        path = Path(path)
        text = (
            f"# Saved from the chansim dashboard on day {self.day}: the scenario "
            f"'{self.origin.name}', {len(self.initial_changes)} change(s) before day 1 "
            f"(in the values below) and {len(self.changes)} later change(s) as dated events.\n"
            + scenario_yaml(self.scenario())
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path

    # ---------------------------------------------------------------- tiles

    def kpis(self) -> dict[str, float]:
        """The tiles: day, units by channel, the maker's profit, stores, share muted (the
        scenario's own brand); with several brands, each brand's share of the units sold so far
        (``share.<brand>``, 0 before any sale)."""
        last = {k: v[-1] for k, v in self.history.items() if v}
        units = {
            ch: float(sum(self.history.get(f"units_{ch}", ()))) for ch in ("b2b2c", "b2c", "b2c2c")
        }
        by_brand = {
            b: float(sum(self.history.get(f"units_total.{b}", ()))) for b in brand_names(self.start)
        }
        sold = sum(by_brand.values())
        return {
            "day": float(self.day),
            **{f"units_{ch}": u for ch, u in units.items()},
            "profit": last.get("manufacturer_profit_cumulative", 0.0),
            "active_stores": last.get("active_stores", 0.0),
            "muted_share": last.get("muted_share", 0.0),
            **{f"share.{b}": (u / sold if sold else 0.0) for b, u in by_brand.items()},
        }
