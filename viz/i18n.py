"""The classroom app's words, in English and Bahasa Indonesia.

Interface texts are here; what the app says about each scenario (its name,
introduction, debrief and questions, and the guided lesson) is in
``viz/lessons.yaml``, and the terms both draw on are in ``viz/glossary.yaml``.
Keys of the parameters are the model's dotted keys; outcome keys are the
model's outcome names (``model.metrics.OUTCOMES``). Numbers are written per
language: "5,000" and "1.5" in English, "5.000" and "1,5" in Indonesian.

It is longer than the house's 400 lines because it is a table: every text in
two languages side by side, which reads best whole.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

import yaml

from model.metrics import BY_NAME, FUNNEL
from viz.class_text import CLASS_TEXT
from viz.controls import CONTROLS

LANGUAGES = {"en": "English", "id": "Bahasa Indonesia"}

TEXT = {
    "en": {
        "title": "Slacktivism: likes are not actions",
        "language": "Language",
        "scenario": "Scenario",
        "seed": "Random seed",
        "speed": "Speed (steps per second)",
        "play": "Play",
        "pause": "Pause",
        "step": "Step",
        "reset": "Reset",
        "controls": "Controls",
        "close": "Close",
        "present": "Presentation mode",
        "step_counter": "Step {step}",
        "finished": "the campaign has settled",
        "compare": "Compare two worlds (A and B)",
        "b_changes": "What is different in World B",
        "world_a": "World A",
        "world_b": "World B",
        "platform_shows": "The platform shows",
        "happened": "What actually happened",
        "goal": "goal",
        "goal_met": "goal met at step {step}",
        "goal_missed": "goal not met",
        "gap": "{gap} liked or shared but never acted",
        "per_100": "For every 100 likes, {n} actions by people the campaign reached.",
        "per_100_none": "No likes yet.",
        "organisers": "At step 0 the {n} organisers who start the campaign have already acted: they are the first "
                      "{n} actions.",
        "organisers_none": "No one has acted yet: the campaign starts from its first mover.",
        "restarted": "Restarted from step 0 with the same seed and network: {what}.",
        "rebuilt": "New network built ({n} users, same seed): {what}.",
        "network": "Who did what",
        "sampled": "showing {shown} of {total} users",
        "legend": "grey: not reached · blue: reached · light orange: liked · orange: shared · green: acted · "
                  "purple ring: sharer who changes the message.",
        "pin_hint": "Tap or click a user to see why it did what it did.",
        "chart_title": "Likes, shares and actions, on one scale",
        "step_axis": "step",
        "people_axis": "people",
        "people_axis_log": "people (log scale: ×10 per line)",
        "log_scale": "Log scale",
        "funnel_title": "The funnel, on one scale",
        "bad_value": "Not accepted: {problem}",
        "whole_number": "type a whole number",
        "a_number": "type a number",
        "min_value": "at least {low}",
        "max_value": "at most {high}",
        "max_users": "at most {high} users in the app",
        "more": "{x}x more",
        "more_pct": "{p}% more",
        "fewer": "{p}% fewer",
        "as_many": "as many",
        "difference": "{changed} B reached {reach} people and got {acts} actions.",
        "replicates_running": "Checking with {n} runs of each world…",
        "replicates_result": "Over {n} runs of each world, B got {pct} actions (95% interval {low} to {high}).",
        "replicates_none": "Over {n} runs of each world, no clear difference in actions (95% interval {low} to "
                           "{high}).",
        "debrief": "What happened",
        "questions": "Talk about it",
        "lesson": "Guided lesson",
        "lesson_step": "Lesson {k} of {n}",
        "previous": "Previous",
        "next": "Next",
        "export_png": "Save charts (PNG)",
        "export_csv": "Save run (CSV)",
        "yes": "yes",
        "no": "no",
        "user": "user {user}",
        "user_flags_in_group": "in the group",
        "user_flags_misaligned": "changes the message when sharing",
        "user_attributes": "concern {concern} · wants to be seen {status} · {followers} followers",
        "why_seed": "an organiser: started the campaign at step 0",
        "why_acted": "acted at step {step}: {proof}, needed {threshold}",
        "why_unaware": "the campaign never reached this user's feed",
        "why_waiting": "{proof}, needs {threshold}",
        "why_token": "gave token support ({state}) but did not act",
        "why_misled": "saw only a changed message",
        "proof_count": "{n} people they follow acted",
        "proof_fraction": "{n} of the people they follow acted",
        "states": {"unaware": "not reached", "aware": "reached", "liked": "liked", "shared": "shared",
                   "acted": "acted"},
        "outcomes": {"aware": "reached", "liked": "likes", "shared": "shares", "acted": "actions",
                     "engaged": "engaged"},
        "case": "A real campaign",
        "case_none": "none (the scenario above)",
        "case_points": "Observed, at the step each date falls on (the bar is how far the run may be and still "
                       "match; one step is {hours} hours):",
        "case_beside": "Observed, next to this run:",
        "case_observed": "observed {value} (match: {low} to {high})",
        "case_run": "this run: {value}",
        "case_not_yet": "this run: not yet",
        "one_in": "1 in {n}",
        "options": {
            "chronological": "newest first", "engagement": "most popular first",
            "random": "random users", "hubs": "influencers (most followed)", "periphery": "the least followed",
            "explicit": "chosen users", "none": "no one",
            "true": "yes", "false": "no",
        },
    },
    "id": {
        "title": "Slacktivisme: like belum tentu aksi",
        "language": "Bahasa",
        "scenario": "Skenario",
        "seed": "Angka acak (seed)",
        "speed": "Kecepatan (langkah per detik)",
        "play": "Jalankan",
        "pause": "Jeda",
        "step": "Langkah",
        "reset": "Mulai ulang",
        "controls": "Pengaturan",
        "close": "Tutup",
        "present": "Mode presentasi",
        "step_counter": "Langkah {step}",
        "finished": "kampanye sudah tidak bergerak lagi",
        "compare": "Bandingkan dua dunia (A dan B)",
        "b_changes": "Yang berbeda di Dunia B",
        "world_a": "Dunia A",
        "world_b": "Dunia B",
        "platform_shows": "Yang ditampilkan platform",
        "happened": "Yang benar-benar terjadi",
        "goal": "target",
        "goal_met": "target tercapai di langkah {step}",
        "goal_missed": "target belum tercapai",
        "gap": "{gap} like/share tanpa aksi",
        "per_100": "Dari setiap 100 like, ada {n} aksi oleh orang yang dijangkau kampanye.",
        "per_100_none": "Belum ada like.",
        "organisers": "Di langkah 0, {n} penggerak yang memulai kampanye sudah beraksi: merekalah "
                      "pelaku {n} aksi pertama.",
        "organisers_none": "Belum ada yang beraksi: kampanye dimulai dari orang pertama yang bergerak.",
        "restarted": "Dimulai ulang dari langkah 0 dengan seed dan jaringan yang sama: {what}.",
        "rebuilt": "Jaringan baru dibuat ({n} pengguna, seed yang sama): {what}.",
        "network": "Siapa melakukan apa",
        "sampled": "menampilkan {shown} dari {total} pengguna",
        "legend": "abu-abu: belum terjangkau · biru: terjangkau · oranye muda: memberi like · oranye: membagikan · "
                  "hijau: beraksi · cincin ungu: penyebar yang mengubah pesan.",
        "pin_hint": "Ketuk atau klik seorang pengguna untuk melihat alasannya.",
        "chart_title": "Like, share, dan aksi dalam satu skala",
        "step_axis": "langkah",
        "people_axis": "orang",
        "people_axis_log": "orang (skala log: ×10 per garis)",
        "log_scale": "Skala log",
        "funnel_title": "Corong partisipasi, dalam satu skala",
        "bad_value": "Tidak diterima: {problem}",
        "whole_number": "ketik bilangan bulat",
        "a_number": "ketik sebuah angka",
        "min_value": "paling sedikit {low}",
        "max_value": "paling banyak {high}",
        "max_users": "paling banyak {high} pengguna di aplikasi ini",
        "more": "{x} kali lebih banyak",
        "more_pct": "{p}% lebih banyak",
        "fewer": "{p}% lebih sedikit",
        "as_many": "sama banyak",
        "difference": "{changed} B menjangkau {reach} orang dan mendapat {acts} aksi.",
        "replicates_running": "Memeriksa dengan {n} kali simulasi untuk tiap dunia…",
        "replicates_result": "Dari {n} kali simulasi untuk tiap dunia, B mendapat {pct} aksi (rentang keyakinan 95%: "
                             "{low} sampai {high}).",
        "replicates_none": "Dari {n} kali simulasi untuk tiap dunia, tidak ada perbedaan aksi yang jelas (rentang "
                           "keyakinan 95%: {low} sampai {high}).",
        "debrief": "Apa yang terjadi",
        "questions": "Bahan diskusi",
        "lesson": "Pelajaran terpandu",
        "lesson_step": "Pelajaran {k} dari {n}",
        "previous": "Sebelumnya",
        "next": "Berikutnya",
        "export_png": "Simpan grafik (PNG)",
        "export_csv": "Simpan hasil (CSV)",
        "yes": "ya",
        "no": "tidak",
        "user": "pengguna {user}",
        "user_flags_in_group": "anggota kelompok",
        "user_flags_misaligned": "mengubah pesan saat membagikan",
        "user_attributes": "kepedulian {concern} · ingin dilihat {status} · {followers} pengikut",
        "why_seed": "penggerak: memulai kampanye di langkah 0",
        "why_acted": "beraksi di langkah {step}: {proof}, butuh {threshold}",
        "why_unaware": "kampanye tidak pernah sampai ke feed pengguna ini",
        "why_waiting": "{proof}, butuh {threshold}",
        "why_token": "memberi dukungan sebatas {state} tetapi tidak beraksi",
        "why_misled": "hanya menerima pesan yang sudah diubah",
        "proof_count": "{n} orang yang diikutinya sudah beraksi",
        "proof_fraction": "{n} dari orang yang diikutinya sudah beraksi",
        "states": {"unaware": "belum terjangkau", "aware": "terjangkau", "liked": "memberi like",
                   "shared": "membagikan", "acted": "beraksi"},
        "outcomes": {"aware": "terjangkau", "liked": "like", "shared": "dibagikan", "acted": "aksi",
                     "engaged": "terlibat"},
        "case": "Kampanye nyata",
        "case_none": "tidak ada (skenario di atas)",
        "case_points": "Data nyata, di langkah tempat tiap tanggal jatuh (garis tegak adalah rentang yang masih "
                       "dianggap cocok; satu langkah = {hours} jam):",
        "case_beside": "Data nyata, di samping simulasi ini:",
        "case_observed": "data nyata {value} (cocok: {low} sampai {high})",
        "case_run": "simulasi ini: {value}",
        "case_not_yet": "simulasi ini: belum ada",
        "one_in": "1 dari {n}",
        "options": {
            "chronological": "terbaru dulu", "engagement": "paling ramai dulu",
            "random": "pengguna acak", "hubs": "influencer (pengikut terbanyak)",
            "periphery": "pengikut paling sedikit",
            "explicit": "pengguna pilihan", "none": "tidak ada",
            "true": "ya", "false": "tidak",
        },
    },
}

# ---- The app's plain words (controls in plain words, organisers apart, errors and plurals) -------------------------
APP_TEXT = {
    "en": {
        # Five levels per control of viz.controls.LEVELS, left to right.
        "levels": {
            "slacktivism.licensing": ("none", "weak", "medium (as measured)", "strong", "very strong"),
            "slacktivism.consistency": ("none", "weak", "medium (as measured)", "strong", "very strong"),
            "campaign.framing": ("easy to like", "mostly easy to like", "half and half", "mostly a call to act",
                                 "a call to act"),
        },
        # Yes/no controls, in the words a student would use ("with like counts hidden").
        "switch_words": {"platform.like_counts_visible": ("hidden", "shown"),
                         "campaign.bundle": ("no", "yes")},
        # What a sentence calls each control ("With the message ... instead of ...").
        "said": {"slacktivism.licensing": "moral licensing", "slacktivism.consistency": "consistency",
                 "campaign.framing": "the message", "campaign.bundle": "actors sharing",
                 "platform.feed": "the feed", "platform.like_counts_visible": "like counts",
                 "seeding.strategy": "the campaign started by", "decision.cost_act": "the effort of acting",
                 "misalignment.share": "sharers who change the message", "network.n_users": "users"},
        "changed": "With {label} {b} instead of {a},",
        "acted_split": "{organisers} by the organisers, {participants} by people they reached",
        "difference_start": "{changed} press Play to see what B does differently.",
        # Counts through plural(): KEY_one for exactly one, KEY otherwise; {count} is the number as written.
        "acts_one": "{count} action", "acts": "{count} actions",
        "people_one": "{count} person", "people": "{count} people",
        "likes_one": "{count} like", "likes": "{count} likes",
        "too_few_users": "Too few users: each user is linked to about {degree} others, so there must be more "
                         "than {need} users.",
        "refused": "This value does not fit the rest of the scenario: try one closer to the one before.",
        "lesson_predict": "Predict first, then press Play.",
        "lesson_reveal": "Show the answer",
        "lesson_answer": "What happened",
        "world_b_is": "World B: {what}",
        "low_end": {"slacktivism.licensing": "none", "slacktivism.consistency": "none",
                    "campaign.framing": "easy to like"},
        "high_end": {"slacktivism.licensing": "very strong", "slacktivism.consistency": "very strong",
                     "campaign.framing": "a call to act"},
    },
    "id": {
        "levels": {
            "slacktivism.licensing": ("tidak ada", "lemah", "sedang (sesuai penelitian)", "kuat", "sangat kuat"),
            "slacktivism.consistency": ("tidak ada", "lemah", "sedang (sesuai penelitian)", "kuat", "sangat kuat"),
            "campaign.framing": ("mudah di-like", "cenderung mudah di-like", "setengah-setengah",
                                 "cenderung ajakan beraksi", "ajakan beraksi"),
        },
        "switch_words": {"platform.like_counts_visible": ("disembunyikan", "ditampilkan"),
                         "campaign.bundle": ("tidak", "ya")},
        "said": {"slacktivism.licensing": "rasa sudah berbuat", "slacktivism.consistency": "konsistensi",
                 "campaign.framing": "pesan kampanye", "campaign.bundle": "yang beraksi ikut membagikan",
                 "platform.feed": "urutan feed", "platform.like_counts_visible": "jumlah like",
                 "seeding.strategy": "kampanye dimulai oleh", "decision.cost_act": "usaha untuk ikut aksi",
                 "misalignment.share": "penyebar yang mengubah pesan", "network.n_users": "jumlah pengguna"},
        "changed": "Dengan {label} {b} (bukan {a}),",
        "acted_split": "{organisers} oleh para penggerak, {participants} oleh orang yang mereka jangkau",
        "difference_start": "{changed} tekan Jalankan untuk melihat apa yang berbeda di B.",
        # Indonesian nouns do not change with the number: the same form for one (kept so both languages have every key).
        "acts_one": "{count} aksi", "acts": "{count} aksi",
        "people_one": "{count} orang", "people": "{count} orang",
        "likes_one": "{count} like", "likes": "{count} like",
        "too_few_users": "Penggunanya terlalu sedikit: tiap pengguna terhubung dengan sekitar {degree} orang, jadi "
                         "jumlah pengguna harus lebih dari {need}.",
        "refused": "Nilai ini tidak cocok dengan pengaturan lain di skenario ini: coba nilai yang lebih dekat "
                   "dengan nilai sebelumnya.",
        "lesson_predict": "Tebak dulu, lalu tekan Jalankan.",
        "lesson_reveal": "Tunjukkan jawabannya",
        "lesson_answer": "Apa yang terjadi",
        "world_b_is": "Dunia B: {what}",
        "low_end": {"slacktivism.licensing": "tidak ada", "slacktivism.consistency": "tidak ada",
                    "campaign.framing": "mudah di-like"},
        "high_end": {"slacktivism.licensing": "sangat kuat", "slacktivism.consistency": "sangat kuat",
                     "campaign.framing": "ajakan beraksi"},
    },
}
for _lang, _texts in APP_TEXT.items():
    TEXT[_lang].update(_texts)


def value_words(lang: str, key: str, value) -> str:
    """A control's value as a class reads it: a level's words, "hidden"/"shown", or :func:`option`."""
    from viz.controls import LEVELS, level_of

    if key in LEVELS:
        return TEXT[lang]["levels"][key][level_of(key, value)]
    if isinstance(value, bool) and key in TEXT[lang]["switch_words"]:
        return TEXT[lang]["switch_words"][key][int(value)]
    return option(lang, value)


def acted_split(lang: str, acted: int, organisers: int) -> str:
    """"20 by the organisers, 2 by people they reached": a headline's actions, organisers apart."""
    return t(lang, "acted_split", organisers=number(lang, organisers), participants=number(lang, acted - organisers))


