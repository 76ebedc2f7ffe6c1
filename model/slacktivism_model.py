"""The Mesa model: a campaign spreading over a follower network.

Each step has three parts (ODD: ``model/ODD.md``):

1. **Exposure.** Posts made in the previous step (shares always, likes if the
   platform shows friends' likes, actions if they are public) reach
   followers' feeds (:mod:`model.feed`).
2. **Choice.** Users choose to ignore, like, share or act
   (:mod:`model.decisions`). Under the threshold rule every user whose
   social proof or own state changed is re-examined, so the rule is exactly
   Granovetter's (1978) synchronous threshold model; under the logit rule the
   users who saw the campaign this step choose.
3. **Bookkeeping.** New likes, shares and actions become next step's posts
   (:mod:`model.spread`), and the campaign's counts and goal are recorded.

All state lives in NumPy arrays (:class:`model.state.Population`); Mesa
provides ``rng``, ``steps``, ``running`` and the DataCollector, and optional
:class:`model.agents.UserAgent` views for inspection.
"""

from __future__ import annotations

from functools import partial
from typing import Any

import mesa
import numpy as np

from model import decisions, feed, metrics, users
from model.agents import UserAgent
from model.network import FollowerGraph, generate
from model.scenario import Scenario
from model.spread import clear_posts, count_followees, post
from model.state import Population


def _metric(model: SlacktivismModel, name: str):
    """DataCollector reporter: one of the current step's metrics."""
    return model.current[name]


