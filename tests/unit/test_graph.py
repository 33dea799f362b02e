"""Unit tests for :mod:`sim.graph`."""

from __future__ import annotations

import os
import pathlib
from collections.abc import Callable

import networkx as nx
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim import graph as sg
from sim.graph import EdgeListError, SocialGraph
from sim.graph import cache as graph_cache

# ---------------------------------------------------------------------------
# helpers
# ---------------------------------------------------------------------------


def assert_simple_csr(g: SocialGraph) -> None:
    """Structural invariants of a non-complete SocialGraph."""
    assert not g.complete
    assert g.indptr.dtype == np.int64
    assert g.indices.dtype == np.int32
    assert g.indptr.shape == (g.n + 1,)
    assert g.indptr[0] == 0
    assert g.indptr[-1] == len(g.indices) == g.n_entries == 2 * g.n_edges
    assert np.all(np.diff(g.indptr) >= 0)
    if g.n_entries == 0:
        return
    rows = g.edge_rows()
    cols = g.indices.astype(np.int64)
    assert cols.min() >= 0
    assert cols.max() < g.n
    # no self-loops
    assert not np.any(rows == cols)
    # rows strictly increasing => sorted and no duplicates
    same_row = rows[1:] == rows[:-1]
    assert np.all(cols[1:][same_row] > cols[:-1][same_row])
    # symmetric
    fwd = np.sort(rows.astype(np.int64) * g.n + cols)
    bwd = np.sort(cols * g.n + rows)
    np.testing.assert_array_equal(fwd, bwd)
    np.testing.assert_array_equal(g.degree, np.diff(g.indptr))


def to_networkx(g: SocialGraph) -> nx.Graph:
    """Convert via networkx.from_scipy_sparse_array."""
    return nx.from_scipy_sparse_array(g.adjacency())


def dense_adjacency(g: SocialGraph) -> np.ndarray:
    a = np.zeros((g.n, g.n))
    a[g.edge_rows(), g.indices] = 1.0
    return a


def rng(seed: int = 0) -> np.random.Generator:
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# generators: invariants, determinism, mean degree
# ---------------------------------------------------------------------------

GENERATORS: dict[str, tuple[Callable[[int], SocialGraph], int, float, float]] = {
    # name: (factory(seed), n, expected mean degree, tolerance)
    "powerlaw_cluster": (
        lambda s: sg.powerlaw_cluster(3000, 4, 0.5, rng(s)),
        3000,
        2 * 4 * (3000 - 4) / 3000,
        1e-9,
    ),
    "barabasi_albert": (
        lambda s: sg.barabasi_albert(3000, 4, rng(s)),
        3000,
        2 * 4 * (3000 - 4) / 3000,
        1e-9,
    ),
    "watts_strogatz": (lambda s: sg.watts_strogatz(3000, 6, 0.3, rng(s)), 3000, 6.0, 1e-9),
    "erdos_renyi": (lambda s: sg.erdos_renyi(5000, 8.0, rng(s)), 5000, 8.0, 0.3),
    "stochastic_block": (
        lambda s: sg.stochastic_block(4000, 8, 6.0, 2.0, rng(s)),
        4000,
        8.0,
        0.3,
    ),
    "ring": (lambda s: sg.ring(500, 6), 500, 6.0, 0.0),
}


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_invariants_and_mean_degree(name: str) -> None:
    factory, n, mean_degree, tol = GENERATORS[name]
    g = factory(1)
    assert g.n == n
    assert_simple_csr(g)
    assert g.degree.dtype == np.int32
    assert abs(g.degree.mean() - mean_degree) <= tol + 1e-12


@pytest.mark.parametrize("name", list(GENERATORS))
def test_generator_determinism(name: str) -> None:
    factory = GENERATORS[name][0]
    a, b = factory(7), factory(7)
    np.testing.assert_array_equal(a.indptr, b.indptr)
    np.testing.assert_array_equal(a.indices, b.indices)
    if name != "ring":
        c = factory(8)
        assert not np.array_equal(a.indices, c.indices)


def test_generators_are_read_only() -> None:
    g = sg.ring(10, 2)
    with pytest.raises(ValueError):
        g.indices[0] = 3
    with pytest.raises(ValueError):
        g.indptr[0] = 3


