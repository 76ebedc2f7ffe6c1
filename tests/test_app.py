"""The classroom app's components, rendered without a browser (solara.render)."""

import time

import ipyvuetify as v
import numpy as np
import pytest
import solara

from model import load_scenario
from tests.conftest import SCENARIOS
from viz import i18n
from viz.app import APP_MAX_USERS, CONTROLS, Page, bounds
from viz.world import MAX_VIEW, World


def _page():
    box, rc = solara.render(Page(), handle_error=False)
    return rc


def _counter(rc) -> str:
    return rc.find(v.Html, class_="step-counter").widget.children[0]


def _button(rc, label):
    return rc.find(v.Btn, children=[label]).widget


def test_step_advances_the_counter():
    rc = _page()
    assert _counter(rc) == "Step 0"
    _button(rc, "Step").click()
    _button(rc, "Step").click()
    assert _counter(rc) == "Step 2"


def test_each_session_has_its_own_world():
    first, second = _page(), _page()
    _button(first, "Step").click()
    assert _counter(first) == "Step 1" and _counter(second) == "Step 0"


def test_play_runs_and_pause_stops():
    rc = _page()
    _button(rc, "Play").click()
    deadline = time.monotonic() + 20
    while _counter(rc) in ("Step 0", "Step 1") and time.monotonic() < deadline:
        time.sleep(0.1)
    _button(rc, "Pause").click()
    time.sleep(0.6)
    paused_at = _counter(rc)
    assert paused_at not in ("Step 0", "Step 1")
    time.sleep(0.8)
    assert _counter(rc) == paused_at


def _indonesian(rc):
    rc.find(v.BtnToggle).widget.v_model = 1  # the toggle's second button: "id"


def test_language_switch_changes_the_labels():
    rc = _page()
    _indonesian(rc)
    assert rc.find(v.Btn, children=["Langkah"]).widgets
    assert _counter(rc) == "Langkah 0"
    assert not rc.find(v.Btn, children=["Step"]).widgets


def test_a_bad_value_is_refused_with_a_message_and_nothing_breaks():
    rc = _page()
    users = rc.find(v.TextField, label="Number of users").widget
    users.v_model = "-5"
    users.fire_event("focusout", None)  # what the browser sends when the field loses focus
    text = rc.find(v.Html, class_="bad-value").widget.children[0]
    assert "network.n_users" in text and "greater than or equal to 1" in text
    _button(rc, "Step").click()
    assert _counter(rc) == "Step 1"


def test_controls_use_the_scenario_ranges():
    assert bounds("slacktivism.licensing") == (0.05, 1)
    assert bounds("decision.cost_act") == (0, 10)
    assert set(CONTROLS) <= set(i18n.TEXT["en"]["params"]) == set(i18n.TEXT["id"]["params"])


def test_every_text_exists_in_both_languages():
    assert set(i18n.TEXT["en"]) == set(i18n.TEXT["id"])
    for name in [p.stem for p in SCENARIOS.glob("*.yaml")]:
        s = load_scenario(SCENARIOS / f"{name}.yaml")
        assert s.description_id and len(s.things_to_try) == len(s.things_to_try_id) >= 1, name


def test_world_b_differs_from_a_by_default():
    from viz.app import contrast

    assert contrast("slacktivism.licensing", 0.6) == 0.05 and contrast("slacktivism.licensing", 0.2) == 1
    assert contrast("platform.feed", "chronological") == "engagement"
    assert contrast("platform.like_counts_visible", True) is False
    assert contrast("network.n_users", 2000) == 1000
    assert contrast("decision.cost_act", 1.5) == 0.75


def test_difference_in_words():
    a = {"aware": 1000, "acted": 100}
    assert i18n.difference("en", a, {"aware": 2300, "acted": 60}) == \
        "B reached 2.3x more people and got 40% fewer actions."
    assert i18n.difference("id", a, {"aware": 1000, "acted": 100}) == \
        "B menjangkau sama banyak orang dan mendapat sama banyak aksi."
    assert i18n.difference("en", a, {"aware": 1040, "acted": 130}) == \
        "B reached 4% more people and got 30% more actions."


def test_layout_is_computed_once_per_network():
    scenario = load_scenario(SCENARIOS / "baseline.yaml", {"network.n_users": 600})
    first = World(scenario, 3)
    second = World(scenario, 3)
    assert first.positions is second.positions  # the cached layout, not a new one
    before = first.positions.copy()
    for _ in range(3):
        first.step()
        first.svg()
    assert np.array_equal(first.positions, before)


def test_large_populations_get_a_sampled_view():
    world = World(load_scenario(SCENARIOS / "baseline.yaml", {"network.n_users": 20_000}), 1)
    assert len(world.view) == MAX_VIEW and world.model.n_users == 20_000
    svg = world.svg()
    assert svg.count("<circle") == MAX_VIEW and APP_MAX_USERS >= 100_000


def test_hover_text_explains_the_user():
    world = World(load_scenario(SCENARIOS / "baseline.yaml", {"network.n_users": 500}), 1)
    seed = int(world.model.seeds[0])
    svg = world.svg()
    start = svg.index(f'data-user="{seed}"')
    assert "a seed: started the campaign at step 0" in svg[start:start + 600]
    misaligned = World(load_scenario(SCENARIOS / "misaligned_sharers.yaml", {"network.n_users": 500}), 1)
    assert 'stroke="#6a3d9a"' in misaligned.svg()


@pytest.mark.parametrize("lang", ["en", "id"])
def test_scoreboard_and_charts_render_with_two_worlds(lang):
    rc = _page()
    if lang == "id":
        _indonesian(rc)
    label = i18n.t(lang, "compare")
    rc.find(v.Checkbox, label=label).widget.v_model = True
    _button(rc, i18n.t(lang, "reset")).click()
    _button(rc, i18n.t(lang, "step")).click()
    cards = [c for c in rc.find(v.Card).widgets if "scoreboard" in (c.class_ or "")]
    assert len(cards) == 2
    words = rc.find(v.Html, class_="difference").widget.children[0]
    assert words.startswith(i18n.t(lang, "difference", reach="", acts="")[:8])


def test_telemetry_is_off_and_assets_are_local():
    import importlib.metadata as md

    import solara.server.settings as settings

    assert settings.telemetry.mixpanel_enable is False
    assert md.version("solara-assets") == md.version("solara")  # the front end is served offline


def test_mesa_solaraviz_works_with_this_solara():
    """Mesa 3.5's own visualisation renders our model with the pinned Solara."""
    from mesa.visualization import SolaraViz, make_plot_component

    from model import SlacktivismModel

    model = SlacktivismModel(load_scenario(SCENARIOS / "baseline.yaml", {"network.n_users": 300}))
    page = SolaraViz(model, components=[make_plot_component(["acted", "liked"])], name="slacktivism")
    box, rc = solara.render(page, handle_error=False)
    assert rc.find().widgets