def browser_language(accept_language: str | None, default: str = "en") -> str:
    """The first of the browser's languages (its ``Accept-Language`` header) that the app speaks.

    "id-ID,id;q=0.9,en;q=0.8" gives "id": a phone set to Indonesian opens the app in Indonesian, while a
    link's ``lang=`` still wins (the page reads the link first).
    """
    ranked = []
    for k, part in enumerate((accept_language or "").split(",")):
        tag, _, q = part.strip().partition(";q=")
        try:
            weight = float(q) if q else 1.0
        except ValueError:
            weight = 0.0
        ranked.append((-weight, k, tag.split("-")[0].strip().lower()))
    return next((code for _, _, code in sorted(ranked) if code in LANGUAGES), default)


for _lang, _texts in CLASS_TEXT.items():  # class mode's words (viz/class_text.py)
    TEXT[_lang].update(_texts)


def t(lang: str, key: str, **values) -> str:
    """The text for ``key`` in ``lang``, formatted with ``values``."""
    text = TEXT[lang][key]
    return text.format(**values) if values else text


def plural(lang: str, key: str, n: int, **values) -> str:
    """The text for ``key`` with ``n`` things: ``key + "_one"`` where the language writes one apart ("1 phone has")."""
    one = f"{key}_one"
    return t(lang, one if n == 1 and one in TEXT[lang] else key, n=n, **values)


