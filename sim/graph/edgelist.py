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


HEADER_WORDS = frozenset(
    {"source", "target", "from", "to", "u", "v", "src", "dst", "node1", "node2", "i", "j"}
)
"""Column names that mark a first line as a header."""


def _whole(label: str) -> bool:
    return label.lstrip("+-").isdigit()


def _is_header(fields: list[str], rest: list[str], has_comments: bool) -> bool:
    """Whether the first line with labels is a header (see :func:`read_edgelist`)."""
    if fields[0].lower() in HEADER_WORDS and fields[1].lower() in HEADER_WORDS:
        return True
    if _whole(fields[0]) and _whole(fields[1]):
        return False
    for line in rest:
        if has_comments and "#" in line:
            line = line[: line.index("#")]
        nxt = line.split(None, 2)
        if len(nxt) >= 2:
            return _whole(nxt[0]) and _whole(nxt[1])
    return False


def read_edgelist(path: str | os.PathLike[str]) -> tuple[SocialGraph, list[str]]:
    """Read an undirected edge list file.

    Format: one edge ``u v`` per line, fields separated by whitespace and/or
    commas; further columns (e.g. weights) are ignored; ``#`` starts a
    comment (whole-line or trailing); blank lines are skipped.  Labels are
    arbitrary strings, relabelled to ``0..N-1`` in order of first
    appearance (``u`` before ``v`` on each line).  A header line (the first
    line with labels, when it names columns such as ``source,target`` or
    ``from to``, or when its labels are not whole numbers but the next
    line's are) is skipped, not read as an edge.  Self-loops and duplicate
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
    header_checked = False
    lines = text.splitlines()
    for lineno, line in enumerate(lines, 1):
        if has_comments and "#" in line:
            line = line[: line.index("#")]
        fields = line.split(None, 2)
        if len(fields) < 2:
            if not fields:
                continue
            raise EdgeListError(f"expected two node labels, got {len(fields)} field", lineno)
        if not header_checked:
            header_checked = True
            if _is_header(fields, lines[lineno:], has_comments):
                continue
        u_append(setdefault(fields[0], len(ids)))
        v_append(setdefault(fields[1], len(ids)))
    u = np.array(us, dtype=np.int64)
    v = np.array(vs, dtype=np.int64)
    del us, vs
    graph = from_edges(len(ids), u, v)
    if graph.n_edges == 0:
        raise EdgeListError("edge list contains no edges", None)
    return graph, list(ids)
