"""Where runs execute: a process pool on this machine, or a Dask cluster, behind one protocol.

Sweeps, optimisation and calibration submit functions to an :class:`Executor`
and never look inside it. A local pool's workers share this machine's disk
(``local`` is true), so a sweep's workers write their own results; on a
cluster results travel back to the driver. Both give the same results, since
every run is a pure function of its scenario and seed.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from typing import Any, Protocol, cast


class ExecutorError(ValueError):
    """The executor asked for cannot be used (a scheduler that does not answer); the message is one line."""


class Executor(Protocol):
    """What sweeps, optimisation and calibration need from a pool of workers."""

    #: Processes or threads that run at once.
    workers: int
    #: True when the workers share this machine's disk.
    local: bool

    def start(self, initializer: Callable[..., None] | None = None, initargs: tuple = ()) -> None:
        """Start the workers (once), each running ``initializer(*initargs)`` first where it can."""

    def submit(self, fn: Callable, /, *args: Any, key: str | None = None) -> Any:
        """Start ``fn(*args)``; return its future (``key`` names it on a cluster)."""

    def wait(self, futures: Iterable) -> set:
        """The futures that are done (at least one)."""

    def cancel(self, futures: Iterable) -> None:
        """Drop what has not started and stop without waiting."""

    def close(self) -> None:
        """Release the workers."""


def _worker_init(initializer, initargs) -> None:
    import numba

    numba.set_num_threads(1)  # one process per core; no nested threads
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the driver handles Ctrl-C
    if initializer is not None:
        initializer(*initargs)


def _ready() -> bool:
    time.sleep(0.05)  # long enough that each warm-up task lands on its own worker
    return True


@contextlib.contextmanager
def _main_module_hidden():
    """Start worker processes without the caller's ``__main__`` (a plain script, ``python -m``).

    multiprocessing's forkserver (and its workers) import the parent's main
    module first, so a script without an ``if __name__ == "__main__":``
    guard would run its sweep again inside them, and the pool would break
    (``BrokenProcessPool``). The workers run only this package's functions,
    so they need nothing from the caller's main module: it is hidden while
    they start. A notebook's main module has no file, and is unaffected.
    """
    main = sys.modules.get("__main__")
    if main is None:
        yield
        return
    saved = {name: main.__dict__[name] for name in ("__file__", "__spec__") if name in main.__dict__}
    try:
        for name in saved:
            if name == "__file__":
                del main.__file__
            else:
                main.__spec__ = None
        yield
    finally:
        for name, value in saved.items():
            setattr(main, name, value)


class LocalExecutor:
    """A process pool on this machine (``forkserver`` workers, one compiled-code thread each)."""

    local = True

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self.pool: ProcessPoolExecutor | None = None

    def start(self, initializer=None, initargs=()) -> None:
        """Start the pool (once); each worker runs ``initializer(*initargs)`` first."""
        if self.pool is not None:
            return
        # forkserver: workers fork from a clean single-threaded server, never from the driver
        # (forking a process with threads can deadlock); the model is imported once, there.
        context = multiprocessing.get_context("forkserver")
        preload = ["model"] + ([initializer.__module__] if initializer is not None else [])
        context.set_forkserver_preload(preload)
        # When a worker is killed (out of memory, say) the pool's queues cannot be released in order, and
        # multiprocessing's resource tracker, a process of its own started with the first queue, would print a
        # multi-line "leaked semaphore" warning after our one-line error. The tracker reads this variable.
        os.environ.setdefault("PYTHONWARNINGS", "ignore::UserWarning:multiprocessing.resource_tracker")
        self.pool = ProcessPoolExecutor(max_workers=self.workers, mp_context=context, initializer=_worker_init,
                                        initargs=(initializer, initargs))
        with _main_module_hidden():
            self.warm_up()

    def submit(self, fn, /, *args, key=None):
        """Start ``fn(*args)`` in a worker (starting the pool if needed); ``key`` is for clusters only."""
        if self.pool is None:
            self.start()
        return cast(ProcessPoolExecutor, self.pool).submit(fn, *args)

    def warm_up(self) -> None:
        """Start every worker process now (they otherwise start with the first runs)."""
        for future in [self.submit(_ready) for _ in range(self.workers)]:
            future.result()

    def wait(self, futures):
        """The futures that are done (at least one)."""
        done, _ = wait(futures, return_when=FIRST_COMPLETED)
        return done

    def cancel(self, futures) -> None:
        """Drop what has not started and stop without waiting."""
        if self.pool is not None:
            self.pool.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        """Shut the pool down (if it was started), dropping what has not started."""
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None


class DaskExecutor:
    """An existing Dask distributed cluster (``dask scheduler`` and ``dask worker`` processes)."""

    local = False

    def __init__(self, address: str):
        import socket
        from urllib.parse import urlparse

        from dask.distributed import Client

        url = urlparse(address if "://" in address else f"tcp://{address}")
        if not url.hostname or not url.port:
            raise ValueError("expected tcp://HOST:PORT")
        # Fail at once on a refused connection, rather than after the client's retries.
        with socket.create_connection((url.hostname, url.port), timeout=10):
            pass
        self.client = Client(address, timeout="30s")
        self.workers = max(1, sum(self.client.nthreads().values()))

    def start(self, initializer=None, initargs=()) -> None:
        """Nothing to start: the cluster is running, and its workers need no set-up."""

    def submit(self, fn, /, *args, key=None):
        """Start ``fn(*args)`` on the cluster under ``key`` (never cached: runs are not pure by key)."""
        return self.client.submit(fn, *args, key=key, pure=False)

    def wait(self, futures):
        """The futures that are done (at least one)."""
        from dask.distributed import wait as dask_wait

        return dask_wait(list(futures), return_when="FIRST_COMPLETED").done

    def cancel(self, futures) -> None:
        """Cancel the runs in flight and disconnect."""
        self.client.cancel(list(futures))
        self.client.close()

    def close(self) -> None:
        """Disconnect."""
        self.client.close()


def connect(workers: int | None = None, scheduler: str | None = None) -> Executor:
    """The executor ``--scheduler`` or ``--workers`` asks for.

    Raises:
        ExecutorError: ``--scheduler ADDRESS: cannot connect (...)`` when the cluster does not answer.
    """
    from model.scenario_files import first_line

    if scheduler:
        try:
            return DaskExecutor(scheduler)
        except (OSError, TimeoutError, ValueError) as exc:
            raise ExecutorError(f"--scheduler {scheduler}: cannot connect ({first_line(exc)})") from None
    return LocalExecutor(workers)


def default_workers() -> int:
    """All cores this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
