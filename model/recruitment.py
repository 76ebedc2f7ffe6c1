"""Who recruited whom: each user's arrival attributed to a followee, and the trees it makes.

Facebook Causes recorded who invited each member, and from those records
Lewis, Gray & Meierhenrich (2014) found that 72% of the Save Darfur Cause's
members recruited no one. Goel, Anderson, Hofman & Watts (2016) measured
the shape of diffusion trees by their *structural virality*, the mean
distance between pairs of nodes in a tree. This module keeps the same
record for the model:

* :func:`attribute`: a user's *recruiter* is the followee whose post it saw
  in the step it first engaged (liked, shared or acted). If several
  followees' posts were in its feed, one is picked with the attribution
  stream, in proportion to each post's chance of reaching the feed, among
  the posts of the framing the user saw. Seeds and users who acted
  unprompted (no followee posted) have no recruiter.
* :func:`forest`: the recruitment forest: each user's generation and number
  of recruits, each tree's size and depth, and the structural virality of
  the largest tree, in linear time from subtree sizes.
"""

from __future__ import annotations

from typing import NamedTuple

import numba
import numpy as np

from model.feed import what_was_seen
from model.randomness import uniform
from model.state import Channel, Flag

_SHARE_CH, _LIKE_CH, _ACTION_CH, _UNPROMPTED = (int(Channel.SHARE), int(Channel.LIKE), int(Channel.ACTION),
                                                int(Channel.UNPROMPTED))
_ALIGNED, _DISTORTED, _LIKE, _ACT = (Flag.POSTED_ALIGNED.mask, Flag.POSTED_DISTORTED.mask, Flag.POSTED_LIKE.mask,
                                     Flag.POSTED_ACT.mask)
_ANY_POST = _ALIGNED | _DISTORTED | _LIKE | _ACT


@numba.njit(cache=True, inline="always")
def _weight(b, r, kinds, by_reach):
    """How much the posts of kinds ``kinds`` in state byte ``b`` count: their chance of reaching the feed, or 1."""
    posted = b & kinds
    if not posted:
        return 0.0
    if not by_reach:
        return 1.0
    w = 0.0
    if posted & _ALIGNED:
        w += r.p_share
    if posted & _DISTORTED:
        w += r.p_share
    if posted & _LIKE:
        w += r.p_like
    if posted & _ACT:
        w += r.p_act
    return w


@numba.njit(cache=True, inline="always")
def _channel(b, r, kinds, by_reach, x):
    """The kind of post in state byte ``b`` at fraction ``x`` in [0, 1) of its weight: share, like or action.

    Each posted kind among ``kinds`` takes a slice of the followee's weight
    in proportion to its chance of reaching the feed (or equal slices), in
    the order aligned share, distorted share, like, action.
    """
    posted = b & kinds
    total = _weight(b, r, kinds, by_reach)
    if not by_reach:
        n = 0
        for bit in (_ALIGNED, _DISTORTED, _LIKE, _ACT):
            if posted & bit:
                n += 1
        total = float(n)
    acc = 0.0
    last = _SHARE_CH
    for bit, channel, p in ((_ALIGNED, _SHARE_CH, r.p_share), (_DISTORTED, _SHARE_CH, r.p_share),
                            (_LIKE, _LIKE_CH, r.p_like), (_ACT, _ACTION_CH, r.p_act)):
        weight = (p if by_reach else 1.0) / total if total > 0 else 0.0
        if posted & bit and weight > 0:
            last = channel  # rounding can leave x at the very end: the last kind with a share
            acc += weight
            if x < acc:
                return channel
    return last


class AttributionKeys(NamedTuple):
    """The stream keys attribution reads: the exposure's (to recompute what was seen) and its own."""

    exposure: np.uint64
    attribution: np.uint64


@numba.njit(cache=True, parallel=True)
def attribute(users, followee_rows, pop, r, keys, step, threshold_act):
    """Set ``pop.recruiter`` for ``users``, who first engaged at ``step``.

    ``followee_rows`` is the graph's :class:`~model.network.Csr` of followees;
    ``keys`` an :class:`AttributionKeys`.

    Must run before last step's posts are cleared from ``pop.bits``. The
    framing the user saw this step is recomputed from its exposure uniform
    (:func:`model.feed.what_was_seen`): its own framing points to aligned
    shares, likes and actions; a distorted framing alone to distorted shares.
    Each candidate followee counts with the chance its posts reached the feed
    (``r`` is :class:`model.feed.Reach`). Under the threshold rule acting
    follows the followees who acted, so a user who acts by it
    (``threshold_act``, aligned with ``users``) or engaged without seeing the
    campaign this step is credited to a followee who acted at the step
    before, all alike; failing that, to any post. If all the chances are 0,
    every candidate counts the same. Users are independent, so they are
    attributed in parallel. The channel (``pop.reached_by``) is the kind of
    the chosen followee's post that the same uniform falls on, each kind
    with its own chance of reaching the feed (:func:`_channel`); a user with
    no candidate is ``UNPROMPTED``.
    """
    # Arrays are taken out of the record first: numba drops writes to a record's arrays inside prange.
    social, bits, recruiter, reached_by = pop.social, pop.bits, pop.recruiter, pop.reached_by
    followee_indptr, followees = followee_rows.indptr, followee_rows.indices
    exposure_key, key = keys.exposure, keys.attribution
    for q in numba.prange(len(users)):
        i = users[q]
        seen = own = False
        if not threshold_act[q]:  # acting by the threshold rule follows the followees who acted, whatever was seen
            seen, own = what_was_seen(social[i], r, uniform(exposure_key, i, step),
                                      followee_indptr[i + 1] - followee_indptr[i])
        by_reach = True
        if own:
            kinds = _ALIGNED | _LIKE | _ACT
        elif seen:
            kinds = _DISTORTED
        else:
            kinds = _ANY_POST
            for e in range(followee_indptr[i], followee_indptr[i + 1]):
                if bits[followees[e]] & _ACT:
                    kinds = _ACT
                    by_reach = False
                    break
        total = 0.0
        candidates = 0
        for e in range(followee_indptr[i], followee_indptr[i + 1]):
            b = bits[followees[e]]
            if b & kinds:
                candidates += 1
                total += _weight(b, r, kinds, by_reach)
        chosen = -1
        channel = _UNPROMPTED
        if candidates > 0:
            u = uniform(key, i, step)
            even = total <= 0
            target = u * candidates if even else u * total
            acc = 0.0
            w = 0.0
            for e in range(followee_indptr[i], followee_indptr[i + 1]):
                j = followees[e]
                w = _weight(bits[j], r, kinds, by_reach and not even)
                if w <= 0:
                    continue
                chosen = j
                acc += w
                if target < acc:
                    break
            channel = _channel(bits[chosen], r, kinds, by_reach and not even, (target - (acc - w)) / w)
        recruiter[i] = chosen
        reached_by[i] = channel


