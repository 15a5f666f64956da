"""The review pages reached by a part's label as students write it (`7a`, `Q7 (a)`), as every
command takes it: found by an outside check, where `/part/3c` was an internal error (500) and
an answer's history by label showed no events."""

from __future__ import annotations

import html
import shutil
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from gradewise.workspace import Workspace, open_workspace
from test_review_app import cards, mark, version
from test_review_auth import TA, Clock, client_for, graded, logged_in  # noqa: F401 (fixture)


@pytest.mark.parametrize(
    "label",
    [
        "II.7.a",  # the address itself
        "ii.7.a",  # in any case
        "7a",  # as students write it
        "Q7 (a)",  # with the question's letter and brackets
    ],
)
def test_part_page_by_label_shows_the_parts_answers(client: TestClient, label: str) -> None:
    page = client.get(f"/part/{label}")
    assert page.status_code == 200
    assert cards(page.text).keys() == cards(client.get("/part/II.7.a").text).keys() != set()


@pytest.mark.parametrize("label", ["II.7.a", "7a", "Q7 (a)"])
def test_answer_history_by_label_shows_its_events(
    client: TestClient, ws: Workspace, label: str
) -> None:
    seen = version(client, "II.7.a", "s2024001")
    answers = [{"student": "s2024001", "version": seen}]
    assert mark(client, "II.7.a", answers=answers, score=1, why="history probe").status_code == 200
    page = client.get(f"/answer/s2024001/{label}")
    assert page.status_code == 200 and "history probe" in html.unescape(page.text)


@pytest.fixture
def auth_ws(graded: Path, tmp_path: Path) -> Workspace:  # noqa: F811
    return open_workspace(shutil.copytree(graded, tmp_path / "ws"))


@pytest.fixture
def auth_clock() -> Clock:
    return Clock()


def test_a_question_number_naming_several_parts_is_a_clear_404(client: TestClient) -> None:
    page = client.get("/part/7")
    assert page.status_code in (400, 404) and "II.7.a" in html.unescape(page.text)


@pytest.mark.parametrize(
    "url, status",
    [
        ("/part/II.10.a", 200),  # the TA's part by its address
        ("/part/10a", 200),  # ... and by a label, as every page reads a part
        ("/part/Q10 (a)", 200),
        ("/answer/anon-1/10a", 200),  # an answer's history by label
        ("/part/1", 403),  # another part by a label: still refused
        ("/part/I.1", 403),
        ("/part/10", 403),  # a label naming several parts names none of the TA's alone
    ],
)
def test_a_ta_reaches_own_part_by_label_and_no_other(
    auth_ws: Workspace, auth_clock: Clock, url: str, status: int
) -> None:
    with client_for(auth_ws, auth_clock) as client:
        logged_in(client, TA)
        assert client.get(url).status_code == status
