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
"""

from __future__ import annotations

from model.scenario import CONSISTENCY_OR, LICENSING_OR

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
