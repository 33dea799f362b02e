"""Every figure the project draws passes ``tests/figure_check.py``: the figures of one run
(``sim/figures.py``), drawn for every shipped scenario on a small market, and the dashboard's
charts (``sim/dashboard/charts.py``) for every lesson. Event windows are shaded on every time
axis, money is labelled in the scenario's currency, and what a run does not have is left out.
"""

from __future__ import annotations

import contextlib
import io
import shutil
from pathlib import Path

import matplotlib
import numpy as np
import pytest
from figure_check import figure_problems
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import sim.figures
from sim.cli import main
from sim.dashboard.charts import charts_figure, network_figure
from sim.dashboard.lessons import FREE, LESSONS
from sim.dashboard.session import DashboardSession
from sim.figure_style import Marker, PlainFormatter, event_markers
from sim.figures import make_figures
from sim.loading import load_scenario

matplotlib.use("Agg")

REPO = Path(__file__).resolve().parents[2]
SCENARIOS = sorted(
    [
        *(REPO / "scenarios").glob("*.yaml"),
        *(REPO / "scenarios/lessons").glob("*.yaml"),
        *(
            REPO / "scenarios/cases" / f"{n}.yaml"
            for n in ("distributor_run_stores", "paid_mentors")
        ),
    ]
)
SMALL = ("--set", "market.consumers=2000", "--days", "140", "--seed", "3", "--no-progress")
CURRENCY_RUN = "three_channels"  # run with another currency than the default
EVERY_FIGURE = {
    "sales_by_channel.png",
    "profit_and_costs.png",
    "adoption_awareness.png",
    "micro_stores.png",
    "store_sales_lorenz.png",
    "inventory_by_tier.png",
    "pyramid_levels.png",
    "pyramid_profit_and_loss.png",
    "trust_and_muting.png",
    "sales_per_post.png",
    "market_share_by_brand.png",
    "distributor_stores.png",
    "mentors.png",
}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Each shipped scenario run on a small market by ``chansim run`` (in this process); the
    figures are left to the tests, which draw them from the folder as the run does."""
    root = tmp_path_factory.mktemp("craft")
    out: dict[str, Path] = {}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(sim.figures, "make_figures", lambda folder: [])
        for path in SCENARIOS:
            folder = root / path.stem
            extra = ("--set", "currency=EUR") if path.stem == CURRENCY_RUN else ()
            quiet = contextlib.redirect_stdout(io.StringIO())
            with quiet, contextlib.redirect_stderr(io.StringIO()):
                code = main(["run", str(path), *SMALL, *extra, "--out", str(folder)])
            assert code == 0, path.name
            out[path.stem] = folder
    return out


def _draw(folder: Path) -> dict[str, Figure]:
    """``make_figures`` on a results folder: figure file → the figure drawn (given an Agg
    canvas again once pyplot has closed it, so that it can still be checked)."""
    shutil.rmtree(folder / "figures", ignore_errors=True)
    saved: dict[str, Figure] = {}
    patched = Figure.savefig  # the inspector's, when a test uses it

    def keep(self: Figure, fname: object, *args: object, **kwargs: object) -> object:
        saved[Path(str(fname)).name] = self
        return patched(self, fname, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Figure, "savefig", keep)
        make_figures(folder)
    for fig in saved.values():
        FigureCanvasAgg(fig)
    return saved


DRAWN: dict[str, dict[str, Figure]] = {}
"""Scenario → figure file → figure, filled by the first test that draws them."""


@pytest.fixture(scope="module")
def drawn(folders: dict[str, Path]) -> dict[str, dict[str, Figure]]:
    """Scenario → figure file → the figure ``make_figures`` drew from the folder."""
    for name, folder in folders.items():
        if name not in DRAWN:
            DRAWN[name] = _draw(folder)
    return DRAWN


def _time_axes(fig: Figure) -> list[Axes]:
    return [ax for ax in fig.axes if ax.get_visible() and ax.get_xlabel() == "day"]


def _event_artists(ax: Axes) -> list[object]:
    return [a for a in (*ax.patches, *ax.lines) if a.get_gid() == "event"]


def _windows(ax: Axes) -> list[tuple[float, float]]:
    out = []
    for p in ax.patches:
        if p.get_gid() == "event":
            x0 = p.get_x()
            out.append((round(x0, 1), round(x0 + p.get_width(), 1)))
    return out


def _points(ax: Axes) -> list[float]:
    return [float(line.get_xdata()[0]) for line in ax.lines if line.get_gid() == "event"]


# --------------------------------------------------------------------------- single runs


def test_every_single_run_figure_passes_the_checker(folders, figure_inspector) -> None:
    """Each shipped scenario's figures, drawn from its results folder, have no problem;
    between them every figure the project can draw is drawn at least once."""
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    for name, folder in folders.items():
        figure_inspector.clear()
        DRAWN[name] = _draw(folder)
        assert set(DRAWN[name]) == set(figure_inspector), name
        for figure, found in figure_inspector.items():
            seen.add(figure)
            if found:
                problems[f"{name}/{figure}"] = found
    assert not problems, "\n".join(p for found in problems.values() for p in found)
    assert seen == EVERY_FIGURE, EVERY_FIGURE - seen


def test_figures_of_what_a_run_does_not_have_are_left_out(drawn) -> None:
    """No micro-store figures without micro-stores, no pyramid or spam figures without the
    mechanism, no order panel without distributors, no cost panel without costs."""
    assert set(drawn["b2b2c_only"]) == {
        "sales_by_channel.png",
        "profit_and_costs.png",
        "adoption_awareness.png",
        "inventory_by_tier.png",
    }
    assert "pyramid_levels.png" in drawn["pyramid_unregulated"]
    assert "pyramid_levels.png" not in drawn["three_channels"]
    assert "trust_and_muting.png" not in drawn["b2c_only"]
    titles = [ax.get_title() for ax in drawn["pyramid_unregulated"]["inventory_by_tier.png"].axes]
    assert titles == ["The maker's finished goods"]
    assert len(drawn["b2b2c_only"]["inventory_by_tier.png"].axes) == 3
    for name, figures in drawn.items():
        for ax in figures["profit_and_costs.png"].axes:
            if "cost" in ax.get_title():
                assert ax.collections, f"{name}: a cost panel without costs"


def test_every_time_axis_shows_the_scenario_events(drawn) -> None:
    """A closure, a crackdown and a price promotion are shaded windows, opening micro-stores
    to the public a thin line, on every panel with a day axis; each labelled in words."""
    expected = {
        "offline_shutdown_2020": ([(29.5, 89.5)], [30.0]),
        "spam_crackdown": ([(59.5, 140.5)], []),
        "bullwhip": ([(119.5, 133.5)], []),
        "employee_first_rollout": ([], [60.0]),
    }
    for scenario, (windows, points) in expected.items():
        for figure, fig in drawn[scenario].items():
            for ax in _time_axes(fig):
                where = f"{scenario}/{figure} {ax.get_title()!r}"
                assert _windows(ax) == windows, where
                assert [p for p in _points(ax) if p in points] == points, where
    labels = [
        t.get_text() for t in drawn["offline_shutdown_2020"]["sales_by_channel.png"].axes[0].texts
    ]
    assert "B2B2C (distributors) closed" in labels
    assert "micro-stores open to the public" in labels
    bullwhip = drawn["bullwhip"]["sales_by_channel.png"].axes[0]
    assert [t.get_text() for t in bullwhip.texts] == ["wholesale price 59, then back to 74"]
    for name in ("three_channels", "b2c_only", "public_rollout"):
        for fig in drawn[name].values():
            assert not any(_event_artists(ax) for ax in fig.axes), name


def test_money_is_labelled_in_the_scenario_currency_without_offsets(drawn) -> None:
    for name, figures in drawn.items():
        currency = "EUR" if name == CURRENCY_RUN else "CNY"
        labels = [ax.get_ylabel() for ax in figures["profit_and_costs.png"].axes]
        assert labels and all(label.endswith(f"{currency})") for label in labels), (name, labels)
    pyramid = drawn["pyramid_unregulated"]["pyramid_profit_and_loss.png"].axes[0]
    assert "(CNY)" in pyramid.get_xlabel() or "thousand CNY" in pyramid.get_xlabel()


def test_a_folder_without_its_scenario_file_takes_the_events_from_the_event_log(
    folders, tmp_path
) -> None:
    folder = tmp_path / "copy"
    shutil.copytree(folders["offline_shutdown_2020"], folder)
    (folder / "scenario.yaml").unlink()
    saved = _draw(folder)
    ax = saved["sales_by_channel.png"].axes[0]
    assert _windows(ax) == [(29.5, 89.5)] and 30.0 in _points(ax)
    assert not figure_problems(saved["sales_by_channel.png"])


# --------------------------------------------------------------------------- helpers


def test_event_markers() -> None:
    scenario = {
        "channels": {
            "b2b2c": {"wholesale_price": 74.0},
            "b2c2c": {"enabled": True, "rollout": {"employees_from_day": 0, "public_from_day": 40}},
        }
    }
    events = [
        {"day": 10, "action": "close_channel", "channel": "b2c"},
        {"day": 20, "action": "reopen_channel", "channel": "b2c"},
        {"day": 30, "action": "platform_crackdown", "duration_days": 5},
        {"day": 50, "action": "set", "values": {"channels.b2b2c.wholesale_price": 59.0}},
        {"day": 60, "action": "set", "values": {"channels.b2b2c.wholesale_price": 74.0}},
        {"day": 70, "action": "set", "values": {"channels.b2b2c.wholesale_price": 80}},
        {"day": 80, "action": "close_channel", "channel": "b2b2c"},
        {"day": 200, "action": "competitor_enters"},
    ]
    assert event_markers(events, scenario, 100) == [
        Marker(10, 19, "B2C (direct) closed", "closure"),
        Marker(30, 34, "platform crackdown", "crackdown"),
        Marker(40, None, "micro-stores open to the public", "point"),
        Marker(50, 59, "wholesale price 59, then back to 74", "change"),
        Marker(70, None, "wholesale price → 80", "point"),
        Marker(80, 100, "B2B2C (distributors) closed", "closure"),
    ]
    assert event_markers(events, scenario, 0) == []


def test_large_numbers_are_written_out_without_an_offset() -> None:
    fig = Figure(figsize=(5, 3))
    FigureCanvasAgg(fig)
    ax = fig.subplots()
    ax.plot(np.arange(10), 2_000_000 + np.arange(10) * 50.0)
    ax.set_xlabel("day")
    ax.set_ylabel("units")
    ax.yaxis.set_major_formatter(PlainFormatter())
    assert figure_problems(fig) == []
    texts = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert texts and all("," in t for t in texts), texts


# --------------------------------------------------------------------------- the dashboard

LESSON_DAYS = {"bullwhip": 140}


def _network_problems(fig: Figure, name: str) -> list[str]:
    """The network view's problems, but for axis labels: its axes are a drawing's positions,
    with no scale to label (the checker asks for labels on every axes)."""
    return [
        p for p in figure_problems(fig, name) if not p.endswith((": no x label", ": no y label"))
    ]


@pytest.mark.parametrize("lesson", LESSONS, ids=lambda x: x.key)
def test_every_lesson_chart_passes_the_checker(lesson) -> None:
    scenario = load_scenario(lesson.scenario, [*lesson.overrides, "market.consumers=1500"])
    session = DashboardSession(scenario, sample_size=80)
    session.step(LESSON_DAYS.get(lesson.key, 100))
    fig = charts_figure(session, lesson.charts)
    assert len([ax for ax in fig.axes if ax.get_visible()]) == len(lesson.charts)
    assert figure_problems(fig, lesson.key) == []
    events = [e for e in session.model.market.params.events if e.day <= session.day]
    for ax in _time_axes(fig):
        if not ax.get_title().startswith("Pyramid"):  # the collapse is marked there too
            assert bool(_event_artists(ax)) == bool(events), (lesson.key, ax.get_title())
    profit = next(ax for ax in fig.axes if ax.get_title() == "The maker's profit so far")
    assert profit.get_ylabel().endswith("CNY)")
    assert _network_problems(network_figure(session), f"{lesson.key} network") == []


def test_page_changes_are_marked_and_missing_charts_left_out() -> None:
    """A channel closed and reopened on the page is a window, a changed rebate a line; a
    scenario without micro-stores gets no store or trust chart, the others fill the row."""
    scenario = load_scenario(FREE.scenario, ["market.consumers=1500", "days=60"])
    session = DashboardSession(scenario, sample_size=50)
    session.step(9)
    session.change({"action": "close_channel", "channel": "b2b2c"})
    session.step(10)
    session.change({"action": "reopen_channel", "channel": "b2b2c"})
    session.step(5)
    session.set_value("channels.b2c2c.rebate_rate", 0.08)
    session.step(5)
    fig = charts_figure(session, FREE.charts)
    assert figure_problems(fig) == []
    for ax in _time_axes(fig):
        assert _windows(ax) == [(9.5, 19.5)], ax.get_title()
        assert 25.0 in _points(ax), ax.get_title()
    only = load_scenario(REPO / "scenarios/b2b2c_only.yaml", ["market.consumers=1500"])
    session = DashboardSession(only, sample_size=50)
    session.step(20)
    fig = charts_figure(session, FREE.charts)
    assert [ax.get_title() for ax in fig.axes] == [
        "Units sold a day by channel (7-day mean)",
        "The maker's profit so far",
    ]
    assert figure_problems(fig) == []


def test_several_brands_get_the_share_chart_first_and_share_tiles() -> None:
    """With several brands the page leads with each brand's share of the last 28 days' units
    (the rivals' sales counted, the shares adding up to one), names the brand the other charts
    show, and tiles each brand's share of the units sold so far."""
    scenario = load_scenario(REPO / "scenarios/three_brands.yaml", ["market.consumers=1500"])
    session = DashboardSession(scenario, sample_size=50)
    session.step(60)
    fig = charts_figure(session, FREE.charts)
    assert figure_problems(fig, "three brands") == []
    share, *others = [ax for ax in fig.axes if ax.get_visible()]
    assert share.get_title().startswith("Market share by brand")
    assert [line.get_label().split(" ")[0] for line in share.lines] == ["alpha", "beta", "gamma"]
    ys = np.array([line.get_ydata() for line in share.lines])
    units = {b: session.series(f"units_total.{b}") for b in ("alpha", "beta", "gamma")}
    last = {b: u[-28:].sum() for b, u in units.items()}
    assert sum(last.values()) > 0
    assert ys[:, -1] == pytest.approx([last[b] / sum(last.values()) for b in last])
    sold = ~np.isnan(ys).any(axis=0)
    assert sold.any() and np.allclose(ys[:, sold].sum(axis=0), 1.0)
    assert others and all(ax.get_title().endswith(": alpha") for ax in others)
    kpis = session.kpis()
    total = {b: u.sum() for b, u in units.items()}
    for b in total:
        assert kpis[f"share.{b}"] == pytest.approx(total[b] / sum(total.values()))
    one = DashboardSession(load_scenario(FREE.scenario, ["market.consumers=1500"]), sample_size=50)
    one.step(5)
    assert not [k for k in one.kpis() if k.startswith("share.")]
    assert not [ax for ax in charts_figure(one, FREE.charts).axes if "brand" in ax.get_title()]
