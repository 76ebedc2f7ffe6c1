"""A room nobody can stall, and every student in the campaign (viz/roster.py, viz/seats.py), without a browser."""

import sys
from pathlib import Path

import numpy as np
import pytest

from model.participants import Choice
from tests.conftest import HandClock, open_room
from viz import class_results, journal
from viz.class_roster import roster_html, seat_counts
from viz.journal import browser_key
from viz.room_records import REJOIN_SECONDS
from viz.room_server import replayed
from viz.rooms import MAX_WRONG_CODES, MISSES_TO_SKIP, PLEDGES, STEP_INTERVAL, RoomError, RoomSettings

Clock = HandClock




def _answer_all_but(room, absent, choice=Choice.LIKE):
    for s in room.open_cards():
        if s not in absent:
            room.choose(s.token, s.node, s.card.step, choice)


def test_a_seat_that_misses_two_cards_in_a_row_is_not_waited_for_until_it_answers_again(rooms, clock):
    room, students = open_room(rooms, n=40, timeout=30)
    absent = set(students[:5])  # five phones closed
    room.start()
    skipped_steps = waited_steps = 0
    back = None
    for _ in range(30):
        _answer_all_but(room, absent)
        waiting = [s for s in room.open_cards() if s in absent]
        clock.now += STEP_INTERVAL
        if not waiting:
            assert room.tick()
            continue
        if all(s.missed >= MISSES_TO_SKIP for s in waiting):
            back, step = waiting[0], waiting[0].card.step
            assert room.tick(), "the room waited on seats that had missed two cards in a row"
            skipped_steps += 1
            break
        assert not room.tick(), "the room did not wait for a seat that has missed fewer than two cards"
        clock.now += room.settings.timeout
        assert room.tick()
        waited_steps += 1
        if room.phase == "ended":
            break
    assert skipped_steps == 1 and waited_steps >= 2, (skipped_steps, waited_steps)
    # The phone comes back and answers (its last card, late): it is waited for again.
    assert room.choose(back.token, back.node, step, Choice.SHARE).how == "late"
    assert back.missed == 0 and not back.skipped


def test_the_teacher_stops_waiting_for_a_seat_at_once_and_it_is_waited_for_again_once_it_answers(rooms, clock):
    room, students = open_room(rooms, n=6)
    room.start()  # every seat has a card at step 1
    gone, back = students[0], students[1]
    room.skip(gone.pseudonym)
    room.skip(back.pseudonym)
    assert room.status(gone) == "skipped"
    _answer_all_but(room, {gone, back})
    clock.now += STEP_INTERVAL
    assert room.tick(), "the room waited for seats the teacher said not to wait for"
    step = room.model.steps  # a phone that comes back answers the card that just closed (late)
    assert room.choose(back.token, back.node, step, Choice.LIKE).how == "late"
    assert not back.skipped and gone.skipped
    assert [e["kind"] for e in journal.read(room.journal.path)].count("skip") == 2


def test_the_teacher_sees_who_has_answered_the_current_card(rooms, clock):
    room, students = open_room(rooms, n=12)
    assert {room.status(s) for s in students} == {"lobby"}
    room.start()  # the default seats everyone where step 1 reaches: every seat has a card
    assert {room.status(s) for s in students} == {"waiting"}
    a, b = students[0], students[1]
    room.choose(a.token, a.node, a.card.step, Choice.LIKE)
    assert room.status(a) == "answered" and room.status(b) == "waiting"
    assert seat_counts(room) == {"a": 1, "w": 11, "k": 0, "c": 0}
    chips = roster_html("en", room)
    assert f'data-pseudonym="{a.pseudonym}" data-status="answered"' in chips
    assert f'data-pseudonym="{b.pseudonym}" data-status="waiting"' in chips
    clock.now += room.settings.timeout + 1
    room.tick()
    assert all(room.status(s) in ("waiting", "no_card", "answered") for s in students)


