"""Real-campaign case files and `slacktivism compare`."""

import numpy as np
import pandas as pd
import pytest
import yaml

from model.case_files import load_case
from model.case_statistics import measure
from model.scenario_files import ScenarioError
from slacktivism.cli import main
from tests.conftest import SCENARIOS

CASES = SCENARIOS / "cases"
SHIPPED = sorted(CASES.glob("*.data.yaml"))


def test_the_cases_ship_with_sourced_data():
    names = {p.name.removesuffix(".data.yaml") for p in SHIPPED}
    assert {"save_darfur", "kpk_2009", "ice_bucket_2014", "kony_2012"} <= names
    for path in SHIPPED:
        case = load_case(path)
        for stat in case.statistics:
            citation = case.data.sources[stat.source]
            assert len(citation) > 40, f"{path.name}: {stat.name} needs a full citation"


def test_save_darfur_holds_the_papers_figures():
    """Lewis, Gray & Meierhenrich (2014): 99.76% never donated; about 72% recruited no one."""
    case = load_case(CASES / "save_darfur.data.yaml")
    observed = {s.name: s.observed for s in case.statistics}
    assert observed["never_donated"] == pytest.approx(0.9976)
    assert observed["recruited_no_one"] == pytest.approx(0.72)
    assert "10.15195/v1.a1" in case.data.sources["lewis2014"]


def test_kpk_curve_is_the_reported_membership_at_the_reported_hours():
    """Solopos, Kompas: 164, 52,195, 250,114 and 501,803 members against 1,000,000 on 7 November 2009 06:30,
    on a log10 scale, each at the step of its report's time (six hours a step from 29 October 14:45 WIB)."""
    case = load_case(CASES / "kpk_2009.data.yaml")
    by_name = {s.name: s for s in case.statistics}
    # Hours after the group's creation, divided by six and rounded: 15.75 h, 30.6 h, 77.5 h, 112 h, 207.75 h.
    for name, members, step in [("members_30_oct_morning", 164, 3), ("members_30_oct_evening", 52195, 5),
                                ("members_1_nov", 250114, 13), ("members_3_nov", 501803, 19)]:
        stat = by_name[name]
        assert stat.observed == pytest.approx(np.log10(members / 1e6), abs=1e-3)
        assert (stat.model.step, stat.model.relative_to_step) == (step, 35)
    assert by_name["penetration"].model.step == 35
    assert all("7,789" not in s.note for s in case.statistics)  # the secondary page's figure is not used


def _with_clock(tmp_path, statistics, start="2009-10-29T14:45:00+07:00", steps=None):
    path = _case(tmp_path, "baseline.yaml", statistics)
    data = yaml.safe_load(path.read_text())
    data["clock"] = {"start": start, "hours_per_step": 6}
    path.write_text(yaml.safe_dump(data))
    return path


def _series_at(name, when, relative=None):
    model = {"series": "engaged", "at": when}
    if relative:
        model["relative_to_at"] = relative
    return {"name": name, "observed": 0.1, "tolerance": 0.1, "source": "theory", "model": model}


def test_timestamps_map_to_steps_by_the_clock(tmp_path):
    path = _with_clock(tmp_path, [_series_at("a", "2009-10-30T06:30:00+07:00", "2009-11-01T20:15:00+07:00"),
                                  _series_at("b", "2009-10-30T23:20:00+00:00")])  # 06:20 WIB on 31 October
    a, b = load_case(path).statistics
    assert (a.model.step, a.model.relative_to_step) == (3, 13)
    assert b.model.step == 7  # 39.6 hours after the start, given in another time zone


