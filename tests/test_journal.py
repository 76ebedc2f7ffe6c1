"""A room survives the server: its journal on disk, replayed into a fresh model, is the same room (viz/journal.py)."""

import io
import json
import os
import zipfile

import numpy as np
import pandas as pd
import pytest

from model.participants import Choice
from tests.conftest import HandClock
from viz import journal
from viz.class_export import export_zip
from viz.room_server import Rooms, replayed
from viz.rooms import PLEDGES, STEP_INTERVAL, RoomError, RoomSettings

Clock = HandClock


def _lesson(rooms, clock, steps=8, seed=3):
    """A lesson with everything a class does: choices of every kind, time-outs, late taps, a late student,
    a removed seat, a renamed one, a new phone, hidden names, a pause; then the end."""
    room = rooms.open(RoomSettings(n_users=600, seed=seed), owner="teacher")
    students = [room.join(f"Student {k}", f"browser-{k}") for k in range(12)]
    room.remove(room.join("Rude name", "rude").pseudonym)
    room.start()
    rng = np.random.default_rng(seed)
    late_tap = None
    for t in range(steps):
        for s in room.open_cards():
            roll = rng.random()
            if roll < 0.2:
                continue  # lets it time out
            if roll < 0.3 and late_tap is None:
                late_tap = (s, s.card.step)
                continue
            choice = Choice(int(rng.integers(0, 4)))
            room.choose(s.token, s.node, s.card.step, choice, pledge=PLEDGES["id"])
        clock.now += room.settings.timeout + STEP_INTERVAL
        room.tick()
        if late_tap is not None and late_tap[0].answered < late_tap[1] and room.model.steps == late_tap[1]:
            room.choose(late_tap[0].token, late_tap[0].node, late_tap[1], Choice.SHARE)
        if t == 1:
            room.open_door(True)
            room.join("Latecomer", "late-browser")
            room.remove(students[3].pseudonym)
            room.rename(students[4].pseudonym, "Ana")
            code = room.rejoin_code(students[5].pseudonym)
            room.join("", "new-phone", rejoin=code)
            room.hide_names(True)
        if t == 3:
            room.pause()
            clock.now += 50
            room.start()
    room.end()
    return room


def _same(a, b, phase=True):
    """Two rooms hold the same model state, log and roster (and phase, unless a replay paused a running room)."""
    pa, pb = a.model.pop, b.model.pop
    for name in pa._fields:
        assert np.array_equal(getattr(pa, name), getattr(pb, name)), name
    assert a.model.steps == b.model.steps and a.model.current == b.model.current
    assert a.log == b.log and a.tally() == b.tally()
    assert (a.phase == b.phase or not phase) and a.names_hidden == b.names_hidden and a.door_open == b.door_open
    roster = [(s.pseudonym, s.nickname, s.node, s.client) for s in a.students.values()]
    assert roster == [(s.pseudonym, s.nickname, s.node, s.client) for s in b.students.values()]
    assert [s.pseudonym for s in a.left] == [s.pseudonym for s in b.left]
    assert np.array_equal(a.seated_nodes(), b.seated_nodes())
    pd.testing.assert_frame_equal(a.model.timeseries(), b.model.timeseries())


@pytest.mark.parametrize("seed", [3, 11])
def test_replaying_a_journal_into_a_fresh_model_with_the_same_seed_gives_the_same_room(tmp_path, seed):
    clock = Clock()
    room = _lesson(Rooms(clock=clock, journal_dir=tmp_path), clock, seed=seed)
    events = journal.read(room.journal.path)
    kinds = {e["kind"] for e in events}
    assert {"open", "join", "start", "choice", "step", "admit", "remove", "rename", "rejoin", "names", "phase",
            "end"} <= kinds
    assert any(e["kind"] == "choice" and e["how"] == "late" for e in events)
    assert any(e["kind"] == "choice" and e["how"] == "timeout" for e in events)
    again = replayed(events, Clock())
    assert again.model is not room.model
    _same(room, again)
    assert room.model.current["acted"] > len(room.model.seeds)  # the lesson did something to replay


