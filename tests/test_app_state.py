"""The app's state and its transitions, without a page: what a click does, checked on the record and the worlds.

``viz/app_state.py`` is what the page holds; these tests walk through a step, a Reset, Compare, the guided
lesson and a shared link the way a class does, and check what the class would then see (the worlds' steps,
World B's one change, the lesson's scenario), never how the page is drawn.
"""

import dataclasses

import numpy as np
import pytest
import yaml

from tests.conftest import ROOT
from viz.app_state import AppState, build_worlds, reset_worlds, step_worlds
from viz.controls import DEFAULT_SCENARIO, LEVELS, contrast

SMALL = {"network.n_users": 300}


def _small(**fields) -> AppState:
    return dataclasses.replace(AppState(), overrides=SMALL, **fields)


def test_a_new_session_opens_on_the_default_campaign_with_one_world():
    state = AppState()
    assert state.name == DEFAULT_SCENARIO and not state.compare and state.b_change() is None
    a, b = build_worlds(_small())
    assert b is None and a.steps == 0 and a.model.n_users == 300


def test_step_advances_both_worlds_by_one_and_reports_whether_each_runs():
    worlds = build_worlds(_small(compare=True))
    before = [w.series()["acted"][:] for w in worlds]
    running = step_worlds(worlds)
    assert [w.steps for w in worlds] == [1, 1]
    assert running == (worlds[0].running, worlds[1].running)
    assert [len(w.series()["acted"]) for w in worlds] == [len(x) + 1 for x in before]


def test_a_settled_run_stays_put_and_says_so():
    worlds = build_worlds(_small())
    steps = worlds[0].scenario.steps
    for _ in range(steps + 3):
        running = step_worlds(worlds)
    assert running == (False, True)  # no World B: it never holds the run up
    assert worlds[0].steps <= steps


def test_reset_starts_the_same_worlds_again_on_the_same_network_and_replays_them_exactly():
    worlds = build_worlds(_small(compare=True))
    for _ in range(3):
        step_worlds(worlds)
    again = reset_worlds(worlds)
    assert [w.steps for w in again] == [0, 0]
    assert all(n.model.graph is o.model.graph for n, o in zip(again, worlds, strict=True))  # nothing built again
    for _ in range(3):
        step_worlds(again)
    assert [w.series() for w in again] == [w.series() for w in worlds]  # same seed, same draws: the same run
    assert np.array_equal(again[1].model.pop.codes(), worlds[1].model.pop.codes())


def test_compare_on_gives_world_b_one_visible_change_and_off_takes_it_away():
    state = _small()
    on = state.with_compare(True)
    key, value = on.b_change()
    assert key == "campaign.framing" and value == contrast(key, state.value(key)) and value != state.value(key)
    a, b = build_worlds(on)
    assert b is not None and b.seed == a.seed and b.model.graph is not a.model.graph
    assert b.scenario.campaign.framing == value and a.scenario.campaign.framing == state.value(key)
    assert b.scenario.model_copy(update={"campaign": a.scenario.campaign}) == a.scenario  # nothing else differs
    off = on.with_compare(False)
    assert off.b_change() is None and build_worlds(off)[1] is None
    assert off.with_compare(True).b_change() == (key, value)  # B's change is kept for next time


def test_world_b_follows_a_until_the_class_sets_it_and_a_new_key_starts_from_its_contrast():
    state = _small().with_compare(True)
    moved = state.with_control("campaign.framing", 1.0)  # A now a call to act: B becomes the appeal
    assert moved.b_change() == ("campaign.framing", 0.0)
    chosen = moved.with_b(value=0.25)
    assert chosen.b_change() == ("campaign.framing", 0.25)
    # Another key for B starts from that key's contrast, not from the last key's value (0.25 is no feed order).
    other = chosen.with_b(key="platform.feed")
    assert other.b_change() == ("platform.feed", contrast("platform.feed", other.value("platform.feed")))


def test_a_control_changes_a_key_and_clears_a_refusal_and_leaves_the_state_it_came_from_alone():
    state = _small().refused("network.n_users", "too few")
    new = state.with_control("decision.cost_act", 2.0)
    assert new.value("decision.cost_act") == 2.0 and new.failure == ("", "")
    assert "decision.cost_act" not in state.overrides and state.failure == ("network.n_users", "too few")


@pytest.mark.parametrize("j", range(len(yaml.safe_load((ROOT / "viz" / "lessons.yaml").read_text())["lesson"])))
def test_each_lesson_sets_its_scenario_and_both_worlds_and_hides_its_answer(j):
    lesson = yaml.safe_load((ROOT / "viz" / "lessons.yaml").read_text())["lesson"][j]
    # A class that had compared something else and seen the last answer opens lesson j.
    before = dataclasses.replace(_small(), compare=True, b_key="platform.feed", b_value="engagement", revealed=True,
                                 notice="old")
    state = before.with_lesson(j)
    assert (state.lesson, state.name, state.overrides, state.revealed, state.notice) == \
        (j, lesson["scenario"], {}, False, "")
    if "b" in lesson:
        key, text = lesson["b"].split("=")
        assert state.b_change()[0] == key and str(state.b_change()[1]).lower() == text.lower()
    else:  # a Granovetter lesson keeps no World B from the lesson before it
        assert state.b_change() is None
    assert state.with_lesson(-1).lesson == -1 and state.with_lesson(-1).name == lesson["scenario"]


@pytest.mark.parametrize("lang", ["en", "id"])
def test_a_link_round_trips_the_state_a_class_set(lang):
    overrides = {"slacktivism.consistency": LEVELS["slacktivism.consistency"][3], "platform.feed": "engagement"}
    state = AppState(name="licensing", lang=lang, seed=7, overrides=overrides).with_b("platform.like_counts_visible")
    back = AppState.from_url(state.query(), "en-US")
    assert (back.name, back.lang, back.seed, dict(back.overrides)) == (state.name, lang, 7, dict(state.overrides))
    assert back.b_change() == state.b_change() and back.b_change()[1] is not state.value("platform.like_counts_visible")
    assert AppState.from_url(back.query()) == back


def test_a_link_without_a_language_follows_the_browser_and_bad_parts_are_dropped():
    state = AppState.from_url("scenario=nope&seed=x&set=bogus.key%3D1&b=nope%3D2", "id-ID,id;q=0.9")
    assert state == AppState(lang="id")
