"""Regrade requests on the review page, in-process (Starlette's TestClient) on the graded
bundled example: the page lists the open ones (anonymous pages name no student), a TA sees and
answers only those on their parts, and answering one goes through `actions.resolve_regrade`
with the mark kept, the proposal accepted or items applied. The rules themselves are tested
against the actions (test_regrades.py); here, parsing the body and rendering the reply."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from starlette.testclient import TestClient

from gradewise import actions
from gradewise.actions import Target
from gradewise.model import ManualMark
from gradewise.review import auth, create_app
from gradewise.review.pages import age
from gradewise.store.regrades import Regrades
from gradewise.store.users import Users
from gradewise.workspace import Workspace
from test_review_auth import CHEAP, browser, logged_in

S1, S2 = "s2024001", "s2024002"
PART, OTHER = "II.7.a", "II.10.a"  # II.7.a: items grad, w1, w2 (1 each), w3 (2)
WHO = "ada"


def asked(ws: Workspace, student: str = S1, address: str = PART, why: str = "w2 is right") -> None:
    actions.ask_regrade(ws, student, address, why, who=student)


def version(ws: Workspace, student: str = S1, address: str = PART) -> int:
    return ws.store.versions(student, address).get((student, address), 0)


def resolve(client: TestClient, body: dict[str, Any], address: str = PART, **kw: Any) -> Any:
    return client.post(f"/part/{address}/regrade", json=body, **kw)


def body(ws: Workspace, mark: str = "keep", **more: Any) -> dict[str, Any]:
    return {"student": S1, "version": version(ws), "answer": "looked again", "mark": mark, **more}


@pytest.fixture
def client(ws: Workspace) -> Iterator[TestClient]:
    with TestClient(create_app(ws, who=WHO), base_url="http://127.0.0.1") as c:
        yield c


def test_the_page_lists_the_open_requests_oldest_first(ws: Workspace, client: TestClient) -> None:
    asked(ws, S2, "II.7.b", "first")
    asked(ws, S1, PART, "second")
    actions.ask_regrade(ws, S1, "I.1", "answered", who=S1)
    actions.resolve_regrade(ws, S1, "I.1", "no", who=WHO)
    page = client.get("/regrades").text
    assert page.index('data-answer="s2024002"') < page.index('data-answer="s2024001"')
    assert 'data-part="II.7.b"' in page and 'data-part="I.1"' not in page  # open ones only
    assert "asked just now" in page and "Ben Okafor · II.7.b" in page
    assert f'data-version="{version(ws)}"' in page  # what the reply must send back
    assert client.get("/").text.count('href="/answer/') == 2  # the queue lists them too


def test_a_request_on_a_part_no_longer_in_the_exam_is_listed_apart(
    ws: Workspace, client: TestClient
) -> None:
    # The exam edited since the request was opened: the page still opens, and says so.
    Regrades(ws.store).add(S1, "II.99.z", "about a part deleted since", who=S1)
    asked(ws)
    reply = client.get("/regrades")
    assert reply.status_code == 200
    assert "II.99.z: a request on a part no longer in the exam" in reply.text
    assert 'data-part="II.7.a"' in reply.text
    assert 'data-part="II.99.z" data-gone' in reply.text  # a form to close it, no mark
    queue = client.get("/").text  # the queue links it to where it is closed, not to no answer
    assert "/answer/s2024001/II.99.z" not in queue and "/answer/s2024001/II.7.a" in queue
    assert "II.99.z: part no longer in the exam" in queue


def test_a_request_on_a_part_no_longer_in_the_exam_is_closed_from_the_page(
    ws: Workspace, client: TestClient
) -> None:
    Regrades(ws.store).add(S1, "II.99.z", "about a part deleted since", who=S1)
    closing = {"student": S1, "version": 0, "answer": "the question was dropped"}
    reply = resolve(client, {**closing, "mark": "accept"}, "II.99.z")
    assert reply.status_code == 400 and "no longer in the exam" in reply.json()["error"]
    reply = resolve(client, {**closing, "mark": "keep"}, "II.99.z")
    assert reply.status_code == 200, reply.text
    assert reply.json() == {
        "answer": None,
        "message": "Regrade request closed: part no longer in the exam",
    }
    [done] = actions.regrades(ws)
    assert (done.answer, done.answered_by) == ("the question was dropped", WHO)
    assert "II.99.z" not in client.get("/regrades").text


def test_an_anonymous_page_names_no_student(ws: Workspace) -> None:
    asked(ws, why="Aisha here: w2 is right")
    with TestClient(create_app(ws, who=WHO, anonymous=True), base_url="http://127.0.0.1") as c:
        page = c.get("/regrades").text
        key = page.split('data-answer="', 1)[1].split('"', 1)[0]  # the page's name for S1
        assert S1 not in page and "Aisha" not in page and "Rahman" not in page
        assert resolve(c, {**body(ws), "student": key}).status_code == 200
    assert actions.regrades(ws, open_only=True) == []


def test_keep_the_mark(ws: Workspace, client: TestClient) -> None:
    asked(ws)
    reply = resolve(client, body(ws))
    assert reply.status_code == 200, reply.text
    assert reply.json() == {"answer": None, "message": "Regrade request answered"}
    [done] = actions.regrades(ws)
    assert (done.answer, done.answered_by) == ("looked again", WHO)
    assert ws.grades(S1, PART)[0].mark is None


def test_accept_the_proposal(ws: Workspace, client: TestClient) -> None:
    asked(ws)
    reply = resolve(client, body(ws, "accept")).json()
    grade = ws.grades(S1, PART)[0]
    assert grade.mark is not None and reply["answer"]["score"] == grade.score
    assert reply["message"] == f"Regrade request answered; the mark is {grade.score:g} now"
    kinds = [(e.kind, e.why) for e in ws.store.events(S1, PART)]
    assert kinds[1:] == [
        ("grade.set", "regrade: looked again"),
        ("regrade.resolve", "looked again"),
    ]


def test_items_keep_the_marks_adjustment_and_comment(ws: Workspace, client: TestClient) -> None:
    earlier = ManualMark(("grad",), -0.5, "sign slip", "see the sign")
    actions.mark_answers(ws, PART, [(Target(S1), earlier)], who=WHO, why="first look")
    asked(ws)
    reply = resolve(client, body(ws, "items", items=["grad", "w1", "w2"]))
    assert reply.status_code == 200, reply.text
    mark = ws.grades(S1, PART)[0].mark
    assert mark == ManualMark(("grad", "w1", "w2"), -0.5, "sign slip", "see the sign")
    assert reply.json()["answer"]["score"] == 2.5


def test_a_stale_page_is_a_conflict_and_nothing_is_saved(ws: Workspace, client: TestClient) -> None:
    asked(ws)
    seen = body(ws, "items", items=["grad"])
    actions.mark_answers(ws, PART, [(Target(S1), actions.plain(1))], who="bo", why="meanwhile")
    reply = resolve(client, seen)
    assert reply.status_code == 409 and "changed by someone else" in reply.json()["error"]
    assert [r.open for r in actions.regrades(ws)] == [True]
    assert ws.grades(S1, PART)[0].manual_score == 1


@pytest.mark.parametrize(
    "change, status, says",
    [
        ({"mark": "maybe"}, 400, "mark: "),  # not one of keep, accept, items
        ({"mark": "items"}, 400, "items go with"),  # items chosen, none sent
        ({"items": ["grad"]}, 400, "items go with"),  # items with keep
        ({"version": "3"}, 400, "version: "),  # a number as text: strict
        ({"score": 3}, 400, "score: unknown field"),  # not this body's field
        ({"answer": "  "}, 400, "the answer is empty"),  # the student reads nothing
        ({"answer": "x" * 3000}, 400, "over the limit"),  # an essay
        ({"mark": "items", "items": ["nope"]}, 400, "nope"),  # no such rubric item
        ({"student": "nobody"}, 404, "no student 'nobody'"),  # not a student of the page
    ],
)
def test_bodies_refused(
    ws: Workspace, client: TestClient, change: dict[str, Any], status: int, says: str
) -> None:
    asked(ws)
    reply = resolve(client, {**body(ws), **change})
    assert reply.status_code == status and says in reply.json()["error"], reply.text
    assert [r.open for r in actions.regrades(ws)] == [True]


def test_no_open_request_is_refused(ws: Workspace, client: TestClient) -> None:
    reply = resolve(client, body(ws))
    assert reply.status_code == 400 and "has no open regrade request" in reply.json()["error"]


def test_a_ta_sees_and_answers_only_the_requests_on_their_parts(ws: Workspace) -> None:
    Users(ws.store).add("bo", "ta", CHEAP.hash("pw for bo"), [OTHER], who="test")
    asked(ws, S1, PART, "on another part")
    asked(ws, S2, OTHER, "on the TA part")
    app = create_app(ws, who=WHO, access=auth.Access(hasher=CHEAP))
    with browser(app, "testclient") as ta:
        token = logged_in(ta, ("bo", "pw for bo"))
        page = ta.get("/regrades").text
        assert "on the TA part" in page and "on another part" not in page
        assert "on the TA part" in ta.get("/").text and "on another part" not in ta.get("/").text
        headers = {"x-csrf-token": token}
        assert resolve(ta, body(ws), headers=headers).status_code == 403  # not their part
        key = page.split('data-answer="', 1)[1].split('"', 1)[0]  # a pseudonym: TAs see no names
        assert S2 not in page and "Ben" not in page
        theirs = {**body(ws), "student": key, "version": version(ws, S2, OTHER)}
        assert resolve(ta, theirs, OTHER, headers=headers).status_code == 200
    assert [(r.address, r.open) for r in actions.regrades(ws)] == [(PART, True), (OTHER, False)]


NOW = datetime.fromisoformat("2026-03-10T12:00:00+00:00")


@pytest.mark.parametrize(
    "asked_at, says",
    [
        ("2026-03-10T11:59:30+00:00", "just now"),  # under a minute
        ("2026-03-10T11:59:00+00:00", "1 minute ago"),  # one, not ones
        ("2026-03-10T09:00:00+00:00", "3 hours ago"),  # hours
        ("2026-03-08T12:00:00+00:00", "2 days ago"),  # days
        ("2026-03-10T12:00:00", ""),  # no time zone: nothing said rather than a wrong age
        ("yesterday", ""),  # not a time at all
    ],
)
def test_age(asked_at: str, says: str) -> None:
    assert age(asked_at, NOW) == says
