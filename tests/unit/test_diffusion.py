"""Unit tests of awareness, word of mouth and forgetting (sim/diffusion.py, M1)."""

from __future__ import annotations

import numpy as np
import pytest

from sim.diffusion import awareness_step, hazard_probability


def test_hazard_probability() -> None:
    assert hazard_probability(np.array([0.0, np.log(2.0)])).tolist() == pytest.approx([0.0, 0.5])


def test_awareness_gain_rate() -> None:
    """Unaware consumers become aware with probability 1 − exp(−λ)."""
    rng = np.random.default_rng(2)
    n = 200_000
    aware = np.zeros(n, dtype=bool)
    gained, forgot = awareness_step(aware, np.zeros(n, dtype=bool), np.full(n, 0.1), 0.0, rng)
    assert len(forgot) == 0
    assert len(gained) / n == pytest.approx(1 - np.exp(-0.1), abs=0.003)
    assert aware.sum() == len(gained)


def test_forgetting_spares_adopters_and_reminded_consumers() -> None:
    """Aware non-adopters forget with probability f·exp(−λ); adopters never do."""
    rng = np.random.default_rng(3)
    n = 200_000
    aware = np.ones(n, dtype=bool)
    adopted = np.zeros(n, dtype=bool)
    adopted[: n // 2] = True
    rate = np.where(np.arange(n) % 2 == 0, 0.0, 1.0)
    _, forgot = awareness_step(aware, adopted, rate, 0.2, rng)
    assert not np.any(forgot < n // 2)
    forgot_rate = np.bincount(np.arange(n)[forgot] % 2, minlength=2) / (n / 4)
    assert forgot_rate[0] == pytest.approx(0.2, abs=0.01)
    assert forgot_rate[1] == pytest.approx(0.2 * np.exp(-1.0), abs=0.01)
    assert not aware[forgot].any()
