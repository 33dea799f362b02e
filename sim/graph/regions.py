"""Retail catchment regions: graph regions around seed nodes, in hops."""

from __future__ import annotations

import numpy as np
from scipy.sparse.csgraph import dijkstra

from sim.graph.csr import SocialGraph, check_rng

# ---------------------------------------------------------------------------
# Regions
# ---------------------------------------------------------------------------


def partition_regions(
    graph: SocialGraph, n_regions: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Split the consumers into retail catchment regions.

    Picks ``n_regions`` distinct seed nodes uniformly at random; region
    ``r`` is the set of nodes whose nearest seed (in hops) is
    ``seeds[r]``.  Computed with a single multi-source breadth-first search
    (``scipy.sparse.csgraph.dijkstra(..., indices=seeds, min_only=True,
    unweighted=True, return_predecessors=True)``, whose ``sources`` output
    names the closest seed; ties are broken by the search order).  Nodes
    unreachable from every seed get a uniformly random region.  For a
    complete graph every node is at distance one from every seed, so the
    nodes are assigned uniformly at random but balanced: a random
    permutation is split into ``n_regions`` near-equal consecutive parts,
    and ``seeds[r]`` is the first node of part ``r``.

    Args:
        graph: The social graph.
        n_regions: Number of regions, ``1 <= n_regions <= graph.n``.
        rng: Source of randomness.

    Returns:
        ``(region_of_node, seed_nodes)``: ``int32`` arrays of lengths ``n``
        and ``n_regions``; ``region_of_node[seed_nodes[r]] == r``.
    """
    n = graph.n
    n_regions = int(n_regions)
    if not 1 <= n_regions <= n:
        raise ValueError(f"n_regions must be in 1..{n}, got {n_regions}")
    rng = check_rng(rng)
    if graph.complete:
        perm = rng.permutation(n).astype(np.int32)
        part = (np.arange(n, dtype=np.int64) * n_regions // n).astype(np.int32)
        region = np.empty(n, dtype=np.int32)
        region[perm] = part
        starts = -(-np.arange(n_regions, dtype=np.int64) * n // n_regions)
        return region, perm[starts]
    seeds = rng.choice(n, size=n_regions, replace=False).astype(np.int32)
    return _assign_to_seeds(graph, seeds, rng), seeds


def _assign_to_seeds(graph: SocialGraph, seeds: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Index of the nearest seed (in hops) for every node; unreachable nodes at random."""
    n = graph.n
    n_regions = len(seeds)
    seed_region = np.full(n, -1, dtype=np.int32)
    seed_region[seeds] = np.arange(n_regions, dtype=np.int32)
    if graph.complete:
        region = rng.integers(0, n_regions, size=n, dtype=np.int32)
        region[seeds] = np.arange(n_regions, dtype=np.int32)
        return region
    _, _, sources = dijkstra(
        graph.adjacency(),
        directed=True,
        indices=seeds,
        min_only=True,
        return_predecessors=True,
        unweighted=True,
    )
    region = np.full(n, -1, dtype=np.int32)
    reached = sources >= 0
    region[reached] = seed_region[sources[reached]]
    unreached = ~reached
    n_unreached = int(unreached.sum())
    if n_unreached:
        region[unreached] = rng.integers(0, n_regions, size=n_unreached, dtype=np.int32)
    return region


def nearest_seed(
    graph: SocialGraph, seeds: np.ndarray, nodes: np.ndarray, rng: np.random.Generator
) -> np.ndarray:
    """For each of ``nodes``, the index into ``seeds`` of its nearest seed (in hops).

    Used to hand each retailer (by its region's seed node) to the nearest regional
    distributor, and so on up the chain. Ties follow the search order; nodes that no seed
    reaches, and all nodes of a complete graph, get a uniformly random seed; a seed node
    always maps to itself.

    Args:
        graph: The social graph.
        seeds: Distinct seed nodes (1 ≤ len ≤ n).
        nodes: Nodes to assign.
        rng: Source of randomness.

    Returns:
        ``int64`` array of seed indices, one per node in ``nodes``.
    """
    seeds = np.asarray(seeds, dtype=np.int32)
    if not 1 <= len(seeds) <= graph.n:
        raise ValueError(f"need 1..{graph.n} seeds, got {len(seeds)}")
    region = _assign_to_seeds(graph, seeds, check_rng(rng))
    return region[np.asarray(nodes)].astype(np.int64)
