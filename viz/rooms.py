"""Class mode's rooms: one shared campaign per class, held in the server process.

A room is one model that many browser sessions view: the teacher's projector
and up to :data:`MAX_STUDENTS` phones. Solara keeps a reactive value per
session (kernel), so what every session must see lives here, in plain Python
objects at module level (:data:`ROOMS`), behind a lock; each session
subscribes to its room and re-renders itself when told (``viz/classroom.py``).
This module knows nothing of Solara, so all of it is tested without a browser
(``tests/test_rooms.py``).

Rules the room enforces, whatever a page sends:

* a room is reached only with its code (6 characters from 31, about 887
  million codes), and wrong codes are rate-limited per client;
* a student acts only for its own node: a choice names the node and the
  card's step, and both must be the student's (a forged message is refused);
* one choice per card (a double tap is refused), and "Take action" only once
  its cost is paid (a typed pledge, or a wait measured on the server);
* nicknames are trimmed, NFC-normalised, length-limited, refused with more than
  :data:`MAX_MARKS` combining marks on one character, and unique in a room (case-blind);
  the same nickname from the same browser gets the same node back;
* the step waits for the open cards up to the teacher's time-out; a card not
  answered by then was scrolled past, and a choice that arrives after its
  step moved on counts in the next step (:meth:`model.SlacktivismModel.decide`).

Every refusal is a :class:`RoomError` naming a text key (``viz/class_text.py``),
so the phone says why in the student's language, and nothing else changes.
"""

from __future__ import annotations

import html
import logging
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numba
import numpy as np

from model import load_scenario
from model.participants import PLACEMENTS, Card, Choice
from viz.world import MAX_VIEW, World

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
#: Students per room, at most.
MAX_STUDENTS = 60
#: Characters of a nickname, at most.
MAX_NICKNAME = 20
#: Combining marks on one character of a nickname, at most (more is "Zalgo" text that spills over the projector).
MAX_MARKS = 2
#: Room codes: no 0/O, 1/I/L, which are misread on a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 6
#: Wrong codes a client may try per window before it must wait.
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = 60.0
#: The pledge a student types to take action, per language (either is accepted).
PLEDGES = {"en": "I will take part", "id": "Saya akan ikut serta"}
#: Seconds between steps when no card is open (so the class can watch the spread).
STEP_INTERVAL = 1.5
#: Rooms are ended and dropped after this long without a step, a join or a choice.
IDLE_LIMIT = 3 * 3600.0
#: An ended room (its debrief and export) is kept this long after its last change, then dropped.
ENDED_LIMIT = 3600.0
#: Rooms on one server, at most (each holds a model); a teacher's browser holds one, its last.
MAX_ROOMS = 10
#: Seconds between the janitor's rounds (dropping ended and idle rooms, and expired wrong-code counts).
JANITOR_PERIOD = 30.0

Phase = Literal["lobby", "running", "paused", "ended"]
ActionCost = Literal["pledge", "wait"]


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
    placement: str = "spread"
    timeout: float = 30.0  # seconds a card stays open before it counts as scrolled past
    action_cost: ActionCost = "pledge"
    wait_seconds: float = 20.0  # the signing bar, for action_cost "wait"
    show_names: bool = False  # names on the projector's network

    def __post_init__(self):
        if self.placement not in PLACEMENTS:
            raise ValueError(f"placement must be one of {', '.join(PLACEMENTS)} (got {self.placement!r})")
        if not 5 <= self.timeout <= 600:
            raise ValueError(f"timeout must be 5 to 600 seconds (got {self.timeout})")
        if self.action_cost not in ("pledge", "wait"):
            raise ValueError(f"action_cost must be pledge or wait (got {self.action_cost!r})")
        if not 1 <= self.wait_seconds <= 120:
            raise ValueError(f"wait_seconds must be 1 to 120 (got {self.wait_seconds})")
        if not 100 <= self.n_users <= MAX_VIEW:
            raise ValueError(f"n_users must be 100 to {MAX_VIEW}, so every student is on the projector "
                             f"(got {self.n_users})")


@dataclass(eq=False)
class Student:
    """A student in a room. ``token`` is the phone's secret; ``node`` is set at Start."""

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


@dataclass(frozen=True)
class ChoiceRecord:
    """One student's choice (for the projector, the debrief and the export)."""

    step: int
    pseudonym: str
    node: int
    choice: Choice
    how: Literal["card", "late", "timeout"]
    seconds: float  # from the card showing to the choice (time the room was paused not counted)


