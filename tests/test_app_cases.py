"""Real campaigns in the classroom app: each case opens, its observed points sit where the press put them.

The reference numbers come from the cases' sources, not from the code: the KPK group's reports are
dated to the minute (Solopos, Kompas.com) and the group was created on 29 October 2009 at about 14:45
WIB, one step being six hours; its member counts are the press's, at the scenario's 1:100 scale.
"""

import math
from datetime import datetime, timedelta, timezone

import ipyvuetify as v
import numpy as np
import pytest
import solara
import yaml

from model.case_statistics import LOG_OF_ZERO, finish, measure
from tests.conftest import ROOT
from viz import i18n
from viz.app import Page
from viz.app_state import AppState, build_worlds
from viz.case_panel import chart_points, plain
from viz.case_view import case_names, figures, is_time_point, shipped_case, time_points
from viz.url import parse_url
from viz.widgets import LiveChart

WIB = timezone(timedelta(hours=7))
#: The KPK group's reports (Solopos, Kompas.com: scenarios/cases/kpk_2009.data.yaml's sources) and the members
#: each gave: the press's own counts.
KPK_REPORTS = {"members_30_oct_morning": (datetime(2009, 10, 30, 6, 30, tzinfo=WIB), 164),
               "members_30_oct_evening": (datetime(2009, 10, 30, 21, 20, tzinfo=WIB), 52_195),
               "members_1_nov": (datetime(2009, 11, 1, 20, 15, tzinfo=WIB), 250_114),
               "members_3_nov": (datetime(2009, 11, 3, 6, 45, tzinfo=WIB), 501_803),
               "penetration": (datetime(2009, 11, 7, 6, 30, tzinfo=WIB), 1_000_000)}
KPK_CREATED = datetime(2009, 10, 29, 14, 45, tzinfo=WIB)
#: 100,000 model users stand for Indonesia's 10 million Facebook users (VIVAnews, 2009).
KPK_SCALE = 100_000 / 10_000_000


def _kpk_step(when: datetime) -> int:
    """The step of a report: hours since the group's creation over six, to the nearest step."""
    return round((when - KPK_CREATED).total_seconds() / 3600 / 6)


def test_the_kpk_reports_fall_on_the_steps_their_timestamps_give():
    # 30 Oct 21:20 is 30 h 35 min after the group's creation: step round(30.58 / 6) = 5.
    assert _kpk_step(KPK_REPORTS["members_30_oct_evening"][0]) == 5
    case = shipped_case("kpk_2009")
    points = {p.statistic: p for p in time_points(case, case.scenario.network.n_users)}
    assert {name: p.step for name, p in points.items()} == {name: _kpk_step(w) for name, (w, _n) in
                                                            KPK_REPORTS.items()}
    state = AppState().with_case("kpk_2009")
    world, _b = build_worlds(state)
    assert [p["x"] for p in chart_points(world, "kpk_2009", "id")] == [_kpk_step(w) for w, _n in
                                                                       KPK_REPORTS.values()]


def test_the_kpk_points_are_the_press_counts_at_the_scenarios_scale_with_their_tolerance():
    case = shipped_case("kpk_2009")
    points = {p.statistic: p for p in time_points(case, case.scenario.network.n_users)}
    for name, (_when, members) in KPK_REPORTS.items():
        # The file keeps log10 shares to three decimals: the counts come back within 0.5%.
        assert points[name].value == pytest.approx(members * KPK_SCALE, rel=0.005), name
    tolerance = {s.name: s.tolerance for s in case.statistics}
    for name in ("members_30_oct_morning", "members_1_nov"):  # log10 figures: a factor 10**tolerance either way
        p = points[name]
        assert p.high / p.value == pytest.approx(10 ** tolerance[name])
        assert p.value / p.low == pytest.approx(10 ** tolerance[name])
    # A share of the users, +-0.05 of 100,000: 5,000 to 15,000 members of the run.
    assert (points["penetration"].low, points["penetration"].high) == pytest.approx((5_000, 15_000))


