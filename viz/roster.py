"""Who is in a room and where they sit: joining, a new phone, a late student, and the teacher's seat controls.

One absent or misnamed student must not stall a lesson, and the teacher must be
able to act on it (``viz/classroom.py`` shows these controls on the projector):

* the teacher sees each seat's state for the current card (:meth:`Roster.status`);
* a seat can be removed with its name, or renamed ("Guru bodoh" leaves the projector), or
  not waited for from now on (the room skips a seat by itself once it has let two cards in a
  row time out);
* a late student can be let in: the door opens and each newcomer gets a fresh
  seat where the campaign still reaches it (``viz.seats.late_node``);
* a student whose phone died gets its seat back on a new phone with the short
  rejoin code the teacher shows, or by asking from the new phone and the teacher
  letting it in (the same name from another browser is refused otherwise, so no
  one can take over another's seat);
* names can be hidden from the projector at once.

A mixin of :class:`viz.rooms.Room`: every change is one of the room's
journaled events (``Room._event``), so a replayed journal has the same roster.
"""

from __future__ import annotations

import secrets

import numpy as np

from viz.journal import browser_key
from viz.room_records import (
    MAX_STUDENTS,
    MAX_WRONG_CODES,
    REJOIN_LENGTH,
    REJOIN_SECONDS,
    WRONG_CODE_WINDOW,
    RoomError,
    SeatStatus,
    Student,
    clean_nickname,
    new_code,
)
from viz.seats import late_node


