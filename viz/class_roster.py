"""The teacher's view of who is in the room: each seat's state, the seat controls, and rooms saved on disk.

A room nobody can stall (``viz/roster.py``) needs a teacher who sees who has
answered the current card and can act on a seat; after a crash, the
teacher's browser finds its saved rooms here to resume or export
(``viz/journal.py``). Part of the projector (``viz/classroom.py``).
"""

from __future__ import annotations

import reacton.ipyvuetify as v
import solara

from viz import journal
from viz.class_export import export_zip
from viz.i18n import number, t
from viz.room_server import ROOMS, replayed
from viz.rooms import Room, RoomError, escape


def refusal(lang: str, error: Exception) -> str:
    """A room's refusal (or a saved room that cannot be read), in the reader's language: one line, no traceback."""
    if isinstance(error, RoomError):
        return t(lang, f"class_err_{error.key}", **error.values)
    return t(lang, "class_err_journal", problem=str(error))


def seat_counts(room: Room) -> dict[str, int]:
    """How many seats have answered the current card, have it open, are not waited for, or got none."""
    statuses = [room.status(s) for s in room.students.values()]
    return {"a": statuses.count("answered"), "w": statuses.count("waiting"), "k": statuses.count("skipped"),
            "c": statuses.count("no_card")}


def roster_html(lang: str, room: Room) -> str:
    """The students as chips: each name (or pseudonym, while names are hidden) and where it is with the card.

    A rejoin code the teacher asked for shows on its seat's chip. Read under the room's lock.
    """
    now = room.clock()
    chips = []
    for s in room.students.values():
        status = room.status(s)
        word = t(lang, f"class_status_{status}") if status not in ("lobby", "ended") else ""
        said = f'<small class="seat-status"> · {word}</small>' if word else ""
        code = (f' <b class="rejoin-code">{t(lang, "class_rejoin_chip", code=s.rejoin[0])}</b>'
                if s.rejoin and now < s.rejoin[1] else "")
        chips.append(f'<span class="student-chip seat-{status}" data-pseudonym="{s.pseudonym}" '
                     f'data-status="{status}">{escape(room.shown_name(s))}{said}{code}</span>')
    return "".join(chips)


def RejoinAsks(room: Room, L: str, act):  # noqa: N803 - called inside the projector, under the room's lock
    """New phones asking for a seat back: the teacher lets each in, or refuses."""
    for pseudonym in list(room.asks):
        s = next((x for x in room.students.values() if x.pseudonym == pseudonym), None)
        if s is None:
            continue
        with solara.Row(classes=["rejoin-ask"], gap="8px", style={"align-items": "center", "flex-wrap": "wrap"}):
            solara.Text(t(L, "class_ask_rejoin", name=room.shown_name(s)), classes=["rejoin-ask-text"])
            solara.Button(t(L, "class_ask_allow"), color="primary", classes=["rejoin-allow"],
                          on_click=act(lambda p=pseudonym: room.answer_rejoin(p, True)))
            solara.Button(t(L, "class_ask_refuse"), classes=["rejoin-refuse"],
                          on_click=act(lambda p=pseudonym: room.answer_rejoin(p, False)))


@solara.component
def ManageSeats(room: Room, L: str, act, version: int):  # noqa: N803
    """The teacher's seat controls, folded away until asked for: rename, remove, a code for a new phone."""
    opened = solara.use_reactive(False)
    picked = solara.use_reactive(None)
    new_name = solara.use_reactive("")
    shown = solara.use_reactive("")
    solara.Button(t(L, "class_manage"), classes=["class-manage"], text=True,
                  on_click=lambda: opened.set(not opened.value))
    if not opened.value:
        return
    with room.lock:
        seats = [(s.pseudonym, room.shown_name(s)) for s in room.students.values()]
    if picked.value not in {p for p, _ in seats}:
        picked.value = None
    chosen = picked.value

    def rejoin():
        code = room.rejoin_code(chosen)
        name = dict(seats)[chosen]
        shown.set(t(L, "class_rejoin_shown", name=name, code=code))

    def rename():
        room.rename(chosen, new_name.value)
        new_name.set("")

    with solara.Row(classes=["class-manage-panel"], gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        v.Select(label=t(L, "class_seat_pick"), v_model=chosen, on_v_model=picked.set, class_="seat-pick",
                 items=[{"text": p if n == p else f"{p} · {n}", "value": p} for p, n in seats], hide_details=True,
                 dense=True, style_="max-width: 16em")
        solara.InputText(t(L, "class_new_name"), value=new_name, continuous_update=True, classes=["seat-new-name"])
        solara.Button(t(L, "class_rename"), classes=["seat-rename"], on_click=act(rename),
                      disabled=chosen is None or not new_name.value.strip())
        solara.Button(t(L, "class_remove"), classes=["seat-remove"], on_click=act(lambda: room.remove(chosen)),
                      disabled=chosen is None)
        solara.Button(t(L, "class_rejoin"), classes=["seat-rejoin"], on_click=act(rejoin), disabled=chosen is None)
        solara.Button(t(L, "class_skip"), classes=["seat-skip"], on_click=act(lambda: room.skip(chosen)),
                      disabled=chosen is None or room.phase not in ("running", "paused"))
    if shown.value:
        solara.Text(shown.value, classes=["rejoin-shown"])


@solara.component
def SavedRooms(L: str, owner: str, on_resume, on_problem):  # noqa: N803
    """This browser's rooms saved on disk and no longer held (after a crash or a restart): resume, or export."""
    saved = solara.use_memo(lambda: ROOMS.saved(owner), [owner])
    if not saved:
        return

    def export(path):
        def made():
            try:
                return export_zip(replayed(journal.read(path)))
            except (journal.JournalError, ValueError, RoomError) as error:
                on_problem(refusal(L, error))
                return b""
        return made

    with solara.Column(classes=["class-saved"], gap="6px"):
        solara.Text(t(L, "class_saved_title"), classes=["card-title"])
        for entry in saved:
            with solara.Row(classes=["class-saved-room"], gap="8px", style={"align-items": "center"}):
                words = t(L, "class_saved_room_one" if entry.students == 1 else "class_saved_room",
                          code=entry.code, n=number(L, entry.students), step=entry.steps)
                solara.Text(words + (f" · {t(L, 'class_saved_ended')}" if entry.ended else ""))
                if not entry.ended:
                    solara.Button(t(L, "class_resume_saved"), classes=["saved-resume"], color="primary",
                                  on_click=lambda path=entry.path: on_resume(path))
                solara.FileDownload(export(entry.path), filename=f"slacktivism-class-{entry.code}.zip",
                                    label=t(L, "class_export_saved"))


__all__ = ["ManageSeats", "RejoinAsks", "SavedRooms", "refusal", "roster_html", "seat_counts"]
