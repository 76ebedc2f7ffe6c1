"""One simulated world for the classroom app: a model plus what it takes to show it.

The layout is computed once per network (and cached per scenario and seed),
never per frame. Populations above ``MAX_VIEW`` users are shown through a
sample of them, drawn with a generator of its own so that the view never
touches the model's random numbers. Rendering is plain SVG: each user is a
circle whose tooltip says who it is and why it did what it did, which works
in any browser with no extra JavaScript.
"""

from __future__ import annotations

from html import escape

import numpy as np

from model import SlacktivismModel
from model.agents import user_records
from model.scenario import Scenario
from model.state import UserState
from viz.figures import STATE_COLOURS
from viz.layout import layout, undirected_edges

#: Users drawn in the network view; larger populations are sampled.
MAX_VIEW = 2000
#: Edges drawn in the network view, at most.
MAX_EDGES = 4000
#: Size of the network view, in pixels.
WIDTH, HEIGHT = 560, 420


class World:
    """A :class:`~model.SlacktivismModel` with a fixed view of its network."""

    def __init__(self, scenario: Scenario, seed: int):
        self.scenario = scenario
        self.seed = seed
        self.model = SlacktivismModel(scenario, rng=seed)
        self.view, self.positions, self.edges = _view(self.model, scenario.digest(), seed)

    @property
    def steps(self) -> int:
        """Steps taken."""
        return self.model.steps

    @property
    def running(self) -> bool:
        """False once the campaign has settled or reached ``steps``."""
        return self.model.running and self.model.steps < self.scenario.steps

    def step(self) -> None:
        """One model step (nothing if the run is over)."""
        if self.running:
            self.model.step()

    def series(self):
        """The per-step counts so far."""
        return self.model.timeseries()

    def svg(self, width: int = WIDTH, height: int = HEIGHT) -> str:
        """The users as SVG circles, coloured by state, misaligned sharers ringed.

        Each user's tooltip is its record and the reason for its state. The
        edges are a separate, static layer (:meth:`edges_svg`) drawn under it,
        so a step sends only the users.
        """
        codes = self.model.pop.codes()[self.view]
        misaligned = self.model.pop.misaligned[self.view]
        x, y = self._xy(width, height)
        tips = [describe(r) for r in user_records(self.model, self.view)]
        parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
                 f'viewBox="0 0 {width} {height}" class="network-view">']
        radius = 2.5 if len(self.view) > 800 else 4
        # Draw the furthest-along users last, so actions stay visible.
        for k in np.argsort(codes, kind="stable"):
            colour = STATE_COLOURS[UserState(int(codes[k]))]
            ring = ' stroke="#6a3d9a" stroke-width="1.5"' if misaligned[k] else ""
            parts.append(f'<circle cx="{x[k]:.0f}" cy="{y[k]:.0f}" r="{radius}" fill="{colour}"{ring} '
                         f'data-user="{int(self.view[k])}"><title>{escape(tips[k])}</title></circle>')
        parts.append("</svg>")
        return "".join(parts)

    def edges_svg(self, width: int = WIDTH, height: int = HEIGHT) -> str:
        """The follower ties among the users shown, as one SVG path (it never changes)."""
        x, y = self._xy(width, height)
        lines = "".join(f"M{x[a]:.1f} {y[a]:.1f}L{x[b]:.1f} {y[b]:.1f}" for a, b in self.edges)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="network-edges" '
                f'style="background:#fff"><path d="{lines}" stroke="#bbb" stroke-width="0.3" fill="none"/></svg>')

    def _xy(self, width: int, height: int):
        return 8 + self.positions[:, 0] * (width - 16), 8 + self.positions[:, 1] * (height - 16)


def describe(r: dict) -> str:
    """One user's hover text, from its record: state, why, and attributes."""
    flags = (" · in-group" if r["in_group"] else "") + (" · misaligned sharer" if r["misaligned"] else "")
    return (f"user {r['user']}: {r['state']}{flags}\n{r['why']}\n"
            f"concern {r['concern']:.2f} · status {r['status_motive']:.2f} · {r['followers']} followers")


#: Views already laid out, by (scenario digest, seed): shared read-only by all sessions.
_VIEWS: dict = {}


def _view(model, digest: str, seed: int):
    """The users shown, their positions and the edges among them (computed once per network)."""
    key = (digest, seed)
    if key not in _VIEWS:
        n = model.n_users
        rng = np.random.default_rng([seed, 7])  # the view's own generator, not the model's
        view = np.arange(n) if n <= MAX_VIEW else np.sort(rng.choice(n, MAX_VIEW, replace=False))
        edges = undirected_edges(model.graph, view)
        positions = layout(len(view), edges, seed)
        if len(edges) > MAX_EDGES:
            edges = edges[np.sort(rng.choice(len(edges), MAX_EDGES, replace=False))]
        if len(_VIEWS) >= 16:
            _VIEWS.pop(next(iter(_VIEWS)))
        _VIEWS[key] = (view, positions, edges)
    return _VIEWS[key]