def number(lang: str, value, digits: int = 0) -> str:
    """A number as the language writes it: ``5,000``/``1.5`` in English, ``5.000``/``1,5`` in Indonesian."""
    text = f"{value:,.{digits}f}"
    if lang == "id":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text


def outcome(lang: str, name: str) -> str:
    """An outcome's label (``model.metrics`` names it; the model's English label is the fallback)."""
    return TEXT[lang]["outcomes"].get(name, BY_NAME[name].label)


def funnel(lang: str) -> list[tuple[str, str]]:
    """``(outcome name, label)`` down the model's funnel."""
    return [(name, outcome(lang, name)) for name in FUNNEL]


def param(lang: str, key: str) -> str:
    """A parameter's label (its dotted key when no label is written yet)."""
    labels = CONTROLS.get(key)
    return labels[list(LANGUAGES).index(lang)] if labels else key


def option(lang: str, value) -> str:
    """A choice's words (``engagement``: "most popular first"); numbers are written per language."""
    if isinstance(value, bool):
        return TEXT[lang]["options"]["true" if value else "false"]
    if isinstance(value, int):
        return number(lang, value)
    if isinstance(value, float):
        return number(lang, value, 2).rstrip("0").rstrip(",.") if value != int(value) else number(lang, value)
    return TEXT[lang]["options"].get(str(value), str(value))