class Forest(NamedTuple):
    """The recruitment forest over engaged users.

    Attributes:
        generation: hops from the user's root (0 for a root; -1 if never engaged).
        recruits: engaged users whose recruiter this user is.
        root: the root of the user's tree (-1 if never engaged).
        roots: the roots, in increasing order.
        tree_size: users in each root's tree (aligned with ``roots``).
        tree_depth: the largest generation in each root's tree.
        largest_root: root of the largest tree (the smallest root among equals; -1 if none).
        structural_virality: mean distance between pairs of users in the largest tree
            (Goel et al. 2016; 0 for a single user).
    """

    generation: np.ndarray
    recruits: np.ndarray
    root: np.ndarray
    roots: np.ndarray
    tree_size: np.ndarray
    tree_depth: np.ndarray
    largest_root: int
    structural_virality: float


def forest(recruiter: np.ndarray, first_step: np.ndarray) -> Forest:
    """Build the forest from each user's recruiter and the step it first engaged (-1: never).

    A recruiter always engaged before its recruit, so one pass in order of
    first engagement (a counting sort by step) gives generations and roots,
    and one pass back gives subtree sizes; all in linear time.
    """
    order = _by_step(first_step)
    generation, recruits, root, size, depth, wiener = _walk(recruiter, order, len(recruiter))
    roots = order[recruiter[order] < 0]
    roots.sort()
    tree_size, tree_depth = size[roots].astype(np.int64), depth[roots].astype(np.int64)
    if len(roots) == 0:
        return Forest(generation, recruits, root, roots, tree_size, tree_depth, -1, 0.0)
    largest = int(roots[np.argmax(tree_size)])
    n = float(size[largest])
    # Mean pairwise distance: each edge lies on s (n - s) paths, s the subtree below it.
    virality = 2.0 * wiener[largest] / (n * (n - 1.0)) if n > 1 else 0.0
    return Forest(generation, recruits, root, roots, tree_size, tree_depth, largest, virality)


@numba.njit(cache=True)
def _by_step(first_step):
    """Users who engaged, in order of the step they first did (a stable counting sort)."""
    last = -1
    for s in first_step:
        last = max(last, s)
    counts = np.zeros(last + 2, dtype=np.int64)
    for s in first_step:
        if s >= 0:
            counts[s + 1] += 1
    for k in range(1, len(counts)):
        counts[k] += counts[k - 1]
    order = np.empty(counts[-1], dtype=np.int64)
    for i in range(len(first_step)):
        s = first_step[i]
        if s >= 0:
            order[counts[s]] = i
            counts[s] += 1
    return order


@numba.njit(cache=True)
def _walk(recruiter, order, n):
    """Forward in engagement order: generations, roots, tree sizes and depths; back: subtree sizes.

    Going back, a user's subtree is complete when it is reached (its
    recruits engaged later), so its edge's share of the tree's Wiener index,
    s (n - s), is added then.
    """
    generation = np.full(n, -1, dtype=np.int32)
    recruits = np.zeros(n, dtype=np.int32)
    root = np.full(n, -1, dtype=np.int32)
    size = np.zeros(n, dtype=np.int32)    # per root: users in its tree
    depth = np.zeros(n, dtype=np.int32)   # per root: deepest generation
    for i in order:
        parent = recruiter[i]
        if parent < 0:
            generation[i] = 0
            root[i] = i
        else:
            generation[i] = generation[parent] + 1
            root[i] = root[parent]
            recruits[parent] += 1
        size[root[i]] += 1
        depth[root[i]] = max(depth[root[i]], generation[i])
    subtree = np.zeros(n, dtype=np.int32)
    wiener = np.zeros(n, dtype=np.float64)  # per root
    for k in range(len(order) - 1, -1, -1):
        i = order[k]
        subtree[i] += 1
        parent = recruiter[i]
        if parent >= 0:
            subtree[parent] += subtree[i]
            s = float(subtree[i])
            wiener[root[i]] += s * (size[root[i]] - s)
    return generation, recruits, root, size, depth, wiener
