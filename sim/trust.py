"""Screen-spam trust decay: what posting does to friends' trust (M7; [MicroBusiness2015],
[NotTaobao2015]).

Every friendship entry (reader *i*, poster *j*) carries trust τᵢⱼ, annoyance Aᵢⱼ and whether
*i* muted or blocked *j*. On a day the store of *j* makes *k* posts (after any platform
throttling) with content quality *q* (the share of useful posts), for each reader *i* who has
not muted *j*, with tolerance Tᵢ (posts a day from one friend it accepts):

* excess ad posts  e = max(0, k − Tᵢ)·(1 − q);
* annoyance        A ← A·(1 − δ)^Δt + e          (δ: decay per day, Δt: days since last update);
* trust overdraft  τ ← τ·(1 − ℓ)^e                (ℓ: trust lost per excess ad post);
* recovery         τ ← τ + (1 − τ)·(1 − (1 − ρ)^u),  u = v·k·q useful posts seen (ρ per post);
* fed up           when τ < τ_mute or A > A_mute: *i* mutes *j* (no longer sees *j*'s posts
                   or store), or with probability b blocks *j* instead;
* block            also whenever τ < τ_block; a block is a mute that also lowers *i*'s
                   attitude to the brand (and its baseline) by β.

Consumers whose attitude falls below ``detractor_attitude`` are detractors; each day every
consumer's attitude drops by ``negative_wom_per_year/365`` times the trust-weighted share of
detractor friends (negative word of mouth) and recovers toward its own baseline at
``attitude_recovery_per_year/365`` times the gap; lower attitude lowers the brand's utility in
channel choice. Blocking lowers the blocker's baseline too: that grudge lasts.

Posting policies (fixed or adaptive rate, content quality, peak-time share) and the view
probability of a post (peak vs off-peak attention) are also here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.graph.compiled import compile_kernel
from sim.scenario import Posting, PostingPolicy, Spam


@dataclass
class ReaderResponse:
    """New state of the touched entries and what happened on them."""

    trust: np.ndarray
    annoyance: np.ndarray
    muted: np.ndarray
    blocked: np.ndarray
    excess_ads: np.ndarray


def draw_tolerance(spam: Spam, n: int, rng: np.random.Generator) -> np.ndarray:
    """Readers' tolerance: log-normal with mean ``tolerance_mean`` and sd ``tolerance_sd``."""
    mu, sd = spam.tolerance_mean, spam.tolerance_sd
    sigma2 = np.log1p((sd / mu) ** 2)
    return rng.lognormal(np.log(mu) - sigma2 / 2, np.sqrt(sigma2), size=n).astype(np.float32)


def view_probability(posting: Posting, peak_share: np.ndarray) -> np.ndarray:
    """Probability that a friend sees one post: ``v·(p·m_peak + (1 − p)·m_off)``, at most 1."""
    v = posting.view_probability * (
        peak_share * posting.peak_view_multiplier
        + (1.0 - peak_share) * posting.off_peak_view_multiplier
    )
    return np.minimum(v, 1.0)


