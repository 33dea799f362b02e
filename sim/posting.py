"""Stage 3: open stores post to their friends, and friends respond (M5, M7).

Each open store posts *k* ~ Poisson(r) times (r its posting policy's current rate); a platform
crackdown in force may throttle the posts or ban heavy posters. Friends who still see the poster,
and its followers and group members (:mod:`sim.audience`), update their trust in it and their
annoyance by the screen-spam rules of :mod:`sim.trust`, and may mute (unfollow, leave) or block
it. The stage returns who posted and how many posts a friend sees, which the
awareness stage (:mod:`sim.diffusion`) turns into exposure; posts seen can also bring a
purchase forward (:func:`prompt_purchases`). Adaptive posters review their rate in the store
lifecycle (:func:`adapt_posting`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.audience import AudienceGraph
from sim.consumers import NEVER, ConsumerPopulation
from sim.friendships import Friendships
from sim.graph import entry_kernels
from sim.graph.compiled import compile_kernel
from sim.market import DayCounters, MarketState
from sim.stores import StoreBook, StoreRoster, teamed
from sim.trust import (
    ReaderResponse,
    adapt_rates,
    respond_to_posts,
    respond_to_posts_compiled,
    view_probability,
)


@dataclass(frozen=True)
class Posts:
    """Today's posts: the owner node of each store that posted and the posts a friend sees."""

    owners: np.ndarray
    views: np.ndarray