class SlacktivismModel(mesa.Model):
    """Likes, shares and real action in a social-media campaign.

    Args:
        scenario: a validated :class:`~model.scenario.Scenario`
            (``model.load_scenario``).
        rng: seed or ``numpy.random.Generator``; wins over ``scenario.seed``.
        agents: create one :class:`~model.agents.UserAgent` view per user
            (for inspection and the app; off by default, never on the hot path).
        graph: a prebuilt :class:`~model.network.FollowerGraph`; by default
            the network is generated from the model's ``rng`` (or read, for
            ``network.kind: edgelist``).
    """

    def __init__(self, scenario: Scenario, rng: Any = None, *, agents: bool = False,
                 graph: FollowerGraph | None = None):
        super().__init__(rng=scenario.seed if rng is None else rng)
        self.spec = scenario
        self.seed = _seed_of(scenario.seed if rng is None else rng)
        self.graph = graph if graph is not None else self._build_graph()
        n = self.n_users = self.graph.n_users
        net = scenario.network
        if net.kind == "edgelist" and net.n_users is not None and "n_users" in net.model_fields_set \
                and net.n_users != n:
            raise ValueError(f"network.n_users is {net.n_users} but the edge list has {n} users")

        u = scenario.users
        self.pop = Population(
            theta=users.draw(u.threshold, n, self.rng),
            concern=np.clip(users.draw(u.concern, n, self.rng), 0.0, 1.0),
            status=np.clip(users.draw(u.status_motive, n, self.rng), 0.0, 1.0),
            in_group=users.draw_fraction(scenario.identity.share, n, self.rng),
            misaligned=users.draw_fraction(scenario.misalignment.share, n, self.rng),
        )
        self._touched = np.zeros(n, dtype=bool)
        self._rules = decisions.rules(scenario)
        self._scratch = np.zeros(n, dtype=bool)
        self._changed = np.empty(0, dtype=np.int64)
        self._examine_all = True
        self.goal_step: int | None = None
        self.visibility = 1.0

        self.seeds = self._choose_seeds()
        self._start_campaign(self.seeds)

        self.datacollector = mesa.DataCollector(
            model_reporters={k: partial(_metric, name=k) for k in ("step", *metrics.SERIES)}
        )
        self._record()
        if agents:
            for i in range(n):
                UserAgent(self, i)
        if scenario.steps == 0:
            self.running = False

    # ------------------------------------------------------------------ set-up

    def _build_graph(self) -> FollowerGraph:
        net = self.spec.network
        if net.kind == "edgelist":
            from model.edgelist import read_edgelist

            return read_edgelist(net.path, directed=net.directed)
        return generate(net.kind, net.n_users, net.mean_degree, net.rewire_prob, net.directed, self.rng)

    def _choose_seeds(self) -> np.ndarray:
        """Seed users by ``seeding.strategy``.

        ``hubs`` are the most-followed users (influencers), ``periphery`` the
        least-followed users who have any follower (Barbera et al. 2015's
        critical periphery); ties are broken at random.
        """
        s, n = self.spec.seeding, self.n_users
        count = min(s.count, n)
        if s.strategy == "none" or (count == 0 and s.strategy != "explicit"):
            return np.empty(0, dtype=np.int64)
        if s.strategy == "explicit":
            seeds = np.asarray(s.users, dtype=np.int64)
            if seeds.max() >= n:
                raise ValueError(f"seeding.users names user {seeds.max()} but users are 0..{n - 1}")
            return np.sort(np.unique(seeds))
        if s.strategy == "random":
            return np.sort(self.rng.choice(n, size=count, replace=False))
        followers = self.graph.n_followers
        tie_break = self.rng.random(n)
        if s.strategy == "hubs":
            order = np.lexsort((tie_break, -followers))
        else:
            order = np.lexsort((tie_break, followers == 0, followers))
        return np.sort(order[:count])

    def _start_campaign(self, seeds: np.ndarray) -> None:
        """Seeds act at step 0 and post the campaign's call (an aligned share)."""
        pop = self.pop
        pop.misaligned[seeds] = False
        none = np.zeros(len(seeds), dtype=bool)
        self._apply(seeds, none, ~none, ~none)
        pop.aware[seeds] = pop.aligned[seeds] = True
        pop.step_aware[seeds] = 0
        self._changed = seeds

    # ------------------------------------------------------------------ step

    def step(self) -> None:
        """One step: exposure, choice, bookkeeping."""
        t = self.steps
        pop = self.pop
        before = self._progress()

        touched = np.flatnonzero(self._touched)
        self._touched[touched] = False
        examined = self._examined(touched)
        count_followees(self.graph, pop.bits, examined, out=pop.social)
        clear_posts(pop.bits, self._changed)  # last step's posts are now counted in the feeds
        seen = self._expose(t, touched[~pop.acted[touched]])
        users, (like, share, act) = self._choose(examined, seen)

        new_like = like & ~pop.liked[users]
        new_share = share & ~pop.shared[users]
        changed = new_like | new_share | act
        idx = users[changed]
        # Acting makes a user aware; an instigator who acted unprompted saw the original call.
        unprompted = idx[act[changed] & ~pop.aware[idx]]
        pop.aligned[unprompted] = True
        pop.step_aware[unprompted] = t
        pop.aware[unprompted] = True
        self._apply(idx, new_like[changed], new_share[changed], act[changed])
        self._changed = idx

        self._record()
        if self._progress() == before or t >= self.spec.steps:
            self.running = False

    def _progress(self) -> tuple:
        return tuple(self.current[k] for k in ("aware", "liked", "shared", "acted", "misled"))

    def _examined(self, touched: np.ndarray) -> np.ndarray:
        """Users (sorted, none has acted) whose followee counts are recounted this step.

        Those whose feed had campaign items (``touched``); under the threshold
        rule also last step's changers, whose own state changed, and at the
        first step everyone (instigators act unprompted). No one else's social
        proof or state can have changed, so no one else can change its choice.
        """
        if self.spec.decision.rule == "threshold":
            if self._examine_all:
                examined = np.arange(self.n_users)
                self._examine_all = False
            else:
                self._scratch[touched] = True
                self._scratch[self._changed] = True
                examined = np.flatnonzero(self._scratch)
                self._scratch[examined] = False
        else:
            examined = touched
        return examined[~self.pop.acted[examined]]

    def _expose(self, t: int, users: np.ndarray) -> np.ndarray:
        """Those of ``users`` (their feed had items) who saw the campaign, sorted.

        Users who have acted take no further part: no random number is drawn
        for them.
        """
        pop = self.pop
        multiplier = self.visibility * feed.novelty(self.spec.campaign.attention_decay, t - 1)
        p_share, p_like, p_act = feed.reach_probabilities(self.spec.platform, multiplier)
        saw = np.empty(len(users), dtype=bool)
        feed.expose(users, pop.social, feed.log_miss(p_share), feed.log_miss(p_like), feed.log_miss(p_act),
                    self.rng.random(len(users)), t, pop.aware, pop.aligned, pop.step_aware, saw)
        return users[saw]

    def _choose(self, examined: np.ndarray, seen: np.ndarray) -> tuple[np.ndarray, tuple]:
        """The users who choose this step (sorted, none has acted), and their (like, share, act).

        Under the logit rule, the users who saw the campaign; under the
        threshold rule, every examined user (token support still needs the
        campaign in the feed).
        """
        pop = self.pop
        logit = self.spec.decision.rule == "logit"
        if logit:
            users, in_feed = seen, np.ones(len(seen), dtype=bool)
            uniforms = self.rng.random(len(seen))
        else:
            users = examined
            self._scratch[seen] = True
            in_feed = self._scratch[users]
            self._scratch[seen] = False
            uniforms = np.empty(0)
        like, share, act = (np.empty(len(users), dtype=bool) for _ in range(3))
        popularity = np.log1p(self.current["liked"]) / np.log1p(self.n_users)
        decisions.choose(users, in_feed, uniforms, logit, pop.theta, pop.concern, pop.status, pop.liked,
                         pop.shared, pop.in_group, pop.misaligned, pop.aware, pop.aligned, pop.social,
                         self.graph.n_followees, popularity, self._rules, like, share, act)
        return users, (like, share, act)

    def _apply(self, idx, new_like, new_share, new_act) -> None:
        """Record new likes, shares and actions, and post them to followers."""
        post(self.graph, idx, new_like, new_share, new_act, self.steps, self.pop, self._touched)

    def _record(self) -> None:
        """Update the campaign's counts, goal and feed visibility, and collect them."""
        c = metrics.counts(self.pop)
        c["step"] = self.steps
        c["conversion"] = metrics.conversion(c["acted"], c["aware"])
        self.visibility = feed.visibility(self.spec.platform.feed, self.spec.platform.engagement_boost,
                                          c["liked"] + c["shared"], self.n_users)
        c["visibility"] = self.visibility
        self.current = c
        if self.goal_step is None and metrics.goal_reached(c["acted"], self.spec.campaign.goal_actions):
            self.goal_step = self.steps
        self.datacollector.collect(self)

    # ------------------------------------------------------------------ running

    def run(self, progress=None) -> dict:
        """Step until nothing changes or ``steps`` is reached; return :meth:`summary`.

        Args:
            progress: optional callable, called with the step number after each step.
        """
        while self.running and self.steps < self.spec.steps:
            self.step()
            if progress is not None:
                progress(self.steps)
        self.running = False
        return self.summary()

    def summary(self) -> dict:
        """The run's outcome: the same dict ``slacktivism run --json`` prints."""
        c = self.current
        goal = self.spec.campaign.goal_actions
        return {
            "scenario": self.spec.name,
            "seed": self.seed,
            "n_users": self.n_users,
            "steps_run": self.steps,
            "aware": c["aware"],
            "liked": c["liked"],
            "shared": c["shared"],
            "acted": c["acted"],
            "engaged": c["engaged"],
            "slacktivism_gap": c["slacktivism_gap"],
            "misled": c["misled"],
            "conversion": c["conversion"],
            "goal_actions": goal,
            "goal_reached": metrics.goal_reached(c["acted"], goal),
            "goal_step": self.goal_step,
            "n_seeds": int(len(self.seeds)),
        }

    def timeseries(self):
        """The per-step series as a pandas DataFrame (one row per step, from step 0)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def followee_counts(self, users) -> np.ndarray:
        """Current counters for ``users``, one row each (columns: ``model.state.ACTED`` ...).

        Counts followees who acted, gave token support, shared, or engaged
        from the in-group, and the feed items waiting for the next step.
        """
        return count_followees(self.graph, self.pop.bits, np.atleast_1d(np.asarray(users, dtype=np.int64)))

    def user_states(self) -> np.ndarray:
        """Each user's :class:`~model.state.UserState` code."""
        return self.pop.codes()


def _seed_of(rng: Any) -> int | None:
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    return None
