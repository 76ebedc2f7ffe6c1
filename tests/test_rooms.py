"""Class mode's rooms, without a browser: joining, choosing, time, and every refusal leaving the room as it was."""

import copy

import numpy as np
import pytest

from model.participants import Choice
from tests.conftest import open_room
from viz import class_results
from viz.room_server import ENDED_LIMIT, IDLE_LIMIT, MAX_ROOMS
from viz.rooms import (
    MAX_STUDENTS,
    MAX_WRONG_CODES,
    PLEDGES,
    STEP_INTERVAL,
    WRONG_CODE_WINDOW,
    RoomError,
    RoomSettings,
)


class Clock:
    """A clock the test moves by hand."""

    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now




def _snapshot(room):
    """What a refused request must leave unchanged."""
    decided = room.seats.decided if room.seats else {}
    return (room.version, room.phase, len(room.students), len(room.log), decided,
            [(s.node, s.card, s.answered) for s in room.students.values()], room.model.steps)


def _until_cards(room, clock):
    """Step (each card timing out) until some student has a card open."""
    while not room.open_cards():
        clock.now += STEP_INTERVAL
        assert room.step(), "the campaign settled before it reached any student"
    return room.open_cards()


def _refused(room, key, call):
    before = _snapshot(room)
    with pytest.raises(RoomError) as error:
        call()
    assert error.value.key == key
    assert _snapshot(room) == before


def test_codes_are_six_unambiguous_characters_and_differ(rooms):
    codes = {rooms.open(RoomSettings(n_users=200)).code for _ in range(5)}
    assert len(codes) == 5
    assert all(len(c) == 6 and not set(c) & set("0O1IL") for c in codes)


def test_join_seats_students_and_start_places_each_on_its_own_node(rooms):
    room, students = open_room(rooms, n=12)
    assert room.phase == "lobby" and all(s.node == -1 for s in students)
    room.start()
    nodes = [s.node for s in students]
    assert len(set(nodes)) == 12 and not set(nodes) & set(room.model.seeds.tolist())
    assert sorted(nodes) == room.seats.nodes.tolist()


def test_a_wrong_code_is_refused_and_guessing_is_rate_limited(rooms, clock):
    room, _ = open_room(rooms)
    assert rooms.find(room.code.lower(), "x") is room  # case forgiven
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(RoomError, match="wrong_code"):
            rooms.find("AAAAAA" if room.code != "AAAAAA" else "BBBBBB", "guesser")
    with pytest.raises(RoomError, match="too_many_tries"):
        rooms.find(room.code, "guesser")  # even the right code, until the window passes
    assert rooms.find(room.code, "someone-else") is room
    clock.now += 61
    assert rooms.find(room.code, "guesser") is room


def test_bad_nicknames_a_full_room_and_a_started_room_are_refused_and_change_nothing(rooms):
    room, _students = open_room(rooms, n=3)
    _refused(room, "nickname_empty", lambda: room.join("   ", "b"))
    _refused(room, "nickname_empty", lambda: room.join("\u200b\x00\x1b", "b"))  # nothing printable
    _refused(room, "nickname_long", lambda: room.join("x" * 21, "b"))
    _refused(room, "nickname_taken", lambda: room.join("  student   0 ", "another-browser"))
    for k in range(3, MAX_STUDENTS):
        room.join(f"S{k}", f"c{k}")
    _refused(room, "room_full", lambda: room.join("one too many", "z"))
    room.start()
    _refused(room, "room_started", lambda: room.join("latecomer", "z"))


def test_a_rejoin_with_the_same_nickname_from_the_same_browser_gets_the_same_node(rooms):
    room, students = open_room(rooms)
    room.start()
    again = room.join("student 1", client="browser-1")
    assert again is students[1] and again.node == students[1].node


