"""Social graphs for the agent-based market simulator.

A :class:`SocialGraph` stores an undirected, simple graph (no self-loops, no
multi-edges) over ``n`` consumers in compressed sparse row (CSR) form: the
neighbours of node ``i`` are ``indices[indptr[i]:indptr[i + 1]]``, sorted
ascending, and every undirected edge ``{i, j}`` is stored twice, once as the
entry ``(i, j)`` in row ``i`` and once as ``(j, i)`` in row ``j``.  The
special *complete* graph (a fully mixed population) stores no edges at all.

Generators (all randomness drawn from a :class:`numpy.random.Generator`, so
the same seed always yields identical arrays):

* :func:`powerlaw_cluster` -- Holme & Kim (2002) growth with triad formation,
* :func:`barabasi_albert` -- the same engine without triad formation,
* :func:`watts_strogatz` -- rewired ring lattice,
* :func:`erdos_renyi` -- G(n, p),
* :func:`stochastic_block` -- planted communities,
* :func:`ring`, :func:`complete` -- deterministic graphs,
* :func:`read_edgelist` -- a user supplied edge list file.

:func:`build_graph` dispatches on a graph kind name and caches the result in
memory and, optionally, on disk.  :func:`partition_regions` splits a graph
into retail catchment regions by hop distance to random seed nodes.
"""

from __future__ import annotations

import collections
import contextlib
import gc
import hashlib
import json
import os
import pathlib
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

__all__ = [
    "GRAPH_TYPES",
    "EdgeListError",
    "SocialGraph",
    "barabasi_albert",
    "build_graph",
    "clear_memory_cache",
    "complete",
    "erdos_renyi",
    "from_edges",
    "partition_regions",
    "powerlaw_cluster",
    "read_edgelist",
    "ring",
    "stochastic_block",
    "watts_strogatz",
]

GRAPH_TYPES: tuple[str, ...] = (
    "powerlaw_cluster",
    "barabasi_albert",
    "watts_strogatz",
    "erdos_renyi",
    "stochastic_block",
    "ring",
    "complete",
    "edgelist",
)

#: Version of the on-disk cache format; part of every cache key.
CACHE_FORMAT_VERSION = 1
#: Number of graphs kept in the in-process LRU cache.
MEMORY_CACHE_SIZE = 4

_INT32_MAX = np.iinfo(np.int32).max
_INT64_MAX = np.iinfo(np.int64).max


def _readonly(a: np.ndarray) -> np.ndarray:
    a.flags.writeable = False
    return a


