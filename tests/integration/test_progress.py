"""The progress display: drawn at once on a terminal, its finished lines left in place, the
stages of writing results shown; nothing when stderr is not a terminal.

The command line is run with stderr on a pseudo-terminal (``pty``), as a user sees it.
"""

from __future__ import annotations

import io
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from sim.progress import Progress, final_line, format_seconds, progress_line

REPO = Path(__file__).resolve().parents[2]
SMALL_RUN = ["--set", "market.consumers=500", "--days", "5"]


# --------------------------------------------------------------------------- the lines


def test_format_seconds() -> None:
    assert [format_seconds(s) for s in (0.04, 2.34, 63.2, 245, 3725)] == [
        "0.0 s",
        "2.3 s",
        "63 s",
        "4 min 05 s",
        "1 h 02 min",
    ]


def test_progress_line_has_bar_count_clock_and_estimate() -> None:
    line = progress_line("rebate_level", 20, 80, "run", 63.0, width=100)
    assert line == (
        "rebate_level  [████████░░░░░░░░░░░░░░░░░░░░░░]  20/80 runs  63 s, about 3 min 09 s left"
    )
    assert len(line) <= 99


def test_progress_line_failed_note_ascii_and_narrow() -> None:
    line = progress_line("exp", 3, 4, "run", 2.0, failed=1, width=80, fancy=False)
    assert line == (
        "exp  [" + "#" * 19 + "-" * 6 + "]  3/4 runs  1 failed  2.0 s, about 0.7 s left"
    )  # the bar shrinks to leave room for the clock on 80 columns
    assert progress_line("s", 0, 365, "day", 1.5, note="building the market…", width=80) == (
        "s  [" + "░" * 23 + "]  0/365 days  building the market…  1.5 s"
    )
    narrow = progress_line("a_long_scenario_name", 5, 365, "day", 1.0, width=40)
    assert narrow == "a_long_scenario_name  5/365 days  1.0 s"[:39]
    assert "[" not in narrow


def test_the_bar_keeps_its_width_as_the_numbers_change() -> None:
    lines = [
        progress_line("rebate_level", done, 80, "run", elapsed, width=80)
        for done, elapsed in ((0, 0.0), (1, 5.0), (40, 600.0), (79, 1234.0), (80, 1250.0))
    ]
    assert {line.index("]") for line in lines} == {lines[0].index("]")}
    assert all(len(line) <= 79 for line in lines)


def test_a_long_label_is_cut() -> None:
    stream = Terminal()
    name = "compare-b2b2c_only-b2c_only-b2c2c_only-three_channels"
    with Progress(name, total=12, stream=stream) as progress:
        progress.update(12)
    assert screen(stream.getvalue())[0].startswith(
        "compare-b2b2c_only-b2c_only-b2c…  12/12 runs done in "
    )


def test_final_line() -> None:
    assert final_line("rebate_level", 12, 12, "run", "done", 63.0) == (
        "rebate_level  12/12 runs done in 63 s"
    )
    assert final_line("x", 11, 12, "run", "done", 4.0, failed=1) == (
        "x  11/12 runs done in 4.0 s, 1 failed"
    )
    assert final_line("x", 1, 1, "day", "simulated", 0.2) == "x  1/1 day simulated in 0.2 s"


# --------------------------------------------------------------------------- the display


class Terminal(io.StringIO):
    """A stream that says it is a terminal."""

    encoding = "utf-8"

    def isatty(self) -> bool:
        return True


def screen(raw: str) -> list[str]:
    """What stays on a terminal after ``raw``: each line's text after its last carriage return
    (erase-to-end-of-line codes removed; a pty's CRLF read as a newline)."""
    text = raw.replace("\x1b[K", "").replace("\r\n", "\n")
    return [line.rsplit("\r", 1)[-1] for line in text.split("\n")]


def test_display_starts_at_once_and_leaves_its_lines() -> None:
    stream = Terminal()
    with Progress("exp", total=3, unit="run", stream=stream) as progress:
        assert stream.getvalue().startswith("\rexp  [")  # drawn before any run is done
        assert "0/3 runs" in stream.getvalue()
        progress.update(1)
        progress.update(1, failed=1)
        progress.update(1)
        with progress.stage("consolidating the tables"):
            pass
        progress.stage("writing report and figures")
    lines = screen(stream.getvalue())
    assert lines[0].startswith("exp  3/3 runs done in ") and lines[0].endswith(", 1 failed")
    assert lines[1].startswith("exp  consolidating the tables… done in ")
    assert lines[2].startswith("exp  writing report and figures… done in ")
    assert lines[3:] == [""]


def test_a_stage_that_raises_is_marked_stopped() -> None:
    stream = Terminal()
    progress = Progress("run1", total=2, unit="day", verb="simulated", stream=stream)
    progress.update(2)
    with pytest.raises(KeyboardInterrupt), progress.stage("writing figures"):
        raise KeyboardInterrupt
    progress.close()
    lines = screen(stream.getvalue())
    assert lines[0].startswith("run1  2/2 days simulated in ")
    assert lines[1].startswith("run1  writing figures… stopped after ")
    assert lines[2:] == [""]


def test_the_clock_moves_while_nothing_happens() -> None:
    stream = Terminal()
    progress = Progress("slow", stream=stream)
    progress.TICK_SECONDS = 0.05
    progress.stage("writing figures")
    threading.Event().wait(0.3)
    progress.close()
    assert stream.getvalue().count("writing figures…") >= 3


