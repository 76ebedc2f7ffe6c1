"""A class's run as files, for a later lesson: the usual run files, plus who chose what, under pseudonyms.

The ZIP holds what ``slacktivism run --out`` writes (``timeseries.csv``,
``timeseries.parquet``, ``summary.json``, ``figure.png``, ``users.parquet``,
as ``model.run_files.write_tables`` and ``viz.figures.write_campaign_figure``
write them) with two changes: the user table
(also as ``users.csv``) gains a ``student`` column, the student's pseudonym
("S01", in order of joining; empty for simulated users), and ``choices.csv``
lists every card a student answered or let time out, with its round. After a
second round the run files at the top are that round's, and ``round-1/`` holds
the first round's own (the same files but ``choices.csv``, which lists both);
``summary.json``'s ``class_mode`` keeps the first round's funnels and the class's
predictions. Nicknames are never written: only the pseudonyms leave the server.
"""

from __future__ import annotations

import io
import json
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from viz.class_results import funnel_of
from viz.rooms import Room


def user_table(room: Room, model=None) -> pd.DataFrame:
    """The user table of ``model`` (the room's current one by default) with each student's pseudonym.

    Simulated users have an empty pseudonym; the seats are the same in every round.
    """
    model = room.model if model is None else model
    table = model.user_table()
    student = [""] * model.n_users
    for s in [*room.students.values(), *room.left]:  # a removed seat keeps its pseudonym in the record
        if s.node >= 0:
            student[s.node] = s.pseudonym
    table["student"] = student
    return table


def choices_table(room: Room) -> pd.DataFrame:
    """Every student's card and what became of it: round, step, pseudonym, node, choice, how, seconds."""
    return pd.DataFrame([{"round": 1 if k < room.round_from else len(room.rounds) + 1, "step": r.step,
                          "student": r.pseudonym, "node": r.node, "choice": r.choice.name.lower(), "how": r.how,
                          "seconds": r.seconds} for k, r in enumerate(room.log)],
                        columns=["round", "step", "student", "node", "choice", "how", "seconds"])


def export_zip(room: Room) -> bytes:
    """The room's run as a ZIP (see the module's docstring)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from model.run_files import write_tables
    from viz.figures import write_campaign_figure

    with room.lock, tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        runs = [(out, room.model)] + [(out / f"round-{k}", w.model) for k, w in enumerate(room.earlier_worlds, 1)]
        for folder, model in runs:
            write_tables(model, folder, scenario_file=f"scenarios/{room.settings.scenario}.yaml")
            write_campaign_figure(model, folder / "figure.png")
            users = user_table(room, model)
            pq.write_table(pa.Table.from_pandas(users, preserve_index=False), folder / "users.parquet")
            users.to_csv(folder / "users.csv", index=False)
        choices_table(room).to_csv(out / "choices.csv", index=False)
        summary = json.loads((out / "summary.json").read_text())
        nodes = room.class_nodes()
        summary["class_mode"] = {
            "students": len(nodes),
            "settings": {k: getattr(room.settings, k) for k in room.settings.__dataclass_fields__},
            "class_funnel": funnel_of(room.model, nodes)._asdict(),
            "earlier_rounds": [{"change": r.change or "none", "class_funnel": r.class_funnel._asdict(),
                                "crowd_funnel": r.crowd_funnel._asdict()} for r in room.rounds],
            "predictions": room.prediction_counts(),
        }
        (out / "summary.json").write_text(json.dumps(summary, indent=2) + "\n")
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
            for path in sorted(out.rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    z.write(path, f"slacktivism-class-{room.settings.scenario}/{path.relative_to(out).as_posix()}")
        return buffer.getvalue()
