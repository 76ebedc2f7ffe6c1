"""Class mode's projector (``/class``): the room's code and QR, the students, the controls, the funnels, the network.

The teacher opens a room here (or resumes a saved one), and runs the lesson: the
prediction before Start, the campaign, the debrief (``viz/class_debrief.py``) and
a second round. The students' page is ``viz/class_phone.py`` (re-exported here, as
the app routes both); what both pages share is in ``viz/class_page.py``.
"""

from __future__ import annotations

import html
import io
import secrets
from urllib.parse import urlencode

import reacton.ipyvuetify as v
import solara
import solara.lab

from viz import class_results, journal
from viz.class_debrief import Debrief, network_names_html
from viz.class_export import export_zip
from viz.class_page import STYLE, TopBar, browser_id, use_page_start, use_room_updates
from viz.class_phone import JoinPage
from viz.class_predictions import HandsEntry
from viz.class_roster import ManageSeats, RejoinAsks, SavedRooms, refusal, roster_html, seat_counts
from viz.i18n import number, outcome, plural, t
from viz.room_records import ACTION_COSTS
from viz.room_server import ROOMS
from viz.rooms import MAX_STUDENTS, Room, RoomError, RoomSettings, escape
from viz.seats import ROOM_PLACEMENTS
from viz.widgets import NetworkCanvas
from viz.world import PALETTE

FUNNEL_ROWS = ("reached", "liked", "shared", "acted", "liked_not_acted")


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
    if phase == "ended":  # first, above the fold: what the lesson is about, and the second round's buttons
        Debrief(room, L, class_f, crowd_f, act)
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


__all__ = ["ClassPage", "JoinPage"]