def test_nicknames_are_escaped_for_the_projector(rooms):
    from viz.rooms import escape

    room, _ = open_room(rooms, n=0)
    assert room.join(" Ana\x1b[31m  Putri\n", "c").nickname == "Ana[31m Putri"  # control characters dropped
    assert escape('<img src=x onerror="alert(1)">') == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def test_each_of_the_four_choices_enters_the_model_and_a_double_tap_is_refused(rooms, clock):
    room, _students = open_room(rooms, n=40)
    room.start()
    done = {}
    while len(done) < 4:
        for s in _until_cards(room, clock):
            choice = next((c for c in Choice if c not in done), None)
            if choice is None:
                break
            step = s.card.step
            record = room.choose(s.token, s.node, step, choice, pledge=PLEDGES["id"])
            assert record.how == "card" and record.choice == choice
            _refused(room, "already_chosen", lambda s=s, step=step: room.choose(s.token, s.node, step, Choice.LIKE))
            done[choice] = s
        clock.now += STEP_INTERVAL
        room.step()
    pop = room.model.pop
    like, share, act, none = (done[c].node for c in (Choice.LIKE, Choice.SHARE, Choice.ACT, Choice.NONE))
    assert pop.liked[like] and not pop.shared[like] and not pop.acted[like]
    assert pop.shared[share] and not pop.acted[share]
    assert pop.acted[act]
    assert not (pop.liked[none] or pop.shared[none] or pop.acted[none])
    funnel = class_results.funnel_of(room.model, room.class_nodes())
    assert funnel.liked >= 1 and funnel.shared >= 1 and funnel.acted == 1


def test_a_forged_choice_for_another_node_is_refused(rooms, clock):
    room, students = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    other = next(o for o in students if o is not s)
    _refused(room, "not_your_node", lambda: room.choose(s.token, other.node, s.card.step, Choice.ACT,
                                                        pledge=PLEDGES["en"]))
    _refused(room, "not_in_room", lambda: room.choose("a-guessed-token", s.node, s.card.step, Choice.LIKE))
    outsider = next(u for u in range(room.model.n_users) if u not in set(room.class_nodes().tolist()))
    _refused(room, "not_your_node", lambda: room.choose(s.token, outsider, s.card.step, Choice.SHARE))


def test_taking_action_costs_a_pledge_or_a_wait_measured_on_the_server(rooms, clock):
    room, _ = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    _refused(room, "pledge_wrong", lambda: room.choose(s.token, s.node, s.card.step, Choice.ACT, pledge="ok"))
    room.choose(s.token, s.node, s.card.step, Choice.ACT, pledge="  i WILL take   part ")

    waiting, _ = open_room(rooms, n=40, action_cost="wait", wait_seconds=20)
    waiting.start()
    w = _until_cards(waiting, clock)[0]
    _refused(waiting, "wait_unfinished", lambda: waiting.choose(w.token, w.node, w.card.step, Choice.ACT))
    waiting.begin_action(w.token, w.node, w.card.step)
    clock.now += 10
    _refused(waiting, "wait_unfinished", lambda: waiting.choose(w.token, w.node, w.card.step, Choice.ACT))
    clock.now += 10
    assert waiting.choose(w.token, w.node, w.card.step, Choice.ACT).choice == Choice.ACT


def test_the_clock_waits_for_open_cards_up_to_the_time_out_then_they_scrolled_past(rooms, clock):
    room, _ = open_room(rooms, n=40, timeout=30)
    room.start()
    cards = _until_cards(room, clock)
    steps = room.model.steps
    clock.now += 29
    assert not room.tick() and room.model.steps == steps  # still waiting for the phones
    clock.now += 2
    assert room.tick() and room.model.steps == steps + 1
    timed_out = [r for r in room.log if r.how == "timeout"]
    assert {r.node for r in timed_out} >= {s.node for s in cards}
    assert all(r.choice == Choice.NONE for r in timed_out)


def test_the_clock_steps_as_soon_as_every_open_card_is_answered(rooms, clock):
    room, _ = open_room(rooms, n=40)
    room.start()
    cards = _until_cards(room, clock)
    clock.now += STEP_INTERVAL
    steps = room.model.steps
    for s in cards[:-1]:
        room.choose(s.token, s.node, s.card.step, Choice.LIKE)
    assert not room.tick()
    last = cards[-1]
    room.choose(last.token, last.node, last.card.step, Choice.NONE)
    assert room.tick() and room.model.steps == steps + 1


def test_a_choice_after_the_step_moved_on_counts_in_the_next_step(rooms, clock):
    room, _ = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    old_step = s.card.step
    clock.now += 31
    room.step()  # timed out
    assert not room.model.pop.liked[s.node]
    record = room.choose(s.token, s.node, old_step, Choice.LIKE)
    assert record.how == "late"
    _refused(room, "already_chosen", lambda: room.choose(s.token, s.node, old_step, Choice.SHARE))
    clock.now += STEP_INTERVAL
    room.step()
    assert room.model.pop.liked[s.node] and room.model.pop.step_liked[s.node] == old_step + 1


