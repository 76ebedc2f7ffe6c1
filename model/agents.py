"""Mesa agents as thin views on the population arrays.

One :class:`UserAgent` per user serves inspection and the classroom app
(hover a user, ask why it chose what it chose). Agents hold only their row
index; every attribute is read from the arrays, so they are never stale and
never on the hot path (the model steps the arrays, not the agents).
"""

from __future__ import annotations

import mesa

from model.state import ACTED, TOKEN, UserState


class UserAgent(mesa.Agent):
    """A view of user ``index`` of a :class:`~model.SlacktivismModel`."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def state(self) -> UserState:
        """How far along the participation funnel the user is."""
        return UserState[_state_name(self.model.pop, self.index).upper()]

    def attributes(self) -> dict:
        """Everything known about the user, as plain Python values."""
        return user_record(self.model, self.index)


def user_record(model, i: int) -> dict:
    """A user's attributes, counters and the reasons behind its state."""
    pop, graph = model.pop, model.graph
    n_followees = int(graph.n_followees[i])
    counts = model.followee_counts(i)[0]
    acted = int(counts[ACTED])
    record = {
        "user": i,
        "state": _state_name(pop, i),
        "threshold": float(pop.theta[i]),
        "concern": float(pop.concern[i]),
        "status_motive": float(pop.status[i]),
        "in_group": bool(pop.in_group[i]),
        "misaligned": bool(pop.misaligned[i]),
        "followers": int(graph.n_followers[i]),
        "followees": n_followees,
        "followees_acted": acted,
        "followees_token": int(counts[TOKEN]),
        "step_aware": int(pop.step_aware[i]),
        "step_acted": int(pop.step_acted[i]),
        "misled": bool(pop.aware[i] and not pop.aligned[i]),
    }
    record["why"] = _explain(model, i, record)
    return record


def _state_name(pop, i: int) -> str:
    if pop.acted[i]:
        return "acted"
    if pop.shared[i]:
        return "shared"
    if pop.liked[i]:
        return "liked"
    return "aware" if pop.aware[i] else "unaware"


def _explain(model, i: int, r: dict) -> str:
    kind = model.spec.users.threshold_kind
    proof = r["followees_acted"] / r["followees"] if kind == "fraction" and r["followees"] else r["followees_acted"]
    proof_text = f"{proof:.2f} of followees acted" if kind == "fraction" else f"{proof} followees acted"
    if r["step_acted"] == 0:
        return "a seed: started the campaign at step 0"
    if r["state"] == "acted":
        return f"acted at step {r['step_acted']}: {proof_text}, threshold {r['threshold']:.2f}"
    if r["state"] == "unaware":
        return "the campaign never reached this user's feed"
    parts = [f"{proof_text} against a threshold of {r['threshold']:.2f}"]
    if r["state"] in ("liked", "shared"):
        parts.append(f"gave token support ({r['state']}) but did not act")
    if r["misled"]:
        parts.append("saw only a distorted framing")
    return "; ".join(parts)