def respond_to_posts(
    spam: Spam,
    trust: np.ndarray,
    annoyance: np.ndarray,
    days_since_update: np.ndarray,
    posts: np.ndarray,
    quality: np.ndarray,
    seen_probability: np.ndarray,
    tolerance: np.ndarray,
    draws: np.ndarray,
) -> ReaderResponse:
    """Update the touched entries for one day of posts (all arrays aligned by entry).

    Args:
        spam: Reader parameters.
        trust: τ of each entry before today.
        annoyance: A of each entry at its last update.
        days_since_update: Days since A was last updated (for its decay).
        posts: Posts the poster made today (delivered).
        quality: Share of useful posts of the poster.
        seen_probability: Probability that the reader sees one of them.
        tolerance: Tolerance of the reader.
        draws: One uniform per entry (mute or block).

    Returns:
        The new trust, annoyance, mute and block flags (flags only newly set; the caller
        keeps earlier ones), and the excess ad posts.
    """
    excess = np.maximum(0.0, posts - tolerance) * (1.0 - quality)
    decay = (1.0 - spam.annoyance_decay_per_day) ** days_since_update
    new_annoyance = annoyance * decay + excess
    new_trust = trust * (1.0 - spam.trust_loss_per_excess_ad) ** excess
    useful_seen = seen_probability * posts * quality
    recovery = 1.0 - (1.0 - spam.trust_recovery_per_useful_post) ** useful_seen
    new_trust = new_trust + (1.0 - new_trust) * recovery
    new_trust = np.clip(new_trust, 0.0, 1.0)
    fed_up = (new_trust < spam.mute_trust_threshold) | (
        new_annoyance > spam.mute_annoyance_threshold
    )
    blocked = (new_trust < spam.block_trust_threshold) | (fed_up & (draws < spam.block_probability))
    muted = fed_up | blocked
    return ReaderResponse(
        trust=new_trust.astype(np.float32),
        annoyance=new_annoyance.astype(np.float32),
        muted=muted,
        blocked=blocked,
        excess_ads=excess,
    )


def _excess_loop(
    posts: np.ndarray,
    quality: np.ndarray,
    group: np.ndarray,
    tolerance: np.ndarray,
    out: np.ndarray,
) -> None:
    """Excess ad posts ``e = max(0, k − Tᵢ)·(1 − q)`` per reader (k, q: its poster's)."""
    for x in range(len(out)):
        g = group[x]
        out[x] = max(0.0, posts[g] - np.float64(tolerance[x])) * (1.0 - quality[g])


def _respond_loop(
    trust: np.ndarray,
    annoyance: np.ndarray,
    days_since_update: np.ndarray,
    decay: np.ndarray,
    excess: np.ndarray,
    loss: np.ndarray,
    recovery: np.ndarray,
    group: np.ndarray,
    draws: np.ndarray,
    mute_trust: float,
    mute_annoyance: float,
    block_trust: float,
    block_probability: float,
    new_trust: np.ndarray,
    new_annoyance: np.ndarray,
    muted: np.ndarray,
    blocked: np.ndarray,
) -> None:
    """The rest of :func:`respond_to_posts` per reader, the powers given (``decay`` by days
    since the last update, ``loss`` per reader, ``recovery`` per poster)."""
    for x in range(len(trust)):
        a = np.float64(annoyance[x]) * decay[days_since_update[x]] + excess[x]
        t = np.float64(trust[x]) * loss[x]
        t = t + (1.0 - t) * recovery[group[x]]
        t = min(max(t, 0.0), 1.0)
        fed_up = (t < mute_trust) | (a > mute_annoyance)
        block = (t < block_trust) | (fed_up & (draws[x] < block_probability))
        muted[x] = fed_up | block
        blocked[x] = block
        new_trust[x] = np.float32(t)
        new_annoyance[x] = np.float32(a)


def respond_to_posts_compiled(
    spam: Spam,
    trust: np.ndarray,
    annoyance: np.ndarray,
    days_since_update: np.ndarray,
    posts: np.ndarray,
    quality: np.ndarray,
    seen_probability: np.ndarray,
    group: np.ndarray,
    tolerance: np.ndarray,
    draws: np.ndarray,
) -> ReaderResponse:
    """:func:`respond_to_posts` compiled, with the same numbers: ``posts``, ``quality`` and
    ``seen_probability`` are per poster and ``group`` gives each reader's poster. The powers
    are NumPy's, over arrays (the per-day annoyance decay as a table by days since the last
    update, the trust recovery per poster), so they are the very values NumPy computes per
    reader."""
    m = len(trust)
    excess = np.empty(m, dtype=np.float64)
    compile_kernel(_excess_loop)(posts, quality, group, tolerance, excess)
    loss = (1.0 - spam.trust_loss_per_excess_ad) ** excess
    longest = int(days_since_update.max()) if m else 0
    decay = (1.0 - spam.annoyance_decay_per_day) ** np.arange(longest + 1, dtype=np.float64)
    useful_seen = seen_probability * posts * quality
    recovery = 1.0 - (1.0 - spam.trust_recovery_per_useful_post) ** useful_seen
    new_trust = np.empty(m, dtype=np.float32)
    new_annoyance = np.empty(m, dtype=np.float32)
    muted = np.empty(m, dtype=bool)
    blocked = np.empty(m, dtype=bool)
    compile_kernel(_respond_loop)(
        trust,
        annoyance,
        days_since_update,
        decay,
        excess,
        loss,
        recovery,
        group,
        draws,
        spam.mute_trust_threshold,
        spam.mute_annoyance_threshold,
        spam.block_trust_threshold,
        spam.block_probability,
        new_trust,
        new_annoyance,
        muted,
        blocked,
    )
    return ReaderResponse(
        trust=new_trust, annoyance=new_annoyance, muted=muted, blocked=blocked, excess_ads=excess
    )


