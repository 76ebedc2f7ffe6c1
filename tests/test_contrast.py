"""WCAG AA contrast of the app's colours, computed from the colours themselves (read from the back row).

Text needs 4.5:1 against its background, and lines, bars and dots that carry meaning 3:1 (WCAG 2.1, success
criteria 1.4.3 and 1.4.11). The ratio is WCAG's: (L1 + 0.05) / (L2 + 0.05) of the relative luminances. The
colours are read from where the app takes them: ``viz/figures.py``'s state colours (lines, dots, bars and the
chart's end labels, which are drawn in the line's colour) and every ``color:`` in ``viz/app.css``.
"""

import re
from pathlib import Path

import pytest

from model.state import UserState
from viz.figures import STATE_COLOURS

CSS = Path(__file__).resolve().parent.parent / "viz" / "app.css"
WHITE = "#ffffff"
#: The tinted box behind the organisers' note and the notice (app.css).
NOTE = "#fff8e1"


def luminance(colour: str) -> float:
    """WCAG relative luminance of a #rgb or #rrggbb colour."""
    h = colour.lstrip("#")
    if len(h) == 3:
        h = "".join(c * 2 for c in h)
    channels = [int(h[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_ratio_is_wcags():
    assert ratio("#000", "#fff") == pytest.approx(21.0)
    assert ratio("#777777", WHITE) == pytest.approx(4.48, abs=0.01)  # WCAG's own borderline grey
    # The colours measured before: reached and likes were 1.75:1 and 1.84:1 on white.
    assert ratio("#9ecae1", WHITE) == pytest.approx(1.75, abs=0.01)
    assert ratio("#fdae6b", WHITE) == pytest.approx(1.84, abs=0.01)


@pytest.mark.parametrize("state", [s for s in UserState if s != UserState.UNAWARE], ids=lambda s: s.name.lower())
def test_each_reached_states_colour_reads_as_text_on_white(state):
    # The chart labels each line in its own colour, so the line colour must pass as text, not only as a line.
    colour = STATE_COLOURS[state]
    assert ratio(colour, WHITE) >= 4.5, f"{state.name}: {colour} has {ratio(colour, WHITE):.2f}:1 on white"


def test_every_text_colour_in_the_apps_stylesheet_passes_on_white_and_on_the_note():
    colours = re.findall(r"(?<![-\w])color:\s*(#[0-9a-fA-F]{3,6})\b", CSS.read_text())
    assert len(colours) >= 8, colours  # the scan finds the stylesheet's text colours
    weak = {c: round(min(ratio(c, WHITE), ratio(c, NOTE)), 2) for c in colours
            if min(ratio(c, WHITE), ratio(c, NOTE)) < 4.5}
    assert weak == {}, f"text colours under 4.5:1 on white or on {NOTE}: {weak}"


def test_the_funnel_bars_and_network_dots_pass_as_graphics_against_their_track():
    track = "#f2f2f2"  # the funnel's empty track (app.css)
    for state in (UserState.AWARE, UserState.LIKED, UserState.SHARED, UserState.ACTED):
        assert ratio(STATE_COLOURS[state], track) >= 3.0, state
