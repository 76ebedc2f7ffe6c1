"""The Mesa model: a campaign spreading over a follower network.

Each step has three parts (ODD: ``model/ODD.md``):

1. **Exposure.** Posts made in the previous step (shares always, likes if the
   platform shows friends' likes, actions if they are public) reach
   followers' feeds (:mod:`model.feed`).
2. **Choice.** Users choose to ignore, like, share or act
   (:mod:`model.decisions`). Under the threshold rule every user whose
   social proof or own state changed is re-examined, so the rule is exactly
   Granovetter's (1978) synchronous threshold model; under the logit rule the
   users who saw the campaign this step choose (or were asked, or invited;
   :mod:`model.channels`). Exposure and choice run in one pass per user
   (:mod:`model.opening`).
3. **Bookkeeping.** New likes, shares and actions become next step's posts
   (:mod:`model.spread`), and the campaign's counts and goal are recorded.

All state lives in NumPy arrays (:class:`model.state.Population`); Mesa
provides ``steps``, ``running`` and the DataCollector, and optional
:class:`model.agents.UserAgent` views for inspection. Every random number
comes from ``model.randomness``: a function of the seed, its purpose and
(for per-user draws) the user and step, so two runs with the same seed share
their network, users, seeds and luck wherever their settings allow.

The file is near 500 lines, over the house's usual 400, because it is the
model's public surface: the constructor, the two-half step (``open_step``,
``close_step``) that class mode drives, the seating of participants, and the
tables and summaries every front end reads. The mechanisms themselves live in
their own modules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import partial
from typing import TYPE_CHECKING, Any, NamedTuple

import mesa
import numpy as np

from model import decisions, feed, metrics, opening, participants, recruitment, users
from model.agents import UserAgent
from model.channels import Channels, Outside
from model.choices import Choices, merge
from model.generators import build
from model.marks import Marks
from model.network import FollowerGraph
from model.opening import OpenStep
from model.participants import Card, Choice, Decision
from model.randomness import Purpose, generator, seed_from, stream_key, uniforms
from model.scenario import Scenario
from model.spread import changes, clear_posts, count_followees, post
from model.state import Channel, Population

if TYPE_CHECKING:
    import pandas as pd

_EMPTY = np.empty(0, dtype=np.int64)


class _Pending(NamedTuple):
    """A step whose exposure and rule choices are done (``chosen``) and whose choices are not yet applied."""

    t: int
    before: tuple
    reach: feed.Reach
    chosen: OpenStep
    newly_aware: int
    newly_misled: int
    outside: Outside


def _metric(model: SlacktivismModel, name: str) -> Any:
    """DataCollector reporter: one of the current step's metrics."""
    return model.current[name]