def test_holme_kim_clustering_exceeds_barabasi_albert() -> None:
    n, m, p = 2000, 3, 0.8
    hk = to_networkx(sg.powerlaw_cluster(n, m, p, rng(3)))
    ba = to_networkx(sg.barabasi_albert(n, m, rng(3)))
    ref = nx.powerlaw_cluster_graph(n, m, p, seed=3)
    c_hk = nx.average_clustering(hk)
    c_ba = nx.average_clustering(ba)
    c_ref = nx.average_clustering(ref)
    assert c_hk > 4 * c_ba
    # same process as networkx's implementation: similar clustering
    assert abs(c_hk - c_ref) < 0.25 * c_ref
    # every node after the seeds has at least m links
    assert np.all(sg.powerlaw_cluster(n, m, p, rng(3)).degree[m:] >= m)


def test_preferential_attachment_gives_heavy_tail() -> None:
    ba = sg.barabasi_albert(5000, 3, rng(0))
    er = sg.erdos_renyi(5000, 6.0, rng(0))
    assert ba.degree.max() > 8 * ba.degree.mean()
    assert er.degree.max() < 4 * er.degree.mean()
    # P(k >= 30) is non-negligible for BA (~ (3/30)^2 * ...), ~0 for ER
    assert np.mean(ba.degree >= 30) > 0.005
    assert np.mean(er.degree >= 30) == 0.0


def test_powerlaw_cluster_edge_cases() -> None:
    g = sg.powerlaw_cluster(6, 5, 1.0, rng(0))  # star: node 5 -> 0..4
    assert_simple_csr(g)
    assert g.n_edges == 5
    np.testing.assert_array_equal(g.neighbors(5), np.arange(5))
    g1 = sg.powerlaw_cluster(50, 1, 0.5, rng(0))  # m = 1: a tree
    assert g1.n_edges == 49
    assert nx.is_tree(to_networkx(g1))
    with pytest.raises(ValueError):
        sg.powerlaw_cluster(5, 5, 0.5, rng(0))
    with pytest.raises(ValueError):
        sg.powerlaw_cluster(10, 2, 1.5, rng(0))
    with pytest.raises(TypeError):
        sg.powerlaw_cluster(10, 2, 0.5, 0)  # type: ignore[arg-type]


def test_ring_structure() -> None:
    g = sg.ring(10, 4)
    assert_simple_csr(g)
    np.testing.assert_array_equal(g.neighbors(0), [1, 2, 8, 9])
    np.testing.assert_array_equal(g.neighbors(5), [3, 4, 6, 7])
    assert sg.ring(10, 0).n_edges == 0
    with pytest.raises(ValueError):
        sg.ring(10, 3)
    with pytest.raises(ValueError):
        sg.ring(4, 4)


def test_watts_strogatz_limits() -> None:
    ws0 = sg.watts_strogatz(200, 4, 0.0, rng(0))
    r = sg.ring(200, 4)
    np.testing.assert_array_equal(ws0.indices, r.indices)
    ws1 = sg.watts_strogatz(200, 4, 1.0, rng(0))
    assert_simple_csr(ws1)
    assert ws1.n_edges == r.n_edges  # duplicates resampled, count preserved
    # heavy rewiring on a small dense graph still yields a simple graph
    dense = sg.watts_strogatz(12, 8, 1.0, rng(0))
    assert_simple_csr(dense)


def test_erdos_renyi_edge_cases() -> None:
    full = sg.erdos_renyi(30, 29.0, rng(0))
    assert full.n_edges == 30 * 29 // 2
    assert sg.erdos_renyi(30, 0.0, rng(0)).n_edges == 0
    assert sg.erdos_renyi(1, 0.0, rng(0)).n == 1
    with pytest.raises(ValueError):
        sg.erdos_renyi(30, 30.0, rng(0))


def test_stochastic_block_communities() -> None:
    g = sg.stochastic_block(4000, 8, 6.0, 2.0, rng(2))
    comm = g.communities
    assert comm is not None
    assert comm.dtype == np.int32
    np.testing.assert_array_equal(np.bincount(comm), [500] * 8)
    rows = g.edge_rows()
    inside = comm[rows] == comm[g.indices]
    deg_in = np.bincount(rows[inside], minlength=g.n).mean()
    deg_out = np.bincount(rows[~inside], minlength=g.n).mean()
    assert abs(deg_in - 6.0) < 0.25
    assert abs(deg_out - 2.0) < 0.15
    # last block takes the remainder
    h = sg.stochastic_block(103, 10, 3.0, 1.0, rng(0))
    assert h.communities is not None
    np.testing.assert_array_equal(np.bincount(h.communities), [10] * 9 + [13])
    assert_simple_csr(h)
    # no between-block edges
    iso = sg.stochastic_block(300, 3, 4.0, 0.0, rng(0))
    assert iso.communities is not None
    assert np.all(iso.communities[iso.edge_rows()] == iso.communities[iso.indices])


