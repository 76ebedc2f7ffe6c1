"""A wrong scenario never starts a run and never shows a traceback: one line, exit 2."""

import re
import subprocess
import sys
import time

import pytest

from model import ScenarioError, load_scenario
from slacktivism.cli import main
from tests.conftest import ROOT

LINE = re.compile(r"^\S+?(:\d+)?: .+$")

BILLION_LAUGHS = """a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def _cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _write(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return path


CASES = {
    "alias_bomb": (BILLION_LAUGHS, "anchors and aliases are not allowed"),
    "too_big": ("name: x\n" + "#" * (5 * 1024 * 1024), "too big"),
    "binary": (b"\x7fELF\x02\x01\x01\x00\x00\x00" * 50, "binary"),
    "empty": ("", "empty"),
    "blank": ("\n   \n", "empty"),
    "wrong_type": ("name: x\nnetwork:\n  n_users: lots\n", "network.n_users"),
    "not_a_mapping": ("- a\n- b\n", "mapping"),
    "bad_yaml": ("name: [unclosed\n", "not valid YAML"),
    "latin1": ("name: caf\xe9\n".encode("latin-1"), "UTF-8"),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["validate", "run"])
def test_bad_files_give_one_line_and_exit_2(tmp_path, capsys, case, command):
    content, expected = CASES[case]
    path = _write(tmp_path, f"{case}.yaml", content)
    started = time.perf_counter()
    code, out, err = _cli(capsys, command, str(path))
    elapsed = time.perf_counter() - started
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(str(path)) and expected in lines[0]
    assert "Traceback" not in err and out == ""
    assert elapsed < 5, "bad input must be refused quickly, not after expanding it"


def test_missing_file(capsys, tmp_path):
    code, _, err = _cli(capsys, "run", str(tmp_path / "nope.yaml"))
    assert code == 2 and err.strip() == f"{tmp_path / 'nope.yaml'}: no such file"


def test_wrong_type_names_file_line_key_value_and_what_is_allowed(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "name: x\nnetwork:\n  kind: erdos_renyi\n  n_users: -5\n")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 2
    assert err.strip() == f"{path}:4: network.n_users: input should be greater than or equal to 1 (got -5)"


def test_not_an_allowed_value_lists_the_allowed(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "platform:\n  feed: algorithmic\n")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 2
    assert err.strip() == (f"{path}:2: platform.feed: not an allowed value (got 'algorithmic'; "
                           "allowed 'chronological' or 'engagement')")


def test_misspelt_key_suggests_the_closest(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "name: x\nnetwork:\n  mean_degre: 4\n")
    code, _, err = _cli(capsys, "validate", str(path))
    assert code == 2
    assert err.strip() == f"{path}:3: network.mean_degre: unknown key; did you mean network.mean_degree?"


def test_misspelt_section_suggests_the_closest(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "name: x\nslacktivsm:\n  licensing: 0.2\n")
    _, _, err = _cli(capsys, "validate", str(path))
    assert "slacktivsm: unknown key; did you mean slacktivism?" in err


def test_distribution_errors(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "users:\n  threshold: {dist: normal, mean: 1, sd: -2}\n")
    _, _, err = _cli(capsys, "validate", str(path))
    assert err.strip() == f"{path}:2: users.threshold.sd: input should be greater than or equal to 0 (got -2)"
    path = _write(tmp_path, "t.yaml", "users:\n  threshold: {dist: poisson, mean: 1}\n")
    _, _, err = _cli(capsys, "validate", str(path))
    assert "users.threshold: dist must be one of beta, constant, normal, uniform, values (got 'poisson')" in err


def test_cross_field_errors_name_the_key(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "network: {kind: complete, n_users: 4}\n"
                                      "users:\n  threshold: {dist: values, values: [1, 2]}\n")
    _, _, err = _cli(capsys, "validate", str(path))
    assert err.strip() == f"{path}:3: users.threshold: has 2 values for 4 users (needs one per user)"


def test_set_unknown_key(capsys):
    code, out, err = _cli(capsys, "run", str(ROOT / "scenarios" / "baseline.yaml"), "--set", "network.n_user=5")
    assert code == 2 and out == ""
    assert err.strip().endswith("network.n_user: --set names an unknown key; did you mean network.n_users?")


def test_set_wrong_value_is_validated_like_the_file(capsys):
    code, _, err = _cli(capsys, "run", str(ROOT / "scenarios" / "baseline.yaml"), "--set", "slacktivism.licensing=2")
    assert code == 2
    assert "slacktivism.licensing: input should be less than or equal to 1 (got 2)" in err


def test_set_without_equals(capsys):
    code, _, err = _cli(capsys, "run", str(ROOT / "scenarios" / "baseline.yaml"), "--set", "steps")
    assert code == 2 and "expected dotted.key=value" in err


def test_bad_flag_values_are_one_line(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--seed", "minus"])
    assert exit_info.value.code == 2
    assert "expected a whole number" in capsys.readouterr().err


def test_validate_reports_every_file_and_exits_2_if_any_is_wrong(tmp_path, capsys):
    good = ROOT / "scenarios" / "baseline.yaml"
    bad = _write(tmp_path, "bad.yaml", "steps: many\n")
    code, out, err = _cli(capsys, "validate", str(good), str(bad))
    assert code == 2 and "baseline.yaml: ok" in out and err.count("\n") == 1


def test_missing_edge_list_is_refused_before_running(tmp_path, capsys):
    path = _write(tmp_path, "s.yaml", "network: {kind: edgelist, path: nowhere.txt}\n")
    code, _, err = _cli(capsys, "run", str(path))
    assert code == 2 and "cannot read edge list" in err and len(err.strip().splitlines()) == 1


def test_load_scenario_raises_scenario_error(tmp_path):
    with pytest.raises(ScenarioError):
        load_scenario(_write(tmp_path, "s.yaml", "steps: -1\n"))


def test_real_process_alias_bomb_exits_2_without_traceback(tmp_path):
    path = _write(tmp_path, "bomb.yaml", BILLION_LAUGHS)
    result = subprocess.run([sys.executable, "-m", "slacktivism", "run", str(path)], check=False, capture_output=True,
                            text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1


NEW_KEYS = {
    "event_min_too_big": ("network: {n_users: 50}\ncampaign: {logic: collective, event_min: 60}\n", 2,
                          "campaign.event_min: is 60 but there are only 50 users"),
    "event_min_needs_collective": ("campaign:\n  event_min: 5\n", 2,
                                   "campaign.event_min: needs campaign.logic collective (got individual)"),
    "ask_at_step_zero": ("campaign:\n  asks: [0, 4]\n", 2, "campaign.asks: are steps >= 1"),
    "licensing_above_one": ("slacktivism:\n  licensing: 1.5\n", 2,
                            "slacktivism.licensing: input should be less than or equal to 1 (got 1.5)"),
    "consistency_below_one": ("slacktivism:\n  consistency: 0.5\n", 2,
                              "slacktivism.consistency: input should be greater than or equal to 1 (got 0.5)"),
    "unknown_logic": ("campaign:\n  logic: viral\n", 2, "campaign.logic: not an allowed value (got 'viral'"),
    "homophily_above_one": ("identity:\n  homophily: 2\n", 2, "identity.homophily: input should be less than"),
    "bundle_negative": ("campaign:\n  bundle: -0.1\n", 2, "campaign.bundle: input should be greater than"),
    "ask_twice": ("campaign:\n  asks: [4, 4]\n", 2, "campaign.asks: names a step twice (got [4, 4])"),
    "news_at_step_zero": ("media:\n  events: [{step: 0, reach: 0.1}]\n", 2,
                          "media.events.step: input should be greater than or equal to 1 (got 0)"),
    "news_past_steps": ("steps: 10\nmedia:\n  events: [{step: 12, reach: 0.1}]\n", 3,
                        "media.events: has a report at step 12, past steps (10)"),
    "propensity_without_invitations": ("invitations:\n  spread: 1.5\n", 2,
                                       "invitations.spread: needs invitations.rate > 0"),
    "list_without_share": ("campaign:\n  ask_to: list\n", 2,
                           "campaign.ask_to: list needs campaign.ask_list > 0"),
    "share_without_list": ("campaign:\n  ask_list: 0.2\n", 2,
                           "campaign.ask_list: needs campaign.ask_to list (got supporters)"),
    "memory_above_one": ("decision:\n  memory: 1.5\n", 2, "decision.memory: input should be less than or equal"),
    "nobody_interested": ("users:\n  interested: 0\n", 2, "users.interested: input should be greater than 0"),
    "media_hazard_negative": ("media:\n  hazard: -0.1\n", 2, "media.hazard: input should be greater than"),
}


@pytest.mark.parametrize("case", sorted(NEW_KEYS))
def test_new_mechanism_keys_are_refused_with_file_line_and_range(tmp_path, capsys, case):
    """Each key of the literature-grounded mechanisms, and each impossible combination, is one FILE:LINE: line."""
    content, line, expected = NEW_KEYS[case]
    path = _write(tmp_path, f"{case}.yaml", "name: x\n" + content)
    code, out, err = _cli(capsys, "run", str(path))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() == err.strip().splitlines()[0] and LINE.match(err.strip())
    assert f"{path}:{line + 1}: {expected}" in err, err


def test_an_event_minimum_above_a_read_network_is_refused_once_the_file_is_read(capsys):
    """With an edge list the population is known only after reading the file; the model then refuses in one line."""
    code, out, err = _cli(capsys, "run", str(ROOT / "scenarios" / "facebook_ego.yaml"),
                          "--set", "campaign.logic=collective", "--set", "campaign.event_min=5000")
    assert code == 2 and out == "" and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "campaign.event_min is 5000 but there are only 4039 users" in err


def test_steps_beyond_the_16_bit_step_records_are_refused_naming_the_largest(capsys):
    """Step records are 16-bit (model.state.STEP): 32,767 steps run, 32,768 are refused in one line naming 32767."""
    from model.state import MAX_STEPS

    assert MAX_STEPS == 32767
    assert main(["validate", str(ROOT / "scenarios" / "baseline.yaml")]) == 0
    capsys.readouterr()
    assert main(["run", str(ROOT / "scenarios" / "baseline.yaml"), "--steps", "32768"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "32767" in err and "32768" in err, err