def ratio_words(lang: str, b: float, a: float) -> str:
    """"2.3x more", "4% more", "40% fewer" or "as many": B against A."""
    if a == b or (a > 0 and round(100 * abs(b - a) / a) == 0):
        return t(lang, "as_many")
    if a == 0:
        return t(lang, "more", x="∞")
    if b >= 1.5 * a:
        return t(lang, "more", x=number(lang, b / a, 1))
    if b > a:
        return t(lang, "more_pct", p=number(lang, 100 * (b / a - 1)))
    return t(lang, "fewer", p=number(lang, 100 * (1 - b / a)))


def changed(lang: str, key: str, a, b) -> str:
    """What World B changed, as a student would say it: "With moral licensing strong instead of none,"."""
    label = TEXT[lang]["said"].get(key) or param(lang, key)[0].lower() + param(lang, key)[1:]
    return t(lang, "changed", label=label, a=value_words(lang, key, a), b=value_words(lang, key, b))


def difference(lang: str, a: dict, b: dict, change: tuple | None = None) -> str:
    """The difference between two worlds, in words: "B reached 2.3x more people and got 40% fewer actions"."""
    words = changed(lang, *change) if change else ""
    return t(lang, "difference", changed=words, reach=ratio_words(lang, b["aware"], a["aware"]),
             acts=ratio_words(lang, b["acted"], a["acted"])).strip()


