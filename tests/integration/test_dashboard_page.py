"""The dashboard page without a browser (Solara's ``solara.render``, as Mesa's own visualization
tests do): the controls drive the session, refused values show the scenario's message."""

from __future__ import annotations

import pytest

solara = pytest.importorskip("solara")
v = pytest.importorskip("ipyvuetify")

from sim.dashboard import app  # noqa: E402


@pytest.fixture
def page(monkeypatch, tmp_path):
    monkeypatch.setenv(app.ENV_SCENARIO, "free")
    monkeypatch.setenv(app.ENV_OVERRIDES, "['market.consumers=1500', 'days=30']")
    monkeypatch.setenv(app.ENV_SAVE_DIR, str(tmp_path))
    _box, rc = solara.render(app.Page(), handle_error=False)
    return rc


def html_with_class(rc, name: str) -> list:
    return [
        w
        for w in rc.find(solara.widgets.HTML).widgets
        if name in w.attributes.get("class", "").split()
    ]


def kpi_values(rc) -> list[str]:
    return [w.unsafe_innerHTML for w in html_with_class(rc, "chansim-kpi")]


def test_step_advances_the_day_and_the_tiles(page) -> None:
    assert kpi_values(page)[0].startswith('<span id="chansim-day">0</span>')
    page.find(v.Btn, children=["Step"]).widget.click()
    assert kpi_values(page)[0].startswith('<span id="chansim-day">1</span>')


def test_any_parameter_box_refuses_what_a_scenario_refuses_and_accepts_the_rest(page) -> None:
    box = page.find(v.TextField, label="any parameter: path = value").widget
    box.v_model = "channels.b2c2c.rebate_rate = 0.5"
    page.find(v.Btn, children=["Apply"]).widget.click()
    (error,) = html_with_class(page, "chansim-error")
    assert "exceeds max_total_rebate_share=0.3" in error.unsafe_innerHTML
    box.v_model = "channels.b2c2c.rebate_rate = 0.2"
    page.find(v.Btn, children=["Apply"]).widget.click()
    assert html_with_class(page, "chansim-error") == []
    assert "rebate rate: 0.2" in [
        w.label for w in page.find(v.Slider).widgets if w.label.startswith("rebate")
    ]


def test_closing_a_channel_is_an_event_in_the_log(page, tmp_path) -> None:
    page.find(v.Btn, children=["Step"]).widget.click()
    switch = page.find(v.Switch, label="Distributors and shops open").widget
    switch.v_model = False
    page.find(v.Btn, children=["Step"]).widget.click()
    assert "day 2: close b2b2c" in html_with_class(page, "chansim-log")[0].unsafe_innerHTML
    page.find(v.Btn, children=["Save session as scenario"]).widget.click()
    saved = list(tmp_path.glob("*.yaml"))
    assert len(saved) == 1 and "action: close_channel" in saved[0].read_text()
