"""A room's predictions before the reveal: each student's guess, and the teacher's show of hands.

Before Start, the class guesses how many of every 100 simulated users the
campaign reaches will take action (one of :data:`BINS`); the answer is the run's
own outcome. :class:`Predictions` is a mixin of :class:`viz.rooms.Room`: each
guess and each show of hands is one of the room's journaled events
(``Room._event``), so a replayed journal has the same guesses. The pages that
ask and show them are in ``viz/class_predictions.py``.
"""

from __future__ import annotations

from viz.room_records import RoomError

#: The answers: how many of every 100 reached simulated users take action (inclusive bounds).
BINS = ((0, 1), (2, 5), (6, 20), (21, 50), (51, 100))
#: Hands raised for one answer, at most (a class is at most a few dozen).
MAX_HANDS = 200


def bin_of(percent: float) -> int:
    """The answer a percentage falls in (rounded to a whole number of people per 100, as a student would)."""
    whole = round(percent)
    return next(k for k, (low, high) in enumerate(BINS) if low <= whole <= high)


class Predictions:
    """The class's guesses before the campaign (mixed into :class:`viz.rooms.Room`)."""

    def predict(self, token: str, answer: int) -> None:
        """A student's guess (one of :data:`BINS`), before Start; a new guess replaces the old."""
        with self.lock:
            s = self.student(token)
            if self.phase != "lobby":
                raise RoomError("predict_closed")
            if not (isinstance(answer, int) and 0 <= answer < len(BINS)):
                raise RoomError("predict_bad")
            self._event("predict", pseudonym=s.pseudonym, answer=answer)
        self._notify("choice", s.token)

    def raise_hands(self, counts: list[int]) -> None:
        """The teacher's show of hands: how many raised a hand for each answer (replaces the last count)."""
        with self.lock:
            if len(counts) != len(BINS) or any(not 0 <= int(c) <= MAX_HANDS for c in counts):
                raise RoomError("hands_bad", n=MAX_HANDS)
            self._event("hands", counts=[int(c) for c in counts])
        self._notify("seats")

    def _apply_prediction(self, kind: str, e: dict) -> None:
        if kind == "predict":
            self.predictions[e["pseudonym"]] = int(e["answer"])
        else:
            self.hands = tuple(int(c) for c in e["counts"])

    def prediction_counts(self) -> list[int]:
        """Guesses for each answer: the phones' (of students still in the room) and the show of hands."""
        present = {s.pseudonym for s in self.students.values()}
        counts = [0] * len(BINS)
        for who, answer in self.predictions.items():
            if who in present:
                counts[answer] += 1
        for k, c in enumerate(self.hands):
            counts[k] += c
        return counts


__all__ = ["BINS", "MAX_HANDS", "Predictions", "bin_of"]
