"""Class mode's two pages: the teacher's projector (``/class``) and the students' phones (``/join``).

The room's state is shared by every session of the server (``viz.rooms``);
each page keeps only what is its own (the language, the room it shows, the
phone's seat) and subscribes to its room. A change in the room, made in
another session's thread or the room's clock, calls the subscribers, and each
re-renders its own page inside its own kernel's context (Solara scopes
reactive values to a kernel, so the context must be the page's own).

What a phone sees is its own card, its own feedback and, at the end, what its
own choices led to: never another student's name or choice.

The file is over the house's usual 400 lines because both pages and their
shared widgets (top bar, language toggle, seat, outcome) live here; the
projector and the phone pages are its natural split.
"""

from __future__ import annotations

import html
import io
import secrets
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import parse_qs, urlencode

import reacton.ipyvuetify as v
import solara
import solara.lab
from solara.server import kernel_context

from model.participants import Choice
from viz import class_results, journal
from viz.class_debrief import Debrief, network_names_html
from viz.class_export import export_zip
from viz.class_predictions import HandsEntry, PredictOnPhone
from viz.class_roster import ManageSeats, RejoinAsks, SavedRooms, refusal, roster_html, seat_counts
from viz.class_widgets import FeedCard
from viz.i18n import LANGUAGES, TEXT, number, outcome, plural, t
from viz.room_records import ACTION_COSTS, MAX_SENTENCE, MIN_SENTENCE_WORDS, ROUND_CHANGES
from viz.room_server import ROOMS
from viz.rooms import MAX_STUDENTS, PLEDGES, Room, RoomError, RoomSettings, escape
from viz.seats import ROOM_PLACEMENTS
from viz.sessions import remember_server_loop
from viz.widgets import DocumentFixes, NetworkCanvas
from viz.world import PALETTE

STYLE = Path(__file__).resolve().parent / "class.css"
FUNNEL_ROWS = ("reached", "liked", "shared", "acted", "liked_not_acted")


def use_room_updates(room: Room | None, token: str | None = None) -> int:
    """Re-render this page when its room changes (for a student's page, when its own seat or the room's step does).

    The room calls back from whichever thread changed it; the page's own
    kernel context is entered before its reactive value is set.
    """
    version = solara.use_reactive(0)

    def subscribe():
        if room is None:
            return None
        # Outside a server (solara.render in tests) there is no kernel context, and none is needed.
        context = kernel_context.get_current_context() if kernel_context.has_current_context() else nullcontext()

        def heard(_kind):
            with context:
                version.set(room.version)

        return room.subscribe(heard, token)

    solara.use_effect(subscribe, [room, token])
    return version.value


@solara.component
def TopBar(title: str, lang):
    """The page's title and its language toggle."""
    DocumentFixes.element(lang=lang.value)  # <html lang> and screen-reader-reachable selects (axe-core)
    with solara.Row(classes=["topbar"], gap="8px"):
        solara.Text(title, classes=["app-title"])
        LanguageToggle(lang)


@solara.component
def LanguageToggle(lang):
    """English / Bahasa Indonesia."""
    v.BtnToggle(v_model=list(LANGUAGES).index(lang.value), mandatory=True, dense=True, class_="lang-toggle",
                on_v_model=lambda k: lang.set(list(LANGUAGES)[k]),
                children=[v.Btn(children=[code], small=True, class_=f"lang-{code}") for code in LANGUAGES])


# ---------------------------------------------------------------------------------------------- the projector


def join_address(host: str | None, code: str, lang: str = "en") -> str:
    """The address students open: this server's, as the teacher's browser reached it, with the code and language."""
    return f"http://{host or '127.0.0.1'}/join?{urlencode({'code': code, 'lang': lang})}"


def qr_svg(text: str) -> str:
    """A QR code of ``text`` as inline SVG, made on this machine (segno; no internet)."""
    import segno

    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=6, border=2, xmldecl=False, svgns=True,
                                     svgclass="join-qr", lineclass=None)
    return buffer.getvalue().decode()


