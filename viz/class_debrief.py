"""The class debrief on the projector: what the class did beside the crowd, drawn to be read from the back row.

Shown at the top of ``/class`` once the campaign has ended, above the fold at
1366×768 and 1920×1080, in projection-size type (``viz/class.css``): the
class's action rate beside the simulated users', the class's predictions
beside the outcome (``viz/class_predictions.py``), a second round beside the
first (``viz/room_rounds.py``) and, class against class, another class this
teacher ran (replayed from its journal), the cost of acting and the questions to discuss,
and the recruitment tree of the students' shares.

The recruitment tree is laid out by Reingold and Tilford's tidy-tree algorithm
(Reingold & Tilford 1981, in igraph's ``Graph.layout_reingold_tilford``): each
user once, recruits below their recruiter, no two subtrees overlapping. The
tree and the names over the network are plain SVG/HTML strings, so the tests
read them without a browser too.
"""

from __future__ import annotations

import html
from pathlib import Path

import numpy as np
import reacton.ipyvuetify as v
import solara

from viz import class_results, journal
from viz.class_predictions import prediction_html
from viz.class_roster import refusal
from viz.i18n import number, plural, t
from viz.room_records import ROUND_CHANGES, RoomError
from viz.room_rounds import RoundResult
from viz.room_server import ROOMS, replayed

#: The tree's grid in SVG units: one leaf a column, one generation a row.
TREE_DX, TREE_DY, TREE_R = 64.0, 84.0, 15.0
ACTED_FILL, TOKEN_FILL, STUDENT_RING = "#1b7f3b", "#ffffff", "#6a3d9a"


def _flatten(trees: list[class_results.TreeNode]) -> tuple[list[class_results.TreeNode], list[tuple[int, int]],
                                                               list[int]]:
    """The forest's nodes (each once), its edges (recruiter, recruit) as indices, and its roots' indices."""
    nodes: list[class_results.TreeNode] = []
    edges: list[tuple[int, int]] = []
    roots: list[int] = []

    def visit(node: class_results.TreeNode, parent: int) -> None:
        k = len(nodes)
        nodes.append(node)
        if parent >= 0:
            edges.append((parent, k))
        else:
            roots.append(k)
        for child in node.recruits:
            visit(child, k)

    for tree in trees:
        visit(tree, -1)
    return nodes, edges, roots


def tree_positions(trees: list[class_results.TreeNode], label_widths: list[float] | None = None) -> tuple[
        list[class_results.TreeNode], list[tuple[int, int]], np.ndarray]:
    """The forest laid out as tidy trees side by side: its nodes, edges and one (x, depth) row per node (x from 0).

    Each tree is laid out on its own and the next placed one column to its right, or further where the two
    roots' names (``label_widths``, in columns) would otherwise touch.
    """
    import igraph

    nodes, edges, roots = _flatten(trees)
    if not nodes:
        return nodes, edges, np.zeros((0, 2))
    xy = np.zeros((len(nodes), 2))
    widths = label_widths or [0.0] * len(trees)
    right, last_root, last_width = 0.0, None, 0.0
    for k, start in enumerate(roots):
        end = roots[k + 1] if k + 1 < len(roots) else len(nodes)
        local = [(a - start, b - start) for a, b in edges if start <= a < end]
        graph = igraph.Graph(n=end - start, edges=local, directed=True)
        part = np.array(graph.layout_reingold_tilford(mode="out", root=[0]).coords, dtype=float).reshape(-1, 2)
        part[:, 0] -= part[:, 0].min()
        part[:, 1] -= part[:, 1].min()
        shift = 0.0 if last_root is None else right + 1.0
        if last_root is not None:  # the roots' names side by side, with a little air between them
            shift = max(shift, xy[last_root, 0] + (last_width + widths[k]) / 2 + 0.25 - part[0, 0])
        part[:, 0] += shift
        xy[start:end] = part
        right, last_root, last_width = part[:, 0].max(), start, widths[k]
    return nodes, edges, xy


