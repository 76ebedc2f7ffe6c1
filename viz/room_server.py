"""All the class rooms of one server: opening, finding and dropping them, their clocks, and their journals.

Module-level on purpose (:data:`ROOMS`): every session (kernel) of this server process sees the same rooms.
Each room is journaled to disk as it changes (``viz/journal.py``); after a crash or a restart, the teacher's
browser is offered its unfinished rooms again (:meth:`Rooms.saved`), to resume (:meth:`Rooms.resume`) or only
to export what the class did.
"""

from __future__ import annotations

import datetime
import logging
import threading
import time
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from model import load_scenario
from viz import journal
from viz.room_records import ROUND_CHANGES
from viz.rooms import CODE_LENGTH, MAX_WRONG_CODES, WRONG_CODE_WINDOW, Room, RoomError, RoomSettings, new_code
from viz.world import World

#: The shipped scenarios (package data of ``scenarios``, so an installed wheel has them too).
SCENARIOS = Path(str(resources.files("scenarios")))
#: Rooms are ended and dropped after this long without a step, a join or a choice.
IDLE_LIMIT = 3 * 3600.0
#: An ended room (its debrief and export) is kept this long after its last change, then dropped.
ENDED_LIMIT = 3600.0
#: Rooms on one server, at most (each holds a model); a teacher's browser holds one, its last.
MAX_ROOMS = 10
#: Seconds between the janitor's rounds (dropping ended and idle rooms, and expired wrong-code counts).
JANITOR_PERIOD = 30.0


class Rooms:
    """All rooms on this server, by code; and the join attempts, for the rate limit."""

    def __init__(self, clock: Callable[[], float] = time.monotonic, journal_dir: Path | None = None):
        self.clock = clock
        self.journal_dir = journal_dir  # None: journal.default_dir(), looked up as each room opens
        self._rooms: dict[str, Room] = {}
        self._wrong: dict[str, list[float]] = {}
        self._lock = threading.Lock()
        self._threads: dict[str, threading.Thread] = {}

    def open(self, settings: RoomSettings | None = None, owner: str = "") -> Room:
        """A new room with a fresh code (a cryptographic draw, never the model's random numbers).

        ``owner`` is the teacher's browser: no secret in the projector's address, which the class can read.
        A browser holds one room: opening another ends and drops the one it had. At most
        :data:`MAX_ROOMS` rooms are held; past that, opening is refused (``rooms_full``).
        """
        settings = settings or RoomSettings()
        self.sweep()
        with self._lock:
            if len(self._rooms) - len(self._owned(owner)) >= MAX_ROOMS:
                raise RoomError("rooms_full", n=MAX_ROOMS)
        world = build_world(settings)
        with self._lock:
            previous = self._make_room_for(owner)
            code = new_code(CODE_LENGTH)
            while code in self._rooms:
                code = new_code(CODE_LENGTH)
            room = Room(code=code, settings=settings, world=world, clock=self.clock, owner=owner, build=build_world)
            room.last_activity = self.clock()
            self._rooms[code] = room
        self._start_journal(room)
        for old in previous:
            self._drop(old)
        return room

    def _directory(self) -> Path:
        return Path(self.journal_dir) if self.journal_dir is not None else journal.default_dir()

    def _start_journal(self, room: Room, path: Path | None = None) -> None:
        """Open the room's journal (a new file, or ``path`` to go on with); a disk that refuses leaves it unsaved."""
        try:
            if path is None:
                stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
                path = self._directory() / f"{stamp}-{room.code}.jsonl"
                room.journal = journal.Journal(path)
                room.journal.write("open", **room.description())
            else:
                room.journal = journal.Journal(path)
                room.journal.write("resume")
        except OSError as error:
            room.journal, room.journal_problem = None, f"{error.strerror or error}: {error.filename or path}"

    def saved(self, owner: str) -> list[journal.Saved]:
        """This teacher's unfinished rooms on disk that this server does not hold (after a restart), newest first."""
        with self._lock:
            held = {r.journal.path for r in self._rooms.values() if r.journal is not None}
        return [s for s in journal.saved(self._directory(), owner) if s.path not in held]

    def other_classes(self, room: Room) -> list[journal.Saved]:
        """Other classes this teacher ran to their end (closed or not), newest first: ``room``'s to compare with."""
        mine = room.journal.path if room.journal is not None else None
        return [s for s in journal.saved(self._directory(), room.owner, closed=True) if s.ended and s.path != mine]

    def resume(self, path: Path, owner: str) -> Room:
        """The room of a journal this browser opened, rebuilt by replaying it; paused, so the teacher resumes it.

        Its code stays (the students' address still works) unless another room holds it now. Raises
        :class:`RoomError` (``not_your_room``, ``rooms_full``) or ``journal.JournalError`` for a damaged file.
        """
        events = journal.read(path)
        head = events[0]
        if not owner or head.get("owner") != journal.browser_key(owner):
            raise RoomError("not_your_room")
        with self._lock:  # resumed already (a second tab, a double click): that room, not a second copy
            held = next((r for r in self._rooms.values() if r.journal is not None and r.journal.path == path), None)
        if held is not None:
            return held
        room = replayed(events, self.clock)
        room.owner = owner  # the journal holds only its hash
        with self._lock:
            previous = self._make_room_for(owner)
            while room.code in self._rooms:
                room.code = new_code(CODE_LENGTH)
            self._rooms[room.code] = room
        self._start_journal(room, path)
        for old in previous:
            self._drop(old)
        return room

    def _drop(self, room: Room) -> None:
        """End a room that left the server, and close its journal (a closed room is not offered again)."""
        room.end()
        room.listeners.clear()
        if room.journal is not None:
            try:
                room.journal.write("close")
                room.journal.close()
            except (OSError, ValueError):
                pass
            room.journal = None

    def _make_room_for(self, owner: str) -> list[Room]:
        """Take out and return the rooms ``owner`` holds, or refuse if the server is full (lock held).

        A teacher's browser holds one room; the caller drops the old ones once the lock is released.
        """
        previous = self._owned(owner)
        if len(self._rooms) - len(previous) >= MAX_ROOMS:
            raise RoomError("rooms_full", n=MAX_ROOMS)
        for old in previous:
            self._rooms.pop(old.code)
        return previous

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
            self._drop(room)

    def __len__(self) -> int:
        return len(self._rooms)

    def __contains__(self, code: str) -> bool:
        return code in self._rooms

    def run_clock(self, room: Room, period: float = 0.1) -> None:
        """Tick ``room`` in a thread of its own until it ends or is closed; and keep the janitor running.

        Called again for a second round (the first round's end stopped the clock).
        """
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
            running = self._threads.get(room.code)
            if running is not None and running.is_alive() and running is not threading.current_thread():
                return  # its clock still runs (a second round started as the first one's clock was stopping)
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
            self._drop(r)
        return [r.code for r in stale]



