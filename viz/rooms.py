"""Class mode's rooms: one shared campaign per class, held in the server process.

A room is one model that many browser sessions view: the teacher's projector
and up to :data:`MAX_STUDENTS` phones. Solara keeps a reactive value per
session (kernel), so what every session must see lives here, in plain Python
objects, behind a lock; each session subscribes to its room and re-renders
itself when told (``viz/classroom.py``). The server's rooms are
``viz.room_server.ROOMS``. This module knows nothing of Solara, so all of it is
tested without a browser (``tests/test_rooms.py``, ``tests/test_room_seats.py``). Its records
(settings, students, choices, refusals) are in ``viz/room_records.py``; who sits where and the
teacher's seat controls in ``viz/roster.py``.

Rules the room enforces, whatever a page sends:

* a room is reached only with its code (6 characters from 31, about 887
  million codes), and wrong codes are rate-limited per client;
* a student acts only for its own node: a choice names the node and the
  card's step, and both must be the student's (a forged message is refused);
* one choice per card (a double tap is refused), and "Take action" only once
  its cost is paid (a typed pledge, a wait measured on the server, or a sentence
  of at least :data:`MIN_SENTENCE_WORDS` words to a decision-maker, which is not kept);
* nicknames are trimmed, NFC-normalised, length-limited, refused with more than
  :data:`MAX_MARKS` combining marks on one character, and unique in a room (case-blind);
  the same nickname from the same browser gets the same node back, and a new
  browser gets it back only with the rejoin code the teacher shows;
* the step waits for the open cards up to the teacher's time-out, but not for a
  seat that let :data:`MISSES_TO_SKIP` cards in a row time out (an empty chair
  must not stall the room) until it answers again; a card not answered in time
  was scrolled past, and a choice that arrives after its step moved on counts in
  the next step.

Every change is an event (:meth:`Room._apply`), written to the room's journal
(``viz/journal.py``) as it happens; replaying the events into a fresh model
with the same seed rebuilds the room. Every refusal is a :class:`RoomError`
naming a text key (``viz/class_text.py``), so the phone says why in the
student's language, and nothing else changes.

It is longer than the house's 400 lines because :class:`Room` is the one lock
around every rule above; its records, seats, predictions and rounds are already
modules of their own, and splitting the rules would make a second place that
must hold the lock.
"""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field

import numba
import numpy as np

from model.participants import Card, Choice
from viz.journal import FORMAT, Journal, browser_key
from viz.room_predictions import Predictions
from viz.room_records import (
    CODE_ALPHABET,
    CODE_LENGTH,
    MAX_MARKS,
    MAX_NICKNAME,
    MAX_STUDENTS,
    MAX_WRONG_CODES,
    MIN_SENTENCE_WORDS,
    MISSES_TO_SKIP,
    PLEDGES,
    STEP_INTERVAL,
    WRONG_CODE_WINDOW,
    ChoiceRecord,
    Phase,
    RoomError,
    RoomSettings,
    Student,
    clean_nickname,
    escape,
    new_code,
)
from viz.room_rounds import RoundResult, Rounds
from viz.roster import Roster
from viz.seats import RoomSeats, class_nodes
from viz.world import World


