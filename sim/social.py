"""Sums over each consumer's friends, kept up to date as the few things that change do change.

Word of mouth needs, every day and for every consumer *i*, ``Σⱼ τᵢⱼ`` and ``Σⱼ τᵢⱼ·aⱼ`` (trust
in friends, and in friends who adopted); store opening needs the number of friends running an
open store; posting needs ``Σⱼ τᵢⱼ·kⱼ`` over friends who posted. Recomputing them as sparse
products over the whole graph every day costs O(edges) per day; instead they are updated from
the day's changes (new adopters, stores opened or closed, posting owners), which costs
O(friends of what changed). Trust edits (screen-spam decay) must go through
:meth:`FriendSums.update_trust` so that the sums stay exact.

On a complete graph (no stored edges, uniform trust τ̄) the same sums are closed-form.
"""

from __future__ import annotations

import numpy as np

from sim.graph import SocialGraph


class FriendSums:
    """Running friend sums for word of mouth, exposure and store recruitment.

    Attributes:
        trust_total: ``Σⱼ τᵢⱼ`` for every consumer *i*.
        trusted_adopters: ``Σⱼ τᵢⱼ·aⱼ`` (aⱼ = 1 once *j* has adopted).
        store_friends: number of friends who own an open store.
    """

    def __init__(
        self, graph: SocialGraph, edge_trust: np.ndarray, uniform_trust: float, adopted: np.ndarray
    ) -> None:
        self.graph = graph
        self.edge_trust = edge_trust
        self.uniform_trust = uniform_trust
        n = graph.n
        if graph.complete:
            self.trust_total = np.full(n, uniform_trust * (n - 1), dtype=np.float64)
            self._adopters = int(adopted.sum())
            self._adopted = adopted
            self._owners = 0
            self._owner = np.zeros(n, dtype=bool)
            return
        self._reverse = graph.reverse_entry()
        self.trust_total = graph.neighbor_sum(np.ones(n), edge_trust)
        self.trusted_adopters = graph.neighbor_sum(adopted.astype(np.float64), edge_trust)
        self.store_friends = np.zeros(n, dtype=np.int64)

    # ------------------------------------------------------------------ updates

    def add_adopters(self, nodes: np.ndarray) -> None:
        """Consumers ``nodes`` adopted today (each at most once)."""
        if len(nodes) == 0:
            return
        if self.graph.complete:
            self._adopters += len(nodes)
            return
        self.trusted_adopters += self._scatter(nodes, np.ones(len(nodes)))

    def change_owners(self, nodes: np.ndarray, delta: int) -> None:
        """Consumers ``nodes`` opened (+1) or closed (−1) their store today."""
        if len(nodes) == 0:
            return
        if self.graph.complete:
            self._owners += delta * len(nodes)
            self._owner[nodes] = delta > 0
            return
        _, entries = self.graph.row_entries(nodes)
        self.store_friends += delta * np.bincount(
            self.graph.indices[entries], minlength=self.graph.n
        )

    def update_trust(self, entries: np.ndarray, new_trust: np.ndarray, adopted: np.ndarray) -> None:
        """Set ``τ`` of CSR ``entries`` to ``new_trust``, keeping every sum exact."""
        if self.graph.complete:
            raise ValueError("a complete graph has uniform trust")
        rows = self.graph.edge_rows()[entries]
        delta = new_trust.astype(np.float64) - self.edge_trust[entries]
        n = self.graph.n
        self.trust_total += np.bincount(rows, weights=delta, minlength=n)
        sources = self.graph.indices[entries]
        self.trusted_adopters += np.bincount(rows, weights=delta * adopted[sources], minlength=n)
        self.edge_trust[entries] = new_trust

    # ------------------------------------------------------------------ reads

    def adopter_share(self) -> np.ndarray:
        """``sᵢ = Σⱼ τᵢⱼ·aⱼ / Σⱼ τᵢⱼ`` (0 for consumers without friends)."""
        if self.graph.complete:
            n = self.graph.n
            others = self._adopters - self._adopted.astype(np.float64)
            return others / max(n - 1, 1)
        out = np.zeros(self.graph.n)
        np.divide(self.trusted_adopters, self.trust_total, out=out, where=self.trust_total > 0)
        return out

    def store_friend_share(self, who: np.ndarray) -> np.ndarray:
        """Share of each listed consumer's friends who run an open store."""
        if self.graph.complete:
            n = self.graph.n
            return (self._owners - self._owner[who]) / max(n - 1, 1)
        degree = self.graph.degree[who]
        out = np.zeros(len(who))
        np.divide(self.store_friends[who], degree, out=out, where=degree > 0)
        return out

    def exposure(self, sources: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        """``Σⱼ τᵢⱼ·xⱼ`` for every consumer *i*, where only ``sources`` have x ≠ 0."""
        if self.graph.complete:
            total = float(np.sum(amounts))
            out = np.full(self.graph.n, total)
            out[sources] -= amounts
            return self.uniform_trust * out
        return self._scatter(sources, amounts)

    def _scatter(self, sources: np.ndarray, amounts: np.ndarray) -> np.ndarray:
        """Add ``τᵢⱼ·xⱼ`` to every friend *i* of each source *j*."""
        group, entries = self.graph.row_entries(sources)
        readers = self.graph.indices[entries]
        trust_in_source = self.edge_trust[self._reverse[entries]]
        weights = trust_in_source * np.asarray(amounts, dtype=np.float64)[group]
        return np.bincount(readers, weights=weights, minlength=self.graph.n)
