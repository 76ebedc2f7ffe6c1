"""A prediction before the reveal: the class guesses the crowd's action rate, then sees it.

Before the teacher starts the campaign, each phone asks "Of every 100 simulated
users the campaign reaches, how many will take action?" with five answers; the
answer is the run's own outcome (the simulated users' action rate among those
reached, as the debrief's funnel counts it). Without phones the teacher types a
show of hands for each answer instead. The debrief draws the guesses as a bar
per answer, with the run's answer marked, beside the outcome: committing to a
guess before seeing the result is what makes the result stick (peer
instruction, Crouch & Mazur 2001).

The room keeps the guesses (``viz/room_predictions.py``); this module asks for
them and draws them.
"""

from __future__ import annotations

import html

import solara

from viz.class_roster import refusal
from viz.i18n import number, plural, t
from viz.room_predictions import BINS, MAX_HANDS, bin_of
from viz.room_records import RoomError


def bin_label(lang: str, k: int) -> str:
    """An answer as a student reads it ("2–5", "more than 50")."""
    low, high = BINS[k]
    return t(lang, "class_predict_more", n=BINS[k - 1][1]) if high == 100 else f"{low}–{high}"


def prediction_html(lang: str, room, actual_percent: float | None) -> str:
    """The guesses as one bar per answer, the run's answer marked (or "" when nobody guessed).

    ``actual_percent``: the simulated users' action rate among those reached, or None before the end.
    """
    counts = room.prediction_counts()
    total = sum(counts)
    if not total:
        return ""
    right = bin_of(actual_percent) if actual_percent is not None else -1
    top = max(counts)
    rows = []
    for k, c in enumerate(counts):
        mark = f' <b class="pred-answer">◀ {t(lang, "class_predict_answer")}</b>' if k == right else ""
        rows.append(f'<div class="pred-row{" pred-right" if k == right else ""}" data-answer="{k}" '
                    f'data-count="{c}"><span class="pred-label">{bin_label(lang, k)}</span>'
                    f'<span class="pred-track"><span class="pred-bar" style="width:{100 * c / top:.1f}%"></span>'
                    f'</span><span class="pred-count">{number(lang, c)}{mark}</span></div>')
    title = html.escape(t(lang, "class_predict_title"))
    said = html.escape(plural(lang, "class_predict_total", total))
    return f'<div class="pred-title">{title}</div>{"".join(rows)}<div class="pred-total">{said}</div>'


@solara.component
def PredictOnPhone(room, token: str, L: str, error, version: int):  # noqa: N803
    """The phone before Start: the question and its five answers (the chosen one marked).

    ``version``: the room's, so that the page re-renders this when the room changes.
    """
    student = room.student(token)
    mine = room.predictions.get(student.pseudonym)

    def guess(k: int):
        try:
            room.predict(token, k)
            error.set("")
        except RoomError as e:
            error.set(refusal(L, e))

    with solara.Column(classes=["phone-predict"], gap="6px"):
        solara.Text(t(L, "class_predict_question", n=number(L, 100)), classes=["predict-question"])
        with solara.Row(classes=["predict-answers"], gap="6px"):
            for k in range(len(BINS)):
                solara.Button(bin_label(L, k), on_click=lambda k=k: guess(k),
                              color="primary" if mine == k else None, outlined=mine != k,
                              classes=["predict-answer", f"predict-{k}"] + (["predict-mine"] if mine == k else []))
        if mine is not None:
            solara.Text(t(L, "class_predict_thanks", a=bin_label(L, mine)), classes=["predict-thanks"])


@solara.component
def HandsEntry(room, L: str, act, version: int):  # noqa: N803
    """The projector before Start: the question, and the teacher's count of raised hands for each answer.

    ``version``: the room's, so that the page re-renders this when a phone guesses.
    """
    typed = solara.use_reactive([str(c) for c in room.hands] if room.hands else [""] * len(BINS))
    problem = solara.use_reactive("")

    def save():
        try:
            counts = [int(x or 0) for x in typed.value]
        except ValueError:
            problem.set(t(L, "class_err_hands_bad", n=MAX_HANDS))
            return
        problem.set("")
        act(lambda: room.raise_hands(counts))()

    def setter(k: int):
        return lambda value: typed.set([value if j == k else x for j, x in enumerate(typed.value)])

    with solara.Column(classes=["class-predict"], gap="4px"):
        solara.Text(t(L, "class_predict_question", n=number(L, 100)), classes=["predict-question"])
        solara.Text(t(L, "class_hands_hint"), classes=["predict-hint"])
        with solara.Row(classes=["hands-row"], gap="8px"):
            for k in range(len(BINS)):
                solara.InputText(t(L, "class_hands_for", a=bin_label(L, k)), value=typed.value[k],
                                 on_value=setter(k), classes=["hands-input", f"hands-{k}"])
            solara.Button(t(L, "class_hands_save"), on_click=save, classes=["hands-save"])
        if problem.value:
            solara.Text(problem.value, classes=["class-problem"])
        counts = room.prediction_counts()
        if sum(counts):
            solara.Text(plural(L, "class_predict_total", sum(counts)), classes=["predict-so-far"])


__all__ = ["HandsEntry", "PredictOnPhone", "bin_label", "prediction_html"]
