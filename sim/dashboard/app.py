"""The classroom dashboard: a Solara page over a :class:`~sim.dashboard.session.DashboardSession`.

Start it with ``chansim dashboard [SCENARIO]`` (served on 127.0.0.1), or show it in a Jupyter
notebook::

    from sim.dashboard.app import Dashboard
    Dashboard()                     # the free-play lesson
    Dashboard(lesson="spam")        # a guided lesson

The page is composed of Solara components (the same pattern as Mesa's ``SolaraViz``: the model
held by the page, a play loop in a thread, an update counter that redraws), with figures drawn by
:mod:`sim.dashboard.charts` as images. Every control goes through the session, so through the
validation of a scenario's events; a refused value shows the message a scenario file would get.
"""

from __future__ import annotations

import html
import os
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import solara
import yaml

from sim.dashboard.charts import charts_figure, network_figure, short_number
from sim.dashboard.lessons import BY_KEY, FREE, LESSONS, Lesson
from sim.dashboard.session import ControlError, DashboardSession
from sim.loading import load_scenario, parse_override
from sim.validation import ScenarioError

ENV_SCENARIO = "CHANSIM_DASHBOARD_SCENARIO"
ENV_OVERRIDES = "CHANSIM_DASHBOARD_SET"
ENV_SAVE_DIR = "CHANSIM_DASHBOARD_SAVE_DIR"

CHANNELS = {"b2b2c": "Distributors and shops", "b2c": "Direct online shop", "b2c2c": "Micro-stores"}


def _lesson_from_environment() -> Lesson:
    """The lesson the command line asked for: a scenario file (with ``--set`` values) becomes
    a free-play lesson over that file."""
    path = os.environ.get(ENV_SCENARIO)
    if not path:
        return FREE
    overrides = tuple(yaml.safe_load(os.environ.get(ENV_OVERRIDES, "[]")) or ())
    if path in BY_KEY:
        lesson = BY_KEY[path]
        return replace(lesson, overrides=(*lesson.overrides, *overrides))
    return replace(
        FREE,
        key="file",
        title=f"Free play: {Path(path).name}",
        scenario=Path(path),
        overrides=overrides,
        story="The scenario given on the command line.",
    )


def _load(lesson: Lesson) -> DashboardSession:
    return DashboardSession(load_scenario(lesson.scenario, list(lesson.overrides)))


class Live:
    """The page's handle on one session: the lock the play loop and the drawing share."""

    def __init__(self, lesson: Lesson) -> None:
        self.lesson = lesson
        self.session = _load(lesson)
        self.lock = threading.RLock()
        self.days_per_update = 10
        self.playing = False
        self._thread: threading.Thread | None = None

    def play(self, redraw: Callable[[], None], stopped: Callable[[], None]) -> None:
        """Advance ``days_per_update`` days at a time in a thread, redrawing after each, until
        paused or the run ends."""
        if self._thread is not None and self._thread.is_alive():
            self.playing = True
            return
        self.playing = True
        self._thread = threading.Thread(
            target=self._loop, args=(redraw, stopped), name="chansim-play", daemon=True
        )
        self._thread.start()

    def pause(self) -> None:
        self.playing = False

    def _loop(self, redraw: Callable[[], None], stopped: Callable[[], None]) -> None:
        while self.playing:
            started = time.perf_counter()
            with self.lock:
                if not self.playing:
                    return
                ran = self.session.step(self.days_per_update)
                done = self.session.finished
            redraw()
            if done or not ran:
                self.playing = False
                stopped()
                return
            time.sleep(max(0.0, 0.05 - (time.perf_counter() - started)))

    def open(self, lesson: Lesson) -> None:
        with self.lock:
            self.lesson = lesson
            self.session = _load(lesson)


# ------------------------------------------------------------------------------ components


def Prose(
    text: str, tag: str = "div", classes: list[str] | None = None, style: str | None = None
) -> None:
    """Our own text as HTML (solara.Markdown would fetch KaTeX, which is not served locally)."""
    solara.HTML(tag=tag, unsafe_innerHTML=text, classes=classes or [], style=style)


