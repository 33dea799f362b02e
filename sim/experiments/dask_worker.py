"""Set-up of the workers of ``--dask local``: a Dask preload module (``dask_setup``).

When a local cluster closes at the end of a sweep, one of its workers can be sending its
heartbeat just as the scheduler drops the connection; Dask then logs "Failed to communicate with
scheduler during heartbeat." with a traceback on the terminal (a known race of Dask's
shutdown, dask/distributed#7105), although every run has finished and been written. A local
cluster lives exactly as long as its sweep and its scheduler runs inside the driver, so a
worker that cannot reach the scheduler has nothing to report that the driver does not: this
module drops that one message, and nothing else, from the workers' logs. Clusters of your own
(``--dask tcp://…``) are not touched. Loaded through ``distributed.worker.preload`` in
:data:`sim.experiments.executors.LOCAL_CLUSTER_CONFIG`.
"""

from __future__ import annotations

import logging
from typing import Any

HEARTBEAT_FAILURE = "Failed to communicate with scheduler during heartbeat"


class HeartbeatFailureFilter(logging.Filter):
    """Drops the worker's heartbeat-failure records; lets every other record through."""

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a heartbeat failure, True otherwise."""
        return not str(record.msg).startswith(HEARTBEAT_FAILURE)


def install() -> None:
    """Add :class:`HeartbeatFailureFilter` to the ``distributed.worker`` logger (once)."""
    if not installed():
        logging.getLogger("distributed.worker").addFilter(HeartbeatFailureFilter())


def installed() -> bool:
    """Whether this process's ``distributed.worker`` logger has the filter."""
    logger = logging.getLogger("distributed.worker")
    return any(isinstance(f, HeartbeatFailureFilter) for f in logger.filters)


def dask_setup(worker: Any) -> None:
    """Dask's preload hook: called in each worker process before it starts."""
    install()
