"""The review app in-process (Starlette's TestClient) on the graded bundled example.

Every route, every error: a bad part or student (404), a bad score or request (400, 415), a
stale version (409), a foreign Host (400); marking one answer and a whole group, undo, the audit
history, anonymous pages. The pure parts (grouping, rendering) have their truth tables in
test_review_render.py.
"""

from __future__ import annotations

import html
from html.parser import HTMLParser
from typing import Any

import pytest
from starlette.testclient import TestClient

from gradewise import actions
from gradewise.actions import Target, mark_answers, plain
from gradewise.model import Answer, Criterion, ManualMark, Part, PartGrade, Status, Verdict
from gradewise.review import create_app
from gradewise.review.identity import Identities
from gradewise.review.pages import answer_view, part_view, queue_view
from gradewise.store import MarkChange
from gradewise.workspace import Workspace, open_workspace

WHO = "ta-tester"


def client_for(ws: Workspace, **options: Any) -> TestClient:
    return TestClient(create_app(ws, who=WHO, **options), base_url="http://127.0.0.1")


class Elements(HTMLParser):
    """Every element's attributes, by tag, in document order."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))

    def having(self, attribute: str) -> list[dict[str, str]]:
        return [a for _, a in self.found if attribute in a]


def cards(text: str) -> dict[str, dict[str, str]]:
    """The answer cards of a part page by data-answer."""
    return {a["data-answer"]: a for a in Elements(text).having("data-answer")}


def mark(client: TestClient, address: str, **payload: Any) -> Any:
    return client.post(f"/part/{address}/mark", json=payload)


def version(client: TestClient, address: str, student: str) -> int:
    return int(cards(client.get(f"/part/{address}").text)[student]["data-version"])


# pages -------------------------------------------------------------------------------------


def test_queue_lists_every_part_waiting_ones_first(client: TestClient, ws: Workspace) -> None:
    page = client.get("/")
    assert page.status_code == 200
    rows = Elements(page.text).having("data-part")
    assert {r["data-part"] for r in rows} == {p.address for p in ws.exam.parts()}
    waiting = [int(r["data-in-review"]) > 0 for r in rows]
    assert waiting == sorted(waiting, reverse=True)  # every part in review before any other
    assert 'href="/part/II.10.a"' in page.text


def test_queue_progress_counts(ws: Workspace) -> None:
    view = {p.address: p for p in queue_view(ws).parts}
    # II.10.a is free text with no judge: every answer waits, but five students rightly left
    # question 10 out (best 3 of 4) and s2024004 answered 10 b and c only (10 a not
    # answered, 0): decided, nothing is needed from a human.
    assert (view["II.10.a"].answers, view["II.10.a"].in_review) == (9, 3)
    assert view["I.1"].in_review == 0 and view["I.1"].decided == 9
    mark_answers(ws, "II.10.a", [(Target("s2024002"), plain(2))], who=WHO, why="test")
    after = {p.address: p for p in queue_view(ws).parts}["II.10.a"]
    assert (after.in_review, after.manual, after.decided) == (2, 1, 7)


def test_queue_says_which_hand_marks_are_capped(client: TestClient, ws: Workspace) -> None:
    # a hand mark above I.1's 2 marks, as when exam.yaml lowers a part's marks after marking
    # (straight into the store: the actions layer refuses a mark above the part's marks)
    above = MarkChange("s2024002", "I.1", ManualMark(adjustment=3))
    ws.store.set_marks([above], who=WHO, why="before the exam changed")
    assert {p.address: p for p in queue_view(ws).parts}["I.1"].capped == 1
    page = html.unescape(client.get("/").text)
    assert "I.1: 1 hand mark above the part's 2 marks (capped)" in page
    assert "s2024002" not in client_for(ws, anonymous=True).get("/").text  # a count, no ids


def test_part_page_groups_largest_first_with_verdicts_and_evidence(client: TestClient) -> None:
    page = client.get("/part/I.5.a")
    assert page.status_code == 200
    sizes = [int(g["data-size"]) for g in Elements(page.text).having("data-size")]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] == 4
    found = cards(page.text)
    assert len(found) == 9 and all(c["data-version"] == "0" for c in found.values())
    # The key's evidence is marked in the rendered text, and LaTeX is MathML.
    assert '<mark class="evidence" data-criterion="key">' in page.text
    assert "<math" in page.text
    criteria = Elements(page.text).having("data-criterion")
    assert {c.get("data-index") for c in criteria if "data-index" in c} == {"1"}


def test_part_page_shows_the_rubric_as_toggles(client: TestClient) -> None:
    page = client.get("/part/II.7.a")
    card = Elements(page.text)
    toggles = card.having("data-index")
    first = toggles[:4]  # the first answer's four criteria, digits 1..4
    assert [t["data-criterion"] for t in first] == ["grad", "w1", "w2", "w3"]
    assert [t["data-marks"] for t in first] == ["1", "1", "1", "2"]
    assert "numeric@3#" in page.text  # produced_by is shown
    assert 'id="help"' in page.text and 'id="undo"' in page.text


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    page = client.get("/part/II.7.a").text
    links = [
        a.get("src") or a.get("href") for _, a in Elements(page).found if {"src", "href"} & a.keys()
    ]
    assert links and all(link.startswith(("/", "#", "data:")) for link in links)
    assert client.get("/static/review.js").status_code == 200
    assert client.get("/static/review.css").status_code == 200


def test_security_headers_and_host_check(client: TestClient) -> None:
    page = client.get("/")
    assert "default-src 'self'" in page.headers["content-security-policy"]
    # DNS rebinding: a page served as evil.example must not reach the app.
    assert client.get("/", headers={"host": "evil.example"}).status_code == 400


@pytest.mark.parametrize(
    "url, status, says",
    [
        ("/part/IX.99", 404, "no part 'IX.99'"),  # no such part
        ("/answer/s9999999/I.1", 404, "no student 's9999999'"),  # no such student
        ("/answer/s2024001/IX.99", 404, "no part 'IX.99'"),  # right student, no such part
        ("/nowhere", 404, "no page at /nowhere"),  # no such route
    ],
)
def test_bad_ids_are_404_with_a_clear_message(
    client: TestClient, url: str, status: int, says: str
) -> None:
    page = client.get(url)
    assert page.status_code == status and says in html.unescape(page.text)
    as_json = client.get(url, headers={"accept": "application/json"})
    assert as_json.status_code == status and says in as_json.json()["error"]


# marking -----------------------------------------------------------------------------------


def test_mark_one_answer_is_stored_and_audited(client: TestClient, ws: Workspace) -> None:
    reply = mark(
        client, "II.10.a", answers=[{"student": "s2024002", "version": 0}], score=2.5, why="good"
    )
    assert reply.status_code == 200, reply.text
    (done,) = reply.json()["answers"]
    assert done["student"] == "s2024002" and done["manual_score"] == 2.5 and done["old"] is None
    assert done["version"] > 0
    assert ws.grades("s2024002", "II.10.a")[0].manual_score == 2.5
    (event,) = ws.store.events("s2024002", "II.10.a")
    assert (event.who, event.old, event.new, event.why) == (
        WHO,
        None,
        '{"adjustment": 2.5}',
        "good",
    )
    assert version(client, "II.10.a", "s2024002") == done["version"]


def test_mark_a_whole_group_at_once(client: TestClient, ws: Workspace) -> None:
    page = client.get("/part/I.5.a").text
    group = [c for c in cards(page).values() if c["data-group"] == "1"]
    assert len(group) == 4
    answers = [{"student": c["data-answer"], "version": 0} for c in group]
    reply = mark(client, "I.5.a", answers=answers, score="1", why="group")
    assert reply.status_code == 200 and reply.json()["message"] == "Saved: 4 marks"
    for c in group:
        assert ws.grades(c["data-answer"], "I.5.a")[0].manual_score == 1
        assert len(ws.store.events(c["data-answer"], "I.5.a")) == 1


def test_stale_version_is_409_and_nothing_is_saved(client: TestClient, ws: Workspace) -> None:
    first = mark(client, "I.1", answers=[{"student": "s2024001", "version": 0}], score=1)
    assert first.status_code == 200
    # A second page, loaded before that mark, still says version 0; with it, a group mark
    # that includes a fresh answer must change neither.
    stale = mark(
        client,
        "I.1",
        answers=[{"student": "s2024002", "version": 0}, {"student": "s2024001", "version": 0}],
        score=0,
    )
    assert stale.status_code == 409
    assert "reload" in stale.json()["error"] and "s2024001" in stale.json()["error"]
    assert ws.grades("s2024001", "I.1")[0].manual_score == 1
    assert ws.grades("s2024002", "I.1")[0].manual_score is None
    assert ws.store.events("s2024002", "I.1") == []


def test_change_by_another_grader_is_detected(client: TestClient, ws: Workspace) -> None:
    seen = version(client, "II.10.d", "s2024002")
    other = open_workspace(ws.root)  # another grader, another process, same database
    mark_answers(other, "II.10.d", [(Target("s2024002"), plain(2))], who="ta-other", why="theirs")
    other.store.close()
    reply = mark(client, "II.10.d", answers=[{"student": "s2024002", "version": seen}], score=0)
    assert reply.status_code == 409
    assert ws.grades("s2024002", "II.10.d")[0].manual_score == 2  # theirs, not overwritten


@pytest.mark.parametrize(
    "score, says",
    [
        ("abc", "is not a number"),  # text
        ("", "is not a number"),  # an empty score field
        (True, "is not a number"),  # JSON true is no mark
        ([1], "is not a number"),  # nor is a list
        (-1, "outside 0..3"),  # below zero
        (3.5, "outside 0..3"),  # above the part's marks
        ("1e9", "outside 0..3"),  # a number written oddly, still out of range
    ],
)
def test_bad_score_is_400(client: TestClient, ws: Workspace, score: Any, says: str) -> None:
    reply = mark(client, "II.10.a", answers=[{"student": "s2024002", "version": 0}], score=score)
    assert reply.status_code == 400 and says in reply.json()["error"]
    assert ws.store.events("s2024002", "II.10.a") == []


ONE = {"answers": [{"student": "s2024002", "version": 0}]}


@pytest.mark.parametrize(
    "payload, status, says",
    [
        ({"score": 1}, 400, "answers: missing"),  # answers missing
        ({"answers": [], "score": 1}, 400, "answers: must not be empty"),  # empty list
        ({"answers": ["s2024002"], "score": 1}, 400, "answers[0]: must be an object"),  # ids
        ({"answers": [{"student": "s2024002"}], "score": 1}, 400, "version: missing"),
        ({"answers": [{"student": "s2024002", "version": "0"}], "score": 1}, 400, "whole number"),
        ({"answers": [{"student": "nobody", "version": 0}], "score": 1}, 404, "no student"),
        (
            {"answers": [{"student": "s2024002", "version": 0}] * 2, "score": 1},
            400,
            "named twice",
        ),  # one answer twice in one request
        ({**ONE, "items": "l1"}, 400, "items: must be a list"),  # items as one string
        ({**ONE, "items": [1]}, 400, "items[0]: 1 is not text"),  # ids that are no text
        ({**ONE, "items": ["l1"], "adjust": "x"}, 400, "adjust: 'x' is not a number"),
        ({**ONE, "items": ["l1"], "reason": 3}, 400, "reason: 3 is not text"),
        ({**ONE, "items": ["zz"]}, 400, "'zz' is not an item of II.10.a"),  # the action's rule
        ({**ONE, "score": 1, "comment": ["x"]}, 400, "comment: ['x'] is not text"),
        (ONE, 400, "send either items or score"),  # no mark at all: nothing is cleared
        ({**ONE, "score": 1, "adjust": 1}, 400, "adjust and reason go with items"),  # ignored once
    ],
)
def test_bad_mark_request(
    client: TestClient, payload: dict[str, Any], status: int, says: str
) -> None:
    reply = client.post("/part/II.10.a/mark", json=payload)
    assert reply.status_code == status and says in reply.json()["error"]


def test_mark_by_items_and_accept_reply_with_the_marks(client: TestClient) -> None:
    body = {**ONE, "items": ["l1"], "adjust": "-0.5", "reason": "vague", "comment": "cite it"}
    (done,) = mark(client, "II.10.a", **body).json()["answers"]
    assert done["mark"] == {
        "items": ["l1"],
        "adjustment": -0.5,
        "reason": "vague",
        "comment": "cite it",
        "by_items": True,
    }
    assert (done["manual_score"], done["score"], done["old"]) == (1.5, 1.5, None)
    page = client.get("/part/II.10.a").text
    assert 'value="cite it"' in page and 'value="vague"' in page  # the card shows the mark
    again = [{"student": "s2024002", "version": done["version"]}]
    reply = client.post("/part/II.10.a/accept", json={"answers": again})
    assert reply.status_code == 200 and reply.json()["message"] == "Accepted: 1 mark"
    (accepted,) = reply.json()["answers"]
    assert accepted["old"] == done["mark"] and accepted["score"] == accepted["auto_score"]


def test_a_comment_from_the_library_is_given_on_the_page(client: TestClient, ws: Workspace) -> None:
    actions.add_comment(ws, "II.10.a", "cite the <source>", who="t")
    actions.add_comment(ws, "II.10.a", "a good start", marks=0.5, who="t")
    page = client.get("/part/II.10.a").text
    # The library, for the page's script: JSON in an attribute, its quotes and brackets escaped.
    assert (
        'data-comments=\'[{"marks": null, "number": 1, "text": "cite the \\u003csource\\u003e"}'
        in page
    )
    reply = client.post("/part/II.10.a/comment", json={**ONE, "number": 2})
    assert reply.status_code == 200, reply.text
    assert reply.json()["message"] == "Comment given: 1 mark"
    (given,) = reply.json()["answers"]
    assert given["mark"]["reason"].endswith("a good start") and given["old"] is None
    again = client.post("/part/II.10.a/comment", json={**ONE, "number": 1})
    assert again.status_code == 409  # the version the page saw has moved on
    version = [{"student": "s2024002", "version": given["version"]}]
    twice = client.post("/part/II.10.a/comment", json={"answers": version, "number": 2})
    assert twice.status_code == 400 and "already has comment 2" in twice.json()["error"]
    missing = client.post("/part/II.10.a/comment", json={"answers": version, "number": 9})
    assert missing.status_code == 404 and "has no comment 9" in missing.json()["error"]


def test_mark_on_a_bad_part_is_404(client: TestClient) -> None:
    reply = mark(client, "IX.1", answers=[{"student": "s2024002", "version": 0}], score=1)
    assert reply.status_code == 404 and "no part 'IX.1'" in reply.json()["error"]


def test_marks_come_as_json_only(client: TestClient) -> None:
    # A form post from another site must not mark anything (see the app's docstring).
    form = client.post("/part/II.10.a/mark", data={"score": "1"})
    assert form.status_code == 415
    broken = client.post(
        "/part/II.10.a/mark", content=b"{nope", headers={"content-type": "application/json"}
    )
    assert broken.status_code == 400 and "not JSON" in broken.json()["error"]
    assert client.get("/part/II.10.a/mark").status_code == 405


def test_clear_a_manual_mark_with_auto(client: TestClient, ws: Workspace) -> None:
    mark(client, "I.1", answers=[{"student": "s2024003", "version": 0}], score=2)
    seen = version(client, "I.1", "s2024003")
    reply = mark(client, "I.1", answers=[{"student": "s2024003", "version": seen}], score="auto")
    assert reply.status_code == 200 and reply.json()["answers"][0]["manual_score"] is None
    assert reply.json()["answers"][0]["score"] == ws.grades("s2024003", "I.1")[0].auto_score


# undo and history --------------------------------------------------------------------------


def test_undo_restores_each_earlier_mark_in_turn(client: TestClient, ws: Workspace) -> None:
    # What the page's undo stack does: mark 1, mark by items, undo (back to 1), undo (to auto);
    # each undo sends back the `old` mark its reply gave.
    one = mark(client, "I.2", answers=[{"student": "s2024001", "version": 0}], score=1).json()
    seen = one["answers"][0]["version"]
    two = mark(
        client, "I.2", answers=[{"student": "s2024001", "version": seen}], items=["key"]
    ).json()
    plain_one = {"items": [], "adjustment": 1, "reason": "", "comment": "", "by_items": False}
    assert two["answers"][0]["old"] == plain_one

    def undo(reply: dict[str, Any]) -> Any:
        (a,) = reply["answers"]
        body = {"answers": [{"student": a["student"], "version": a["version"], "mark": a["old"]}]}
        return client.post("/part/I.2/undo", json=body)

    back = undo(two)
    assert back.status_code == 200 and back.json()["answers"][0]["manual_score"] == 1
    again = undo(back.json() | {"answers": [back.json()["answers"][0] | {"old": None}]})
    assert again.status_code == 200 and again.json()["message"] == "Undone: 1 mark"
    assert ws.grades("s2024001", "I.2")[0].manual_score is None
    events = ws.store.events("s2024001", "I.2")
    one_mark, by_key = '{"adjustment": 1}', '{"items": ["key"]}'
    assert [(e.old, e.new) for e in events] == [
        (None, one_mark),
        (one_mark, by_key),
        (by_key, one_mark),
        (one_mark, None),
    ]
    assert events[-1].why == "undone on the review page"


def test_undo_with_a_stale_version_is_409(client: TestClient, ws: Workspace) -> None:
    mark(client, "I.2", answers=[{"student": "s2024002", "version": 0}], score=1)
    reply = client.post(
        "/part/I.2/undo", json={"answers": [{"student": "s2024002", "version": 0, "mark": None}]}
    )
    assert reply.status_code == 409
    assert ws.grades("s2024002", "I.2")[0].manual_score == 1


def test_history_lists_every_event(client: TestClient) -> None:
    mark(
        client,
        "II.10.a",
        answers=[{"student": "s2024003", "version": 0}],
        score=1,
        why="first look",
    )
    seen = version(client, "II.10.a", "s2024003")
    mark(
        client,
        "II.10.a",
        answers=[{"student": "s2024003", "version": seen}],
        score=2,
        why="second look",
    )
    page = client.get("/answer/s2024003/II.10.a")
    assert page.status_code == 200
    rows = Elements(page.text).having("data-event")
    assert len(rows) == 2
    assert "first look" in page.text and "second look" in page.text and WHO in page.text
    events = client.get("/answer/s2024003/II.10.a", headers={"accept": "application/json"})
    assert [(e["old"], e["new"], e["who"]) for e in events.json()["events"]] == [
        (None, '{"adjustment": 1}', WHO),
        ('{"adjustment": 1}', '{"adjustment": 2}', WHO),
    ]


def test_history_of_an_unmarked_answer(client: TestClient) -> None:
    page = client.get("/answer/s2024001/I.1")
    assert page.status_code == 200 and "No changes by hand yet" in page.text


# anonymous grading -------------------------------------------------------------------------


def test_anonymous_pages_show_no_ids_or_names(ws: Workspace) -> None:
    students = {s.student: s.name for s in ws.store.scripts()}
    with client_for(ws, anonymous=True) as client:
        part = client.get("/part/II.10.a").text
        keys = list(cards(part))
        pages = [client.get("/").text, part, client.get(f"/answer/{keys[0]}/II.10.a").text]
        for page in pages:
            for student, name in students.items():
                assert student not in page and name not in page
        assert all(k.startswith("anon-") for k in keys) and "Student " in part
        # The real id is not a way in either.
        assert client.get("/answer/s2024001/II.10.a").status_code == 404
        reply = mark(client, "II.10.a", answers=[{"student": keys[0], "version": 0}], score=1)
        assert reply.status_code == 200 and reply.json()["answers"][0]["student"] == keys[0]
        # A conflict message names the pseudonym, not the student.
        stale = mark(client, "II.10.a", answers=[{"student": keys[0], "version": 0}], score=2)
        assert stale.status_code == 409
        assert all(s not in stale.text for s in students) and "Student " in stale.text


SIGNED = "Ben Okafor (S2024002, ben.okafor@example.edu) writes P = 0.25/0.35 = 0.714"


def test_anonymous_pages_hide_identity_written_inside_answers(ws: Workspace) -> None:
    script = ws.root / "scripts" / "s2024002.md"
    script.write_text(script.read_text().replace("4. a) P = 0.25/0.35 = 0.714", f"4. a) {SIGNED}"))
    ws.add_scripts([script], ws.root / "roster.csv")
    ws.grade()
    [grade] = ws.grades("s2024002", "I.4.a")
    assert [v.evidence for v in grade.verdicts] == ["0.714"]  # read after the name
    with client_for(ws, anonymous=True) as client:
        part = client.get("/part/I.4.a").text
        key = next(k for k in cards(part) if "writes P" in client.get(f"/answer/{k}/I.4.a").text)
        pages = [part, client.get(f"/answer/{key}/I.4.a").text, client.get(f"/student/{key}").text]
    for page in pages:
        for identity in ("Okafor", "Ben", "2024002", "ben.okafor", "example.edu"):
            assert identity not in page
        assert '<span class="scrubbed">[name]</span> (<span class="scrubbed">[id]</span>' in page
    # The evidence is still marked where it is: after the placeholders.
    assert '<mark class="evidence" data-criterion="key">0.714</mark>' in pages[0]
    with client_for(ws) as client:  # graders who may see names see the answer as written
        page = client.get("/answer/s2024002/I.4.a").text
        assert "Ben Okafor (S2024002, ben.okafor@example.edu) writes" in page


def test_pseudonyms_stay_the_same_within_a_run(ws: Workspace) -> None:
    ids = Identities(anonymous=True, seed=1)
    first = {c.key: c.label for g in part_view(ws, ids, "I.1").groups for c in g.answers}
    again = {c.key: c.label for g in part_view(ws, ids, "I.2").groups for c in g.answers}
    assert first == again and len(set(first.values())) == 9


# a: 2 marks, b: 1. The machine read option a in prose: a review verdict proposing all of a.
PROSE = Part("Q", "Q", "", 3, rubric=(Criterion("a", "a", 2), Criterion("b", "b", 1)))
PROSE_VERDICTS = (
    Verdict("a", Status.NEEDS_REVIEW, 1.0, "names the option in prose"),
    Verdict("b", Status.NOT_MET, 0.0, ""),
)


@pytest.mark.parametrize(
    "mark, on",
    [
        (None, ["a"]),  # no mark yet: the proposal, a review verdict's whole item ticked
        (ManualMark(adjustment=1.0), ["a"]),  # a plain mark applies no items: the proposal
        (ManualMark(("b",)), ["b"]),  # the grader's items, whatever was proposed
        (ManualMark(("a", "b"), -0.5, "slip"), ["a", "b"]),  # all of them
    ],
)
def test_toggles_start_on_for_the_items_of_the_mark_or_the_proposal(
    mark: ManualMark | None, on: list[str]
) -> None:
    grade = PartGrade("s1", "Q", 2.0, PROSE_VERDICTS, True, mark=mark)
    view = answer_view(PROSE, Answer("s1", "Q", "B"), grade, 0, Identities(anonymous=False))
    assert [c.criterion.id for c in view.criteria if c.on] == on


def test_the_queue_lists_open_regrade_requests(ws: Workspace) -> None:
    actions.ask_regrade(ws, "s2024002", "II.10.a", "I did cite it, Ben Okafor", who="s2024002")
    actions.ask_regrade(ws, "s2024001", "I.1", "answered already", who="s2024001")
    actions.resolve_regrade(ws, "s2024001", "I.1", "the mark stands", who="ada")
    with client_for(ws) as client:
        page = client.get("/").text
    assert 'href="/answer/s2024002/II.10.a"' in page and "I did cite it" in page
    assert "answered already" not in page  # resolved: off the queue
    with client_for(ws, anonymous=True) as client:
        hidden = client.get("/").text
    assert "s2024002" not in hidden and "I did cite it, [name]" in hidden