class PostingStage:
    """Stage 3: posting, platform crackdown and readers' response."""

    def __init__(
        self,
        book: StoreBook,
        roster: StoreRoster,
        friendships: Friendships,
        audience: AudienceGraph,
        consumers: ConsumerPopulation,
        market: MarketState,
        rng: np.random.Generator,
    ) -> None:
        self.book = book
        self.roster = roster
        self.friendships = friendships
        self.audience = audience
        self.consumers = consumers
        self.market = market
        self.rng = rng

    def run(self, day: int, today: DayCounters) -> Posts | None:
        """Open stores post (if the B2C2C channel is open); returns today's posts or None."""
        stores = self.book
        if not self.market.is_open("b2c2c") or stores.size == 0:
            return None
        ids = stores.open_ids
        if len(ids) == 0:
            return None
        params = self.market.params
        posting = params.channels.b2c2c.posting
        policies = posting.policies
        fixed = np.array([pol.kind != "adaptive" for pol in policies])[stores.policy[ids]]
        rate = stores.post_rate[ids].astype(np.float64)
        rate[fixed] = np.array([pol.posts_per_day for pol in policies])[stores.policy[ids][fixed]]
        quality = np.array([pol.content_quality for pol in policies])[stores.policy[ids]]
        peak = np.array([pol.peak_share for pol in policies])[stores.policy[ids]]
        weight = np.ones(len(ids))
        teams = params.channels.b2c2c.teams
        if teams.enabled:
            quality, weight = team_content(quality, teamed(stores, ids), teams.content_quality_gain)
        stores.quality[ids] = quality
        stores.peak_share[ids] = peak
        posts = self.rng.poisson(rate).astype(np.int64)
        crackdown = self.market.crackdown_in_force(day)
        if crackdown is not None:
            if crackdown.ban_above is not None:
                offending = posts > crackdown.ban_above
                banned = ids[offending & (self.rng.random(len(ids)) < crackdown.ban_probability)]
                self.roster.close(day, banned, today, banned=True)
            if crackdown.throttle_above is not None:
                posts = np.minimum(posts, int(crackdown.throttle_above))
            live = stores.is_open[ids]
            ids, posts, quality, peak = ids[live], posts[live], quality[live], peak[live]
            weight = weight[live]
        stores.posts_today[ids] = posts
        stores.posts_total[ids] += posts
        stores.window_posts[ids] += posts
        posted = posts > 0
        stores.last_post_day[ids[posted]] = day
        ids, posts, quality, peak = ids[posted], posts[posted], quality[posted], peak[posted]
        weight = weight[posted]
        seen = view_probability(posting, peak)
        if params.spam.enabled and len(ids):
            self._readers_respond(day, stores.owner[ids], posts, quality, seen)
            self._audience_responds(day, stores.owner[ids], posts, quality, seen)
        views = posts * seen
        if teams.enabled:
            views = views * weight
        return Posts(owners=stores.owner[ids], views=views)

    def _readers_respond(
        self, day: int, owners: np.ndarray, posts: np.ndarray, quality: np.ndarray, seen: np.ndarray
    ) -> None:
        """Friends who still see the posters update trust and annoyance; some mute or block (M7).

        A block also lowers the blocker's attitude to the brand, and its baseline, by
        ``block_attitude_drop``.
        """
        f = self.friendships
        g = f.graph
        mirror = f.by_poster
        if mirror is not None:
            (
                group,
                poster_entries,
                reader_entries,
                readers,
                trust,
                annoyance,
                annoyance_day,
                tolerance,
            ) = entry_kernels.visible_readers(
                g.indptr,
                g.indices,
                g.reverse_entry(),
                mirror.muted,
                mirror.trust,
                mirror.annoyance,
                mirror.annoyance_day,
                f.tolerance,
                owners,
            )
        else:
            group, entries = g.row_entries(owners)
            reader_entries = g.reverse_entry()[entries]
            visible = ~f.muted[reader_entries]
            group, reader_entries = group[visible], reader_entries[visible]
            readers = g.indices[entries[visible]]
            trust, annoyance = f.trust[reader_entries], f.annoyance[reader_entries]
            annoyance_day, tolerance = f.annoyance_day[reader_entries], f.tolerance[readers]
        response = self._respond(
            trust, annoyance, day - annoyance_day, posts, quality, seen, group, tolerance
        )
        poster_order = None if mirror is None else poster_entries
        read = None if mirror is None else (trust, readers, owners[group], poster_entries)
        f.sums.update_trust(reader_entries, response.trust, read)
        f.record_annoyance(reader_entries, response.annoyance, day, poster_order)
        f.mute(
            reader_entries[response.muted],
            reader_entries[response.blocked],
            None if mirror is None else poster_entries[response.muted],
        )
        self._blocks_lower_attitude(readers[response.blocked])

    def _audience_responds(
        self, day: int, owners: np.ndarray, posts: np.ndarray, quality: np.ndarray, seen: np.ndarray
    ) -> None:
        """Followers and group members respond as friends do; a mute is an unfollow or leaving
        the group (M5, M7)."""
        a = self.audience
        if a.ties == 0:
            return
        group, ties, readers, trust, annoyance, annoyance_day, tolerance = a.visible_ties(
            owners, self.friendships.tolerance
        )
        response = self._respond(
            trust, annoyance, day - annoyance_day, posts, quality, seen, group, tolerance
        )
        a.trust[ties] = response.trust
        a.annoyance[ties] = response.annoyance
        a.annoyance_day[ties] = day
        a.mute(ties[response.muted], ties[response.blocked])
        self._blocks_lower_attitude(readers[response.blocked])

    def _respond(
        self,
        trust: np.ndarray,
        annoyance: np.ndarray,
        days_since_update: np.ndarray,
        posts: np.ndarray,
        quality: np.ndarray,
        seen: np.ndarray,
        group: np.ndarray,
        tolerance: np.ndarray,
    ) -> ReaderResponse:
        """The screen-spam response of readers (:func:`sim.trust.respond_to_posts`) to the
        posters' ``posts``, ``quality`` and ``seen`` (per poster; ``group``: each reader's)."""
        spam = self.market.params.spam
        draws = self.rng.random(len(trust))
        if self.friendships.sums.compiled:
            return respond_to_posts_compiled(
                spam,
                trust,
                annoyance,
                days_since_update,
                posts.astype(np.float64),
                quality,
                seen,
                group,
                tolerance,
                draws,
            )
        return respond_to_posts(
            spam,
            trust,
            annoyance,
            days_since_update,
            posts[group].astype(np.float64),
            quality[group],
            seen[group],
            tolerance,
            draws,
        )

    def _blocks_lower_attitude(self, blockers: np.ndarray) -> None:
        """A block lowers the blocker's attitude to the brand, and its baseline."""
        if len(blockers):
            drop = np.float32(self.market.params.spam.block_attitude_drop)
            for attitude in (self.consumers.attitude, self.consumers.baseline_attitude):
                np.subtract.at(attitude, blockers, drop)
                np.clip(attitude, -1.0, 1.0, out=attitude)

    def prompt_purchases(self, day: int, exposure: np.ndarray | None) -> None:
        """Posts seen can bring an aware consumer's next purchase forward to today (M5).

        Hazard ``prompt·Σⱼ τᵢⱼ·viewsⱼ`` for aware consumers not in the market who will need the
        product again (not one-time buyers who already bought).
        """
        if exposure is None:
            return
        c = self.consumers
        prompt = self.market.params.channels.b2c2c.posting.purchase_prompt_per_view
        if prompt <= 0:
            return
        if self.friendships.sums.compiled:
            who = compile_kernel(_prompt_candidates)(exposure, c.aware, c.need_day, day, NEVER)
        else:
            who = np.flatnonzero(
                (exposure > 0) & c.aware & (c.need_day > day) & (c.need_day != NEVER)
            )
        hit = who[self.rng.random(len(who)) < -np.expm1(-prompt * exposure[who])]
        c.need_day[hit] = day