def test_a_removed_seat_loses_its_name_is_not_waited_for_and_its_node_stays_out_of_the_crowd(rooms, clock):
    from viz.class_export import user_table

    room, students = open_room(rooms, n=6)
    rude = room.join("Guru bodoh 🤪", "rude-browser")
    room.remove(rude.pseudonym)  # in the lobby: gone before it is seated
    assert "Guru bodoh" not in roster_html("en", room) and len(room.students) == 6
    room.start()
    gone = students[2]
    node, token = gone.node, gone.token
    liked_before = bool(room.model.pop.engaged()[node])
    room.remove(gone.pseudonym)
    with pytest.raises(RoomError) as error:
        room.student(token)  # what its phone holds
    assert error.value.key == "seat_removed"
    assert node not in room.class_nodes().tolist() and node in room.seated_nodes().tolist()
    assert node not in class_results.crowd(room.model, room.seated_nodes()).tolist()
    _answer_all_but(room, set())
    clock.now += STEP_INTERVAL
    assert room.tick(), "the room waited for a removed seat"
    for _ in range(5):
        clock.now += room.settings.timeout + STEP_INTERVAL
        room.tick()
    assert bool(room.model.pop.engaged()[node]) == liked_before  # no one chooses for it any more
    table = user_table(room)
    assert table.loc[table["user"] == node, "student"].item() == gone.pseudonym  # the record keeps its pseudonym
    assert all(s.nickname != "Student 2" for s in [*room.students.values(), *room.left])


def test_a_seat_is_renamed_and_a_taken_or_bad_name_is_refused(rooms):
    room, students = open_room(rooms, n=3)
    with pytest.raises(RoomError, match="nickname_taken"):
        room.rename(students[0].pseudonym, "student 1")
    with pytest.raises(RoomError, match="nickname_empty"):
        room.rename(students[0].pseudonym, "   ")
    with pytest.raises(RoomError, match="no_such_seat"):
        room.rename("S99", "Ana")
    room.rename(students[0].pseudonym, "Ana")
    assert students[0].nickname == "Ana" and room.students["ana"] is students[0]
    assert room.join("Student 0", "new-browser").pseudonym == "S04"  # the old name is free again


def test_a_new_phone_takes_its_seat_back_only_with_the_rejoin_code(rooms, clock):
    room, students = open_room(rooms, n=4)
    room.start()
    ana = students[1]
    node, old_token = ana.node, ana.token
    with pytest.raises(RoomError, match="nickname_taken"):
        room.join("Student 1", "new-phone")
    code = room.rejoin_code(ana.pseudonym)
    assert len(code) == 4 and code in roster_html("en", room)  # shown on the projector
    for _ in range(MAX_WRONG_CODES):
        with pytest.raises(RoomError, match="rejoin_wrong"):
            room.join("", "guesser", rejoin="ZZZZ" if code != "ZZZZ" else "YYYY")
    with pytest.raises(RoomError, match="too_many_tries"):
        room.join("", "guesser", rejoin=code)
    again = room.join("", "new-phone", rejoin=code.lower())
    assert again is ana and again.node == node and again.token != old_token
    assert again.client == browser_key("new-phone")  # a hash: the cookie itself is never journaled
    with pytest.raises(RoomError) as error:
        room.student(old_token)
    assert error.value.key == "seat_moved"
    with pytest.raises(RoomError, match="rejoin_wrong"):  # used once
        room.join("", "third-phone", rejoin=code)
    late = room.rejoin_code(students[2].pseudonym)
    clock.now += REJOIN_SECONDS + 1
    with pytest.raises(RoomError, match="rejoin_wrong"):  # expired
        room.join("", "fourth-phone", rejoin=late)
    assert room.join("Student 1", "new-phone") is ana  # the new browser is now the seat's own


def test_a_new_phone_asks_and_takes_its_seat_back_only_once_the_teacher_lets_it_in(rooms, clock):
    room, students = open_room(rooms, n=3)
    room.start()
    budi = students[1]
    node, old_token = budi.node, budi.token
    room.ask_rejoin("student 1", "new-phone")  # the name as the student types it again (case-blind)
    assert room.ask_state("Student 1", "new-phone") == "waiting"
    with pytest.raises(RoomError, match="nickname_taken"):  # asking is not being let in
        room.join("Student 1", "new-phone")
    room.answer_rejoin(budi.pseudonym, False)
    assert room.ask_state("Student 1", "new-phone") == "refused"
    assert room.student(old_token) is budi  # the old phone keeps the seat
    room.ask_rejoin("Student 1", "new-phone")
    room.answer_rejoin(budi.pseudonym, True)
    assert room.ask_state("Student 1", "new-phone") == "seated"
    again = room.join("Student 1", "new-phone")
    assert again is budi and again.node == node and again.token != old_token
    with pytest.raises(RoomError) as moved:
        room.student(old_token)
    assert moved.value.key == "seat_moved"
    with pytest.raises(RoomError, match="no_such_seat"):  # a name nobody holds
        room.ask_rejoin("Nobody", "other-phone")
    rebuilt = replayed(journal.read(room.journal.path), clock)  # the teacher's yes is journaled as a rejoin
    assert rebuilt.by_pseudonym(budi.pseudonym).client == browser_key("new-phone")


