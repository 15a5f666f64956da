"""The per-student page: the script as coloured pieces with a legend, and moving a piece to
another part (a segmentation override, audited, version-checked, that student re-example).
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from starlette.testclient import TestClient

from gradewise.workspace import Workspace, open_workspace
from test_review_app import Elements, cards, client_for

STUDENT = "s2024001"


def pieces(page: str) -> list[dict[str, str]]:
    return Elements(page).having("data-piece")


def page_version(page: str) -> int:
    found = re.search(r'id="student" data-student="[^"]*" data-version="(\d+)"', page)
    assert found
    return int(found.group(1))


def move(client: TestClient, key: str, **payload: Any) -> Any:
    return client.post(f"/student/{key}/move", json=payload)


def test_student_page_colours_every_piece_by_its_part(client: TestClient, ws: Workspace) -> None:
    page = client.get(f"/student/{STUDENT}")
    assert page.status_code == 200
    found = pieces(page.text)
    seg = ws.segmentation(STUDENT)
    assert [int(p["data-piece"]) for p in found] == [p.start for p in seg.pieces]
    order = [p.address for p in ws.exam.parts()]
    for shown in found:
        address = shown["data-part"]
        colour = f"hue-{order.index(address) % 12}" if address else "hue-none"
        assert colour in shown["class"].split()
    legend = [li for _, li in Elements(page.text).found if li.get("class", "").startswith("hue-")]
    assert set(order) <= {li.get("data-part") for li in legend}
    assert "Aisha Rahman" in page.text  # not anonymous: the name is shown


def test_answer_cards_link_to_the_script(client: TestClient) -> None:
    page = client.get("/part/I.1").text
    assert f'href="/student/{STUDENT}"' in page


def first_move(ws: Workspace) -> tuple[int, str, str]:
    """A labelled piece of STUDENT's and another part to move it to."""
    piece = next(p for p in ws.segmentation(STUDENT).pieces if p.address == "II.7.b")
    return piece.start, "II.7.b", "II.7.c"


def test_move_a_piece_records_and_regrades(client: TestClient, ws: Workspace) -> None:
    start, old, new = first_move(ws)
    text = ws.store.answers(STUDENT, old)[0].text
    seen = page_version(client.get(f"/student/{STUDENT}").text)
    reply = move(client, STUDENT, piece=start, part=new, version=seen, why="7c under 7b")
    assert reply.status_code == 200, reply.text
    moved = reply.json()
    assert set(moved["regraded"]) >= {old, new} and moved["version"] > seen
    assert "Moved from II.7.b to II.7.c" in moved["message"]
    assert ws.store.overrides(STUDENT) == {start: new}
    (event,) = [e for e in ws.store.events(STUDENT) if e.kind == "segment.assign"]
    assert (event.who, event.address, event.old, event.why) == (
        "ta-tester",
        new,
        old,
        "7c under 7b",
    )
    assert text in ws.store.answers(STUDENT, new)[0].text
    # Graded again at once, from the new text: nothing left for 'gradewise grade' to do.
    assert open_workspace(ws.root).grade() == 0
    after = client.get(f"/student/{STUDENT}").text
    assert {p["data-piece"]: p["data-part"] for p in pieces(after)}[str(start)] == new
    assert page_version(after) == moved["version"]


def test_a_move_needs_the_part_page_reloaded(client: TestClient, ws: Workspace) -> None:
    start, _, new = first_move(ws)
    before = cards(client.get(f"/part/{new}").text)[STUDENT]["data-version"]
    move(client, STUDENT, piece=start, part=new, version=0)
    # The answer changed under the part page: a mark made from the old page is refused.
    stale = {"answers": [{"student": STUDENT, "version": int(before)}], "score": 1}
    reply = client.post(f"/part/{new}/mark", json=stale)
    assert reply.status_code == 409


def test_a_stale_move_is_409_and_nothing_moves(client: TestClient, ws: Workspace) -> None:
    start, _, new = first_move(ws)
    assert move(client, STUDENT, piece=start, part=new, version=0).status_code == 200
    again = move(client, STUDENT, piece=start, part="II.7.a", version=0)
    assert again.status_code == 409 and "reload" in again.json()["error"]
    assert ws.store.overrides(STUDENT) == {start: new}


@pytest.mark.parametrize(
    "key, payload, status, says",
    [
        ("nobody", {"piece": 0, "part": "I.1", "version": 0}, 404, "no student 'nobody'"),
        (STUDENT, {"piece": 1, "part": "I.1", "version": 0}, 404, "no piece starts at 1"),
        (STUDENT, {"piece": "x", "part": "I.1", "version": 0}, 400, "piece: must be a whole"),
        (STUDENT, {"piece": -5, "part": "I.1", "version": 0}, 400, "piece: must be at least 0"),
        (STUDENT, {"piece": 0, "part": "IX.9", "version": 0}, 404, "no part 'IX.9'"),
        (STUDENT, {"piece": 0, "part": "I.1", "version": "0"}, 400, "version: must be a whole"),
        (STUDENT, {"piece": 0, "part": "I.1"}, 400, "version: missing"),  # no version
    ],
)
def test_bad_moves(
    client: TestClient, ws: Workspace, key: str, payload: dict[str, Any], status: int, says: str
) -> None:
    reply = move(client, key, **payload)
    assert reply.status_code == status and says in reply.json()["error"]
    assert ws.store.overrides(STUDENT) == {}


def test_a_move_to_the_same_part_is_refused(client: TestClient, ws: Workspace) -> None:
    start, old, _ = first_move(ws)
    reply = move(client, STUDENT, piece=start, part=old, version=0)
    assert reply.status_code == 400 and "already" in reply.json()["error"]


def test_unknown_student_page_is_404(client: TestClient) -> None:
    assert client.get("/student/nobody").status_code == 404
    assert client.post("/student/nobody/move", data={"x": "1"}).status_code == 415


def test_anonymous_student_page_hides_ids_and_names(ws: Workspace) -> None:
    names = {s.student: s.name for s in ws.store.scripts()}
    with client_for(ws, anonymous=True) as client:
        keys = list(cards(client.get("/part/I.1").text))
        mine = next(k for k in keys if "[name]" in client.get(f"/student/{k}").text)
        page = client.get(f"/student/{mine}").text
        for student, name in names.items():
            assert student not in page and name not in page
            assert all(word not in page for word in name.split())
        assert client.get(f"/student/{STUDENT}").status_code == 404  # the real id is no way in
        start = int(pieces(page)[1]["data-piece"])
        reply = move(client, mine, piece=start, part="II.10.d", version=0)
        assert reply.status_code == 200 and all(s not in reply.text for s in names)