def test_nothing_is_drawn_when_not_a_terminal_or_turned_off() -> None:
    for stream, enabled in ((io.StringIO(), True), (Terminal(), False)):
        with Progress("x", total=2, stream=stream, enabled=enabled) as progress:
            progress.update(2)
            progress.stage("writing figures")
        assert stream.getvalue() == ""


def test_ascii_when_the_terminal_is_not_unicode() -> None:
    class Latin(Terminal):
        encoding = "latin-1"

    stream = Latin()
    with Progress("x", total=2, stream=stream) as progress:
        progress.update(1)
        progress.stage("writing figures")
    assert "#" in stream.getvalue() or "-" in stream.getvalue()
    assert "…" not in stream.getvalue() and "█" not in stream.getvalue()
    assert "writing figures... done in" in stream.getvalue()


# --------------------------------------------------------------------------- the command line

pty = pytest.importorskip("pty")


def on_terminal(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``python -m sim.cli ARGS`` with stderr on a 100-column pseudo-terminal; return the
    exit code, stdout and what the terminal received."""
    import fcntl
    import struct
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    env = {**os.environ, "CHANSIM_CACHE": str(cwd / "cache")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
        text=True,
    )
    os.close(slave)
    chunks: list[bytes] = []

    def read() -> None:
        while True:
            try:
                data = os.read(master, 65536)
            except OSError:  # EIO: the child's end closed
                return
            if not data:
                return
            chunks.append(data)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        stdout, _ = proc.communicate(timeout=600)
    finally:
        reader.join(timeout=10)
        os.close(master)
    return proc.returncode, stdout, b"".join(chunks).decode("utf-8", "replace")


def piped(args: list[str], cwd: Path) -> tuple[int, str, str]:
    """Run ``python -m sim.cli ARGS`` with stdout and stderr piped (as in scripts and CI)."""
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        cwd=cwd,
        env={**os.environ, "CHANSIM_CACHE": str(cwd / "cache")},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    return proc.returncode, proc.stdout, proc.stderr


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[int, str, str]]:
    """A small run on a terminal, with --no-progress on a terminal, and piped (in parallel)."""
    from concurrent.futures import ThreadPoolExecutor

    scenario = str(REPO / "scenarios" / "b2c_only.yaml")
    jobs = {
        "terminal": (on_terminal, ["run", scenario, *SMALL_RUN]),
        "no-progress": (on_terminal, ["run", scenario, *SMALL_RUN, "--no-progress"]),
        "piped": (piped, ["run", scenario, *SMALL_RUN]),
    }
    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        futures = {
            key: pool.submit(how, args, tmp_path_factory.mktemp(key))
            for key, (how, args) in jobs.items()
        }
        return {key: future.result() for key, future in futures.items()}


def test_run_on_a_terminal_shows_days_then_tables_and_figures(runs: dict) -> None:
    code, stdout, terminal = runs["terminal"]
    assert code == 0, terminal
    # the first thing drawn, before the market is built or any day simulated
    assert terminal.startswith("\rb2c_only  [")
    first = terminal.split("\x1b[K")[0]
    assert "0/5 days" in first and "building the market…" in first
    lines = [line for line in screen(terminal) if line]
    assert len(lines) == 3, lines
    assert lines[0].startswith("b2c_only  5/5 days simulated in ")
    assert lines[1].startswith("b2c_only  writing tables… done in ")
    assert lines[2].startswith("b2c_only  writing figures… done in ")
    assert "\x1b" not in stdout and "\r" not in stdout  # the tables stay clean
    assert stdout.splitlines()[-1] == "results: results/b2c_only-consumers500-days5-seed0"


def test_no_progress_when_stderr_is_piped(runs: dict) -> None:
    """Without --no-progress but with stderr piped: stderr stays empty."""
    code, stdout, stderr = runs["piped"]
    assert code == 0, stderr
    assert stderr == ""
    assert stdout.splitlines()[-1] == "results: results/b2c_only-consumers500-days5-seed0"


def test_no_progress_flag_on_a_terminal(runs: dict) -> None:
    code, _, terminal = runs["no-progress"]
    assert code == 0, terminal
    assert terminal == ""


def test_sweep_on_a_terminal_shows_runs_then_tables_and_report(tmp_path: Path) -> None:
    (tmp_path / "exp.yaml").write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 2\ndays: 5\n"
        "overrides: {market.consumers: 400}\n"
        "design: {type: grid, parameters: {channels.b2c.price: [900, 1000]}}\n",
        encoding="utf-8",
    )
    code, stdout, terminal = on_terminal(["sweep", "exp.yaml", "--workers", "1"], tmp_path)
    assert code == 0, terminal
    assert terminal.startswith("\rexp  [") and "0/4 runs" in terminal.split("\x1b[K")[0]
    lines = [line for line in screen(terminal) if line]
    assert len(lines) == 3, lines
    assert lines[0].startswith("exp  4/4 runs done in ")
    assert lines[1].startswith("exp  consolidating the tables… done in ")
    assert lines[2].startswith("exp  writing report and figures… done in ")
    assert "results: results/exp" in stdout

    code, _, terminal = on_terminal(["report", "results/exp"], tmp_path)
    assert code == 0, terminal
    lines = [line for line in screen(terminal) if line]
    assert [line.split("…")[0] for line in lines] == [
        "exp  consolidating the tables",
        "exp  writing report and figures",
    ]
