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
provides ``steps``, ``running`` and the DataCollector, and optional
:class:`model.agents.UserAgent` views for inspection. Every random number
comes from ``model.randomness``: a function of the seed, its purpose and
(for per-user draws) the user and step, so two runs with the same seed share
their network, users, seeds and luck wherever their settings allow.
"""

from __future__ import annotations

from functools import partial
from typing import Any, NamedTuple

import mesa
import numpy as np

from model import decisions, feed, invitations, media, memory, metrics, participants, recruitment, users
from model.agents import UserAgent
from model.network import FollowerGraph, generate
from model.randomness import Purpose, generator, seed_from, stream_key, uniforms
from model.scenario import Scenario
from model.spread import clear_posts, count_followees, post
from model.state import Channel, Flag, Population

_EMPTY = np.empty(0, dtype=np.int64)


class Outside(NamedTuple):
    """This step's users reached other than by a post they saw in the feed (each sorted)."""

    seen: np.ndarray      # saw a followee's post in the feed
    media: np.ndarray     # shown the campaign by the outside channels (``model.media``)
    invited: np.ndarray   # invited by a follower at the step before (``model.invitations``)
    inviter: np.ndarray   # aligned with ``invited``
    asked: np.ndarray     # reached by the campaign's reminder


_NO_OUTSIDE = Outside(_EMPTY, _EMPTY, _EMPTY, _EMPTY, _EMPTY)


class _Pending(NamedTuple):
    """A step whose exposure and rule choices are done and whose choices are not yet applied."""

    t: int
    before: tuple
    reach: feed.Reach
    users: np.ndarray
    like: np.ndarray
    share: np.ndarray
    act: np.ndarray
    newly_aware: int
    newly_misled: int
    cards: tuple
    outside: Outside


