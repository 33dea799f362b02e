"""The dashboard in a real browser: headless Chromium (Debian's package) driven by Playwright
against ``chansim dashboard`` started by this test on 127.0.0.1.

Every request that does not go to the local server is blocked and recorded; the test fails if
any was attempted, or if any local request failed. It steps, moves the rebate slider, checks
that the day counter and the charts change, that an out-of-range entry is refused with the
scenario's message, saves the session as a scenario and reruns it to the same tiles, and writes
a screenshot (``CHANSIM_SCREENSHOT`` names where; default: the test's temporary folder).

Skipped where Chromium or Playwright is missing, unless ``CHANSIM_REQUIRE_BROWSER=1`` (set by
``.ci/run``), where that is a failure.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from sim.loading import load_scenario
from sim.model import ChannelModel

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
REQUIRED = os.environ.get("CHANSIM_REQUIRE_BROWSER") == "1"


def _need(ok: bool, why: str) -> None:
    if not ok:
        if REQUIRED:
            pytest.fail(why)
        pytest.skip(why)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory) -> Iterator[tuple[str, Path]]:
    _need(Path(CHROMIUM).exists(), f"no Chromium at {CHROMIUM}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _need(False, "playwright is not installed")
    save_dir = tmp_path_factory.mktemp("saved")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "sim.cli", "dashboard", "free",
            "--set", "market.consumers=3000", "--set", "days=90",
            "--host", "127.0.0.1", "--port", str(port), "--save-dir", str(save_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                pytest.fail(f"the dashboard did not start: {proc.stdout.read()[-2000:]}")
            time.sleep(0.5)
    yield url, save_dir
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def _tile(page, key: str) -> str:
    """The value shown on a KPI tile."""
    return page.locator(f".chansim-kpi-{key}").inner_text().strip()


def test_the_dashboard_in_a_browser(server, tmp_path) -> None:
    from playwright.sync_api import expect, sync_playwright

    from sim.dashboard.charts import short_number

    url, save_dir = server
    outside: list[str] = []
    failed: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith(("http://127.0.0.1", "ws://127.0.0.1", "data:", "blob:")):
            r.continue_()
        else:
            outside.append(r.request.url)
            r.abort()

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run",
            ],
        )  # fmt: skip
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.route("**/*", route)
        page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
        page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
        page.goto(url)
        day = page.locator("#chansim-day")
        expect(day).to_have_text("0", timeout=60_000)
        charts = page.locator(".chansim-charts img")
        before = charts.get_attribute("src")

        page.locator(".chansim-step").click()
        expect(day).to_have_text("1", timeout=20_000)
        expect(charts).not_to_have_attribute("src", before, timeout=20_000)

        slider = page.locator(".chansim-slider-channels-b2c2c-rebate_rate [role=slider]").first
        slider.focus()
        for _ in range(5):
            slider.press("ArrowRight")
        expect(page.locator(".chansim-message")).to_contain_text(
            "set channels.b2c2c.rebate_rate=0.1", timeout=20_000
        )
        expect(page.locator(".chansim-slider-channels-b2c2c-rebate_rate")).to_contain_text(
            "rebate rate: 0.05 → 0.1 from day 2"
        )

        page.locator(".chansim-any input").fill("channels.b2c2c.rebate_rate = 0.9")
        page.locator(".chansim-apply").click()
        expect(page.locator(".chansim-error")).to_contain_text(
            "exceeds max_total_rebate_share=0.3", timeout=20_000
        )

        for n in range(2, 6):
            page.locator(".chansim-step").click()
            expect(day).to_have_text(str(n), timeout=20_000)
        page.locator(".chansim-save").click()
        saved_text = page.locator(".chansim-saved")
        expect(saved_text).to_contain_text(".yaml", timeout=20_000)
        shown = {ch: _tile(page, f"units_{ch}") for ch in ("b2b2c", "b2c", "b2c2c")}
        stores = _tile(page, "active_stores")
        shot = Path(os.environ.get("CHANSIM_SCREENSHOT", tmp_path / "dashboard.png"))
        shot.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shot), full_page=True)
        browser.close()

    assert outside == [], f"requests left 127.0.0.1: {outside}"
    assert failed == [], f"local requests failed: {failed}"
    (saved,) = save_dir.glob("*.yaml")
    scenario = load_scenario(saved)
    assert scenario.events[-1].values == {"channels.b2c2c.rebate_rate": 0.1}
    replay = ChannelModel(scenario)
    replay.run_for(5)
    frame = replay.datacollector.get_model_vars_dataframe()
    for ch, text in shown.items():
        assert short_number(float(frame[f"units_{ch}"].sum())) == text, ch
    assert short_number(float(frame["active_stores"].iloc[-1])) == stores
