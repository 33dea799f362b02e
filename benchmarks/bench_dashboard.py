"""Speed of the classroom dashboard in a real browser: simulated days per second while playing,
with the charts and the network view redrawn after every update.

Usage (from the repository root; needs Debian's Chromium and Playwright)::

    python benchmarks/bench_dashboard.py [--consumers 20000] [--lesson free] [--seconds 20]
                                         [--repeats 3] [--days-per-update 10]

For each repeat it starts ``chansim dashboard`` on 127.0.0.1, opens the page in headless
Chromium, presses Play and reads the day counter once a second for ``--seconds`` seconds; it
counts the chart images the browser received (each redraw sends a new one). It prints, per
repeat, the days simulated per second (from the first to the last reading) and the redraws per
second, then the median over repeats and PASS/FAIL for the target (at least 10 days a second at
20,000 consumers).
"""

from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
import time
import urllib.request

CHROMIUM = "/usr/bin/chromium"
TARGET_DAYS_PER_SECOND = 10.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(lesson: str, consumers: int) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [
            sys.executable, "-m", "sim.cli", "dashboard", lesson,
            "--set", f"market.consumers={consumers}", "--port", str(port),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    for _ in range(180):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return proc, url
        except OSError:
            time.sleep(0.5)
    proc.kill()
    raise SystemExit("the dashboard did not start")


def measure(url: str, seconds: float, days_per_update: int) -> tuple[float, float, int]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1500, "height": 1100})
        page.goto(url)
        day = page.locator("#chansim-day")
        day.wait_for(timeout=120_000)
        speed = page.locator(".chansim-speed [role=slider]").first
        speed.focus()
        current = int(speed.get_attribute("aria-valuenow") or 10)
        key = "ArrowRight" if days_per_update > current else "ArrowLeft"
        for _ in range(abs(days_per_update - current)):
            speed.press(key)
        charts = page.locator(".chansim-charts img")
        sources = {charts.get_attribute("src")}
        page.locator(".chansim-play").click()
        readings: list[tuple[float, int]] = []
        end = time.perf_counter() + seconds
        while time.perf_counter() < end:
            readings.append((time.perf_counter(), int(day.inner_text())))
            sources.add(charts.get_attribute("src"))
            time.sleep(0.25)
        page.locator(".chansim-play").click()
        browser.close()
    (t0, d0), (t1, d1) = readings[0], readings[-1]
    return (d1 - d0) / (t1 - t0), (len(sources) - 1) / (t1 - t0), d1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--consumers", type=int, default=20_000)
    ap.add_argument("--lesson", default="free")
    ap.add_argument("--seconds", type=float, default=20.0)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--days-per-update", type=int, default=10)
    args = ap.parse_args()
    rates, redraws = [], []
    for r in range(args.repeats):
        proc, url = start(args.lesson, args.consumers)
        try:
            rate, redraw, last = measure(url, args.seconds, args.days_per_update)
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        rates.append(rate)
        redraws.append(redraw)
        print(
            f"repeat {r + 1}: {rate:.1f} simulated days/s, {redraw:.2f} chart redraws/s "
            f"(day {last} after {args.seconds:.0f} s)",
            flush=True,
        )
    median = statistics.median(rates)
    print(
        f"lesson {args.lesson}, {args.consumers:,} consumers, {args.days_per_update} days per "
        f"update: median {median:.1f} days/s, {statistics.median(redraws):.2f} redraws/s "
        f"over {args.repeats} repeats"
    )
    verdict = "PASS" if median >= TARGET_DAYS_PER_SECOND else "FAIL"
    print(f"{verdict} at least {TARGET_DAYS_PER_SECOND:g} simulated days/s with charts updating")


if __name__ == "__main__":
    main()
