"""Class mode's pages rendered without a browser (solara.render): the phone and the projector agree."""

import ipyvuetify as v
import solara

from viz.class_widgets import FeedCard
from viz.classroom import ClassPage, JoinPage
from viz.room_server import ROOMS


def _html(rc, cls):
    return [w for w in rc.find(solara.widgets.HTML).widgets if cls in w.attributes.get("class", "")]


def _join(code, nickname):
    _, rc = solara.render(JoinPage(), handle_error=False)
    rc.find(v.TextField, label="Room code").widget.v_model = code
    rc.find(v.TextField, label="Your first name or nickname").widget.v_model = nickname
    rc.find(v.Btn, children=["Join"]).widget.click()
    return rc


def _text(rc, cls):
    return [w.children[0] for w in rc.find(v.Html, class_=cls).widgets]


def test_a_phone_joins_gets_its_card_and_cannot_answer_for_another_node():
    _, teacher = solara.render(ClassPage(), handle_error=False)
    teacher.find(v.Btn, children=["Open a room"]).widget.click()
    room = next(r for r in ROOMS._rooms.values() if not r.students)
    wrong = _join("ABCDE1", "Ana")  # 1 is not in the alphabet: never a room
    assert _text(wrong, "join-error") == ["There is no room with that code. Check the code on the projector."]
    phones = [_join(room.code, name) for name in ("Ana", "Budi", "Citra")]
    ana = next(s for s in room.students.values() if s.nickname == "Ana")
    assert _text(phones[0], "you-are") == [f"You are Ana · on the projector you are {ana.pseudonym} · room {room.code}"]
    chips = _html(teacher, "student-chips")[0].unsafe_innerHTML
    assert all(name in chips for name in ("Ana", "Budi", "Citra"))
    room.pause()  # the clock thread waits; the test steps by hand
    room.start()
    room.pause()
    while not room.open_cards():
        room.step()
    holder = room.open_cards()[0]
    page = phones[[s.nickname for s in room.students.values()].index(holder.nickname)]
    card = page.find(FeedCard).widget
    assert card.card["step"] == holder.card.step and card.node == holder.node
    assert "rule" not in card.card  # the decision rule's choice never reaches the phone
    others = [s.nickname for s in room.students.values() if s is not holder]
    assert not any(name in str(card.card) for name in others)
    card.vue_choose({"node": holder.node + 1, "step": holder.card.step, "choice": "ACT", "pledge": "I will take part"})
    assert card.message == "You can only choose for yourself."
    assert room.tally()["act"] == 0
    card.vue_choose({"node": holder.node, "step": holder.card.step, "choice": "LIKE", "pledge": ""})
    assert room.tally()["like"] == 1
    assert card.card == {} and card.message == "You liked it."
    assert _html(teacher, "class-tally")[0].attributes["data-like"] == "1"
    ROOMS.close(room.code)


def test_the_app_links_to_class_mode_and_routes_its_pages():
    from viz import app

    _, rc = solara.render(app.Page(), handle_error=False)
    assert rc.find(v.Btn, children=["Class mode"]).widgets
    paths = {r.path: r.component for r in app.routes}
    assert paths["/"] is app.Page and paths["class"] is ClassPage and paths["join"] is JoinPage


def test_a_student_the_campaign_never_reached_is_told_so_and_why_not_that_it_did_not_engage(tmp_path):
    from viz.class_phone import MyOutcome
    from viz.room_server import Rooms
    from viz.rooms import RoomSettings

    for seed in range(10):  # a room where "spread" seats a student that one step does not reach
        room = Rooms(journal_dir=tmp_path).open(RoomSettings(n_users=600, placement="spread", seed=seed))
        for k in range(20):
            room.join(f"Student {k}", f"browser-{k}")
        room.start()
        room.end()
        pop = room.model.pop
        never = next((s for s in room.students.values() if not pop.aware[s.node]), None)
        if never is not None:
            break
    reached = next(s for s in room.students.values() if pop.aware[s.node] and not pop.engaged()[s.node])
    for lang, words in (("en", "The campaign never reached your feed."), ("id", "Kampanye tidak sampai ke feed-mu.")):
        _, rc = solara.render(MyOutcome(room, never.node, lang), handle_error=False)
        texts = [w.children[0] for w in rc.find(v.Html).widgets if w.children]
        assert words in texts and not any("you saw" in x or "kamu melihat" in x for x in texts)
        _, rc = solara.render(MyOutcome(room, reached.node, lang), handle_error=False)
        texts = [w.children[0] for w in rc.find(v.Html).widgets if w.children]
        assert words not in texts
