"""``slacktivism app``: the classroom web app (Solara), served offline."""

from __future__ import annotations

import sys
from pathlib import Path

from slacktivism.commands.base import Command, non_negative, say

#: The app server's environment. One compiled-code thread per session: a class's sessions are the parallelism,
#: and numba's parallel loops gain nothing at the app's sizes while their OpenMP threads compete with the other
#: sessions (bench/app_bench.py measures the step). glibc's malloc keeps two heaps however many session threads
#: run (viz/sessions.py, limit_malloc_arenas, says why); set here it holds from the server's first allocation.
#: Python's objects are allocated by glibc's malloc too, so that a class's closed sessions give their memory back
#: (viz/sessions.py, release_memory, says why).
APP_ENV = {"NUMBA_NUM_THREADS": "1", "OMP_WAIT_POLICY": "passive", "MALLOC_ARENA_MAX": "2", "PYTHONMALLOC": "malloc"}


class App(Command):
    """Serve the app."""

    name = "app"
    help = "the classroom web app (Solara), offline"

    def add_arguments(self, parser):
        """Where to listen."""
        parser.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
        parser.add_argument("--port", type=non_negative, default=8765, help="port (default 8765)")

    def run(self, args, argv):
        """Serve viz/app.py with Solara; its front-end files come from solara-assets (no internet)."""
        import os
        import subprocess

        import viz

        app = Path(viz.__file__).resolve().parent / "app.py"
        env = {**APP_ENV, **os.environ}
        # Before serving, so that the class's first Step does not wait for the kernels to compile
        # (slacktivism/warm.py); a process of its own, so that the compiler's memory is not kept.
        say("slacktivism app: preparing the model (about 30 s the first time after installing, then a second)")
        try:
            failed = subprocess.call([sys.executable, "-m", "slacktivism.warm"], env=env)
        except KeyboardInterrupt:
            return 0
        if failed:
            say(f"slacktivism app: the model could not be prepared (exit {failed}); see the message above")
            return failed
        say(f"slacktivism app: http://{args.host}:{args.port}")
        command = [sys.executable, "-m", "solara", "run", str(app), "--host", args.host, "--port", str(args.port),
                   "--production", "--no-open", "--no-check-version"]
        try:
            return subprocess.call(command, env=env)
        except KeyboardInterrupt:
            return 0
