"""Reach beyond friends (M5): influencers' followers and the members of shopping groups.

Friends are the social graph (:mod:`sim.friendships`); the audience is a second, directed set
of reading ties, from a poster *j* (an influencer, or a group's organiser) to a reader *i* who
is not its friend: *i* follows *j*, or belongs to the shopping group *j* runs. Each tie carries
the reader's trust in the poster, the annoyance the poster's posts caused, and whether the
reader muted (unfollowed, left the group) or blocked it, like a friendship, and the same
screen-spam rules change them (:mod:`sim.posting`). Ties are stored sorted by poster (the posts
go out) with an index by reader (the shopper looks for stores it follows).

Construction (ODD: Initialisation):

* **Influencers**: ``round(influencer_share·N)`` consumers, drawn without replacement with
  probability proportional to 1 + their number of friends (hubs become "big V"); influencer *j*
  has F_j = ⌊F_min·U^(−1/(α−1))⌋ followers (a discrete power law of exponent α, capped at
  ``followers_max_share``·N), drawn uniformly among the consumers who are neither *j* nor its
  friends (repeats dropped).
* **Shopping groups**: ``round(groups_per_1000·N/1000)`` organisers drawn uniformly; a group has
  S ~ log-normal(mean ``group_size_mean``, sd equal to the mean) members, at most
  ``group_size_max``, found by short random walks from the organiser (a friend, then with
  probability 1/2 a friend of that friend: acquaintances of acquaintances), its own friends left
  out (they read it as friends).
* Trust: Normal(mean, sd) clipped to [0, 1], ``follower_trust_*`` or ``group_trust_*``.
"""

from __future__ import annotations

import copy

import numpy as np

from sim.graph import SocialGraph, compiled, entry_kernels
from sim.graph.compiled import compile_kernel
from sim.scenario import Audience

FOLLOWER, GROUP_MEMBER = 0, 1
TIE_KINDS: tuple[str, ...] = ("follower", "group member")


def _clipped_normal(mean: float, sd: float, size: int, rng: np.random.Generator) -> np.ndarray:
    return np.clip(rng.normal(mean, sd, size=size), 0.0, 1.0).astype(np.float32)


