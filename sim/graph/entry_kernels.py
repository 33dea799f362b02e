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
``indices`` of row *j*; their state (trust in *j*, annoyance, muting) lives at the reverse
entries, and again, for the kernels, in poster order (:class:`sim.friendships.PosterRows`: at
entry ``e`` of row *j*, the state of reader ``indices[e]`` about *j*), so that a poster's
readers are one contiguous run.
"""

from __future__ import annotations

import numpy as np

from sim.graph.compiled import compile_kernel


def _owner_trust_cached(
    indptr: np.ndarray,
    trust_by_poster: np.ndarray,
    owners: np.ndarray,
    cache: np.ndarray,
    known: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[k] = Σ`` over the friends of ``owners[k]`` of their trust in it (float64, in entry
    order), read from ``cache`` where ``known`` (summed since trust last changed) and kept
    there otherwise."""
    for k in range(len(owners)):
        o = owners[k]
        if not known[o]:
            total = 0.0
            for e in range(indptr[o], indptr[o + 1]):
                total += np.float64(trust_by_poster[e])
            cache[o] = total
            known[o] = True
        out[k] = cache[o]


def _trust_changes(
    edge_rows: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    edge_trust: np.ndarray,
    trust_by_poster: np.ndarray,
    entries: np.ndarray,
    new_trust: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """For entries whose trust becomes ``new_trust``: (reader, friend, new − old in float64);
    then writes the new trust in both orders (all old values are read first, as NumPy does)."""
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
        e = entries[k]
        edge_trust[e] = new_trust[k]
        trust_by_poster[reverse[e]] = new_trust[k]
    return rows, sources, delta


def _scatter(
    indptr: np.ndarray,
    indices: np.ndarray,
    trust_by_poster: np.ndarray,
    hidden_by_poster: np.ndarray,
    use_hidden: bool,
    sources: np.ndarray,
    amounts: np.ndarray,
    out: np.ndarray,
) -> None:
    """``out[i] += τᵢⱼ·amounts[k]`` for every friend *i* of every ``sources[k]`` = *j* (in
    entry order; skipping readers who hid *j* when ``use_hidden``)."""
    for k in range(len(sources)):
        j = sources[k]
        amount = amounts[k]
        for e in range(indptr[j], indptr[j + 1]):
            if use_hidden and hidden_by_poster[e]:
                continue
            out[indices[e]] += np.float64(trust_by_poster[e]) * amount


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
    ptr: np.ndarray,
    reader: np.ndarray,
    reverse: np.ndarray,
    use_reverse: bool,
    muted: np.ndarray,
    trust: np.ndarray,
    annoyance: np.ndarray,
    annoyance_day: np.ndarray,
    tolerance: np.ndarray,
    posters: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The readers of ``posters`` who have not muted them, in order, with what the readers'
    response reads: (poster position, entry, the reader's own entry, reader, trust, annoyance,
    day of the annoyance, reader's tolerance).

    Poster *p*'s readers are entries ``ptr[p] … ptr[p + 1] − 1`` of the state columns, read by
    ``reader``: for friends the CSR in poster order (:class:`sim.friendships.PosterRows`), whose
    reader's own entry is ``reverse`` of it; for reading ties the ties themselves
    (``use_reverse`` false: the reader's entry is the tie).
    """
    total = 0
    for k in range(len(posters)):
        total += ptr[posters[k] + 1] - ptr[posters[k]]
    group = np.empty(total, dtype=np.int64)
    entry = np.empty(total, dtype=np.int64)
    own = np.empty(total, dtype=np.int64)
    who = np.empty(total, dtype=reader.dtype)
    t = np.empty(total, dtype=trust.dtype)
    a = np.empty(total, dtype=annoyance.dtype)
    d = np.empty(total, dtype=annoyance_day.dtype)
    tol = np.empty(total, dtype=tolerance.dtype)
    n = 0
    for k in range(len(posters)):
        p = posters[k]
        for e in range(ptr[p], ptr[p + 1]):
            if muted[e]:
                continue
            i = reader[e]
            group[n] = k
            entry[n] = e
            own[n] = reverse[e] if use_reverse else e
            who[n] = i
            t[n] = trust[e]
            a[n] = annoyance[e]
            d[n] = annoyance_day[e]
            tol[n] = tolerance[i]
            n += 1
    return group[:n], entry[:n], own[:n], who[:n], t[:n], a[:n], d[:n], tol[:n]


def _reverse_entries(indptr: np.ndarray, indices: np.ndarray, out: np.ndarray) -> None:
    """``out[e]`` = the entry (j, i) of every entry e = (i, j): visiting the rows in order, the
    k-th entry that names column *j* is the reverse of the k-th entry of row *j* (rows are
    sorted and the entries symmetric)."""
    n = len(indptr) - 1
    next_in_row = indptr[:-1].copy()
    for i in range(n):
        for e in range(indptr[i], indptr[i + 1]):
            j = indices[e]
            out[e] = next_in_row[j]
            next_in_row[j] += 1


def _row_sums(
    indptr: np.ndarray,
    indices: np.ndarray,
    trust: np.ndarray,
    flags: np.ndarray,
    flagged: bool,
    out: np.ndarray,
) -> None:
    """``out[i] = Σ`` over row *i* of τᵢⱼ·xⱼ (x = ``flags`` as 0/1, or 1), added to 0.0 in
    entry order as SciPy's CSR product does."""
    for i in range(len(out)):
        total = 0.0
        for e in range(indptr[i], indptr[i + 1]):
            x = (1.0 if flags[indices[e]] else 0.0) if flagged else 1.0
            total += np.float64(trust[e]) * x
        out[i] = total


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


def owner_trust_cached(
    indptr: np.ndarray,
    trust_by_poster: np.ndarray,
    owners: np.ndarray,
    cache: np.ndarray,
    known: np.ndarray,
) -> np.ndarray:
    """For each owner, the sum of its friends' trust in it (:func:`_owner_trust_cached`)."""
    out = np.empty(len(owners), dtype=np.float64)
    compile_kernel(_owner_trust_cached)(
        indptr, trust_by_poster, np.asarray(owners, dtype=np.int64), cache, known, out
    )
    return out


def trust_changes(
    edge_rows: np.ndarray,
    indices: np.ndarray,
    reverse: np.ndarray,
    edge_trust: np.ndarray,
    trust_by_poster: np.ndarray,
    entries: np.ndarray,
    new_trust: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Set the trust of ``entries``; returns (rows, friends, deltas) (:func:`_trust_changes`)."""
    return compile_kernel(_trust_changes)(
        edge_rows,
        indices,
        reverse,
        edge_trust,
        trust_by_poster,
        np.asarray(entries, dtype=np.int64),
        new_trust,
    )


def scatter(
    n: int,
    indptr: np.ndarray,
    indices: np.ndarray,
    trust_by_poster: np.ndarray,
    sources: np.ndarray,
    amounts: np.ndarray,
    hidden_by_poster: np.ndarray | None = None,
) -> np.ndarray:
    """``Σⱼ τᵢⱼ·xⱼ`` for every consumer *i* over the ``sources`` *j* (:func:`_scatter`)."""
    out = np.zeros(n, dtype=np.float64)
    compile_kernel(_scatter)(
        indptr,
        indices,
        trust_by_poster,
        hidden_by_poster if hidden_by_poster is not None else np.zeros(1, dtype=bool),
        hidden_by_poster is not None,
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
    trust_by_poster: np.ndarray,
    sources: np.ndarray,
    amounts: np.ndarray,
) -> None:
    """``target += Σⱼ τᵢⱼ·xⱼ`` over the ``sources`` *j*, bin by bin as ``+= np.bincount``."""
    sources = np.asarray(sources, dtype=np.int64)
    dummy = np.zeros(1, dtype=bool)
    amounts = np.asarray(amounts, dtype=np.float64)
    compile_kernel(_scatter)(
        indptr, indices, trust_by_poster, dummy, False, sources, amounts, scratch
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
    muted_by_poster: np.ndarray,
    trust_by_poster: np.ndarray,
    annoyance_by_poster: np.ndarray,
    annoyance_day_by_poster: np.ndarray,
    tolerance: np.ndarray,
    owners: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The friends of ``owners`` who still see their posts (:func:`_visible_readers`):
    (poster position, poster-order entry, reader entry, reader, trust, annoyance, its day,
    tolerance)."""
    return compile_kernel(_visible_readers)(
        indptr,
        indices,
        reverse,
        True,
        muted_by_poster,
        trust_by_poster,
        annoyance_by_poster,
        annoyance_day_by_poster,
        tolerance,
        np.asarray(owners, dtype=np.int64),
    )


def visible_ties(
    ptr: np.ndarray,
    reader: np.ndarray,
    muted: np.ndarray,
    trust: np.ndarray,
    annoyance: np.ndarray,
    annoyance_day: np.ndarray,
    tolerance: np.ndarray,
    posters: np.ndarray,
) -> tuple[np.ndarray, ...]:
    """The followers and group members who still read ``posters`` (:func:`_visible_readers`):
    (poster position, tie, reader, trust, annoyance, its day, tolerance)."""
    group, ties, _, readers, t, a, d, tol = compile_kernel(_visible_readers)(
        ptr,
        reader,
        np.zeros(1, dtype=np.int64),
        False,
        muted,
        trust,
        annoyance,
        annoyance_day,
        tolerance,
        np.asarray(posters, dtype=np.int64),
    )
    return group, ties, readers, t, a, d, tol


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


def reverse_entries(indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """The reverse of every CSR entry (:func:`_reverse_entries`)."""
    out = np.empty(len(indices), dtype=np.int64)
    compile_kernel(_reverse_entries)(indptr, indices, out)
    return out


def row_sums(
    indptr: np.ndarray, indices: np.ndarray, trust: np.ndarray, flags: np.ndarray | None = None
) -> np.ndarray:
    """``Σⱼ τᵢⱼ`` (or ``Σⱼ τᵢⱼ·flags[j]``) for every consumer *i* (:func:`_row_sums`)."""
    out = np.empty(len(indptr) - 1, dtype=np.float64)
    compile_kernel(_row_sums)(
        indptr,
        indices,
        trust,
        flags if flags is not None else np.zeros(1, dtype=bool),
        flags is not None,
        out,
    )
    return out
