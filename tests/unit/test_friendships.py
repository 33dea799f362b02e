"""Unit tests of the incrementally maintained friend sums (sim/friendships.py)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.friendships import FriendSums
from sim.graph import complete, powerlaw_cluster


@pytest.fixture
def setting() -> tuple:
    rng = np.random.default_rng(4)
    graph = powerlaw_cluster(600, 3, 0.5, rng)
    trust = rng.random(graph.n_entries).astype(np.float32)
    adopted = np.zeros(graph.n, dtype=bool)
    return graph, trust, adopted, rng


def dense(graph, trust) -> np.ndarray:
    """W[i, j] = τᵢⱼ as a dense matrix (row i reads column j)."""
    w = np.zeros((graph.n, graph.n))
    w[graph.edge_rows(), graph.indices] = trust
    return w


def test_updates_match_a_full_recomputation(setting: tuple) -> None:
    """After adoptions, store openings/closings and trust edits the sums equal W·x."""
    graph, trust, adopted, rng = setting
    sums = FriendSums(graph, trust, 0.7)
    sums.track("adopters", adopted)
    for _ in range(5):
        new = rng.choice(np.flatnonzero(~adopted), size=20, replace=False)
        adopted[new] = True
        sums.switched("adopters", new)
        gone = rng.choice(np.flatnonzero(adopted), size=3, replace=False)
        adopted[gone] = False
        sums.switched("adopters", np.zeros(0, dtype=np.int64), gone)
        entries = rng.choice(graph.n_entries, size=200, replace=False)
        sums.update_trust(entries, rng.random(200).astype(np.float32))
    owners = np.zeros(graph.n)
    opened = rng.choice(graph.n, size=40, replace=False)
    sums.change_owners(opened, +1)
    sums.change_owners(opened[:10], -1)
    owners[opened[10:]] = 1
    w = dense(graph, trust)
    assert sums.trust_total == pytest.approx(w.sum(axis=1))
    assert sums.weighted("adopters") == pytest.approx(w @ adopted)
    totals = w.sum(axis=1)
    expected_share = np.zeros(graph.n)
    np.divide(w @ adopted, totals, out=expected_share, where=totals > 0)
    assert sums.share("adopters") == pytest.approx(expected_share)
    a = np.zeros((graph.n, graph.n))  # friendship structure
    a[graph.edge_rows(), graph.indices] = 1.0
    who = np.arange(graph.n)
    assert sums.store_friend_share(who) == pytest.approx((a @ owners) / graph.degree)


def test_exposure_from_few_sources(setting: tuple) -> None:
    graph, trust, _, _ = setting
    sums = FriendSums(graph, trust, 0.7)
    x = np.zeros(graph.n)
    sources = np.array([3, 17, 200])
    x[sources] = [1.0, 2.0, 5.0]
    w = dense(graph, trust)
    assert sums.exposure(sources, x[sources]) == pytest.approx(w @ x)
    hidden = np.zeros(graph.n_entries, dtype=bool)
    hidden[::3] = True  # some readers muted some posters
    mask = np.ones((graph.n, graph.n))
    mask[graph.edge_rows()[hidden], graph.indices[hidden]] = 0.0
    assert sums.exposure(sources, x[sources], hidden) == pytest.approx((w * mask) @ x)


def test_complete_graph_closed_forms() -> None:
    graph = complete(5)
    adopted = np.array([True, False, True, False, False])
    sums = FriendSums(graph, np.zeros(0, dtype=np.float32), 0.5)
    sums.track("adopters", adopted)
    assert sums.share("adopters").tolist() == pytest.approx([1 / 4, 2 / 4, 1 / 4, 2 / 4, 2 / 4])
    adopted[3] = True
    sums.switched("adopters", np.array([3]))
    assert sums.share("adopters")[4] == pytest.approx(3 / 4)
    sums.change_owners(np.array([1]), +1)
    assert sums.store_friend_share(np.array([0, 1])).tolist() == pytest.approx([0.25, 0.0])
    assert sums.exposure(np.array([1]), np.array([2.0])).tolist() == pytest.approx(
        [1.0, 0.0, 1.0, 1.0, 1.0]
    )
