"""A class's sessions on one server: their threads, their end, and the memory they give back.

Thirty students' sessions share one server process. Each steps in threads of its own, and a closed tab's
session must leave nothing behind: its worlds, its threads, the heap pages it used. What is here acts on the
server as a whole and is set up when the app's module loads (``viz/app.py`` imports it); the app's pages
(``viz/app.py``, ``viz/classroom.py``) call :func:`remember_server_loop` as a session's page first renders.
The figures quoted are from the light sessions of ``bench/solara_client.py`` (``bench/app_bench.py``).
"""

from __future__ import annotations

import asyncio
import ctypes
import gc
import logging
import os
import sys
import threading
import time

import anyio.to_thread
import solara.lab
import solara.lifecycle
import solara.server.kernel_context

logger = logging.getLogger(__name__)

#: glibc's malloc option M_ARENA_MAX (malloc.h).
M_ARENA_MAX = -8


def limit_malloc_arenas(arenas: int = 2) -> None:
    """Let glibc's malloc keep at most ``arenas`` heaps, however many threads the server runs.

    Each session steps in threads of its own, and glibc gives busy threads heaps of their own (up to eight per
    core); freed memory stayed scattered across them, and a server whose sessions had all closed kept far more
    than it started with (bench/app_bench.py measures the memory a class leaves behind). ``slacktivism app`` also sets
    MALLOC_ARENA_MAX=2, which holds from the server's first allocation; this call covers
    ``solara run viz/app.py``, from when the module loads.
    """
    try:
        ctypes.CDLL("libc.so.6").mallopt(M_ARENA_MAX, arenas)
    except (OSError, AttributeError):  # not glibc
        pass


limit_malloc_arenas()


def release_memory() -> None:
    """Collect a closed session's objects and hand the freed memory back to the system.

    A few thousand small objects made while a class played outlive it, and wherever one sits, the memory
    around it cannot go back. Python's own small-object allocator gives an arena (1 MiB) back only when
    nothing in it is alive, so arenas mostly empty stayed after a class's sessions closed
    (``sys._debugmallocstats`` shows them). So ``slacktivism app`` has Python allocate with glibc's malloc
    (PYTHONMALLOC=malloc), whose trim (malloc_trim) hands back every free 4 KiB page (bench/app_bench.py
    measures what the server keeps). ``solara run viz/app.py`` does not set it: there the server keeps more.
    Most of those survivors (tracemalloc, 30 sessions) were held by two
    caches this drops: the interpreter's type-attribute cache (traitlets looks up a new string such as
    ``"_comm_changed"`` for each widget it closes, and the cache keeps the last one per slot, about 1,100)
    and Solara's table of threads' contexts (:func:`forget_dead_threads`, about 140).

    Sessions closing together (a class leaving) share one release: a full collection holds every session
    still open, so a release asked for while one runs is done once, when that one ends, not once per session.
    """
    _RELEASE_ASKED.set()
    while _RELEASE_ASKED.is_set() and _RELEASING.acquire(blocking=False):
        try:
            _RELEASE_ASKED.clear()
            forget_dead_threads()
            (getattr(sys, "_clear_internal_caches", None) or sys._clear_type_cache)()  # renamed in Python 3.13
            gc.collect()
            try:
                ctypes.CDLL("libc.so.6").malloc_trim(0)
            except (OSError, AttributeError):  # not glibc: the collection alone
                pass
        finally:
            _RELEASING.release()


#: A release is under way; one was asked for since the last began (see :func:`release_memory`).
_RELEASING = threading.Lock()
_RELEASE_ASKED = threading.Event()


def forget_dead_threads() -> None:
    """Drop Solara's entries for threads that have ended and were left with no context.

    Solara notes each thread's kernel context under the thread's name and id, and a thread that leaves a
    context (a session's Play loop, its replicates, a worker that served its websocket) writes back what was
    there before, usually nothing: the entry stays after the thread has ended.
    """
    contexts = solara.server.kernel_context.current_context
    empty = [key for key, context in contexts.copy().items() if context is None]
    alive = {solara.server.kernel_context.get_thread_key(t) for t in threading.enumerate()}
    for key in empty:
        # Threads of one name (anyio's workers) can get an ended one's id, and so its key: a thread that started
        # since the snapshot and has entered a context is left alone.
        if key not in alive and contexts.get(key, _ABSENT) is None:
            contexts.pop(key, None)


