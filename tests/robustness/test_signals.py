"""SIGTERM stops a command like Ctrl-C (exit 130, nothing half-written); folders left by a
killed run are removed by the next run."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sim.graph import compiled

REPO = Path(__file__).resolve().parents[2]


def test_sigterm_stops_a_run_like_ctrl_c(tmp_path) -> None:
    s = tmp_path / "long.yaml"
    s.write_text(f"extends: {REPO}/scenarios/three_channels.yaml\nmarket: {{consumers: 50000}}\n")
    out = tmp_path / "results" / "long"
    # a Numba cache of its own: the kernels compile in this run, so the signal can land there
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "run", str(s), "--out", str(out), "--no-progress"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    time.sleep(4)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "Traceback" not in err
    assert not out.exists()
    assert not list((tmp_path / "results").glob(".*partial*"))


def test_a_partial_folder_of_a_killed_run_is_removed_by_the_next_run(tmp_path) -> None:
    results = tmp_path / "results"
    abandoned = results / ".old.partial-999999"  # no such process
    (abandoned / "figures").mkdir(parents=True)
    s = tmp_path / "s.yaml"
    s.write_text(f"extends: {REPO}/scenarios/b2c_only.yaml\nmarket: {{consumers: 300}}\ndays: 3\n")
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", "run", str(s), "--out", str(results / "s"),
         "--no-progress"],
        cwd=REPO, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert not abandoned.exists()
    assert (results / "s" / "summary.json").is_file()


def test_ctrl_c_at_any_moment_is_never_swallowed(tmp_path) -> None:
    """SIGINT at different moments (building the graph, the model, the days, the files) ends
    the run with 130 and leaves no results, every time."""
    s = tmp_path / "s.yaml"
    s.write_text(f"extends: {REPO}/scenarios/three_channels.yaml\nmarket: {{consumers: 30000}}\n")
    for k, delay in enumerate([0.8, 1.5, 2.2, 3.0, 3.8]):
        out = tmp_path / f"out{k}"
        proc = subprocess.Popen(
            [sys.executable, "-m", "sim.cli", "run", str(s), "--out", str(out), "--no-progress"],
            cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        time.sleep(delay)
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=120)
        if proc.returncode == 0:  # finished before the signal: nothing to check
            continue
        if proc.returncode == -signal.SIGINT:
            # the signal came as the interpreter was exiting, after the command had returned:
            # the process ends by the signal itself (a shell reports 130), the results whole
            assert (out / "summary.json").is_file(), (delay, err[-2000:])
            assert not list(tmp_path.glob(f".out{k}*"))
            continue
        assert proc.returncode == 130, (delay, proc.returncode, err[-2000:])
        assert "Traceback" not in err, err
        assert not out.exists()
        assert not list(tmp_path.glob(f".out{k}*"))


COMPILING_UNDER_SIGNALS = """
import os, signal, sys
import numpy as np
from numba.core import codegen
from sim import interrupts
from sim.graph.compiled import compile_kernel
from sim.graph.entry_kernels import _row_sums

# Numba's hooks called back from LLVM as a kernel's object code is made or loaded: with
# "signals", each one sends Ctrl-C to this process first, so the handler runs inside the hook,
# as when a real Ctrl-C lands during compiled code generation
library = codegen.JITCodeLibrary
made, load = library._object_compiled_hook.__func__, library._object_getbuffer_hook.__func__
sent = 0

def interrupt() -> None:
    global sent
    if sys.argv[1] == "signals":
        sent += 1
        os.kill(os.getpid(), signal.SIGINT)

def made_hook(cls, ll_module, buf):
    interrupt()
    return made(cls, ll_module, buf)

def load_hook(cls, ll_module):
    interrupt()
    return load(cls, ll_module)

library._object_compiled_hook = classmethod(made_hook)
library._object_getbuffer_hook = classmethod(load_hook)
signal.signal(signal.SIGINT, interrupts.handler)  # the command's Ctrl-C handler
indptr = np.array([0, 2, 3, 3], dtype=np.int64)
indices = np.array([1, 2, 0], dtype=np.int32)
trust = np.array([0.5, 0.25, 2.0], dtype=np.float32)
out = np.full(3, np.nan)
try:
    compile_kernel(_row_sums)(indptr, indices, trust, np.zeros(1, dtype=bool), False, out)
    print("not stopped", out.tolist(), sent > 0)
except KeyboardInterrupt:
    print("stopped", out.tolist(), sent > 0)
"""


@pytest.mark.skipif(not compiled.AVAILABLE, reason="Numba is not installed")
def test_a_signal_while_a_kernel_compiles_stops_after_it_and_leaves_the_cache_whole(
    tmp_path,
) -> None:
    """Ctrl-C landing inside Numba's callbacks, as a kernel is compiled and cached and then as
    it is loaded from that cache, stops the caller once the kernel has returned: its output is
    complete, nothing is raised inside Numba, and the cache entry loads in a new process."""
    env = {**os.environ, "NUMBA_CACHE_DIR": str(tmp_path / "numba")}

    def run(mode: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-c", COMPILING_UNDER_SIGNALS, mode],
            cwd=REPO, capture_output=True, text=True, timeout=300, env=env,
        )  # fmt: skip

    for mode, expected in [
        ("signals", "stopped [0.75, 2.0, 0.0] True"),  # compiles and caches
        ("signals", "stopped [0.75, 2.0, 0.0] True"),  # loads from the cache
        ("quiet", "not stopped [0.75, 2.0, 0.0] False"),  # the cache entry is whole
    ]:
        proc = run(mode)
        assert proc.returncode == 0, proc.stderr
        assert proc.stdout.strip() == expected, proc.stderr
        assert proc.stderr == ""
        assert list((tmp_path / "numba").rglob("*.nbc")), "the compiled kernel was not cached"
