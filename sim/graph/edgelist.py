"""Reading a user's edge-list file into a :class:`~sim.graph.csr.SocialGraph`."""

from __future__ import annotations

import os
import pathlib

import numpy as np

from sim.graph.csr import SocialGraph, from_edges

# ---------------------------------------------------------------------------
# Edge list files
# ---------------------------------------------------------------------------


class EdgeListError(ValueError):
    """Malformed edge list file.

    Attributes:
        line: 1-based line number of the offending line, or ``None`` for an
            error about the file as a whole (e.g. no edges).
    """

    def __init__(self, message: str, line: int | None = None) -> None:
        """Store the message and the line number."""
        super().__init__(message if line is None else f"line {line}: {message}")
        self.line = line
        self.message = message


def read_edgelist(path: str | os.PathLike[str]) -> tuple[SocialGraph, list[str]]:
    """Read an undirected edge list file.

    Format: one edge ``u v`` per line, fields separated by whitespace and/or
    commas; further columns (e.g. weights) are ignored; ``#`` starts a
    comment (whole-line or trailing); blank lines are skipped.  Labels are
    arbitrary strings, relabelled to ``0..N-1`` in order of first
    appearance (``u`` before ``v`` on each line).  Self-loops and duplicate
    edges (in either orientation) are dropped; a node that only appears in
    a self-loop is kept as an isolated node.

    The whole file is read at once and parsed in a single Python loop with a
    dictionary for relabelling (about 1 µs per line), then the CSR arrays
    are built with :func:`from_edges`.

    Args:
        path: File to read (UTF-8, optional BOM).

    Returns:
        ``(graph, labels)`` where ``labels[i]`` is the original label of
        node ``i``.

    Raises:
        EdgeListError: For a non-blank line with fewer than two fields
            (``.line`` is its 1-based number), or when the file contains no
            edge other than self-loops (``.line`` is ``None``).
    """
    text = pathlib.Path(path).read_text(encoding="utf-8-sig")
    if "," in text:
        text = text.replace(",", " ")
    has_comments = "#" in text
    ids: dict[str, int] = {}
    setdefault = ids.setdefault
    us: list[int] = []
    vs: list[int] = []
    u_append = us.append
    v_append = vs.append
    for lineno, line in enumerate(text.splitlines(), 1):
        if has_comments and "#" in line:
            line = line[: line.index("#")]
        fields = line.split(None, 2)
        if len(fields) < 2:
            if not fields:
                continue
            raise EdgeListError(f"expected two node labels, got {len(fields)} field", lineno)
        u_append(setdefault(fields[0], len(ids)))
        v_append(setdefault(fields[1], len(ids)))
    u = np.array(us, dtype=np.int64)
    v = np.array(vs, dtype=np.int64)
    del us, vs
    graph = from_edges(len(ids), u, v)
    if graph.n_edges == 0:
        raise EdgeListError("edge list contains no edges", None)
    return graph, list(ids)