# ---------------------------------------------------------------------------
# from_edges
# ---------------------------------------------------------------------------


def test_from_edges_cleans_input() -> None:
    u = np.array([0, 1, 2, 2, 3, 1, 0])
    v = np.array([1, 0, 2, 3, 2, 3, 1])
    g = sg.from_edges(5, u, v)
    assert_simple_csr(g)
    assert g.n_edges == 3
    np.testing.assert_array_equal(g.neighbors(1), [0, 3])
    np.testing.assert_array_equal(g.neighbors(4), [])
    with pytest.raises(ValueError):
        sg.from_edges(3, np.array([0]), np.array([3]))
    with pytest.raises(ValueError):
        sg.from_edges(3, np.array([0, 1]), np.array([2]))
    assert sg.from_edges(0, np.zeros(0), np.zeros(0)).n == 0


@settings(max_examples=60, deadline=None)
@given(
    st.integers(1, 12).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=40),
        )
    )
)
def test_from_edges_property(case: tuple[int, list[tuple[int, int]]]) -> None:
    n, edges = case
    u = np.array([a for a, _ in edges], dtype=np.int64)
    v = np.array([b for _, b in edges], dtype=np.int64)
    g = sg.from_edges(n, u, v)
    assert_simple_csr(g)
    expected = {(min(a, b), max(a, b)) for a, b in edges if a != b}
    rows = g.edge_rows()
    got = {(int(r), int(c)) for r, c in zip(rows, g.indices, strict=True) if r < c}
    assert got == expected


# ---------------------------------------------------------------------------
# entry helpers and neighbour sums
# ---------------------------------------------------------------------------


def test_edge_rows_and_reverse_entry() -> None:
    g = sg.powerlaw_cluster(500, 3, 0.5, rng(4))
    rows = g.edge_rows()
    assert rows.dtype == np.int32
    np.testing.assert_array_equal(rows, np.repeat(np.arange(g.n), g.degree))
    rev = g.reverse_entry()
    assert rev.dtype == np.int64
    np.testing.assert_array_equal(rows[rev], g.indices)
    np.testing.assert_array_equal(g.indices[rev], rows)
    np.testing.assert_array_equal(rev[rev], np.arange(g.n_entries))
    assert g.reverse_entry() is rev  # cached
    assert g.edge_rows() is rows


def test_neighbor_sum_matches_dense() -> None:
    g = sg.watts_strogatz(80, 6, 0.4, rng(5))
    a = dense_adjacency(g)
    x = rng(6).normal(size=g.n)
    np.testing.assert_allclose(g.neighbor_sum(x), a @ x)
    w = rng(7).random(g.n_entries)  # asymmetric entry weights
    wd = np.zeros((g.n, g.n))
    wd[g.edge_rows(), g.indices] = w
    np.testing.assert_allclose(g.neighbor_sum(x, w), wd @ x)
    x2 = rng(8).random((g.n, 3))
    np.testing.assert_allclose(g.neighbor_sum(x2, w), wd @ x2)
    # the unweighted cache is untouched by a weighted call
    np.testing.assert_allclose(g.neighbor_sum(x), a @ x)
    assert g.neighbor_sum(x).dtype == np.float64
    with pytest.raises(ValueError):
        g.neighbor_sum(x[:-1])
    with pytest.raises(ValueError):
        g.neighbor_sum(x, w[:-1])


def test_neighbors() -> None:
    g = sg.from_edges(4, np.array([0, 0, 2]), np.array([3, 1, 0]))
    np.testing.assert_array_equal(g.neighbors(0), [1, 2, 3])
    np.testing.assert_array_equal(g.neighbors(3), [0])
    with pytest.raises(IndexError):
        g.neighbors(4)


