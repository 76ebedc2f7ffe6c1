"""A second round: the same class on the same network, run again with one thing changed.

After the first campaign ends, the teacher runs it again with the like counts
hidden or with the message turned into a call to act. Each student keeps their
seat (the same node, the same followers), the model starts afresh from the same
seed, and only the one change differs, so the two rounds are a fair comparison
(common random numbers, as the sweeps use). The debrief then shows both rounds
side by side (``viz/class_debrief.py``), as HubNet classes compare runs.

:class:`Rounds` is a mixin of :class:`viz.rooms.Room`; starting the round is one
of the room's journaled events, so a replayed journal rebuilds both rounds.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from viz import class_results
from viz.room_records import ROUND_CHANGES, RoomError
from viz.seats import RoomSeats


class RoundResult(NamedTuple):
    """How a finished round went: its change ("" for the first), the class's and the crowd's funnels."""

    change: str
    class_funnel: class_results.Funnel
    crowd_funnel: class_results.Funnel


class Rounds:
    """The room's finished rounds and the second one (mixed into :class:`viz.rooms.Room`)."""

    def round_result(self) -> RoundResult:
        """The current round as it stands."""
        model = self.model
        return RoundResult(self.settings.change, class_results.funnel_of(model, self.class_nodes()),
                           class_results.funnel_of(model, class_results.crowd(model, self.seated_nodes())))

    def second_round(self, change: str) -> None:
        """Run the campaign again, from the same seed with the same seats, with ``change`` (one of ROUND_CHANGES)."""
        with self.lock:
            if change not in ROUND_CHANGES:
                raise RoomError("round_bad")
            if self.phase != "ended" or self.seats is None:
                raise RoomError("round_not_ended")
            if self.rounds:
                raise RoomError("round_done")
            self._event("round", change=change)
        self._notify("phase")

    def _apply_round(self, e: dict) -> None:
        self.rounds.append(self.round_result())
        self.earlier_worlds.append(self.world)
        self.settings = replace(self.settings, change=e["change"])
        self.world = self.build(self.settings)
        self.seats = RoomSeats(self.model, self.seats.order.copy())
        self.round_from = len(self.log)
        for s in self.students.values():
            s.card, s.action_started, s.answered, s.missed = None, None, -1, 0
        self._deal()
        self.phase = "running"
        self.last_step_at = self.clock()


__all__ = ["RoundResult", "Rounds"]