def funnel_html(lang: str, title: str, f: class_results.Funnel, kind: str) -> str:
    """One group's funnel as bars, in percent of those the campaign reached."""
    labels = {"reached": outcome(lang, "aware"), "liked": outcome(lang, "liked"), "shared": outcome(lang, "shared"),
              "acted": outcome(lang, "acted"), "liked_not_acted": t(lang, "class_liked_not_acted")}
    rows = []
    for name in FUNNEL_ROWS:
        value = getattr(f, name)
        pct = 100.0 * value / f.n if name == "reached" and f.n else f.percent(name)
        rows.append(f'<div class="cf-row" data-row="{name}"><span class="cf-label">{labels[name]}</span>'
                    f'<span class="cf-track"><span class="cf-bar cf-{name}" style="width:{min(pct, 100):.1f}%">'
                    f'</span></span><span class="cf-value" data-value="{value}">{number(lang, value)} · '
                    f'{number(lang, pct)}%</span></div>')
    note = t(lang, "class_funnel_note", n=number(lang, f.reached))
    return (f'<div class="class-funnel" data-group="{kind}"><div class="cf-title">{title} '
            f'({number(lang, f.n)})</div>{"".join(rows)}<div class="cf-note">{note}</div></div>')


@solara.component
def RoomSetup(lang: str, on_open):
    """The teacher's choices before opening a room."""
    placement = solara.use_reactive("reached")
    timeout = solara.use_reactive(30)
    cost = solara.use_reactive("pledge")
    wait = solara.use_reactive(20)
    names = solara.use_reactive(False)
    L = lang  # noqa: N806
    with solara.Column(classes=["class-setup"], gap="8px"):
        solara.Text(t(L, "class_settings"), classes=["card-title"])
        v.Select(label=t(L, "class_placement"), v_model=placement.value, on_v_model=placement.set,
                 class_="class-placement", items=[{"text": t(L, f"class_placement_{p}"), "value": p}
                                                  for p in ROOM_PLACEMENTS])
        v.Slider(label=f"{t(L, 'class_timeout')}: {timeout.value}", v_model=timeout.value, min=10, max=120, step=5,
                 on_v_model=lambda x: timeout.set(int(x)), class_="class-timeout", hide_details=True)
        v.Select(label=t(L, "class_cost"), v_model=cost.value, on_v_model=cost.set, class_="class-cost",
                 items=[{"text": t(L, f"class_cost_{c}"), "value": c} for c in ACTION_COSTS])
        if cost.value == "wait":
            v.Slider(label=f"{t(L, 'class_wait_seconds')}: {wait.value}", v_model=wait.value, min=5, max=60,
                     step=5, on_v_model=lambda x: wait.set(int(x)), class_="class-wait", hide_details=True)
        v.Checkbox(label=t(L, "class_show_names"), v_model=names.value, on_v_model=names.set,
                   class_="class-show-names", hide_details=True)
        solara.Button(t(L, "class_open"), color="primary", classes=["class-open"], on_click=lambda: on_open(
            RoomSettings(placement=placement.value, timeout=float(timeout.value), action_cost=cost.value,
                         wait_seconds=float(wait.value), show_names=names.value)))


def use_page_start():
    """A class-mode page's first render: its URL's query and its language (``?lang=``), as reactive state.

    Also notes the server's event loop for :mod:`viz.sessions`, so that a closed page's threads are retired.
    """
    router = solara.use_router()
    solara.use_memo(remember_server_loop, [])
    query = solara.use_memo(lambda: parse_qs(router.search or ""), [])
    lang = solara.use_reactive(query.get("lang", ["en"])[0] if query.get("lang", ["en"])[0] in LANGUAGES else "en")
    return query, lang


