"""Class mode's phone (``/join``): the join form, the prediction, the feed card, and what the student's choices led to.

What a phone sees is its own card, its own feedback and, at the end, what its
own choices led to: never another student's name or choice.
"""

from __future__ import annotations

import secrets

import solara

from model.participants import Choice
from viz import class_results
from viz.class_page import STYLE, TopBar, browser_id, use_page_start, use_room_updates
from viz.class_predictions import PredictOnPhone
from viz.class_roster import refusal
from viz.class_widgets import FeedCard
from viz.i18n import TEXT, number, t
from viz.room_records import MAX_SENTENCE, MIN_SENTENCE_WORDS
from viz.room_server import ROOMS
from viz.rooms import PLEDGES, Room, RoomError


def card_fields(lang: str, room: Room, card, dealt: float = 0.0, left: float | None = None,
                paused: bool = False) -> dict:
    """What the phone's card shows (never the decision rule's choice, nor anyone's name).

    ``left``: seconds before the card times out (the whole time-out if not given); ``paused``: the
    countdown is held (the room is paused), so the phone shows ``left`` without counting down.
    """
    lines = []
    if card.shared_by:
        lines.append(t(lang, "class_card_shared_by", n=number(lang, card.shared_by)))
    if card.liked_by:
        lines.append(t(lang, "class_card_liked_by", n=number(lang, card.liked_by)))
    if card.acted_by:
        lines.append(t(lang, "class_card_acted_by", n=number(lang, card.acted_by)))
    if card.like_count is not None:
        lines.append("♥ " + t(lang, "class_card_likes", n=number(lang, card.like_count)))
    if card.asked:
        lines.append(t(lang, "class_card_reminder"))
    timeout = room.settings.timeout
    return {"step": card.step, "timeout": timeout, "dealt": round(dealt, 3),
            "left": round(timeout if left is None else left, 3), "paused": paused,
            "head": t(lang, "class_card_head"),
            "post": t(lang, "class_card_post" if card.aligned else "class_card_distorted"), "lines": lines}


def card_labels(lang: str) -> dict:
    """The card's buttons and prompts in the student's language."""
    return {"like": t(lang, "class_like"), "share": t(lang, "class_share"), "act": t(lang, "class_act"),
            "scroll": t(lang, "class_scroll"), "pledge_prompt": t(lang, "class_pledge_prompt", pledge=PLEDGES[lang]),
            "pledge_send": t(lang, "class_pledge_send"),
            "sentence_prompt": t(lang, "class_sentence_prompt", n=MIN_SENTENCE_WORDS),
            "sentence_send": t(lang, "class_sentence_send"), "signing": t(lang, "class_signing"),
            "cancel": t(lang, "class_cancel"), "seconds": t(lang, "class_card_seconds", n="{n}")}


def last_word(lang: str, room: Room, node: int) -> str:
    """What the phone says when no card is open: what became of the student's last card."""
    record = next((r for r in reversed(room.log) if r.node == node), None)
    if record is None:
        return t(lang, "class_wait_feed")
    if record.how == "timeout":
        return t(lang, "class_timed_out")
    said = t(lang, f"class_done_{record.choice.name.lower()}")
    return said + (" " + t(lang, "class_done_late") if record.how == "late" else "")


@solara.component
def JoinPage():
    """The phone: the join form, then the feed card, then what the student's own choices led to."""
    query, lang = use_page_start()
    code = solara.use_reactive(query.get("code", [""])[0][:12])
    nickname = solara.use_reactive("")
    rejoin = solara.use_reactive("")
    error = solara.use_reactive("")
    asked_rejoin = solara.use_reactive(False)  # the name was taken: a new phone may type its rejoin code
    seat = solara.use_reactive(None)  # (room, token)
    asking = solara.use_reactive(None)  # the room this phone asked to be let back into (no rejoin code)
    L = lang.value  # noqa: N806
    room, token = seat.value if seat.value else (None, None)
    version = use_room_updates(room, token)
    use_room_updates(asking.value)  # hears the teacher's answer

    page_id = solara.use_memo(lambda: secrets.token_hex(8), [])

    def join():
        client = browser_id(page_id)
        try:
            found = ROOMS.find(code.value, client)
            student = found.join(nickname.value, client, rejoin=rejoin.value)
        except RoomError as e:
            error.set(refusal(L, e))
            if e.key in ("nickname_taken", "rejoin_wrong"):
                asked_rejoin.set(True)
            return
        error.set("")
        seat.set((found, student.token))

    def ask():
        client = browser_id(page_id)
        try:
            found = ROOMS.find(code.value, client)
            found.ask_rejoin(nickname.value, client)
        except RoomError as e:
            error.set(refusal(L, e))
            return
        error.set("")
        asking.set(found)

    if asking.value is not None and seat.value is None:  # the teacher's answer to this phone's request
        state = asking.value.ask_state(nickname.value, browser_id(page_id))
        if state == "seated":
            seat.set((asking.value, asking.value.students[" ".join(nickname.value.split()).casefold()].token))
            asking.set(None)
        elif state == "refused":
            asking.set(None)
            error.set(t(L, "class_ask_refused"))

    with solara.Column(classes=["class-page", "class-phone"], gap="10px"):
        solara.Style(STYLE)
        TopBar(t(L, "class_join_title"), lang)
        gone = ""
        if room is not None:
            try:
                room.student(token)
            except RoomError as e:  # removed by the teacher, or moved to another phone: the form again
                gone = refusal(L, e)
        if room is None or gone:
            with solara.Column(classes=["join-form"], gap="8px"):
                if gone:
                    solara.Text(gone, classes=["join-error", "seat-gone"])
                solara.InputText(t(L, "class_code"), value=code, continuous_update=True, classes=["join-code"])
                solara.InputText(t(L, "class_nickname"), value=nickname, continuous_update=True,
                                 classes=["join-nickname"])
                if asked_rejoin.value:
                    solara.InputText(t(L, "class_rejoin_code"), value=rejoin, continuous_update=True,
                                     classes=["join-rejoin"])
                solara.Button(t(L, "class_join"), on_click=join, color="primary", classes=["join-button"])
                if asked_rejoin.value:  # or, without a code, ask the teacher to let this phone in
                    solara.Button(t(L, "class_ask"), on_click=ask, classes=["join-ask"],
                                  disabled=asking.value is not None)
                if asking.value is not None:
                    solara.Text(t(L, "class_ask_waiting"), classes=["join-asking"])
                if error.value:
                    solara.Text(error.value, classes=["join-error"])
            return
        Seat(room, token, L, error, version)


