"""A room's journal on disk, so that a lesson survives the server: append-only JSON lines, each synced as written.

A room lives in the server's memory (``viz.rooms``); a crash, a closed laptop
lid or a restarted app would lose what the class did. So every change a
room makes (a join, the seating, each choice, each step, the teacher's
controls) is one line of JSON appended to the room's file and synced to the
disk (``os.fsync``) before the room goes on. The model is deterministic given
its seed and the choices handed to it before each step, so replaying the
lines into a fresh model with the same seed rebuilds the room as it was
(``tests/test_journal.py`` checks every array of the population): the teacher
can export what the class did after a crash, or resume the lesson.

The files hold the students' nicknames and a hash of each browser's id (so
that a student's own browser gets its seat back after a restart; the session
cookie itself is never written), so they are made readable by their owner only, in the user's state directory
(``$XDG_STATE_HOME/slacktivism/rooms``, by default ``~/.local/state/...``), or
in ``$SLACKTIVISM_ROOMS_DIR``. An export (``viz/class_export.py``) still
writes pseudonyms only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from pathlib import Path
from typing import NamedTuple

#: The environment variable that names the journals' directory.
ROOMS_DIR_ENV = "SLACKTIVISM_ROOMS_DIR"
#: The journal's format; a reader refuses another.
FORMAT = 1
#: Journals older than this are not offered to resume or export (they stay on disk).
OFFER_LIMIT = 7 * 24 * 3600.0


def browser_key(browser: str) -> str:
    """A browser's id (Solara's session cookie) as rooms keep and journal it: a hash, never the cookie itself."""
    return hashlib.sha256(browser.encode()).hexdigest()[:32] if browser else ""


def default_dir() -> Path:
    """Where journals go: ``$SLACKTIVISM_ROOMS_DIR``, else ``$XDG_STATE_HOME/slacktivism/rooms``."""
    named = os.environ.get(ROOMS_DIR_ENV)
    if named:
        return Path(named).expanduser()
    state = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(state) / "slacktivism" / "rooms"


class Journal:
    """One room's file, opened for appending; each :meth:`write` is on the disk when it returns."""

    def __init__(self, path: Path):
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.path = path
        descriptor = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        self._file = os.fdopen(descriptor, "a", encoding="utf-8")

    def write(self, kind: str, **data) -> None:
        """Append one event (``kind`` and its data, with the wall-clock time) and sync it."""
        line = json.dumps({"kind": kind, "at": round(time.time(), 3), **data}, ensure_ascii=False,
                          separators=(",", ":"))
        self._file.write(line + "\n")
        self._file.flush()
        os.fsync(self._file.fileno())

    def close(self) -> None:
        """Close the file (a closed journal takes no more writes)."""
        self._file.close()


class JournalError(ValueError):
    """A journal that cannot be read back: the message names the file and the line."""


def read(path: Path) -> list[dict]:
    """The events of a journal, in order.

    A last line cut short (the server died while writing it) is dropped: it was never synced, so the room never
    acted on it. Any other unreadable line is a :class:`JournalError` naming the file and the line.
    """
    lines = Path(path).read_text(encoding="utf-8").split("\n")
    events = []
    for k, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            event = json.loads(line)
        except json.JSONDecodeError as error:
            if k >= len(lines) - 1:  # the last line, unfinished
                break
            raise JournalError(f"{path}: line {k} is not JSON ({error.msg})") from None
        if not isinstance(event, dict) or "kind" not in event:
            raise JournalError(f"{path}: line {k} is not an event")
        events.append(event)
    if not events or events[0]["kind"] != "open":
        raise JournalError(f"{path}: the first line is not the room's opening")
    if events[0].get("format") != FORMAT:
        raise JournalError(f"{path}: journal format {events[0].get('format')!r}, this version reads {FORMAT}")
    return events


class Saved(NamedTuple):
    """A journal a teacher's browser may resume or export: its room's code, size, last step and file."""

    path: Path
    code: str
    opened: float
    students: int
    steps: int
    ended: bool


def saved(directory: Path, owner: str, now: float | None = None, closed: bool = False) -> list[Saved]:
    """The journals this teacher's browser (``owner``) opened and has not closed, newest first.

    Closed rooms (the teacher pressed "Close the room", or the server dropped it) are offered only with
    ``closed`` (another class to compare with), and journals older than :data:`OFFER_LIMIT` not at all.
    Unreadable files are skipped.
    """
    now = time.time() if now is None else now
    if not owner or not directory.is_dir():
        return []
    found = []
    for path in directory.glob("*.jsonl"):
        try:
            if now - path.stat().st_mtime > OFFER_LIMIT:
                continue
            events = read(path)
        except (OSError, JournalError):
            continue
        head = events[0]
        kinds = [e["kind"] for e in events]
        if head.get("owner") != browser_key(owner) or ("close" in kinds and not closed):
            continue
        students = kinds.count("join") + kinds.count("admit") - kinds.count("remove")
        steps = max((e["t"] for e in events if e["kind"] == "step"), default=0)
        ended = "end" in kinds or any(e["kind"] == "phase" and e.get("phase") == "ended" for e in events)
        found.append(Saved(path, head["code"], head["at"], students, steps, ended))
    return sorted(found, key=lambda s: -s.opened)


__all__ = ["FORMAT", "ROOMS_DIR_ENV", "Journal", "JournalError", "Saved", "browser_key", "default_dir", "read",
           "saved"]
