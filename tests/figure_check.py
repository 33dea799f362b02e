"""What every figure the project draws must satisfy, checked on the matplotlib figure itself.

:func:`figure_problems` lists a figure's faults in words (an empty list: none). The fixture
``figure_inspector`` in ``tests/conftest.py`` runs it on every figure saved while a test runs
(it wraps ``matplotlib.figure.Figure.savefig``), so a test that draws figures through the
project's own code checks all of them.

Rules, for every visible axes that is not a colour bar:

* it shows data: a line with a finite point, a filled area, a bar, an image or a scatter (a
  note such as "no B2B2C channel" is not data: leave the panel out);
* both axes are labelled in words: an axis label, or text tick labels naming categories (a
  bar chart's scenarios); in small multiples a missing label is accepted where another panel in
  the same row (y) or column (x) carries one (or names its categories);
* no title, label, tick label or legend entry holds one of the project's own column, key or
  parameter names (``units_b2c2c``, ``rebate_rate``, ``channels.b2c.price``): names chosen by
  the user (a scenario's name) are fine;
* no axis shows a scientific offset or multiplier (``1e6`` above the axis): numbers are
  written out or scaled in the label (``thousand units``);
* tick labels on one axis do not overlap each other;
* no panel has more than :data:`MAX_BANDS` translucent bands (confidence bands; use small
  multiples). Event windows drawn with ``gid="event"`` and opaque stacked areas do not count.
"""

from __future__ import annotations

import functools
import re

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import Collection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.image import AxesImage
from matplotlib.patches import Rectangle

MAX_BANDS = 4
DOTTED = re.compile(r"\b[a-z0-9_]+\.[a-z][a-z0-9_*<>]*\.[a-z0-9_.*<>]+\b")
WORD = re.compile(r"[A-Za-z0-9_]+")


@functools.cache
def raw_names() -> frozenset[str]:
    """The project's own column, key and parameter names with an underscore (``units_b2c2c``,
    ``rebate_rate``): words a reader should never have to decode on a figure."""
    from sim.docs import parameter_rows
    from sim.outputs import _reference_outputs

    names = {n for name in _reference_outputs() for n in re.split(r"[.]", name)}
    names |= set(_reference_outputs())
    for path, *_ in parameter_rows():
        names |= set(path.split("."))
    return frozenset(n for n in names if "_" in n)


def raw_name_in(text: str) -> str | None:
    """The first raw name in a text (a dotted key path or a name of :func:`raw_names`)."""
    m = DOTTED.search(text)
    if m:
        return m.group(0)
    names = raw_names()
    return next((w for w in WORD.findall(text) if w in names), None)


def _is_colorbar(ax: Axes) -> bool:
    return bool(getattr(ax, "_colorbar", None)) or ax.get_label() == "<colorbar>"


def _has_data(ax: Axes) -> bool:
    for line in ax.get_lines():
        x, y = (np.asarray(v, dtype=float) for v in line.get_data())
        finite = (np.isfinite(x) & np.isfinite(y)).any()
        if line.get_visible() and finite and line.get_gid() != "reference":
            return True
    for c in ax.collections:
        if isinstance(c, Collection) and c.get_visible() and len(c.get_paths()) > 0:
            offsets = c.get_offsets()
            if len(c.get_paths()) > 0 and (len(offsets) > 0 or isinstance(c, PolyCollection)):
                return True
    for p in ax.patches:
        if isinstance(p, Rectangle) and p.get_visible() and (p.get_width() or p.get_height()):
            return True
    return any(isinstance(i, AxesImage) for i in ax.images)


def _tick_texts(ax: Axes, which: str) -> list[str]:
    axis = ax.xaxis if which == "x" else ax.yaxis
    return [t.get_text() for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]


def _categorical(texts: list[str]) -> bool:
    """Whether tick labels are words rather than numbers."""
    words = [t for t in texts if re.search(r"[A-Za-z]{2,}", t)]
    return bool(words) and len(words) >= len(texts) / 2


def _overlapping(boxes: list) -> bool:
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            if a.overlaps(b) and a.intersection(a, b) is not None:
                inter = a.intersection(a, b)
                if inter.width > 1 and inter.height > 1:
                    return True
    return False


def figure_problems(fig: Figure, name: str = "figure") -> list[str]:
    """The rules above that the figure breaks, one line each (``name: panel …: problem``)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    problems: list[str] = []
    axes = [ax for ax in fig.axes if ax.get_visible() and not _is_colorbar(ax)]
    if not axes:
        return [f"{name}: no panel"]
    grid: dict[Axes, tuple[int, int] | None] = {}
    for ax in axes:
        spec = ax.get_subplotspec()
        grid[ax] = (spec.rowspan.start, spec.colspan.start) if spec is not None else None
    for k, ax in enumerate(axes):
        title = ax.get_title() or f"panel {k + 1}"
        where = f"{name}: {title!r}"
        if not _has_data(ax):
            problems.append(f"{where}: empty panel")
        for which in ("x", "y"):
            label = ax.get_xlabel() if which == "x" else ax.get_ylabel()
            if label.strip() or _categorical(_tick_texts(ax, which)):
                continue
            pos = grid[ax]
            neighbours = [
                o
                for o in axes
                if o is not ax
                and pos is not None
                and grid[o] is not None
                and grid[o][1 if which == "x" else 0] == pos[1 if which == "x" else 0]
            ]
            labels = [o.get_xlabel() if which == "x" else o.get_ylabel() for o in neighbours]
            named = [_categorical(_tick_texts(o, which)) for o in neighbours]
            if not any(text.strip() for text in labels) and not any(named):
                problems.append(f"{where}: no {which} label")
        texts = [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        texts += _tick_texts(ax, "x") + _tick_texts(ax, "y")
        legend = ax.get_legend()
        if legend is not None:
            texts += [t.get_text() for t in legend.get_texts()]
        for text in texts:
            raw = raw_name_in(text)
            if raw:
                problems.append(f"{where}: raw name {raw!r} in {text!r}")
        for which, axis in (("x", ax.xaxis), ("y", ax.yaxis)):
            offset = axis.get_offset_text().get_text()
            if offset.strip():
                problems.append(f"{where}: {which} axis offset {offset!r}")
            labels = [t for t in axis.get_ticklabels() if t.get_visible() and t.get_text()]
            boxes = [t.get_window_extent(renderer) for t in labels]
            if _overlapping(boxes):
                problems.append(f"{where}: overlapping {which} tick labels")
        bands = [
            c
            for c in ax.collections
            if isinstance(c, PolyCollection)
            and c.get_gid() != "event"
            and (c.get_alpha() if c.get_alpha() is not None else 1.0) < 0.6
        ]
        if len(bands) > MAX_BANDS:
            problems.append(f"{where}: {len(bands)} bands in one panel (at most {MAX_BANDS})")
    seen = [problems[i] for i in range(len(problems)) if problems[i] not in problems[:i]]
    return seen


def check_open_figures() -> list[str]:
    """Problems of every figure pyplot still holds (for code that returns open figures)."""
    out: list[str] = []
    for number in plt.get_fignums():
        out += figure_problems(plt.figure(number), f"figure {number}")
    return out
