"""The class debrief and the prediction before the reveal, without a browser (viz/class_debrief.py, predictions).

The browser tests (tests/test_class_debrief_browser.py) check what a teacher
sees on a projector; these check the drawing's and the room's rules.
"""

import xml.etree.ElementTree as ET

import pytest

from model.participants import Choice
from tests.conftest import open_room
from viz import class_results, journal
from viz.class_debrief import network_names_html, tree_svg
from viz.class_predictions import bin_label, prediction_html
from viz.room_predictions import BINS, bin_of
from viz.room_server import replayed
from viz.rooms import RoomError


def _sharing_room(rooms, n=10, steps=8):
    """A room whose students share every card they get, then ended."""
    room, students = open_room(rooms, n=n)
    room.start()
    for _ in range(steps):
        for s in list(room.open_cards()):
            room.choose(s.token, s.node, s.card.step, Choice.SHARE)
        room.step()
    room.end()
    return room, students


def test_the_recruitment_tree_draws_each_user_once_below_the_one_who_brought_them_in(rooms):
    room, _ = _sharing_room(rooms)
    names = {s.node: s.pseudonym for s in room.students.values()}
    trees = class_results.class_tree(room.model, room.class_nodes())
    assert trees, "no student's share brought anyone in: the test needs a room where one did"
    svg = ET.fromstring(tree_svg("en", trees, names).split("</svg>")[0] + "</svg>")
    dots = {int(c.get("data-user")): c for c in svg.iter("circle")}
    users = [int(c.get("data-user")) for c in svg.iter("circle")]
    assert len(users) == len(set(users)), "a user drawn twice"
    recruiter = room.model.pop.recruiter
    lines = list(svg.iter("line"))
    assert lines
    for line in lines:
        parent, child = int(line.get("data-from")), int(line.get("data-to"))
        assert recruiter[child] == parent  # the model's own record of who brought whom in
        assert float(dots[child].get("cy")) > float(dots[parent].get("cy"))  # a recruit sits below its recruiter
    roots = [u for u in users if not any(int(line.get("data-to")) == u for line in lines)]
    assert all(u in names for u in roots)  # each tree starts at a student
    labels = [x.text for x in svg.iter("text")]
    assert sorted(labels) == sorted(names[u] for u in users if u in names)  # students named, the crowd not
    assert not any("user" in (x or "") for x in labels)
    # acted is the model's: a filled dot for each user who took action
    for u, dot in dots.items():
        assert (dot.get("data-acted") == "1") == bool(room.model.pop.acted[u])


def test_no_share_that_brought_anyone_in_says_so_in_both_languages():
    assert "No student's post brought anyone in." in tree_svg("en", [], {})
    assert "Tidak ada unggahan siswa" in tree_svg("id", [], {})


def test_names_on_the_network_sit_on_each_students_dot(rooms):
    room, _ = open_room(rooms, n=4)
    room.start()
    world = room.world
    labels = {s.node: f"Name{k}" for k, s in enumerate(room.students.values())}
    html = network_names_html(world, labels)
    where = {int(u): k for k, u in enumerate(world.view)}
    for node, name in labels.items():
        x, y = world.positions[where[node]]
        assert f'data-node="{node}" style="left:calc(6px + {x:.4f} * (100% - 12px));top:calc(6px + {y:.4f}' in html
        assert f">{name}<" in html


def test_the_answers_cover_every_whole_percentage_once():
    for whole in range(101):
        assert sum(low <= whole <= high for low, high in BINS) == 1
    assert bin_of(0.4) == 0 and bin_of(1.6) == 1 and bin_of(55) == 4
    assert [bin_label("en", k) for k in range(len(BINS))][-1] == "more than 50"
    assert bin_label("id", len(BINS) - 1) == "lebih dari 50"


def test_students_predict_before_start_the_teacher_adds_a_show_of_hands_and_the_journal_keeps_both(rooms, clock):
    room, students = open_room(rooms, n=3)
    room.predict(students[0].token, 1)
    room.predict(students[1].token, 4)
    room.predict(students[1].token, 2)  # changed their mind: the last guess counts
    with pytest.raises(RoomError) as bad:
        room.predict(students[2].token, len(BINS))
    assert bad.value.key == "predict_bad"
    room.raise_hands([3, 0, 1, 0, 0])
    with pytest.raises(RoomError) as bad:
        room.raise_hands([3, -1, 0, 0, 0])
    assert bad.value.key == "hands_bad"
    assert room.prediction_counts() == [3, 1, 2, 0, 0]
    room.start()
    with pytest.raises(RoomError) as late:
        room.predict(students[2].token, 0)
    assert late.value.key == "predict_closed"
    again = replayed(journal.read(room.journal.path), clock)
    assert again.prediction_counts() == [3, 1, 2, 0, 0]


