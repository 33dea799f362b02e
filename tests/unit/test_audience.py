"""Unit tests of followers and shopping groups (sim/audience.py, M5)."""

from __future__ import annotations

import numpy as np
import pytest

from sim import graph as graphs
from sim.audience import FOLLOWER, GROUP_MEMBER, AudienceGraph, _are_friends
from sim.longtail import fit_power_law
from sim.scenario import Audience


@pytest.fixture(scope="module")
def market() -> tuple[graphs.SocialGraph, AudienceGraph]:
    graph = graphs.powerlaw_cluster(20_000, 4, 0.5, np.random.default_rng(2))
    params = Audience(influencer_share=0.02, groups_per_1000=5.0)
    return graph, AudienceGraph.create(graph, params, np.random.default_rng(3))


def test_ties_are_new_readers_one_each(market: tuple) -> None:
    graph, a = market
    assert a.ties > 0
    assert (a.poster != a.reader).all()
    assert not _are_friends(graph, a.poster.astype(np.int64), a.reader.astype(np.int64)).any()
    key = a.poster.astype(np.int64) * graph.n + a.reader
    assert len(np.unique(key)) == len(key)


def test_follower_counts_are_a_power_law_with_the_given_exponent(market: tuple) -> None:
    graph, a = market
    counts = a.followers[a.followers > 0]
    assert len(counts) == pytest.approx(0.02 * graph.n, rel=0.02)  # a few lose their last ties
    assert counts.min() >= 40  # 50 drawn, a few dropped as friends or repeats
    fit = fit_power_law(counts, xmin=60)
    assert fit is not None and abs(fit.alpha - 2.3) < 3 * fit.alpha_se + 0.1


def test_influencers_are_drawn_among_the_well_connected(market: tuple) -> None:
    graph, a = market
    assert graph.degree[a.followers > 0].mean() > 1.5 * graph.degree.mean()


def test_groups_are_acquaintances_of_acquaintances_within_the_size_cap(market: tuple) -> None:
    graph, a = market
    sizes = a.group_size[a.group_size > 0]
    assert len(sizes) == 100 and sizes.max() <= 200 and np.median(sizes) > 30
    members = a.kind == GROUP_MEMBER
    organiser, member = a.poster[members][:200], a.reader[members][:200]
    two_hops = [
        len(np.intersect1d(graph.neighbors(int(o)), graph.neighbors(int(m)))) > 0
        for o, m in zip(organiser, member, strict=True)
    ]
    assert np.mean(two_hops) > 0.4  # the rest three steps away


def test_reads_by_poster_and_by_reader_agree(market: tuple) -> None:
    _, a = market
    posters = np.unique(a.poster)[:30]
    group, ties = a.entries_of(posters)
    assert (a.poster[ties] == posters[group]).all()
    readers = np.unique(a.reader)[:30]
    group, ties = a.entries_to(readers)
    assert (a.reader[ties] == readers[group]).all()
    assert len(ties) == np.isin(a.reader, readers).sum()


def test_muted_ties_carry_no_trust_and_no_exposure(market: tuple) -> None:
    _, a = market
    poster = int(a.poster[a.kind == FOLLOWER][0])
    _, ties = a.entries_of(np.array([poster]))
    before = a.trust_in(np.array([poster]))[0]
    assert before == pytest.approx(float(a.trust[ties].astype(np.float64).sum()), rel=1e-6)
    exposure = a.exposure(np.array([poster]), np.array([2.0]))
    assert exposure[a.reader[ties]] == pytest.approx(2.0 * a.trust[ties], rel=1e-6)
    try:
        a.mute(ties[:5], ties[:1])
        assert a.trust_in(np.array([poster]))[0] == pytest.approx(
            before - float(a.trust[ties[:5]].astype(np.float64).sum()), rel=1e-6
        )
        assert a.exposure(np.array([poster]), np.array([2.0]))[a.reader[ties[:5]]].sum() == 0
        assert a.muted_count == 5 and a.blocked_count == 1
    finally:
        a.muted[ties[:5]] = False
        a.blocked[ties[:1]] = False
        a.muted_count = a.blocked_count = 0


def test_a_complete_graph_has_no_audience() -> None:
    a = AudienceGraph.create(graphs.complete(100), Audience(), np.random.default_rng(0))
    assert a.ties == 0 and a.trust_in(np.array([3])).tolist() == [0.0]
