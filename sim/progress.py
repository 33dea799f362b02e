"""The progress display of long commands on stderr: a bar of days or runs with a clock and an
estimate, then one line per stage of writing results, each left on the terminal when it ends.
Nothing is drawn when stderr is not a terminal.
"""

from __future__ import annotations

import os
import shutil
import sys
import threading
import time
from typing import Any


def format_seconds(seconds: float) -> str:
    """``2.3 s``, ``63 s``, ``4 min 05 s``, ``1 h 02 min``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 100:
        return f"{seconds:.0f} s"
    if seconds < 3600:
        minutes, rest = divmod(round(seconds), 60)
        return f"{minutes} min {rest:02d} s"
    hours, rest = divmod(round(seconds) // 60, 60)
    return f"{hours} h {rest:02d} min"


def _plural(count: int, unit: str) -> str:
    return unit if count == 1 else f"{unit}s"


def progress_line(
    label: str,
    done: int,
    total: int,
    unit: str,
    elapsed: float,
    *,
    failed: int = 0,
    note: str = "",
    width: int = 80,
    fancy: bool = True,
) -> str:
    """The progress display while counting, at most ``width - 1`` characters, e.g.
    ``rebate_level  [████░░░░░░░░]  12/80 runs  1 failed  63 s, about 5 min 57 s left``.

    ``note`` replaces the estimate of the time left (``building the market…``); ``fancy``
    draws the bar with block characters (else ``#`` and ``-``). The bar's width depends only
    on the terminal's, the label and the total (room is kept for the clock), so it does not
    jump as the numbers change; on a narrow terminal there is none."""
    full, empty = ("█", "░") if fancy else ("#", "-")
    count = f"{done}/{total} {_plural(total, unit)}"
    if failed:
        count += f"  {failed} failed"
    clock = format_seconds(elapsed)
    if note:
        clock = f"{note}  {clock}"
    elif 0 < done < total:
        clock += f", about {format_seconds(elapsed / done * (total - done))} left"
    widest = len(f"{label}  []  {total}/{total} {_plural(total, unit)}  ") + CLOCK_ROOM
    cells = min(30, width - 1 - widest)
    if cells >= 8:
        filled = round(cells * done / total) if total else cells
        bar = "[" + full * filled + empty * (cells - filled) + "]"
        return f"{label}  {bar}  {count}  {clock}"[: width - 1]
    return f"{label}  {count}  {clock}"[: width - 1]


CLOCK_ROOM = len("10 min 00 s, about 10 min 00 s left")
"""Room kept after the count for the clock and the estimate of the time left."""

LABEL_ROOM = 32
"""Longest label drawn in full (a longer one is cut, ending in an ellipsis)."""


def final_line(
    label: str, done: int, total: int, unit: str, verb: str, elapsed: float, failed: int = 0
) -> str:
    """The line left on the terminal when counting ends, e.g. ``rebate_level  80/80 runs done
    in 6 min 03 s`` (``, 1 failed``)."""
    text = f"{label}  {done}/{total} {_plural(total, unit)} {verb} in {format_seconds(elapsed)}"
    return f"{text}, {failed} failed" if failed else text


class Progress:
    """The progress of a long command on a terminal: a counting line (days or runs) drawn at
    once and redrawn in place, then one line per stage of writing results (``writing
    figures… 2.1 s``); each finished line stays, e.g. ``12/12 runs done in 63 s`` and
    ``writing figures… done in 2.1 s``.

    Drawn only if ``enabled`` and ``stream`` is a terminal (quiet when piped or redirected).
    A background thread redraws every second, so the clock moves during long silent steps
    (building the market, drawing figures). Use it as a context manager: leaving it ends the
    open line (on an exception without ``done``).
    """

    REDRAW_SECONDS = 0.1
    TICK_SECONDS = 1.0

    def __init__(
        self,
        label: str,
        total: int | None = None,
        unit: str = "run",
        *,
        verb: str = "done",
        note: str = "",
        enabled: bool = True,
        stream: Any = None,
    ) -> None:
        self.total = total
        self.unit = unit
        self.verb = verb
        self.note = note
        self.done = 0
        self.failed = 0
        self.stream = stream if stream is not None else sys.stderr
        try:
            tty = bool(self.stream.isatty())
        except (AttributeError, ValueError, OSError):
            tty = False
        self.enabled = enabled and tty
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self.fancy = "utf" in encoding
        self.ellipsis = "…" if self.fancy else "..."
        cut = LABEL_ROOM - len(self.ellipsis)
        self.label = label if len(label) <= LABEL_ROOM else label[:cut] + self.ellipsis
        self._lock = threading.RLock()
        self._start = time.perf_counter()
        self._drawn = 0.0
        self._stage: str | None = None
        self._stage_start = 0.0
        self._counting = total is not None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._draw(force=True)

    def __enter__(self) -> Progress:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.close(ok=kind is None)

    # the counting line

    def update(self, count: int = 1, failed: int = 0) -> None:
        """``count`` more units done (``failed`` of them failed)."""
        with self._lock:
            self.done += count
            self.failed += failed
            if self.note:
                self.note = ""
            self._draw(force=self.done == self.total)

    def end_count(self) -> None:
        """Leave the final counting line on the terminal (``12/12 runs done in 63 s``)."""
        with self._lock:
            if not self._counting:
                return
            self._counting = False
            if self.enabled:
                line = final_line(
                    self.label,
                    self.done,
                    self.total or 0,
                    self.unit,
                    self.verb,
                    time.perf_counter() - self._start,
                    self.failed,
                )
                self._write(line, end="\n")

    # stages

    def stage(self, what: str) -> _Stage:
        """Start a stage (``writing figures``), ending the counting line and any stage before.

        Used as a context manager, the stage also ends with the block: ``done in 2.1 s``, or
        ``stopped after 2.1 s`` if the block raised."""
        with self._lock:
            self.end_count()
            self._end_stage("done in")
            self._stage = what
            self._stage_start = time.perf_counter()
            self._draw(force=True)
        return _Stage(self, what)

    def end_stage(self, what: str, ok: bool = True) -> None:
        """End the stage ``what`` if it is still the open one."""
        with self._lock:
            if self._stage == what:
                self._end_stage("done in" if ok else "stopped after")

    def close(self, ok: bool = True) -> None:
        """End the open line: the stage ``done`` (or ``stopped`` if not ``ok``); idempotent."""
        with self._lock:
            self.end_count()
            self._end_stage("done in" if ok else "stopped after")
        self._stop.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=2 * self.TICK_SECONDS)

    # drawing

    def _end_stage(self, how: str) -> None:
        if self._stage is None:
            return
        seconds = format_seconds(time.perf_counter() - self._stage_start)
        if self.enabled:
            self._write(f"{self.label}  {self._stage}{self.ellipsis} {how} {seconds}", end="\n")
        self._stage = None

    def _line(self) -> str:
        now = time.perf_counter()
        width = _terminal_width(self.stream)
        if self._counting:
            note = f"{self.note}{self.ellipsis}" if self.note else ""
            return progress_line(
                self.label,
                self.done,
                self.total or 0,
                self.unit,
                now - self._start,
                failed=self.failed,
                note=note,
                width=width,
                fancy=self.fancy,
            )
        if self._stage is not None:
            seconds = format_seconds(now - self._stage_start)
            return f"{self.label}  {self._stage}{self.ellipsis} {seconds}"[: width - 1]
        return ""

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = time.perf_counter()
        if not force and now - self._drawn < self.REDRAW_SECONDS:
            return
        self._drawn = now
        line = self._line()
        if line:
            self._write(line)
            if self._thread is None:
                self._stop.clear()
                self._thread = threading.Thread(target=self._tick, name="progress", daemon=True)
                self._thread.start()

    def _write(self, line: str, end: str = "") -> None:
        try:
            self.stream.write(f"\r{line}\x1b[K{end}")
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing
            self.enabled = False

    def _tick(self) -> None:
        """Redraw every second while a line is open (the thread ends with the last line)."""
        while not self._stop.wait(self.TICK_SECONDS):
            with self._lock:
                if not self.enabled or not (self._counting or self._stage is not None):
                    if self._thread is threading.current_thread():
                        self._thread = None
                    return
                self._draw(force=True)


class _Stage:
    """A stage of a :class:`Progress`, as a context manager."""

    def __init__(self, progress: Progress, what: str) -> None:
        self.progress = progress
        self.what = what

    def __enter__(self) -> _Stage:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        self.progress.end_stage(self.what, ok=kind is None)


def _terminal_width(stream: Any) -> int:
    """Columns of the terminal ``stream`` writes to (80 if unknown)."""
    try:
        columns = os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        columns = 0
    return columns if columns >= 20 else shutil.get_terminal_size((80, 24)).columns or 80
