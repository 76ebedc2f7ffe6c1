"""Common random numbers: every draw is a function of (seed, purpose, coordinates).

A comparison between two runs is fair only if they differ where the changed
mechanism makes them differ, and nowhere else (common random numbers; Law
2015, *Simulation Modeling and Analysis*, ch. 11). With one shared stream,
drawing one more attribute shifts every later draw: the network, the seed
users and the luck of every choice. So no draw here depends on how many
draws came before:

* set-up draws (the network, each user attribute, the seed users) come from
  a generator of their own, NumPy's counter-based ``Philox`` keyed by
  ``SeedSequence([seed, purpose])`` (Salmon et al. 2011);
* per-user, per-step draws (exposure, choice, attribution) are a hash of
  (stream key, user, step), computed inside the numba kernels with
  splitmix64 (Steele, Lea & Flood 2014), so a user's uniform at step ``t``
  is the same whoever else is drawn, in whatever order, on however many
  threads.
"""

from __future__ import annotations

from enum import IntEnum

import numba
import numpy as np


class Purpose(IntEnum):
    """What a random draw is for; each purpose has its own stream.

    Numbers are part of every result: never renumber a purpose, only add.
    """

    NETWORK = 1
    THRESHOLD = 2
    CONCERN = 3
    STATUS_MOTIVE = 4
    IN_GROUP = 5
    MISALIGNED = 6
    SEEDING = 7
    EXPOSURE = 8
    CHOICE = 9
    ATTRIBUTION = 10
    ASK = 11
    BUNDLE = 12
    DRIFT = 13
    HOMOPHILY = 14
    PLACEMENT = 15
    INTEREST = 16
    MEMORY = 17
    LIKE_LUCK = 18
    SHARE_LUCK = 19
    MEDIA = 20
    INVITE_PROPENSITY = 21
    INVITE_COUNT = 22
    INVITE_PICK = 23
    ASK_LIST = 24


def generator(seed: int, purpose: Purpose) -> np.random.Generator:
    """A generator for one set-up purpose, independent of every other purpose."""
    return np.random.Generator(np.random.Philox(np.random.SeedSequence([seed, int(purpose)])))


def stream_key(seed: int, purpose: Purpose) -> np.uint64:
    """The 64-bit key of a per-user, per-step stream (for :func:`uniform`)."""
    return np.random.SeedSequence([seed, int(purpose)]).generate_state(1, dtype=np.uint64)[0]



def spawn_seeds(master: int, n: int, spawn_key: tuple[int, ...] = ()) -> list[int]:
    """The seeds of ``n`` runs: children of ``numpy.random.SeedSequence(master)``, as non-negative 63-bit integers.

    Sweeps, optimisation, case comparisons and the app's replicates all spawn
    their runs' seeds here, so one master seed names the same runs everywhere.
    Child ``i`` does not depend on ``n``, so asking for more seeds keeps the
    first ones. ``spawn_key`` spawns from a descendant instead
    (``SeedSequence(master, spawn_key=(c,))`` is ``SeedSequence(master)``'s
    child ``c``), e.g. one independent family of replicate seeds per sweep
    combination.
    """
    return [int(child.generate_state(1, dtype=np.uint64)[0] >> np.uint64(1))
            for child in np.random.SeedSequence(master, spawn_key=spawn_key).spawn(n)]

@numba.njit(cache=True, inline="always")
def splitmix64(x: int | np.uint64) -> np.uint64:
    """Steele, Lea & Flood's (2014) finaliser: a bijection on 64-bit integers that mixes every bit."""
    z = numba.uint64(x) + numba.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> numba.uint64(30))) * numba.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> numba.uint64(27))) * numba.uint64(0x94D049BB133111EB)
    return z ^ (z >> numba.uint64(31))


@numba.njit(cache=True, inline="always")
def uniform(key: int | np.uint64, user: int, step: int) -> float:
    """A uniform on [0, 1) that depends only on (key, user, step).

    ``user`` and ``step`` (each below 2^32) are packed into one 64-bit
    coordinate, mixed, combined with the stream key and mixed again; the top
    53 bits become the double.
    """
    coordinate = (numba.uint64(step) << numba.uint64(32)) | numba.uint64(user)
    h = splitmix64(splitmix64(coordinate) ^ numba.uint64(key))
    return float(h >> numba.uint64(11)) * (1.0 / 9007199254740992.0)


@numba.njit(cache=True)
def uniforms(key: int | np.uint64, users: np.ndarray, step: int) -> np.ndarray:
    """:func:`uniform` for many users at one step (for tests and set-up)."""
    out = np.empty(len(users), dtype=np.float64)
    for q in range(len(users)):
        out[q] = uniform(key, users[q], step)
    return out


def seed_from(rng: int | np.integer | np.random.Generator) -> int:
    """An integer master seed from an int, or one draw of a ``numpy.random.Generator``."""
    if isinstance(rng, (int, np.integer)):
        return int(rng)
    if isinstance(rng, np.random.Generator):
        return int(rng.integers(0, 2**63 - 1))
    raise TypeError(f"rng must be an integer seed or a numpy Generator (got {type(rng).__name__})")