@solara.component
def ClassPage():
    """The teacher's projector: the room's code and QR, the students, the controls, the funnels, the network."""
    _query, lang = use_page_start()
    page_id = solara.use_memo(lambda: secrets.token_hex(8), [])
    start = solara.use_memo(lambda: ROOMS.owned_by(browser_id(page_id)), [])
    room_ref = solara.use_reactive(start)
    problem = solara.use_reactive("")
    room = room_ref.value
    version = use_room_updates(room)  # passed down: a child whose props are unchanged is not re-rendered
    L = lang.value  # noqa: N806

    def open_room(settings: RoomSettings):
        try:
            new = ROOMS.open(settings, owner=browser_id(page_id))
        except RoomError as error:
            problem.set(refusal(L, error))
            return
        problem.set("")
        ROOMS.run_clock(new)
        room_ref.set(new)

    def resume_room(path):
        try:
            resumed = ROOMS.resume(path, owner=browser_id(page_id))
        except (RoomError, journal.JournalError, ValueError) as error:
            problem.set(refusal(L, error))
            return
        problem.set("")
        ROOMS.run_clock(resumed)
        room_ref.set(resumed)

    def act(method):
        def run():
            try:
                method()
                problem.set("")
            except RoomError as error:
                problem.set(refusal(L, error))
        return run

    def close_room():
        ROOMS.close(room.code)
        room_ref.set(None)

    with solara.Column(classes=["class-page", "class-teacher"], gap="10px"):
        solara.Style(STYLE)
        TopBar(t(L, "class_title"), lang)
        if room is None:
            RoomSetup(L, open_room)
            if problem.value:
                solara.Text(problem.value, classes=["class-problem"])
            SavedRooms(L, browser_id(page_id), resume_room, problem.set)
            return
        Projector(room, L, act, close_room, problem.value, version)


@solara.component
def Projector(room: Room, L: str, act, close_room, problem: str, version: int):  # noqa: N803
    """The open room, read under its lock."""
    with room.lock:
        ProjectorBody(room, L, act, close_room, problem)


