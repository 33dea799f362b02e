"""Seeds and names of the runs of an experiment.

One root seed per experiment. Run (point p, replication r) gets the seed sequence
``numpy.random.SeedSequence(root, spawn_key=(p, r))``: exactly the grandchild
``SeedSequence(root).spawn(p + 1)[p].spawn(r + 1)[r]`` (spawning appends the child's index to
the parent's ``spawn_key``), so a run's seed depends only on the root seed and its own (p, r) —
not on the number of points or replications, the order of the runs or who runs them.

With common random numbers (the experiment's ``common_random_numbers``, on by default for a
comparison of scenarios) every point uses the seeds of point 0: run (p, r) gets
``SeedSequence(root, spawn_key=(0, r))``, so replication r of every scenario starts from the same
seed, builds the same graph and draws the same consumers, and differences between scenarios
are measured on paired runs.

The scenario of a run needs one non-negative integer (``scenario.seed``): two 32-bit words of
the sequence's state, combined into 63 bits. The design's samplers are seeded with the root
itself (``numpy.random.default_rng(root)`` for scipy.stats.qmc, ``root mod 2**32`` for SALib),
independently of every run's stream.
"""

from __future__ import annotations

import numpy as np

SEED_BITS = 63


def run_seed_sequence(root: int, point_id: int, replication: int) -> np.random.SeedSequence:
    """The seed sequence of run (point, replication) of an experiment with this root seed."""
    return np.random.SeedSequence(root, spawn_key=(point_id, replication))


def run_seed(root: int, point_id: int, replication: int) -> int:
    """The scenario seed of run (point, replication): a non-negative integer below 2**63.

    Args:
        root: The experiment's root seed.
        point_id: The point's index in the design (0-based).
        replication: The replication's index (0-based).

    Returns:
        ``(w0 << 32 | w1) mod 2**63`` for the first two uint32 words of the run's state.
    """
    w0, w1 = run_seed_sequence(root, point_id, replication).generate_state(2, np.uint32)
    return ((int(w0) << 32) | int(w1)) & ((1 << SEED_BITS) - 1)


def run_id(point_id: int, replication: int) -> str:
    """The run's name, ``p{point:04d}-r{replication:03d}`` (sorts as (point, replication))."""
    return f"p{point_id:04d}-r{replication:03d}"
