"""The open half of a step in one pass per user: count, see, decide whether to choose, choose.

A step's exposure and choice (``model/ODD.md``, section 7) apply four rules
to the same users in turn: each user's followees are counted
(:mod:`model.spread`), it sees the campaign in its feed or not
(:mod:`model.feed`), it decides whether to choose again
(:mod:`model.memory`), and it chooses (:mod:`model.decisions`). Each of
those modules holds its rule as a scalar function with a loop of its own.
This module runs the four scalar functions one user after the other, so a
user's counts are used while they are in the cache, and no list of users is
built between the rules. Every rule reads and writes only the user's own
state (the followees' state bytes are only read), so one pass per user
gives exactly what the four loops give in turn; the tests check it.

Users are examined when something reached them (``via``, a set of flags):
a followee's post in the feed, the outside channels, an invitation, the
campaign's reminder; under the threshold rule also when their own state
changed at the step before, or at the first step, when everyone is.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.chunks import CHUNKS, chunk
from model.decisions import choose_one
from model.feed import expose_one
from model.memory import decides_one
from model.spread import count_one

#: How an examined user was reached (its ``via`` flags).
FEED, MEDIA, INVITED, ASKED, CHANGED = 1, 2, 4, 8, 16
#: What happened to an examined user at the step (bits of its outcome byte).
SEEN, IN_FEED, FLAGGED, REACHED, DECIDES, LIKE, SHARE, ACT = 1, 2, 4, 8, 16, 32, 64, 128


class Reached(NamedTuple):
    """The users who are not the feed's to reach at a step (each sorted), and the users whose state changed."""

    media: np.ndarray
    invited: np.ndarray
    asked: np.ndarray
    changed: np.ndarray


class OpenStep(NamedTuple):
    """The first half of a step (:meth:`model.SlacktivismModel.open_step`): who chooses now, and the rule's choices.

    Attributes:
        step: the step being taken.
        users: the users who choose at this step, sorted (none has acted).
        like, share, act: what the decision rule chose for each (aligned with
            ``users``; copies, free to change and hand back to
            :meth:`model.SlacktivismModel.close_step`).
        in_feed: whether each saw the campaign at this step (in the feed, from
            the outside channels or in an invitation); token support needs it.
        asked: whether the campaign (a reminder) or a follower (an invitation)
            asked each directly.
        reached: every user the campaign reached at this step (saw it, or was
            asked), sorted; under choice memory a superset of ``users``.
        reached_asked: whether each of ``reached`` was asked directly.
    """

    step: int
    users: np.ndarray
    like: np.ndarray
    share: np.ndarray
    act: np.ndarray
    in_feed: np.ndarray
    asked: np.ndarray
    reached: np.ndarray
    reached_asked: np.ndarray


class Opened(NamedTuple):
    """What one pass over the examined users found.

    ``chosen``: the step's choices; ``seen``: who saw a followee's post
    (sorted); ``newly_aware``, ``newly_misled``: how the counts change.
    """

    chosen: OpenStep
    seen: np.ndarray
    newly_aware: int
    newly_misled: int


class Context(NamedTuple):
    """What the pass reads besides the users: the graph, the step's reach and the rules' keys."""

    followee_rows: object
    n_followees: np.ndarray
    reach: object
    exposure_key: np.uint64
    rules: object
    luck: object
    memory: float
    memory_key: np.uint64
    lists: bool


def open_users(touched: np.ndarray, via: np.ndarray, everyone: bool, reached: Reached, pop, ctx: Context,
               step: int) -> Opened:
    """Examine every user something reached at ``step`` (``touched``: its feed had items) and let them choose.

    ``touched`` and ``via`` (a scratch array of flags, all 0) are left all
    ``False`` and 0. ``everyone``: examine every user who has not acted (the
    threshold rule's first step).
    """
    examined, flags = _gather(touched, via, pop.acted, everyone, reached.media, reached.invited, reached.asked,
                              reached.changed)
    outcome = np.empty(len(examined), dtype=np.uint8)
    # The context's fields go to the loop one by one: numba hands a parallel loop only records that are arguments.
    newly_aware, newly_misled = _pass(examined, flags, pop, *ctx, step, outcome)
    users, like, share, act, in_feed, asked, reached_users, reached_asked, seen = _unpack(examined, outcome)
    return Opened(OpenStep(step, users, like, share, act, in_feed, asked, reached_users, reached_asked), seen,
                  newly_aware, newly_misled)


def scratch(n: int, dtype) -> np.ndarray:
    """A zeroed per-user scratch array (``touched``, ``via``), padded to whole 64-bit words for :func:`_gather`."""
    return np.zeros(-(-n // 8) * 8, dtype=dtype)


@numba.njit(cache=True, parallel=True)
def _gather(touched, via, acted, everyone, media, invited, asked, changed):
    """The examined users (sorted, none has acted) and their ``via`` flags; clears ``touched`` and ``via``.

    ``touched`` and ``via`` are :func:`scratch` arrays: a word of eight users with no flag at all is
    skipped whole (unless ``everyone``), so a quiet step does not look at each user. Within a word the
    test has no branch: each user is written to the next slot and the slot advances only if the user is
    examined, since in an explosive step whether a user is examined is a coin toss a branch would miss.
    """
    for group, flag in ((media, MEDIA), (invited, INVITED), (asked, ASKED), (changed, CHANGED)):
        for i in group:
            via[i] |= flag
    n = len(acted)
    touched_words, via_words = touched.view(np.uint64), via.view(np.uint64)
    touched_bytes, acted_bytes = touched.view(np.uint8), acted.view(np.uint8)
    all_users = np.uint8(1 if everyone else 0)
    words = len(touched_words)
    sizes = np.zeros(CHUNKS + 1, dtype=np.int64)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, words)
        k = 0
        for w in range(lo, hi):
            if everyone or (touched_words[w] | via_words[w]) != 0:
                for i in range(8 * w, min(n, 8 * w + 8)):
                    k += ((via[i] | touched_bytes[i] | all_users) != 0) & (acted_bytes[i] == 0)
        sizes[c + 1] = k
    offsets = np.cumsum(sizes)
    users = np.empty(offsets[-1], dtype=np.int64)
    flags = np.empty(offsets[-1], dtype=np.uint8)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, words)
        k, end = offsets[c], offsets[c + 1]
        for w in range(lo, hi):
            if everyone or (touched_words[w] | via_words[w]) != 0:
                for i in range(8 * w, min(n, 8 * w + 8)):
                    f = via[i] | (touched_bytes[i] * np.uint8(FEED))
                    if k < end:  # the slot past this slice's end is the next slice's: never written here
                        users[k] = i
                        flags[k] = f
                    k += ((f | all_users) != 0) & (acted_bytes[i] == 0)
                touched_words[w] = 0
                via_words[w] = 0
    return users, flags


