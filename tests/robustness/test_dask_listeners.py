"""``--dask local`` listens on 127.0.0.1 only, and not on Dask's dashboard port 8787 (which the
docs say is not started)."""

from __future__ import annotations

import pytest

pytest.importorskip("distributed")

from sim.experiments.executors import open_evaluator


def listening() -> set[tuple[str, int]]:
    """(address, port) of every listening TCP socket on this machine (IPv4 and IPv6)."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]  # noqa: SIM115
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] != "0A":  # LISTEN
                continue
            address, port = fields[1].split(":")
            found.add((address, int(port, 16)))
    return found


LOOPBACK = {"0100007F", "00000000000000000000000001000000"}


def test_a_local_cluster_listens_on_loopback_only_and_not_on_8787() -> None:
    before = listening()
    with open_evaluator(2, "local"):
        opened = listening() - before
    assert opened, "the cluster opened no port?"
    assert all(address in LOOPBACK for address, _ in opened), opened
    assert 8787 not in {port for _, port in opened}
