"""Friendships: the per-edge state of the social graph and the friend sums kept from it.

Every friendship is a directed CSR entry (reader *i*, friend *j*; each undirected edge is stored
twice) carrying *i*'s trust τᵢⱼ in *j*, the annoyance Aᵢⱼ that *j*'s posts caused and the day it
was last updated, and whether *i* muted or blocked *j*. Each consumer also has a tolerance Tᵢ
(posts a day from one friend it accepts) and a detractor flag. All of it lives in
:class:`Friendships`; the screen-spam rules that change it are in :mod:`sim.trust` and the
posting stage (:mod:`sim.posting`).

Friend sums. Word of mouth needs, every day and for every consumer *i*, ``Σⱼ τᵢⱼ`` and
``Σⱼ τᵢⱼ·fⱼ`` for flags *f* such as "has adopted" (positive word of mouth) or "is a detractor"
(negative word of mouth); store opening needs the number of friends running an open store;
posting needs ``Σⱼ τᵢⱼ·xⱼ`` over friends who posted. Recomputing them as sparse products over
the whole graph every day costs O(edges) per day; instead :class:`FriendSums` updates them from
the day's changes (consumers whose flag switched, stores opened or closed, trust edited by
screen-spam decay), which costs O(friends of what changed).

On a complete graph (no stored edges, uniform trust τ̄) the same sums are closed-form.
"""

from __future__ import annotations

import numpy as np

from sim.graph import SocialGraph, compiled, entry_kernels
from sim.graph.compiled import compile_kernel
from sim.scenario import Spam, Trust
from sim.trust import draw_tolerance


