"""The Holme–Kim growth loop compiled with Numba, on the same random numbers as the Python loop.

:func:`sim.graph.generators._holme_kim_targets` draws its random numbers in batches with NumPy
and walks the nodes one by one in Python; here the walk is a compiled function over the very
same batches, so the graph is identical for the same seed. Only the walk is compiled: every
random number still comes from the caller's :class:`numpy.random.Generator`, in the same order.

Retries after a collision read a buffered pool that the Python loop refills with
``rng.random(POOL_SIZE)`` whenever it runs dry. The compiled walk cannot call the generator, so it
stops before a node whose draws would run past the end of the pool, returning that node; the
caller appends ``rng.random(POOL_SIZE)`` to what is left of the pool and resumes at the same node.
As the pool is refilled at the same point of the random stream and read in the same order,
every node reads the same numbers as in the Python loop (the nodes' effects are committed only
when all ``m`` targets are chosen, so a stopped node starts again cleanly).

Adjacency lists live in one arena: node *w*'s list is ``arena[start[w] : start[w] + size[w]]``
in insertion order (its own targets, then the later nodes that chose it), moved to a block of
twice the capacity at the end of the arena when full.

Numba [Lam2015] is optional: without it (:data:`sim.graph.compiled.AVAILABLE`) the generator
keeps its Python loop.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from sim.graph.compiled import compile_kernel

NEED_POOL = -1
"""Status: the pool ran dry inside the returned node."""

TRIAD_TRIES = 3
"""Re-draws of a triad partner before falling back to preferential attachment."""
POOL_SIZE = 4096
"""Uniforms added to the retry pool each time it runs dry."""


def batch_draws(
    rng: np.random.Generator, first: int, stop: int, m: int, p: float, use_triads: bool
) -> tuple[np.ndarray, np.ndarray | None]:
    """The random numbers of nodes ``first … stop − 1``, drawn in this order by both walks.

    ``pa_idx`` (c, m): indices ``floor(U·L_s)`` into the repeated-nodes list, whose length is
    ``L_s = m + 2m(s − m)`` when node *s* arrives; with triads, ``triad`` (c, m − 1): a uniform
    where the coin (probability *p*) says "triad", else −1.
    """
    c = stop - first
    lengths = m + 2 * m * (np.arange(first, stop, dtype=np.int64) - m)
    pa_idx = (rng.random((c, m)) * lengths[:, None]).astype(np.int64)
    np.minimum(pa_idx, (lengths - 1)[:, None], out=pa_idx)
    if not use_triads:
        return pa_idx, None
    coin = rng.random((c, m - 1)) < p
    return pa_idx, np.where(coin, rng.random((c, m - 1)), -1.0)


def _walk(
    s_from: int,
    stop: int,
    m: int,
    use_triads: bool,
    pa_idx: np.ndarray,
    triad: np.ndarray,
    pool: np.ndarray,
    pool_pos: int,
    rep: np.ndarray,
    rep_len: int,
    arena: np.ndarray,
    start: np.ndarray,
    size: np.ndarray,
    cap: np.ndarray,
    top: int,
    first_node: int,
) -> tuple[int, int, int, int, int]:
    """Add nodes ``s_from … stop − 1`` (rows ``s − first_node`` of the batch draws).

    Returns ``(status, s, pool_pos, rep_len, top)``: status 0 when every node was added,
    :data:`NEED_POOL` when node ``s`` needs more pool (nothing of it committed).
    """
    targets = np.empty(m, dtype=np.int32)
    for s in range(s_from, stop):
        row = s - first_node
        length = rep_len
        pos = pool_pos
        dry = False
        k = 0
        if not use_triads:
            for j in range(m):
                w = rep[pa_idx[row, j]]
                while True:
                    seen = False
                    for q in range(k):
                        if targets[q] == w:
                            seen = True
                            break
                    if not seen:
                        break
                    if pos == pool.shape[0]:
                        dry = True
                        break
                    w = rep[int(pool[pos] * length)]
                    pos += 1
                if dry:
                    break
                targets[k] = w
                k += 1
        else:
            t = rep[pa_idx[row, 0]]
            targets[0] = t
            k = 1
            for j in range(m - 1):
                x = triad[row, j]
                chosen = -1
                if x >= 0.0:
                    la = size[t]
                    if la:
                        base = start[t]
                        w = arena[base + int(x * la)]
                        seen = False
                        for q in range(k):
                            if targets[q] == w:
                                seen = True
                                break
                        if not seen:
                            chosen = w
                        else:
                            for _ in range(TRIAD_TRIES):
                                if pos == pool.shape[0]:
                                    dry = True
                                    break
                                w = arena[base + int(pool[pos] * la)]
                                pos += 1
                                seen = False
                                for q in range(k):
                                    if targets[q] == w:
                                        seen = True
                                        break
                                if not seen:
                                    chosen = w
                                    break
                            if dry:
                                break
                if chosen >= 0:
                    targets[k] = chosen
                    k += 1
                    continue
                w = rep[pa_idx[row, j + 1]]
                while True:
                    seen = False
                    for q in range(k):
                        if targets[q] == w:
                            seen = True
                            break
                    if not seen:
                        break
                    if pos == pool.shape[0]:
                        dry = True
                        break
                    w = rep[int(pool[pos] * length)]
                    pos += 1
                if dry:
                    break
                t = w
                targets[k] = w
                k += 1
        if dry:
            return NEED_POOL, s, pool_pos, rep_len, top
        pool_pos = pos
        if use_triads:
            for q in range(m):
                w = targets[q]
                if size[w] == cap[w]:
                    new_cap = 2 * cap[w]
                    arena[top : top + size[w]] = arena[start[w] : start[w] + size[w]]
                    start[w] = top
                    cap[w] = new_cap
                    top += new_cap
                arena[start[w] + size[w]] = s
                size[w] += 1
            start[s] = top
            cap[s] = 2 * m
            arena[top : top + m] = targets
            size[s] = m
            top += 2 * m
        rep[rep_len : rep_len + m] = targets
        rep[rep_len + m : rep_len + 2 * m] = s
        rep_len += 2 * m
    return 0, stop, pool_pos, rep_len, top


def compiled_walk() -> Callable[..., Any]:
    """The walk compiled by Numba (loaded from its on-disk cache after the first time)."""
    return compile_kernel(_walk)


def holme_kim_targets(
    n: int, m: int, triad_probability: float, rng: np.random.Generator, chunk: int
) -> np.ndarray:
    """The ``(n − m, m)`` targets of the Holme–Kim process, as the Python loop draws them.

    The batch draws per ``chunk`` nodes (:func:`batch_draws`) and the pool refills are those
    of the Python walk, :func:`sim.graph.generators._holme_kim_walk`, in the same order.
    """
    walk = compiled_walk()
    p = float(triad_probability)
    use_triads = p > 0.0 and m > 1
    rep = np.empty(m + 2 * m * (n - m), dtype=np.int32)
    rep[:m] = np.arange(m)
    rep_len = m
    if use_triads:
        # doubling blocks: a list of final size d with first block c0 takes at most
        # 4·d + c0 in all; Σ d = 2m(n − m), Σ c0 = 2m(n − m) + m²
        arena = np.empty(10 * m * (n - m) + m * m + 16, dtype=np.int32)
        start = np.zeros(n, dtype=np.int64)
        size = np.zeros(n, dtype=np.int64)
        cap = np.zeros(n, dtype=np.int64)
        start[:m] = np.arange(m) * m
        cap[:m] = m
        top = m * m
    else:
        arena = np.zeros(1, dtype=np.int32)
        start = size = cap = np.zeros(1, dtype=np.int64)
        top = 0
    pool = np.zeros(0)
    pool_pos = 0
    empty = np.zeros((1, 1))
    for first in range(m, n, chunk):
        stop = min(n, first + chunk)
        pa_idx, drawn = batch_draws(rng, first, stop, m, p, use_triads)
        triad = empty if drawn is None else drawn
        s = first
        while True:
            status, s, pool_pos, rep_len, top = walk(
                s,
                stop,
                m,
                use_triads,
                pa_idx,
                triad,
                pool,
                pool_pos,
                rep,
                rep_len,
                arena,
                start,
                size,
                cap,
                top,
                first,
            )
            if status == 0:
                break
            pool = np.concatenate([pool[pool_pos:], rng.random(POOL_SIZE)])
            pool_pos = 0
    return rep[m:].reshape(n - m, 2 * m)[:, :m].copy()
