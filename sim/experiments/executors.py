"""Evaluators: ``concurrent.futures`` executors that run :func:`sim.experiments.runner.execute`.

* serial: runs each task in this process when it is submitted (``--workers 1``);
* processes: a :class:`~concurrent.futures.ProcessPoolExecutor` (default: ``os.cpu_count()``
  workers; the ``forkserver`` start method where available, so workers fork from a clean
  process that has imported the model once; workers ignore Ctrl-C, which the driver handles,
  and exit when the driver dies);
* Dask: ``distributed.Client(address).get_executor()``, or with ``local`` a
  ``LocalCluster(n_workers, threads_per_worker=1, processes=True, host="127.0.0.1",
  dashboard_address="127.0.0.1:0")`` started for the sweep (with
  :data:`LOCAL_CLUSTER_CONFIG`) and closed after it. Workers of a cluster of your own should
  be started without ``MALLOC_TRIM_THRESHOLD_`` in their environment (e.g. ``dask worker
  --no-nanny``, or the Dask setting
  ``distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_: null``). Dask's scheduler
  reruns a task whose worker died; no scheduling of our own.

Only the address the user gives is ever contacted.
"""

from __future__ import annotations

import concurrent.futures as cf
import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

DASK_CONNECT_TIMEOUT = "20s"
LOCAL_CLUSTER_CONFIG: dict[str, Any] = {
    "distributed.nanny.pre-spawn-environ.MALLOC_TRIM_THRESHOLD_": None,
    "distributed.nanny.pre-spawn-environ.OMP_NUM_THREADS": None,
    "distributed.nanny.pre-spawn-environ.MKL_NUM_THREADS": None,
    "distributed.nanny.pre-spawn-environ.OPENBLAS_NUM_THREADS": None,
    "distributed.worker.profile.enabled": False,
    # Dask's scheduler and workers always open an HTTP port (on 127.0.0.1 here, the
    # scheduler's on a free port, not 8787); with no routes it serves nothing: no dashboard,
    # no metrics
    "distributed.scheduler.http.routes": [],
    "distributed.worker.http.routes": [],
    "distributed.admin.tick.interval": "1s",
    "distributed.admin.tick.limit": "30s",
    "distributed.admin.system-monitor.interval": "5s",
    "distributed.worker.memory.monitor-interval": "1s",
    "distributed.worker.preload": ["sim.experiments.dask_worker"],
}
"""Dask settings of ``--dask local``: its workers run like process-pool workers, one long
simulation at a time, with as little housekeeping beside it as Dask allows.

Dask's nannies start workers with ``MALLOC_TRIM_THRESHOLD_=65536``, which turns off glibc's
adaptive mmap threshold so every large numpy array is mapped and unmapped afresh: a run of the
model is about 35 % slower under it (measured on the three-channel scenario at 10,000
consumers); ``None`` leaves a variable unset, so workers inherit the driver's environment, as
pool workers do (also for the thread counts of numerical libraries). The statistical profiler
samples every worker thread every 10 ms for a dashboard that ``--dask local`` does not start;
the event-loop tick, the system monitor and the memory monitor run less often (their defaults,
20 ms, 500 ms and 100 ms, suit interactive work). The preload
(:mod:`sim.experiments.dask_worker`) keeps a known race of Dask's shutdown from printing a
traceback at the end of a sweep."""


class ExecutorError(Exception):
    """An executor cannot be started or reached (bad user input: exit code 2)."""


class SerialExecutor(cf.Executor):
    """Runs each call in this process at submission; returns completed futures."""

    def __init__(self) -> None:
        self._shutdown = False

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> cf.Future:
        """Run ``fn(*args, **kwargs)`` now; its result (or exception) is in the future."""
        if self._shutdown:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: cf.Future = cf.Future()
        future.set_running_or_notify_cancel()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Refuse further submissions (nothing is ever pending)."""
        self._shutdown = True


@dataclass
class Evaluator:
    """An executor and what to record about it.

    Attributes:
        executor: The ``concurrent.futures`` executor.
        kind: ``serial``, ``processes``, ``dask-local`` or ``dask``.
        workers: Number of workers when the sweep started.
        address: The Dask scheduler's address (None otherwise).
    """

    executor: cf.Executor
    kind: str
    workers: int
    address: str | None = None
    _abandon: Callable[[], None] | None = field(default=None, repr=False)
    _restart: Callable[[], None] | None = field(default=None, repr=False)

    @property
    def can_restart(self) -> bool:
        """Whether a broken executor can be replaced by a fresh one (the process pool)."""
        return self._restart is not None

    def restart(self) -> None:
        """Replace a broken process pool (a worker was killed) by a fresh one."""
        if self._restart is None:
            raise RuntimeError("this executor cannot be restarted")
        self._restart()

    def abandon(self) -> None:
        """Stop now (after Ctrl-C): cancel queued work, stop running work where possible."""
        if self._abandon is not None:
            self._abandon()
        else:
            self.executor.shutdown(wait=False, cancel_futures=True)


def _init_worker() -> None:
    """Pool workers leave Ctrl-C to the driver (which stops them), and exit if it dies.

    A pool worker blocks on its task queue, which it holds both ends of, so it would outlive a
    driver killed outright (SIGKILL, out of memory); a watchdog thread ends it when the
    parent's sentinel closes.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(
            target=_exit_with, args=(parent.sentinel,), daemon=True, name="exit-with-driver"
        ).start()