# ---------------------------------------------------------------------------
# The graph container
# ---------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class SocialGraph:
    """Undirected simple graph in CSR form.

    Attributes:
        n: Number of nodes (consumers), labelled ``0..n-1``.
        indptr: ``int64`` array of length ``n + 1``; row ``i`` occupies
            entries ``indptr[i]:indptr[i + 1]``.
        indices: ``int32`` array of length ``2 * n_edges`` holding the
            neighbour (column) of every entry, sorted within each row.
        complete: If true the graph is the fully mixed population ``K_n``;
            ``indptr`` is then ``[0]`` and ``indices`` is empty, and all
            methods use closed forms instead of stored edges.
        communities: ``int32`` block id per node for block-structured
            generators (:func:`stochastic_block`), else ``None``.

    The arrays are made read-only on construction.  Derived arrays (degree,
    entry rows, reverse entries, the SciPy matrix) are computed lazily and
    cached on the instance.
    """

    n: int
    indptr: np.ndarray
    indices: np.ndarray
    complete: bool = False
    communities: np.ndarray | None = None
    _cache: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        """Validate shapes, normalise dtypes and freeze the arrays."""
        n = int(self.n)
        if n < 0:
            raise ValueError(f"n must be >= 0, got {n}")
        object.__setattr__(self, "n", n)
        indptr = np.asarray(self.indptr, dtype=np.int64)
        indices = np.asarray(self.indices, dtype=np.int32)
        if self.complete:
            if len(indptr) != 1 or len(indices) != 0:
                raise ValueError("a complete graph stores no edges")
        else:
            if indptr.shape != (n + 1,):
                raise ValueError(f"indptr must have length n + 1 = {n + 1}")
            if indptr[0] != 0 or indptr[-1] != len(indices):
                raise ValueError("indptr must start at 0 and end at len(indices)")
        object.__setattr__(self, "indptr", _readonly(indptr))
        object.__setattr__(self, "indices", _readonly(indices))
        if self.communities is not None:
            comm = np.asarray(self.communities, dtype=np.int32)
            if comm.shape != (n,):
                raise ValueError("communities must have one entry per node")
            object.__setattr__(self, "communities", _readonly(comm))

    # -- basic properties ---------------------------------------------------

    @property
    def degree(self) -> np.ndarray:
        """Degree of every node, ``int32`` (``n - 1`` for a complete graph)."""
        deg = self._cache.get("degree")
        if deg is None:
            if self.complete:
                deg = np.full(self.n, max(self.n - 1, 0), dtype=np.int32)
            else:
                deg = np.diff(self.indptr).astype(np.int32)
            deg = self._cache.setdefault("degree", _readonly(deg))
        return deg

    @property
    def n_edges(self) -> int:
        """Number of undirected edges (``n (n - 1) / 2`` if complete)."""
        if self.complete:
            return self.n * (self.n - 1) // 2
        return len(self.indices) // 2

    @property
    def n_entries(self) -> int:
        """Number of stored CSR entries, ``2 * n_edges`` (0 if complete)."""
        return len(self.indices)

    def neighbors(self, i: int) -> np.ndarray:
        """Neighbours of node ``i`` as a sorted ``int32`` array.

        Args:
            i: Node id in ``0..n-1``.

        Returns:
            A read-only view into ``indices`` (or, for a complete graph, a new
            array of all nodes except ``i``).
        """
        i = int(i)
        if not 0 <= i < self.n:
            raise IndexError(f"node {i} out of range for n={self.n}")
        if self.complete:
            nb = np.arange(self.n - 1, dtype=np.int32)
            nb[i:] += 1
            return nb
        return self.indices[self.indptr[i] : self.indptr[i + 1]]

    # -- entry-level helpers ------------------------------------------------

    def row_entries(self, nodes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """CSR entries of the rows of ``nodes``, for vectorised work on their friends.

        Args:
            nodes: Node ids (any order, repeats allowed).

        Returns:
            ``(group, entries)``: for every friendship of every listed node, the position of
            the node in ``nodes`` and the CSR entry index (``indices[entries]`` are the
            friends). Grouped by position, ascending. Not available for complete graphs.
        """
        if self.complete:
            raise ValueError("a complete graph stores no entries")
        nodes = np.asarray(nodes, dtype=np.int64)
        starts = self.indptr[nodes]
        counts = self.indptr[nodes + 1] - starts
        group = np.repeat(np.arange(len(nodes)), counts)
        offsets = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
        return group, np.repeat(starts, counts) + offsets

    def edge_rows(self) -> np.ndarray:
        """Row (reading node) of every CSR entry.

        Returns:
            ``int32`` array ``r`` of length ``n_entries`` with
            ``r[e] = i`` for ``indptr[i] <= e < indptr[i + 1]``, i.e.
            ``np.repeat(arange(n), degree)``.  Cached.
        """
        rows = self._cache.get("edge_rows")
        if rows is None:
            if self.complete:
                rows = np.zeros(0, dtype=np.int32)
            else:
                rows = np.repeat(np.arange(self.n, dtype=np.int32), self.degree)
            rows = self._cache.setdefault("edge_rows", _readonly(rows))
        return rows

    def reverse_entry(self) -> np.ndarray:
        """Position of the reverse of every CSR entry.

        For entry ``e = (i, j)`` (row ``i``, column ``j``) returns the index
        ``f`` of the entry ``(j, i)``, so ``indices[f] == i`` and
        ``edge_rows()[f] == j``.

        Algorithm: because the entry set is symmetric, listing the entries
        ordered by ``(column, row)`` visits exactly the reverses of the
        entries listed in storage order ``(row, column)``.  Hence the
        permutation that sorts entries by ``(column, row)`` *is* the reverse
        map.  Rows already increase with ``e``, so sorting by
        ``(column, e)`` suffices; it is computed as a plain ``np.sort`` of
        the packed keys ``column * n_entries + e`` (falling back to a stable
        argsort of the columns if the keys could overflow ``int64``).
        Cached.

        Returns:
            ``int64`` array of length ``n_entries``.
        """
        rev = self._cache.get("reverse_entry")
        if rev is None:
            nnz = self.n_entries
            if nnz == 0:
                rev = np.zeros(0, dtype=np.int64)
            elif self.n * nnz < _INT64_MAX:
                keys = self.indices.astype(np.int64) * nnz
                keys += np.arange(nnz, dtype=np.int64)
                keys.sort()
                rev = keys % nnz
            else:  # pragma: no cover - needs n * nnz >= 2**63
                rev = np.argsort(self.indices, kind="stable").astype(np.int64)
            rev = self._cache.setdefault("reverse_entry", _readonly(rev))
        return rev

    def adjacency(self) -> sp.csr_array:
        """Symmetric 0/1 adjacency matrix as a cached :class:`scipy.sparse.csr_array`.

        Index arrays are ``int32`` when they fit, so weighted variants can
        share them without copies.  Not available for complete graphs.

        Returns:
            ``n x n`` ``float64`` CSR array with unit data.
        """
        if self.complete:
            raise ValueError("a complete graph has no stored adjacency matrix")
        mat = self._cache.get("csr")
        if mat is None:
            idx_dtype = np.int32 if self.n_entries <= _INT32_MAX else np.int64
            mat = sp.csr_array(
                (
                    np.ones(self.n_entries, dtype=np.float64),
                    self.indices.astype(idx_dtype, copy=False),
                    self.indptr.astype(idx_dtype),
                ),
                shape=(self.n, self.n),
            )
            mat.has_sorted_indices = True
            mat = self._cache.setdefault("csr", mat)
        return mat

    def weighted_adjacency(self, entry_weights: np.ndarray) -> sp.csr_array:
        """CSR matrix W with ``W[i, j] = entry_weights[e]`` for entry ``e = (i, j)``.

        Shares the index arrays of :meth:`adjacency`; build it once and reuse it while the
        weights do not change (``W @ x`` is then a plain sparse product).
        """
        if self.complete:
            raise ValueError("entry_weights are not supported on a complete graph")
        mat = self.adjacency()
        w = np.asarray(entry_weights, dtype=np.float64)
        if w.shape != (self.n_entries,):
            raise ValueError(f"entry_weights must have shape ({self.n_entries},), got {w.shape}")
        return sp.csr_array((w, mat.indices, mat.indptr), shape=mat.shape, copy=False)

    def neighbor_sum(self, x: np.ndarray, entry_weights: np.ndarray | None = None) -> np.ndarray:
        """Weighted sum of a node quantity over each node's neighbours.

        Computes ``y_i = sum_{j in N(i)} w_ij x_j`` with ``w_ij = 1`` when
        ``entry_weights`` is ``None``; otherwise ``entry_weights[e]`` is the
        weight of CSR entry ``e = (i, j)`` (row ``i`` reads column ``j``), so
        weights may be asymmetric.  This is the sparse product ``y = W x``
        evaluated with SciPy's CSR mat-vec (``O(n_entries)``); the index
        arrays of the cached adjacency matrix are reused so no index copies
        are made.  For a complete graph ``y = sum(x) - x`` (``O(n)``).

        Args:
            x: Values per node, shape ``(n,)`` or ``(n, k)``.
            entry_weights: Optional weights aligned with the CSR entries,
                shape ``(n_entries,)``.  Must be ``None`` for complete graphs.

        Returns:
            ``float64`` array with the shape of ``x``.

        Raises:
            ValueError: On shape mismatch, or weights on a complete graph.
        """
        x = np.asarray(x, dtype=np.float64)
        if x.ndim not in (1, 2) or x.shape[0] != self.n:
            raise ValueError(f"x must have shape (n,) or (n, k) with n={self.n}")
        if self.complete:
            if entry_weights is not None:
                raise ValueError("entry_weights are not supported on a complete graph")
            return x.sum(axis=0) - x
        mat = self.adjacency() if entry_weights is None else self.weighted_adjacency(entry_weights)
        return np.asarray(mat @ x, dtype=np.float64)


# ---------------------------------------------------------------------------
# Construction helper
# ---------------------------------------------------------------------------


def from_edges(n: int, u: np.ndarray, v: np.ndarray) -> SocialGraph:
    """Build a simple undirected :class:`SocialGraph` from an edge list.

    Algorithm: self-loops ``u == v`` are dropped; every remaining edge is
    stored in both directions as the packed ``int64`` key ``row * n + col``;
    the keys are sorted (``np.sort``, which is much faster than
    ``np.unique`` here) and adjacent duplicates removed, giving entries
    ordered by ``(row, col)``.  Then ``indices = key mod n`` and
    ``indptr = [0, cumsum(bincount(row))]``.

    Args:
        n: Number of nodes; all endpoints must lie in ``0..n-1``.
        u: First endpoints (any integer dtype).
        v: Second endpoints, same length as ``u``.

    Returns:
        The graph with symmetric, duplicate-free, row-sorted CSR arrays.

    Raises:
        ValueError: If lengths differ or an endpoint is out of range.
    """
    n = int(n)
    if n < 0:
        raise ValueError(f"n must be >= 0, got {n}")
    if n > _INT32_MAX:
        raise ValueError("n must fit in int32")
    u = np.asarray(u, dtype=np.int64).ravel()
    v = np.asarray(v, dtype=np.int64).ravel()
    if u.shape != v.shape:
        raise ValueError("u and v must have the same length")
    if len(u) and (min(u.min(), v.min()) < 0 or max(u.max(), v.max()) >= n):
        raise ValueError(f"edge endpoints must lie in 0..{n - 1}")
    keep = u != v
    if not keep.all():
        u = u[keep]
        v = v[keep]
    m = len(u)
    keys = np.empty(2 * m, dtype=np.int64)
    np.multiply(u, n, out=keys[:m])
    keys[:m] += v
    np.multiply(v, n, out=keys[m:])
    keys[m:] += u
    del u, v, keep
    keys.sort()
    if len(keys) > 1:
        dup = keys[1:] == keys[:-1]
        if dup.any():
            keys = keys[np.concatenate(([True], ~dup))]
        del dup
    rows = keys // n if n else keys
    indices = (keys - rows * n).astype(np.int32)
    del keys
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    return SocialGraph(n=n, indptr=indptr, indices=indices)


def _check_rng(rng: np.random.Generator) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    return rng


# ---------------------------------------------------------------------------
# Holme-Kim / Barabasi-Albert growth
# ---------------------------------------------------------------------------

_HK_CHUNK = 1 << 15  # nodes per batch of pre-drawn random numbers
_HK_TRIAD_TRIES = 3  # re-draws of a triad partner before falling back to PA


def _holme_kim_targets(
    n: int, m: int, triad_probability: float, rng: np.random.Generator
) -> np.ndarray:
    """Run the Holme-Kim growth process and return the edge targets.

    Node ``s = m, ..., n-1`` attaches to ``m`` distinct earlier nodes whose
    ids are returned as row ``s - m`` of an ``(n - m, m)`` array.  See
    :func:`powerlaw_cluster` for the process.

    Implementation notes: the loop is pure Python over pre-drawn random
    numbers.  Per batch of ``_HK_CHUNK`` nodes we draw, in this order,
    ``U_pa`` of shape ``(c, m)`` (turned into repeated-list indices
    ``floor(U * L_s)`` with ``L_s = m + 2 m (s - m)`` the length of the
    repeated-nodes list when node ``s`` arrives), and, if triad formation is
    on, the triad coin flips and neighbour-choice uniforms of shape
    ``(c, m - 1)``.  Rare extra draws (re-tries after a collision) come from
    a separate buffered pool.  Adjacency is a list of Python lists; node
    ``s``'s own target list becomes its adjacency list, and ``s`` is added to
    its targets' lists only after all ``m`` targets are chosen, so a triad
    candidate can never be ``s`` itself.  Without triad formation
    (``p = 0`` or ``m = 1``) no adjacency is kept at all.
    """
    p = float(triad_probability)
    rep: list[int] = list(range(m))  # repeated-nodes list (one entry per edge end)
    adj: list[list[int]] = [[] for _ in range(m)]
    pool: list[float] = []
    pool_pos = 0
    tries = range(_HK_TRIAD_TRIES)
    use_triads = p > 0.0 and m > 1
    for start in range(m, n, _HK_CHUNK):
        stop = min(n, start + _HK_CHUNK)
        c = stop - start
        lengths = m + 2 * m * (np.arange(start, stop, dtype=np.int64) - m)
        pa_idx = (rng.random((c, m)) * lengths[:, None]).astype(np.int64)
        np.minimum(pa_idx, (lengths - 1)[:, None], out=pa_idx)
        if not use_triads:
            # Pure preferential attachment: no adjacency needed, only R.
            for s, row in zip(range(start, stop), pa_idx.tolist(), strict=True):
                targets = [rep[i] for i in row]
                if len(set(targets)) < m:
                    length = len(rep)
                    targets = []
                    for i in row:
                        w = rep[i]
                        while w in targets:
                            if pool_pos == len(pool):
                                pool = rng.random(4096).tolist()
                                pool_pos = 0
                            w = rep[int(pool[pool_pos] * length)]
                            pool_pos += 1
                        targets.append(w)
                rep += targets
                rep += [s] * m
            continue
        pa_first = pa_idx[:, 0].tolist()
        pa_rest = pa_idx[:, 1:].tolist()
        del pa_idx
        # triad uniform in [0, 1) if the coin says "triad", else -1
        coin = rng.random((c, m - 1)) < p
        triad_rows = np.where(coin, rng.random((c, m - 1)), -1.0).tolist()
        del coin
        for s, i0, par, trir in zip(range(start, stop), pa_first, pa_rest, triad_rows, strict=True):
            length = len(rep)
            t = rep[i0]
            targets = [t]
            for x, i in zip(trir, par, strict=True):
                if x >= 0.0:
                    a = adj[t]
                    la = len(a)
                    if la:
                        w = a[int(x * la)]
                        if w not in targets:
                            targets.append(w)
                            continue
                        for _ in tries:
                            if pool_pos == len(pool):
                                pool = rng.random(4096).tolist()
                                pool_pos = 0
                            w = a[int(pool[pool_pos] * la)]
                            pool_pos += 1
                            if w not in targets:
                                break
                        else:
                            w = -1
                        if w >= 0:
                            targets.append(w)
                            continue
                w = rep[i]
                while w in targets:
                    if pool_pos == len(pool):
                        pool = rng.random(4096).tolist()
                        pool_pos = 0
                    w = rep[int(pool[pool_pos] * length)]
                    pool_pos += 1
                t = w
                targets.append(w)
            for w in targets:
                adj[w].append(s)
            adj.append(targets)
            rep += targets
            rep += [s] * m
        del pa_first, pa_rest, triad_rows
    del adj
    # rep = [0..m-1] + per node s: [m targets, s repeated m times]
    blocks = np.fromiter(rep, dtype=np.int32, count=len(rep))[m:]
    del rep
    return blocks.reshape(n - m, 2 * m)[:, :m].copy()


def powerlaw_cluster(
    n: int, m: int, triad_probability: float, rng: np.random.Generator
) -> SocialGraph:
    """Holme-Kim (2002) growing scale-free network with tunable clustering.

    Process (as in ``networkx.powerlaw_cluster_graph``): start with ``m``
    isolated nodes; the repeated-nodes list ``R`` initially holds each of
    them once.  Each new node ``s = m, ..., n-1`` adds ``m`` edges to
    distinct earlier nodes:

    1. the first target ``t`` is chosen by preferential attachment (PA): a
       uniform pick from ``R``, i.e. ``P(t = i) ∝ k_i`` (plus one for the
       seed nodes);
    2. each further edge is, with probability ``triad_probability``, a
       *triad formation* step: link to a uniformly random neighbour of the
       most recent PA target ``t`` (closing a triangle); if that neighbour is
       already linked to ``s`` it is re-drawn up to 3 times, after which (or
       if ``t`` has no neighbours) the step falls back to PA;
    3. otherwise (or on fallback) a PA step picks a new ``t`` from ``R``
       (re-drawn while it is already a target of ``s``).

    After the ``m`` targets are fixed, they and ``m`` copies of ``s`` are
    appended to ``R``.  PA draws use ``R`` as it was when ``s`` arrived.
    The result has ``m (n - m)`` edges (mean degree ``≈ 2m``), a power-law
    degree tail ``P(k) ~ k^-3`` and, for ``triad_probability > 0``, average
    clustering well above that of :func:`barabasi_albert`.

    Runtime is ``O(n m)`` in a tight Python loop (about 2 µs per edge with
    triads, under 1 µs without) plus an ``O(n m log(n m))`` CSR build:
    roughly 10 s and 0.5 GB peak for ``n = 10^6, m = 5``.

    Args:
        n: Number of nodes, ``n > m``.
        m: Edges added per new node, ``m >= 1``.
        triad_probability: Probability ``p`` of a triad step, in ``[0, 1]``.
        rng: Source of randomness.

    Returns:
        The graph.
    """
    n, m = int(n), int(m)
    if m < 1 or m >= n:
        raise ValueError(f"need 1 <= m < n, got m={m}, n={n}")
    if not 0.0 <= triad_probability <= 1.0:
        raise ValueError("triad_probability must be in [0, 1]")
    rng = _check_rng(rng)
    # The engine allocates ~n small lists that all stay alive; the cyclic
    # garbage collector would repeatedly traverse them (doubling the run
    # time at n = 10^6) although they can form no cycles, so pause it.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        targets = _holme_kim_targets(n, m, triad_probability, rng)
    finally:
        if gc_was_enabled:
            gc.enable()
    sources = np.repeat(np.arange(m, n, dtype=np.int32), m)
    return from_edges(n, sources, targets.ravel())


def barabasi_albert(n: int, m: int, rng: np.random.Generator) -> SocialGraph:
    """Barabási-Albert preferential attachment graph.

    Same engine as :func:`powerlaw_cluster` with ``triad_probability = 0``:
    each new node links to ``m`` distinct earlier nodes chosen with
    probability proportional to degree (uniform picks from the
    repeated-nodes list), starting from ``m`` isolated nodes.

    Args:
        n: Number of nodes, ``n > m``.
        m: Edges per new node, ``m >= 1``.
        rng: Source of randomness.

    Returns:
        The graph, with ``m (n - m)`` edges.
    """
    return powerlaw_cluster(n, m, 0.0, rng)


# ---------------------------------------------------------------------------
# Lattices and rewiring
# ---------------------------------------------------------------------------


def _ring_edges(n: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Edges ``(i, (i + d) mod n)`` for ``d = 1..k/2`` of a ring lattice."""
    if k < 0 or k % 2:
        raise ValueError(f"k must be a non-negative even integer, got {k}")
    if k >= n and k > 0:
        raise ValueError(f"k must be < n, got k={k}, n={n}")
    half = k // 2
    u = np.tile(np.arange(n, dtype=np.int64), half)
    d = np.repeat(np.arange(1, half + 1, dtype=np.int64), n)
    v = (u + d) % n
    return u, v


def ring(n: int, k: int) -> SocialGraph:
    """Ring lattice: node ``i`` links to ``i ± 1, ..., i ± k/2`` (mod ``n``).

    Deterministic; every node has degree ``k`` (edges that coincide when
    ``k/2 >= n/2`` are stored once).

    Args:
        n: Number of nodes.
        k: Even number of nearest neighbours, ``0 <= k < n``.

    Returns:
        The graph.
    """
    n, k = int(n), int(k)
    u, v = _ring_edges(n, k)
    return from_edges(n, u, v)


def watts_strogatz(
    n: int, k: int, rewire_probability: float, rng: np.random.Generator
) -> SocialGraph:
    """Watts-Strogatz small world: a rewired ring lattice.

    Start from :func:`ring` ``(n, k)`` with edges ``(i, i + d)``,
    ``d = 1..k/2``.  Each edge independently (probability
    ``rewire_probability``) keeps its origin ``i`` and gets a new endpoint
    ``w`` drawn uniformly from the ``n - 1`` nodes other than ``i`` (so no
    self-loops).  Duplicates are handled by **resampling**: a rewired edge
    that coincides with an existing edge (kept or earlier rewired) is
    re-drawn, in vectorised rounds, until all edges are distinct; after 100
    rounds any still-duplicate edges are dropped (only possible for tiny,
    nearly complete graphs).  The edge count, and so the mean degree ``k``,
    is therefore preserved.

    Args:
        n: Number of nodes.
        k: Even number of lattice neighbours, ``0 <= k < n``.
        rewire_probability: Rewiring probability in ``[0, 1]``.
        rng: Source of randomness.

    Returns:
        The graph.
    """
    n, k = int(n), int(k)
    if not 0.0 <= rewire_probability <= 1.0:
        raise ValueError("rewire_probability must be in [0, 1]")
    rng = _check_rng(rng)
    u, v = _ring_edges(n, k)
    rewire = rng.random(len(u)) < rewire_probability
    fixed_u, fixed_v = u[~rewire], v[~rewire]
    fixed_keys = np.minimum(fixed_u, fixed_v) * n + np.maximum(fixed_u, fixed_v)
    ru = u[rewire]
    rv = np.empty_like(ru)
    todo = np.arange(len(ru))
    for _ in range(100):
        if len(todo) == 0:
            break
        w = rng.integers(0, n - 1, size=len(todo), dtype=np.int64)
        w += w >= ru[todo]
        rv[todo] = w
        rkeys = np.minimum(ru, rv) * n + np.maximum(ru, rv)
        # Keep the first occurrence of every key, fixed edges first.
        all_keys = np.concatenate((fixed_keys, rkeys))
        order = np.argsort(all_keys, kind="stable")
        sk = all_keys[order]
        dup = np.zeros(len(sk), dtype=bool)
        dup[1:] = sk[1:] == sk[:-1]
        bad = order[dup] - len(fixed_keys)
        todo = np.sort(bad[bad >= 0])
    keep = np.ones(len(ru), dtype=bool)
    keep[todo] = False
    return from_edges(
        n,
        np.concatenate((fixed_u, ru[keep])),
        np.concatenate((fixed_v, rv[keep])),
    )


# ---------------------------------------------------------------------------
# Random graphs with a prescribed number of distinct pairs
# ---------------------------------------------------------------------------


def _sorted_union(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Sorted distinct values of ``a ∪ b`` (``a`` already sorted distinct)."""
    keys = np.concatenate((a, b))
    keys.sort()
    if len(keys) > 1:
        keys = keys[np.concatenate(([True], keys[1:] != keys[:-1]))]
    return keys


def _distinct_pairs(
    rng: np.random.Generator,
    targets: np.ndarray,
    sampler: Callable[[np.random.Generator, np.ndarray], np.ndarray],
    group_of: Callable[[np.ndarray], np.ndarray],
) -> np.ndarray:
    """Draw exactly ``targets[g]`` distinct random pairs in each group ``g``.

    Rounds: ``sampler(rng, groups)`` returns one uniformly random pair key
    (``min * n + max``) per requested group (or fewer if it rejects some);
    new keys are merged into the sorted set, and the per-group deficit is
    requested again until it is zero.  Every round draws no more than the
    deficit, so the result never overshoots, and by exchangeability the
    final set is a uniformly random set of ``targets[g]`` pairs per group.
    """
    have = np.zeros(0, dtype=np.int64)
    need = targets.astype(np.int64)
    for _ in range(10_000):
        total = int(need.sum())
        if total == 0:
            return have
        groups = np.repeat(np.arange(len(need)), need)
        have = _sorted_union(have, sampler(rng, groups))
        need = targets - np.bincount(group_of(have), minlength=len(targets))
    raise RuntimeError("could not draw enough distinct pairs")  # pragma: no cover


def erdos_renyi(n: int, mean_degree: float, rng: np.random.Generator) -> SocialGraph:
    """Erdős-Rényi ``G(n, p)`` with ``p = mean_degree / (n - 1)``.

    Vectorised exact sampler: draw the edge count
    ``M ~ Binomial(n (n - 1) / 2, p)``, then a uniformly random set of ``M``
    distinct node pairs.  Pairs are drawn as ``u ~ U{0..n-1}``, ``v`` uniform
    over the other ``n - 1`` nodes (so every unordered pair has probability
    ``2 / (n (n - 1))``), deduplicated via sorted packed keys, and topped up
    until ``M`` distinct pairs are held.  Conditioned on ``M`` the edge set
    is uniform, which is exactly ``G(n, p)``.  Expected degree
    ``mean_degree``.

    Args:
        n: Number of nodes.
        mean_degree: Expected degree, ``0 <= mean_degree <= n - 1``.
        rng: Source of randomness.

    Returns:
        The graph.
    """
    n = int(n)
    if n < 0:
        raise ValueError("n must be >= 0")
    if n < 2:
        return from_edges(n, np.zeros(0, np.int64), np.zeros(0, np.int64))
    if not 0.0 <= mean_degree <= n - 1:
        raise ValueError(f"mean_degree must be in [0, n - 1 = {n - 1}]")
    rng = _check_rng(rng)
    p = mean_degree / (n - 1)
    n_pairs = n * (n - 1) // 2
    n_edges = int(rng.binomial(n_pairs, p))

    def sampler(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        u = rng.integers(0, n, size=len(groups), dtype=np.int64)
        v = rng.integers(0, n - 1, size=len(groups), dtype=np.int64)
        v += v >= u
        return np.minimum(u, v) * n + np.maximum(u, v)

    keys = _distinct_pairs(
        rng,
        np.array([n_edges]),
        sampler,
        lambda k: np.zeros(len(k), dtype=np.int64),
    )
    return from_edges(n, keys // n, keys % n)


def stochastic_block(
    n: int,
    communities: int,
    mean_degree_in: float,
    mean_degree_out: float,
    rng: np.random.Generator,
) -> SocialGraph:
    """Stochastic block model with equal-size communities.

    Nodes are split into ``B = communities`` contiguous blocks of size
    ``n // B`` (the last block also takes the remainder).  Pairs inside
    block ``b`` (size ``s_b``) are linked with probability
    ``p_b = mean_degree_in / (s_b - 1)``, so every node's expected
    within-block degree is ``mean_degree_in``.  Pairs in different blocks
    are linked with a common probability
    ``p_out = mean_degree_out * n / sum_b s_b (n - s_b)``, so the expected
    between-block degree averaged over nodes is ``mean_degree_out`` (exact
    per node when the blocks are equal).

    Sampling is vectorised as in :func:`erdos_renyi`: per block
    ``M_b ~ Binomial(s_b (s_b - 1) / 2, p_b)`` and
    ``M_out ~ Binomial(sum_{b<c} s_b s_c, p_out)`` edge counts, then that
    many distinct uniform pairs (between-block pairs by rejection of
    same-block draws), topped up until the counts are met.

    Args:
        n: Number of nodes.
        communities: Number of blocks, ``1 <= communities <= n``.
        mean_degree_in: Expected within-block degree.
        mean_degree_out: Expected between-block degree.
        rng: Source of randomness.

    Returns:
        The graph, with ``communities`` set to the block id of every node.
    """
    n, n_blocks = int(n), int(communities)
    if not 1 <= n_blocks <= max(n, 1):
        raise ValueError(f"communities must be in 1..n, got {n_blocks}")
    if mean_degree_in < 0 or mean_degree_out < 0:
        raise ValueError("mean degrees must be non-negative")
    rng = _check_rng(rng)
    size = n // n_blocks
    sizes = np.full(n_blocks, size, dtype=np.int64)
    sizes[-1] = n - size * (n_blocks - 1)
    offsets = np.concatenate(([0], np.cumsum(sizes)))
    block = np.repeat(np.arange(n_blocks, dtype=np.int32), sizes)

    # within-block edges
    pairs_in = sizes * (sizes - 1) // 2
    with np.errstate(divide="ignore", invalid="ignore"):
        p_in = np.where(sizes > 1, mean_degree_in / np.maximum(sizes - 1, 1), 0.0)
    if np.any(p_in > 1):
        raise ValueError("mean_degree_in exceeds the block size minus one")
    m_in = rng.binomial(pairs_in, p_in).astype(np.int64)

    def sampler_in(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
        s = sizes[groups]
        u = (rng.random(len(groups)) * s).astype(np.int64)
        v = (rng.random(len(groups)) * (s - 1)).astype(np.int64)
        np.minimum(u, s - 1, out=u)
        np.minimum(v, s - 2, out=v)
        v += v >= u
        u += offsets[groups]
        v += offsets[groups]
        return np.minimum(u, v) * n + np.maximum(u, v)

    keys_in = _distinct_pairs(rng, m_in, sampler_in, lambda k: block[k // n])

    # between-block edges
    pairs_out = (n * n - int(np.sum(sizes * sizes))) // 2
    keys_out = np.zeros(0, dtype=np.int64)
    if pairs_out > 0 and mean_degree_out > 0:
        p_out = mean_degree_out * n / float(np.sum(sizes * (n - sizes)))
        if p_out > 1:
            raise ValueError("mean_degree_out is too large for the block sizes")
        m_out = int(rng.binomial(pairs_out, p_out))

        def sampler_out(rng: np.random.Generator, groups: np.ndarray) -> np.ndarray:
            u = rng.integers(0, n, size=len(groups), dtype=np.int64)
            v = rng.integers(0, n, size=len(groups), dtype=np.int64)
            ok = block[u] != block[v]
            u, v = u[ok], v[ok]
            return np.minimum(u, v) * n + np.maximum(u, v)

        keys_out = _distinct_pairs(
            rng,
            np.array([m_out]),
            sampler_out,
            lambda k: np.zeros(len(k), dtype=np.int64),
        )
    keys = np.concatenate((keys_in, keys_out))
    g = from_edges(n, keys // n, keys % n)
    return SocialGraph(n=n, indptr=g.indptr, indices=g.indices, communities=block)


def complete(n: int) -> SocialGraph:
    """Fully mixed population ``K_n`` (flag only; no edges are stored).

    Args:
        n: Number of nodes.

    Returns:
        A :class:`SocialGraph` with ``complete=True``, ``indptr = [0]`` and
        empty ``indices``.
    """
    return SocialGraph(
        n=int(n),
        indptr=np.zeros(1, dtype=np.int64),
        indices=np.zeros(0, dtype=np.int32),
        complete=True,
    )


# ---------------------------------------------------------------------------
# Edge list files
# ---------------------------------------------------------------------------


class EdgeListError(ValueError):
    """Malformed edge list file.

    Attributes:
        line: 1-based line number of the offending line, or ``None`` for an
            error about the file as a whole (e.g. no edges).
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        """Store the message and the line number."""
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.message = message


def read_edgelist(path: str | os.PathLike[str]) -> tuple[SocialGraph, list[str]]:
    """Read an undirected edge list file.

    Format: one edge ``u v`` per line, fields separated by whitespace and/or
    commas; further columns (e.g. weights) are ignored; ``#`` starts a
    comment (whole-line or trailing); blank lines are skipped.  Labels are
    arbitrary strings, relabelled to ``0..N-1`` in order of first
    appearance (``u`` before ``v`` on each line).  Self-loops and duplicate
    edges (in either orientation) are dropped; a node that only appears in
    a self-loop is kept as an isolated node.

    The whole file is read at once and parsed in a single Python loop with a
    dictionary for relabelling (about 1 µs per line), then the CSR arrays
    are built with :func:`from_edges`.

    Args:
        path: File to read (UTF-8, optional BOM).

    Returns:
        ``(graph, labels)`` where ``labels[i]`` is the original label of
        node ``i``.

    Raises:
        EdgeListError: For a non-blank line with fewer than two fields
            (``.line`` is its 1-based number), or when the file contains no
            edge other than self-loops (``.line`` is ``None``).
    """
    text = pathlib.Path(path).read_text(encoding="utf-8-sig")
    if "," in text:
        text = text.replace(",", " ")
    has_comments = "#" in text
    ids: dict[str, int] = {}
    setdefault = ids.setdefault
    us: list[int] = []
    vs: list[int] = []
    u_append = us.append
    v_append = vs.append
    for lineno, line in enumerate(text.splitlines(), 1):
        if has_comments and "#" in line:
            line = line[: line.index("#")]
        fields = line.split(None, 2)
        if len(fields) < 2:
            if not fields:
                continue
            raise EdgeListError(f"expected two node labels, got {len(fields)} field", lineno)
        u_append(setdefault(fields[0], len(ids)))
        v_append(setdefault(fields[1], len(ids)))
    u = np.array(us, dtype=np.int64)
    v = np.array(vs, dtype=np.int64)
    del us, vs
    graph = from_edges(len(ids), u, v)
    if graph.n_edges == 0:
        raise EdgeListError("edge list contains no edges", None)
    return graph, list(ids)


# ---------------------------------------------------------------------------
# Dispatch and caching
# ---------------------------------------------------------------------------

_MEMORY_CACHE: collections.OrderedDict[str, SocialGraph] = collections.OrderedDict()


def clear_memory_cache() -> None:
    """Empty the in-process graph cache used by :func:`build_graph`."""
    _MEMORY_CACHE.clear()


def _generate(kind: str, n: int, params: dict[str, Any], seed: int) -> SocialGraph:
    rng = np.random.default_rng(seed)
    if kind == "powerlaw_cluster":
        return powerlaw_cluster(n, rng=rng, **params)
    if kind == "barabasi_albert":
        return barabasi_albert(n, rng=rng, **params)
    if kind == "watts_strogatz":
        return watts_strogatz(n, rng=rng, **params)
    if kind == "erdos_renyi":
        return erdos_renyi(n, rng=rng, **params)
    if kind == "stochastic_block":
        return stochastic_block(n, rng=rng, **params)
    if kind == "ring":
        return ring(n, **params)
    if kind == "complete":
        return complete(n, **params)
    if kind == "edgelist":
        return read_edgelist(**params)[0]
    raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_TYPES}")


def _cache_key(kind: str, n: int, params: dict[str, Any], seed: int) -> str:
    """sha256 of a canonical JSON description of the graph request."""
    desc: dict[str, Any] = {
        "version": CACHE_FORMAT_VERSION,
        "kind": kind,
        "n": n,
        "params": params,
        "seed": seed,
    }
    if kind == "edgelist":
        p = pathlib.Path(params["path"])
        st = p.stat()
        desc["n"] = None
        desc["seed"] = None
        desc["file"] = {
            "path": str(p.resolve()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }
    text = json.dumps(desc, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _save_npz(path: pathlib.Path, graph: SocialGraph) -> None:
    """Write ``graph`` to ``path`` atomically (temp file + ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {
        "n": np.array(graph.n, dtype=np.int64),
        "complete": np.array(graph.complete),
        "indptr": np.asarray(graph.indptr),
        "indices": np.asarray(graph.indices),
    }
    if graph.communities is not None:
        arrays["communities"] = np.asarray(graph.communities)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _load_npz(path: pathlib.Path) -> SocialGraph | None:
    """Load a cached graph, or ``None`` if the file is missing or corrupt."""
    try:
        with np.load(path, allow_pickle=False) as data:
            communities = data.get("communities")
            return SocialGraph(
                n=int(data["n"]),
                indptr=data["indptr"],
                indices=data["indices"],
                complete=bool(data["complete"]),
                communities=communities,
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def build_graph(
    kind: str,
    n: int,
    params: dict[str, Any],
    seed: int,
    cache_dir: pathlib.Path | None = None,
) -> SocialGraph:
    """Build (or fetch from cache) a graph of the given kind.

    The generator named ``kind`` is called with ``n``, ``**params`` and
    ``rng = np.random.default_rng(seed)`` (``ring`` and ``complete`` take no
    ``rng``; for ``"edgelist"`` ``params = {"path": ...}`` and ``n`` is
    ignored).  Results are cached in an in-process LRU of
    :data:`MEMORY_CACHE_SIZE` graphs and, if ``cache_dir`` is given, in
    ``cache_dir / f"{key}.npz"`` where ``key`` is the sha256 of the canonical
    JSON of ``(kind, n, sorted params, seed, CACHE_FORMAT_VERSION)`` (plus
    the file's resolved path, size and ``mtime_ns`` for edge lists).  Disk
    writes are atomic; an unreadable cache file is ignored and rewritten.

    Args:
        kind: One of :data:`GRAPH_TYPES`.
        n: Number of nodes.
        params: Keyword arguments of the generator.
        seed: Seed for :func:`numpy.random.default_rng`.
        cache_dir: Optional directory for the on-disk cache.

    Returns:
        The graph (cached instances are shared; their arrays are read-only).

    Raises:
        ValueError: For an unknown ``kind`` or invalid parameters.
    """
    if kind not in GRAPH_TYPES:
        raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_TYPES}")
    params = dict(params)
    n = int(n)
    seed = int(seed)
    key = _cache_key(kind, n, params, seed)
    graph = _MEMORY_CACHE.get(key)
    if graph is not None:
        _MEMORY_CACHE.move_to_end(key)
        return graph
    path = None
    if cache_dir is not None:
        path = pathlib.Path(cache_dir) / f"{key}.npz"
        if path.exists():
            graph = _load_npz(path)
    if graph is None:
        graph = _generate(kind, n, params, seed)
        if path is not None:
            _save_npz(path, graph)
    _MEMORY_CACHE[key] = graph
    while len(_MEMORY_CACHE) > MEMORY_CACHE_SIZE:
        _MEMORY_CACHE.popitem(last=False)
    return graph


# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


def partition_regions(
    graph: SocialGraph, n_regions: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Split the consumers into retail catchment regions.

    Picks ``n_regions`` distinct seed nodes uniformly at random; region
    ``r`` is the set of nodes whose nearest seed (in hops) is
    ``seeds[r]``.  Computed with a single multi-source breadth-first search
    (``scipy.sparse.csgraph.dijkstra(..., indices=seeds, min_only=True,
    unweighted=True, return_predecessors=True)``, whose ``sources`` output
    names the closest seed; ties are broken by the search order).  Nodes
    unreachable from every seed get a uniformly random region.  For a
    complete graph every node is at distance one from every seed, so the
    nodes are assigned uniformly at random but balanced: a random
    permutation is split into ``n_regions`` near-equal consecutive parts,
    and ``seeds[r]`` is the first node of part ``r``.

    Args:
        graph: The social graph.
        n_regions: Number of regions, ``1 <= n_regions <= graph.n``.
        rng: Source of randomness.

    Returns:
        ``(region_of_node, seed_nodes)``: ``int32`` arrays of lengths ``n``
        and ``n_regions``; ``region_of_node[seed_nodes[r]] == r``.
    """
    n = graph.n
    n_regions = int(n_regions)
    if not 1 <= n_regions <= n:
        raise ValueError(f"n_regions must be in 1..{n}, got {n_regions}")
    rng = _check_rng(rng)
    if graph.complete:
        perm = rng.permutation(n).astype(np.int32)
        part = (np.arange(n, dtype=np.int64) * n_regions // n).astype(np.int32)
        region = np.empty(n, dtype=np.int32)
        region[perm] = part
        starts = -(-np.arange(n_regions, dtype=np.int64) * n // n_regions)
        return region, perm[starts]
    seeds = rng.choice(n, size=n_regions, replace=False).astype(np.int32)
    return _assign_to_seeds(graph, seeds, rng), seeds


def _assign_to_seeds(graph: SocialGraph, seeds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of the nearest seed (in hops) for every node; unreachable nodes at random."""
    n = graph.n
    n_regions = len(seeds)
    seed_region = np.full(n, -1, dtype=np.int32)
    seed_region[seeds] = np.arange(n_regions, dtype=np.int32)
    if graph.complete:
        region = rng.integers(0, n_regions, size=n, dtype=np.int32)
        region[seeds] = np.arange(n_regions, dtype=np.int32)
        return region
    _, _, sources = dijkstra(
        graph.adjacency(),
        directed=True,
        indices=seeds,
        min_only=True,
        return_predecessors=True,
        unweighted=True,
    )
    region = np.full(n, -1, dtype=np.int32)
    reached = sources >= 0
    region[reached] = seed_region[sources[reached]]
    unreached = ~reached
    n_unreached = int(unreached.sum())
    if n_unreached:
        region[unreached] = rng.integers(0, n_regions, size=n_unreached, dtype=np.int32)
    return region


def nearest_seed(
    graph: SocialGraph, seeds: np.ndarray, nodes: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each of ``nodes``, the index into ``seeds`` of its nearest seed (in hops).

    Used to hand each retailer (by its region's seed node) to the nearest regional
    distributor, and so on up the chain. Ties follow the search order; nodes that no seed
    reaches, and all nodes of a complete graph, get a uniformly random seed; a seed node
    always maps to itself.

    Args:
        graph: The social graph.
        seeds: Distinct seed nodes (1 ≤ len ≤ n).
        nodes: Nodes to assign.
        rng: Source of randomness.

    Returns:
        ``int64`` array of seed indices, one per node in ``nodes``.
    """
    seeds = np.asarray(seeds, dtype=np.int32)
    if not 1 <= len(seeds) <= graph.n:
        raise ValueError(f"need 1..{graph.n} seeds, got {len(seeds)}")
    region = _assign_to_seeds(graph, seeds, _check_rng(rng))
    return region[np.asarray(nodes)].astype(np.int64)
