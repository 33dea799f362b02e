"""When the per-node and per-friendship loops run compiled with Numba [Lam2015].

Compiled kernels (:mod:`sim.graph.holme_kim_kernel`, :mod:`sim.graph.entry_kernels`) do the
same arithmetic as the NumPy code they stand for, in the same order, so every output is the same
for the same seed; the tests check them against it value for value. Below
``COMPILED_FROM_NODES`` nodes the NumPy code runs instead: importing Numba and loading the
compiled code costs more there than it saves. Numba is optional: without it the NumPy code runs
at every size.

A compiled kernel is called held back from Ctrl-C and SIGTERM
(:func:`sim.interrupts.held_back`): a signal that comes while Numba compiles or loads it stops
the run when the kernel returns, not inside Numba's own callbacks.
"""

from __future__ import annotations

import functools
import importlib.util
from collections.abc import Callable
from typing import Any

from sim.interrupts import held_back

AVAILABLE = importlib.util.find_spec("numba") is not None
"""Whether Numba is installed (it is imported only when a market is large enough to use it)."""

COMPILED_FROM_NODES = 50_000
"""From this many nodes the compiled kernels are used."""


def wanted(n: int) -> bool:
    """Whether a graph of ``n`` nodes uses the compiled kernels."""
    return AVAILABLE and n >= COMPILED_FROM_NODES


@functools.cache
def compile_kernel(func: Callable[..., Any]) -> Callable[..., Any]:
    """``func`` compiled by Numba (loaded from its on-disk cache after the first time), called
    held back from Ctrl-C and SIGTERM (a signal that comes during it stops the run after it)."""
    import numba

    kernel = numba.njit(cache=True, nogil=True)(func)

    @functools.wraps(func)
    def call(*args: Any) -> Any:
        with held_back():
            return kernel(*args)

    return call