def tree_svg(lang: str, trees: list[class_results.TreeNode], names: dict[int, str]) -> str:
    """The recruitment forest below the students' posts, as an SVG tree.

    A filled green dot acted; an open dot liked or shared only. A student's dot is ringed in purple and
    labelled with ``names`` (already HTML-escaped); the simulated users carry no label.
    """
    if not trees:
        return f'<p class="tree-none">{t(lang, "class_tree_none")}</p>'
    nodes, edges, xy = tree_positions(trees, [0.62 * 22 * len(html.unescape(names.get(tr.user, ""))) / TREE_DX
                                              for tr in trees])  # a name's width: about 0.62 em a letter
    pad = TREE_R + 40
    width = xy[:, 0].max() * TREE_DX + 2 * pad
    top = TREE_R + 34  # room for a root's name above it
    height = xy[:, 1].max() * TREE_DY + top + TREE_R + 6
    px = pad + xy[:, 0] * TREE_DX
    py = top + xy[:, 1] * TREE_DY
    parts = [f'<line x1="{px[a]:.1f}" y1="{py[a]:.1f}" x2="{px[b]:.1f}" y2="{py[b]:.1f}" class="tree-edge" '
             f'data-from="{nodes[a].user}" data-to="{nodes[b].user}"/>' for a, b in edges]
    for k, node in enumerate(nodes):
        student = node.user in names
        ring = f' stroke="{STUDENT_RING}" stroke-width="5"' if student else ' stroke="#555" stroke-width="2"'
        parts.append(f'<circle cx="{px[k]:.1f}" cy="{py[k]:.1f}" r="{TREE_R:.0f}" '
                     f'fill="{ACTED_FILL if node.acted else TOKEN_FILL}"{ring} class="tree-node" '
                     f'data-user="{node.user}" data-acted="{int(node.acted)}" data-student="{int(student)}"/>')
        if student:
            parts.append(f'<text x="{px[k]:.1f}" y="{py[k] - TREE_R - 8:.1f}" text-anchor="middle" '  # above: the
                         f'class="tree-name">{names[node.user]}</text>')  # edges to its recruits leave below
    acted = sum(n.acted for n in nodes)
    recruited = len(nodes) - len(trees)
    summary = t(lang, "class_tree_summary", s=number(lang, len(trees)), n=number(lang, recruited),
                a=number(lang, acted))
    key = (f'<div class="tree-key"><span class="tree-key-acted"></span> {t(lang, "class_tree_acted")} '
           f'<span class="tree-key-token"></span> {t(lang, "class_tree_token")} '
           f'<span class="tree-key-student"></span> {t(lang, "class_tree_student")}</div>')
    return (f'<svg class="class-tree-svg" viewBox="0 0 {width:.0f} {height:.0f}" role="img" '
            f'aria-label="{html.escape(summary)}" font-size="22" font-family="sans-serif">'
            f'<g stroke="#777" stroke-width="2.5">{"".join(p for p in parts if p.startswith("<line"))}</g>'
            f'{"".join(p for p in parts if not p.startswith("<line"))}</svg>'
            f'<div class="tree-summary">{html.escape(summary)}</div>{key}')


def network_names_html(world, labels: dict[int, str]) -> str:
    """Students' names over the network: a thick ring and a name tag at each student's dot.

    Placed as the canvas places its dots (6 px in from each edge, the rest scaled to the canvas), so a
    label sits on its dot at any width. ``labels``: the shown name by node, already HTML-escaped.
    """
    where = {int(u): k for k, u in enumerate(world.view)}
    tags = []
    for node, name in sorted(labels.items()):
        if node not in where:
            continue
        x, y = world.positions[where[node]]
        tags.append(f'<span class="net-name" data-node="{node}" style="left:calc(6px + {x:.4f} * (100% - 12px));'
                    f'top:calc(6px + {y:.4f} * (100% - 12px))"><span class="net-ring"></span>'
                    f'<span class="net-label">{name}</span></span>')
    return "".join(tags)


def rounds_html(lang: str, columns: list[tuple[str, RoundResult]]) -> str:
    """Rounds (or classes) side by side: each column's title and change, the class's and the crowd's rates.

    ``columns``: ``(title, result)``, a :class:`viz.room_rounds.RoundResult` under each title.
    """
    head = "".join(f'<th scope="col" data-column="{k + 1}">{html.escape(title)}<br/>'
                   f'<span class="round-change">{html.escape(t(lang, f"class_round_change_{r.change or 'none'}"))}'
                   f"</span></th>" for k, (title, r) in enumerate(columns))
    rows = []
    for key, which, name in (("class_round_class_acted", "class_funnel", "acted"),
                             ("class_round_crowd_liked", "crowd_funnel", "liked"),
                             ("class_round_crowd_acted", "crowd_funnel", "acted")):
        cells = "".join(f'<td data-column="{k + 1}" data-percent="{getattr(r, which).percent(name):.4f}">'
                        f'{number(lang, getattr(r, which).percent(name), 1)}%</td>' for k, (_, r) in enumerate(columns))
        rows.append(f'<tr data-row="{key}"><th scope="row">{html.escape(t(lang, key))}</th>{cells}</tr>')
    return f'<table class="rounds-table"><tr><td></td>{head}</tr>{"".join(rows)}</table>'


def room_columns(lang: str, room, other: bool = False) -> list[tuple[str, RoundResult]]:
    """A room's rounds as table columns ("Round 1", "Round 2"; another class's as "Class ABC123 · round 1")."""
    results = [*room.rounds, room.round_result()]
    if not other:
        return [(t(lang, "class_round_n", k=k + 1), r) for k, r in enumerate(results)]
    return [(t(lang, "class_other_round", code=room.code, k=k + 1) if len(results) > 1
             else t(lang, "class_other", code=room.code), r) for k, r in enumerate(results)]