def build_world(settings: RoomSettings) -> World:
    """The room's world: its scenario at the room's size, with the class's attention on its own campaign.

    A class attends to its own campaign: no divided attention (platform.attention 0), so that the campaign
    reaches the students on a 1,000-user network as it reached them before the model had it. A second round
    sets its one change (``settings.change``) on top.
    """
    scenario = load_scenario(_scenario_path(settings.scenario), {"network.n_users": settings.n_users,
                                                                 "platform.attention": 0,
                                                                 **ROUND_CHANGES.get(settings.change, {})})
    if scenario.decision.rule != "logit":  # as the model's seat(), but before the world is built
        raise ValueError(f"scenario {settings.scenario!r} uses the {scenario.decision.rule} rule; class mode "
                         "needs the logit rule (under the threshold rule users the campaign did not reach "
                         "also choose, and a student would never get their card)")
    return World(scenario, settings.seed)


def replayed(events: list[dict], clock: Callable[[], float] = time.monotonic) -> Room:
    """A fresh room with a journal's events replayed: the same seed and choices give the same state.

    A room that was running comes back paused: its students' phones have to find it again first.
    """
    head = events[0]
    settings = RoomSettings(**head["settings"])
    room = Room(code=head["code"], settings=settings, world=build_world(settings), clock=clock,
                owner=head.get("owner", ""), build=build_world)
    room.replay(events[1:])
    if room.phase == "running":
        room.phase = "paused"
        room.paused_at = clock()
    room.last_activity = clock()
    return room


def _scenario_path(name: str) -> Path:
    path = SCENARIOS / f"{name}.yaml"
    if not path.is_file():
        raise ValueError(f"no scenario {name!r}")
    return path


#: The server's rooms. Module-level on purpose: every session (kernel) of this server process sees the same ones.
ROOMS = Rooms()

__all__ = ["ENDED_LIMIT", "IDLE_LIMIT", "MAX_ROOMS", "ROOMS", "Rooms", "build_world", "replayed"]