def _items(lines: tuple[str, ...] | list[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    body = "".join(f"<li>{html.escape(x)}</li>" for x in lines)
    return f"<{tag} style='margin:0;padding-left:18px'>{body}</{tag}>"


@solara.component
def KpiTile(label: str, value: str, key: str) -> None:
    with solara.Card(style={"min-width": "110px", "padding": "2px 8px", "margin": "2px"}):
        solara.Text(label, style={"font-size": "11px", "color": "#555"})
        solara.HTML(
            tag="div",
            unsafe_innerHTML=value,
            style="font-size: 18px",
            classes=["chansim-kpi", f"chansim-kpi-{key}"],
        )


@solara.component
def Kpis(live: Live, tick: int) -> None:
    with live.lock:
        k = live.session.kpis()
        open_ = {ch: live.session.model.channel_is_open(ch) for ch in CHANNELS}
        exists = {ch: getattr(live.session.start.channels, ch).enabled for ch in CHANNELS}
        total = live.session.start.days
        # with several brands, every tile but the shares shows the scenario's own brand
        own = f" ({live.session.start.manufacturer.brand})" if live.session.start.brands else ""
    with solara.Row(style={"flex-wrap": "wrap"}):
        KpiTile("day", f'<span id="chansim-day">{int(k["day"])}</span> / {total}', "day")
        for ch, name in (("b2b2c", "B2B2C"), ("b2c", "B2C"), ("b2c2c", "B2C2C")):
            if not exists[ch]:
                continue  # not in this market
            closed = "" if open_[ch] else " (closed)"
            KpiTile(f"units {name}{own}{closed}", short_number(k[f"units_{ch}"]), f"units_{ch}")
        KpiTile(f"maker's profit{own}", short_number(k["profit"]), "profit")
        KpiTile(f"micro-stores open{own}", short_number(k["active_stores"]), "active_stores")
        KpiTile("owners' friendships muted", f"{100 * k['muted_share']:.1f} %", "muted_share")
        for key in (key for key in k if key.startswith("share.")):
            brand = key.removeprefix("share.")
            KpiTile(f"share {brand}", f"{100 * k[key]:.1f} %", f"share-{brand}")


@solara.component
def Charts(live: Live, tick: int) -> None:
    with live.lock:
        fig = charts_figure(live.session, live.lesson.charts)
        net = network_figure(live.session)
    with solara.Row(style={"flex-wrap": "wrap", "align-items": "flex-start"}):
        with solara.Div(classes=["chansim-charts"]):
            solara.FigureMatplotlib(fig, format="png")
        with solara.Div(classes=["chansim-network"]):
            solara.FigureMatplotlib(net, format="png")


@solara.component
def ParameterSlider(
    live: Live,
    path: str,
    label: str,
    low: float,
    high: float,
    step: float,
    bump: Any,
    tick: int = 0,
) -> None:
    """A slider on one live parameter; a change becomes a ``set`` event. ``tick`` makes it
    redraw with the page, so it shows the live value."""
    value = live.session.value(path)
    pending = live.session.pending_value(path)
    shown = f"{label}: {value:g}"
    if pending is not None:
        shown += f" → {pending:g} from day {live.session.day + 1}"

    def on_value(v: float) -> None:
        with live.lock:
            try:
                text = live.session.set_value(path, round(float(v), 6))
                bump(f"from day {live.session.day + 1}: {text}", None)
            except ControlError as exc:
                bump(None, str(exc))

    css = "chansim-slider-" + path.replace(".", "-")
    with solara.Div(classes=["chansim-slider", css]):
        solara.SliderFloat(
            shown,
            value=float(value if pending is None else pending),
            min=low,
            max=high,
            step=step,
            on_value=on_value,
            thumb_label=True,
        )


@solara.component
def AnyParameter(live: Live, bump: Any) -> None:
    """A box for any parameter: ``path = value`` (the value read as YAML)."""
    text, set_text = solara.use_state("")

    def apply() -> None:
        entry = text.replace(" = ", "=").strip()
        try:
            path, value = parse_override(entry)
        except ScenarioError as exc:
            bump(None, str(exc.problems[0].message))
            return
        except ValueError as exc:
            bump(None, str(exc))
            return
        with live.lock:
            try:
                done = live.session.set_value(path, value)
                bump(f"from day {live.session.day + 1}: {done}", None)
            except ControlError as exc:
                bump(None, str(exc))

    with solara.Div(classes=["chansim-any"]):
        solara.InputText(
            "any parameter: path = value", value=text, on_value=set_text, continuous_update=True
        )
    solara.Button("Apply", on_click=apply, outlined=True, classes=["chansim-apply"])


@solara.component
def Dashboard(lesson: str | None = None) -> None:
    """The whole page: lesson, controls, KPI tiles, network and charts."""
    start = BY_KEY.get(lesson or "", None) or _lesson_from_environment()
    live = solara.use_memo(lambda: Live(start), [])
    tick, set_tick = solara.use_state(0)
    playing, set_playing = solara.use_state(False)
    message, set_message = solara.use_state("")
    error, set_error = solara.use_state("")
    saved, set_saved = solara.use_state("")
    days_per_update, set_days_per_update = solara.use_state(live.days_per_update)

    def redraw() -> None:
        set_tick(lambda t: t + 1)

    def bump(ok: str | None, refused: str | None) -> None:
        set_message(ok or "")
        set_error(refused or "")
        redraw()

    def toggle_play() -> None:
        if live.playing:
            live.pause()
            set_playing(False)
        else:
            set_playing(True)
            live.play(redraw, lambda: set_playing(False))

    solara.use_effect(lambda: live.pause, [])  # stop playing when the page goes away

    def step() -> None:
        with live.lock:
            live.session.step(1)
        redraw()

    def reset() -> None:
        live.pause()
        set_playing(False)
        with live.lock:
            live.session.reset()
        set_saved("")
        bump("reset to the start of the scenario", None)

    def open_lesson(key: str) -> None:
        live.pause()
        set_playing(False)
        live.open(BY_KEY.get(key, start))
        set_saved("")
        bump(f"opened: {live.lesson.title}", None)

    def speed(v: int) -> None:
        live.days_per_update = int(v)
        set_days_per_update(int(v))

    def event(e: dict[str, Any]) -> None:
        with live.lock:
            try:
                text = live.session.change(e)
                bump(f"from day {live.session.day + 1}: {text}", None)
            except ControlError as exc:
                bump(None, str(exc))

    def save() -> None:
        folder = Path(os.environ.get(ENV_SAVE_DIR, "results/dashboard"))
        with live.lock:
            s = live.session
            path = s.save(folder / f"{s.origin.name}-day{s.day}.yaml")
        set_saved(str(path))
        bump(f"saved the session as {path}", None)

    with live.lock:
        session = live.session
        params = session.model.params
        policies = params.channels.b2c2c.posting.policies
        enabled = {ch: getattr(params.channels, ch).enabled for ch in CHANNELS}
        is_open = {ch: session.channel_will_be_open(ch) for ch in CHANNELS}
        log = list(session.model.market.event_log)
        finished = session.finished

    solara.Title("chansim: distribution channels, live")
    with solara.Columns([1, 3]):
        with solara.Column(style={"padding": "8px", "background": "#f7f7f7"}):
            Prose("<b>Lesson</b>", tag="h4")
            solara.Select(
                "lesson",
                value=live.lesson.key if live.lesson.key in BY_KEY else FREE.key,
                values=[x.key for x in LESSONS],
                on_value=open_lesson,
            )
            with solara.Row():
                solara.Button(
                    "Pause" if playing else "Play",
                    on_click=toggle_play,
                    disabled=finished,
                    color="primary",
                    classes=["chansim-play"],
                )
                solara.Button(
                    "Step", on_click=step, disabled=playing or finished, classes=["chansim-step"]
                )
                solara.Button("Reset", on_click=reset, classes=["chansim-reset"])
            with solara.Div(classes=["chansim-speed"]):
                solara.SliderInt(
                    "days per update", value=days_per_update, min=1, max=30, on_value=speed
                )
            if enabled["b2c2c"]:
                Prose("<b>Micro-stores</b>", tag="h4")
                ParameterSlider(
                    live,
                    "channels.b2c2c.rebate_rate",
                    "rebate rate",
                    0.0,
                    0.3,
                    0.01,
                    bump,
                    tick=tick,
                )
                for k, policy in enumerate(policies):
                    ParameterSlider(
                        live,
                        f"channels.b2c2c.posting.policies.{k}.posts_per_day",
                        f"posts a day: {policy.name}",
                        0.0,
                        20.0,
                        0.1,
                        bump,
                        tick=tick,
                    )
                ParameterSlider(
                    live,
                    "channels.b2c2c.price",
                    "micro-store price",
                    1.0,
                    2.0 * params.product.list_price,
                    1.0,
                    bump,
                    tick=tick,
                )
                solara.Button(
                    "Start a platform crackdown",
                    on_click=lambda: event({"action": "platform_crackdown"}),
                    outlined=True,
                    classes=["chansim-crackdown"],
                )
            if enabled["b2c"]:
                Prose("<b>Direct shop</b>", tag="h4")
                ParameterSlider(
                    live,
                    "channels.b2c.advertising.grps_per_day",
                    "advertising (GRPs a day)",
                    0.0,
                    100.0,
                    1.0,
                    bump,
                    tick=tick,
                )
                ParameterSlider(
                    live,
                    "channels.b2c.price",
                    "direct price",
                    1.0,
                    2.0 * params.product.list_price,
                    1.0,
                    bump,
                    tick=tick,
                )
            if enabled["b2b2c"]:
                Prose("<b>Distributors</b>", tag="h4")
                ParameterSlider(
                    live,
                    "channels.b2b2c.wholesale_price",
                    "wholesale price",
                    1.0,
                    2.0 * params.product.list_price,
                    1.0,
                    bump,
                    tick=tick,
                )
            Prose("<b>Channels</b>", tag="h4")
            for ch, name in CHANNELS.items():
                if enabled[ch]:
                    solara.Switch(
                        label=f"{name} open",
                        value=is_open[ch],
                        on_value=lambda v, ch=ch: event(
                            {"action": "reopen_channel" if v else "close_channel", "channel": ch}
                        ),
                    )
            AnyParameter(live, bump)
            solara.Button(
                "Save session as scenario", on_click=save, outlined=True, classes=["chansim-save"]
            )
            if saved:
                solara.Text(f"saved: {saved}", classes=["chansim-saved"])

        with solara.Column():
            with solara.Card(live.lesson.title):
                Prose(html.escape(live.lesson.story), tag="p")
                with solara.Row():
                    with solara.Column():
                        Prose("<b>Try this</b>" + _items(live.lesson.try_this, ordered=True))
                    with solara.Column():
                        Prose("<b>Watch</b>" + _items(live.lesson.watch))
            if error:
                Prose(
                    html.escape(error),
                    classes=["chansim-error"],
                    style="color:#b00020;border:1px solid #b00020;padding:6px;border-radius:4px",
                )
            elif message:
                Prose(
                    html.escape(message),
                    classes=["chansim-message"],
                    style="color:#0b5394;border:1px solid #0b5394;padding:6px;border-radius:4px",
                )
            Kpis(live, tick)
            Charts(live, tick)
            if log:
                Prose(
                    "<b>Event log</b>" + _items([f"day {d}: {t}" for d, t in log[-12:]]),
                    classes=["chansim-log"],
                )


@solara.component
def Page() -> None:
    """The page ``solara run`` serves."""
    Dashboard()
