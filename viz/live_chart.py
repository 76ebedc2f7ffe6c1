"""The app's live chart as plain SVG: vanity metrics against actions, with the goal line.

Matplotlib draws the report figures; redrawing it on every step costs about
200 ms, the whole frame budget, so the live chart is a few SVG polylines
(a millisecond), with World A solid and World B dashed.
"""

from __future__ import annotations

from html import escape

from model.state import UserState
from viz.figures import STATE_COLOURS, VANITY

SERIES = tuple((name, state) for name, _, state in VANITY)
DASHES = ("", ' stroke-dasharray="6 4"')


def chart_svg(frames, *, goal_actions: int, n_users: int, titles, labels, width: int = 1000,
              height: int = 300) -> str:
    """Two panels: reach, likes and shares (left); actions and the goal (right).

    Args:
        frames: ``[(series, name), ...]``: one per world, each with ``step`` and the counts.
        goal_actions: the goal line.
        n_users: the left panel's top.
        titles: the two panel titles; labels: words for the series and the goal.
    """
    last = max(10, *(int(f["step"].iloc[-1]) if len(f) else 0 for f, _ in frames))
    top_actions = max(goal_actions, *(int(f["acted"].max()) if len(f) else 0 for f, _ in frames), 1) * 1.15
    panel = (width - 40) // 2
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" class="live-chart" '
             f'font-family="sans-serif" font-size="11" style="background:#fff">']
    for p, (title, top, columns) in enumerate(((titles[0], max(n_users, 1) * 1.02, SERIES),
                                               (titles[1], top_actions, (("acted", UserState.ACTED),)))):
        left, plot_w, plot_h, base = 50 + p * (panel + 40), panel - 60, height - 80, height - 40
        parts.append(f'<text x="{left + plot_w / 2}" y="16" text-anchor="middle" font-size="13">{escape(title)}'
                     '</text>')
        for tick in range(5):
            value = top * tick / 4
            y = base - plot_h * tick / 4
            parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#eee"/>'
                         f'<text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{value:,.0f}</text>')
        parts.append(f'<text x="{left + plot_w / 2}" y="{height - 12}" text-anchor="middle" fill="#555">step '
                     f'(0-{last})</text>')
        for (frame, name), dash in zip(frames, DASHES, strict=False):
            for column, state in columns:
                points = " ".join(f"{left + plot_w * s / last:.1f},{base - plot_h * v / top:.1f}"
                                  for s, v in zip(frame["step"], frame[column], strict=True))
                parts.append(f'<polyline points="{points}" fill="none" stroke="{STATE_COLOURS[state]}" '
                             f'stroke-width="2.5"{dash}><title>{escape(labels[column])} ({escape(name)})</title>'
                             '</polyline>')
        if p == 1:
            y = base - plot_h * goal_actions / top
            parts.append(f'<line x1="{left}" x2="{left + plot_w}" y1="{y:.1f}" y2="{y:.1f}" stroke="#000" '
                         f'stroke-dasharray="2 3"/><text x="{left + plot_w - 2}" y="{y - 4:.1f}" text-anchor="end">'
                         f'{escape(labels["goal"])} {goal_actions:,}</text>')
        legend_y = 30
        for column, state in columns:
            parts.append(f'<rect x="{left + 8}" y="{legend_y - 8}" width="14" height="4" '
                         f'fill="{STATE_COLOURS[state]}"/><text x="{left + 26}" y="{legend_y - 3}">'
                         f'{escape(labels[column])}</text>')
            legend_y += 14
        if len(frames) > 1:
            parts.append(f'<text x="{left + 8}" y="{legend_y + 2}" fill="#555">{escape(frames[0][1])}: solid, '
                         f'{escape(frames[1][1])}: dashed</text>')
    parts.append("</svg>")
    return "".join(parts)
