"""Unit tests of the screen-spam rules (sim/trust.py, M7)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.scenario import Posting, PostingPolicy, Spam
from sim.trust import (
    adapt_rates,
    draw_tolerance,
    negative_word_of_mouth,
    respond_to_posts,
    view_probability,
)


def respond(spam: Spam, **kw: object):
    base = {
        "trust": np.array([0.7]),
        "annoyance": np.array([0.0]),
        "days_since_update": np.array([1]),
        "posts": np.array([0.0]),
        "quality": np.array([0.0]),
        "seen_probability": np.array([0.2]),
        "tolerance": np.array([2.0]),
        "draws": np.array([0.99]),
    }
    base.update({k: np.atleast_1d(np.asarray(v, dtype=float)) for k, v in kw.items()})
    return respond_to_posts(spam, **base)


def test_posts_within_tolerance_do_not_annoy() -> None:
    r = respond(Spam(), posts=2.0, quality=0.0, annoyance=4.0, days_since_update=2)
    assert r.excess_ads[0] == 0.0
    assert r.annoyance[0] == pytest.approx(4.0 * 0.95**2)
    assert r.trust[0] == pytest.approx(0.7)
    assert not r.muted[0] and not r.blocked[0]


def test_excess_ads_overdraw_trust_and_add_annoyance() -> None:
    """e = max(0, k − T)·(1 − q); A += e; τ ← τ·(1 − ℓ)^e (no useful posts here)."""
    spam = Spam(trust_loss_per_excess_ad=0.1)
    r = respond(spam, posts=7.0, quality=0.0, tolerance=2.0)
    assert r.excess_ads[0] == pytest.approx(5.0)
    assert r.annoyance[0] == pytest.approx(5.0)
    assert r.trust[0] == pytest.approx(0.7 * 0.9**5, rel=1e-6)


def test_useful_content_restores_trust() -> None:
    """Useful posts seen: τ ← τ + (1 − τ)·(1 − (1 − ρ)^u), u = v·k·q."""
    spam = Spam(trust_recovery_per_useful_post=0.1)
    r = respond(spam, trust=0.5, posts=2.0, quality=1.0, seen_probability=0.5)
    assert r.trust[0] == pytest.approx(0.5 + 0.5 * (1 - 0.9**1.0), rel=1e-6)


def test_mute_and_block() -> None:
    spam = Spam(mute_annoyance_threshold=3.0, block_probability=0.5)
    fed_up = respond(spam, posts=10.0, draws=0.9)
    assert fed_up.muted[0] and not fed_up.blocked[0]
    blocker = respond(spam, posts=10.0, draws=0.1)
    assert blocker.muted[0] and blocker.blocked[0]
    low_trust = respond(spam, trust=0.05, posts=0.0)
    assert low_trust.blocked[0] and low_trust.muted[0]


def test_overdraft_then_recovery_follow_their_formulas() -> None:
    """τ' = τ·(1 − ℓ)^e, then τ'' = τ' + (1 − τ')·(1 − (1 − ρ)^u), for random inputs."""
    rng = np.random.default_rng(0)
    n = 1000
    spam = Spam(trust_loss_per_excess_ad=0.05, trust_recovery_per_useful_post=0.02)
    trust, posts, quality = rng.random(n), rng.poisson(5, n).astype(float), rng.random(n)
    seen, tolerance = rng.random(n), rng.random(n) * 4
    r = respond_to_posts(
        spam,
        trust,
        np.zeros(n),
        np.zeros(n, dtype=int),
        posts,
        quality,
        seen,
        tolerance,
        rng.random(n),
    )
    excess = np.maximum(0.0, posts - tolerance) * (1 - quality)
    overdrawn = trust * 0.95**excess
    expected = overdrawn + (1 - overdrawn) * (1 - 0.98 ** (seen * posts * quality))
    assert r.trust == pytest.approx(expected.astype(np.float32), rel=1e-5)
    assert r.excess_ads == pytest.approx(excess)


def test_view_probability_peak_and_off_peak() -> None:
    posting = Posting(view_probability=0.4, peak_view_multiplier=2.0, off_peak_view_multiplier=0.5)
    v = view_probability(posting, np.array([0.0, 1.0, 0.5]))
    assert v.tolist() == pytest.approx([0.2, 0.8, 0.5])
    assert view_probability(posting.model_copy(update={"view_probability": 0.9}), np.array([1.0]))[
        0
    ] == pytest.approx(1.0)


def test_adaptive_rates() -> None:
    policies = [
        PostingPolicy(
            name="a", kind="adaptive", adapt_step=0.5, min_posts_per_day=0.5, max_posts_per_day=4.0
        )
    ]
    rate = np.array([2.0, 2.0, 2.0, 3.0, 0.8])
    new = adapt_rates(
        rate,
        sales_per_post=np.array([0.1, 0.3, 0.2, 0.3, 0.1]),
        previous=np.array([0.2, 0.2, 0.2, 0.2, np.nan]),
        policies=policies,
        policy=np.zeros(5, dtype=int),
    )
    assert new.tolist() == pytest.approx([1.0, 3.0, 2.0, 4.0, 0.8])


def test_tolerance_draws() -> None:
    t = draw_tolerance(
        Spam(tolerance_mean=3.0, tolerance_sd=1.5), 200_000, np.random.default_rng(1)
    )
    assert t.mean() == pytest.approx(3.0, rel=0.01)
    assert t.std() == pytest.approx(1.5, rel=0.02)


def test_negative_word_of_mouth_and_recovery() -> None:
    """a ← a − (w/365)·d + (r/365)·(a₀ − a)."""
    spam = Spam(negative_wom_per_year=365.0 * 0.1, attitude_recovery_per_year=365.0 * 0.5)
    attitude = np.array([0.0, -0.5], dtype=np.float32)
    baseline = np.array([0.2, 0.2], dtype=np.float32)
    negative_word_of_mouth(attitude, baseline, np.array([1.0, 0.0]), spam)
    assert attitude.tolist() == pytest.approx([0.0 - 0.1 + 0.1, -0.5 + 0.35], abs=1e-6)


def test_policy_presets_fill_only_what_is_not_stated() -> None:
    spammer = PostingPolicy(name="s", kind="spammer")
    assert (spammer.posts_per_day, spammer.content_quality, spammer.peak_share) == (5.0, 0.1, 0.2)
    community = PostingPolicy(name="c", kind="community", posts_per_day=1.0)
    assert (community.posts_per_day, community.content_quality) == (1.0, 0.8)
    assert PostingPolicy(name="f").posts_per_day == 1.0