@numba.njit(cache=True, parallel=True)
def _pass(examined, flags, pop, rows, n_followees, reach, exposure_key, r, luck, memory, memory_key, lists, step,
          outcome):
    """The four rules for each examined user in turn; returns the (newly aware, newly misled) counts."""
    # Arrays written are taken out of the record first: numba drops writes to a record's arrays inside prange.
    social, aware, aligned, step_aware = pop.social, pop.aware, pop.aligned, pop.step_aware
    luck_step, last, bits = pop.luck_step, pop.evidence, pop.bits
    newly_aware = 0
    newly_misled = 0
    for q in numba.prange(len(examined)):
        i = examined[q]
        f = flags[q]
        counts = social[i]
        count_one(i, rows, bits, counts)
        was_aware = aware[i]
        was_misled = aware[i] and not aligned[i]
        seen = False
        if f & FEED:
            seen = expose_one(i, counts, reach, exposure_key, step, n_followees[i], aware, aligned, step_aware)
        # The outside channels, an invitation and a campaign's own list show its own framing.
        if f & (MEDIA | INVITED) or (f & ASKED and lists):
            if not aware[i]:
                step_aware[i] = step
            aware[i] = True
            aligned[i] = True
        newly_aware += int(aware[i]) - int(was_aware)
        newly_misled += int(aware[i] and not aligned[i]) - int(was_misled)
        shown = seen or (f & (MEDIA | INVITED)) != 0
        flagged = (f & (ASKED | INVITED)) != 0
        o = (SEEN if seen else 0) | (IN_FEED if shown else 0) | (FLAGGED if flagged else 0)
        if shown or flagged:
            o |= REACHED
        chooses = (shown or flagged) if r.logit else True
        if chooses and r.memory:
            chooses = decides_one(i, flagged, shown, counts, aligned[i], luck_step, last, memory, memory_key, step)
        if chooses:
            like, share, act = choose_one(i, shown, flagged, pop, counts, n_followees[i], r, luck, step)
            o |= DECIDES | (LIKE if like else 0) | (SHARE if share else 0) | (ACT if act else 0)
        outcome[q] = o
    return newly_aware, newly_misled


@numba.njit(cache=True, parallel=True)
def _unpack(examined, outcome):
    """The outcome bytes as the choosers' and the reached users' arrays (see :class:`Opened`)."""
    n = len(examined)
    sizes = np.zeros((3, CHUNKS + 1), dtype=np.int64)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, n)
        deciding = reaching = seeing = 0
        for q in range(lo, hi):
            o = outcome[q]
            deciding += (o & DECIDES) != 0
            reaching += (o & REACHED) != 0
            seeing += (o & SEEN) != 0
        sizes[0, c + 1], sizes[1, c + 1], sizes[2, c + 1] = deciding, reaching, seeing
    starts = np.empty_like(sizes)
    for g in range(3):
        starts[g] = np.cumsum(sizes[g])
    n_users, n_reached, n_seen = starts[0, -1], starts[1, -1], starts[2, -1]
    users = np.empty(n_users, dtype=np.int64)
    like = np.empty(n_users, dtype=np.bool_)
    share = np.empty(n_users, dtype=np.bool_)
    act = np.empty(n_users, dtype=np.bool_)
    in_feed = np.empty(n_users, dtype=np.bool_)
    asked = np.empty(n_users, dtype=np.bool_)
    reached = np.empty(n_reached, dtype=np.int64)
    reached_asked = np.empty(n_reached, dtype=np.bool_)
    seen = np.empty(n_seen, dtype=np.int64)
    for c in numba.prange(CHUNKS):
        lo, hi = chunk(c, n)
        a, b, d = starts[0, c], starts[1, c], starts[2, c]
        a_end, b_end, d_end = starts[0, c + 1], starts[1, c + 1], starts[2, c + 1]
        # Without a branch per user, as in _gather: each output's slot advances only if the user belongs in it.
        for q in range(lo, hi):
            o = outcome[q]
            i = examined[q]
            if a < a_end:
                users[a] = i
                like[a], share[a], act[a] = (o & LIKE) != 0, (o & SHARE) != 0, (o & ACT) != 0
                in_feed[a], asked[a] = (o & IN_FEED) != 0, (o & FLAGGED) != 0
            a += (o & DECIDES) != 0
            if b < b_end:
                reached[b] = i
                reached_asked[b] = (o & FLAGGED) != 0
            b += (o & REACHED) != 0
            if d < d_end:
                seen[d] = i
            d += (o & SEEN) != 0
    return users, like, share, act, in_feed, asked, reached, reached_asked, seen
