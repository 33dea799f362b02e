"""Numbers and tables for reports: compact number formatting, ``mean (low – high)`` cells,
Markdown tables.
"""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import numpy as np

from sim.experiments.statistics import Stats


def fmt(x: float) -> str:
    """A number for a table: thousands separators, a few significant digits; NaN as '–'."""
    if x is None or not np.isfinite(x):
        return "–"
    a = abs(x)
    if a >= 1000:
        return f"{x:,.0f}"
    if a >= 10:
        return f"{x:,.1f}"
    if a >= 1:
        return f"{x:.2f}"
    if a == 0:
        return "0"
    return f"{x:.3g}"


def cell(s: Stats, of: int | None = None) -> str:
    """``mean (low – high)``, or the mean alone for n = 1; ``n=k of N`` when values are
    missing for some runs."""
    if s.n == 0:
        return "–"
    text = fmt(s.mean) if s.n < 2 else f"{fmt(s.mean)} ({fmt(s.ci_low)} – {fmt(s.ci_high)})"
    if of is not None and s.n < of:
        text += f" [n={s.n} of {of}]"
    return text


def md_table(header: list[str], rows: list[list[str]]) -> str:
    def esc(text: str) -> str:
        return str(text).replace("|", "\\|").replace("\n", " ")

    lines = ["| " + " | ".join(esc(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" if k == 0 else "---:" for k in range(len(header))) + "|")
    lines += ["| " + " | ".join(esc(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)
