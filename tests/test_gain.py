"""Expected gain: the review queue's order, on a hand-made part (marks, doubt, answers alike)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.gain import BLANK, FLAGGED, expected_gains, unsure
from gradewise.model import (
    NO_ANSWER_SOURCE,
    Answer,
    Exam,
    Part,
    PartGrade,
    Question,
    Section,
    Status,
    Verdict,
)
from gradewise.workspace import init_workspace, open_workspace

EXAM = Exam(
    "t",
    "T",
    (
        Section(
            "I",
            "All",
            (
                Question("1", "", (Part("I.1", "1", "", 4, review_below=0.8),)),
                Question("2", "", (Part("I.2", "2", "", 1, review_below=0.8),)),
            ),
        ),
    ),
)


def grade(student: str, address: str, *verdicts: Verdict) -> PartGrade:
    return PartGrade(student, address, 0.0, verdicts, True)


def v(status: Status, confidence: float, by: str = "similarity@2") -> Verdict:
    return Verdict("c", status, 0.0, "", confidence=confidence, produced_by=by)


@pytest.mark.parametrize(
    "g, expected",
    [
        (grade("a", "I.1", v(Status.NEEDS_REVIEW, 0.0)), 1.0),  # abstained: fully unsure
        (grade("a", "I.1", v(Status.MET, 0.6), v(Status.MET, 0.9)), 0.4),  # least sure counts
        (grade("a", "I.1", v(Status.MET, 0.9)), FLAGGED),  # sure, yet flagged: another reason
        (grade("a", "I.1"), 1.0),  # no verdicts at all
        (grade("a", "I.1", v(Status.NEEDS_REVIEW, 0.0, by=NO_ANSWER_SOURCE)), BLANK),  # blank
    ],
)
def test_unsure(g: PartGrade, expected: float) -> None:
    assert unsure(g, 0.8) == pytest.approx(expected)


def test_gain_is_marks_times_doubt_times_answers_alike() -> None:
    waiting = [
        grade("a", "I.1", v(Status.MET, 0.6)),  # 4 marks × 0.4 × alone = 1.6
        grade("b", "I.2", v(Status.NEEDS_REVIEW, 0.0)),  # 1 × 1 × 3 alike = 3
        grade("c", "I.2", v(Status.NEEDS_REVIEW, 0.0)),
        grade("d", "I.2", v(Status.NEEDS_REVIEW, 0.0)),
        grade("e", "I.2", v(Status.NEEDS_REVIEW, 0.0)),  # a different answer: 1 × 1 × 1
    ]
    answers = [
        Answer("a", "I.1", "the loss is convex"),
        Answer("b", "I.2", "B, C"),
        Answer("c", "I.2", "b,c."),
        Answer("d", "I.2", "B C"),
        Answer("e", "I.2", "A only"),
        Answer("z", "I.2", "B, C"),  # not waiting (already marked): does not count as alike
    ]
    gains = expected_gains(EXAM, waiting, answers)
    assert gains[("a", "I.1")] == pytest.approx(1.6)
    assert [gains[(s, "I.2")] for s in "bcde"] == [3, 3, 3, 1]


def test_review_list_orders_by_gain(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    # Text no label places: the parts it leaves blank may be missed answers, for review.
    (root / "late.md").write_text("notes nobody can place\n\nQ1 B, C\n", encoding="utf-8")
    ws.add_scripts([root / "late.md"])
    ws.grade()
    out = CliRunner().invoke(cli, ["-w", str(root), "review", "list", "--json"])
    rows = json.loads(out.output)
    assert rows and [r["gain"] for r in rows] == sorted((r["gain"] for r in rows), reverse=True)
    blank = [r for r in rows if "no answer found" in r["reason"]]
    assert blank and all(r["gain"] <= r["marks"] * BLANK * 9 for r in blank)


def test_the_queue_of_one_part_is_that_part_of_the_whole_queue(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    for part in ("II.10.a", "II.10.d", "I.4.a", "I.1"):  # optional questions and compulsory
        assert ws.queue(part) == [g for g in ws.queue() if g.address == part]
