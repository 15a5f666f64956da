"""Which answers first: expected gain, disagreement between checkers, the part page's filters,
and the queue's order. Truth tables on made-up grades; the pages in-process on the example.
"""

from __future__ import annotations

from typing import Any

import pytest
from starlette.testclient import TestClient

from gradewise.actions import Target, mark_answers, plain
from gradewise.model import Criterion, Key, Part, PartGrade, Status, Verdict
from gradewise.review import triage
from gradewise.review.pages import queue_view
from gradewise.review.triage import Filters, parse_filters
from gradewise.workspace import Workspace
from test_review_app import cards

FINAL = Key("numeric", {"value": 1}, "final")
ANYWHERE = Key("numeric", {"value": 2}, "anywhere")
PART = Part(
    "I.1",
    "1",
    "p",
    4,
    rubric=(
        Criterion("right", "final right", 2, check=FINAL, group="out"),
        Criterion("half", "flipped", 1, check=ANYWHERE, group="out"),
        Criterion("slip", "deduct: unnormalised", -1, check=Key("numeric", {"value": 3})),
        Criterion("why", "explains", 2),  # free text: a judge decides
    ),
)
CHECKER, JUDGE = "numeric@1#abc", "similarity@2"


def v(
    criterion: str, status: str, by: str = CHECKER, fraction: float = 0.0, sure: float = 1.0
) -> Verdict:
    """A verdict; status "none" is needs_review."""
    status = "needs_review" if status == "none" else status
    return Verdict(criterion, Status(status), fraction, "", confidence=sure, produced_by=by)


def grade(*verdicts: Verdict, review: bool = False, manual: float | None = None) -> PartGrade:
    return PartGrade("s1", "I.1", 2.0, verdicts, review, manual)


@pytest.mark.parametrize(
    "verdicts, says",
    [
        # nothing contradicts: the final answer right, the judge agrees
        (
            (v("right", "met"), v("half", "not_met"), v("slip", "not_met"), v("why", "met", JUDGE)),
            "",
        ),
        # both criteria of group 'out' met: only one can apply
        ((v("right", "met"), v("half", "met")), "only one of group 'out'"),
        # the final answer read as right and, by a deduction check, as wrong
        ((v("right", "met"), v("slip", "met")), "read as right ('right') and as wrong ('slip')"),
        # the checkers find it right, the judge gives nothing
        ((v("right", "met"), v("why", "not_met", JUDGE)), "judge gives less than half"),
        # a checker finds it wrong, the judge gives most of the marks
        ((v("right", "not_met"), v("why", "partial", JUDGE, 0.75)), "judge gives half or more"),
        # undecided verdicts disagree with nothing
        ((v("right", "needs_review"), v("why", "met", JUDGE)), ""),
        # no judge at all: nothing to set against the checkers
        ((v("right", "not_met"), v("why", "needs_review", "none")), ""),
    ],
)
def test_disagreements(verdicts: tuple[Verdict, ...], says: str) -> None:
    found = " ".join(triage.disagreements(PART, grade(*verdicts)))
    assert (says in found) if says else found == ""


@pytest.mark.parametrize(
    "g, sure",
    [
        (grade(v("right", "met", sure=0.9), v("why", "met", JUDGE, sure=0.6)), 0.6),  # the least
        (grade(v("right", "met", sure=0.9), v("why", "none")), 0.0),  # nothing decided: 0
        (grade(), None),  # no verdicts: nothing to be sure of
        (None, None),  # not graded
    ],
)
def test_confidence(g: PartGrade | None, sure: float | None) -> None:
    assert triage.confidence(g) == sure