def test_complete_graph() -> None:
    g = sg.complete(7)
    assert g.complete
    assert g.n_entries == 0
    assert len(g.indices) == 0
    np.testing.assert_array_equal(g.indptr, [0])
    assert g.n_edges == 21
    np.testing.assert_array_equal(g.degree, [6] * 7)
    np.testing.assert_array_equal(g.neighbors(3), [0, 1, 2, 4, 5, 6])
    assert g.edge_rows().shape == (0,)
    assert g.reverse_entry().shape == (0,)
    x = rng(0).normal(size=7)
    dense = np.ones((7, 7)) - np.eye(7)
    np.testing.assert_allclose(g.neighbor_sum(x), dense @ x)
    x2 = rng(1).normal(size=(7, 2))
    np.testing.assert_allclose(g.neighbor_sum(x2), dense @ x2)
    with pytest.raises(ValueError):
        g.neighbor_sum(x, np.ones(0))
    big = sg.complete(1_000_000)  # never materialises edges
    assert big.n_entries == 0
    assert big.n_edges == 1_000_000 * 999_999 // 2


# ---------------------------------------------------------------------------
# edge list files
# ---------------------------------------------------------------------------


def write(tmp_path: pathlib.Path, text: str, name: str = "edges.txt") -> pathlib.Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_read_edgelist_formats(tmp_path: pathlib.Path) -> None:
    text = (
        "# a header comment\n"
        "\n"
        "alice bob\n"
        "bob,carol,0.5\n"
        "carol\tdave 1.0 extra  # trailing comment\n"
        "   \n"
        "dave, alice\n"
        "bob alice\n"  # duplicate in reverse orientation
        "erin erin\n"  # self-loop: dropped, node kept
        "alice bob # duplicate\n"
    )
    g, labels = sg.read_edgelist(write(tmp_path, text))
    assert labels == ["alice", "bob", "carol", "dave", "erin"]
    assert g.n == 5
    assert_simple_csr(g)
    assert g.n_edges == 4
    np.testing.assert_array_equal(g.neighbors(0), [1, 3])
    np.testing.assert_array_equal(g.neighbors(2), [1, 3])
    assert g.degree[4] == 0


def test_read_edgelist_numeric_labels_keep_first_appearance(tmp_path: pathlib.Path) -> None:
    g, labels = sg.read_edgelist(write(tmp_path, "10 3\n3 7\n7 10\n"))
    assert labels == ["10", "3", "7"]
    assert g.n_edges == 3


def test_read_edgelist_errors(tmp_path: pathlib.Path) -> None:
    with pytest.raises(EdgeListError) as exc:
        sg.read_edgelist(write(tmp_path, "a b\n# c\nc\nd e\n"))
    assert exc.value.line == 3
    assert isinstance(exc.value, ValueError)
    with pytest.raises(EdgeListError) as exc:
        sg.read_edgelist(write(tmp_path, "# nothing here\n\n"))
    assert exc.value.line is None
    with pytest.raises(EdgeListError) as exc:
        sg.read_edgelist(write(tmp_path, ""))
    assert exc.value.line is None
    with pytest.raises(EdgeListError) as exc:
        sg.read_edgelist(write(tmp_path, "a a\n"))
    assert exc.value.line is None


def test_read_edgelist_large(tmp_path: pathlib.Path) -> None:
    u = rng(0).integers(0, 20_000, 100_000)
    v = rng(1).integers(0, 20_000, 100_000)
    path = tmp_path / "big.csv"
    path.write_text("".join(f"n{a},n{b},1.0\n" for a, b in zip(u, v, strict=True)))
    g, labels = sg.read_edgelist(path)
    assert_simple_csr(g)
    # relabelling is consistent: map labels back and compare edge sets
    ids = np.array([int(s[1:]) for s in labels])
    ref = sg.from_edges(20_000, u, v)
    rows = ids[g.edge_rows()]
    cols = ids[g.indices]
    got = np.sort(rows * 20_000 + cols)
    exp = np.sort(ref.edge_rows().astype(np.int64) * 20_000 + ref.indices)
    np.testing.assert_array_equal(got, exp)


# ---------------------------------------------------------------------------
# build_graph and caching
# ---------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _fresh_memory_cache() -> None:
    sg.clear_memory_cache()


def test_graph_types() -> None:
    assert sg.GRAPH_TYPES == (
        "powerlaw_cluster",
        "barabasi_albert",
        "watts_strogatz",
        "erdos_renyi",
        "stochastic_block",
        "ring",
        "complete",
        "edgelist",
    )