@pytest.mark.parametrize("statistics, problem", [
    ([_series_at("a", "2009-10-31T06:30:00+07:00"), _series_at("b", "2009-10-30T06:30:00+07:00")],
     "timestamps must be in order"),
    ([_series_at("a", "2009-10-28T06:30:00+07:00")], "before the clock's start"),
    ([_series_at("a", "2009-12-30T06:30:00+07:00")], "after the scenario's last step"),
    ([{**_series_at("a", "2009-10-30T06:30:00+07:00"), "model": {"series": "engaged", "step": 3,
                                                                 "at": "2009-10-30T06:30:00+07:00"}}],
     "needs step or at"),
])
def test_a_timestamp_out_of_order_or_out_of_the_run_is_one_line(tmp_path, capsys, statistics, problem):
    path = _with_clock(tmp_path, statistics)
    with pytest.raises(ScenarioError, match=problem):
        load_case(path)
    assert main(["compare", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert problem in err and err.count("\n") == 1


def test_a_timestamp_without_a_clock_is_refused(tmp_path):
    path = _case(tmp_path, "baseline.yaml", [_series_at("a", "2009-10-30T06:30:00+07:00")])
    with pytest.raises(ScenarioError, match="needs the file's clock"):
        load_case(path)


def test_a_statistic_that_selects_no_one_is_reported_by_name_and_never_passes(tmp_path, capsys):
    """Granovetter's perturbed crowd: one instigator and no one with threshold 1, so no one but the instigator
    ever acts, and 'acted and not seed' selects nobody in any replicate. The statistic is named on stderr, has
    no value, cannot pass, and the other statistic's result is still written."""
    empty = {"name": "followers_who_acted", "observed": 0.5, "tolerance": 0.5, "source": "theory",
             "model": {"users": {"among": "acted and user > 0", "share": "acted"}}}
    fine = {"name": "rioters", "observed": 0.01, "tolerance": 0.01, "source": "theory",
            "model": {"summary": "acted", "per_user": True}}
    path = _case(tmp_path, "granovetter_perturbed.yaml", [empty, fine])
    assert main(["compare", str(path), "--replicates", "3", "--out", str(tmp_path / "out")]) == 1
    captured = capsys.readouterr()
    (line,) = captured.err.strip().splitlines()
    assert "followers_who_acted" in line and "selects no one" in line and "3 of 3 replicates" in line
    assert "UNDEFINED" in captured.out and "1 of 2 statistics within tolerance" in captured.out
    table = pd.read_csv(tmp_path / "out" / "comparison.csv")
    row = table.set_index("statistic").loc["followers_who_acted"]
    assert np.isnan(row.model_mean) and not row.passed and row.undefined == 3


def test_users_statistics_read_the_channel_and_the_invitation_record():
    """A users statistic can count by reached_by (its channel's label) and by invited (inviter >= 0)."""
    from model.case_files import Statistic

    users = pd.DataFrame({"step_aware": [0, 1, 1, 2], "step_liked": [0, 1, -1, 2], "step_shared": [-1] * 4,
                          "step_acted": [0, -1, -1, -1], "seed": [True, False, False, False],
                          "reached_by": pd.Categorical(["organiser", "invitation", "none", "media"]),
                          "inviter": [-1, 0, 0, -1]})

    def share(among, which):
        stat = Statistic(name="s", observed=0, tolerance=1, source="s",
                         model={"users": {"among": among, "share": which}})
        return measure(stat, {"n_users": 4}, None, users)

    assert share("invited", "engaged") == pytest.approx(0.5)           # users 1 and 2 invited; user 1 joined
    assert share("engaged and not seed", "reached_by == 'invitation'") == pytest.approx(0.5)


def test_ice_bucket_poll_split_adds_up():
    case = load_case(CASES / "ice_bucket_2014.data.yaml")
    split = [s.observed for s in case.statistics if s.source == "onepoll2014"]
    assert sum(split) == pytest.approx(1.0)


def test_mappings_compute_what_they_say():
    """On a hand-made run: 3 donors among 1,000 members is 99.7% never donated; shares of a user table."""
    stats = {s["name"]: s for s in [
        {"name": "never", "model": {"ratio": ["acted", "engaged"], "complement": True}},
        {"name": "curve", "model": {"series": "engaged", "step": 1, "relative_to_step": 3, "log10": True}},
        {"name": "friends", "model": {"users": {"among": "engaged and not seed", "share": "recruiter >= 0"}}},
        {"name": "reach", "model": {"summary": "aware", "per_user": True}},
    ]}
    from model.case_files import Statistic

    summary = {"acted": 3, "engaged": 1000, "aware": 250, "n_users": 1000}
    series = pd.DataFrame({"engaged": [1, 10, 100, 1000]})
    users = pd.DataFrame({"step_aware": [0, 0, 1, 2, -1], "step_liked": [0, 1, 2, -1, -1],
                          "step_shared": [-1] * 5, "step_acted": [0, -1, -1, -1, -1],
                          "seed": [True, False, False, False, False], "recruiter": [-1, 0, -1, -1, -1]})

    def value(name):
        return measure(Statistic(name=name, observed=0, tolerance=1, source="s", model=stats[name]["model"]),
                       summary, series, users)

    assert value("never") == pytest.approx(0.997)
    assert value("curve") == pytest.approx(0.01)  # log10 is applied to the mean over replicates (finish)
    assert value("friends") == pytest.approx(0.5)  # users 1 and 2 engaged, not seeds; one of them recruited
    assert value("reach") == pytest.approx(0.25)


def _case(tmp_path, scenario: str, statistics: list[dict]):
    (tmp_path / "case.yaml").write_text((SCENARIOS / scenario).read_text())
    data = {"case": "t", "title": "a test case", "scenario": "case.yaml",
            "sources": {"theory": "Granovetter, M. (1978). Threshold models of collective behavior. American "
                                  "Journal of Sociology 83(6):1420-1443."},
            "statistics": statistics}
    path = tmp_path / "case.data.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_compare_passes_granovetters_full_riot_and_marks_the_perturbed_crowd_a_miss(tmp_path, capsys):
    """Granovetter (1978): thresholds 0, 1, ..., 99 riot to the last person; without the 1, it stops at one."""
    stat = {"name": "rioters", "observed": 1.0, "tolerance": 0.01, "source": "theory",
            "model": {"summary": "acted", "per_user": True}}
    path = _case(tmp_path, "granovetter.yaml", [stat])
    assert main(["compare", str(path), "--replicates", "3", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "rioters" in out and "pass" in out and "1 of 1 statistics within tolerance" in out
    table = pd.read_csv(tmp_path / "out" / "comparison.csv")
    assert table.loc[0, "model_mean"] == pytest.approx(1.0)
    assert (tmp_path / "out" / "comparison.png").stat().st_size > 10_000

    path = _case(tmp_path, "granovetter_perturbed.yaml", [stat])
    assert main(["compare", str(path), "--replicates", "3"]) == 0
    out = capsys.readouterr().out
    assert "MISS" in out and "0 of 1 statistics within tolerance" in out


@pytest.mark.slow
@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_compare_reports_every_shipped_case(path, tmp_path, capsys):
    case = load_case(path)
    assert main(["compare", str(path), "--replicates", "2", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    for stat in case.statistics:
        assert stat.name in out
    table = pd.read_csv(tmp_path / "comparison.csv")
    assert list(table["statistic"]) == [s.name for s in case.statistics]
    assert table["model_mean"].notna().all()


@pytest.mark.parametrize("model, problem", [
    ({"ratio": ["acted", "donations"]}, "'donations' is not a model output"),
    ({"summary": "money_raised"}, "'money_raised' is not a model output"),
    ({"series": "goal_step", "step": 3}, "not a per-step output"),
    ({"users": {"among": "engaged", "share": "gift > 0"}}, "maps to no user-table output"),
    ({"series": "acted"}, "needs step"),
    ({"users": {"among": "recruiter", "share": "acted"}}, "not a true/false condition"),
])
def test_a_statistic_that_maps_to_no_output_is_one_line(tmp_path, capsys, model, problem):
    stat = {"name": "x", "observed": 1.0, "tolerance": 0.1, "source": "theory", "model": model}
    path = _case(tmp_path, "granovetter.yaml", [stat])
    with pytest.raises(ScenarioError, match=problem):
        load_case(path)
    assert main(["compare", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err
    assert problem.split("'")[-1].strip() in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_log10_is_taken_of_the_replicates_mean_and_undefined_ratios_are_skipped():
    """Two replicates with 0 and 2 donors per 1,000: log10 of the mean is -3, whatever one zero would do to a
    mean of logs; a replicate where no one engaged (0/0) has no donation rate at all."""
    from model.case_files import Statistic
    from slacktivism.compare import rows_for

    stat = Statistic(name="rate", observed=-3.0, tolerance=0.1, source="s",
                     model={"ratio": ["acted", "engaged"], "log10": True})
    runs = [{"acted": 0, "engaged": 1000}, {"acted": 2, "engaged": 1000}, {"acted": 0, "engaged": 0}]
    values = {"rate": np.array([measure(stat, {**r, "n_users": 1000}, None, None) for r in runs])}
    assert np.isnan(values["rate"][2])
    (row,) = rows_for([stat], values)
    assert row.model_mean == pytest.approx(-3.0) and row.passed


def test_compare_counts_only_the_replicates_that_took_off_and_says_how_many_failed(tmp_path, capsys):
    """As in calibration: a cascade that died is another outcome, so the mean is over the runs that took off."""
    from scipy.stats import beta

    from model import SlacktivismModel
    from model.randomness import spawn_seeds
    from model.scenario import Scenario

    scenario = {"name": "small", "seed": 0, "steps": 40,
                "network": {"kind": "barabasi_albert", "n_users": 500, "mean_degree": 20},
                "seeding": {"strategy": "random", "count": 20}}
    (tmp_path / "small.yaml").write_text(yaml.safe_dump(scenario))
    runs = [SlacktivismModel(Scenario.model_validate({**scenario, "seed": s})).run() for s in spawn_seeds(11, 8)]
    engaged = np.array([r["engaged_participants"] for r in runs])
    at_least = float(np.median(engaged)) + 0.5
    kept = engaged >= at_least
    assert 0 < kept.sum() < len(kept), engaged  # the rule splits these runs, so conditioning changes something
    data = {"case": "small", "title": "a small synthetic case", "scenario": "small.yaml",
            "sources": {"synthetic": "a value chosen for the test"},
            "take_off": {"summary": "engaged_participants", "at_least": at_least},
            "statistics": [{"name": "like_rate", "observed": 0.1, "tolerance": 0.05, "source": "synthetic",
                            "model": {"ratio": ["liked", "aware"]}}]}
    path = tmp_path / "small.data.yaml"
    path.write_text(yaml.safe_dump(data))

    assert main(["compare", str(path), "--replicates", "8", "--seed", "11", "--out", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    expected = np.mean([r["liked"] / r["aware"] for r, k in zip(runs, kept, strict=True) if k])
    table = pd.read_csv(tmp_path / "out" / "comparison.csv")
    assert table.loc[0, "model_mean"] == pytest.approx(expected), (table, expected)
    failed = int((~kept).sum())
    low, high = beta.ppf(0.025, failed, 8 - failed + 1), beta.ppf(0.975, failed + 1, 8 - failed)  # Clopper-Pearson
    assert f"{failed} of 8 replicates did not take off" in out, out
    assert f"95% interval of the share {low:.0%} to {high:.0%}" in out, out
    assert f"over {int(kept.sum())} replicates" in out, out