class Roster:
    """The room's students and the teacher's controls over their seats (mixed into :class:`viz.rooms.Room`)."""

    def by_pseudonym(self, pseudonym: str) -> Student:
        """A present student by pseudonym (what the teacher's list names)."""
        for s in self.students.values():
            if s.pseudonym == pseudonym:
                return s
        raise RoomError("no_such_seat")

    def shown_name(self, s: Student) -> str:
        """The name the projector shows: the nickname, or the pseudonym while names are hidden."""
        return s.pseudonym if self.names_hidden else s.nickname

    def join(self, nickname: str, client: str, rejoin: str = "") -> Student:
        """Seat a student, or give a returning one its seat back.

        Args:
            nickname: as typed; trimmed, at most :data:`MAX_NICKNAME` characters, unique case-blind.
            client: the browser's session id (Solara's, from its cookie), which makes a rejoin the same student.
            rejoin: a rejoin code the teacher showed for this student's seat (a new phone); the nickname is then
                not needed.
        """
        client = browser_key(client)
        if rejoin.strip():
            return self._rejoin(rejoin, client)
        name = clean_nickname(nickname)
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
                if self.phase != "lobby" and not self.door_open:
                    raise RoomError("room_started")
                if len(self.students) >= MAX_STUDENTS:
                    raise RoomError("room_full", n=MAX_STUDENTS)
                pseudonym = f"S{self._joined + 1:02d}"
                if self.phase == "lobby":
                    self._event("join", pseudonym=pseudonym, nickname=name, client=client)
                else:
                    taken = np.concatenate([self.seats.nodes, self.model.seeds])
                    node = late_node(self.model, taken, self.class_nodes(), self._joined + 1)
                    if node < 0:
                        raise RoomError("no_free_seat")
                    self._event("admit", pseudonym=pseudonym, nickname=name, client=client, node=node)
                result = self.students[key]
        self._notify("join", result.token)
        return result

    def _rejoin(self, code: str, client: str) -> Student:
        """A student's new phone, with the rejoin code the teacher showed: the seat moves to this browser."""
        code = "".join(code.split()).upper()
        with self.lock:
            now = self.clock()
            if self.phase == "ended":
                raise RoomError("room_ended")
            recent = [t for t in self._wrong_rejoins.get(client, []) if now - t < WRONG_CODE_WINDOW]
            if len(recent) >= MAX_WRONG_CODES:
                raise RoomError("too_many_tries", s=int(WRONG_CODE_WINDOW - (now - recent[0])) + 1)
            s = next((x for x in self.students.values() if x.rejoin and now < x.rejoin[1]
                      and secrets.compare_digest(x.rejoin[0], code)), None)
            if s is None:
                self._wrong_rejoins[client] = [*recent, now]
                raise RoomError("rejoin_wrong")
            old = s.token
            self._event("rejoin", pseudonym=s.pseudonym, client=client)
        self._notify("seats", old)
        return s

    def ask_rejoin(self, nickname: str, client: str) -> None:
        """A new phone asks to take over the seat named ``nickname`` (its old phone died); the teacher decides.

        The other way in, without a rejoin code: the projector shows the request, and the teacher, who can see
        who is asking, lets the phone in (:meth:`answer_rejoin`) or not. One request per seat: a newer one
        replaces it.
        """
        client = browser_key(client)
        key = clean_nickname(nickname).casefold()
        with self.lock:
            if self.phase == "ended":
                raise RoomError("room_ended")
            s = self.students.get(key)
            if s is None:
                raise RoomError("no_such_seat")
            if s.client == client:  # this phone already holds the seat
                return
            self.asks[s.pseudonym] = client
            self._changed()
        self._notify("seats")

    def ask_state(self, nickname: str, client: str) -> str:
        """What became of a phone's request: ``seated`` (let in), ``waiting`` or ``refused``."""
        client = browser_key(client)
        with self.lock:
            s = self.students.get(" ".join(nickname.split()).casefold())
            if s is not None and s.client == client:
                return "seated"
            return "waiting" if s is not None and self.asks.get(s.pseudonym) == client else "refused"

    def answer_rejoin(self, pseudonym: str, allow: bool) -> None:
        """The teacher lets the asking phone take the seat over (its old phone loses it), or refuses."""
        with self.lock:
            client = self.asks.pop(pseudonym, None)
            if client is None:
                raise RoomError("no_such_seat")
            s = self.by_pseudonym(pseudonym)
            old = s.token
            if allow:
                self._event("rejoin", pseudonym=pseudonym, client=client)
            else:
                self._changed()
        self._notify("seats", old if allow else None)

    def remove(self, pseudonym: str) -> None:
        """Take a seat and its name off the room (a duplicate seat, a rude nickname); its phone is told so."""
        with self.lock:
            s = self.by_pseudonym(pseudonym)
            token = s.token
            self._event("remove", pseudonym=pseudonym)
        self._notify("seats", token)

    def rename(self, pseudonym: str, nickname: str) -> None:
        """Give a seat another name (unique in the room, checked as a joining nickname)."""
        name = clean_nickname(nickname)
        with self.lock:
            s = self.by_pseudonym(pseudonym)
            other = self.students.get(name.casefold())
            if other is not None and other is not s:
                raise RoomError("nickname_taken")
            self._event("rename", pseudonym=pseudonym, nickname=name)
        self._notify("seats", s.token)

    def rejoin_code(self, pseudonym: str) -> str:
        """A fresh rejoin code for this seat (shown on the projector): a new phone types it to take the seat over."""
        with self.lock:
            s = self.by_pseudonym(pseudonym)
            taken = {x.rejoin[0] for x in self.students.values() if x.rejoin}
            code = new_code(REJOIN_LENGTH)
            while code in taken:
                code = new_code(REJOIN_LENGTH)
            s.rejoin = (code, self.clock() + REJOIN_SECONDS)
            self._changed()
        self._notify("seats")
        return code

    def skip(self, pseudonym: str) -> None:
        """Stop waiting for this seat now (the teacher knows its phone is gone), until it answers again."""
        with self.lock:
            self.by_pseudonym(pseudonym)
            self._event("skip", pseudonym=pseudonym)
        self._notify("seats")

    def hide_names(self, hidden: bool) -> None:
        """Show pseudonyms instead of names everywhere on the projector (at once), or names again."""
        with self.lock:
            self._event("names", hidden=bool(hidden))
        self._notify("seats")

    def open_door(self, open_: bool) -> None:
        """Let late students join a running room (each gets a fresh seat the campaign still reaches), or stop."""
        with self.lock:
            self._event("door", open=bool(open_))
        self._notify("seats")

    def status(self, s: Student) -> SeatStatus:
        """Where a seat is with the current card: what the teacher's list shows."""
        if self.phase in ("lobby", "ended"):
            return self.phase
        if s.card is not None:
            return "skipped" if s.skipped else "waiting"
        return "answered" if s.answered > self.model.steps else "no_card"


__all__ = ["Roster"]
