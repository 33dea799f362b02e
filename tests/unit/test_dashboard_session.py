"""The dashboard's session (sim/dashboard/session.py): every control is a validated scenario
event, the saved scenario reproduces the session, and the network view reads the model's state.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from sim.dashboard.charts import CHARTS, charts_figure, network_figure
from sim.dashboard.lessons import LESSONS
from sim.dashboard.session import OWNER, ControlError, DashboardSession
from sim.loading import load_scenario
from sim.model import ChannelModel
from sim.validation import ScenarioError


@pytest.fixture
def session(make_scenario) -> DashboardSession:
    return DashboardSession(make_scenario(days=40, market={"consumers": 2000}))


def test_a_refused_value_gets_the_message_a_scenario_file_gets(session, tmp_path) -> None:
    """The same event, written into a scenario file, fails validation with the same text."""
    event = {"action": "set", "values": {"channels.b2c2c.rebate_rate": 0.5}}
    session.step(3)
    with pytest.raises(ControlError) as refused:
        session.change(event)
    data = session.start.model_dump(mode="json")
    data["events"] = [{"day": 4, **event}]
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data))
    with pytest.raises(ScenarioError) as in_file:
        load_scenario(path)
    problem = in_file.value.problems[0]
    assert str(refused.value) == f"{problem.path}: {problem.message}"
    assert "exceeds max_total_rebate_share" in str(refused.value)
    assert session.changes == [] and session.model.market.params.events == []


@pytest.mark.parametrize(
    ("values", "words"),
    [
        ({"market.consumers": 10}, "cannot change during a run"),
        ({"channels.b2c2c.rebate_ratee": 0.1}, "unknown key"),
        ({"channels.b2c.price": -5}, "-5"),
    ],
)
def test_frozen_unknown_and_out_of_range_parameters_are_refused(session, values, words) -> None:
    session.step(1)
    with pytest.raises(ControlError, match=words):
        session.change({"action": "set", "values": values})


def test_a_change_is_an_event_of_the_next_day_and_lands_in_the_event_log(session) -> None:
    session.step(5)
    text = session.set_value("channels.b2c2c.rebate_rate", 0.12)
    assert text == "set channels.b2c2c.rebate_rate=0.12"
    assert session.value("channels.b2c2c.rebate_rate") != 0.12  # not before day 6
    session.step(1)
    assert session.value("channels.b2c2c.rebate_rate") == 0.12
    assert session.model.market.event_log == [(6, text)]


def test_dragging_a_slider_on_one_day_leaves_one_event(session) -> None:
    session.step(2)
    for rate in (0.1, 0.15, 0.2):
        session.set_value("channels.b2c2c.rebate_rate", rate)
    assert [c.description for c in session.changes] == ["set channels.b2c2c.rebate_rate=0.2"]
    assert len(session.model.market.params.events) == 1
    session.step(1)
    assert session.model.market.event_log == [(3, "set channels.b2c2c.rebate_rate=0.2")]


def test_a_change_before_the_first_day_changes_the_starting_scenario(session) -> None:
    with pytest.raises(ControlError, match="exceeds max_total_rebate_share"):
        session.set_value("channels.b2c2c.rebate_rate", 0.5)
    session.set_value("market.consumers", 1000)  # structural: allowed before day 1 only
    assert session.model.consumers.n == 1000
    session.set_value("channels.b2c2c.rebate_rate", 0.2)
    assert session.changes == [] and session.start.channels.b2c2c.rebate_rate == 0.2
    assert session.model.params.channels.b2c2c.rebate_rate == 0.2
    session.reset()
    assert session.start.channels.b2c2c.rebate_rate == session.origin.channels.b2c2c.rebate_rate


def test_the_saved_scenario_reproduces_the_session_exactly(session, tmp_path) -> None:
    """Changes at day 0, sliders, a channel closed and reopened and a crackdown: the saved file,
    run from the start with its seed, gives the session's daily measurements to the bit."""
    session.set_value("channels.b2c2c.rebate_rate", 0.1)
    session.step(4)
    session.set_value("channels.b2c2c.rebate_rate", 0.2)
    session.set_value("channels.b2c.advertising.grps_per_day", 30.0)
    session.change({"action": "close_channel", "channel": "b2b2c"})
    session.step(10)
    session.change({"action": "reopen_channel", "channel": "b2b2c"})
    session.change({"action": "platform_crackdown"})
    session.step(100)
    assert session.finished and session.day == 40
    path = session.save(tmp_path / "saved.yaml")
    replay = ChannelModel(load_scenario(path))
    replay.run_for(40)
    frame = replay.datacollector.get_model_vars_dataframe()
    assert set(frame.columns) == set(session.history)
    for name, values in session.history.items():
        assert np.array_equal(frame[name].to_numpy(dtype=float), values, equal_nan=True), name
    assert replay.market.event_log == session.model.market.event_log
    assert len(session.model.market.event_log) == 5


def test_the_run_ends_on_its_last_day_and_refuses_changes_after(session) -> None:
    assert session.step(1000) == 40
    assert session.step(1) == 0
    with pytest.raises(ControlError, match="has ended"):
        session.set_value("channels.b2c2c.rebate_rate", 0.1)


def test_the_network_sample_shows_owners_and_stays_off_the_models_stream(micro_store_market):
    scenario = micro_store_market(days=30)
    session = DashboardSession(scenario, sample_size=200)
    session.step(30)
    alone = ChannelModel(scenario)
    alone.run_for(30)
    assert np.array_equal(alone.consumers.adopted, session.model.consumers.adopted)
    sample = session.network
    assert 0 < len(sample.nodes) <= 200 and len(set(sample.nodes.tolist())) == len(sample.nodes)
    state, policy = sample.states(session.model)
    owners = state == OWNER
    c = session.model.consumers
    expected = np.array(
        [c.store[v] >= 0 and session.model.stores.is_open[c.store[v]] for v in sample.nodes]
    )
    assert np.array_equal(owners, expected) and owners.any()
    assert (policy[owners] >= 0).all() and (policy[~owners] == -1).all()
    g = session.model.graph
    for (a, b), (e, back) in zip(sample.edges, sample.entries, strict=True):
        u, v = sample.nodes[a], sample.nodes[b]
        assert g.indices[e] == v and g.indices[back] == u


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.key)
def test_every_lesson_loads_and_draws_its_charts(lesson) -> None:
    scenario = load_scenario(lesson.scenario, [*lesson.overrides, "market.consumers=1500"])
    session = DashboardSession(scenario, sample_size=80)
    session.step(15)
    assert set(lesson.charts) <= set(CHARTS)
    fig = charts_figure(session, lesson.charts)
    drawn = [ax for ax in fig.axes if ax.get_visible()]
    assert len(drawn) == len(lesson.charts)
    assert all(ax.lines or ax.patches for ax in drawn), [
        ax.get_title() for ax in drawn if not (ax.lines or ax.patches)
    ]
    net = network_figure(session)
    assert net.axes[0].collections


def test_the_command_refuses_a_bad_scenario_before_serving(tmp_path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("market:\n  consumers: -3\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "dashboard", str(bad)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().startswith(f"{bad}:2: market.consumers")
    assert "Traceback" not in proc.stderr
