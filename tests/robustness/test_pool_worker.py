"""A pool worker killed midway (out of memory, ``kill -9``) does not fail the sweep: the driver
starts a fresh pool and runs again what was lost, and the sweep ends with every run done once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def children(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == pid:
            found.append(int(entry))
    return found


def descendants(pid: int) -> list[int]:
    out, todo = [], [pid]
    while todo:
        for child in children(todo.pop()):
            out.append(child)
            todo.append(child)
    return out


def test_a_killed_pool_worker_is_replaced_and_its_runs_run_again(tmp_path) -> None:
    e = tmp_path / "e.yaml"
    e.write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 8\ndays: 150\n"
        "overrides: {market.consumers: 20000}\n"
    )
    out = tmp_path / "out"
    driver = subprocess.Popen(
        [sys.executable, "-m", "sim.cli", "sweep", str(e), "--out", str(out), "--workers", "2",
         "--no-progress"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 120
        killed = None
        while time.monotonic() < deadline and killed is None:
            done = list((out / "runs").glob("*.json")) if (out / "runs").is_dir() else []
            workers = [p for p in descendants(driver.pid) if not children(p)]
            if done and len(workers) >= 2:
                killed = workers[-1]
                os.kill(killed, signal.SIGKILL)
            time.sleep(0.2)
        assert killed is not None, "no worker to kill"
        stdout, stderr = driver.communicate(timeout=600)
    finally:
        driver.kill()
    assert driver.returncode == 0, stderr
    assert "8 runs" in stdout and "8 done, 0 failed" in stdout, stdout
    lines = (out / "status.csv").read_text().splitlines()[1:]
    done_runs = {line.split(",")[0] for line in lines if ",done," in line}
    assert len(done_runs) == 8
