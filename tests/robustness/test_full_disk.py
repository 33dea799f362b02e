"""A full disk during ``run``, ``sweep`` or the report: one line, exit code 4, nothing
half-written, and a sweep that resumes once space is freed. The disk is a small tmpfs mounted
by the test (root only), grown afterwards with ``mount -o remount``."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def small_disk(tmp_path) -> Path:
    disk = tmp_path / "disk"
    disk.mkdir()
    proc = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=300k", "tmpfs", str(disk)], capture_output=True
    )
    if proc.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here ({proc.stderr.decode().strip()})")
    yield disk
    with contextlib.suppress(Exception):
        subprocess.run(["umount", str(disk)], check=False)


def grow(disk: Path) -> None:
    subprocess.run(["mount", "-o", "remount,size=200m", str(disk)], check=True)


def chansim(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "sim.cli", *args],
        capture_output=True, text=True, cwd=REPO, timeout=600,
        env={**os.environ, "CHANSIM_CACHE": "/nonexistent-cache-dir-is-fine"},
    )  # fmt: skip


def assert_one_line_exit_4(proc: subprocess.CompletedProcess) -> None:
    assert proc.returncode == 4, (proc.returncode, proc.stderr[-3000:])
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "No space left on device" in lines[0], proc.stderr


def test_run_on_a_full_disk(small_disk, tmp_path) -> None:
    s = tmp_path / "s.yaml"
    s.write_text(f"extends: {REPO}/scenarios/three_channels.yaml\nmarket: {{consumers: 2000}}\n")
    proc = chansim("run", str(s), "--out", str(small_disk / "out"), "--no-progress")
    assert_one_line_exit_4(proc)
    assert list(small_disk.iterdir()) == []  # no results folder, no partial one


def test_sweep_on_a_full_disk_resumes_once_space_is_freed(small_disk, tmp_path) -> None:
    e = tmp_path / "e.yaml"
    e.write_text(
        f"base: {REPO}/scenarios/b2c_only.yaml\nreplications: 12\ndays: 90\n"
        "overrides: {market.consumers: 500}\n"
    )
    out = small_disk / "out"
    proc = chansim("sweep", str(e), "--out", str(out), "--workers", "1", "--no-progress")
    assert_one_line_exit_4(proc)
    assert "--resume" in proc.stderr
    assert not list(out.rglob(".*.tmp-*"))
    grow(small_disk)
    resumed = chansim(
        "sweep", str(e), "--out", str(out), "--workers", "1", "--resume", "--no-progress"
    )
    assert resumed.returncode == 0, resumed.stderr
    assert "12 done, 0 failed" in resumed.stdout
    assert (out / "report" / "report.md").is_file()
