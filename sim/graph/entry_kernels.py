"""Compiled loops over friendships (CSR entries) and reading ties, for large markets.

Each kernel stands for a NumPy expression of :mod:`sim.friendships`, :mod:`sim.audience` or
:mod:`sim.posting` and does the same arithmetic in the same order, so the results are equal to
the last bit (the tests check it):

* ``np.bincount(bins, weights=w)`` adds the weights, in the order given, to bins that start at
  0.0; a kernel adds them in that order to 0.0 too. ``s += np.bincount(...)`` then adds each
  bin once to ``s``: a kernel accumulates the bins in a zeroed scratch column, adds each
  touched bin to ``s`` and clears it. Untouched bins are skipped, which is the same because
  adding 0.0 leaves a sum unchanged (the sums are never −0.0: they start at +0.0 or above and
  x + (−x) rounds to +0.0).
* A weight that ``np.where`` sets to 0.0 (a muted reader) adds nothing, so it is skipped.
* float32 trust is widened to float64 before it is multiplied or added, as NumPy does.

The screen-spam and word-of-mouth rules themselves stay NumPy array functions
(:mod:`sim.trust`, :mod:`sim.diffusion`): the kernels gather what those functions read, add up
what they return and write it back, without the temporary index arrays of the NumPy code
(entries repeated per friend, reverse entries, per-entry weights as long as the market).

Entry ``e`` of the CSR is reader ``i`` (its row) and friend ``indices[e]``; ``reverse[e]`` is
the entry of the same friendship read the other way. The friends who read a poster *j* are the
``indices`` of row *j*, and their state (trust in *j*, annoyance, muting) lives at the reverse
entries.
"""

from __future__ import annotations

import numpy as np

from sim.graph.compiled import compile_kernel


def _owner_trust(
    indptr: np.ndarray, reverse: np.ndarray, trust: np.ndarray, owners: np.ndarray, out: np.ndarray
) -> None:
    """``out[k] = Σ`` over the friends of ``owners[k]`` of their trust in it (float64)."""
    for k in range(len(owners)):
        o = owners[k]
        total = 0.0
        for e in range(indptr[o], indptr[o + 1]):
            total += np.float64(trust[reverse[e]])
        out[k] = total


def _owner_trust_cached(
    indptr: np.ndarray,
    reverse: np.ndarray,
    trust: np.ndarray,
    owners: np.ndarray,
    cache: np.ndarray,
    known: np.ndarray,
    out: np.ndarray,
) -> None:
    """:func:`_owner_trust`, reading an owner's sum from ``cache`` where ``known`` (summed since
    trust last changed) and keeping the others there."""
    for k in range(len(owners)):
        o = owners[k]
        if not known[o]:
            total = 0.0
            for e in range(indptr[o], indptr[o + 1]):
                total += np.float64(trust[reverse[e]])
            cache[o] = total
            known[o] = True
        out[k] = cache[o]


