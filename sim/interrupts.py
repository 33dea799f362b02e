"""Ctrl-C and SIGTERM: how a command is stopped, and where a stop must wait.

The command line installs :func:`handler` for both signals. It sets :data:`INTERRUPTED` and
raises ``KeyboardInterrupt`` at once, so a run stops mid-day; where Python swallows that
exception (raised inside a destructor or a callback: "Exception ignored in …"), the flag,
checked after every simulated day and before results are written, stops the command anyway.

Inside :func:`held_back` the handler only sets the flag, and the exception is raised when the
block ends. Compiled kernels run held back: Python cannot act on a signal inside compiled code
anyway, but while Numba compiles or loads a kernel it calls back into Python, and an exception
raised there breaks its cache entry and the run ends with a traceback instead of stopping
cleanly. A sweep's driver calls its executor held back too (:mod:`sim.experiments.sweep`): an
exception raised halfway through a call that takes a lock the executor's threads share can
leave it held, and the driver then hangs at exit.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

INTERRUPTED = threading.Event()
"""Set by Ctrl-C or SIGTERM (cleared when a command starts)."""

_held = 0
"""How many :func:`held_back` blocks the main thread is inside (signals reach only it)."""


def handler(signum: int, frame: object) -> None:
    """Record the signal; raise ``KeyboardInterrupt`` unless held back."""
    INTERRUPTED.set()
    if not _held:
        raise KeyboardInterrupt


def check_interrupted() -> None:
    """Raise ``KeyboardInterrupt`` if Ctrl-C or SIGTERM came, even if its exception was lost."""
    if INTERRUPTED.is_set():
        raise KeyboardInterrupt


@contextmanager
def held_back() -> Iterator[None]:
    """Run a block that a ``KeyboardInterrupt`` must not cut; a signal that came during it
    raises when it ends."""
    global _held
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers run in the main thread only: nothing to hold back here
        return
    _held += 1
    try:
        yield
    finally:
        _held -= 1
    if not _held:
        check_interrupted()