def ProjectorBody(room: Room, L: str, act, close_room, problem: str):  # noqa: N803 - called inside Projector
    """Projector's content (a plain function, so it runs while Projector holds the room's lock)."""
    model = room.model
    headers = solara.lab.headers.value or {}
    host = headers.get("host") or ["127.0.0.1"]
    host = host[0] if isinstance(host, list) else str(host)
    address = join_address(host, room.code, L)
    students = list(room.students.values())
    phase = room.phase
    nodes = room.class_nodes()
    class_f = class_results.funnel_of(model, nodes)
    crowd_f = class_results.funnel_of(model, class_results.crowd(model, room.seated_nodes()))
    if phase == "ended":  # first, above the fold: what the lesson is about
        Debrief(room, L, class_f, crowd_f)
    with solara.Row(classes=["class-head"] + ([] if phase == "lobby" else ["class-head-small"]), gap="24px"):
        with solara.Column(gap="4px", classes=["class-code-box"]):
            solara.Text(t(L, "class_code"), classes=["class-code-label"])
            solara.Text(room.code, classes=["class-code"])
            solara.Text(t(L, "class_join_at", url=address.split("?")[0]), classes=["class-join-at"])
            if host.split(":")[0] in ("127.0.0.1", "localhost", "[::1]"):
                solara.Text(t(L, "class_local_only"), classes=["class-local-only"])
        solara.HTML(tag="div", classes=["class-qr"], unsafe_innerHTML=qr_svg(address))
        with solara.Column(gap="4px", classes=["class-students"]):
            solara.Text(t(L, "class_joined", n=len(students), max=MAX_STUDENTS), classes=["class-joined"])
            if phase in ("running", "paused"):
                counts = seat_counts(room)
                solara.Text(t(L, "class_seats_summary", **counts), classes=["class-seats-summary"])
            solara.HTML(tag="div", classes=["student-chips"], unsafe_innerHTML=roster_html(L, room) or
                        t(L, "class_nobody"))
            RejoinAsks(room, L, act)
    with solara.Row(classes=["class-controls"], gap="8px"):
        started = phase != "lobby"
        solara.Button(t(L, "class_resume" if phase == "paused" else "class_start"), color="primary",
                      classes=["class-start"], on_click=act(room.start), disabled=phase in ("running", "ended"))
        solara.Button(t(L, "pause"), classes=["class-pause"], on_click=act(room.pause), disabled=phase != "running")
        solara.Button(t(L, "step"), classes=["class-step"], on_click=act(room.step),
                      disabled=phase not in ("running", "paused"))
        solara.Button(t(L, "class_end"), classes=["class-end"], on_click=act(room.end),
                      disabled=not started or phase == "ended")
        solara.FileDownload(lambda: export_zip(room), filename=f"slacktivism-class-{room.settings.scenario}.zip",
                            label=t(L, "class_export"))
        if phase == "ended" and not room.rounds:  # run it again with one thing changed (viz/room_rounds.py)
            for change in ROUND_CHANGES:
                solara.Button(t(L, f"class_round_start_{change}"), classes=["class-round", f"round-{change}"],
                              on_click=act(lambda change=change: room.second_round(change)), outlined=True)
        solara.Button(t(L, "class_close"), classes=["class-close"], on_click=close_room, text=True)
        solara.Text(t(L, f"class_phase_{phase}", step=model.steps), classes=["class-phase"])
        if started and phase != "ended":
            solara.Text(plural(L, "class_cards_open", len(room.open_cards())), classes=["class-cards-open"])
    with solara.Row(classes=["class-seat-controls"], gap="16px"):
        v.Switch(label=t(L, "class_hide_names"), v_model=room.names_hidden, class_="class-hide-names",
                 on_v_model=lambda on: act(lambda: room.hide_names(bool(on)))(), hide_details=True, dense=True)
        if phase in ("running", "paused"):
            v.Switch(label=t(L, "class_door"), v_model=room.door_open, class_="class-door",
                     on_v_model=lambda on: act(lambda: room.open_door(bool(on)))(), hide_details=True, dense=True)
        if phase != "ended":  # keyed: the door's switch appearing at Start must not reset the panel
            ManageSeats(room, L, act, room.version).key("manage-seats")
    if phase == "lobby":
        HandsEntry(room, L, act, room.version)
    if room.journal_problem:
        solara.Text(t(L, "class_not_saved", problem=room.journal_problem), classes=["class-problem", "not-saved"])
    if started:
        with solara.Row(classes=["class-tally-row"]):
            tally = room.tally()
            words = html.escape(t(L, "class_tally", **{k: number(L, n) for k, n in tally.items()}))
            solara.HTML(tag="div", classes=["class-tally"], attributes={f"data-{k}": str(n) for k, n in tally.items()},
                        unsafe_innerHTML=words)
    if problem:
        solara.Text(problem, classes=["class-problem"])
    goal = model.spec.campaign.goal_actions
    with solara.Div(classes=["class-stage"]):
        with solara.Column(classes=["class-left"], gap="8px"):
            with solara.Div(classes=["class-funnels"]):
                solara.HTML(tag="div", unsafe_innerHTML=funnel_html(L, t(L, "class_class"), class_f, "class"))
                solara.HTML(tag="div", unsafe_innerHTML=funnel_html(L, t(L, "class_crowd"), crowd_f, "crowd"))
            solara.Text(f"{t(L, 'class_goal', n=number(L, goal))} · {number(L, model.current['acted'])} "
                        f"{outcome(L, 'acted')}", classes=["class-goal"])
        world = room.world
        rings = ["0"] * len(world.view)
        where = {int(u): k for k, u in enumerate(world.view)}
        for node in nodes.tolist():
            if node in where:
                rings[where[node]] = "1"
        with solara.Column(classes=["class-network"], gap="4px"):
            solara.Text(t(L, "class_network"), classes=["card-title"])
            with solara.Div(classes=["net-wrap"]):
                NetworkCanvas.element(**{**world.static(), "rings": "".join(rings)}, states=world.states(),
                                      palette=PALETTE, aspect=0.6, pinned=-1, painted_step=model.steps,
                                      label=t(L, "class_network"))
                if room.settings.show_names and started:  # each student's dot ringed and named, on the network
                    labels = {s.node: escape(room.shown_name(s)) for s in students if s.node >= 0}
                    solara.HTML(tag="div", classes=["network-names"],
                                unsafe_innerHTML=network_names_html(world, labels))
            solara.Text(t(L, "class_legend"), classes=["legend"])


# ---------------------------------------------------------------------------------------------- the phone


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


def browser_id(fallback: str) -> str:
    """This browser's id (Solara's session cookie), which makes a rejoin from it the same student.

    Outside a server (``solara.render`` in tests) each page is its own browser: ``fallback``.
    """
    return solara.get_session_id() if kernel_context.has_current_context() else fallback


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
        solara.Text(t(L, "class_recruited", n=number(L, result.recruited), a=number(L, result.recruited_acted))
                    if result.recruited else t(L, "class_recruited_none"), classes=["my-recruited"])


__all__ = ["ClassPage", "JoinPage"]