@solara.component
def CompareClasses(room, L: str):  # noqa: N803
    """Class against class: another class this teacher ran, replayed from its journal, beside this one."""
    others = solara.use_memo(lambda: ROOMS.other_classes(room), [room])
    chosen = solara.use_reactive("")
    columns = solara.use_reactive([])
    problem = solara.use_reactive("")
    if not others:
        return

    def pick(path: str):
        chosen.set(path)
        if not path:
            columns.set([])
            return
        try:
            other = replayed(journal.read(Path(path)))
        except (journal.JournalError, ValueError, RoomError) as error:
            problem.set(refusal(L, error))
            return
        problem.set("")
        columns.set(room_columns(L, other, other=True))

    items = [{"text": t(L, "class_compare_none"), "value": ""}] + [
        {"text": plural(L, "class_saved_room", s.students, code=s.code, step=s.steps), "value": str(s.path)}
        for s in others]
    v.Select(label=t(L, "class_compare"), v_model=chosen.value, on_v_model=pick, items=items, dense=True,
             hide_details=True, class_="class-compare")
    if problem.value:
        solara.Text(problem.value, classes=["class-problem"])
    if columns.value:
        with room.lock:
            mine = room_columns(L, room)
        solara.HTML(tag="div", classes=["debrief-classes"], unsafe_innerHTML=rounds_html(L, mine + columns.value))


def Debrief(room, L: str, class_f: class_results.Funnel, crowd_f: class_results.Funnel, act=None):  # noqa: N803
    """The end of the campaign on the projector (a plain function, read under the room's lock).

    ``act``: the projector's wrapper for a room action (a refusal shown in words); with it, the debrief offers
    the second round's changes (``viz/room_rounds.py``) where the teacher is looking.
    """
    model = room.model
    names = {s.node: html.escape(room.shown_name(s)) if room.settings.show_names else s.pseudonym
             for s in room.students.values() if s.node >= 0}
    class_acted = class_f.percent("acted")
    crowd_acted = crowd_f.percent("acted")
    with solara.Div(classes=["class-debrief"]):
        with solara.Div(classes=["debrief-left"]):
            solara.Text(t(L, "class_debrief"), classes=["debrief-title"])
            with solara.Div(classes=["debrief-big-row"]):
                for kind, pct, group in (("class", class_acted, class_f), ("crowd", crowd_acted, crowd_f)):
                    of = t(L, "class_big_of", a=number(L, group.acted), n=number(L, group.reached))
                    solara.HTML(tag="div", classes=["debrief-big", f"debrief-big-{kind}"],
                                attributes={"data-percent": f"{pct:.4f}"},
                                unsafe_innerHTML=f'<span class="big-number">{number(L, pct, 1)}%</span>'
                                f'<span class="big-label">{t(L, f"class_big_{kind}")}</span>'
                                f'<span class="big-of">{of}</span>')
            if room.rounds:  # a second round: both side by side
                solara.HTML(tag="div", classes=["debrief-rounds"],
                            unsafe_innerHTML=rounds_html(L, room_columns(L, room)))
            CompareClasses(room, L)
            solara.Text(plural(L, "class_debrief_liked_not_acted", class_f.liked_not_acted),
                        classes=["debrief-liked-not-acted"])
            # the class acts far more often than the crowd because acting costs a student seconds: say so, and ask
            asked = [t(L, f"class_cost_said_{room.settings.action_cost}")]
            if class_acted > crowd_acted:
                asked.append(t(L, "class_cost_why_more"))
            asked.append(t(L, "class_cost_question"))
            solara.HTML(tag="div", classes=["debrief-cost"], unsafe_innerHTML=html.escape(" ".join(asked)))
            solara.HTML(tag="ol", classes=["debrief-questions"],
                        unsafe_innerHTML="".join(f"<li>{t(L, f'class_q{k}')}</li>" for k in (1, 3)))
            if act is not None and not room.rounds:  # run it again with one thing changed

                def start_round(change: str) -> None:
                    room.second_round(change)
                    ROOMS.run_clock(room)  # the first round's end stopped the room's clock

                with solara.Row(classes=["debrief-round-buttons"], gap="8px", style={"flex-wrap": "wrap"}):
                    for change in ROUND_CHANGES:
                        solara.Button(t(L, f"class_round_start_{change}"), outlined=True,
                                      classes=["class-round", f"round-{change}"],
                                      on_click=act(lambda change=change: start_round(change)))
        with solara.Div(classes=["debrief-right"]):
            predicted = prediction_html(L, room, crowd_acted)
            if predicted:
                solara.HTML(tag="div", classes=["debrief-predictions"], unsafe_innerHTML=predicted)
            solara.Text(t(L, "class_tree"), classes=["debrief-subtitle"])
            solara.HTML(tag="div", classes=["debrief-tree"], unsafe_innerHTML=tree_svg(
                L, class_results.class_tree(model, room.class_nodes()), names))


__all__ = ["CompareClasses", "Debrief", "network_names_html", "room_columns", "rounds_html", "tree_positions",
           "tree_svg"]