def test_a_late_student_gets_a_fresh_seat_where_the_campaign_reaches_it_once_the_door_is_open(rooms, clock):
    room, students = open_room(rooms, n=20)
    room.start()
    _answer_all_but(room, set())
    clock.now += STEP_INTERVAL
    room.tick()
    with pytest.raises(RoomError, match="room_started"):
        room.join("Latecomer", "late-browser")
    room.open_door(True)
    late = room.join("Latecomer", "late-browser")
    pop = room.model.pop
    assert late.node >= 0 and late.node not in {s.node for s in students}
    assert late.node not in room.model.seeds.tolist() and not pop.engaged()[late.node]
    assert late.card is not None and late.card.step == room.model.steps + 1, "the late student got no card at once"
    room.choose(late.token, late.node, late.card.step, Choice.ACT, pledge=PLEDGES["en"])
    clock.now += room.settings.timeout + STEP_INTERVAL
    room.tick()
    assert pop.acted[late.node] and late.node in room.class_nodes().tolist()
    room.open_door(False)
    with pytest.raises(RoomError, match="room_started"):
        room.join("Later still", "later-browser")


def test_names_are_hidden_from_the_projector_at_once(rooms):
    room, students = open_room(rooms, n=3)
    room.hide_names(True)
    chips = roster_html("en", room)
    assert "Student" not in chips and all(s.pseudonym in chips for s in students)
    room.hide_names(False)
    assert "Student 0" in roster_html("en", room)


def test_the_phone_of_a_student_never_reached_says_so_and_why():
    from viz.i18n import t

    assert t("id", "class_never_reached") == "Kampanye tidak sampai ke feed-mu."
    assert "most users" in t("en", "class_never_reached_why")


@pytest.mark.slow
def test_every_student_gets_a_card_within_three_steps_in_the_default_class_room(tmp_path):
    """Over 20 rooms (seeds 0-19) of 30 students answering at random, as bench/class_bench.py reports."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    from class_rooms import first_card_share, wilson

    reached, total = first_card_share(rooms=20, students=30, journal_dir=tmp_path)
    spread, _ = first_card_share(rooms=20, students=30, journal_dir=tmp_path, placement="spread")
    low, high = wilson(reached, total)
    message = (f"default room: {reached}/{total} = {reached / total:.1%} of students had a card by step 3 "
               f"(95% interval {low:.1%} to {high:.1%}); seated 'spread': {spread / total:.1%}")
    assert low >= 0.98, message
    assert reached > spread, message


def test_a_class_larger_than_the_first_steps_reach_takes_all_of_it_and_sits_beside_it(rooms):
    from viz.seats import class_nodes, first_cards

    room = rooms.open(RoomSettings(n_users=1000, seed=1))
    model = room.model
    reached = first_cards(model)
    count = len(reached) + 5
    assert count <= model.n_users - len(model.seeds)
    nodes = class_nodes(model, count, "reached")
    assert len(set(nodes.tolist())) == count and not set(nodes.tolist()) & set(model.seeds.tolist())
    assert set(reached.tolist()) <= set(nodes.tolist())  # everyone the first step reaches is a student
    assert np.array_equal(nodes, class_nodes(model, count, "reached"))  # keyed: the same seats again


def test_a_late_student_after_the_campaign_settled_sits_where_posts_can_still_reach_it(rooms, clock):
    from viz.seats import late_node

    room, _students = open_room(rooms, n=10)
    room.start()
    room.end()
    model = room.model
    node = late_node(model, room.seated_nodes(), room.class_nodes(), 1)
    pop, g = model.pop, model.graph
    assert node >= 0 and not pop.aware[node] and node not in room.seated_nodes().tolist()
    followees = g.followees[g.followee_indptr[node]:g.followee_indptr[node + 1]]
    unaware = np.flatnonzero(~pop.aware & ~np.isin(np.arange(model.n_users), room.seated_nodes()))
    best = max(int(pop.engaged()[g.followees[g.followee_indptr[u]:g.followee_indptr[u + 1]]].sum()) for u in unaware)
    assert int(pop.engaged()[followees].sum()) == best  # it follows as many who engaged as any free user does


def test_a_card_dealt_to_a_late_student_during_a_pause_starts_its_time_out_when_the_room_resumes(rooms, clock):
    room, _ = open_room(rooms, n=10)
    room.start()
    room.pause()
    room.open_door(True)
    late = room.join("Latecomer", "late-browser")
    assert late.card is not None and room.card_left(late) == pytest.approx(room.settings.timeout)
    clock.now += 200  # a long talk
    room.start()
    assert room.card_left(late) == pytest.approx(room.settings.timeout)