@pytest.mark.parametrize(
    "g, status",
    [
        (None, "ungraded"),
        (grade(v("right", "met"), v("half", "met"), v("slip", "met"), v("why", "met")), "decided"),
        (grade(v("right", "met"), review=True), "affected"),  # criteria without verdicts
        (grade(v("right", "met"), review=True, manual=1), "marked"),  # a mark confirms it
        (
            grade(
                v("right", "met"), v("half", "met"), v("slip", "met"), v("why", "none"), review=True
            ),
            "review",
        ),
    ],
)
def test_status_of(g: PartGrade | None, status: str) -> None:
    assert triage.status_of(g, PART) == status


@pytest.mark.parametrize(
    "query, filters",
    [
        ({}, Filters()),
        ({"status": "review", "order": "gain"}, Filters(status="review", order="gain")),
        ({"min": "1", "max": "2.5", "confidence": "0.8"}, Filters(low=1, high=2.5, confidence=0.8)),
        ({"disagree": "1", "min": ""}, Filters(disagree=True)),  # an empty field is no filter
        ({"disagree": "0"}, Filters()),
    ],
)
def test_parse_filters(query: dict[str, str], filters: Filters) -> None:
    assert parse_filters(query) == filters


# the pages -----------------------------------------------------------------------------------


def shown(client: TestClient, address: str, **query: Any) -> dict[str, dict[str, str]]:
    page = client.get(f"/part/{address}", params=query)
    assert page.status_code == 200, page.text
    return cards(page.text)


def test_status_filter(client: TestClient, ws: Workspace) -> None:
    waiting = {g.student for g in ws.queue("II.10.a")}
    assert set(shown(client, "II.10.a", status="review")) == waiting
    decided = set(shown(client, "II.10.a", status="decided"))
    assert decided and not decided & waiting
    mark_answers(ws, "II.10.a", [(Target(sorted(waiting)[0]), plain(1))], who="t", why="t")
    assert set(shown(client, "II.10.a", status="marked")) == {sorted(waiting)[0]}


def test_score_and_confidence_filters(client: TestClient, ws: Workspace) -> None:
    grades = {g.student: g for g in ws.grades(address="II.7.a")}
    middle = {s for s, g in grades.items() if 1 <= g.score <= 3}
    assert set(shown(client, "II.7.a", min=1, max=3)) == middle
    unsure = {s for s, g in grades.items() if (triage.confidence(g) or 0) <= 0.5}
    assert set(shown(client, "II.7.a", confidence=0.5)) == unsure
    page = client.get("/part/II.7.a", params={"min": 9}).text
    assert "No answers pass these filters" in page and "0 of 9 answers shown" in page


def test_disagreement_filter(client: TestClient, ws: Workspace) -> None:
    part = ws.exam.part("II.8.a")
    expected = {g.student for g in ws.grades(address=part.address) if triage.disagreements(part, g)}
    assert set(shown(client, part.address, disagree=1)) == expected


def test_gain_order_puts_the_most_to_gain_first(client: TestClient) -> None:
    found = list(shown(client, "II.10.a", order="gain").values())
    gains = [float(c["data-gain"]) for c in found]
    assert gains[0] == max(gains) > 0


@pytest.mark.parametrize(
    "query, says",
    [
        ({"status": "lost"}, "no status 'lost'"),
        ({"order": "random"}, "no order 'random'"),
        ({"min": "abc"}, "min='abc' is not a number"),
        ({"confidence": "nan"}, "is not a number"),
    ],
)
def test_bad_filters_are_400(client: TestClient, query: dict[str, str], says: str) -> None:
    page = client.get("/part/II.7.a", params=query, headers={"accept": "application/json"})
    assert page.status_code == 400 and says in page.json()["error"]


def test_queue_orders_by_expected_gain(ws: Workspace, client: TestClient) -> None:
    parts = queue_view(ws).parts
    waiting = [p for p in parts if p.in_review]
    assert [p.gain for p in waiting] == sorted((p.gain for p in waiting), reverse=True)
    assert all(p.in_review == 0 for p in parts[len(waiting) :])
    page = client.get("/").text
    assert "?status=review&amp;order=gain" in page and "expected gain" in page