@dataclass(eq=False)
class Room:
    """One class's campaign: its model, its students and its clock.

    Every method takes the room's lock; listeners are called after it is
    released, with the kind of change (``join``, ``choice``, ``step``,
    ``phase``), so a slow page never holds up the room.
    """

    code: str
    settings: RoomSettings
    world: World
    clock: Callable[[], float] = time.monotonic
    phase: Phase = "lobby"
    students: dict[str, Student] = field(default_factory=dict)  # by nickname, case-folded
    log: list[ChoiceRecord] = field(default_factory=list)
    version: int = 0
    last_step_at: float = 0.0
    last_activity: float = 0.0
    paused_at: float = 0.0  # when the teacher last pressed Pause
    lock: threading.RLock = field(default_factory=threading.RLock)
    owner: str = ""  # the teacher's browser (Solara's session cookie): a reload of the projector keeps its room
    listeners: dict[int, tuple[Callable[[str], None], str | None]] = field(default_factory=dict)
    _next_listener: int = 0

    # ---------------------------------------------------------------- reading

    @property
    def model(self):
        """The room's :class:`~model.SlacktivismModel`."""
        return self.world.model

    def student(self, token: str) -> Student:
        """The student holding ``token``; a token that holds no seat is refused."""
        with self.lock:
            for s in self.students.values():
                if secrets.compare_digest(s.token, token):
                    return s
        raise RoomError("not_in_room")

    def by_node(self) -> dict[int, Student]:
        """Seated students by node."""
        return {s.node: s for s in self.students.values() if s.node >= 0}

    def open_cards(self) -> list[Student]:
        """Students whose card is showing and not yet answered."""
        return [s for s in self.students.values() if s.card is not None]

    # ---------------------------------------------------------------- listeners

    def subscribe(self, listener: Callable[[str], None], token: str | None = None) -> Callable[[], None]:
        """Call ``listener(kind)`` after each change; a student's (``token``) only for its own and room-wide ones.

        Returns the function that unsubscribes.
        """
        with self.lock:
            key = self._next_listener
            self._next_listener += 1
            self.listeners[key] = (listener, token)
        return lambda: self.listeners.pop(key, None)

    def _notify(self, kind: str, token: str | None = None) -> None:
        """Tell the teacher's pages of every change and students' pages of steps, phases and their own changes."""
        for listener, whose in list(self.listeners.values()):
            if whose is None or kind in ("step", "phase") or whose == token:
                try:
                    listener(kind)
                except Exception:  # noqa: BLE001 - a page that failed to update must not stop the room
                    pass

    def _changed(self) -> None:
        self.version += 1
        self.last_activity = self.clock()

    # ---------------------------------------------------------------- joining

    def join(self, nickname: str, client: str) -> Student:
        """Seat a student, or give a returning one (same nickname, same browser) its seat back.

        Args:
            nickname: as typed; trimmed, at most :data:`MAX_NICKNAME` characters, unique case-blind.
            client: the browser's session id (Solara's, from its cookie), which makes a rejoin the same student.
        """
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
        key = name.casefold()
        with self.lock:
            if self.phase == "ended":
                raise RoomError("room_ended")
            known = self.students.get(key)
            if known is not None:
                if known.client != client:
                    raise RoomError("nickname_taken")
                self._changed()
                result = known
            else:
                if self.phase != "lobby":
                    raise RoomError("room_started")
                if len(self.students) >= MAX_STUDENTS:
                    raise RoomError("room_full", n=MAX_STUDENTS)
                result = Student(nickname=name, pseudonym=f"S{len(self.students) + 1:02d}",
                                 token=secrets.token_urlsafe(16), client=client)
                self.students[key] = result
                self._changed()
        self._notify("join", result.token)
        return result

    # ---------------------------------------------------------------- the teacher

    def start(self) -> None:
        """Seat the students on the network and start the campaign (from the lobby), or resume it."""
        with self.lock:
            if self.phase == "ended":
                raise RoomError("room_ended")
            if self.phase == "lobby":
                if not self.students:
                    raise RoomError("no_students")
                nodes = self.model.seat(len(self.students), self.settings.placement)
                for s, node in zip(self.students.values(), nodes, strict=True):
                    s.node = int(node)
                self._deal()
            elif self.phase == "paused":  # a pause holds the open cards' time-outs too
                held = self.clock() - self.paused_at
                for s in self.open_cards():
                    s.card_opened += held
            self.phase = "running"
            self.last_step_at = self.clock()
            self._changed()
        self._notify("phase")

    def pause(self) -> None:
        """Hold the clock and the open cards' time-outs (cards stay open; choices are still taken)."""
        with self.lock:
            if self.phase == "running":
                self.phase = "paused"
                self.paused_at = self.clock()
                self._changed()
        self._notify("phase")

    def end(self) -> None:
        """End the campaign: open cards count as scrolled past; no choice is taken after this.

        The step the open cards belong to is taken, so every choice made before End is applied
        (and the counts agree with the network: the cards' exposure has already run).
        """
        with self.lock:
            if self.phase == "ended":
                return
            for s in self.open_cards():
                self._record(s, Choice.NONE, "timeout")
                s.card = None
            if self.phase != "lobby" and self.model.pending and self.world.running:
                self.world.step()
            self.phase = "ended"
            self.model.running = False
            self._changed()
        self._notify("phase")

    def step(self, *, clock: bool = False) -> bool:
        """One step now (the teacher's Step, or the clock): open cards count as scrolled past.

        ``clock``: the room's clock is asking, so the room steps only if it is running and the step is due
        (:meth:`_due`), checked under the same lock as the step itself: a Pause, or the teacher's own Step,
        that lands between the clock's look and its step wins, and the room never steps twice for one tick.
        Returns whether the model stepped (not once the campaign has settled).
        """
        with self.lock:
            if self.phase in ("lobby", "ended") or (clock and not self._due()):
                return False
            for s in self.open_cards():
                self._record(s, Choice.NONE, "timeout")
                s.card = None
            if not self.world.running:
                self.phase = "ended"
                self._changed()
                stepped = False
            else:
                self.world.step()
                self._deal()
                if not self.world.running:
                    self.phase = "ended"
                self.last_step_at = self.clock()
                self._changed()
                stepped = True
        self._notify("step")
        return stepped

    def tick(self) -> bool:
        """The room's clock: step when every open card is answered or timed out, and the interval has passed."""
        return self.step(clock=True)

    def _due(self) -> bool:
        """The clock's step is due: the room runs, the interval has passed and no open card is still waiting."""
        if self.phase != "running":
            return False
        now = self.clock()
        if now - self.last_step_at < STEP_INTERVAL:
            return False
        return not any(now - s.card_opened < self._deadline(s) for s in self.open_cards())

    def card_left(self, s: Student) -> float:
        """Seconds left before ``s``'s open card times out (held while the room is paused)."""
        with self.lock:
            now = self.paused_at if self.phase == "paused" else self.clock()
            return max(0.0, self.settings.timeout - (now - s.card_opened))

    def _deadline(self, s: Student) -> float:
        """Seconds a card stays open: the time-out, longer for a student already paying the cost of acting."""
        if s.action_started is not None and self.settings.action_cost == "wait":
            return max(self.settings.timeout, s.action_started - s.card_opened + self.settings.wait_seconds + 5)
        return self.settings.timeout

    def _deal(self) -> None:
        """Open the next step's cards on the phones of the students the campaign reaches."""
        now = self.clock()
        seated = self.by_node()
        with self.world._lock:  # as World.step: one compiled-code thread, and no page reads half a step
            numba.set_num_threads(1)
            cards = self.model.cards()
        for card in cards:
            s = seated[card.user]
            s.card, s.card_opened, s.action_started, s.card_dealt = card, now, None, time.time()

    # ---------------------------------------------------------------- the students

    def begin_action(self, token: str, node: int, step: int) -> float:
        """The student pressed "Take action" (cost ``wait``): the server starts timing. Returns the seconds to wait."""
        with self.lock:
            s = self._checked(token, node, step)
            if s.action_started is None:
                s.action_started = self.clock()
            return self.settings.wait_seconds

    def choose(self, token: str, node: int, step: int, choice: Choice, pledge: str = "") -> ChoiceRecord:
        """A student's choice on its card for ``step`` as its own ``node``; every check before anything changes."""
        with self.lock:
            s = self._checked(token, node, step)
            if choice == Choice.ACT:
                self._check_cost(s, pledge)
            late = s.card is None or s.card.step != step  # its step moved on: it counts in the next one
            record = self._record(s, choice, "late" if late else "card")
            self.model.decide(s.node, choice, step=step)
            s.card = None
            s.action_started = None
            self._changed()
        self._notify("choice", s.token)
        return record

    def _checked(self, token: str, node: int, step: int) -> Student:
        """The student, if the message is its own and answers a card it has not answered."""
        s = self.student(token)
        if self.phase == "ended":
            raise RoomError("room_ended")
        if int(node) != s.node:
            raise RoomError("not_your_node")
        if s.answered >= step:
            raise RoomError("already_chosen")
        if not (s.card is not None and s.card.step == step) and not self._timed_out(s, step):
            raise RoomError("no_card")
        return s

    def _timed_out(self, s: Student, step: int) -> bool:
        """The card of ``step`` was shown to ``s`` and timed out in the step that has just been taken (a late tap)."""
        return step == self.model.steps and any(r.node == s.node and r.step == step and r.how == "timeout"
                                                for r in reversed(self.log))

    def _check_cost(self, s: Student, pledge: str) -> None:
        if self.settings.action_cost == "pledge":
            typed = " ".join(pledge.split()).casefold()
            if typed not in {p.casefold() for p in PLEDGES.values()}:
                raise RoomError("pledge_wrong")
        else:
            started = s.action_started
            if started is None or self.clock() - started < self.settings.wait_seconds - 0.25:
                raise RoomError("wait_unfinished")

    def _record(self, s: Student, choice: Choice, how: str) -> ChoiceRecord:
        """Log a choice. A late one is logged at its card's step and answers any newer card too (it counts once)."""
        if how == "late":
            step = self.model.steps
            s.answered = max(step, s.card.step if s.card is not None else step)
        else:
            step = s.card.step
            if how == "card":
                s.answered = step
        record = ChoiceRecord(step, s.pseudonym, s.node, choice, how, round(self.clock() - s.card_opened, 3))
        self.log.append(record)
        return record

    # ---------------------------------------------------------------- what the views show

    def tally(self) -> dict[str, int]:
        """Every answer the class has given so far, by choice name, and the cards that timed out (``timeout``).

        What the projector shows the moment a student taps: the funnels move only when the step applies the choice.
        """
        counts = dict.fromkeys([c.name.lower() for c in Choice] + ["timeout"], 0)
        for r in self.log:
            counts["timeout" if r.how == "timeout" else r.choice.name.lower()] += 1
        return counts

    def class_nodes(self) -> np.ndarray:
        """The seated students' nodes."""
        return np.array(sorted(self.by_node()), dtype=np.int64)


