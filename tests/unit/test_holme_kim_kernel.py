"""The compiled Holme–Kim walk builds the very graph of the Python loop for the same seed,
including the retries that refill the random pool (high triad probability, many edges per
node), without triads and with one edge per node."""

from __future__ import annotations

import numpy as np
import pytest

from sim.graph import compiled, generators, holme_kim_kernel

pytestmark = pytest.mark.skipif(not compiled.AVAILABLE, reason="numba not installed")


@pytest.mark.parametrize(
    ("n", "m", "p", "seed"),
    [(60, 3, 0.5, 1), (3000, 1, 0.5, 2), (5000, 4, 0.0, 3), (8000, 8, 1.0, 4), (30000, 5, 0.5, 5)],
)
def test_compiled_walk_is_the_python_walk(n: int, m: int, p: float, seed: int) -> None:
    chunk = 1000  # several batches, so the pool carries over between them
    python = generators._holme_kim_walk(n, m, p, np.random.default_rng(seed), chunk)
    compiled = holme_kim_kernel.holme_kim_targets(n, m, p, np.random.default_rng(seed), chunk)
    assert compiled.dtype == python.dtype and np.array_equal(compiled, python)


def test_large_graphs_use_the_compiled_walk() -> None:
    n = compiled.COMPILED_FROM_NODES
    rng = np.random.default_rng(9)
    graph = generators.powerlaw_cluster(n, 5, 0.5, rng)
    saved = compiled.AVAILABLE
    compiled.AVAILABLE = False
    try:
        python = generators.powerlaw_cluster(n, 5, 0.5, np.random.default_rng(9))
    finally:
        compiled.AVAILABLE = saved
    assert np.array_equal(graph.indptr, python.indptr)
    assert np.array_equal(graph.indices, python.indices)