def test_the_debrief_marks_the_answer_the_run_gave(rooms):
    room, students = open_room(rooms, n=2)
    room.predict(students[0].token, 0)
    room.predict(students[1].token, 3)
    text = prediction_html("en", room, 1.2)  # 1.2% of the reached simulated users acted: "0–1"
    rows = ET.fromstring(f"<div>{text}</div>").findall(".//div[@data-answer]")
    assert [r.get("data-count") for r in rows] == ["1", "0", "0", "1", "0"]
    assert [r.get("data-answer") for r in rows if "pred-right" in r.get("class")] == ["0"]
    assert prediction_html("en", open_room(rooms, n=1)[0], 1.2) == ""  # nobody guessed: nothing drawn


def test_acting_by_writing_a_sentence_to_a_decision_maker_needs_a_whole_sentence_that_is_never_kept(rooms):
    room, _ = open_room(rooms, n=6, action_cost="sentence")
    room.start()
    while not room.open_cards():
        room.step()
    s = room.open_cards()[0]
    with pytest.raises(RoomError) as short:
        room.choose(s.token, s.node, s.card.step, Choice.ACT, pledge="Please act now")
    assert short.value.key == "sentence_short" and room.tally()["act"] == 0
    sentence = "Dear mayor, please fund safe bike lanes near our school"
    room.choose(s.token, s.node, s.card.step, Choice.ACT, pledge=sentence)
    assert room.tally()["act"] == 1
    assert "bike lanes" not in room.journal.path.read_text()  # what a student wrote stays on the phone


def test_a_second_round_keeps_the_seats_changes_one_thing_and_keeps_the_first_round(rooms, clock):
    room, _ = _sharing_room(rooms, n=6, steps=3)
    seats = {s.pseudonym: s.node for s in room.students.values()}
    first = room.round_result()
    with pytest.raises(RoomError) as bad:
        room.second_round("more_likes")
    assert bad.value.key == "round_bad"
    room.second_round("hide_likes")
    assert room.phase == "running" and room.model.steps == 0
    assert room.model.spec.platform.like_counts_visible is False  # the one change
    assert {s.pseudonym: s.node for s in room.students.values()} == seats  # the same seats
    assert room.tally() == dict.fromkeys(room.tally(), 0)  # this round's answers only
    assert room.rounds == [first]
    while not room.open_cards():
        room.step()
    s = room.open_cards()[0]
    room.choose(s.token, s.node, s.card.step, Choice.LIKE)
    room.end()
    with pytest.raises(RoomError) as again:
        room.second_round("call_to_act")
    assert again.value.key == "round_done"
    rebuilt = replayed(journal.read(room.journal.path), clock)
    assert rebuilt.rounds == room.rounds and rebuilt.round_result() == room.round_result()


def test_class_against_class_replays_the_teachers_other_class_beside_this_one():
    import ipyvuetify as vw
    import solara

    from viz.class_debrief import CompareClasses
    from viz.room_server import ROOMS
    from viz.rooms import RoomSettings

    owner = "teacher-browser-compare"
    first = ROOMS.open(RoomSettings(n_users=600, seed=7), owner=owner)
    for k in range(4):
        first.join(f"Ana {k}", f"phone-{k}")
    first.start()
    for _ in range(3):
        for s in list(first.open_cards()):
            first.choose(s.token, s.node, s.card.step, Choice.ACT, pledge="I will take part")
        first.step()
    first.end()
    expected = first.round_result()
    ROOMS.close(first.code)  # a closed class can still be compared with
    second = ROOMS.open(RoomSettings(n_users=600, seed=7), owner=owner)
    second.join("Budi", "phone-b")
    second.start()
    second.end()
    try:
        others = ROOMS.other_classes(second)
        assert [o.code for o in others] == [first.code]
        _, rc = solara.render(CompareClasses(second, "en"), handle_error=False)
        rc.find(vw.Select).widget.v_model = str(others[0].path)
        table = next(w for w in rc.find(solara.widgets.HTML).widgets if "rounds-table" in w.unsafe_innerHTML)
        cells = ET.fromstring(table.unsafe_innerHTML).findall(".//tr[@data-row='class_round_class_acted']/td")
        assert [c.get("data-column") for c in cells] == ["1", "2"]
        assert float(cells[1].get("data-percent")) == pytest.approx(expected.class_funnel.percent("acted"))
        assert expected.class_funnel.acted >= 1  # the first class acted: the replay carried its choices over
        assert f"Class {first.code}" in table.unsafe_innerHTML
    finally:
        ROOMS.close(second.code)


