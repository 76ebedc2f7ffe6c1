"""The classroom app's words, in English and Bahasa Indonesia.

Keys of the parameters are the model's dotted keys; their labels here are
what a class reads.
"""

from __future__ import annotations

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

TEXT = {
    "en": {
        "title": "Slacktivism: likes are not actions",
        "language": "Language",
        "scenario": "Scenario",
        "things_to_try": "Things to try",
        "seed": "Seed",
        "speed": "Speed (steps per second)",
        "play": "Play",
        "pause": "Pause",
        "step": "Step",
        "reset": "Reset",
        "step_counter": "Step {step}",
        "finished": "the campaign has settled",
        "compare": "Compare two worlds (A and B)",
        "b_changes": "World B changes",
        "b_value": "to",
        "world_a": "World A",
        "world_b": "World B",
        "platform_shows": "The platform shows",
        "happened": "What actually happened",
        "reached": "reached",
        "likes": "likes",
        "shares": "shares",
        "actions": "actions",
        "goal": "goal",
        "goal_met": "goal met at step {step}",
        "goal_missed": "goal not met",
        "gap": "{gap} people liked or shared but never acted",
        "network": "Who did what",
        "sampled": "showing {shown} of {total} users",
        "legend": "grey: unaware · blue: aware · light orange: liked · orange: shared · green: acted · "
                  "purple ring: misaligned sharer. Hover a user to see why.",
        "vanity": "What the platform shows",
        "impact": "What the campaign achieved",
        "bad_value": "Not accepted: {problem}",
        "more": "{x:.1f}x more",
        "more_pct": "{p:.0f}% more",
        "fewer": "{p:.0f}% fewer",
        "as_many": "as many",
        "difference": "B reached {reach} people and got {acts} actions.",
        "same_worlds": "Turn on the comparison to run a second world beside the first.",
        "params": {
            "slacktivism.licensing": "Moral licensing",
            "slacktivism.consistency": "Consistency (stepping stone)",
            "platform.feed": "Feed",
            "platform.like_counts_visible": "Like counts visible",
            "seeding.strategy": "Who starts the campaign",
            "decision.cost_act": "Cost of acting",
            "misalignment.share": "Misaligned sharers",
            "network.n_users": "Number of users",
        },
    },
    "id": {
        "title": "Slacktivism: suka bukan aksi",
        "language": "Bahasa",
        "scenario": "Skenario",
        "things_to_try": "Hal yang bisa dicoba",
        "seed": "Benih acak",
        "speed": "Kecepatan (langkah per detik)",
        "play": "Putar",
        "pause": "Jeda",
        "step": "Langkah",
        "reset": "Ulang",
        "step_counter": "Langkah {step}",
        "finished": "kampanye sudah berhenti",
        "compare": "Bandingkan dua dunia (A dan B)",
        "b_changes": "Dunia B mengubah",
        "b_value": "menjadi",
        "world_a": "Dunia A",
        "world_b": "Dunia B",
        "platform_shows": "Yang ditampilkan platform",
        "happened": "Yang benar-benar terjadi",
        "reached": "terjangkau",
        "likes": "suka",
        "shares": "bagikan",
        "actions": "aksi",
        "goal": "target",
        "goal_met": "target tercapai di langkah {step}",
        "goal_missed": "target tidak tercapai",
        "gap": "{gap} orang menyukai atau membagikan tetapi tidak pernah beraksi",
        "network": "Siapa melakukan apa",
        "sampled": "menampilkan {shown} dari {total} pengguna",
        "legend": "abu-abu: belum tahu · biru: tahu · oranye muda: suka · oranye: bagikan · hijau: beraksi · "
                  "cincin ungu: pembagi yang menyimpang. Arahkan kursor ke pengguna untuk melihat alasannya.",
        "vanity": "Yang ditampilkan platform",
        "impact": "Yang dicapai kampanye",
        "bad_value": "Tidak diterima: {problem}",
        "more": "{x:.1f}x lebih banyak",
        "more_pct": "{p:.0f}% lebih banyak",
        "fewer": "{p:.0f}% lebih sedikit",
        "as_many": "sama banyak",
        "difference": "B menjangkau {reach} orang dan mendapat {acts} aksi.",
        "same_worlds": "Nyalakan perbandingan untuk menjalankan dunia kedua di samping yang pertama.",
        "params": {
            "slacktivism.licensing": "Lisensi moral",
            "slacktivism.consistency": "Konsistensi (batu loncatan)",
            "platform.feed": "Feed",
            "platform.like_counts_visible": "Jumlah suka terlihat",
            "seeding.strategy": "Siapa yang memulai kampanye",
            "decision.cost_act": "Biaya beraksi",
            "misalignment.share": "Pembagi yang menyimpang",
            "network.n_users": "Jumlah pengguna",
        },
    },
}


def t(lang: str, key: str, **values) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``."""
    text = TEXT[lang][key]
    return text.format(**values) if values else text


def ratio_words(lang: str, b: float, a: float) -> str:
    """"2.3x more", "4% more", "40% fewer" or "as many": B against A."""
    if a == b or (a > 0 and round(100 * abs(b - a) / a) == 0):
        return t(lang, "as_many")
    if a == 0:
        return t(lang, "more", x=float("inf"))
    if b >= 1.5 * a:
        return t(lang, "more", x=b / a)
    if b > a:
        return t(lang, "more_pct", p=100 * (b / a - 1))
    return t(lang, "fewer", p=100 * (1 - b / a))


def difference(lang: str, a: dict, b: dict) -> str:
    """The difference between two worlds, in words: "B reached 2.3x more people and got 40% fewer actions"."""
    return t(lang, "difference", reach=ratio_words(lang, b["aware"], a["aware"]),
             acts=ratio_words(lang, b["acted"], a["acted"]))