def test_a_choice_for_a_card_never_shown_is_refused(rooms, clock):
    room, students = open_room(rooms, n=40, placement="spread")  # the default seats everyone where step 1 reaches
    room.start()
    _until_cards(room, clock)
    idle = next(s for s in students if s.card is None)
    _refused(room, "no_card", lambda: room.choose(idle.token, idle.node, room.model.steps + 1, Choice.LIKE))


def test_after_the_end_nothing_is_taken(rooms, clock):
    room, _students = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    step = s.card.step
    room.end()
    assert room.phase == "ended" and not room.open_cards()
    _refused(room, "room_ended", lambda: room.choose(s.token, s.node, step, Choice.LIKE))
    _refused(room, "room_ended", lambda: room.join("new", "n"))
    assert not room.step()


def test_pause_holds_the_clock(rooms, clock):
    room, _ = open_room(rooms)
    room.start()
    room.pause()
    clock.now += 100
    assert not room.tick()
    room.start()
    clock.now += 100
    assert room.tick()


def test_several_rooms_are_separate_and_a_closed_room_is_forgotten(rooms, clock):
    a, sa = open_room(rooms)
    b, _sb = open_room(rooms)
    a.start()
    assert b.phase == "lobby" and a.model is not b.model
    with pytest.raises(RoomError, match="not_in_room"):
        b.student(sa[0].token)
    rooms.close(a.code)
    assert a.code not in rooms and a.phase == "ended"
    with pytest.raises(RoomError, match="wrong_code"):
        rooms.find(a.code, "x")


def test_listeners_hear_the_teacher_always_and_a_student_only_its_own_and_room_wide_changes(rooms, clock):
    room, students = open_room(rooms, n=40)
    heard = {"teacher": [], "s0": [], "s1": []}
    room.subscribe(heard["teacher"].append)
    room.subscribe(heard["s0"].append, token=students[0].token)
    room.subscribe(heard["s1"].append, token=students[1].token)
    room.start()
    s = _until_cards(room, clock)[0]
    other = next(k for k in ("s0", "s1") if students[int(k[1])] is not s) if s in students[:2] else "s1"
    before = list(heard[other])
    room.choose(s.token, s.node, s.card.step, Choice.LIKE)
    assert heard["teacher"][-1] == "choice"
    assert heard[other] == before  # another student's phone is not told of this choice


def test_what_a_share_led_to_is_counted_from_the_recruitment_tree(rooms, clock):
    room, _students = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    room.choose(s.token, s.node, s.card.step, Choice.SHARE)
    while room.phase != "ended":
        clock.now += 60
        room.step()
    model = room.model
    result = class_results.outcome(model, s.node)
    assert result.shared and result.followers == len(model.graph.followers_of(s.node))
    below = [i for i in range(model.n_users) if _has_ancestor(model.pop.recruiter, i, s.node)]
    assert result.recruited == len(below)
    assert result.recruited_acted == int(np.count_nonzero(model.pop.acted[below]))
    trees = class_results.class_tree(model, room.class_nodes())
    assert all(t.user in set(room.class_nodes().tolist()) for t in trees)


def _has_ancestor(recruiter, i, root):
    seen = 0
    while recruiter[i] >= 0 and seen < 10_000:
        i = recruiter[i]
        if i == root:
            return True
        seen += 1
    return False


def test_settings_are_checked():
    with pytest.raises(ValueError, match="placement"):
        RoomSettings(placement="hubs")
    with pytest.raises(ValueError, match="timeout"):
        RoomSettings(timeout=1)
    with pytest.raises(ValueError, match="n_users"):
        RoomSettings(n_users=100_000)
    assert copy.copy(RoomSettings()) == RoomSettings()


