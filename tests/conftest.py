import os
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from model.scenario import Scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"


def scenario(**sections) -> Scenario:
    """A validated scenario from nested keyword sections."""
    return Scenario.model_validate(sections)


def threshold_scenario(network: dict, thresholds, kind: str = "count", seeding=None, steps: int = 1000,
                       **extra) -> Scenario:
    """The pure threshold model: deterministic rule, no token weight, no slacktivism effects.

    Token support is priced out (cost 10) so that only actions change state.
    """
    if isinstance(thresholds, dict):
        dist = thresholds
    else:
        dist = {"dist": "values", "values": [float(t) for t in thresholds]}
    return scenario(
        steps=steps,
        network=network,
        seeding=seeding or {"strategy": "none"},
        users={"threshold": dist, "threshold_kind": kind},
        decision={"rule": "threshold", "token_weight": 0.0, "cost_like": 10.0, "cost_share": 10.0},
        media={"hazard": 0.0},
        **extra,
    )


@pytest.fixture
def root() -> Path:
    return ROOT


def dense_followee_matrix(graph) -> np.ndarray:
    """A[i, j] = 1 if user i follows user j, built straight from the CSR rows."""
    n = graph.n_users
    a = np.zeros((n, n), dtype=np.int64)
    for j in range(n):
        a[graph.followers_of(j), j] = 1
    return a


def run_in_terminal(cmd: list[str], cwd=ROOT, timeout: float = 120) -> tuple[int, str]:
    """Run a command with a real pseudo-terminal (80x24) as stdin, stdout and stderr."""
    import fcntl
    import os
    import pty
    import struct
    import subprocess
    import termios

    controller, terminal = pty.openpty()
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    process = subprocess.Popen(cmd, stdin=terminal, stdout=terminal, stderr=terminal, cwd=cwd)
    os.close(terminal)
    chunks = []
    while True:
        try:
            data = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process has ended
            break
        if not data:
            break
        chunks.append(data)
    code = process.wait(timeout=timeout)
    os.close(controller)
    return code, b"".join(chunks).decode(errors="replace")


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nothing listens on now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_serving(url: str, process: subprocess.Popen | None = None, timeout: float = 90) -> None:
    """Return once ``url`` answers 200; AssertionError if it has not within ``timeout`` or ``process`` ended."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if time.monotonic() > deadline or (process is not None and process.poll() is not None):
            raise AssertionError(f"the app did not start at {url}")
        time.sleep(0.3)


@contextmanager
def app_server(timeout: float = 90):
    """``slacktivism app`` on a free port of 127.0.0.1: yields its URL once it answers, then stops it."""
    port = free_port()
    # The checkout under test first on the path: the `slacktivism` script's own directory is not the checkout, and
    # an editable install may point at another worktree.
    path = os.pathsep.join([str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])])
    env = {**os.environ, "NO_PROXY": "127.0.0.1,localhost", "PYTHONPATH": path}
    process = subprocess.Popen([str(Path(sys.executable).parent / "slacktivism"), "app", "--port", str(port)],
                               cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               start_new_session=True)
    try:
        url = f"http://127.0.0.1:{port}/"
        wait_until_serving(url, process, timeout)
        yield url
    finally:
        os.killpg(process.pid, 15)
        process.wait(timeout=30)


#: Debian's Chromium, which the browser tests drive through Playwright (its own browser download is not used).
CHROMIUM = "/usr/bin/chromium"
BROWSER_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class HandClock:
    """A clock a test moves by hand (``clock.now += 30``): class rooms' time-outs without waiting."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


@pytest.fixture
def clock():
    """A hand-moved clock for class rooms."""
    return HandClock()


@pytest.fixture
def rooms(clock, tmp_path):
    """A server's rooms on the hand-moved clock, journaling into the test's folder."""
    from viz.room_server import Rooms

    return Rooms(clock=clock, journal_dir=tmp_path)


def open_room(rooms, n=5, **settings):
    """A room of 600 users with ``n`` students joined from browsers of their own: (room, students)."""
    from viz.rooms import RoomSettings

    room = rooms.open(RoomSettings(n_users=600, **settings))
    students = [room.join(f"Student {k}", client=f"browser-{k}") for k in range(n)]
    return room, students


def wait_for(condition, timeout=30.0, what="condition"):
    """Poll ``condition`` until it is truthy (its value is returned) or ``timeout`` seconds pass."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture(scope="session", autouse=True)
def rooms_journal_dir(tmp_path_factory):
    """Class rooms opened by the tests (and by the app servers they start) journal into a temporary directory."""
    path = tmp_path_factory.mktemp("rooms")
    os.environ["SLACKTIVISM_ROOMS_DIR"] = str(path)
    yield path
    os.environ.pop("SLACKTIVISM_ROOMS_DIR", None)


@pytest.fixture(scope="module")
def app_url():
    """One app server for a module of browser tests."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install chromium)")
    with app_server() as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, headless, for a module of browser tests."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=BROWSER_FLAGS)
        yield launched
        launched.close()


@contextmanager
def dask_cluster(workers: int = 2):
    """A real `dask scheduler` and `dask worker` processes (one thread each) on 127.0.0.1: yields the address."""
    from dask.distributed import Client

    bin_dir = Path(sys.executable).parent
    port = free_port()
    address = f"tcp://127.0.0.1:{port}"
    env = {**os.environ, "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    procs = [subprocess.Popen([str(bin_dir / "dask"), "scheduler", "--host", "127.0.0.1", "--port", str(port),
                               "--no-dashboard"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)]
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        for _ in range(workers):
            procs.append(subprocess.Popen([str(bin_dir / "dask"), "worker", address, "--nthreads", "1",
                                           "--no-dashboard", "--host", "127.0.0.1"], cwd=ROOT,
                                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env))
        with Client(address, timeout="30s") as client:
            client.wait_for_workers(workers, timeout=60)
        yield address
    finally:
        for p in reversed(procs):
            p.terminate()
        for p in procs:
            p.wait(timeout=30)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Tests that start the app server or drive Chromium are marked ``browser`` (``make test-fast`` skips them)."""
    for item in items:
        if {"browser", "app_url"} & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.browser)


def stored_generations(db: Path) -> int:
    """How many ABC generations a calibration's pyabc database holds (0 if it cannot be read yet)."""
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=1) as con:
            return con.execute("SELECT COUNT(*) FROM populations WHERE t >= 0").fetchone()[0]
    except sqlite3.Error:
        return 0
