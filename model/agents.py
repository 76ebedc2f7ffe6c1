"""Mesa agents as thin views on the population arrays.

One :class:`UserAgent` per user serves inspection and the classroom app
(hover a user, ask why it chose what it chose). Agents hold only their row
index; every attribute is read from the arrays, so they are never stale and
never on the hot path (the model steps the arrays, not the agents).
"""

from __future__ import annotations

import mesa
import numpy as np

from model.state import Flag, UserState


class UserAgent(mesa.Agent):
    """A view of user ``index`` of a :class:`~model.SlacktivismModel`."""

    def __init__(self, model, index: int):
        super().__init__(model)
        self.index = index

    @property
    def state(self) -> UserState:
        """How far along the participation funnel the user is."""
        return UserState(int(self.model.pop.codes()[self.index]))

    def attributes(self) -> dict:
        """Everything known about the user, as plain Python values."""
        return user_record(self.model, self.index)


def user_record(model, i: int) -> dict:
    """A user's attributes, counters and the reasons behind its state."""
    return user_records(model, [i])[0]


def user_records(model, users) -> list[dict]:
    """:func:`user_record` for many users at once (one pass over their followees)."""
    pop, graph = model.pop, model.graph
    users = np.asarray(users, dtype=np.int64)
    counts = model.followee_counts(users)
    codes = pop.codes()[users]
    columns = {
        "threshold": pop.theta[users], "concern": pop.concern[users], "status_motive": pop.status[users],
        "in_group": pop.in_group[users], "misaligned": pop.misaligned[users],
        "followers": graph.n_followers[users], "followees": graph.n_followees[users],
        "followees_acted": counts[:, Flag.ACTED], "followees_token": counts[:, Flag.TOKEN],
        "step_aware": pop.step_aware[users], "step_acted": pop.step_acted[users],
        "misled": pop.aware[users] & ~pop.aligned[users],
    }
    kind = model.spec.users.threshold_kind
    records = []
    for k, user in enumerate(users.tolist()):
        record = {"user": user, "state": UserState(int(codes[k])).name.lower()}
        record.update({name: values[k].item() for name, values in columns.items()})
        record["why"] = explain(record, kind)
        records.append(record)
    return records


def explain(r: dict, kind: str) -> str:
    """Why a user is where it is, in one line, from its record."""
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
