"""Class rooms measured in-process (no server, no browser): does every student get a card early?

A student the campaign never reaches learns nothing from a lesson, so the
default room seats the class where the campaign's first step reaches it
(``viz/seats.py``). This runs default rooms with simulated students, who
answer each card at once with a seeded random choice (like 40%, scroll past
30%, share 20%, take action 10%, as ``bench/class_bench.py``'s phones), and
counts the students who had a card within the first steps.

    python bench/class_rooms.py [--rooms 20] [--students 30] [--steps 3]

``bench/class_bench.py`` reports it beside its load figures, and
``tests/test_room_seats.py`` checks it with its interval.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from model.participants import Choice
from viz.room_server import Rooms
from viz.rooms import PLEDGES, RoomSettings

CHOICES = [Choice.LIKE, Choice.NONE, Choice.SHARE, Choice.ACT]
WEIGHTS = [0.4, 0.3, 0.2, 0.1]


class _Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def first_cards(seed: int, students: int, steps: int, journal_dir: Path, placement: str = "reached") -> int:
    """Students of one default room (seed ``seed``) who had a card at one of the first ``steps`` steps."""
    clock = _Clock()
    room = Rooms(clock=clock, journal_dir=journal_dir).open(RoomSettings(seed=seed, placement=placement))
    seated = [room.join(f"Student {k}", f"browser-{k}") for k in range(students)]
    room.start()
    rng = np.random.default_rng([seed, students])  # the students' own luck, not the model's
    seen = set()
    for _ in range(steps):
        for s in room.open_cards():
            seen.add(s.pseudonym)
            choice = CHOICES[rng.choice(len(CHOICES), p=WEIGHTS)]
            room.choose(s.token, s.node, s.card.step, choice, pledge=PLEDGES["en"])
        clock.now += 2.0
        if not room.step():
            break
    room.end()
    assert len(seated) == students
    return len(seen)


def first_card_share(rooms: int = 20, students: int = 30, steps: int = 3, journal_dir: Path | None = None,
                     placement: str = "reached") -> tuple[int, int]:
    """Over ``rooms`` default rooms (seeds 0, 1, ...): students with a card within ``steps`` steps, and students."""
    with tempfile.TemporaryDirectory() as tmp:
        where = Path(journal_dir or tmp)
        got = sum(first_cards(seed, students, steps, where, placement) for seed in range(rooms))
    return got, rooms * students


def wilson(k: int, n: int, z: float = 1.96) -> tuple[float, float]:
    """The Wilson score interval of a share ``k / n`` (95% by default)."""
    p = k / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return centre - half, centre + half


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rooms", type=int, default=20)
    parser.add_argument("--students", type=int, default=30)
    parser.add_argument("--steps", type=int, default=3)
    args = parser.parse_args(argv)
    for placement in ("reached", "spread"):
        k, n = first_card_share(args.rooms, args.students, args.steps, placement=placement)
        low, high = wilson(k, n)
        print(f"{placement}: {k}/{n} = {k / n:.1%} had a card within {args.steps} steps "
              f"(95% interval {low:.1%} to {high:.1%})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
