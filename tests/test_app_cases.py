"""Real campaigns in the classroom app: each case opens, its observed points sit where the press put them.

The reference numbers come from the cases' sources, not from the code: the KPK group's reports are
dated to the minute (Solopos, Kompas.com) and the group was created on 29 October 2009 at about 14:45
WIB, one step being six hours; its member counts are the press's, at the scenario's 1:100 scale.
"""

import math
from datetime import datetime, timedelta, timezone

import ipyvuetify as v
import pytest
import solara
import yaml

from tests.conftest import ROOT
from viz import i18n
from viz.app import Page
from viz.app_state import AppState, build_worlds
from viz.case_panel import chart_points, plain
from viz.case_view import CASES, case_files, case_names, figures, is_time_point, time_points
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
    data, scenario = case_files("kpk_2009")
    points = {p.statistic: p for p in time_points(data, scenario.network.n_users)}
    assert {name: p.step for name, p in points.items()} == {name: _kpk_step(w) for name, (w, _n) in
                                                            KPK_REPORTS.items()}
    state = AppState().with_case("kpk_2009")
    world, _b = build_worlds(state)
    assert [p["x"] for p in chart_points(world, "kpk_2009", "id")] == [_kpk_step(w) for w, _n in
                                                                       KPK_REPORTS.values()]


def test_the_kpk_points_are_the_press_counts_at_the_scenarios_scale_with_their_tolerance():
    data, scenario = case_files("kpk_2009")
    points = {p.statistic: p for p in time_points(data, scenario.network.n_users)}
    for name, (_when, members) in KPK_REPORTS.items():
        # The file keeps log10 shares to three decimals: the counts come back within 0.5%.
        assert points[name].value == pytest.approx(members * KPK_SCALE, rel=0.005), name
    tolerance = {s.name: s.tolerance for s in data.statistics}
    for name in ("members_30_oct_morning", "members_1_nov"):  # log10 figures: a factor 10**tolerance either way
        p = points[name]
        assert p.high / p.value == pytest.approx(10 ** tolerance[name])
        assert p.value / p.low == pytest.approx(10 ** tolerance[name])
    # A share of the users, +-0.05 of 100,000: 5,000 to 15,000 members of the run.
    assert (points["penetration"].low, points["penetration"].high) == pytest.approx((5_000, 15_000))


def test_the_points_follow_the_runs_population():
    data, _scenario = case_files("kpk_2009")
    half = {p.statistic: p.value for p in time_points(data, 50_000)}
    assert half["members_1_nov"] == pytest.approx(250_114 * 50_000 / 10_000_000, rel=0.005)


def test_the_rally_is_a_figure_beside_the_chart_with_the_runs_participants_who_acted_per_member():
    state = AppState().with_case("kpk_2009")
    world, _b = build_worlds(state)
    (before,) = figures(case_files("kpk_2009")[0], world.model)
    assert before.statistic == "rally_per_member" and before.model is None  # 0 of 0 members: nothing to read
    for _ in range(40):
        world.step()
    (after,) = figures(case_files("kpk_2009")[0], world.model)
    users = world.model.user_table()
    members = users[((users.step_liked >= 0) | (users.step_shared >= 0) | (users.step_acted >= 0)) & ~users.seed]
    acted = (members.step_acted >= 0).sum()
    assert after.model == pytest.approx(math.log10(acted / len(members)))
    # "Hundreds" of about 1,000,000 members: log10(300 / 1e6) +- 0.5, 1 in 10,000 to 1 in 1,000.
    assert (after.observed, after.low, after.high) == pytest.approx((-3.5, -4.0, -3.0))


def test_figures_read_as_a_class_reads_them():
    stats = {s.name: s for s in case_files("kpk_2009")[0].statistics}
    rally = stats["rally_per_member"]
    assert plain("en", rally, -3.5) == "1 in 3,200"  # 10**3.5 = 3,162, to two digits
    assert plain("id", rally, -4.0) == "1 dari 10.000"
    assert plain("en", rally, math.log10(0.84)) == "84%"  # not "1 in 1"
    darfur = {s.name: s for s in case_files("save_darfur")[0].statistics}["never_donated"]
    assert plain("en", darfur, 0.9976) == "99.76%"  # a tolerance of 0.15 points needs two decimals
    assert plain("id", darfur, 0.9976) == "99,76%"


@pytest.mark.parametrize("name", case_names())
def test_the_app_reads_every_case_as_the_command_line_does(name):
    """The app's small reader (model/case_files.py) and slacktivism/cases.py agree on the steps and the figures."""
    from slacktivism.cases import finish, load_case, measure

    case = load_case(CASES / f"{name}.data.yaml")
    data, _scenario = case_files(name)
    assert [(s.name, s.observed, s.tolerance, s.step, s.relative_to_step) for s in data.statistics] == [
        (s.name, s.observed, s.tolerance, s.model.step, s.model.relative_to_step) for s in case.statistics]
    world = build_worlds(AppState().with_case(name))[0]
    for _ in range(case.scenario.steps):
        world.step()
    model = world.model
    theirs = {s.name: finish(s, measure(s, model.summary(), model.timeseries(), model.user_table()))
              for s in case.statistics}
    for f in figures(data, model):
        assert f.model == pytest.approx(theirs[f.statistic]), f.statistic


@pytest.mark.parametrize("name", case_names())
def test_every_case_opens_in_the_app_in_both_languages(name):
    data, scenario = case_files(name)
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
    shipped = yaml.safe_load((ROOT / "scenarios" / "cases" / data.scenario).read_text())
    assert world.model.n_users == shipped["network"]["n_users"] == scenario.network.n_users
    assert world.seed == shipped["seed"]


def test_a_link_opens_a_case_and_an_unknown_case_is_dropped():
    state = AppState.from_url("scenario=classroom&case=kpk_2009&lang=id")
    assert (state.case, state.lang) == ("kpk_2009", "id")
    assert AppState.from_url(state.query()).case == "kpk_2009"
    assert "case" not in parse_url("case=kpk_2099")
    assert AppState().with_case("kpk_2009").with_scenario("baseline").case == ""
    assert AppState().with_case("kpk_2009").with_lesson(0).case == ""


def test_a_data_file_the_app_cannot_read_is_refused_in_one_line(tmp_path):
    from model import ScenarioError
    from model.case_files import read_case_file

    bad = tmp_path / "bad.data.yaml"
    bad.write_text("case: bad\nscenario: bad.yaml\nstatistics:\n  - name: x\n    observed: 1\n    tolerance: 0.1\n"
                   "    model: {series: engaged, at: 2009-10-30T06:30:00+07:00}\n")  # a timestamp, and no clock
    with pytest.raises(ScenarioError) as refused:
        read_case_file(bad)
    message = str(refused.value)
    assert "\n" not in message and str(bad) in message and "statistics.0" in message and "clock" in message