@solara.component
def Seat(room: Room, token: str, L: str, error, version: int):  # noqa: N803
    """A joined student's view of the room."""
    try:
        student = room.student(token)
    except RoomError as e:
        solara.Text(refusal(L, e), classes=["join-error"])
        return
    card_step = student.card.step if student.card is not None else None

    def clear_error_on_new_card():
        error.set("")

    solara.use_effect(clear_error_on_new_card, [card_step])

    def choose(data):
        try:
            choice = Choice[str(data.get("choice", ""))]
            room.choose(token, int(data.get("node", -1)), int(data.get("step", -1)), choice,
                        pledge=str(data.get("pledge", ""))[:MAX_SENTENCE])
            error.set("")
        except (KeyError, ValueError, TypeError):
            error.set(refusal(L, RoomError("no_card")))
        except RoomError as e:
            error.set(refusal(L, e))

    def begin_action(data):
        try:
            room.begin_action(token, int(data.get("node", -1)), int(data.get("step", -1)))
        except (ValueError, TypeError):
            error.set(refusal(L, RoomError("no_card")))
        except RoomError as e:
            error.set(refusal(L, e))

    solara.Text(t(L, "class_you_are", name=student.nickname, pseudonym=student.pseudonym, code=room.code),
                classes=["you-are"])
    if room.phase == "lobby":
        solara.Text(t(L, "class_wait_start"), classes=["phone-status"])
        PredictOnPhone(room, token, L, error, version)
        if error.value:
            solara.Text(error.value, classes=["join-error"])
        return
    if room.phase == "ended":
        MyOutcome(room, student.node, L)
        if error.value:
            solara.Text(error.value, classes=["card-message-ended"])
        return
    if room.phase == "paused":
        solara.Text(t(L, "class_paused"), classes=["phone-status"])
    card = student.card
    message = error.value or ("" if card is not None else last_word(L, room, student.node))
    fields = {} if card is None else card_fields(L, room, card, student.card_dealt, left=room.card_left(student),
                                                 paused=room.phase == "paused")
    FeedCard.element(card=fields, node=student.node,
                     labels=card_labels(L), cost=room.settings.action_cost, wait_seconds=room.settings.wait_seconds,
                     message=message, done=card is None, choose_callback=choose, action_callback=begin_action)


@solara.component
def MyOutcome(room: Room, node: int, L: str):  # noqa: N803
    """At the end: what this student's own choices led to (and nothing of anyone else's)."""
    with room.lock:
        result = class_results.outcome(room.model, node)
        reached = bool(room.model.pop.aware[node])
    did = [TEXT[L]["states"][k] for k, on in (("liked", result.liked), ("shared", result.shared),
                                             ("acted", result.acted)) if on]
    with solara.Column(classes=["my-outcome"], gap="4px"):
        solara.Text(t(L, "class_ended"), classes=["phone-status"])
        solara.Text(t(L, "class_your_result"), classes=["card-title"])
        if not reached:  # not "you did not engage": the campaign never gave this student the chance
            solara.Text(t(L, "class_never_reached"), classes=["my-did", "never-reached"])
            solara.Text(t(L, "class_never_reached_why"), classes=["never-reached-why"])
            return
        solara.Text(t(L, "class_you_did", what=", ".join(did) if did else t(L, "class_you_nothing")),
                    classes=["my-did"])
        solara.Text(t(L, "class_followers", n=number(L, result.followers)))
        if result.shared:
            solara.Text(t(L, "class_reached_after", n=number(L, result.reached_after)), classes=["my-reached"])
        if result.recruited:  # the projector's tree labels its students by pseudonym (or name, if shown)
            pseudonym = next((s.pseudonym for s in room.students.values() if s.node == node), "")
            solara.Text(t(L, "class_find_yourself", pseudonym=pseudonym), classes=["my-tree"])
        solara.Text(t(L, "class_recruited", n=number(L, result.recruited), a=number(L, result.recruited_acted))
                    if result.recruited else t(L, "class_recruited_none"), classes=["my-recruited"])


__all__ = ["JoinPage", "MyOutcome", "Seat", "card_fields", "card_labels", "last_word"]
