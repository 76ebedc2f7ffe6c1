"""The app's address: what a link holds, so that a reload or a shared link restores the run.

The query names the scenario (and ``case=NAME`` for a real campaign of ``scenarios/cases/``), the
language, the seed, each changed key as ``set=KEY=VALUE`` (the model's dotted names, as
``slacktivism run --set`` takes them) and World B's one change as ``b=KEY=VALUE``. A link is typed
or pasted by people, so :func:`parse_url` drops what it cannot use (an unknown scenario or case, a
key the app does not offer, a value that is not one) rather than failing: the app then opens on what
was good in it.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode

from model import ScenarioError
from model.scenario_files import parse_override
from viz.case_view import case_names
from viz.controls import CONTROLS, scenario_names
from viz.i18n import LANGUAGES


def parse_url(search: str | None) -> dict[str, Any]:
    """What a URL's query holds: scenario, case, lang, seed, set (KEY=VALUE, repeated), b (KEY=VALUE); bad parts out."""
    query = parse_qs(search or "")
    state: dict[str, Any] = {}
    if query.get("case", [""])[0] in case_names():
        state["case"] = query["case"][0]
    name = query.get("scenario", [""])[0]
    if name in scenario_names():
        state["name"] = name
    if query.get("lang", [""])[0] in LANGUAGES:
        state["lang"] = query["lang"][0]
    if query.get("seed", [""])[0].isdigit():
        state["seed"] = int(query["seed"][0])
    overrides = {}
    for item in query.get("set", []):
        try:
            key, value = parse_override(item)
        except ScenarioError:
            continue
        if key in CONTROLS:
            overrides[key] = value
    if overrides:
        state["overrides"] = overrides
    if query.get("b"):
        try:
            key, value = parse_override(query["b"][0])
            if key in CONTROLS:
                state["b"] = (key, value)
        except ScenarioError:
            pass
    return state


def url_query(name: str, lang: str, seed: int, overrides: dict[str, Any], b: tuple[str, Any] | None,
              case: str = "") -> str:
    """The query that :func:`parse_url` reads back."""
    def show(value: Any) -> str:
        return str(value).lower() if isinstance(value, bool) else str(value)

    items = [("scenario", name)] + ([("case", case)] if case else []) + [("lang", lang), ("seed", str(seed))]
    items += [("set", f"{k}={show(x)}") for k, x in overrides.items()]
    if b:
        items.append(("b", f"{b[0]}={show(b[1])}"))
    return urlencode(items)