class SlacktivismModel(mesa.Model):
    """Likes, shares and real action in a social-media campaign.

    Args:
        scenario: a validated :class:`~model.scenario.Scenario`
            (``model.load_scenario``).
        rng: integer seed, or a ``numpy.random.Generator`` to draw one from;
            wins over ``scenario.seed``.
        agents: create one :class:`~model.agents.UserAgent` view per user
            (for inspection and the app; off by default, never on the hot path).
        graph: a prebuilt :class:`~model.network.FollowerGraph`; by default
            the network is generated from the seed's network stream (or read,
            for ``network.kind: edgelist``).
        building: told the share of the network built so far (0 to 1) as a
            generated graph is built, for a progress bar: at 100M users the
            build takes minutes.
    """

    def __init__(self, scenario: Scenario, rng: Any = None, *, agents: bool = False,
                 graph: FollowerGraph | None = None, building: Callable[[float], None] | None = None):
        seed = seed_from(scenario.seed if rng is None else rng)
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self._keys = {p: stream_key(seed, p) for p in (
            Purpose.EXPOSURE, Purpose.CHOICE, Purpose.ATTRIBUTION, Purpose.BUNDLE, Purpose.DRIFT,
            Purpose.MEMORY, Purpose.LIKE_LUCK, Purpose.SHARE_LUCK)}
        self._luck = decisions.Luck(self._keys[Purpose.CHOICE], self._keys[Purpose.LIKE_LUCK],
                                    self._keys[Purpose.SHARE_LUCK])
        self._attribution_keys = recruitment.AttributionKeys(self._keys[Purpose.EXPOSURE],
                                                             self._keys[Purpose.ATTRIBUTION])
        self.graph = graph if graph is not None else self._build_graph(building)
        n = self.n_users = self.graph.n_users
        net = scenario.network
        if net.kind == "edgelist" and net.n_users is not None and "n_users" in net.model_fields_set \
                and net.n_users != n:
            raise ValueError(f"network.n_users is {net.n_users} but the edge list has {n} users")
        if scenario.campaign.event_min > n:
            raise ValueError(f"campaign.event_min is {scenario.campaign.event_min} but there are only {n} users")

        u = scenario.users

        def stream(purpose: Purpose) -> Callable[[], np.random.Generator]:  # made only when an attribute draws
            return partial(generator, seed, purpose)

        concern = np.clip(users.draw(u.concern, n, stream(Purpose.CONCERN)), 0.0, 1.0)
        status = np.clip(users.draw(u.status_motive, n, stream(Purpose.STATUS_MOTIVE)), 0.0, 1.0)
        ident, mis = scenario.identity, scenario.misalignment
        self.pop = Population.start(
            theta=users.draw(u.threshold, n, stream(Purpose.THRESHOLD)),
            concern=concern,
            status=status,
            in_group=users.clustered_group(users.draw_fraction(ident.share, n, stream(Purpose.IN_GROUP)),
                                           ident.homophily, self.graph.followee_indptr, self.graph.followees,
                                           stream_key(seed, Purpose.HOMOPHILY)),
            misaligned=users.draw_weighted_fraction(mis.share, status, mis.status_weight,
                                                    stream(Purpose.MISALIGNED)),
            interested=~users.draw_fraction(1.0 - u.interested, n, stream(Purpose.INTEREST)),
            max_followees=int(self.graph.n_followees.max()) if n else 0,
        )
        self.choices = 0  # decisions made, summed over steps (model.memory)
        self._touched = opening.scratch(n, bool)
        self._max_followees = int(self.graph.n_followees.max()) if n else 0
        self._rules = decisions.Rules.of(scenario, float(decisions.impression(status, concern).mean()),
                                         self._max_followees)
        self._forest: tuple[int, recruitment.Forest] | None = None
        self._marks = Marks(n)
        self._via = opening.scratch(n, np.uint8)  # model.opening's scratch flags
        self._changed = np.empty(0, dtype=np.int64)
        self._examine_all = True
        self.goal_step: int | None = None
        self.visibility = 1.0
        self._pending: _Pending | None = None
        self._closing: tuple[Choices | None, Mapping[int, tuple[int, int]] | None] | None = None
        self._seating: participants.Seating | None = None  # class mode through seat(), cards(), decide()

        self.seeds = self._choose_seeds()
        self.channels = Channels(scenario, seed, self.graph, self.seeds)
        self._start_campaign(self.seeds)
        self._counts = metrics.counts(self.pop)

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

    def _build_graph(self, building: Callable[[float], None] | None) -> FollowerGraph:
        """Generated from the network's own stream, or read by the reader registered beside the core."""
        return build(self.spec.network, partial(generator, self.seed, Purpose.NETWORK), building)

    def _choose_seeds(self) -> np.ndarray:
        """Seed users by ``seeding.strategy``.

        ``hubs`` are the most-followed users (influencers), ``periphery`` the
        least-followed users who have any follower (Barbera et al. 2015's
        critical periphery); ties are broken at random, from the seeding
        stream.
        """
        s, n = self.spec.seeding, self.n_users
        rng = generator(self.seed, Purpose.SEEDING)
        count = min(s.count, n)
        if s.strategy == "none" or (count == 0 and s.strategy != "explicit"):
            return np.empty(0, dtype=np.int64)
        if s.strategy == "explicit":
            seeds = np.asarray(s.users, dtype=np.int64)
            if seeds.max() >= n:
                raise ValueError(f"seeding.users names user {seeds.max()} but users are 0..{n - 1}")
            return np.sort(np.unique(seeds))
        if s.strategy == "random":
            return np.sort(rng.choice(n, size=count, replace=False))
        followers = self.graph.n_followers
        tie_break = rng.random(n)
        if s.strategy == "hubs":
            order = np.lexsort((tie_break, -followers))
        else:
            order = np.lexsort((tie_break, followers == 0, followers))
        return np.sort(order[:count])

    def _start_campaign(self, seeds: np.ndarray) -> None:
        """Seeds act at step 0 and post the campaign's call (an aligned share)."""
        pop = self.pop
        pop.reached_by[seeds] = Channel.ORGANISER
        pop.misaligned[seeds] = False
        none = np.zeros(len(seeds), dtype=bool)
        post(self.graph, seeds, none, ~none, ~none, none, self.steps, pop, self._touched)
        pop.aware[seeds] = pop.aligned[seeds] = True
        pop.step_aware[seeds] = 0
        self._changed = seeds

    # ------------------------------------------------------------------ step

    def step(self) -> None:
        """One step: exposure, choice, attribution, bookkeeping.

        The same as :meth:`close_step` on :meth:`open_step`'s choices. If the
        step was opened already it is not opened again; with participants
        seated (:meth:`seat`), their choices are those handed to
        :meth:`decide` (a participant who made none did nothing).
        """
        pending = self._pending if self._pending is not None else self._open(self.steps)
        self._pending = None
        closing, self._closing = self._closing, None
        if closing is None and self._seating is not None:
            closing = self._seating.closing(self._public(pending))
        choices, credit = closing if closing is not None else (None, None)
        self._close(pending, choices, credit)

    def open_step(self) -> OpenStep:
        """Open the next step: run its exposure and the decision rule, and return who chooses and what.

        The first of the step's two public halves, for a driver that puts
        people (or another rule) in some users' place: class mode's seats
        (:class:`model.participants.Seating`). Its draws are keyed by step, so
        opening a step early changes nothing. Opening an open step returns the
        same record. The population's awareness may already hold the step's
        exposure while the counts do not, until :meth:`close_step`.
        """
        if not self.running:
            raise ValueError("the run has ended: there is no next step to open")
        if self._pending is None:
            self._pending = self._open(self.steps + 1)
        return self._public(self._pending)

    def close_step(self, choices: Choices | None = None,
                   credit: Mapping[int, tuple[int, int]] | None = None) -> None:
        """Close the open step (opening it first if need be) with ``choices`` in place of the rule's.

        Args:
            choices: the users whose choices replace the decision rule's
                (:class:`Choices`); users not among the open step's choosers
                are added. ``None``: the rule's choices stand.
            credit: for users whose first engagement this is, the
                ``(recruiter, channel)`` to credit instead of what this step's
                feed shows (a late answer to an earlier step's feed, as noted
                by :meth:`would_credit` then).
        """
        if self._pending is None:
            self.open_step()
        self._closing = (choices, credit)
        self.step()

    def would_credit(self, users: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The recruiters and channels (``model.state.Channel``) the open step would credit to ``users``.

        What :meth:`close_step` would record if each of them engaged for the
        first time at this step (the attribution's draws are keyed by user and
        step, so asking changes nothing).
        """
        if self._pending is None:
            raise ValueError("no step is open (open_step)")
        users = np.asarray(users, dtype=np.int64)
        pop, p = self.pop, self._pending
        kept, kept_channel = pop.recruiter[users].copy(), pop.reached_by[users].copy()
        self._attribute(users, p.t, p.reach, np.zeros(len(users), dtype=bool), p.outside)
        credited = pop.recruiter[users].astype(np.int64), pop.reached_by[users].copy()
        pop.recruiter[users], pop.reached_by[users] = kept, kept_channel
        return credited

    @staticmethod
    def _public(p: _Pending) -> OpenStep:
        c = p.chosen
        return OpenStep._make(x.copy() if isinstance(x, np.ndarray) else x for x in c)

    def _open(self, t: int) -> _Pending:
        """Exposure and the decision rule's choices for step ``t`` (the first half of :meth:`step`).

        Users are examined when something reached them (:mod:`model.opening`);
        under the threshold rule also last step's changers, whose own state
        changed, and at the first step everyone (instigators act unprompted).
        No one else's social proof or state can have changed, so no one else
        can change its choice.
        """
        pop = self.pop
        before = self._progress()
        asked = self.channels.asked(t, pop)
        outside = self.channels.outside(t, asked, pop)
        threshold = not self._rules.logit
        everyone = threshold and self._examine_all
        self._examine_all = False
        reach = self._reach(t)
        context = opening.Context(self.graph.followee_rows, self.graph.n_followees, reach,
                                  self._keys[Purpose.EXPOSURE], self._rules, self._luck,
                                  float(self.spec.decision.memory), self._keys[Purpose.MEMORY], self.channels.lists)
        o = opening.open_users(self._touched, self._via, everyone,
                               opening.Reached(outside.media, outside.invited, asked,
                                               self._changed if threshold else _EMPTY), pop, context, t)
        return _Pending(t, before, reach, o.chosen, o.newly_aware, o.newly_misled, outside._replace(seen=o.seen))

    def _close(self, p: _Pending, choices: Choices | None, credit: Mapping | None) -> None:
        """Choices given from outside, attribution, posting and bookkeeping (the second half of :meth:`step`)."""
        t, pop = p.t, self.pop
        users, like, share, act = p.chosen.users, p.chosen.like, p.chosen.share, p.chosen.act
        self.choices += len(users)
        if choices is not None:
            users, like, share, act = merge(users, like, share, act, choices, pop.acted, self._marks)
        bundle = self.spec.campaign.bundle
        if bundle > 0:
            share |= act & (uniforms(self._keys[Purpose.BUNDLE], users, t) < bundle)

        new = changes(users, like, share, act, pop)
        idx = new.posters
        first = idx[new.first]
        if len(first):
            by_threshold = new.act[new.first] & (not self._rules.logit)
            self._attribute(first, t, p.reach, by_threshold, p.outside)
            if credit:  # a late choice answered an earlier feed: credit whom that feed showed
                for user in first.tolist():
                    if user in credit:
                        pop.recruiter[user], pop.reached_by[user] = credit[user]
        clear_posts(pop.bits, self._changed)  # last step's posts have been seen and attributed
        # Acting makes a user aware; an instigator who acted unprompted saw the original call.
        unprompted = idx[new.act & ~pop.aware[idx]]
        pop.aligned[unprompted] = True
        pop.step_aware[unprompted] = t
        pop.aware[unprompted] = True
        self._apply(idx, new.like, new.share, new.act)
        self._changed = idx
        self.channels.invite(first, pop, t)

        # Counts change only where users changed: update them from this step's users alone.
        c = self._counts
        c["aware"] += p.newly_aware + len(unprompted)
        c["misled"] += p.newly_misled
        c["liked"] += new.liked
        c["shared"] += new.shared
        c["acted"] += new.acted
        c["engaged"] += len(first)
        c["slacktivism_gap"] = c["engaged"] - c["acted"]
        self._record()
        if (self._progress() == p.before and not self.channels.still_to_come(t)) or t >= self.spec.steps:
            self.running = False

    def _attribute(self, first: np.ndarray, t: int, reach: feed.Reach, by_threshold: np.ndarray,
                   outside: Outside) -> None:
        """Credit each of ``first`` (first engaged at ``t``) to a recruiter and a channel (``model.recruitment``).

        A post seen in the feed credits its poster (:func:`model.recruitment.attribute`);
        an invitation credits its inviter, whatever the feed showed; a user
        reached at ``t`` only by the outside channels, or only by the
        campaign's own reminder, has no recruiter and starts a tree of its own.
        """
        recruitment.attribute(first, self.graph.followee_rows, self.pop, reach, self._attribution_keys, t,
                              by_threshold)
        self.channels.credit(first, outside, self.pop)

    # ------------------------------------------------------------------ participants (class mode)

    def seat(self, count: int, placement: participants.Placement = "spread") -> np.ndarray:
        """Seat ``count`` participants (:class:`model.participants.Seating`) and return their nodes, in order.

        A convenience for class mode, which drives the model through
        :meth:`open_step` and :meth:`close_step`; :meth:`cards`,
        :meth:`decide` and :attr:`pending` talk to the same seating.
        """
        self._seating = participants.Seating(self, count, placement)
        return self._seating.order

    @property
    def seating(self) -> participants.Seating | None:
        """The seated participants (:meth:`seat`), if any."""
        return self._seating

    @property
    def participants(self) -> np.ndarray:
        """The seated participants' nodes, sorted (none before :meth:`seat`)."""
        return self._seating.nodes if self._seating is not None else np.empty(0, dtype=np.int64)

    def cards(self) -> tuple[Card, ...]:
        """The seated participants whom the next step reaches (:meth:`model.participants.Seating.cards`)."""
        return self._seating.cards() if self._seating is not None else ()

    def decide(self, user: int, choice: Choice | Decision, step: int | None = None) -> None:
        """A seated participant's choice (:meth:`model.participants.Seating.decide`)."""
        if self._seating is None:
            raise ValueError(f"user {int(user)} is not a participant")
        self._seating.decide(user, choice, step)

    @property
    def pending(self) -> bool:
        """A step is half-taken: it is open, or seated participants' choices wait to be applied."""
        return self._pending is not None or (self._seating is not None and self._seating.waiting)

    def _progress(self) -> tuple:
        return tuple(self.current[k] for k in ("aware", "liked", "shared", "acted", "misled"))

    def _reach(self, t: int) -> feed.Reach:
        """This step's chance that a post of each kind reaches a follower's feed."""
        multiplier = self.visibility * feed.novelty(self.spec.campaign.attention_decay, t - 1)
        return feed.reach(self.spec.platform, multiplier, self._max_followees)

    def _apply(self, idx: np.ndarray, new_like: np.ndarray, new_share: np.ndarray, new_act: np.ndarray) -> None:
        """Record new likes, shares and actions, and post them to followers.

        A share is distorted when its poster is a misaligned sharer, was
        itself reached only through distorted framing (the distortion spreads),
        or, under connective logic, drifts (``campaign.connective_drift``).
        """
        pop, c = self.pop, self.spec.campaign
        distort = pop.misaligned[idx] | (pop.aware[idx] & ~pop.aligned[idx])
        if c.logic == "connective" and c.connective_drift > 0:
            distort |= uniforms(self._keys[Purpose.DRIFT], idx, self.steps) < c.connective_drift
        post(self.graph, idx, new_like, new_share, new_act, distort, self.steps, pop, self._touched)

    def _record(self) -> None:
        """Record the campaign's counts, goal and feed visibility (counts as :func:`model.metrics.counts`)."""
        c: dict[str, Any] = dict(self._counts)
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

    def run(self, progress: Callable[[int], object] | None = None) -> dict:
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
        """The run's outcome, the dict ``slacktivism run --json`` prints (keys: :data:`model.metrics.SUMMARY`)."""
        return {"scenario": self.spec.name, "seed": self.seed, "n_users": self.n_users,
                "goal_actions": self.spec.campaign.goal_actions, "n_seeds": len(self.seeds),
                **metrics.summary(self)}

    @property
    def inviter(self) -> np.ndarray:
        """The last follower who invited each user before it first engaged (-1: none; :mod:`model.channels`)."""
        return self.channels.inviter

    @property
    def invitations_sent(self) -> int:
        """Invitations sent so far (:mod:`model.invitations`)."""
        return self.channels.sent

    def recruitment(self) -> recruitment.Forest:
        """The recruitment forest as it stands (:func:`model.recruitment.forest`), cached per step."""
        if self._forest is None or self._forest[0] != self.steps:
            self._forest = (self.steps, recruitment.forest(self.pop.recruiter, self.pop.first_engaged()))
        return self._forest[1]

    def user_table(self) -> pd.DataFrame:
        """One row per user, the columns of :data:`model.metrics.USER_COLUMNS` (pandas)."""
        import pandas as pd

        return pd.DataFrame({c.name: c.compute(self) for c in metrics.USER_COLUMNS}, copy=False)

    def timeseries(self) -> pd.DataFrame:
        """The per-step series as a pandas DataFrame (one row per step, from step 0)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def followee_counts(self, users: np.ndarray) -> np.ndarray:
        """Current counters for ``users``, one row each (columns: ``model.state.Flag``).

        Counts followees who acted, gave token support, shared, or engaged
        from the in-group, and the feed items waiting for the next step.
        """
        return count_followees(self.graph, self.pop.bits, np.atleast_1d(np.asarray(users, dtype=np.int64)))

    def user_states(self) -> np.ndarray:
        """Each user's :class:`~model.state.UserState` code."""
        return self.pop.codes()