def adapt_rates(
    rate: np.ndarray,
    sales_per_post: np.ndarray,
    previous: np.ndarray,
    policies: list[PostingPolicy],
    policy: np.ndarray,
) -> np.ndarray:
    """Adaptive posting: ``r ← r·(1 − s)`` if sales per post fell, ``r·(1 + s)`` if they rose.

    Stores without a previous review (``previous`` NaN) keep their rate. The result is clipped
    to the policy's ``[min_posts_per_day, max_posts_per_day]``.
    """
    step = np.array([p.adapt_step for p in policies])[policy]
    lo = np.array([p.min_posts_per_day for p in policies])[policy]
    hi = np.array([p.max_posts_per_day for p in policies])[policy]
    factor = np.ones(len(rate))
    known = np.isfinite(previous)
    factor[known & (sales_per_post < previous)] = 1.0 - step[known & (sales_per_post < previous)]
    factor[known & (sales_per_post > previous)] = 1.0 + step[known & (sales_per_post > previous)]
    return np.clip(rate * factor, lo, hi)


def negative_word_of_mouth(
    attitude: np.ndarray, baseline: np.ndarray, detractor_share: np.ndarray, spam: Spam
) -> None:
    """``a ← a − (w/365)·dᵢ + (r/365)·(a₀ − a)`` in place.

    dᵢ is the trust-weighted share of detractor friends, w = ``negative_wom_per_year``,
    r = ``attitude_recovery_per_year`` and a₀ the consumer's baseline attitude.
    """
    w = spam.negative_wom_per_year / 365.0
    r = spam.attitude_recovery_per_year / 365.0
    attitude += (r * (baseline - attitude) - w * detractor_share).astype(np.float32)
    np.clip(attitude, -1.0, 1.0, out=attitude)


def _negative_wom_loop(
    attitude: np.ndarray,
    baseline: np.ndarray,
    detractors: np.ndarray,
    trust_total: np.ndarray,
    recovery: np.float32,
    weight: float,
) -> None:
    """:func:`negative_word_of_mouth` in one pass, with NumPy's precisions: the recovery term in
    float32, the detractor term in float64, the step rounded to float32 and added in float32."""
    for i in range(len(attitude)):
        t = trust_total[i]
        share = detractors[i] / t if t > 0 else 0.0
        a = attitude[i]
        step = np.float32(np.float64(recovery * (baseline[i] - a)) - weight * share)
        a = a + step
        if a < -1.0:
            a = np.float32(-1.0)
        elif a > 1.0:
            a = np.float32(1.0)
        attitude[i] = a


def negative_word_of_mouth_compiled(
    attitude: np.ndarray,
    baseline: np.ndarray,
    detractor_sums: np.ndarray,
    trust_total: np.ndarray,
    spam: Spam,
) -> None:
    """:func:`negative_word_of_mouth` compiled (the same numbers), with dᵢ =
    ``detractor_sums / trust_total`` (0 without friends' trust)."""
    compile_kernel(_negative_wom_loop)(
        attitude,
        baseline,
        detractor_sums,
        trust_total,
        np.float32(spam.attitude_recovery_per_year / 365.0),
        spam.negative_wom_per_year / 365.0,
    )
