"""The parameters a class can change in the app: one line each.

Each line is the model's dotted key (declared once, in ``model/scenario.py``,
with its type and range) and its label in English and Bahasa Indonesia. The
app builds the right control from the declaration (a switch for a yes/no, a
menu for a choice, a slider for a bounded fraction, a typed field for the
rest), so a key the model renames or adds needs only its line here. Keys
under ``network.`` build a new network; every other key restarts the run on
the same network.
"""

from __future__ import annotations

CONTROLS: dict[str, tuple[str, str]] = {
    "slacktivism.licensing": ("Moral licensing ('I did my part')", "Merasa sudah berbuat (\"aku sudah ikut bantu\")"),
    "slacktivism.consistency": ("Consistency (a like as a first step)", "Konsistensi (like sebagai langkah pertama)"),
    "campaign.framing": ("The message: 0 = easy to like, 1 = a call to act",
                         "Pesan: 0 = mudah di-like, 1 = ajakan beraksi"),
    "campaign.bundle": ("Actors also share it ('I did it, now you')",
                        "Yang beraksi ikut membagikan (\"aku sudah, sekarang kamu\")"),
    "platform.feed": ("Feed order", "Urutan feed"),
    "platform.like_counts_visible": ("Like counts visible", "Jumlah like terlihat"),
    "seeding.strategy": ("Who starts the campaign", "Siapa yang memulai kampanye"),
    "decision.cost_act": ("Cost of acting", "Biaya untuk beraksi"),
    "misalignment.share": ("Sharers who change the message", "Penyebar yang mengubah pesan"),
    "network.n_users": ("Number of users", "Jumlah pengguna"),
}


def needs_new_network(key: str) -> bool:
    """Whether changing ``key`` builds a new network (otherwise the run restarts on the same one)."""
    return key.startswith("network.")