def test_the_export_holds_the_run_files_the_choices_and_pseudonyms_only(rooms, clock):
    import io
    import zipfile

    import pandas as pd

    from viz.class_export import export_zip

    room, students = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    room.choose(s.token, s.node, s.card.step, Choice.SHARE)
    clock.now += STEP_INTERVAL
    room.step()
    room.end()
    with zipfile.ZipFile(io.BytesIO(export_zip(room))) as z:
        files = {n.split("/")[-1]: n for n in z.namelist()}
        assert {"timeseries.csv", "timeseries.parquet", "summary.json", "figure.png", "users.parquet", "users.csv",
                "choices.csv"} <= set(files)
        users = pd.read_csv(z.open(files["users.csv"]), keep_default_na=False)
        choices = pd.read_csv(z.open(files["choices.csv"]))
        blob = b"".join(z.read(n) for n in z.namelist())
    assert sorted(users.loc[users["student"] != "", "student"]) == sorted(x.pseudonym for x in students)
    assert users.loc[users["student"] == s.pseudonym, "user"].item() == s.node
    assert users.loc[users["user"] == s.node, "step_shared"].item() >= 1
    row = choices[choices["student"] == s.pseudonym].iloc[0]
    assert row["choice"] == "share" and row["how"] == "card" and row["node"] == s.node
    assert b"Student " not in blob  # nicknames never leave the server


def test_a_reloaded_projector_gets_its_room_back_and_no_other_browser_does(rooms):
    room = rooms.open(RoomSettings(n_users=200), owner="teacher-browser")
    assert rooms.owned_by("teacher-browser") is room
    assert rooms.owned_by("student-browser") is None and rooms.owned_by("") is None
    room.end()
    assert rooms.owned_by("teacher-browser") is None


def test_a_pause_pressed_after_the_clock_decided_to_step_wins(rooms, clock):
    room, _ = open_room(rooms)
    room.start()
    clock.now += 100
    steps = room.model.steps
    room.pause()
    assert not room.step(clock=True) and room.model.steps == steps
    assert room.step() and room.model.steps == steps + 1  # the teacher's own Step still steps a paused room


def test_end_applies_every_choice_made_before_it_and_the_counts_agree_with_the_network(rooms, clock):
    room, _students = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    room.choose(s.token, s.node, s.card.step, Choice.ACT, pledge=PLEDGES["en"])
    steps = room.model.steps
    room.end()
    model, pop = room.model, room.model.pop
    assert room.phase == "ended" and model.steps == steps + 1
    assert pop.acted[s.node]
    assert class_results.funnel_of(model, room.class_nodes()).acted == 1
    assert model.current["aware"] == int(pop.aware.sum())
    assert model.current["acted"] == int(pop.acted.sum())
    from viz.class_export import user_table
    table = user_table(room)
    row = table[table["student"] == s.pseudonym]
    assert len(row) == 1 and row["step_acted"].iloc[0] == steps + 1


def test_the_teachers_step_between_the_clocks_look_and_its_step_wins(rooms, clock):
    room, _ = open_room(rooms)
    room.start()
    clock.now += 100  # the clock looks: the step is due
    steps = room.model.steps
    assert room.step()  # the teacher presses Step before the clock's step runs
    assert not room.step(clock=True)  # the clock's step, decided before the teacher's, must not step again
    assert room.model.steps == steps + 1


def test_a_pause_holds_the_open_cards_time_outs(rooms, clock):
    room, _ = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    step, timeout = s.card.step, room.settings.timeout
    clock.now += 10
    room.pause()
    clock.now += 3 * timeout  # a pause longer than the time-out
    room.start()
    assert not room.tick()
    assert s.card is not None and s.card.step == step, "the card timed out while the room was paused"
    assert room.model.steps == step - 1
    clock.now += timeout - 10 - 1  # the card had timeout - 10 seconds left when the room paused
    assert not room.tick() and s.card is not None
    clock.now += 2
    assert room.tick() and room.model.steps == step
    assert any(r.node == s.node and r.step == step and r.how == "timeout" for r in room.log)


def test_the_phone_counts_down_what_is_left_of_its_card_and_holds_it_in_a_pause(rooms, clock):
    room, _ = open_room(rooms, n=40)
    room.start()
    s = _until_cards(room, clock)[0]
    timeout = room.settings.timeout
    clock.now += 10
    assert room.card_left(s) == pytest.approx(timeout - 10)
    room.pause()
    clock.now += 100
    assert room.card_left(s) == pytest.approx(timeout - 10)
    room.start()
    clock.now += 5
    assert room.card_left(s) == pytest.approx(timeout - 15)


