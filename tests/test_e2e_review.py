"""The review pages reached by a part's label as students write it (`7a`, `Q7 (a)`), as every
command takes it: found by an outside check, where `/part/3c` was an internal error (500) and
an answer's history by label showed no events."""

from __future__ import annotations

import html

import pytest
from starlette.testclient import TestClient

from gradewise.workspace import Workspace
from test_review_app import cards, mark, version


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


def test_a_question_number_naming_several_parts_is_a_clear_404(client: TestClient) -> None:
    page = client.get("/part/7")
    assert page.status_code in (400, 404) and "II.7.a" in html.unescape(page.text)