class Rooms:
    """All rooms on this server, by code; and the join attempts, for the rate limit."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self.clock = clock
        self._rooms: dict[str, Room] = {}
        self._wrong: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}

    def open(self, settings: RoomSettings = RoomSettings(), owner: str = "") -> Room:
        """A new room with a fresh code (a cryptographic draw, never the model's random numbers).

        ``owner`` is the teacher's browser: no secret in the projector's address, which the class can read.
        A browser holds one room: opening another ends and drops the one it had. At most
        :data:`MAX_ROOMS` rooms are held; past that, opening is refused (``rooms_full``).
        """
        self.sweep()
        with self._lock:
            if len(self._rooms) - len(self._owned(owner)) >= MAX_ROOMS:
                raise RoomError("rooms_full", n=MAX_ROOMS)
        # A class attends to its own campaign: no divided attention (platform.attention 0), so that the
        # campaign reaches the students on a 1,000-user network as it reached them before the model had it.
        scenario = load_scenario(_scenario_path(settings.scenario), {"network.n_users": settings.n_users,
                                                                     "platform.attention": 0})
        if scenario.decision.rule != "logit":  # as the model's seat(), but before the world is built
            raise ValueError(f"scenario {settings.scenario!r} uses the {scenario.decision.rule} rule; class mode "
                             "needs the logit rule (under the threshold rule users the campaign did not reach "
                             "also choose, and a student would never get their card)")
        world = World(scenario, settings.seed)
        with self._lock:
            previous = self._owned(owner)
            if len(self._rooms) - len(previous) >= MAX_ROOMS:
                raise RoomError("rooms_full", n=MAX_ROOMS)
            for old in previous:
                self._rooms.pop(old.code)
            code = _new_code()
            while code in self._rooms:
                code = _new_code()
            room = Room(code=code, settings=settings, world=world, clock=self.clock, owner=owner)
            room.last_activity = self.clock()
            self._rooms[code] = room
        for old in previous:
            old.end()
            old.listeners.clear()
        return room

    def _owned(self, owner: str) -> list[Room]:
        """The rooms this browser opened (under ``_lock``); none for no browser."""
        return [r for r in self._rooms.values() if owner and r.owner == owner]

    def find(self, code: str, client: str) -> Room:
        """The room with ``code`` (case and spaces forgiven); wrong codes are counted per client and limited."""
        code = "".join(code.split()).upper()
        now = self.clock()
        with self._lock:
            recent = [t for t in self._wrong.pop(client, []) if now - t < WRONG_CODE_WINDOW]
            if recent:  # only clients with wrong codes in the window are remembered
                self._wrong[client] = recent
            if len(recent) >= MAX_WRONG_CODES:
                raise RoomError("too_many_tries", s=int(WRONG_CODE_WINDOW - (now - recent[0])) + 1)
            room = self._rooms.get(code)
            if room is None:
                self._wrong[client] = [*recent, now]
                raise RoomError("wrong_code")
            return room

    def owned_by(self, owner: str) -> Room | None:
        """The open room, not yet ended, that this teacher's browser opened last, if any."""
        with self._lock:
            mine = [r for r in self._rooms.values() if owner and r.owner == owner and r.phase != "ended"]
        return mine[-1] if mine else None

    def close(self, code: str) -> None:
        """Forget a room (its model and students); its pages show that it has ended."""
        with self._lock:
            room = self._rooms.pop(code, None)
        if room is not None:
            room.end()
            room.listeners.clear()

    def __len__(self) -> int:
        return len(self._rooms)

    def __contains__(self, code: str) -> bool:
        return code in self._rooms

    def run_clock(self, room: Room, period: float = 0.1) -> None:
        """Tick ``room`` in a thread of its own until it ends or is closed; and keep the janitor running."""
        def loop():
            while room.code in self._rooms and room.phase != "ended":
                try:
                    room.tick()
                except Exception:  # a failed step is logged; the room stays, and the teacher can step or end it
                    logging.getLogger(__name__).exception("room %s: a step failed", room.code)
                    time.sleep(1.0)
                time.sleep(period)
            with self._lock:
                self._threads.pop(room.code, None)

        thread = threading.Thread(target=loop, name=f"room-{room.code}", daemon=True)
        with self._lock:
            self._threads[room.code] = thread
            janitor = self._threads.get("janitor")
            if janitor is None or not janitor.is_alive():
                janitor = threading.Thread(target=self._janitor, name="rooms-janitor", daemon=True)
                self._threads["janitor"] = janitor
                janitor.start()
        thread.start()

    def _janitor(self) -> None:
        """Sweep every :data:`JANITOR_PERIOD` seconds while any room is held."""
        while True:
            time.sleep(JANITOR_PERIOD)
            try:
                self.sweep()
            except Exception:  # the janitor must outlive one bad round; the round is logged
                logging.getLogger(__name__).exception("rooms: the janitor's round failed")
            with self._lock:
                if not self._rooms:
                    self._threads.pop("janitor", None)
                    return

    def sweep(self) -> list[str]:
        """End and drop rooms idle past :data:`IDLE_LIMIT` and ended rooms past :data:`ENDED_LIMIT`.

        Also forgets wrong-code counts older than the rate limit's window. Returns the dropped codes.
        """
        now = self.clock()
        with self._lock:
            stale = [r for r in self._rooms.values()
                     if now - r.last_activity > (ENDED_LIMIT if r.phase == "ended" else IDLE_LIMIT)]
            for r in stale:
                self._rooms.pop(r.code)
            for client, times in list(self._wrong.items()):
                if not times or now - times[-1] >= WRONG_CODE_WINDOW:
                    del self._wrong[client]
        for r in stale:
            r.end()
            r.listeners.clear()
        return [r.code for r in stale]


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _scenario_path(name: str) -> Path:
    path = SCENARIOS / f"{name}.yaml"
    if not path.is_file():
        raise ValueError(f"no scenario {name!r}")
    return path


def escape(text: str) -> str:
    """A nickname as HTML text (nicknames reach the projector's HTML)."""
    return html.escape(text, quote=True)


#: The server's rooms. Module-level on purpose: every session (kernel) of this server process sees the same ones.
ROOMS = Rooms()

__all__ = ["MAX_NICKNAME", "MAX_STUDENTS", "PLEDGES", "ROOMS", "ChoiceRecord", "Room", "RoomError", "RoomSettings",
           "Rooms", "Student", "escape"]
