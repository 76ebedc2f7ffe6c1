"""Class mode's records: a room's settings, its students, their choices, its refusals, and its limits.

What a room (``viz/rooms.py``), its roster (``viz/roster.py``), the server's rooms
(``viz/room_server.py``) and the pages (``viz/classroom.py``) share; plain data and
small rules, no model.
"""

from __future__ import annotations

import html
import secrets
import unicodedata
from dataclasses import dataclass
from typing import Literal

from model.participants import Card, Choice
from viz.seats import ROOM_PLACEMENTS
from viz.world import MAX_VIEW

#: Students per room, at most.
MAX_STUDENTS = 60
#: Characters of a nickname, at most.
MAX_NICKNAME = 20
#: Combining marks on one character of a nickname, at most (more is "Zalgo" text that spills over the projector).
MAX_MARKS = 2
#: Room codes: no 0/O, 1/I/L, which are misread on a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: A rejoin code (for a student's new phone): short enough to read off the projector, valid for a while.
REJOIN_LENGTH = 4
REJOIN_SECONDS = 600.0
#: Wrong codes a client may try per window before it must wait.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = 60.0
#: The pledge a student types to take action, per language (either is accepted).
PLEDGES = {"en": "I will take part", "id": "Saya akan ikut serta"}
#: Seconds between steps when no card is open (so the class can watch the spread).
STEP_INTERVAL = 1.5
#: Cards in a row a seat lets time out before the room stops waiting for it (until it answers again).
MISSES_TO_SKIP = 2

Phase = Literal["lobby", "running", "paused", "ended"]
ActionCost = Literal["pledge", "wait", "sentence"]
#: What taking action may cost a student (the teacher chooses): a typed pledge, a wait, a sentence to a decision-maker.
ACTION_COSTS = ("pledge", "wait", "sentence")
#: Words, at least, in the sentence a student writes to a decision-maker (action cost "sentence").
MIN_SENTENCE_WORDS = 6
#: Characters, at most, of a pledge or a sentence taken from a phone.
MAX_SENTENCE = 300
#: A second round's one change (viz/room_rounds.py): the scenario keys it sets.
ROUND_CHANGES: dict[str, dict[str, object]] = {
    "hide_likes": {"platform.like_counts_visible": False},
    "call_to_act": {"campaign.framing": 1.0},
}
#: What the teacher's list says of a seat for the current card.
SeatStatus = Literal["waiting", "answered", "no_card", "skipped", "lobby", "ended"]


class RoomError(Exception):
    """A refused request: ``key`` is the text shown on the phone (``viz/class_text.py``), ``values`` fill it."""

    def __init__(self, key: str, **values):
        super().__init__(key)
        self.key = key
        self.values = values


@dataclass(frozen=True)
class RoomSettings:
    """What the teacher chooses for a room."""

    scenario: str = "baseline"
    n_users: int = 1000
    seed: int = 42
    placement: str = "reached"
    timeout: float = 30.0  # seconds a card stays open before it counts as scrolled past
    action_cost: ActionCost = "pledge"
    wait_seconds: float = 20.0  # the signing bar, for action_cost "wait"
    show_names: bool = False  # names on the projector's network
    change: str = ""  # the round's one change from the scenario (a key of ROUND_CHANGES; "" for the first round)

    def __post_init__(self):
        if self.placement not in ROOM_PLACEMENTS:
            raise ValueError(f"placement must be one of {', '.join(ROOM_PLACEMENTS)} (got {self.placement!r})")
        if not 5 <= self.timeout <= 600:
            raise ValueError(f"timeout must be 5 to 600 seconds (got {self.timeout})")
        if self.action_cost not in ACTION_COSTS:
            raise ValueError(f"action_cost must be one of {', '.join(ACTION_COSTS)} (got {self.action_cost!r})")
        if not 1 <= self.wait_seconds <= 120:
            raise ValueError(f"wait_seconds must be 1 to 120 (got {self.wait_seconds})")
        if self.change and self.change not in ROUND_CHANGES:
            raise ValueError(f"change must be one of {', '.join(ROUND_CHANGES)} (got {self.change!r})")
        if not 100 <= self.n_users <= MAX_VIEW:
            raise ValueError(f"n_users must be 100 to {MAX_VIEW}, so every student is on the projector "
                             f"(got {self.n_users})")


@dataclass(eq=False)
class Student:
    """A student in a room. ``token`` is the phone's secret; ``node`` is set at Start (or when let in late)."""

    nickname: str
    pseudonym: str
    token: str
    client: str
    node: int = -1
    card: Card | None = None
    card_opened: float = 0.0
    card_dealt: float = 0.0  # wall-clock time the card was dealt (for measuring step to card; bench/class_bench.py)
    answered: int = -1  # the step of the last card answered
    action_started: float | None = None
    missed: int = 0  # cards in a row that timed out
    rejoin: tuple[str, float] | None = None  # a rejoin code for a new phone, and when it expires

    @property
    def skipped(self) -> bool:
        """The room does not wait for this seat: it let :data:`MISSES_TO_SKIP` cards in a row time out."""
        return self.missed >= MISSES_TO_SKIP


@dataclass(frozen=True)
class ChoiceRecord:
    """One student's choice (for the projector, the debrief and the export)."""

    step: int
    pseudonym: str
    node: int
    choice: Choice
    how: Literal["card", "late", "timeout"]
    seconds: float  # from the card showing to the choice (time the room was paused not counted)


def clean_nickname(nickname: str) -> str:
    """A nickname as the room keeps it (printable, single-spaced, NFC), or the refusal of a bad one."""
    name = " ".join("".join(ch for ch in nickname if ch.isprintable() or ch.isspace()).split())
    name = unicodedata.normalize("NFC", name)  # "e" + combining accent is the same name as the accented "e"
    if not name:
        raise RoomError("nickname_empty")
    run = 0
    for ch in name:
        run = run + 1 if unicodedata.combining(ch) else 0
        if run > MAX_MARKS:
            raise RoomError("nickname_marks")
    if len(name) > MAX_NICKNAME:
        raise RoomError("nickname_long", n=MAX_NICKNAME)
    return name



def new_code(length: int) -> str:
    """A code of ``length`` characters from :data:`CODE_ALPHABET` (a cryptographic draw)."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def escape(text: str) -> str:
    """A nickname as HTML text (nicknames reach the projector's HTML)."""
    return html.escape(text, quote=True)


__all__ = [
    "ACTION_COSTS",
    "CODE_ALPHABET",
    "CODE_LENGTH",
    "MAX_MARKS",
    "MAX_NICKNAME",
    "MAX_SENTENCE",
    "MAX_STUDENTS",
    "MAX_WRONG_CODES",
    "MIN_SENTENCE_WORDS",
    "MISSES_TO_SKIP",
    "PLEDGES",
    "REJOIN_LENGTH",
    "REJOIN_SECONDS",
    "ROUND_CHANGES",
    "STEP_INTERVAL",
    "WRONG_CODE_WINDOW",
    "ChoiceRecord",
    "RoomError",
    "RoomSettings",
    "SeatStatus",
    "Student",
    "clean_nickname",
    "escape",
    "new_code",
]
