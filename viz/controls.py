"""The parameters a class can change in the app: one line each.

Each line is the model's dotted key (declared once, in ``model/scenario.py``,
with its type and range) and its label in English and Bahasa Indonesia. The
app builds the right control from the declaration (a switch for a yes/no, a
menu for a choice, a slider for a bounded fraction, a typed field for the
rest), so a key the model renames or adds needs only its line here. Keys
under ``network.`` build a new network; every other key restarts the run on
the same network.

A few keys are odds ratios or a 0-1 mix that a class cannot read: moral
licensing is strongest at its *smallest* value (0.05) and absent at 1, so a
slider on the raw number runs backwards. Those keys are shown as :data:`LEVELS`,
five positions read left to right as a student expects ("none … very
strong"), each mapped onto the number the model takes underneath; the words
for each level are in ``viz/i18n.py``.

Which control a key gets, its range, its step and the value World B takes by
default are read from the declaration here too (:func:`kind`, :func:`bounds`,
:func:`contrast`), as are the scenarios a class can pick.
"""

from __future__ import annotations

import math
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from model import load_scenario
from model.scenario import CONSISTENCY_OR, LICENSING_OR, Scenario, field_info

#: The shipped scenarios (package data of ``scenarios``, so an installed wheel has them too).
SCENARIOS = Path(str(resources.files("scenarios")))
#: The campaign the app opens on: the baseline's cause with 50 organisers, where a control visibly moves actions
#: (scenarios/classroom.yaml gives the measured numbers; tests/test_app_default.py checks them).
DEFAULT_SCENARIO = "classroom"
#: Largest population the app builds (the view above ``viz.world.MAX_VIEW`` users is sampled).
APP_MAX_USERS = 200_000

CONTROLS: dict[str, tuple[str, str]] = {
    "campaign.framing": ("The message", "Pesan kampanye"),
    "slacktivism.licensing": ("Moral licensing ('I liked it, I did my part')",
                              "Merasa sudah berbuat (\"aku sudah like, sudah cukup\")"),
    "slacktivism.consistency": ("Consistency (a like as a first step)", "Konsistensi (like sebagai langkah pertama)"),
    "campaign.bundle": ("Actors also share it ('I did it, now you')",
                        "Yang beraksi ikut membagikan (\"aku sudah, sekarang kamu\")"),
    "platform.feed": ("Feed order", "Urutan feed"),
    "platform.like_counts_visible": ("Like counts", "Jumlah like"),
    "seeding.strategy": ("Who starts the campaign", "Siapa yang memulai kampanye"),
    "decision.cost_act": ("Effort of acting (0 = none, 10 = a lot)",
                          "Usaha untuk ikut aksi (0 = tidak ada, 10 = berat)"),
    "misalignment.share": ("Sharers who change the message", "Penyebar yang mengubah pesan"),
    "network.n_users": ("Number of users", "Jumlah pengguna"),
}

#: Keys shown as five levels, left to right in the direction a class expects, and the model's value at each.
#: Licensing's "medium" is the meta-analytic estimate (d = 0.31, Blanken, van de Ven & Zeelenberg 2015) and
#: consistency's is foot in the door (Dillard, Hunter & Burgoon 1984), both from ``model/scenario.py``;
#: the message runs from a pure appeal (0, easy to like) to a pure call to act (1), 0.5 being neither.
LEVELS: dict[str, tuple[float, ...]] = {
    "slacktivism.licensing": (1.0, 0.8, LICENSING_OR, 0.3, 0.1),
    "slacktivism.consistency": (1.0, 1.3, CONSISTENCY_OR, 3.0, 6.0),
    "campaign.framing": (0.0, 0.25, 0.5, 0.75, 1.0),
}


def level_of(key: str, value: float) -> int:
    """The level nearest to ``value`` (a link may hold a value between two levels)."""
    levels = LEVELS[key]
    return min(range(len(levels)), key=lambda k: (abs(levels[k] - float(value)), k))


def needs_new_network(key: str) -> bool:
    """Whether changing ``key`` builds a new network (otherwise the run restarts on the same one)."""
    return key.startswith("network.")


def scenario_names() -> list[str]:
    """The shipped scenarios, by file name: the guided lesson's order first, then the rest."""
    from viz.i18n import lessons  # viz.i18n reads CONTROLS from here: imported when first asked

    names = sorted(p.stem for p in SCENARIOS.glob("*.yaml"))
    order = [s["scenario"] for s in lessons()["lesson"]]
    return sorted(names, key=lambda n: (order.index(n) if n in order else len(order), n))


@cache
def shipped(name: str) -> Scenario:
    """A shipped scenario as it ships (frozen, so every session may share it)."""
    return load_scenario(SCENARIOS / f"{name}.yaml")


def bounds(key: str) -> tuple[float | None, float | None]:
    """The (ge, le) range the scenario declares for a numeric key."""
    low = high = None
    for meta in field_info(key).metadata:
        low = getattr(meta, "ge", None) if getattr(meta, "ge", None) is not None else low
        high = getattr(meta, "le", None) if getattr(meta, "le", None) is not None else high
    return low, high


def kind(key: str) -> str:
    """How a key is controlled: ``bool``, ``choice``, ``slider`` (a bounded number) or ``int``/``float`` fields."""
    annotation = field_info(key).annotation
    if annotation is bool:
        return "bool"
    if get_origin(annotation) is Literal:
        return "choice"
    if annotation is float:
        low, high = bounds(key)
        return "slider" if low is not None and high is not None and high > low else "float"
    return "int"


def slider_step(low: float, high: float) -> float:
    """A round step giving about 20 positions between the bounds (0.05 for 0-1, 1 for 1-20)."""
    raw = (high - low) / 20
    scale = 10 ** math.floor(math.log10(raw))
    return next(m * scale for m in (1, 2, 2.5, 5, 10) if m * scale >= raw * 0.99)


def value_of(scenario: Any, key: str) -> Any:
    """A dotted key's value in a scenario."""
    value = scenario
    for part in key.split("."):
        value = getattr(value, part)
    return value


def contrast(key: str, value: Any) -> Any:
    """A value for World B that differs from A's in a way a class can see.

    A control shown as levels goes to the far level a student names: the message "a call to act" from
    an appeal or a mix (likes fall by half within steps), licensing "strong" from none and "none" otherwise;
    otherwise the other end of a range, the other choice.
    """
    if key in LEVELS:
        levels = LEVELS[key]
        if key == "campaign.framing":
            return levels[-1] if level_of(key, value) < len(levels) - 1 else levels[0]
        return levels[-2] if level_of(key, value) == 0 else levels[0]
    annotation = field_info(key).annotation
    if annotation is bool:
        return not value
    if get_origin(annotation) is Literal:
        options = list(get_args(annotation))
        return options[(options.index(value) + 1) % len(options)]
    low, high = bounds(key)
    if annotation is float and low is not None and high is not None and high <= 1:
        return low if value > (low + high) / 2 else high
    return value / 2 if value > 1 else value * 2