class FriendSums:
    """Running friend sums for word of mouth, exposure and store recruitment.

    Attributes:
        trust_total: ``Σⱼ τᵢⱼ`` for every consumer *i*.
        store_friends: number of friends who own an open store.
    """

    def __init__(self, graph: SocialGraph, edge_trust: np.ndarray, uniform_trust: float) -> None:
        self.graph = graph
        self.edge_trust = edge_trust
        self.uniform_trust = uniform_trust
        n = graph.n
        self.compiled = not graph.complete and compiled.wanted(n)
        """Whether the sums are kept by the compiled kernels (:mod:`sim.graph.entry_kernels`)."""
        self._flags: dict[str, np.ndarray] = {}
        self._sums: dict[str, np.ndarray] = {}
        self._counts: dict[str, int] = {}
        if graph.complete:
            self.trust_total = np.full(n, uniform_trust * (n - 1), dtype=np.float64)
            self._owners = 0
            self._owner = np.zeros(n, dtype=bool)
            return
        self._reverse = graph.reverse_entry()
        if self.compiled:
            self.trust_total = entry_kernels.row_sums(graph.indptr, graph.indices, edge_trust)
        else:
            self.trust_total = graph.neighbor_sum(np.ones(n), edge_trust)
        self.store_friends = np.zeros(n, dtype=np.int64)
        self._scratch = np.zeros(n if self.compiled else 0, dtype=np.float64)
        self.trust_by_poster = edge_trust[self._reverse] if self.compiled else None
        """The trust again in poster order (:class:`PosterRows`; compiled path only)."""
        cached = n if self.compiled else 0
        self.owner_trust = np.zeros(cached, dtype=np.float64)
        """Friends' trust in each consumer, as last summed (compiled path)."""
        self.owner_trust_known = np.zeros(cached, dtype=bool)
        """Whether :attr:`owner_trust` is current: cleared for the friends whose trust in them
        changes (:meth:`update_trust`)."""

    # ------------------------------------------------------------------ flags

    def track(self, name: str, flags: np.ndarray) -> None:
        """Keep ``Σⱼ τᵢⱼ·flags[j]`` for a boolean column the caller owns and updates in place.

        After changing ``flags`` the caller reports the change with :meth:`switched`.
        """
        self._flags[name] = flags
        g = self.graph
        if g.complete:
            self._counts[name] = int(flags.sum())
        elif self.compiled:
            self._sums[name] = entry_kernels.row_sums(g.indptr, g.indices, self.edge_trust, flags)
        else:
            self._sums[name] = g.neighbor_sum(flags.astype(np.float64), self.edge_trust)

    def switched(self, name: str, on: np.ndarray, off: np.ndarray | None = None) -> None:
        """Consumers ``on`` had the flag set and ``off`` cleared (flags already updated)."""
        off = np.zeros(0, dtype=np.int64) if off is None else off
        if len(on) == 0 and len(off) == 0:
            return
        if self.graph.complete:
            self._counts[name] += len(on) - len(off)
            return
        sources = np.concatenate([on, off])
        signs = np.concatenate([np.ones(len(on)), -np.ones(len(off))])
        if self.compiled:
            g = self.graph
            entry_kernels.scatter_add(
                self._sums[name],
                self._scratch,
                g.indptr,
                g.indices,
                self.trust_by_poster,
                sources,
                signs,
            )
            return
        self._sums[name] += self._scatter(sources, signs)

    def share(self, name: str) -> np.ndarray:
        """``Σⱼ τᵢⱼ·fⱼ / Σⱼ τᵢⱼ`` for every consumer (0 for consumers without friends)."""
        if self.graph.complete:
            others = self._counts[name] - self._flags[name].astype(np.float64)
            return others / max(self.graph.n - 1, 1)
        out = np.zeros(self.graph.n)
        np.divide(self._sums[name], self.trust_total, out=out, where=self.trust_total > 0)
        return out

    def weighted(self, name: str) -> np.ndarray:
        """``Σⱼ τᵢⱼ·fⱼ`` itself (not divided)."""
        if self.graph.complete:
            others = self._counts[name] - self._flags[name].astype(np.float64)
            return self.uniform_trust * others
        return self._sums[name]

    # ------------------------------------------------------------------ stores and trust

    def change_owners(self, nodes: np.ndarray, delta: int) -> None:
        """Consumers ``nodes`` opened (+1) or closed (−1) their store today."""
        if len(nodes) == 0:
            return
        if self.graph.complete:
            self._owners += delta * len(nodes)
            self._owner[nodes] = delta > 0
            return
        if self.compiled:
            g = self.graph
            entry_kernels.count_friends(g.indptr, g.indices, nodes, self.store_friends, delta)
            return
        _, entries = self.graph.row_entries(nodes)
        self.store_friends += delta * np.bincount(
            self.graph.indices[entries], minlength=self.graph.n
        )

    def update_trust(
        self,
        entries: np.ndarray,
        new_trust: np.ndarray,
        read: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray] | None = None,
    ) -> None:
        """Set ``τ`` of CSR ``entries`` to ``new_trust``, keeping every sum exact.

        ``read``: the entries' trust before, readers, friends and the same entries in poster
        order, when the caller has already read them (the compiled path then does not read
        them again).
        """
        if self.graph.complete:
            raise ValueError("a complete graph has uniform trust")
        if len(entries) == 0:
            return
        if self.compiled:
            g = self.graph
            if read is None:
                rows, sources, delta = entry_kernels.trust_changes(
                    g.edge_rows(),
                    g.indices,
                    self._reverse,
                    self.edge_trust,
                    self.trust_by_poster,
                    entries,
                    new_trust,
                )
            else:
                old_trust, rows, sources, by_poster = read
                delta = new_trust.astype(np.float64) - old_trust.astype(np.float64)
                self.edge_trust[entries] = new_trust
                self.trust_by_poster[by_poster] = new_trust
            self.owner_trust_known[sources] = False
            entry_kernels.add_by_rows(self.trust_total, self._scratch, rows, delta)
            for name, flags in self._flags.items():
                entry_kernels.add_by_rows(
                    self._sums[name], self._scratch, rows, delta, sources, flags
                )
            return
        rows = self.graph.edge_rows()[entries]
        delta = new_trust.astype(np.float64) - self.edge_trust[entries]
        n = self.graph.n
        self.trust_total += np.bincount(rows, weights=delta, minlength=n)
        sources = self.graph.indices[entries]
        for name, flags in self._flags.items():
            self._sums[name] += np.bincount(rows, weights=delta * flags[sources], minlength=n)
        self.edge_trust[entries] = new_trust

    # ------------------------------------------------------------------ reads

    def store_friend_share(self, who: np.ndarray) -> np.ndarray:
        """Share of each listed consumer's friends who run an open store."""
        if self.graph.complete:
            n = self.graph.n
            return (self._owners - self._owner[who]) / max(n - 1, 1)
        degree = self.graph.degree[who]
        out = np.zeros(len(who))
        np.divide(self.store_friends[who], degree, out=out, where=degree > 0)
        return out

    def exposure(
        self,
        sources: np.ndarray,
        amounts: np.ndarray,
        hidden: np.ndarray | None = None,
        hidden_by_poster: np.ndarray | None = None,
    ) -> np.ndarray:
        """``Σⱼ τᵢⱼ·xⱼ`` for every consumer *i*, where only ``sources`` have x ≠ 0.

        Args:
            sources: Nodes with a non-zero amount.
            amounts: Their amounts.
            hidden: Optional boolean per CSR entry: entry (i, j) true means *i* does not see
                *j* (muted or blocked); those pairs contribute nothing.
            hidden_by_poster: The same in poster order (:class:`PosterRows`), which the
                compiled path reads.
        """
        if self.graph.complete:
            total = float(np.sum(amounts))
            out = np.full(self.graph.n, total)
            out[sources] -= amounts
            return self.uniform_trust * out
        if self.compiled:
            if hidden is not None and hidden_by_poster is None:
                raise ValueError("the compiled path reads hidden friendships in poster order")
            g = self.graph
            return entry_kernels.scatter(
                g.n,
                g.indptr,
                g.indices,
                self.trust_by_poster,
                sources,
                amounts,
                hidden_by_poster if hidden is not None else None,
            )
        return self._scatter(sources, amounts, hidden)

    def _scatter(
        self, sources: np.ndarray, amounts: np.ndarray, hidden: np.ndarray | None = None
    ) -> np.ndarray:
        """Add ``τᵢⱼ·xⱼ`` to every friend *i* of each source *j*."""
        group, entries = self.graph.row_entries(sources)
        readers = self.graph.indices[entries]
        reader_entries = self._reverse[entries]
        weights = self.edge_trust[reader_entries] * np.asarray(amounts, dtype=np.float64)[group]
        if hidden is not None:
            weights = np.where(hidden[reader_entries], 0.0, weights)
        return np.bincount(readers, weights=weights, minlength=self.graph.n)