_ABSENT = object()


def session_closed() -> threading.Event:
    """Set when this session's kernel closes (a closed tab, culled): the session's threads stop on it."""
    try:
        return solara.lifecycle.kernel_closed_event()
    except RuntimeError:  # rendered outside a server (solara.render in the tests): it never closes
        return threading.Event()


def forget_session(context) -> None:
    """Drop what a closed session's kernel context holds: its state (the worlds) and its page's render tree.

    A closed context stays reachable for a while (a coroutine of Solara's cull scheduling holds it), and with
    it everything the session held; clearing it lets a class's closed sessions go (bench/app_bench.py). It is
    closed when this runs: nothing reads it again.
    """
    context.user_dicts.clear()
    context.app_object = None
    context.widgets.clear()
    context.templates.clear()


#: The server's event loop, where each session's websocket was accepted (see :func:`retire_idle_threads`).
_SERVER_LOOP: list = [None]


def remember_server_loop() -> None:
    """Note the server's event loop, from this session's websocket (called as a session's page first renders)."""
    try:
        for ws in solara.server.kernel_context.get_current_context().kernel.session.websockets:
            _SERVER_LOOP[0] = getattr(ws, "event_loop", None) or _SERVER_LOOP[0]
    except (RuntimeError, AttributeError):  # rendered outside a server (solara.render in the tests)
        pass


def retire_idle_threads() -> None:
    """Let the server's thread pool end the threads that served closed sessions.

    Solara serves each websocket in a thread of anyio's pool, and the pool ends a thread that has been idle
    for 10 s only when it is next asked for one; after a class closed its tabs, 30 idle threads stayed, holding
    memory that the allocator could not give back. Asking the pool for a thread (from the server's loop) ends them.
    """
    loop = _SERVER_LOOP[0]
    if loop is None or loop.is_closed() or not loop.is_running():  # no server, or one shutting down
        return

    async def ask():
        await anyio.to_thread.run_sync(lambda: None)

    try:
        asyncio.run_coroutine_threadsafe(ask(), loop).result(timeout=2)
    except Exception:  # noqa: BLE001 - a loop that is shutting down: nothing to retire
        pass


#: How long a session's end waits for its kernel to finish closing before leaving it be.
CLOSE_WAIT_S = 120.0


def when_a_session_ends():
    """Free a culled session's worlds once its kernel has closed.

    Solara calls this cleanup at the start of the kernel's close, before it unmounts the page; the page's
    unmounting reads the session's widgets, so they are forgotten only after the close has finished
    (``closed_event``). A fixed delay was not enough: with a class's 30 sessions closing at once on a loaded
    server, one close started more than 5 s after its cleanup and failed on the widgets already forgotten.
    """
    context = solara.server.kernel_context.get_current_context()

    def ended():
        def free():
            if not context.closed_event.wait(timeout=CLOSE_WAIT_S):
                # A close that raised before it finished, or a restarted kernel: leave its state to it.
                logger.warning("session %s did not finish closing in %.0f s; its state is kept", context.id,
                               CLOSE_WAIT_S)
                return
            forget_session(context)
            retire_idle_threads()
            time.sleep(0.5)  # the retired threads end
            release_memory()
        try:
            # A daemon: a server shutting down does not wait for it.
            threading.Thread(target=free, name="session-end", daemon=True).start()
        except RuntimeError:  # no new threads (the interpreter is shutting down): the close goes on without it
            pass

    return ended


solara.lab.on_kernel_start(when_a_session_ends)


_FROZEN: list = []


def freeze_startup_objects() -> None:
    """Keep what the server loaded at start (the libraries, the model's compiled code) out of full collections.

    With a class's sessions open, a full collection walks every object the server holds and holds every session
    while it does; most of those objects were loaded at start and are there for good, and freezing them
    (:func:`gc.freeze`) spares each full collection that part of its work. Only in a server (Solara sets
    SOLARA_APP), not where the app is rendered by the tests. Called at the end of ``viz/app.py``, once everything
    the app imports is loaded.
    """
    if os.environ.get("SOLARA_APP") and not _FROZEN:
        _FROZEN.append(True)  # once: a reload during development runs the app again, with sessions open
        gc.collect()
        gc.freeze()