@pytest.mark.parametrize("scenario", ["granovetter", "watts_cascade"])
def test_a_room_refuses_a_threshold_rule_scenario_with_a_clear_message(rooms, scenario):
    with pytest.raises(ValueError, match="logit rule"):
        rooms.open(RoomSettings(scenario=scenario, n_users=100))
    assert len(rooms) == 0


def test_a_teachers_browser_holds_one_room_and_the_server_at_most_max_rooms(rooms):
    first = rooms.open(RoomSettings(n_users=100), owner="teacher")
    second = rooms.open(RoomSettings(n_users=100), owner="teacher")
    assert len(rooms) == 1 and second.code in rooms and first.code not in rooms
    assert first.phase == "ended" and rooms.owned_by("teacher") is second
    for k in range(MAX_ROOMS - 1):
        rooms.open(RoomSettings(n_users=100), owner=f"other-{k}")
    assert len(rooms) == MAX_ROOMS
    with pytest.raises(RoomError) as error:
        rooms.open(RoomSettings(n_users=100), owner="one-more")
    assert error.value.key == "rooms_full" and len(rooms) == MAX_ROOMS
    third = rooms.open(RoomSettings(n_users=100), owner="teacher")  # replacing its own room is not one more
    assert rooms.owned_by("teacher") is third and len(rooms) == MAX_ROOMS


def test_the_janitor_drops_ended_rooms_and_ends_and_drops_idle_ones(rooms, clock):
    ended, _ = open_room(rooms)
    ended.start()
    ended.end()
    idle, _ = open_room(rooms)
    idle.start()
    fresh, _ = open_room(rooms)
    clock.now += ENDED_LIMIT + 1
    fresh.join("late comer", "late")  # activity keeps a room
    assert rooms.sweep() == [ended.code]
    clock.now += IDLE_LIMIT - ENDED_LIMIT
    assert rooms.sweep() == [idle.code]
    assert idle.phase == "ended" and fresh.code in rooms and len(rooms) == 1


def test_expired_wrong_code_counts_are_forgotten(rooms, clock):
    room, _ = open_room(rooms)
    rooms.find(room.code, "right")
    assert "right" not in rooms._wrong  # a right code leaves nothing behind
    for k in range(50):
        with pytest.raises(RoomError):
            rooms.find("ZZZZZZ", f"guesser-{k}")
    assert len(rooms._wrong) == 50
    clock.now += WRONG_CODE_WINDOW + 1
    rooms.sweep()
    assert rooms._wrong == {}


def test_nicknames_are_compared_in_nfc_and_stacked_combining_marks_are_refused(rooms):
    room, _ = open_room(rooms, n=0)
    composed = room.join("Andr\u00e9", "browser-a")  # é as one character
    _refused(room, "nickname_taken", lambda: room.join("Andre\u0301", "browser-b"))  # e + combining acute
    assert room.join("Andre\u0301", "browser-a") is composed  # the same name from the same browser
    assert room.join("Nguy\u1ec5n", "v").nickname == "Nguy\u1ec5n"  # accents a name needs are kept
    assert room.join("Thu\u0301\u0323", "w")  # two marks on one letter are allowed
    _refused(room, "nickname_marks", lambda: room.join("Z\u0301\u0302\u0303\u0304algo", "z"))


def test_a_late_tap_in_a_room_credits_the_same_recruiter_as_the_same_tap_on_time(rooms, clock):
    def room_at_first_fresh_card():
        room, _ = open_room(rooms, n=40)
        room.start()
        while True:
            fresh = [s for s in _until_cards(room, clock) if not room.model.pop.engaged()[s.node]]
            if fresh:
                return room, fresh[0]
            clock.now += STEP_INTERVAL
            room.step()

    on_time, a = room_at_first_fresh_card()
    late, b = room_at_first_fresh_card()
    assert a.node == b.node and a.card == b.card
    step = a.card.step
    on_time.choose(a.token, a.node, step, Choice.LIKE)
    on_time.step()
    late.step()  # b's card timed out
    assert late.choose(b.token, b.node, step, Choice.LIKE).how == "late"
    late.step()
    assert late.model.pop.liked[b.node]
    assert late.model.pop.recruiter[b.node] == on_time.model.pop.recruiter[a.node]
