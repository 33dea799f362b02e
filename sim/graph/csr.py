"""The social graph container: an undirected simple graph in CSR form.

The neighbours of node ``i`` are ``indices[indptr[i]:indptr[i + 1]]``, sorted ascending, and
every undirected edge ``{i, j}`` is stored twice, once as the entry ``(i, j)`` in row ``i`` and
once as ``(j, i)`` in row ``j``. The special *complete* graph (a fully mixed population) stores
no edges at all.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

import sim.graph.compiled as compiled
import sim.graph.entry_kernels as entry_kernels

INT32_MAX = np.iinfo(np.int32).max
INT64_MAX = np.iinfo(np.int64).max


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
        argsort of the columns if the keys could overflow ``int64``); in large
        graphs, by one compiled pass that hands out each row's entries in order
        (the same map). Cached.

        Returns:
            ``int64`` array of length ``n_entries``.
        """
        rev = self._cache.get("reverse_entry")
        if rev is None:
            nnz = self.n_entries
            if nnz == 0:
                rev = np.zeros(0, dtype=np.int64)
            elif compiled.wanted(self.n):
                rev = entry_kernels.reverse_entries(self.indptr, self.indices)
            elif self.n * nnz < INT64_MAX:
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
            idx_dtype = np.int32 if self.n_entries <= INT32_MAX else np.int64
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
    if n > INT32_MAX:
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


def check_rng(rng: np.random.Generator) -> np.random.Generator:
    if not isinstance(rng, np.random.Generator):
        raise TypeError("rng must be a numpy.random.Generator")
    return rng