def _exit_with(sentinel: int) -> None:
    multiprocessing.connection.wait([sentinel])
    os._exit(1)


@contextmanager
def open_evaluator(workers: int | None = None, dask: str | None = None) -> Iterator[Evaluator]:
    """Start the executor the command line asks for, and always shut it down.

    Args:
        workers: Worker processes (None: ``os.cpu_count()``); 1 without Dask runs in-process.
            Ignored for a Dask cluster given by address (its workers are what they are).
        dask: None, ``local`` for a local Dask cluster, or a scheduler address.

    Raises:
        ExecutorError: If Dask is missing or its scheduler cannot be reached.
    """
    if dask is None:
        n = workers or os.cpu_count() or 1
        if n == 1:
            yield Evaluator(SerialExecutor(), "serial", 1)
            return
        with _process_pool(n) as evaluator:
            yield evaluator
        return
    with _dask(workers, dask) as evaluator:
        yield evaluator


@contextmanager
def _process_pool(n: int) -> Iterator[Evaluator]:
    methods = multiprocessing.get_all_start_methods()
    method = "forkserver" if "forkserver" in methods else "spawn"
    context = multiprocessing.get_context(method)
    if method == "forkserver":
        context.set_forkserver_preload(["sim.experiments.runner", "sim.model"])

    def new_pool() -> cf.ProcessPoolExecutor:
        return cf.ProcessPoolExecutor(max_workers=n, mp_context=context, initializer=_init_worker)

    evaluator = Evaluator(new_pool(), "processes", n)

    def abandon() -> None:
        pool = evaluator.executor
        terminate = getattr(pool, "terminate_workers", None)  # Python >= 3.14
        if terminate is not None:
            terminate()
            return
        # the workers are taken before shutdown() forgets them (it sets _processes to None),
        # else they would go on with their runs and the driver would wait for them at exit
        workers = list((getattr(pool, "_processes", None) or {}).values())
        pool.shutdown(wait=False, cancel_futures=True)
        for process in workers:
            process.terminate()

    def restart() -> None:
        abandon()
        evaluator.executor = new_pool()

    evaluator._abandon = abandon
    evaluator._restart = restart
    try:
        yield evaluator
    finally:
        evaluator.executor.shutdown(wait=True, cancel_futures=True)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ignore SIGINT while child processes are started (they keep ignoring it)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextmanager
def _dask(workers: int | None, address: str) -> Iterator[Evaluator]:
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise ExecutorError(
            "--dask needs the dask extra: python -m pip install 'chansim[dask]'"
        ) from None
    cluster = None
    if address == "local":
        import dask

        with _sigint_ignored(), dask.config.set(LOCAL_CLUSTER_CONFIG):
            # the processes inherit SIGINT ignored: Ctrl-C is the driver's to handle
            cluster = LocalCluster(
                n_workers=workers or os.cpu_count() or 1,
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                dashboard_address="127.0.0.1:0",  # Dask always opens one: any free port
            )
        client = Client(cluster)
        kind = "dask-local"
    else:
        try:
            client = Client(address, timeout=DASK_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, ValueError) as exc:
            message = " ".join(str(exc).split()) or type(exc).__name__
            raise ExecutorError(
                f"--dask {address}: cannot reach a Dask scheduler ({message})"
            ) from None
        kind = "dask"
    executor = client.get_executor(pure=False)
    try:
        n = len(client.nthreads())
        yield Evaluator(
            executor,
            kind,
            n,
            address=cluster.scheduler_address if cluster is not None else address,
            _abandon=lambda: executor.shutdown(wait=False),
        )
    finally:
        executor.shutdown(wait=False)
        client.close()
        if cluster is not None:
            cluster.close()