def test_the_points_follow_the_runs_population():
    half = {p.statistic: p.value for p in time_points(shipped_case("kpk_2009"), 50_000)}
    assert half["members_1_nov"] == pytest.approx(250_114 * 50_000 / 10_000_000, rel=0.005)


def test_the_rally_is_a_figure_beside_the_chart_with_the_runs_participants_who_acted_per_member():
    state = AppState().with_case("kpk_2009")
    world, _b = build_worlds(state)
    (before,) = figures(shipped_case("kpk_2009"), world.model)
    assert before.statistic == "rally_per_member" and before.model is None  # 0 of 0 members: nothing to read
    for _ in range(40):
        world.step()
    (after,) = figures(shipped_case("kpk_2009"), world.model)
    users = world.model.user_table()
    members = users[((users.step_liked >= 0) | (users.step_shared >= 0) | (users.step_acted >= 0)) & ~users.seed]
    acted = (members.step_acted >= 0).sum()
    assert after.model == pytest.approx(math.log10(acted / len(members)))
    # "Hundreds" of about 1,000,000 members: log10(300 / 1e6) +- 0.5, 1 in 10,000 to 1 in 1,000.
    assert (after.observed, after.low, after.high) == pytest.approx((-3.5, -4.0, -3.0))


def test_figures_read_as_a_class_reads_them():
    stats = {s.name: s for s in shipped_case("kpk_2009").statistics}
    rally = stats["rally_per_member"]
    assert plain("en", rally, -3.5) == "1 in 3,200"  # 10**3.5 = 3,162, to two digits
    assert plain("id", rally, -4.0) == "1 dari 10.000"
    assert plain("en", rally, math.log10(0.84)) == "84%"  # not "1 in 1"
    assert plain("en", rally, LOG_OF_ZERO) == "0"  # no one at all
    darfur = {s.name: s for s in shipped_case("save_darfur").statistics}["never_donated"]
    assert plain("en", darfur, 0.9976) == "99.76%"  # a tolerance of 0.15 points needs two decimals
    assert plain("id", darfur, 0.9976) == "99,76%"


def _share(among, share) -> float | None:
    """The share of ``among`` that is also ``share`` (None for no one among)."""
    return float((among & share).sum() / among.sum()) if among.any() else None


def _log10(x: float | None) -> float | None:
    return None if x is None else math.log10(x) if x > 0 else LOG_OF_ZERO


def _run_figures(summary, users) -> dict[str, float | None]:
    """Every shipped case's figures beside the chart, read off the run's user table as each data file's note says.

    Participants are the engaged users who are not organisers (seeds); the shares read the funnel's steps.
    """
    liked, shared, acted = (users[f"step_{k}"].to_numpy() >= 0 for k in ("liked", "shared", "acted"))
    engaged, seed = liked | shared | acted, users.seed.to_numpy(bool)
    participants = engaged & ~seed
    invited = (users.inviter.to_numpy() >= 0) & ~seed
    by_invitation = users.recruiter[(users.reached_by == "invitation") & (users.recruiter >= 0)].to_numpy()
    recruited = np.isin(users.user.to_numpy(), by_invitation)
    never = _share(participants, ~acted)
    return {"did_both": _share(invited, acted & shared), "only_donated": _share(invited, acted & ~shared),
            "only_challenge": _share(invited, shared & ~acted), "neither": _share(invited, ~acted & ~shared),
            "donors_per_engaged": _log10(_share(participants, acted)),
            "turnout_per_rsvp_sydney": _log10(_share(liked & ~seed, acted)),
            "turnout_per_rsvp_vancouver": _log10(_share(liked & ~seed, acted)),
            "rally_per_member": _log10(_share(participants, acted)),
            "never_donated": never,
            "recruited_no_one": 1 - float((recruited & engaged).sum() / engaged.sum()),
            "signatures_per_tweet": _log10((participants & acted).sum() / (participants & shared).sum())}