@pytest.mark.parametrize(
    ("kind", "params"),
    [
        ("powerlaw_cluster", {"m": 3, "triad_probability": 0.5}),
        ("barabasi_albert", {"m": 2}),
        ("watts_strogatz", {"k": 4, "rewire_probability": 0.1}),
        ("erdos_renyi", {"mean_degree": 5.0}),
        ("stochastic_block", {"communities": 4, "mean_degree_in": 4.0, "mean_degree_out": 1.0}),
        ("ring", {"k": 4}),
        ("complete", {}),
    ],
)
def test_build_graph_dispatch(kind: str, params: dict[str, object]) -> None:
    g = sg.build_graph(kind, 400, params, seed=11)
    assert g.n == 400
    assert g.complete == (kind == "complete")
    if not g.complete:
        assert_simple_csr(g)
    assert sg.build_graph(kind, 400, params, seed=11) is g  # memory cache
    sg.clear_memory_cache()
    h = sg.build_graph(kind, 400, params, seed=11)
    np.testing.assert_array_equal(g.indices, h.indices)


def test_build_graph_matches_direct_call() -> None:
    g = sg.build_graph("powerlaw_cluster", 300, {"m": 2, "triad_probability": 0.3}, seed=5)
    h = sg.powerlaw_cluster(300, 2, 0.3, np.random.default_rng(5))
    np.testing.assert_array_equal(g.indices, h.indices)


def test_build_graph_rejects_unknown_kind() -> None:
    with pytest.raises(ValueError):
        sg.build_graph("hypercube", 10, {}, seed=0)


def test_memory_cache_is_bounded() -> None:
    first = sg.build_graph("ring", 20, {"k": 2}, seed=0)
    for seed in range(1, sg.MEMORY_CACHE_SIZE + 1):
        sg.build_graph("ring", 20, {"k": 2}, seed=seed)
    assert sg.build_graph("ring", 20, {"k": 2}, seed=0) is not first


