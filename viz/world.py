"""One simulated world for the classroom app: a model plus what it takes to show it.

The layout is computed once per network (and cached per network and seed),
never per frame. Populations above ``MAX_VIEW`` users are shown through a
sample of them, drawn with a generator of its own so that the view never
touches the model's random numbers. What the browser needs to draw the
network is made here as compact strings (see ``viz/widgets.py``): positions,
edges and rings once per world, and each step one character per user shown.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import numba
import numpy as np

from model import SlacktivismModel
from model.metrics import BY_NAME, SERIES
from model.network import FollowerGraph
from model.scenario import Scenario
from model.state import UserState
from viz.figures import STATE_COLOURS
from viz.layout import layout, undirected_edges

#: Users drawn in the network view; larger populations are sampled.
MAX_VIEW = 2000
#: Edges drawn in the network view, at most.
MAX_EDGES = 4000
#: The integer per-step series the chart draws, ``step`` first (the model's other series are rates).
SERIES_INT = ("step", *tuple(name for name in SERIES if BY_NAME[name].dtype == "int64"))
#: The colours of the user states, indexed by ``UserState`` code (what the canvas reads).
PALETTE = [STATE_COLOURS[s] for s in UserState]


class World:
    """A :class:`~model.SlacktivismModel` with a fixed view of its network.

    ``graph`` reuses a network already built from the same network keys and
    seed (the model would build the very same one), so that a behavioural
    change restarts the run without rebuilding it.
    """

    def __init__(self, scenario: Scenario, seed: int, graph: FollowerGraph | None = None):
        self.scenario = scenario
        self.seed = seed
        self.model = SlacktivismModel(scenario, rng=seed, graph=graph)
        self._view_key = (scenario.network.model_dump_json(), seed)
        self.view, self.positions, self.edges = _view(self.model, *self._view_key)
        self._static = None
        self._rows = [self._row()]  # each step's counts, appended as the model records them
        self._series = None
        # A session's play loop steps the model in one thread while a click or another change renders the page in
        # another; a render that read the step being recorded raised "Length of values (3) does not match length
        # of index (2)" (bench/app_bench.py --load-light-only). Stepping and reading take this lock.
        self._lock = threading.RLock()

    @property
    def steps(self) -> int:
        """Steps taken."""
        return self.model.steps

    @property
    def running(self) -> bool:
        """False once the campaign has settled or reached ``steps``."""
        return self.model.running and self.model.steps < self.scenario.steps

    def step(self, close: Callable[[], None] | None = None) -> None:
        """One model step (nothing if the run is over), on one compiled-code thread.

        ``close``: what closes the step instead of the model's own ``step`` (class mode closes it with its
        students' choices through the model's public ``close_step``; ``viz.seats.RoomSeats.close``).

        A class's sessions step in threads of one server; numba's parallel loops gain nothing at the
        app's sizes, and their OpenMP threads, spinning while they wait on a busy 2-core machine, made a
        step many times slower (``bench/app_bench.py`` measures it). The setting is per thread.
        """
        with self._lock:
            if self.running:
                numba.set_num_threads(1)
                (close or self.model.step)()
                self._rows.append(self._row())

    def _row(self) -> tuple[int, ...]:
        """This step's integer counts, in :data:`SERIES_INT` order (``step`` first)."""
        current = self.model.current
        return tuple(int(current[c]) for c in SERIES_INT)

    def series(self) -> dict[str, list[int]]:
        """The per-step counts so far, by outcome name (``step`` first); made once per step.

        Kept from the model's counts as each step is recorded: building it from the model's time series
        (a pandas frame) at every step cost each session far more than the step itself, times a class.
        """
        with self._lock:
            if self._series is None or self._series[0] != len(self._rows):
                columns = zip(*self._rows, strict=True)
                self._series = (len(self._rows), dict(zip(SERIES_INT, map(list, columns), strict=True)))
            return self._series[1]

    def timeseries(self):
        """The model's time series so far (a whole step's row or none of it)."""
        with self._lock:
            return self.model.timeseries()

    def goal_step(self) -> int | None:
        """The first step at which actions reached the campaign's goal, if they have."""
        goal = self.scenario.campaign.goal_actions
        series = self.series()
        return next((s for s, acted in zip(series["step"], series["acted"], strict=True) if acted >= goal), None)

    def states(self) -> str:
        """One digit per user shown: its ``UserState`` code (the only per-step network data sent)."""
        with self._lock:
            return (self.model.pop.codes()[self.view].astype(np.uint8) + ord("0")).tobytes().decode("ascii")

    def static(self) -> dict[str, str]:
        """Positions (0-1000 per axis), edges and misaligned rings, as the canvas reads them (made once).

        Positions and edges are the view's, made once per network and shared by every world on it (a Reset or
        a class of 30 on one network does not make them again); the rings are this model's users.
        """
        if self._static is None:
            with _CACHE_LOCK:
                drawn = _DRAWN.get(self._view_key)
            if drawn is None:
                xy = np.round(self.positions * 1000).astype(int).ravel()
                made = {"xy": ",".join(map(str, xy.tolist())), "edges": ",".join(map(str, self.edges.ravel().tolist()))}
                with _CACHE_LOCK:
                    if len(_DRAWN) >= 16 and self._view_key not in _DRAWN:
                        _DRAWN.pop(next(iter(_DRAWN)))
                    drawn = _DRAWN.setdefault(self._view_key, made)
            rings = (self.model.pop.misaligned[self.view].astype(np.uint8) + ord("0")).tobytes().decode("ascii")
            self._static = {**drawn, "rings": rings}
        return self._static


#: Views already laid out, by (network keys, seed): shared read-only by all sessions.
_VIEWS: dict = {}
#: The views' positions and edges as the canvas reads them, by the same key.
_DRAWN: dict = {}
#: Sessions step and render in threads of their own: the two caches are read and filled under this lock (what
#: goes in them is made outside it).
_CACHE_LOCK = threading.Lock()


def _view(model, network: str, seed: int):
    """The users shown, their positions and the edges among them (computed once per network).

    Laid out outside the lock (a 20,000-user network takes about a second), so other sessions' Resets and
    rebuilds do not wait for it; two sessions building the same new network at once may both lay it out, and
    the first to finish is kept.
    """
    key = (network, seed)
    with _CACHE_LOCK:
        if key in _VIEWS:
            return _VIEWS[key]
    n = model.n_users
    rng = np.random.default_rng([seed, 7])  # the view's own generator, not the model's
    view = np.arange(n) if n <= MAX_VIEW else np.sort(rng.choice(n, MAX_VIEW, replace=False))
    edges = undirected_edges(model.graph, view)
    positions = layout(len(view), edges, seed)
    if len(edges) > MAX_EDGES:
        edges = edges[np.sort(rng.choice(len(edges), MAX_EDGES, replace=False))]
    with _CACHE_LOCK:
        if len(_VIEWS) >= 16 and key not in _VIEWS:
            _VIEWS.pop(next(iter(_VIEWS)))
        return _VIEWS.setdefault(key, (view, positions, edges))