def _prompt_candidates(
    exposure: np.ndarray, aware: np.ndarray, need_day: np.ndarray, day: int, never: int
) -> np.ndarray:
    """Consumers who saw posts, are aware, are not in the market and will need the product
    again, ascending (:meth:`PostingStage.prompt_purchases`)."""
    n = len(exposure)
    out = np.empty(n, dtype=np.int64)
    k = 0
    for i in range(n):
        if exposure[i] > 0 and aware[i] and need_day[i] > day and need_day[i] != never:
            out[k] = i
            k += 1
    return out[:k].copy()


def team_content(
    quality: np.ndarray, in_team: np.ndarray, gain: float
) -> tuple[np.ndarray, np.ndarray]:
    """Content of posts shared in a team: ``q' = 1 − (1 − q)·(1 − g·[team])`` and a response
    weight ``w = 1 + g·[team]``.

    *q* is the poster's content quality (share of useful posts), g =
    ``teams.content_quality_gain``. A team member's share of pure-ad posts falls by the factor
    1 − g (fewer excess ads: less annoyance and trust lost, more useful posts: more trust
    recovered, 7.3), and each of its posts seen counts *w* times in the awareness hazard and
    the purchase prompts (7.4). Lone stores keep q and w = 1.
    """
    g = gain * np.asarray(in_team, dtype=np.float64)
    return 1.0 - (1.0 - quality) * (1.0 - g), 1.0 + g


def adapt_posting(book: StoreBook, market: MarketState, day: int) -> None:
    """Adaptive owners review their sales per post every ``adapt_every_days`` (M7)."""
    policies = market.params.channels.b2c2c.posting.policies
    ids = book.open_ids
    adaptive = np.array([pol.kind == "adaptive" for pol in policies])[book.policy[ids]]
    every = np.array([pol.adapt_every_days for pol in policies])[book.policy[ids]]
    due = ids[adaptive & (day - book.last_review_day[ids] >= every)]
    if len(due) == 0:
        return
    posts = book.window_posts[due]
    sales_per_post = np.where(posts > 0, book.window_units[due] / np.maximum(posts, 1), 0.0)
    book.post_rate[due] = adapt_rates(
        book.post_rate[due].astype(np.float64),
        sales_per_post,
        book.last_sales_per_post[due].astype(np.float64),
        policies,
        book.policy[due],
    )
    book.last_sales_per_post[due] = sales_per_post
    book.last_review_day[due] = day
    book.window_posts[due] = 0
    book.window_units[due] = 0