class PosterRows:
    """The per-friendship state a poster's readers carry, stored in poster order.

    Entry ``e`` of row *j* holds the state of reader *i* = ``indices[e]`` about *j* (the
    reader's own entry is ``reverse[e]``): trust τᵢⱼ, annoyance Aᵢⱼ, its day and whether *i*
    muted *j*. Posting, exposure and trust in owners read the readers of a poster, which are
    here one contiguous run of the row instead of one scattered entry per friend. Kept by the
    compiled path only; every change to trust and mutes in :class:`Friendships` is written here
    as well (by :meth:`FriendSums.update_trust` and :meth:`Friendships.mute`), and the
    annoyance and its day are kept here only (the posting stage writes them).
    """

    def __init__(self, sums: FriendSums) -> None:
        entries = sums.graph.n_entries
        self.trust = sums.trust_by_poster
        self.annoyance = np.zeros(entries, dtype=np.float32)
        self.annoyance_day = np.zeros(entries, dtype=np.int32)
        self.muted = np.zeros(entries, dtype=bool)


class Friendships:
    """Per-friendship state (one entry per directed CSR entry) and the friend sums.

    Attributes:
        graph: The social graph.
        trust: float32 per entry, τᵢⱼ ∈ [0, 1] (empty on a complete graph: uniform τ̄).
        annoyance: float32 per entry, Aᵢⱼ at its last update (read-only where
            :attr:`by_poster` keeps it).
        annoyance_day: int32 per entry, day Aᵢⱼ was last updated (its decay is applied lazily).
        muted, blocked: bool per entry; *i* muted (blocked) *j* (a block is also a mute).
        muted_count, blocked_count: entries muted and blocked so far.
        store_friendships: friendships of the owners of every store ever opened (the
            denominator of the muted and blocked shares).
        tolerance: float32 per consumer, Tᵢ.
        detractor: bool per consumer, attitude below ``spam.detractor_attitude``.
        sums: The friend sums (:class:`FriendSums`) over ``trust``.
        by_poster: The same state in poster order (:class:`PosterRows`) where the compiled
            kernels are used, else None.
    """

    def __init__(
        self,
        graph: SocialGraph,
        trust: np.ndarray,
        uniform_trust: float,
        tolerance: np.ndarray,
        detractor: np.ndarray,
    ) -> None:
        self.graph = graph
        self.trust = trust
        self.uniform_trust = uniform_trust
        entries = graph.n_entries
        self.sums = FriendSums(graph, trust, uniform_trust)
        self.by_poster = PosterRows(self.sums) if self.sums.compiled else None
        """The per-friendship state again in poster order (compiled path only)."""
        kept = 0 if self.by_poster is not None else entries  # there, kept in poster order only
        self._annoyance = np.zeros(kept, dtype=np.float32)
        self._annoyance_day = np.zeros(kept, dtype=np.int32)
        self.muted = np.zeros(entries, dtype=bool)
        self.blocked = np.zeros(entries, dtype=bool)
        self.muted_count = 0
        self.blocked_count = 0
        self.store_friendships = 0
        self.tolerance = tolerance
        self.detractor = detractor

    @classmethod
    def create(
        cls,
        graph: SocialGraph,
        trust: Trust,
        spam: Spam,
        attitude: np.ndarray,
        adopted: np.ndarray,
        rng: np.random.Generator,
    ) -> Friendships:
        """Initial friendships (ODD: Initialisation).

        τᵢⱼ ~ Normal(``trust.initial_mean``, ``trust.initial_sd``) clipped to [0, 1] per
        directed friendship; tolerance log-normal (:func:`sim.trust.draw_tolerance`);
        detractors are the consumers whose attitude is below ``spam.detractor_attitude``. The
        friend sums track adopters and detractors.
        """
        if graph.complete:
            edge_trust = np.zeros(0, dtype=np.float32)
        else:
            draws = rng.normal(trust.initial_mean, trust.initial_sd, size=graph.n_entries)
            edge_trust = np.clip(draws, 0.0, 1.0, out=draws).astype(np.float32)
            del draws  # free the float64 draws before the friend sums allocate their own
        tolerance = draw_tolerance(spam, graph.n, rng)
        detractor = attitude < spam.detractor_attitude
        friendships = cls(graph, edge_trust, trust.initial_mean, tolerance, detractor)
        friendships.sums.track("adopters", adopted)
        friendships.sums.track("detractors", detractor)
        return friendships

    def for_brand(self, attitude: np.ndarray, adopted: np.ndarray, spam: Spam) -> Friendships:
        """The same friendships for another brand: trust starts from the same draws (it is
        trust in a person) and the tolerance is the reader's; annoyance, mutes, detractors and
        the friend sums are the brand's own."""
        twin = Friendships(
            self.graph,
            self.trust.copy(),
            self.uniform_trust,
            self.tolerance,
            attitude < spam.detractor_attitude,
        )
        twin.sums.track("adopters", adopted)
        twin.sums.track("detractors", twin.detractor)
        return twin

    # ------------------------------------------------------------------ reads

    @property
    def annoyance(self) -> np.ndarray:
        """Aᵢⱼ per entry, at its last update (with :attr:`by_poster`, a copy read from it)."""
        if self.by_poster is not None:
            return self.by_poster.annoyance[self.graph.reverse_entry()]
        return self._annoyance

    @property
    def annoyance_day(self) -> np.ndarray:
        """Day Aᵢⱼ was last updated, per entry (with :attr:`by_poster`, a copy read from it)."""
        if self.by_poster is not None:
            return self.by_poster.annoyance_day[self.graph.reverse_entry()]
        return self._annoyance_day

    def trust_in_owners(self, owners: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For each owner node: (Σ over its friends of their trust in it, number of friends)."""
        if self.graph.complete:
            n = self.graph.n - 1
            return np.full(len(owners), self.uniform_trust * n), np.full(len(owners), n)
        g = self.graph
        if self.sums.compiled:
            total = entry_kernels.owner_trust_cached(
                g.indptr,
                self.sums.trust_by_poster,
                owners,
                self.sums.owner_trust,
                self.sums.owner_trust_known,
            )
            return total, g.degree[owners].astype(np.int64)
        group, entries = g.row_entries(owners)
        trust = self.trust[g.reverse_entry()[entries]].astype(np.float64)
        total = np.bincount(group, weights=trust, minlength=len(owners))
        return total, np.bincount(group, minlength=len(owners))

    def mean_trust(self) -> float:
        """Mean trust over every friendship (τ̄ on a complete graph)."""
        if self.graph.complete:
            return float(self.uniform_trust)
        return float(self.trust.mean()) if len(self.trust) else 0.0

    # ------------------------------------------------------------------ changes

    def update_detractors(self, attitude: np.ndarray, threshold: float) -> None:
        """Re-derive who is a detractor (attitude below ``threshold``) and update the sums."""
        if self.sums.compiled:
            on, off = compile_kernel(_switch_flags)(attitude, np.float32(threshold), self.detractor)
            self.sums.switched("detractors", on, off)
            return
        now = attitude < threshold
        on = np.flatnonzero(now & ~self.detractor)
        off = np.flatnonzero(~now & self.detractor)
        self.detractor[:] = now
        self.sums.switched("detractors", on, off)

    def exposure(self, sources: np.ndarray, amounts: np.ndarray, skip_muted: bool) -> np.ndarray:
        """``Σⱼ τᵢⱼ·xⱼ`` for every consumer *i* over ``sources`` *j* with amounts x, leaving out
        the friends a reader muted when ``skip_muted`` (:meth:`FriendSums.exposure`)."""
        if not skip_muted:
            return self.sums.exposure(sources, amounts)
        mirror = self.by_poster.muted if self.by_poster is not None else None
        return self.sums.exposure(sources, amounts, self.muted, mirror)

    def record_annoyance(
        self,
        entries: np.ndarray,
        annoyance: np.ndarray,
        day: int,
        by_poster: np.ndarray | None = None,
    ) -> None:
        """Entries' annoyance after today's posts (``by_poster``: the entries in poster order,
        when the caller knows them)."""
        if self.by_poster is not None:
            if by_poster is None:
                by_poster = self.graph.reverse_entry()[entries]
            self.by_poster.annoyance[by_poster] = annoyance
            self.by_poster.annoyance_day[by_poster] = day
            return
        self._annoyance[entries] = annoyance
        self._annoyance_day[entries] = day

    def mute(
        self, entries: np.ndarray, blocked: np.ndarray, by_poster: np.ndarray | None = None
    ) -> None:
        """Readers of ``entries`` mute their friend; those of ``blocked`` block it as well.

        ``by_poster``: ``entries`` in poster order, when the caller knows them.
        """
        if self.by_poster is not None:
            if by_poster is None:
                by_poster = self.graph.reverse_entry()[entries]
            self.by_poster.muted[by_poster] = True
        self.muted[entries] = True
        self.blocked[blocked] = True
        self.muted_count += len(entries)
        self.blocked_count += len(blocked)


def _switch_flags(
    attitude: np.ndarray, threshold: np.float32, flags: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """``flags ← attitude < threshold`` (compared in float32, as NumPy compares a float32 column
    with a Python float); returns the consumers switched on and off, ascending."""
    n = len(flags)
    on = np.empty(n, dtype=np.int64)
    off = np.empty(n, dtype=np.int64)
    a = 0
    b = 0
    for i in range(n):
        now = attitude[i] < threshold
        if now and not flags[i]:
            on[a] = i
            a += 1
        elif flags[i] and not now:
            off[b] = i
            b += 1
        flags[i] = now
    return on[:a].copy(), off[:b].copy()