def _metric(model: SlacktivismModel, name: str):
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
    """

    def __init__(self, scenario: Scenario, rng: Any = None, *, agents: bool = False,
                 graph: FollowerGraph | None = None):
        seed = seed_from(scenario.seed if rng is None else rng)
        super().__init__(rng=seed)
        self.spec = scenario
        self.seed = seed
        self._keys = {p: stream_key(seed, p) for p in (
            Purpose.EXPOSURE, Purpose.CHOICE, Purpose.ATTRIBUTION, Purpose.ASK, Purpose.BUNDLE, Purpose.DRIFT,
            Purpose.MEMORY, Purpose.LIKE_LUCK, Purpose.SHARE_LUCK, Purpose.MEDIA, Purpose.INVITE_COUNT,
            Purpose.INVITE_PICK)}
        self._luck = decisions.Luck(self._keys[Purpose.CHOICE], self._keys[Purpose.LIKE_LUCK],
                                    self._keys[Purpose.SHARE_LUCK])
        self.graph = graph if graph is not None else self._build_graph()
        n = self.n_users = self.graph.n_users
        net = scenario.network
        if net.kind == "edgelist" and net.n_users is not None and "n_users" in net.model_fields_set \
                and net.n_users != n:
            raise ValueError(f"network.n_users is {net.n_users} but the edge list has {n} users")
        if scenario.campaign.event_min > n:
            raise ValueError(f"campaign.event_min is {scenario.campaign.event_min} but there are only {n} users")

        u = scenario.users

        def stream(purpose):  # made only when an attribute draws at all
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
        )
        inv = scenario.invitations
        self._propensity = invitations.propensities(inv.spread, n, seed, Purpose.INVITE_PROPENSITY) \
            if inv.rate > 0 else None
        self._invited_by = np.full(n, -1, dtype=np.int64) if inv.rate > 0 else None
        # The last follower who invited each user before it first engaged (-1: none).
        self.inviter = np.full(n, -1, dtype=np.int64)
        self.choices = 0  # decisions made, summed over steps (model.memory)
        self.invitations_sent = 0
        self._touched = np.zeros(n, dtype=bool)
        self._rules = decisions.Rules.of(scenario, float(decisions.impression(status, concern).mean()))
        self._asks = frozenset(scenario.campaign.asks)
        self._forest: tuple[int, recruitment.Forest] | None = None
        self._scratch = np.zeros(n, dtype=bool)
        self._changed = np.empty(0, dtype=np.int64)
        self._examine_all = True
        self.goal_step: int | None = None
        self.visibility = 1.0
        self.participants = np.empty(0, dtype=np.int64)  # users whose choices come from outside (seat)
        self._pending: _Pending | None = None
        self._decided: dict[int, participants.Decision] = {}
        self._answered: dict[int, int] = {}  # the step of the card each decided participant answered, if given
        self._card_recruiter: dict[tuple[int, int], int] = {}  # (participant, card's step): who it would credit

        self.seeds = self._choose_seeds()
        self._ask_list = self._mailing_list()
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

    def _build_graph(self) -> FollowerGraph:
        net = self.spec.network
        if net.kind == "edgelist":
            from model.edgelist import read_edgelist

            return read_edgelist(net.path, directed=net.directed)
        return generate(net.kind, net.n_users, net.mean_degree, net.rewire_prob, net.directed,
                        generator(self.seed, Purpose.NETWORK))

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

    def _mailing_list(self) -> np.ndarray | None:
        """Whom the campaign's reminders can reach besides its supporters (``campaign.ask_to``), as a mask.

        ``followers``: everyone who follows an organiser (the campaign's own
        audience); ``list``: each user independently with chance
        ``campaign.ask_list`` (its own stream), supporter or not: the control
        arm of the sequential-request experiments (Kristofferson, White &
        Peloza 2014). ``None`` for ``supporters``.
        """
        c, n = self.spec.campaign, self.n_users
        if c.ask_to == "supporters":
            return None
        if c.ask_to == "list":
            return generator(self.seed, Purpose.ASK_LIST).random(n) < c.ask_list
        audience = np.zeros(n, dtype=bool)
        for j in self.seeds:
            audience[self.graph.followers_of(int(j))] = True
        return audience

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

        With participants (:meth:`seat`), their choices are those handed to
        :meth:`decide` since the last step; a participant who made none did
        nothing. The exposure and choice phase may already have run, in
        :meth:`cards`; it is then not run again.
        """
        pending = self._pending if self._pending is not None else self._open(self.steps)
        self._pending = None
        decided, self._decided = self._decided, {}
        answered, self._answered = self._answered, {}
        self._close(pending, decided, answered)

    def _open(self, t: int) -> _Pending:
        """Exposure and the decision rule's choices for step ``t`` (the first half of :meth:`step`)."""
        pop = self.pop
        before = self._progress()

        touched = np.flatnonzero(self._touched)
        self._touched[touched] = False
        examined = self._examined(touched)
        asked = self._asked(t)
        outside = self._outside(t, asked)
        for extra in (asked, outside.media, outside.invited):
            if len(extra):
                examined = np.union1d(examined, extra)
        count_followees(self.graph, pop.bits, examined, out=pop.social)
        reach = self._reach(t)
        exposed = touched[~pop.acted[touched]]
        direct = outside.media
        if len(outside.invited) or (len(asked) and self._ask_list is not None):
            direct = np.union1d(direct, np.union1d(outside.invited, asked if self._ask_list is not None else _EMPTY))
        if len(direct):
            exposed_all = np.union1d(exposed, direct)
        else:
            exposed_all = exposed
        aware_before = np.count_nonzero(pop.aware[exposed_all])
        misled_before = np.count_nonzero(pop.aware[exposed_all] & ~pop.aligned[exposed_all])
        seen = self._expose(t, exposed, reach)
        if len(direct):
            # The outside channels, an invitation and a campaign's own list show its own framing.
            pop.step_aware[direct[~pop.aware[direct]]] = t
            pop.aware[direct] = pop.aligned[direct] = True
        newly_aware = int(np.count_nonzero(pop.aware[exposed_all]) - aware_before)
        newly_misled = int(np.count_nonzero(pop.aware[exposed_all] & ~pop.aligned[exposed_all]) - misled_before)
        outside = outside._replace(seen=seen)
        users, (like, share, act) = self._choose(examined, outside, t)
        cards = self._cards(t, users, outside, like, share, act, reach) if len(self.participants) else ()
        return _Pending(t, before, reach, users, like, share, act, newly_aware, newly_misled, cards, outside)

    def _outside(self, t: int, asked: np.ndarray) -> Outside:
        """Users whom the outside channels reach at ``t``, and those invited at the step before."""
        pop = self.pop
        reached = _EMPTY
        h = media.hazard(self.spec.media, t)
        if h > 0:
            reached = media.reached(pop.acted, h, self._keys[Purpose.MEDIA], t)
        invited, inviter = _EMPTY, _EMPTY
        if self._invited_by is not None:
            invited = np.flatnonzero(self._invited_by >= 0)
            inviter = self._invited_by[invited].copy()
            self._invited_by[invited] = -1
            fresh = ~pop.engaged()[invited] if len(invited) else np.empty(0, dtype=bool)
            self.inviter[invited[fresh]] = inviter[fresh]
            keep = ~pop.acted[invited]
            invited, inviter = invited[keep], inviter[keep]
        return Outside(_EMPTY, reached, invited, inviter, asked)

    def _close(self, p: _Pending, decided: dict, answered: dict | None = None) -> None:
        """Participants' choices, attribution, posting and bookkeeping (the second half of :meth:`step`)."""
        t, pop = p.t, self.pop
        users, like, share, act = p.users, p.like, p.share, p.act
        self.choices += len(users)
        if len(self.participants):
            users, like, share, act = self._participants_choose(users, like, share, act, decided)
        bundle = self.spec.campaign.bundle
        if bundle > 0:
            share |= act & (uniforms(self._keys[Purpose.BUNDLE], users, t) < bundle)

        new_like = like & ~pop.liked[users]
        new_share = share & ~pop.shared[users]
        changed = new_like | new_share | act
        idx = users[changed]
        is_first = ~(pop.liked[idx] | pop.shared[idx])  # none has acted: this is their first engagement
        first = idx[is_first]
        if len(first):
            by_threshold = act[changed][is_first] & (not self._rules.logit)
            self._attribute(first, t, p.reach, by_threshold, p.outside)
            if answered:  # a late choice answered the feed of its card's step: credit whom that feed showed
                for user in first:
                    card_step = answered.get(int(user), t)
                    if card_step != t and (int(user), card_step) in self._card_recruiter:
                        pop.recruiter[user], pop.reached_by[user] = self._card_recruiter[int(user), card_step]
        clear_posts(pop.bits, self._changed)  # last step's posts have been seen and attributed
        # Acting makes a user aware; an instigator who acted unprompted saw the original call.
        unprompted = idx[act[changed] & ~pop.aware[idx]]
        pop.aligned[unprompted] = True
        pop.step_aware[unprompted] = t
        pop.aware[unprompted] = True
        self._apply(idx, new_like[changed], new_share[changed], act[changed])
        self._changed = idx
        if self._invited_by is not None and len(first):
            self.invitations_sent += invitations.send(
                first, self._propensity, self.spec.invitations.rate, self.graph.indptr, self.graph.followers,
                pop.acted, self._keys[Purpose.INVITE_COUNT], self._keys[Purpose.INVITE_PICK], t, self._invited_by)

        # Counts change only where users changed: update them from this step's users alone.
        c = self._counts
        c["aware"] += p.newly_aware + len(unprompted)
        c["misled"] += p.newly_misled
        c["liked"] += int(np.count_nonzero(new_like))
        c["shared"] += int(np.count_nonzero(new_share))
        c["acted"] += int(np.count_nonzero(act))
        c["engaged"] += len(first)
        c["slacktivism_gap"] = c["engaged"] - c["acted"]
        self._record()
        if (self._progress() == p.before and not self._still_to_come(t)) or t >= self.spec.steps:
            self.running = False

    def _still_to_come(self, t: int) -> bool:
        """Whether something after step ``t`` can still reach users when nothing changed at ``t``.

        An ask or a news report still to come (one after the last step never
        comes), a standing media hazard, or invitations waiting to arrive.
        """
        last = self.spec.steps
        m = self.spec.media
        return (any(t < a <= last for a in self._asks) or m.hazard > 0
                or any(t < e.step <= last for e in m.events)
                or (self._invited_by is not None and bool((self._invited_by >= 0).any())))

    def _attribute(self, first: np.ndarray, t: int, reach: feed.Reach, by_threshold: np.ndarray,
                   outside: Outside) -> None:
        """Credit each of ``first`` (first engaged at ``t``) to a recruiter and a channel (``model.recruitment``).

        A post seen in the feed credits its poster (:func:`model.recruitment.attribute`);
        an invitation credits its inviter, whatever the feed showed; a user
        reached at ``t`` only by the outside channels, or only by the
        campaign's own reminder, has no recruiter and starts a tree of its own.
        """
        pop = self.pop
        recruitment.attribute(first, self.graph.followee_indptr, self.graph.followees, pop, reach,
                              self._keys[Purpose.EXPOSURE], self._keys[Purpose.ATTRIBUTION], t, by_threshold)
        if len(outside.media) or len(outside.asked):
            in_feed = self._marked(first, outside.seen)
            for group, channel in ((outside.asked, Channel.ASK), (outside.media, Channel.MEDIA)):
                if len(group):
                    alone = first[self._marked(first, group) & ~in_feed]
                    pop.recruiter[alone] = -1
                    pop.reached_by[alone] = channel
        if len(outside.invited):
            where = np.searchsorted(outside.invited, first)
            where[where >= len(outside.invited)] = 0
            hit = outside.invited[where] == first
            pop.recruiter[first[hit]] = outside.inviter[where[hit]]
            pop.reached_by[first[hit]] = Channel.INVITATION

    # ------------------------------------------------------------------ participants

    def seat(self, count: int, placement: participants.Placement = "spread") -> np.ndarray:
        """Place ``count`` participants on the network and return their nodes, in seating order.

        Placement draws from its own stream (``Purpose.PLACEMENT``), so the
        same seed seats the same nodes and no other draw moves. Organisers
        are never seated. Only before the first step.
        """
        if self.steps:
            raise ValueError("participants are seated before the first step")
        if self.spec.decision.rule != "logit":
            raise ValueError("participants need the logit decision rule: under the threshold rule every examined "
                             "user chooses, but a participant gets a card only when the campaign reaches it")
        nodes = participants.place(self.graph, count, placement, self.seeds,
                                   generator(self.seed, Purpose.PLACEMENT))
        self.participants = np.sort(nodes)
        return nodes

    def cards(self) -> tuple[participants.Card, ...]:
        """The participants whom the campaign reaches at the next step, with what their feed shows.

        Runs the next step's exposure and the decision rule now (its draws
        are keyed by step, so running them early changes nothing); the step
        itself (:meth:`step`) then uses the participants' choices handed to
        :meth:`decide`. Calling it again before the step returns the same cards.
        """
        if not self.running:
            return ()
        if self._pending is None:
            self._pending = self._open(self.steps + 1)
        return self._pending.cards

    @property
    def pending(self) -> bool:
        """A step is half-taken: :meth:`cards` ran its exposure, or choices were handed to :meth:`decide`.

        Until :meth:`step` applies it, the population's awareness may already
        hold the next step's exposure while the counts do not.
        """
        return self._pending is not None or bool(self._decided)

    def decide(self, user: int, choice: participants.Choice | participants.Decision, step: int | None = None) -> None:
        """A participant's choice, to count at the next step (the last one given for a user counts).

        A choice for a participant whom the next step's cards do not reach (it
        answered a card after its step moved on) enters that step all the
        same, as a choice made then: a late choice is counted in the next
        step, not lost. Raises ``ValueError`` for a user who is not a
        participant; a participant who has acted is done and its choice is
        ignored.

        ``step``: the step of the card the choice answers. For a late choice
        (an earlier step's card), the participant's first engagement is
        credited to the followee that card's feed would have credited, not to
        whatever the feed shows at the step the choice is counted in.
        """
        user = int(user)
        i = np.searchsorted(self.participants, user)
        if i >= len(self.participants) or self.participants[i] != user:
            raise ValueError(f"user {user} is not a participant")
        if self.pop.acted[user]:
            return
        decision = choice if isinstance(choice, participants.Decision) else participants.Decision.of(choice)
        self._decided[user] = decision
        if step is None:
            self._answered.pop(user, None)
        else:
            self._answered[user] = int(step)

    def _cards(self, t, users, outside, like, share, act, reach) -> tuple[participants.Card, ...]:
        """Cards for the participants who saw the campaign or whom the reminder reached at step ``t``.

        Also notes, for each card, the followee its user's first engagement
        would be credited to at step ``t`` (the feed it shows is this step's),
        for a choice that arrives late (:meth:`decide`). The attribution's
        draws are keyed by user and step, so nothing else moves.
        """
        pop, spec = self.pop, self.spec.platform
        asked = np.union1d(outside.asked, outside.invited)
        reached = np.union1d(np.union1d(outside.seen, outside.media), asked)
        mine = self.participants[self._marked(self.participants, reached)]
        mine = mine[self._marked(mine, users)]  # with choice memory, a participant decides only when users do
        mine = mine[~pop.acted[mine]]
        self._card_recruiter = {k: r for k, r in self._card_recruiter.items() if k[1] >= t - 1}
        if len(mine):
            kept, kept_channel = pop.recruiter[mine].copy(), pop.reached_by[mine].copy()
            self._attribute(mine, t, reach, np.zeros(len(mine), dtype=bool), outside)
            for user, r, ch in zip(mine.tolist(), pop.recruiter[mine].tolist(), pop.reached_by[mine].tolist(),
                                   strict=True):
                self._card_recruiter[user, t] = (r, ch)
            pop.recruiter[mine], pop.reached_by[mine] = kept, kept_channel
        where = np.searchsorted(users, mine)
        was_asked = self._marked(mine, asked)
        like_count = self._counts["liked"] if spec.like_counts_visible else None
        cards = []
        for k, user in enumerate(mine):
            social, q = pop.social[user], where[k]
            cards.append(participants.Card(
                user=int(user), step=t, aligned=bool(pop.aligned[user]),
                shared_by=int(social[Flag.POSTED_ALIGNED] + social[Flag.POSTED_DISTORTED]),
                liked_by=int(social[Flag.POSTED_LIKE]) if spec.show_friend_likes else 0,
                acted_by=int(social[Flag.POSTED_ACT]) if spec.actions_public else 0,
                like_count=like_count, asked=bool(was_asked[k]),
                rule=participants.Decision(bool(like[q]), bool(share[q]), bool(act[q]))))
        return tuple(cards)

    def _participants_choose(self, users, like, share, act, decided):
        """The rule's choices with every participant's replaced by its own (none if it made none).

        A participant who is not among this step's choosers (a late choice)
        is added to them, in order.
        """
        extra = np.array(sorted(u for u in decided if not self.pop.acted[u]), dtype=np.int64)
        extra = extra[~self._marked(extra, users)] if len(extra) else extra
        if len(extra):
            merged = np.union1d(users, extra)
            keep = self._marked(merged, users)
            like2, share2, act2 = (np.zeros(len(merged), dtype=bool) for _ in range(3))
            like2[keep], share2[keep], act2[keep] = like, share, act
            users, like, share, act = merged, like2, share2, act2
        else:
            like, share, act = like.copy(), share.copy(), act.copy()
        mine = self._marked(users, self.participants)
        like[mine] = share[mine] = act[mine] = False
        for q in np.flatnonzero(mine):
            d = decided.get(int(users[q]))
            if d is not None:
                like[q], share[q], act[q] = d
        return users, like, share, act

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

    def _asked(self, t: int) -> np.ndarray:
        """Token supporters (sorted, none has acted) whom the campaign's reminder reaches at step ``t``.

        At each step of ``campaign.asks`` the campaign asks everyone who liked
        or shared and has not acted to act now; each is reached with chance
        ``campaign.ask_reach`` (its own stream).
        """
        if t not in self._asks:
            return np.empty(0, dtype=np.int64)
        pop = self.pop
        listed = (pop.liked | pop.shared) if self._ask_list is None else self._ask_list
        asked = np.flatnonzero(listed & ~pop.acted)
        reach = self.spec.campaign.ask_reach
        if reach < 1:
            asked = asked[uniforms(self._keys[Purpose.ASK], asked, t) < reach]
        return asked

    def _reach(self, t: int) -> feed.Reach:
        """This step's chance that a post of each kind reaches a follower's feed."""
        multiplier = self.visibility * feed.novelty(self.spec.campaign.attention_decay, t - 1)
        return feed.reach(self.spec.platform, multiplier)

    def _expose(self, t: int, users: np.ndarray, reach: feed.Reach) -> np.ndarray:
        """Those of ``users`` (their feed had items) who saw the campaign, sorted."""
        saw = np.empty(len(users), dtype=bool)
        feed.expose(users, self.pop, reach, self._keys[Purpose.EXPOSURE], t, saw, self.graph.n_followees)
        return users[saw]

    def _choose(self, examined: np.ndarray, outside: Outside, t: int) -> tuple[np.ndarray, tuple]:
        """The users who choose this step (sorted, none has acted), and their (like, share, act).

        Under the logit rule, the users who saw the campaign (in the feed,
        from the outside channels or in an invitation) or were asked again;
        with choice memory only those of them with fresh luck or new evidence
        (:mod:`model.memory`). Under the threshold rule, every examined user
        (token support still needs the campaign in the feed).
        """
        pop = self.pop
        asked = outside.asked
        shown = outside.seen
        if len(outside.media) or len(outside.invited):
            shown = np.union1d(shown, np.union1d(outside.media, outside.invited))
            asked = np.union1d(asked, outside.invited)
        if self._rules.logit and not len(asked):
            users, in_feed = shown, np.ones(len(shown), dtype=bool)
        else:
            users = np.union1d(shown, asked) if self._rules.logit else examined
            in_feed = self._marked(users, shown)
        flagged = self._marked(users, asked)
        if self._rules.memory:
            decides = np.empty(len(users), dtype=bool)
            memory.who_decides(users, flagged, pop, self.spec.decision.memory, self._keys[Purpose.MEMORY], t,
                               decides)
            users, in_feed, flagged = users[decides], in_feed[decides], flagged[decides]
        like, share, act = (np.empty(len(users), dtype=bool) for _ in range(3))
        decisions.choose(users, in_feed, flagged, pop, self.graph.n_followees, self._rules, self._luck, t,
                         like, share, act)
        return users, (like, share, act)

    def _marked(self, users: np.ndarray, subset: np.ndarray) -> np.ndarray:
        """Whether each of ``users`` is in ``subset`` (aligned with ``users``)."""
        self._scratch[subset] = True
        marked = self._scratch[users]
        self._scratch[subset] = False
        return marked

    def _apply(self, idx, new_like, new_share, new_act) -> None:
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
        c = dict(self._counts)
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
        """The run's outcome: the same dict ``slacktivism run --json`` prints.

        Its outcome keys are :data:`model.metrics.SUMMARY`.
        """
        return {"scenario": self.spec.name, "seed": self.seed, "n_users": self.n_users,
                "goal_actions": self.spec.campaign.goal_actions, "n_seeds": int(len(self.seeds)),
                **metrics.summary(self)}

    def recruitment(self) -> recruitment.Forest:
        """The recruitment forest as it stands (:func:`model.recruitment.forest`), cached per step."""
        if self._forest is None or self._forest[0] != self.steps:
            self._forest = (self.steps, recruitment.forest(self.pop.recruiter, self.pop.first_engaged()))
        return self._forest[1]

    def user_table(self):
        """One row per user, the columns of :data:`model.metrics.USER_COLUMNS` (pandas)."""
        import pandas as pd

        return pd.DataFrame({c.name: c.compute(self) for c in metrics.USER_COLUMNS}, copy=False)

    def timeseries(self):
        """The per-step series as a pandas DataFrame (one row per step, from step 0)."""
        return self.datacollector.get_model_vars_dataframe().reset_index(drop=True)

    def followee_counts(self, users) -> np.ndarray:
        """Current counters for ``users``, one row each (columns: ``model.state.Flag``).

        Counts followees who acted, gave token support, shared, or engaged
        from the in-group, and the feed items waiting for the next step.
        """
        return count_followees(self.graph, self.pop.bits, np.atleast_1d(np.asarray(users, dtype=np.int64)))

    def user_states(self) -> np.ndarray:
        """Each user's :class:`~model.state.UserState` code."""
        return self.pop.codes()
