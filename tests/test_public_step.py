"""The step's two public halves: open_step() says who chooses and what the rule chose; close_step() applies."""

import numpy as np
import pytest

from model import SlacktivismModel, load_scenario
from model.choices import Choices
from model.state import Channel
from tests.conftest import SCENARIOS


def _model(seed=3, **overrides):
    return SlacktivismModel(load_scenario(SCENARIOS / "baseline.yaml", overrides), rng=seed)


@pytest.mark.parametrize("seed", [1, 2])
def test_opening_and_closing_each_step_is_the_step(seed):
    plain, halves = _model(seed), _model(seed)
    plain.run()
    while halves.running and halves.steps < halves.spec.steps:
        opened = halves.open_step()
        assert halves.open_step().step == opened.step == halves.steps + 1  # opening twice opens once
        halves.close_step()
    assert plain.timeseries().equals(halves.timeseries()) and plain.user_table().equals(halves.user_table())


def test_closing_with_choices_replaces_the_rules_and_only_for_those_users():
    model = _model()
    for _ in range(3):
        model.step()
    opened = model.open_step()
    declined = opened.users[~(opened.like | opened.share | opened.act)]
    assert len(declined) >= 2
    forced, left = declined[:1], declined[1:]
    outsider = int(np.flatnonzero(~model.pop.aware & ~np.isin(np.arange(model.n_users), opened.users))[0])
    acted_before = model.current["acted"]
    model.close_step(Choices(np.array([forced[0], outsider]), np.zeros(2, bool), np.zeros(2, bool),
                             np.ones(2, bool)))
    assert model.pop.acted[forced].all() and model.pop.acted[outsider]  # a user outside the step is added
    assert not model.pop.engaged()[left].any()                            # the rest kept the rule's choice
    assert model.current["acted"] == acted_before + int(opened.act.sum()) + 2


def test_would_credit_is_what_the_close_records_and_credit_overrides_it():
    model = _model(seed=5)
    while model.running:
        opened = model.open_step()
        fresh = opened.users[opened.in_feed & ~model.pop.engaged()[opened.users]]
        if len(fresh) >= 2:
            break
        model.close_step()
    recruiters, channels = model.would_credit(fresh)
    everyone = Choices(fresh, np.ones(len(fresh), bool), np.zeros(len(fresh), bool), np.zeros(len(fresh), bool))
    other = int(model.seeds[0])
    model.close_step(everyone, credit={int(fresh[0]): (other, int(Channel.INVITATION))})
    assert model.pop.recruiter[fresh[0]] == other and model.pop.reached_by[fresh[0]] == Channel.INVITATION
    assert np.array_equal(model.pop.recruiter[fresh[1:]], recruiters[1:])
    assert np.array_equal(model.pop.reached_by[fresh[1:]], channels[1:])


def test_a_finished_run_has_no_step_to_open():
    model = _model(steps=2)
    model.run()
    with pytest.raises(ValueError, match="ended"):
        model.open_step()
