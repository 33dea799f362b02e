"""Social graphs for the simulated market, stored in CSR form.

Modules: :mod:`~sim.graph.csr` (the :class:`SocialGraph` container and :func:`from_edges`),
:mod:`~sim.graph.generators` (Holme–Kim, Barabási–Albert, Watts–Strogatz, Erdős–Rényi,
stochastic block, ring, complete), :mod:`~sim.graph.edgelist` (a user's edge-list file),
:mod:`~sim.graph.cache` (:func:`build_graph`: dispatch by kind name, in-memory and on-disk
caches), :mod:`~sim.graph.regions` (retail catchment regions by hop distance), and for large
markets the compiled loops: :mod:`~sim.graph.compiled` (when they are used),
:mod:`~sim.graph.holme_kim_kernel` (the Holme–Kim walk) and :mod:`~sim.graph.entry_kernels`
(loops over friendships and reading ties).
"""

from sim.graph.cache import (
    CACHE_FORMAT_VERSION,
    GRAPH_TYPES,
    MEMORY_CACHE_SIZE,
    build_graph,
    clear_memory_cache,
)
from sim.graph.csr import SocialGraph, from_edges
from sim.graph.edgelist import EdgeListError, read_edgelist
from sim.graph.generators import (
    barabasi_albert,
    complete,
    erdos_renyi,
    powerlaw_cluster,
    ring,
    stochastic_block,
    watts_strogatz,
)
from sim.graph.regions import nearest_seed, partition_regions

__all__ = [
    "CACHE_FORMAT_VERSION",
    "GRAPH_TYPES",
    "MEMORY_CACHE_SIZE",
    "EdgeListError",
    "SocialGraph",
    "barabasi_albert",
    "build_graph",
    "clear_memory_cache",
    "complete",
    "erdos_renyi",
    "from_edges",
    "nearest_seed",
    "partition_regions",
    "powerlaw_cluster",
    "read_edgelist",
    "ring",
    "stochastic_block",
    "watts_strogatz",
]