def test_disk_cache_hit(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> None:
    params = {"communities": 3, "mean_degree_in": 4.0, "mean_degree_out": 1.0}
    g = sg.build_graph("stochastic_block", 300, params, seed=2, cache_dir=tmp_path)
    files = list(tmp_path.iterdir())
    assert len(files) == 1
    assert files[0].suffix == ".npz"
    sg.clear_memory_cache()

    def boom(*args: object, **kwargs: object) -> SocialGraph:
        raise AssertionError("should have been loaded from the disk cache")

    monkeypatch.setattr(graph_cache, "_generate", boom)
    h = sg.build_graph("stochastic_block", 300, dict(reversed(params.items())), 2, tmp_path)
    assert h is not g
    np.testing.assert_array_equal(g.indptr, h.indptr)
    np.testing.assert_array_equal(g.indices, h.indices)
    assert h.communities is not None
    assert g.communities is not None
    np.testing.assert_array_equal(g.communities, h.communities)
    assert h.indptr.dtype == np.int64
    assert h.indices.dtype == np.int32
    # a complete graph round-trips too
    monkeypatch.undo()
    c = sg.build_graph("complete", 50, {}, seed=0, cache_dir=tmp_path / "sub")
    sg.clear_memory_cache()
    monkeypatch.setattr(graph_cache, "_generate", boom)
    c2 = sg.build_graph("complete", 50, {}, seed=0, cache_dir=tmp_path / "sub")
    assert c2.complete
    assert c2.n == c.n == 50


def test_disk_cache_keys_differ(tmp_path: pathlib.Path) -> None:
    sg.build_graph("ring", 20, {"k": 2}, seed=0, cache_dir=tmp_path)
    sg.build_graph("ring", 20, {"k": 2}, seed=1, cache_dir=tmp_path)
    sg.build_graph("ring", 21, {"k": 2}, seed=0, cache_dir=tmp_path)
    sg.build_graph("ring", 20, {"k": 4}, seed=0, cache_dir=tmp_path)
    assert len(list(tmp_path.glob("*.npz"))) == 4
    assert not list(tmp_path.glob("*.tmp"))


def test_corrupt_cache_is_rebuilt(tmp_path: pathlib.Path) -> None:
    params = {"m": 2, "triad_probability": 0.5}
    g = sg.build_graph("powerlaw_cluster", 200, params, seed=1, cache_dir=tmp_path)
    (path,) = tmp_path.glob("*.npz")
    path.write_bytes(b"this is not a zip file")
    sg.clear_memory_cache()
    h = sg.build_graph("powerlaw_cluster", 200, params, seed=1, cache_dir=tmp_path)
    np.testing.assert_array_equal(g.indices, h.indices)
    # the file was rewritten and is valid again
    assert graph_cache._load_npz(path) is not None
    # truncated file
    path.write_bytes(path.read_bytes()[:100])
    sg.clear_memory_cache()
    k = sg.build_graph("powerlaw_cluster", 200, params, seed=1, cache_dir=tmp_path)
    np.testing.assert_array_equal(g.indices, k.indices)


def test_build_graph_edgelist(tmp_path: pathlib.Path) -> None:
    path = write(tmp_path, "a b\nb c\n")
    cache = tmp_path / "cache"
    g = sg.build_graph("edgelist", 0, {"path": str(path)}, seed=0, cache_dir=cache)
    assert g.n == 3
    assert g.n_edges == 2
    # a changed file (size and mtime) gives a new key
    path.write_text("a b\nb c\nc d\n")
    st_ = path.stat()
    os.utime(path, ns=(st_.st_atime_ns, st_.st_mtime_ns + 10**9))
    h = sg.build_graph("edgelist", 0, {"path": str(path)}, seed=0, cache_dir=cache)
    assert h.n == 4
    assert len(list(cache.glob("*.npz"))) == 2


# ---------------------------------------------------------------------------
# regions
# ---------------------------------------------------------------------------


def test_partition_regions_nearest_seed() -> None:
    g = sg.watts_strogatz(400, 4, 0.1, rng(0))
    region, seeds = sg.partition_regions(g, 7, rng(1))
    assert region.dtype == np.int32
    assert region.shape == (400,)
    assert seeds.shape == (7,)
    assert len(set(seeds.tolist())) == 7
    np.testing.assert_array_equal(region[seeds], np.arange(7))
    np.testing.assert_array_equal(np.unique(region), np.arange(7))
    # every node's region seed is at minimal hop distance among all seeds
    nxg = to_networkx(g)
    dist = np.array(
        [
            [nx.single_source_shortest_path_length(nxg, int(s)).get(i, np.inf) for i in range(400)]
            for s in seeds
        ]
    )
    np.testing.assert_array_equal(dist[region, np.arange(400)], dist.min(axis=0))
    again, seeds2 = sg.partition_regions(g, 7, rng(1))
    np.testing.assert_array_equal(region, again)
    np.testing.assert_array_equal(seeds, seeds2)


def test_partition_regions_disconnected() -> None:
    # two triangles and four isolated nodes
    g = sg.from_edges(10, np.array([0, 1, 2, 3, 4, 5]), np.array([1, 2, 0, 4, 5, 3]))
    region, seeds = sg.partition_regions(g, 2, rng(0))
    assert region.min() >= 0
    assert region.max() <= 1
    np.testing.assert_array_equal(region[seeds], [0, 1])
    for comp in ([0, 1, 2], [3, 4, 5]):
        hit = [r for r, s in enumerate(seeds) if s in comp]
        if hit:  # a component with a seed belongs to (one of) its seeds' regions
            assert set(region[comp].tolist()) <= set(hit)
    # each isolated node gets a region; every id in range
    region3, _ = sg.partition_regions(g, 10, rng(1))
    np.testing.assert_array_equal(np.sort(region3), np.arange(10))
    one, _ = sg.partition_regions(g, 1, rng(0))
    np.testing.assert_array_equal(one, np.zeros(10))
    with pytest.raises(ValueError):
        sg.partition_regions(g, 0, rng(0))
    with pytest.raises(ValueError):
        sg.partition_regions(g, 11, rng(0))


def test_partition_regions_complete_is_balanced() -> None:
    g = sg.complete(103)
    region, seeds = sg.partition_regions(g, 10, rng(0))
    counts = np.bincount(region, minlength=10)
    assert counts.sum() == 103
    assert counts.max() - counts.min() <= 1
    np.testing.assert_array_equal(region[seeds], np.arange(10))
    region2, _ = sg.partition_regions(g, 10, rng(1))
    assert not np.array_equal(region, region2)