def test_each_change_is_on_disk_when_the_room_goes_on(tmp_path, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: (synced.append(fd), real(fd)))
    clock = Clock()
    room = Rooms(clock=clock, journal_dir=tmp_path).open(RoomSettings(n_users=300))
    s = room.join("Ana", "a")
    room.start()
    before = len(synced)
    room.choose(s.token, s.node, s.card.step, Choice.LIKE)
    assert len(synced) == before + 1
    last = room.journal.path.read_text(encoding="utf-8").splitlines()[-1]  # the file is still open
    assert json.loads(last)["kind"] == "choice" and json.loads(last)["choice"] == "LIKE"
    assert oct(room.journal.path.stat().st_mode & 0o777) == "0o600"  # nicknames: the owner's eyes only
    assert '"a"' not in room.journal.path.read_text(encoding="utf-8")  # nor the browser's id itself


def test_after_a_crash_the_teacher_resumes_the_room_and_its_students_get_their_seats_back(tmp_path):
    clock = Clock()
    before = Rooms(clock=clock, journal_dir=tmp_path)
    room = before.open(RoomSettings(n_users=600, seed=5), owner="teacher")
    students = [room.join(f"Student {k}", f"browser-{k}") for k in range(8)]
    room.start()
    for s in room.open_cards():
        room.choose(s.token, s.node, s.card.step, Choice.SHARE)
    clock.now += STEP_INTERVAL
    room.tick()
    # The server dies here: nothing is closed. A new server, the same directory.
    after = Rooms(clock=clock, journal_dir=tmp_path)
    assert after.saved("someone-else") == []
    [saved] = after.saved("teacher")
    assert saved.code == room.code and saved.students == 8 and saved.steps == 1 and not saved.ended
    with pytest.raises(RoomError, match="not_your_room"):
        after.resume(saved.path, "someone-else")
    back = after.resume(saved.path, "teacher")
    assert back.phase == "paused" and back.code == room.code
    assert after.resume(saved.path, "teacher") is back and len(after) == 1  # a double click: one room
    _same_model = back.model.pop.shared == room.model.pop.shared
    assert _same_model.all() and back.model.steps == room.model.steps
    again = back.join("Student 3", "browser-3")  # the same browser, the same name: its seat again
    assert again.node == students[3].node
    with pytest.raises(RoomError, match="nickname_taken"):
        back.join("Student 3", "another-browser")
    back.start()  # the teacher presses Resume
    clock.now += back.settings.timeout + STEP_INTERVAL
    assert back.tick() and back.model.steps == 2
    assert after.saved("teacher") == []  # held again: not offered twice
    # The whole journal (before and after the crash) replays to the room as it is now.
    rebuilt = replayed(journal.read(saved.path), Clock())
    _same(back, rebuilt, phase=False)
    assert rebuilt.phase == "paused"  # a running room comes back paused, for the teacher to resume
    after.close(back.code)
    assert Rooms(clock=clock, journal_dir=tmp_path).saved("teacher") == []  # a closed room is not offered


def test_after_a_crash_the_export_holds_everything_the_class_did(tmp_path):
    clock = Clock()
    room = _lesson(Rooms(clock=clock, journal_dir=tmp_path), clock, steps=4)
    data = export_zip(replayed(journal.read(room.journal.path), Clock()))
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        choices = pd.read_csv(z.open(next(n for n in z.namelist() if n.endswith("choices.csv"))))
        blob = b"".join(z.read(n) for n in z.namelist())
    assert len(choices) == len(room.log)
    assert list(choices["how"]) == [r.how for r in room.log]
    assert b"Student" not in blob and b"Latecomer" not in blob  # pseudonyms only


def test_a_cut_last_line_is_dropped_and_a_damaged_line_is_named(tmp_path):
    clock = Clock()
    room = Rooms(clock=clock, journal_dir=tmp_path).open(RoomSettings(n_users=300))
    room.join("Ana", "a")
    path = room.journal.path
    whole = journal.read(path)
    with open(path, "a", encoding="utf-8") as f:
        f.write('{"kind": "join", "pseud')  # the server died mid-line
    assert journal.read(path) == whole
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join([lines[0], "not json", *lines[1:]]) + "\n", encoding="utf-8")
    with pytest.raises(journal.JournalError, match=r"line 2 is not JSON"):
        journal.read(path)


def test_a_journal_directory_that_cannot_be_written_leaves_the_room_running_and_says_so(tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("")
    room = Rooms(clock=Clock(), journal_dir=blocked).open(RoomSettings(n_users=300))
    assert room.journal is None and "a-file" in room.journal_problem
    s = room.join("Ana", "a")
    room.start()
    assert s.node >= 0 and room.phase == "running"