@pytest.mark.parametrize("name", case_names())
def test_the_apps_figures_are_the_finished_runs_measured_as_compare_measures_them(name):
    """The figures beside the chart are model.case_statistics.measure on the run: the run's own tables agree."""
    case = shipped_case(name)
    world = build_worlds(AppState().with_case(name))[0]
    while world.running:
        world.step()
    model = world.model
    summary, users = model.summary(), model.user_table()
    shown = {f.statistic: f.model for f in figures(case, model)}
    assert set(shown) == {s.name for s in case.statistics if not is_time_point(s)}
    expected = _run_figures(summary, users)
    for stat in case.statistics:
        if stat.name in shown:
            assert shown[stat.name] == pytest.approx(expected[stat.name]), stat.name
            assert shown[stat.name] == pytest.approx(finish(stat, measure(stat, summary, None, users))), stat.name


@pytest.mark.parametrize("name", case_names())
def test_every_case_opens_in_the_app_in_both_languages(name):
    data = shipped_case(name)
    scenario = data.scenario
    words = i18n.lessons()["cases"][name]
    assert set(words["name"]) == {"en", "id"} and set(words["intro"]) == {"en", "id"}
    for stat in data.statistics:
        assert set(words["statistics"][stat.name]) >= {"en", "id"}, stat.name
        if is_time_point(stat):
            assert set(words["statistics"][stat.name]["short"]) == {"en", "id"}, stat.name
    _box, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Select, class_="case").widget.v_model = name
    assert rc.find(v.Html, class_="case-title").widget.children == [words["name"]["en"]]
    rc.find(v.Btn, children=["Step"]).widget.click()
    assert rc.find(v.Html, class_="step-counter").widget.children[0].startswith("Step 1")
    box = [w.unsafe_innerHTML for w in rc.find(solara.widgets.HTML).widgets
           if "case-figures-box" in w.attributes.get("class", "")]
    for stat in data.statistics:  # every observed figure is on the page, in words with its source
        assert f'data-statistic="{stat.name}"' in box[0], stat.name
    chart = rc.find(LiveChart).widget
    assert len(chart.points) == sum(is_time_point(s) for s in data.statistics)
    rc.find(v.BtnToggle, class_="lang-toggle").widget.v_model = 1  # the second language: "id"
    assert rc.find(v.Html, class_="case-title").widget.children == [words["name"]["id"]]
    # The case's own scenario runs, at its own size and with its own seed.
    world = build_worlds(AppState().with_case(name))[0]
    shipped = yaml.safe_load((ROOT / "scenarios" / "cases" / data.data.scenario).read_text())
    assert world.model.n_users == shipped["network"]["n_users"] == scenario.network.n_users
    assert world.seed == shipped["seed"]


def test_a_link_opens_a_case_and_an_unknown_case_is_dropped():
    state = AppState.from_url("scenario=classroom&case=kpk_2009&lang=id")
    assert (state.case, state.lang) == ("kpk_2009", "id")
    assert AppState.from_url(state.query()).case == "kpk_2009"
    assert "case" not in parse_url("case=kpk_2099")
    assert AppState().with_case("kpk_2009").with_scenario("baseline").case == ""
    assert AppState().with_case("kpk_2009").with_lesson(0).case == ""


def test_the_kpk_story_says_how_many_facebook_users_one_user_stands_for_at_the_runs_size():
    # About 10 million Indonesians were on Facebook in 2009 (the case's penetration note): the case's
    # own 100,000 users stand for 100 each, and half as many users for twice as many people.
    assert "stands for 100 Facebook users" in i18n.case_text("kpk_2009", "intro", "en", 100_000)
    assert "mewakili 200 pengguna Facebook" in i18n.case_text("kpk_2009", "intro", "id", 50_000)
    assert "mewakili 1.000 pengguna" in i18n.case_text("kpk_2009", "intro", "id", 10_000)
    _box, rc = solara.render(Page(), handle_error=False)
    rc.find(v.Select, class_="case").widget.v_model = "kpk_2009"
    intro = rc.find(v.Html, class_="case-intro").widget.children[0]
    assert "stands for 100 Facebook users" in intro, intro
