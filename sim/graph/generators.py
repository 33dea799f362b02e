"""Graph generators; all randomness comes from a :class:`numpy.random.Generator`, so the same
seed always yields identical arrays.

* :func:`powerlaw_cluster` -- [HolmeKim2002] growth with triad formation (the default),
* :func:`barabasi_albert` -- the same engine without triad formation,
* :func:`watts_strogatz` -- rewired ring lattice,
* :func:`erdos_renyi` -- G(n, p),
* :func:`stochastic_block` -- planted communities,
* :func:`ring`, :func:`complete` -- deterministic graphs.
"""

from __future__ import annotations

import gc
from collections.abc import Callable

import numpy as np

import sim.graph.compiled as compiled
import sim.graph.holme_kim_kernel as holme_kim_kernel
from sim.graph.csr import SocialGraph, check_rng, from_edges

# ---------------------------------------------------------------------------
# Holme-Kim / Barabasi-Albert growth
# ---------------------------------------------------------------------------

_HK_CHUNK = 1 << 15  # nodes per batch of pre-drawn random numbers


def _holme_kim_targets(
    n: int, m: int, triad_probability: float, rng: np.random.Generator
) -> np.ndarray:
    """The edge targets of the Holme-Kim process: compiled from
    ``sim.graph.compiled.COMPILED_FROM_NODES`` nodes when Numba is installed, else the Python
    loop (:func:`_holme_kim_walk`); the same array."""
    if compiled.wanted(n):
        return holme_kim_kernel.holme_kim_targets(n, m, triad_probability, rng, _HK_CHUNK)
    return _holme_kim_walk(n, m, triad_probability, rng, _HK_CHUNK)


def _holme_kim_walk(
    n: int, m: int, triad_probability: float, rng: np.random.Generator, chunk: int
) -> np.ndarray:
    """Run the Holme-Kim growth process and return the edge targets.

    Node ``s = m, ..., n-1`` attaches to ``m`` distinct earlier nodes whose
    ids are returned as row ``s - m`` of an ``(n - m, m)`` array.  See
    :func:`powerlaw_cluster` for the process.

    Implementation notes: the loop is pure Python over pre-drawn random
    numbers.  Per batch of ``chunk`` nodes we draw, in this order,
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
    tries = range(holme_kim_kernel.TRIAD_TRIES)
    use_triads = p > 0.0 and m > 1
    for start in range(m, n, chunk):
        stop = min(n, start + chunk)
        pa_idx, triad = holme_kim_kernel.batch_draws(rng, start, stop, m, p, use_triads)
        if triad is None:
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
                                pool = rng.random(holme_kim_kernel.POOL_SIZE).tolist()
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
        triad_rows = triad.tolist()  # a uniform in [0, 1) where the coin says "triad", else -1
        del triad
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
                                pool = rng.random(holme_kim_kernel.POOL_SIZE).tolist()
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
                        pool = rng.random(holme_kim_kernel.POOL_SIZE).tolist()
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
    """Holme-Kim [HolmeKim2002] growing scale-free network with tunable clustering.

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

    Runtime is ``O(n m)``: in a tight Python loop about 2 µs per edge with
    triads (under 1 µs without), compiled with Numba about a tenth of that,
    plus an ``O(n m log(n m))`` CSR build.

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
    rng = check_rng(rng)
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
    rng = check_rng(rng)
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
    rng = check_rng(rng)
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
    rng = check_rng(rng)
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


def size_problem(kind: str, n: int, params: dict) -> tuple[str, str] | None:
    """Why a generator cannot build ``kind`` on ``n`` nodes with ``params``: (parameter, message),
    or None when it can. The same conditions the generators raise on, checked before building,
    so that a market too small for its graph is refused when the scenario is validated."""
    if kind in ("powerlaw_cluster", "barabasi_albert"):
        m = int(params.get("m", 5))
        if m >= n:
            return "m", f"needs more consumers than m = {m} (got {n} consumers)"
    elif kind in ("ring", "watts_strogatz"):
        k = int(params.get("k", 10))
        if k >= n:
            return "k", f"needs more consumers than k = {k} (got {n} consumers)"
    elif kind == "erdos_renyi":
        d = float(params.get("mean_degree", 10.0))
        if d > n - 1:
            return "mean_degree", f"must be at most consumers − 1 = {n - 1} (got {d:g})"
    elif kind == "stochastic_block":
        c = int(params.get("communities", 100))
        if c > n:
            return "communities", f"must be at most the {n} consumers (got {c})"
        size = n // c
        d_in = float(params.get("mean_degree_in", 8.0))
        if d_in > 0 and d_in > max(size - 1, 0):
            return (
                "mean_degree_in",
                f"must be at most the circle size minus one = {max(size - 1, 0)} "
                f"({n} consumers in {c} circles; got {d_in:g})",
            )
    return None