def _trust_changes(
    edge_rows: np.ndarray,
    indices: np.ndarray,
    edge_trust: np.ndarray,
    entries: np.ndarray,
    new_trust: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For entries whose trust becomes ``new_trust``: (reader, friend, new − old in float64);
    then writes the new trust (all old values are read first, as NumPy does)."""
    m = len(entries)
    rows = np.empty(m, dtype=edge_rows.dtype)
    sources = np.empty(m, dtype=indices.dtype)
    delta = np.empty(m, dtype=np.float64)
    for k in range(m):
        e = entries[k]
        rows[k] = edge_rows[e]
        sources[k] = indices[e]
        delta[k] = np.float64(new_trust[k]) - np.float64(edge_trust[e])
    for k in range(m):
        edge_trust[entries[k]] = new_trust[k]
    return rows, sources, delta


def _scatter(
    indptr: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    trust: np.ndarray,
    hidden: np.ndarray,
    use_hidden: bool,
    sources: np.ndarray,
    amounts: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] += τᵢⱼ·amounts[k]`` for every friend *i* of every ``sources[k]`` = *j* (in
    entry order; skipping readers with ``hidden`` set when ``use_hidden``)."""
    for k in range(len(sources)):
        j = sources[k]
        amount = amounts[k]
        for e in range(indptr[j], indptr[j + 1]):
            r = reverse[e]
            if use_hidden and hidden[r]:
                continue
            out[indices[e]] += np.float64(trust[r]) * amount


def _add_touched(
    target: np.ndarray,
    scratch: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    sources: np.ndarray,
) -> None:
    """``target[i] += scratch[i]`` once for every friend *i* of ``sources``; clears scratch."""
    for k in range(len(sources)):
        j = sources[k]
        for e in range(indptr[j], indptr[j + 1]):
            i = indices[e]
            target[i] += scratch[i]
            scratch[i] = 0.0


def _add_by_rows(
    target: np.ndarray,
    scratch: np.ndarray,
    rows: np.ndarray,
    delta: np.ndarray,
    sources: np.ndarray,
    flags: np.ndarray,
    flagged: bool,
) -> None:
    """``target += np.bincount(rows, weights=delta·flags[sources])`` (``delta`` alone when not
    ``flagged``), through a zeroed scratch column that is cleared again."""
    for k in range(len(rows)):
        w = delta[k]
        if flagged:
            w = w * (1.0 if flags[sources[k]] else 0.0)
        scratch[rows[k]] += w
    for k in range(len(rows)):
        r = rows[k]
        target[r] += scratch[r]
        scratch[r] = 0.0


def _count_friends(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray, counts: np.ndarray, delta: int
) -> None:
    """``counts[i] += delta`` for every friend *i* of every node in ``nodes``."""
    for k in range(len(nodes)):
        j = nodes[k]
        for e in range(indptr[j], indptr[j + 1]):
            counts[indices[e]] += delta


def _visible_readers(
    indptr: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    muted: np.ndarray,
    trust: np.ndarray,
    annoyance: np.ndarray,
    annoyance_day: np.ndarray,
    tolerance: np.ndarray,
    owners: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The friends of ``owners`` who have not muted them, in entry order, with what the
    readers' response reads: (poster position, reader entry, reader, trust, annoyance, day of
    the annoyance, reader's tolerance)."""
    total = 0
    for k in range(len(owners)):
        total += indptr[owners[k] + 1] - indptr[owners[k]]
    group = np.empty(total, dtype=np.int64)
    entry = np.empty(total, dtype=np.int64)
    reader = np.empty(total, dtype=np.int32)
    n = 0
    for k in range(len(owners)):
        o = owners[k]
        for e in range(indptr[o], indptr[o + 1]):
            r = reverse[e]
            if muted[r]:
                continue
            group[n] = k
            entry[n] = r
            reader[n] = indices[e]
            n += 1
    t = np.empty(n, dtype=trust.dtype)
    a = np.empty(n, dtype=annoyance.dtype)
    d = np.empty(n, dtype=annoyance_day.dtype)
    tol = np.empty(n, dtype=tolerance.dtype)
    for x in range(n):
        r = entry[x]
        t[x] = trust[r]
        a[x] = annoyance[r]
        d[x] = annoyance_day[r]
        tol[x] = tolerance[reader[x]]
    return group[:n].copy(), entry[:n].copy(), reader[:n].copy(), t, a, d, tol


def _tie_trust(
    ptr: np.ndarray, trust: np.ndarray, muted: np.ndarray, posters: np.ndarray, out: np.ndarray
) -> None:
    """``out[k] = Σ`` of the trust of the readers of ``posters[k]`` who have not muted it."""
    for k in range(len(posters)):
        p = posters[k]
        total = 0.0
        for t in range(ptr[p], ptr[p + 1]):
            if not muted[t]:
                total += np.float64(trust[t])
        out[k] = total


def _tie_exposure(
    ptr: np.ndarray,
    reader: np.ndarray,
    trust: np.ndarray,
    muted: np.ndarray,
    posters: np.ndarray,
    views: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[reader] += τ·views[k]`` over the ties of ``posters[k]`` not muted."""
    for k in range(len(posters)):
        p = posters[k]
        v = views[k]
        for t in range(ptr[p], ptr[p + 1]):
            if not muted[t]:
                out[reader[t]] += np.float64(trust[t]) * v


def owner_trust(
    indptr: np.ndarray, reverse: np.ndarray, trust: np.ndarray, owners: np.ndarray
) -> np.ndarray:
    """For each owner, the sum of its friends' trust in it (:func:`_owner_trust`)."""
    out = np.empty(len(owners), dtype=np.float64)
    compile_kernel(_owner_trust)(indptr, reverse, trust, np.asarray(owners, dtype=np.int64), out)
    return out


def owner_trust_cached(
    indptr: np.ndarray,
    reverse: np.ndarray,
    trust: np.ndarray,
    owners: np.ndarray,
    cache: np.ndarray,
    known: np.ndarray,
) -> np.ndarray:
    """:func:`owner_trust` through a per-node cache (:func:`_owner_trust_cached`)."""
    out = np.empty(len(owners), dtype=np.float64)
    compile_kernel(_owner_trust_cached)(
        indptr, reverse, trust, np.asarray(owners, dtype=np.int64), cache, known, out
    )
    return out


def trust_changes(
    edge_rows: np.ndarray,
    indices: np.ndarray,
    edge_trust: np.ndarray,
    entries: np.ndarray,
    new_trust: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Set the trust of ``entries``; returns (rows, friends, deltas) (:func:`_trust_changes`)."""
    return compile_kernel(_trust_changes)(
        edge_rows, indices, edge_trust, np.asarray(entries, dtype=np.int64), new_trust
    )


def scatter(
    n: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    trust: np.ndarray,
    sources: np.ndarray,
    amounts: np.ndarray,
    hidden: np.ndarray | None = None,
) -> np.ndarray:
    """``Σⱼ τᵢⱼ·xⱼ`` for every consumer *i* over the ``sources`` *j* (:func:`_scatter`)."""
    out = np.zeros(n, dtype=np.float64)
    compile_kernel(_scatter)(
        indptr,
        indices,
        reverse,
        trust,
        hidden if hidden is not None else np.zeros(1, dtype=bool),
        hidden is not None,
        np.asarray(sources, dtype=np.int64),
        np.asarray(amounts, dtype=np.float64),
        out,
    )
    return out


def scatter_add(
    target: np.ndarray,
    scratch: np.ndarray,
    indptr: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    trust: np.ndarray,
    sources: np.ndarray,
    amounts: np.ndarray,
) -> None:
    """``target += Σⱼ τᵢⱼ·xⱼ`` over the ``sources`` *j*, bin by bin as ``+= np.bincount``."""
    sources = np.asarray(sources, dtype=np.int64)
    dummy = np.zeros(1, dtype=bool)
    amounts = np.asarray(amounts, dtype=np.float64)
    compile_kernel(_scatter)(
        indptr, indices, reverse, trust, dummy, False, sources, amounts, scratch
    )
    compile_kernel(_add_touched)(target, scratch, indptr, indices, sources)


def add_by_rows(
    target: np.ndarray,
    scratch: np.ndarray,
    rows: np.ndarray,
    delta: np.ndarray,
    sources: np.ndarray | None = None,
    flags: np.ndarray | None = None,
) -> None:
    """``target += np.bincount(rows, weights=delta·flags[sources])`` (:func:`_add_by_rows`)."""
    flagged = flags is not None
    compile_kernel(_add_by_rows)(
        target,
        scratch,
        rows,
        delta,
        sources if flagged else np.zeros(1, dtype=np.int64),
        flags if flagged else np.zeros(1, dtype=bool),
        flagged,
    )


def count_friends(
    indptr: np.ndarray, indices: np.ndarray, nodes: np.ndarray, counts: np.ndarray, delta: int
) -> None:
    """``counts[i] += delta`` for every friend *i* of ``nodes`` (:func:`_count_friends`)."""
    compile_kernel(_count_friends)(
        indptr, indices, np.asarray(nodes, dtype=np.int64), counts, delta
    )


def visible_readers(
    indptr: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    muted: np.ndarray,
    trust: np.ndarray,
    annoyance: np.ndarray,
    annoyance_day: np.ndarray,
    tolerance: np.ndarray,
    owners: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The friends of ``owners`` who still see their posts (:func:`_visible_readers`)."""
    return compile_kernel(_visible_readers)(
        indptr,
        indices,
        reverse,
        muted,
        trust,
        annoyance,
        annoyance_day,
        tolerance,
        np.asarray(owners, dtype=np.int64),
    )


def tie_trust(
    ptr: np.ndarray, trust: np.ndarray, muted: np.ndarray, posters: np.ndarray
) -> np.ndarray:
    """Σ of the trust of each poster's readers who have not muted it (:func:`_tie_trust`)."""
    out = np.empty(len(posters), dtype=np.float64)
    compile_kernel(_tie_trust)(ptr, trust, muted, np.asarray(posters, dtype=np.int64), out)
    return out


def tie_exposure(
    n: int,
    ptr: np.ndarray,
    reader: np.ndarray,
    trust: np.ndarray,
    muted: np.ndarray,
    posters: np.ndarray,
    views: np.ndarray,
) -> np.ndarray:
    """``Σⱼ τᵢⱼ·viewsⱼ`` for every consumer over the posters it reads and has not muted."""
    out = np.zeros(n, dtype=np.float64)
    compile_kernel(_tie_exposure)(
        ptr,
        reader,
        trust,
        muted,
        np.asarray(posters, dtype=np.int64),
        np.asarray(views, dtype=np.float64),
        out,
    )
    return out