@dataclass(eq=False)
class Room(Roster, Predictions, Rounds):
    """One class's campaign: its model, its students and its clock.

    Every method takes the room's lock; listeners are called after it is
    released, with the kind of change (``join``, ``choice``, ``step``,
    ``phase``, ``seats``), so a slow page never holds up the room.
    """

    code: str
    settings: RoomSettings
    world: World
    clock: Callable[[], float] = time.monotonic
    phase: Phase = "lobby"
    students: dict[str, Student] = field(default_factory=dict)  # by nickname, case-folded
    left: list[Student] = field(default_factory=list)  # removed seats (nameless), kept for the record
    log: list[ChoiceRecord] = field(default_factory=list)
    seats: RoomSeats | None = None  # set at Start
    version: int = 0
    last_step_at: float = 0.0
    last_activity: float = 0.0
    paused_at: float = 0.0  # when the teacher last pressed Pause
    names_hidden: bool = False  # the projector shows pseudonyms only
    door_open: bool = False  # late students may join a running room
    asks: dict[str, str] = field(default_factory=dict)  # a new phone asking for a seat: its browser, by pseudonym
    predictions: dict[str, int] = field(default_factory=dict)  # each student's guess before Start, by pseudonym
    hands: tuple[int, ...] = ()  # the teacher's show of hands for each guess (viz/class_predictions.py)
    build: Callable[[RoomSettings], World] | None = None  # makes a round's world (viz.room_server.build_world)
    rounds: list[RoundResult] = field(default_factory=list)  # the finished rounds before this one
    earlier_worlds: list[World] = field(default_factory=list)  # their runs, for the export
    round_from: int = 0  # the log's first choice of this round
    lock: threading.RLock = field(default_factory=threading.RLock)
    owner: str = ""  # the teacher's browser (Solara's session cookie): a reload of the projector keeps its room
    journal: Journal | None = None
    journal_problem: str = ""  # why the room is not being saved, if it is not
    listeners: dict[int, tuple[Callable[[str], None], str | None]] = field(default_factory=dict)
    _next_listener: int = 0
    _joined: int = 0
    _wrong_rejoins: dict[str, list[float]] = field(default_factory=dict)
    _retired: dict[str, str] = field(default_factory=dict)  # a token no longer seated: why (a refusal's key)

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
            why = self._retired.get(token)
        raise RoomError(why or "not_in_room")

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
        """Tell the teacher's pages of every change and students' pages of room-wide and their own changes."""
        for listener, whose in list(self.listeners.values()):
            if whose is None or kind in ("step", "phase", "seats") or whose == token:
                try:
                    listener(kind)
                except Exception:  # noqa: BLE001 - a page that failed to update must not stop the room
                    pass

    def _changed(self) -> None:
        self.version += 1
        self.last_activity = self.clock()

    # ---------------------------------------------------------------- events

    def _event(self, kind: str, **data) -> None:
        """A change: applied, then written to the journal (under the room's lock)."""
        self._apply(kind, data)
        if self.journal is not None:
            try:
                self.journal.write(kind, **data)
            except (OSError, ValueError) as error:  # a full or vanished disk: the lesson goes on, unsaved
                self.journal_problem = str(error)
                self.journal = None
        self._changed()

    def _apply(self, kind: str, e: dict) -> None:
        """Make one change: what both a live room and a journal's replay (:meth:`replay`) do."""
        if kind in ("join", "admit"):
            s = Student(nickname=e["nickname"], pseudonym=e["pseudonym"], token=secrets.token_urlsafe(16),
                        client=e["client"])
            self.students[s.nickname.casefold()] = s
            self._joined += 1
            if kind == "admit":
                s.node = int(e["node"])
                card = self.seats.admit(s.node)
                if card is not None:
                    # opened during a pause, its time-out starts when the room resumes (start() adds the pause)
                    self._open_card(s, card, self.paused_at if self.phase == "paused" else self.clock())
        elif kind == "start":
            order = [self.by_pseudonym(p) for p in e["seats"]]
            self.seats = RoomSeats(self.model, np.array([e["seats"][s.pseudonym] for s in order], dtype=np.int64))
            for s in order:
                s.node = int(e["seats"][s.pseudonym])
            self._deal()
            self.phase = "running"
            self.last_step_at = self.clock()
        elif kind == "choice":
            s = self.by_pseudonym(e["pseudonym"])
            choice = Choice[e["choice"]]
            self._record(s, choice, e["how"], e["seconds"])
            if e["how"] != "timeout":
                self.seats.decide(s.node, choice, step=e["step"])
            s.card, s.action_started = None, None
        elif kind == "step":
            self.world.step(self.seats.close)
            if self.model.steps != e["t"]:
                raise ValueError(f"the journal's step {e['t']} is step {self.model.steps} here")
            self._deal()
            if not self.world.running:
                self.phase = "ended"
            self.last_step_at = self.clock()
        elif kind == "end":
            if e["stepped"]:
                self.world.step(self.seats.close)
            self.phase = "ended"
            self.model.running = False
        elif kind == "phase":
            self.phase = e["phase"]
            if self.phase == "ended":
                self.model.running = False
        elif kind == "remove":
            s = self.by_pseudonym(e["pseudonym"])
            del self.students[s.nickname.casefold()]
            self._retired[s.token] = "seat_removed"
            if s.node >= 0:  # its node stays a seat (a user who no longer chooses), apart from the crowd
                s.nickname, s.token, s.card = "", "", None
                self.left.append(s)
        elif kind == "rename":
            s = self.by_pseudonym(e["pseudonym"])
            del self.students[s.nickname.casefold()]
            s.nickname = e["nickname"]
            self.students[s.nickname.casefold()] = s
        elif kind == "rejoin":
            s = self.by_pseudonym(e["pseudonym"])
            self._retired[s.token] = "seat_moved"
            s.client, s.token, s.rejoin = e["client"], secrets.token_urlsafe(16), None
        elif kind == "skip":
            s = self.by_pseudonym(e["pseudonym"])
            s.missed = max(s.missed, MISSES_TO_SKIP)
        elif kind == "names":
            self.names_hidden = bool(e["hidden"])
        elif kind == "door":
            self.door_open = bool(e["open"])
        elif kind in ("predict", "hands"):
            self._apply_prediction(kind, e)
        elif kind == "round":
            self._apply_round(e)
        else:
            raise ValueError(f"unknown event {kind!r}")

    def replay(self, events: list[dict]) -> None:
        """Apply a journal's events (after its ``open``) to this fresh room: the room as the journal left it."""
        with self.lock:
            for e in events:
                if e["kind"] not in ("open", "resume", "close"):
                    self._apply(e["kind"], e)
            self._changed()

    # ---------------------------------------------------------------- joining

    # ---------------------------------------------------------------- the teacher

    def start(self) -> None:
        """Seat the students on the network and start the campaign (from the lobby), or resume it."""
        with self.lock:
            if self.phase == "ended":
                raise RoomError("room_ended")
            if self.phase == "lobby":
                if not self.students:
                    raise RoomError("no_students")
                order = list(self.students.values())
                nodes = class_nodes(self.model, len(order), self.settings.placement)
                self._event("start", seats={s.pseudonym: int(n) for s, n in zip(order, nodes, strict=True)})
            elif self.phase == "paused":  # a pause holds the open cards' time-outs too
                held = self.clock() - self.paused_at
                for s in self.open_cards():
                    s.card_opened += held
                self._event("phase", phase="running")
                self.last_step_at = self.clock()
        self._notify("phase")

    def pause(self) -> None:
        """Hold the clock and the open cards' time-outs (cards stay open; choices are still taken)."""
        with self.lock:
            if self.phase == "running":
                self._event("phase", phase="paused")
                self.paused_at = self.clock()
        self._notify("phase")

    def end(self) -> None:
        """End the campaign: open cards count as scrolled past; no choice is taken after this.

        The step the open cards belong to is taken, so every choice made before End is applied
        (and the counts agree with the network: the cards' exposure has already run).
        """
        with self.lock:
            if self.phase == "ended":
                return
            self._time_out_open_cards()
            self._event("end", stepped=self.phase != "lobby" and self.world.running)
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
            self._time_out_open_cards()
            stepped = self.world.running
            if stepped:
                self._event("step", t=self.model.steps + 1)
            else:
                self._event("phase", phase="ended")
        self._notify("step")
        return stepped

    def tick(self) -> bool:
        """The room's clock: step when every open card is answered or timed out, and the interval has passed."""
        return self.step(clock=True)

    def _due(self) -> bool:
        """The clock's step is due: the room runs, the interval has passed and no open card is still waiting.

        A skipped seat's card (:attr:`Student.skipped`) is not waited for.
        """
        if self.phase != "running":
            return False
        now = self.clock()
        if now - self.last_step_at < STEP_INTERVAL:
            return False
        return not any(now - s.card_opened < self._deadline(s) for s in self.open_cards() if not s.skipped)

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

    def _time_out_open_cards(self) -> None:
        for s in self.open_cards():
            self._event("choice", pseudonym=s.pseudonym, node=s.node, step=s.card.step, choice="NONE",
                        how="timeout", seconds=round(self.clock() - s.card_opened, 3))

    def _deal(self) -> None:
        """Open the next step's cards on the phones of the students the campaign reaches."""
        now = self.clock()
        seated = self.by_node()
        with self.world._lock:  # as World.step: one compiled-code thread, and no page reads half a step
            numba.set_num_threads(1)
            cards = self.seats.cards()
        for card in cards:
            s = seated.get(card.user)
            if s is not None:  # a removed seat's node gets no card
                self._open_card(s, card, now)

    @staticmethod
    def _open_card(s: Student, card: Card, now: float) -> None:
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
            self._event("choice", pseudonym=s.pseudonym, node=s.node, step=int(step), choice=choice.name,
                        how="late" if late else "card", seconds=round(self.clock() - s.card_opened, 3))
            record = self.log[-1]
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
        elif self.settings.action_cost == "sentence":  # a real sentence to a decision-maker, never kept
            if len(pledge.split()) < MIN_SENTENCE_WORDS:
                raise RoomError("sentence_short", n=MIN_SENTENCE_WORDS)
        else:
            started = s.action_started
            if started is None or self.clock() - started < self.settings.wait_seconds - 0.25:
                raise RoomError("wait_unfinished")

    def _record(self, s: Student, choice: Choice, how: str, seconds: float) -> ChoiceRecord:
        """Log a choice. A late one is logged at its card's step and answers any newer card too (it counts once)."""
        if how == "late":
            step = self.model.steps
            s.answered = max(step, s.card.step if s.card is not None else step)
        else:
            step = s.card.step
            if how == "card":
                s.answered = step
        s.missed = s.missed + 1 if how == "timeout" else 0
        record = ChoiceRecord(step, s.pseudonym, s.node, choice, how, seconds)
        self.log.append(record)
        return record

    # ---------------------------------------------------------------- what the views show

    def tally(self) -> dict[str, int]:
        """The class's answers so far this round, by choice name, and the cards that timed out (``timeout``).

        What the projector shows the moment a student taps: the funnels move only when the step applies the choice.
        """
        counts = dict.fromkeys([c.name.lower() for c in Choice] + ["timeout"], 0)
        for r in self.log[self.round_from:]:
            counts["timeout" if r.how == "timeout" else r.choice.name.lower()] += 1
        return counts

    def class_nodes(self) -> np.ndarray:
        """The present students' nodes."""
        return np.array(sorted(self.by_node()), dtype=np.int64)

    def seated_nodes(self) -> np.ndarray:
        """Every node a person has held, removed seats included (none of them is the simulated crowd)."""
        return self.seats.nodes.copy() if self.seats is not None else np.empty(0, dtype=np.int64)

    def description(self) -> dict:
        """The journal's first line: what a fresh room needs to replay the rest."""
        return {"format": FORMAT, "code": self.code, "owner": browser_key(self.owner),
                "settings": asdict(self.settings)}


__all__ = ["CODE_ALPHABET", "CODE_LENGTH", "MAX_MARKS", "MAX_NICKNAME", "MAX_STUDENTS", "MAX_WRONG_CODES",
           "MISSES_TO_SKIP", "PLEDGES", "STEP_INTERVAL", "WRONG_CODE_WINDOW", "ChoiceRecord", "Room", "RoomError",
           "RoomSettings", "Student", "clean_nickname", "escape", "new_code"]
