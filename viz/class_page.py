"""What class mode's two pages share: the stylesheet, the top bar and language toggle, the room's updates.

The projector (``viz/classroom.py``) and the phone (``viz/class_phone.py``) each
keep only what is their own (the language, the room they show, the phone's
seat) and subscribe to their room. A change in the room, made in another
session's thread or the room's clock, calls the subscribers, and each
re-renders its own page inside its own kernel's context (Solara scopes reactive
values to a kernel, so the context must be the page's own).
"""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from urllib.parse import parse_qs

import reacton.ipyvuetify as v
import solara
from solara.server import kernel_context

from viz.i18n import LANGUAGES
from viz.rooms import Room
from viz.sessions import remember_server_loop
from viz.widgets import DocumentFixes

STYLE = Path(__file__).resolve().parent / "class.css"




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


def use_page_start():
    """A class-mode page's first render: its URL's query and its language (``?lang=``), as reactive state.

    Also notes the server's event loop for :mod:`viz.sessions`, so that a closed page's threads are retired.
    """
    router = solara.use_router()
    solara.use_memo(remember_server_loop, [])
    query = solara.use_memo(lambda: parse_qs(router.search or ""), [])
    lang = solara.use_reactive(query.get("lang", ["en"])[0] if query.get("lang", ["en"])[0] in LANGUAGES else "en")
    return query, lang


def browser_id(fallback: str) -> str:
    """This browser's id (Solara's session cookie), which makes a rejoin from it the same student.

    Outside a server (``solara.render`` in tests) each page is its own browser: ``fallback``.
    """
    return solara.get_session_id() if kernel_context.has_current_context() else fallback


__all__ = ["STYLE", "LanguageToggle", "TopBar", "browser_id", "use_page_start", "use_room_updates"]