def per_100_likes(lang: str, liked: int, acted: int) -> str:
    """"For every 100 likes, 5 actions by people the campaign reached." (one decimal below 10; participants only)."""
    if not liked:
        return t(lang, "per_100_none")
    n = 100 * acted / liked
    return t(lang, "per_100", n=number(lang, n, 1 if n < 10 and n != int(n) else 0))


def signed_percent(lang: str, value: float) -> str:
    """"+5%" or "−12%" (a real minus sign), written per language."""
    sign = "+" if value > 0 else "−" if value < 0 else ""
    return f"{sign}{number(lang, abs(value))}%"


def explain(lang: str, r: dict, kind: str) -> str:
    """Why a user is where it is (the rule of :func:`model.agents.explain`), from its record, in ``lang``."""
    if kind == "fraction":
        share = r["followees_acted"] / r["followees"] if r["followees"] else 0.0
        proof = t(lang, "proof_fraction", n=number(lang, share, 2))
        threshold = number(lang, r["threshold"], 2)
    else:
        proof = t(lang, "proof_count", n=number(lang, r["followees_acted"]))
        threshold = number(lang, r["threshold"], 2)
    if r["step_acted"] == 0:
        return t(lang, "why_seed")
    if r["state"] == "acted":
        return t(lang, "why_acted", step=r["step_acted"], proof=proof, threshold=threshold)
    if r["state"] == "unaware":
        return t(lang, "why_unaware")
    parts = [t(lang, "why_waiting", proof=proof, threshold=threshold)]
    if r["state"] in ("liked", "shared"):
        parts.append(t(lang, "why_token", state=TEXT[lang]["states"][r["state"]]))
    if r["misled"]:
        parts.append(t(lang, "why_misled"))
    return "; ".join(parts)