def test_a_phone_whose_posts_brought_people_in_points_to_its_own_name_on_the_projectors_tree(rooms):
    import ipyvuetify as vw
    import solara

    from viz.class_phone import MyOutcome

    room, _ = _sharing_room(rooms)
    kids = class_results.children(room.model)
    recruiter = next(s for s in room.students.values() if kids.get(s.node))
    idle = next(s for s in room.students.values() if not kids.get(s.node))
    for lang, words in (("en", f"Find yourself on the projector's tree as {recruiter.pseudonym}."),
                        ("id", f"Cari dirimu di pohon pada proyektor sebagai {recruiter.pseudonym}.")):
        _, rc = solara.render(MyOutcome(room, recruiter.node, lang), handle_error=False)
        assert words in [w.children[0] for w in rc.find(vw.Html).widgets if w.children]
    _, rc = solara.render(MyOutcome(room, idle.node, "en"), handle_error=False)
    assert not any("Find yourself" in str(w.children) for w in rc.find(vw.Html).widgets)


def test_the_export_keeps_both_rounds_choices_and_the_first_rounds_funnels_and_run_files(rooms):
    import io
    import json
    import zipfile

    import pandas as pd

    from viz.class_export import export_zip

    room, students = open_room(rooms, n=3)
    room.predict(students[0].token, 2)
    room.start()
    room.step()
    room.end()
    first_acted = room.model.timeseries()["acted"].tolist()
    first_steps = room.model.steps
    room.second_round("call_to_act")
    room.end()
    with zipfile.ZipFile(io.BytesIO(export_zip(room))) as z:
        names = z.namelist()
        choices = pd.read_csv(z.open(next(n for n in names if n.endswith("/choices.csv"))))
        summary = json.loads(z.read(next(n for n in names if n.endswith("/summary.json") and "/round-" not in n)))
        first = pd.read_csv(z.open(next(n for n in names if n.endswith("/round-1/timeseries.csv"))))
        first_users = pd.read_csv(z.open(next(n for n in names if n.endswith("/round-1/users.csv"))),
                                  keep_default_na=False)
        assert {n.rsplit("/", 1)[1] for n in names if "/round-1/" in n} == {
            "timeseries.csv", "timeseries.parquet", "summary.json", "users.parquet", "users.csv", "figure.png"}
    # The first round's own run survives the second: its steps and its actions, step by step.
    assert first["acted"].tolist() == first_acted and len(first) == first_steps + 1
    assert sorted(first_users.loc[first_users["student"] != "", "student"]) == sorted(
        s.pseudonym for s in room.students.values())
    assert set(choices["round"]) == {1, 2}  # every student's card in each round (here timed out at End)
    assert summary["class_mode"]["earlier_rounds"][0]["change"] == "none"
    assert summary["class_mode"]["settings"]["change"] == "call_to_act"
    assert summary["class_mode"]["predictions"] == [0, 0, 1, 0, 0]


def test_the_second_round_runs_on_the_rooms_own_clock(rooms, clock):
    import threading
    import time

    from viz.rooms import STEP_INTERVAL

    room, _ = open_room(rooms, n=3)
    room.start()
    room.end()  # the first round's clock thread stops at the end
    room.second_round("hide_likes")
    rooms.run_clock(room, period=0.01)
    rooms.run_clock(room, period=0.01)  # asked twice: still one clock
    assert sum(t.name == f"room-{room.code}" for t in threading.enumerate()) == 1
    for s in list(room.open_cards()):
        room.choose(s.token, s.node, s.card.step, Choice.NONE)
    clock.now += STEP_INTERVAL + 1
    deadline = time.monotonic() + 20
    while room.model.steps < 1 and time.monotonic() < deadline:
        time.sleep(0.05)
    room.end()
    assert room.model.steps >= 1, "round 2 did not step on its own"


def test_a_show_of_hands_that_is_not_a_count_is_refused_in_plain_words(rooms):
    import ipyvuetify as vw
    import solara

    from viz.class_predictions import HandsEntry

    room, _ = open_room(rooms, n=1)
    problems = []

    def act(method):
        def run():
            try:
                method()
            except RoomError as error:
                problems.append(error.key)
        return run

    for lang, words in (("en", "Type a whole number from 0 to 200 for each answer."),
                        ("id", "Ketik bilangan bulat 0 sampai 200 untuk tiap jawaban.")):
        _, rc = solara.render(HandsEntry(room, lang, act, room.version), handle_error=False)
        fields = rc.find(vw.TextField).widgets
        fields[0].v_model = "lots"
        fields[0].fire_event("focusout", None)
        rc.find(vw.Btn).widget.click()
        assert words in [w.children[0] for w in rc.find(vw.Html).widgets if w.children]
        assert room.hands == ()  # nothing saved
    _, rc = solara.render(HandsEntry(room, "en", act, room.version), handle_error=False)
    field = rc.find(vw.TextField).widgets[1]
    field.v_model = "999"
    field.fire_event("focusout", None)
    rc.find(vw.Btn).widget.click()
    assert problems == ["hands_bad"] and room.hands == ()  # over the limit: refused by the room, one line
