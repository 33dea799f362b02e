"""Building a graph by kind name, with an in-process LRU cache and an optional on-disk cache."""

from __future__ import annotations

import collections
import contextlib
import hashlib
import json
import os
import pathlib
import sys
import tempfile
import zipfile
from typing import Any

import numpy as np

from sim.graph.csr import SocialGraph
from sim.graph.edgelist import read_edgelist
from sim.graph.generators import (
    barabasi_albert,
    complete,
    erdos_renyi,
    powerlaw_cluster,
    ring,
    stochastic_block,
    watts_strogatz,
)

GRAPH_TYPES: tuple[str, ...] = (
    "powerlaw_cluster",
    "barabasi_albert",
    "watts_strogatz",
    "erdos_renyi",
    "stochastic_block",
    "ring",
    "complete",
    "edgelist",
)


CACHE_FORMAT_VERSION = 1
#: Number of graphs kept in the in-process LRU cache.
MEMORY_CACHE_SIZE = 4


# ---------------------------------------------------------------------------
# Dispatch and caching
# ---------------------------------------------------------------------------

_MEMORY_CACHE: collections.OrderedDict[str, SocialGraph] = collections.OrderedDict()


def clear_memory_cache() -> None:
    """Empty the in-process graph cache used by :func:`build_graph`."""
    _MEMORY_CACHE.clear()


def _generate(kind: str, n: int, params: dict[str, Any], seed: int) -> SocialGraph:
    rng = np.random.default_rng(seed)
    if kind == "powerlaw_cluster":
        return powerlaw_cluster(n, rng=rng, **params)
    if kind == "barabasi_albert":
        return barabasi_albert(n, rng=rng, **params)
    if kind == "watts_strogatz":
        return watts_strogatz(n, rng=rng, **params)
    if kind == "erdos_renyi":
        return erdos_renyi(n, rng=rng, **params)
    if kind == "stochastic_block":
        return stochastic_block(n, rng=rng, **params)
    if kind == "ring":
        return ring(n, **params)
    if kind == "complete":
        return complete(n, **params)
    if kind == "edgelist":
        return read_edgelist(**params)[0]
    raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_TYPES}")


def _cache_key(kind: str, n: int, params: dict[str, Any], seed: int) -> str:
    """sha256 of a canonical JSON description of the graph request."""
    desc: dict[str, Any] = {
        "version": CACHE_FORMAT_VERSION,
        "kind": kind,
        "n": n,
        "params": params,
        "seed": seed,
    }
    if kind == "edgelist":
        p = pathlib.Path(params["path"])
        st = p.stat()
        desc["n"] = None
        desc["seed"] = None
        desc["file"] = {
            "path": str(p.resolve()),
            "size": st.st_size,
            "mtime_ns": st.st_mtime_ns,
        }
    text = json.dumps(desc, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


_WARNED: set[str] = set()


def _warn_once(message: str) -> None:
    """One line on stderr, once per process."""
    if message not in _WARNED:
        _WARNED.add(message)
        print(message, file=sys.stderr)


def _save_npz(path: pathlib.Path, graph: SocialGraph) -> None:
    """Write ``graph`` to ``path`` atomically (temp file + ``os.replace``)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {
        "n": np.array(graph.n, dtype=np.int64),
        "complete": np.array(graph.complete),
        "indptr": np.asarray(graph.indptr),
        "indices": np.asarray(graph.indices),
    }
    if graph.communities is not None:
        arrays["communities"] = np.asarray(graph.communities)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _load_npz(path: pathlib.Path) -> SocialGraph | None:
    """Load a cached graph, or ``None`` if the file is missing or corrupt."""
    try:
        with np.load(path, allow_pickle=False) as data:
            communities = data.get("communities")
            return SocialGraph(
                n=int(data["n"]),
                indptr=data["indptr"],
                indices=data["indices"],
                complete=bool(data["complete"]),
                communities=communities,
            )
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        return None


def build_graph(
    kind: str,
    n: int,
    params: dict[str, Any],
    seed: int,
    cache_dir: pathlib.Path | None = None,
) -> SocialGraph:
    """Build (or fetch from cache) a graph of the given kind.

    The generator named ``kind`` is called with ``n``, ``**params`` and
    ``rng = np.random.default_rng(seed)`` (``ring`` and ``complete`` take no
    ``rng``; for ``"edgelist"`` ``params = {"path": ...}`` and ``n`` is
    ignored).  Results are cached in an in-process LRU of
    :data:`MEMORY_CACHE_SIZE` graphs and, if ``cache_dir`` is given, in
    ``cache_dir / f"{key}.npz"`` where ``key`` is the sha256 of the canonical
    JSON of ``(kind, n, sorted params, seed, CACHE_FORMAT_VERSION)`` (plus
    the file's resolved path, size and ``mtime_ns`` for edge lists).  Disk
    writes are atomic; an unreadable cache file is ignored and rewritten.

    Args:
        kind: One of :data:`GRAPH_TYPES`.
        n: Number of nodes.
        params: Keyword arguments of the generator.
        seed: Seed for :func:`numpy.random.default_rng`.
        cache_dir: Optional directory for the on-disk cache.

    Returns:
        The graph (cached instances are shared; their arrays are read-only).

    Raises:
        ValueError: For an unknown ``kind`` or invalid parameters.
    """
    if kind not in GRAPH_TYPES:
        raise ValueError(f"unknown graph kind {kind!r}; expected one of {GRAPH_TYPES}")
    params = dict(params)
    n = int(n)
    seed = int(seed)
    key = _cache_key(kind, n, params, seed)
    graph = _MEMORY_CACHE.get(key)
    if graph is not None:
        _MEMORY_CACHE.move_to_end(key)
        return graph
    path = None
    if cache_dir is not None:
        path = pathlib.Path(cache_dir) / f"{key}.npz"
        if path.exists():
            graph = _load_npz(path)
    if graph is None:
        graph = _generate(kind, n, params, seed)
        if path is not None:
            try:
                _save_npz(path, graph)
            except OSError as exc:  # the cache only saves time: say so once and go on
                _warn_once(f"warning: graph cache {cache_dir} not written ({exc.strerror or exc})")
    _MEMORY_CACHE[key] = graph
    while len(_MEMORY_CACHE) > MEMORY_CACHE_SIZE:
        _MEMORY_CACHE.popitem(last=False)
    return graph