def describe(lang: str, r: dict, kind: str) -> tuple[str, str, str]:
    """A pinned user's explanation: (who and state, why, attributes)."""
    flags = [t(lang, "user_flags_in_group")] if r["in_group"] else []
    flags += [t(lang, "user_flags_misaligned")] if r["misaligned"] else []
    head = " · ".join([f"{t(lang, 'user', user=r['user'])}: {TEXT[lang]['states'][r['state']]}", *flags])
    attributes = t(lang, "user_attributes", concern=number(lang, r["concern"], 2),
                   status=number(lang, r["status_motive"], 2), followers=number(lang, r["followers"]))
    return head, explain(lang, r, kind), attributes


@cache
def lessons() -> dict:
    """``viz/lessons.yaml``: per-scenario names, introductions, debriefs and questions, and the guided lesson."""
    return yaml.safe_load(resources.files("viz").joinpath("lessons.yaml").read_text(encoding="utf-8"))


@cache
def glossary() -> dict:
    """``viz/glossary.yaml``: the app's terms in both languages, with renderings to avoid."""
    return yaml.safe_load(resources.files("viz").joinpath("glossary.yaml").read_text(encoding="utf-8"))


def scenario_text(name: str, part: str, lang: str):
    """A scenario's ``name``, ``intro``, ``summary`` or ``questions`` in ``lang`` (None if not written)."""
    entry = lessons()["scenarios"].get(name, {})
    return entry.get(part, {}).get(lang)


def case_text(name: str, part: str, lang: str, n_users: int = 1) -> str:
    """A real campaign's ``name`` or ``intro`` in ``lang`` (``viz/lessons.yaml``; ``{per_user}``: people per user)."""
    words = lessons()["cases"][name]
    return words[part][lang].replace("{per_user}", number(lang, words.get("represents", 0) / n_users))


def case_statistic(name: str, statistic: str, lang: str, short: bool = False) -> str:
    """An observed figure of a case in plain words, with its source and date (``short``: the date alone)."""
    words = lessons()["cases"][name]["statistics"][statistic]
    return words["short"][lang] if short else words[lang]


def scenario_label(name: str, lang: str) -> str:
    """What the scenario menu shows: the written name, else the file name."""
    return scenario_text(name, "name", lang) or name.replace("_", " ")
