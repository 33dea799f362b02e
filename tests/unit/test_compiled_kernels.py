"""The compiled kernels of large markets give the very numbers of the NumPy code.

Each scenario runs twice on the same seed, once with the NumPy code and once with the compiled
kernels forced on at this small size (``COMPILED_FROM_NODES`` lowered to 0), and every daily
measurement and every per-friendship and per-consumer column must be equal to the last bit.
The scenarios between them use every kernel: posts and their readers with screen spam, the
audience of influencers and groups, word of mouth and forgetting, detractors, store openings,
the pyramid's recruiter sums, several brands, distributor-run stores and owners who switch
brand (trust written from outside the posting stage).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from sim.graph import compiled
from sim.model import ChannelModel
from sim.scenario import Scenario

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed")

SCENARIOS = [
    ("three_channels", 120),
    ("pyramid_unregulated", 120),
    ("spam_crackdown", 120),
    ("three_brands", 90),
    ("cases/distributor_run_stores", 90),
    ("cases/dilution_owners_switch", 200),
]


def _run(scenario: Scenario, days: int) -> tuple[ChannelModel, pd.DataFrame]:
    model = ChannelModel(scenario)
    model.run_for(days)
    return model, model.datacollector.get_model_vars_dataframe()


@pytest.mark.parametrize(("name", "days"), SCENARIOS)
def test_compiled_kernels_give_the_numpy_results(
    name: str, days: int, shipped: Callable[..., Scenario], monkeypatch: pytest.MonkeyPatch
) -> None:
    scenario = shipped(name, "market.consumers=3000")
    numpy_model, numpy_daily = _run(scenario, days)
    assert not numpy_model.friendships.sums.compiled
    monkeypatch.setattr(compiled, "COMPILED_FROM_NODES", 0)
    kernel_model, kernel_daily = _run(scenario, days)
    assert kernel_model.friendships.sums.compiled
    pd.testing.assert_frame_equal(kernel_daily, numpy_daily, check_exact=True)
    for ours, theirs in zip(kernel_model.brands, numpy_model.brands, strict=True):
        f, g = ours.friendships, theirs.friendships
        for column in ("trust", "annoyance", "annoyance_day", "muted", "blocked", "detractor"):
            assert np.array_equal(getattr(f, column), getattr(g, column)), column
        assert np.array_equal(f.sums.trust_total, g.sums.trust_total)
        assert np.array_equal(f.sums.store_friends, g.sums.store_friends)
        c, d = ours.consumers, theirs.consumers
        for column in ("attitude", "aware", "aware_day", "need_day", "store"):
            assert np.array_equal(getattr(c, column), getattr(d, column)), column


def test_friendships_of_large_markets_use_the_compiled_kernels() -> None:
    """At ``COMPILED_FROM_NODES`` consumers the friend sums and the poster-order state are the
    compiled ones; one consumer fewer, the NumPy ones."""
    from sim.friendships import Friendships
    from sim.graph import generators

    for n, expected in (
        (compiled.COMPILED_FROM_NODES, True),
        (compiled.COMPILED_FROM_NODES - 1, False),
    ):
        graph = generators.ring(n, 2)
        trust = np.full(graph.n_entries, 0.5, dtype=np.float32)
        f = Friendships(graph, trust, 0.5, np.ones(n, np.float32), np.zeros(n, bool))
        assert f.sums.compiled is expected
        assert (f.by_poster is not None) is expected


def test_compiled_response_to_posts_is_the_numpy_rule() -> None:
    """Readers' response on random states, thresholds crossed both ways: the same numbers."""
    from sim.scenario import Spam
    from sim.trust import respond_to_posts, respond_to_posts_compiled

    rng = np.random.default_rng(11)
    spam = Spam(mute_trust_threshold=0.3, block_trust_threshold=0.1, block_probability=0.4)
    posters, readers = 40, 5000
    group = np.sort(rng.integers(0, posters, readers))
    posts = rng.integers(0, 12, posters).astype(np.float64)
    quality = rng.random(posters)
    seen = rng.random(posters)
    trust = rng.random(readers).astype(np.float32)
    annoyance = (rng.random(readers) * 40).astype(np.float32)
    days = rng.integers(0, 300, readers).astype(np.int32)
    tolerance = rng.lognormal(0.5, 0.6, readers).astype(np.float32)
    draws = rng.random(readers)
    ours = respond_to_posts_compiled(
        spam, trust, annoyance, days, posts, quality, seen, group, tolerance, draws
    )
    theirs = respond_to_posts(
        spam, trust, annoyance, days, posts[group], quality[group], seen[group], tolerance, draws
    )
    assert theirs.muted.any() and (~theirs.muted).any() and theirs.blocked.any()
    for field in ("trust", "annoyance", "muted", "blocked"):
        a, b = getattr(ours, field), getattr(theirs, field)
        assert a.dtype == b.dtype and np.array_equal(a, b), field


@pytest.mark.parametrize("seed", [1, 2])
def test_compiled_graph_loops_are_the_numpy_ones(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reverse entries, friend sums from scratch and the friendship test on random graphs."""
    from sim.audience import _are_friends
    from sim.graph import entry_kernels, generators

    rng = np.random.default_rng(seed)
    graph = generators.powerlaw_cluster(5000, 4, 0.6, rng)
    trust = rng.random(graph.n_entries).astype(np.float32)
    flags = rng.random(graph.n) < 0.3
    a = rng.integers(0, graph.n, 20000)
    b = np.concatenate(
        [rng.integers(0, graph.n, 10000), graph.indices[rng.integers(0, graph.n_entries, 10000)]]
    )
    numpy_reverse = graph.reverse_entry()
    numpy_friends = _are_friends(graph, a, b)
    assert numpy_friends.any() and not numpy_friends.all()
    monkeypatch.setattr(compiled, "COMPILED_FROM_NODES", 0)
    assert np.array_equal(entry_kernels.reverse_entries(graph.indptr, graph.indices), numpy_reverse)
    assert np.array_equal(_are_friends(graph, a, b), numpy_friends)
    total = entry_kernels.row_sums(graph.indptr, graph.indices, trust)
    assert np.array_equal(total, graph.neighbor_sum(np.ones(graph.n), trust))
    flagged = entry_kernels.row_sums(graph.indptr, graph.indices, trust, flags)
    assert np.array_equal(flagged, graph.neighbor_sum(flags.astype(np.float64), trust))