def _segments(starts: np.ndarray, counts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For runs of ``counts`` items from ``starts``: (run index, position) of every item."""
    run = np.repeat(np.arange(len(counts)), counts)
    offset = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return run, np.repeat(starts, counts) + offset


class AudienceGraph:
    """Followers and group members of every poster, with the state of each reading tie.

    Attributes:
        n: Consumers.
        poster, reader: int32 per tie, sorted by poster then reader.
        kind: int8 per tie, FOLLOWER or GROUP_MEMBER.
        trust, annoyance: float32 per tie; annoyance_day: int32 (day of its last update).
        muted, blocked: bool per tie (a block is also a mute: unfollowed, or left the group).
        muted_count, blocked_count: ties muted and blocked so far.
        followers: int32 per consumer, followers it has (0: not an influencer).
        group_size: int32 per consumer, members of the group it runs (0: none).
        store_ties: ties of the owners of every store ever opened (the muted share's base).
    """

    def __init__(
        self, n: int, poster: np.ndarray, reader: np.ndarray, kind: np.ndarray, trust: np.ndarray
    ) -> None:
        order = np.lexsort((reader, poster))
        self.n = n
        self.poster = poster[order].astype(np.int32)
        self.reader = reader[order].astype(np.int32)
        self.kind = kind[order].astype(np.int8)
        self.trust = trust[order].astype(np.float32)
        ties = len(self.poster)
        self.annoyance = np.zeros(ties, dtype=np.float32)
        self.annoyance_day = np.zeros(ties, dtype=np.int32)
        self.muted = np.zeros(ties, dtype=bool)
        self.blocked = np.zeros(ties, dtype=bool)
        self.muted_count = 0
        self.blocked_count = 0
        self.store_ties = 0
        self._poster_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.poster, minlength=n), out=self._poster_ptr[1:])
        self._by_reader = np.argsort(self.reader, kind="stable")
        self._reader_ptr = np.zeros(n + 1, dtype=np.int64)
        np.cumsum(np.bincount(self.reader, minlength=n), out=self._reader_ptr[1:])
        self.followers = np.bincount(self.poster[self.kind == FOLLOWER], minlength=n).astype(
            np.int32
        )
        self.group_size = np.bincount(self.poster[self.kind == GROUP_MEMBER], minlength=n).astype(
            np.int32
        )

    @property
    def ties(self) -> int:
        return len(self.poster)

    # ------------------------------------------------------------------ building

    @classmethod
    def create(
        cls, graph: SocialGraph, params: Audience, rng: np.random.Generator
    ) -> AudienceGraph:
        """Draw the followers and shopping groups of a market (see the module docstring).

        A complete graph has no audience: everyone is everyone's friend already.
        """
        n = graph.n
        empty = np.zeros(0, dtype=np.int64)
        if graph.complete or n < 3:
            return cls(n, empty, empty, empty, np.zeros(0, dtype=np.float32))
        posters, readers, kinds = [], [], []
        k = round(params.influencer_share * n)
        if k > 0:
            weight = graph.degree.astype(np.float64) + 1.0
            influencers = rng.choice(n, size=k, replace=False, p=weight / weight.sum())
            exponent = params.followers_exponent
            cap = max(params.followers_min, int(params.followers_max_share * n))
            draws = params.followers_min * rng.random(k) ** (-1.0 / (exponent - 1.0))
            counts = np.minimum(np.floor(draws), cap).astype(np.int64)
            who = np.repeat(influencers, counts)
            posters.append(who)
            readers.append(rng.integers(0, n, size=len(who)))
            kinds.append(np.full(len(who), FOLLOWER))
        g = round(params.groups_per_1000 * n / 1000)
        if g > 0:
            organisers = rng.choice(n, size=g, replace=False)
            mean = params.group_size_mean
            sigma2 = np.log(2.0)  # sd equal to the mean
            sizes = rng.lognormal(np.log(mean) - sigma2 / 2, np.sqrt(sigma2), size=g)
            sizes = np.clip(np.rint(sizes), 2, params.group_size_max).astype(np.int64)
            who, members = _group_members(graph, organisers, sizes, rng)
            posters.append(who)
            readers.append(members)
            kinds.append(np.full(len(who), GROUP_MEMBER))
        if not posters:
            return cls(n, empty, empty, empty, np.zeros(0, dtype=np.float32))
        poster = np.concatenate(posters)
        reader = np.concatenate(readers)
        kind = np.concatenate(kinds)
        keep = (reader >= 0) & (reader != poster) & ~_are_friends(graph, poster, reader)
        poster, reader, kind = poster[keep], reader[keep], kind[keep]
        # one tie per (poster, reader): a follower who is also a member counts once, as follower
        key = poster.astype(np.int64) * n + reader
        order = np.lexsort((kind, key))
        key, poster, reader, kind = key[order], poster[order], reader[order], kind[order]
        first = np.concatenate(([True], key[1:] != key[:-1]))[: len(key)]
        poster, reader, kind = poster[first], reader[first], kind[first]
        trust = np.where(
            kind == FOLLOWER,
            _clipped_normal(params.follower_trust_mean, params.follower_trust_sd, len(kind), rng),
            _clipped_normal(params.group_trust_mean, params.group_trust_sd, len(kind), rng),
        )
        return cls(n, poster, reader, kind, trust)

    def for_brand(self) -> AudienceGraph:
        """The same ties for another brand: its own trust, annoyance and mutes (the followers
        and group members are people's; what they think of a poster's selling is per brand)."""
        twin = copy.copy(self)
        twin.trust = self.trust.copy()
        twin.annoyance = np.zeros_like(self.annoyance)
        twin.annoyance_day = np.zeros_like(self.annoyance_day)
        twin.muted = np.zeros_like(self.muted)
        twin.blocked = np.zeros_like(self.blocked)
        twin.muted_count = twin.blocked_count = twin.store_ties = 0
        return twin

    # ------------------------------------------------------------------ reads

    def entries_of(self, posters: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ties of each of ``posters``: (position in ``posters``, tie index), grouped."""
        posters = np.asarray(posters, dtype=np.int64)
        starts = self._poster_ptr[posters]
        return _segments(starts, self._poster_ptr[posters + 1] - starts)

    def entries_to(self, readers: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Ties read by each of ``readers``: (position in ``readers``, tie index), grouped."""
        readers = np.asarray(readers, dtype=np.int64)
        starts = self._reader_ptr[readers]
        run, position = _segments(starts, self._reader_ptr[readers + 1] - starts)
        return run, self._by_reader[position]

    def visible_ties(self, posters: np.ndarray, tolerance: np.ndarray) -> tuple[np.ndarray, ...]:
        """The ties of ``posters`` whose readers have not muted them, with their state:
        (position in ``posters``, tie, reader, trust, annoyance, its day, reader's tolerance)."""
        if compiled.wanted(self.n):
            return entry_kernels.visible_ties(
                self._poster_ptr,
                self.reader,
                self.muted,
                self.trust,
                self.annoyance,
                self.annoyance_day,
                tolerance,
                posters,
            )
        group, ties = self.entries_of(posters)
        visible = ~self.muted[ties]
        group, ties = group[visible], ties[visible]
        readers = self.reader[ties]
        return (
            group,
            ties,
            readers,
            self.trust[ties],
            self.annoyance[ties],
            self.annoyance_day[ties],
            tolerance[readers],
        )

    def trust_in(self, posters: np.ndarray) -> np.ndarray:
        """Σ of the trust of each poster's readers who have not muted it."""
        if compiled.wanted(self.n):
            return entry_kernels.tie_trust(self._poster_ptr, self.trust, self.muted, posters)
        group, ties = self.entries_of(posters)
        weight = np.where(self.muted[ties], 0.0, self.trust[ties].astype(np.float64))
        return np.bincount(group, weights=weight, minlength=len(posters))

    def exposure(self, posters: np.ndarray, views: np.ndarray) -> np.ndarray:
        """``Σⱼ τᵢⱼ·viewsⱼ`` for every consumer over the posters it reads and has not muted."""
        if compiled.wanted(self.n):
            return entry_kernels.tie_exposure(
                self.n, self._poster_ptr, self.reader, self.trust, self.muted, posters, views
            )
        group, ties = self.entries_of(posters)
        weight = np.where(
            self.muted[ties], 0.0, self.trust[ties] * np.asarray(views, dtype=np.float64)[group]
        )
        return np.bincount(self.reader[ties], weights=weight, minlength=self.n)

    def mute(self, ties: np.ndarray, blocked: np.ndarray) -> None:
        """Readers of ``ties`` unfollow or leave; those of ``blocked`` also block."""
        self.muted[ties] = True
        self.blocked[blocked] = True
        self.muted_count += len(ties)
        self.blocked_count += len(blocked)


def _random_walks(graph: SocialGraph, start: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Two or three random steps along friendships from each start (-1 where a walk is stuck)."""
    degree = graph.degree

    def step(at: np.ndarray) -> np.ndarray:
        out = np.full(len(at), -1, dtype=np.int64)
        has = (at >= 0) & (degree[np.maximum(at, 0)] > 0)
        node = at[has]
        pick = (rng.random(len(node)) * degree[node]).astype(np.int64)
        out[has] = graph.indices[graph.indptr[node] + pick]
        return out

    second = step(step(start))
    third = step(second)
    further = (rng.random(len(start)) < 0.5) & (third >= 0)
    return np.where(further, third, second)


def _group_members(
    graph: SocialGraph, organisers: np.ndarray, sizes: np.ndarray, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Up to ``sizes`` distinct members per organiser, acquaintances of its acquaintances who
    are not its friends: three times as many random walks as places, the first distinct
    walkers kept."""
    who = np.repeat(organisers, 3 * sizes)
    walker = _random_walks(graph, who, rng)
    ok = (walker >= 0) & (walker != who) & ~_are_friends(graph, who, np.maximum(walker, 0))
    who, walker = who[ok], walker[ok]
    key = who.astype(np.int64) * graph.n + walker
    _, first = np.unique(key, return_index=True)
    first = np.sort(first)  # in drawing order
    who, walker = who[first], walker[first]
    group_of = np.searchsorted(np.sort(organisers), who)
    size_of = sizes[np.argsort(organisers)][group_of]
    order = np.argsort(who, kind="stable")
    rank = np.empty(len(who), dtype=np.int64)
    sorted_who = who[order]
    start = np.searchsorted(sorted_who, sorted_who, side="left")
    rank[order] = np.arange(len(who)) - start
    keep = rank < size_of
    return who[keep], walker[keep]


def _are_friends_loop(
    indptr: np.ndarray, indices: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray
) -> None:
    """:func:`_are_friends` compiled: a binary search in each a's sorted row."""
    for k in range(len(a)):
        lo = indptr[a[k]]
        hi = indptr[a[k] + 1]
        end = hi
        while lo < hi:
            mid = (lo + hi) // 2
            if indices[mid] < b[k]:
                lo = mid + 1
            else:
                hi = mid
        out[k] = lo < end and indices[lo] == b[k]


def _are_friends(graph: SocialGraph, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Whether each (a, b) is a friendship (binary search in a's sorted row)."""
    if len(a) == 0:
        return np.zeros(0, dtype=bool)
    if compiled.wanted(graph.n):
        out = np.empty(len(a), dtype=bool)
        compile_kernel(_are_friends_loop)(
            graph.indptr, graph.indices, np.asarray(a, np.int64), np.asarray(b, np.int64), out
        )
        return out
    starts, ends = graph.indptr[a], graph.indptr[a + 1]
    lo, hi = starts.astype(np.int64), ends.astype(np.int64)
    while (active := lo < hi).any():
        mid = (lo + hi) // 2
        less = active & (graph.indices[np.minimum(mid, len(graph.indices) - 1)] < b)
        lo = np.where(less, mid + 1, lo)
        hi = np.where(active & ~less, mid, hi)
    found = lo < ends
    found[found] = graph.indices[lo[found]] == b[found]
    return found
