"""Validation of awareness and adoption against published diffusion results (ODD section 1).

Bass docking: with one-time purchase, only the direct channel, advertising as the only external
influence and a fully mixed population, cumulative adoption must follow the Bass [Bass1969] curve.
Network lower bound: on a ring with two neighbours it must follow Fibich & Gibori (2010); on
denser rings it must lie between that formula and Bass.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.model import ChannelModel
from sim.scenario import Scenario
from sim.theory import bass_adoption, bass_peak_share, bass_peak_time, ring_adoption

P_YEAR, Q_YEAR = 0.03, 0.38  # Sultan, Farley & Lehmann (1990)
P, Q = P_YEAR / 365.0, Q_YEAR / 365.0
N = 10_000
DAYS = 4_000


def docking_scenario(graph: dict, innovation_per_year: float, grps: float) -> Scenario:
    """Direct channel only, one-time purchase, no forgetting, no outside option, ample stock."""
    return Scenario.model_validate(
        {
            "seed": 7,
            "days": DAYS,
            "market": {"consumers": N, "employee_share": 0.0, "fan_share": 0.0},
            "graph": graph,
            "product": {"kind": "one_time"},
            "trust": {"initial_sd": 0.0},
            "diffusion": {
                "innovation_rate_per_year": innovation_per_year,
                "imitation_rate_per_year": Q_YEAR,
                "forgetting_rate_per_day": 0.0,
            },
            "choice": {"outside_option_utility": None},
            "manufacturer": {"initial_stock_days": 1.0e6},
            "channels": {
                "b2b2c": {"enabled": False},
                "b2c2c": {"enabled": False},
                "b2c": {"advertising": {"grps_per_day": grps, "awareness_per_impression": 0.01}},
            },
        }
    )


def adoption_curve(scenario: Scenario) -> np.ndarray:
    model = ChannelModel(scenario)
    model.run_for(scenario.days)
    return model.datacollector.get_model_vars_dataframe()["adopters"].to_numpy() / N


@pytest.fixture(scope="module")
def bass_run() -> np.ndarray:
    # advertising is the only external influence: p = (GRPs/100) · awareness per impression
    grps = 100.0 * P / 0.01
    return adoption_curve(docking_scenario({"type": "complete"}, 0.0, grps))


def test_bass_docking_curve(bass_run: np.ndarray) -> None:
    """Fully mixed adoption stays within 2 points of F(t) over eleven years."""
    t = np.arange(1, DAYS + 1)
    assert np.max(np.abs(bass_run - bass_adoption(t, P, Q))) < 0.02


def test_bass_docking_peak(bass_run: np.ndarray) -> None:
    """The adoption peak, where F reaches (q − p)/2q, falls within 3 % of t* = ln(q/p)/(p+q)."""
    crossing = int(np.argmax(bass_run >= bass_peak_share(P, Q))) + 1
    assert crossing == pytest.approx(bass_peak_time(P, Q), rel=0.03)


def test_ring_matches_fibich_gibori() -> None:
    """On a ring with two neighbours adoption follows 1 − exp(−(p+q)t + (q/p)(1 − e^{−pt}))."""
    curve = adoption_curve(docking_scenario({"type": "ring", "k": 2}, P_YEAR, 0.0))
    t = np.arange(1, DAYS + 1)
    assert np.max(np.abs(curve - ring_adoption(t, P, Q))) < 0.02
    # and clearly below Bass once word of mouth matters
    assert curve[-1] < bass_adoption(DAYS, P, Q) - 0.15


def test_denser_ring_lies_between_ring_bound_and_bass() -> None:
    """With ten neighbours adoption lies between the ring formula and Bass (strictly, late on)."""
    curve = adoption_curve(docking_scenario({"type": "ring", "k": 10}, P_YEAR, 0.0))
    t = np.arange(1, DAYS + 1)
    lower, upper = ring_adoption(t, P, Q), bass_adoption(t, P, Q)
    assert np.all(curve >= lower - 0.01)
    assert np.all(curve <= upper + 0.01)
    late = t > 2_000
    assert np.all(curve[late] > lower[late] + 0.03)
    assert np.all(curve[late] < upper[late] - 0.03)
