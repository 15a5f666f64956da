"""The comment library: kept per part, numbered, given to answers as part of their mark (words
for the student, or marks moving the adjustment with the words as its reason); refusals write
nothing. The CLI through click's CliRunner: parsing and one-line errors only."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise import actions
from gradewise.actions import Target
from gradewise.cli import cli
from gradewise.errors import BadInput, GradewiseError, NotFound
from gradewise.model import Criterion, LibraryComment, ManualMark, Part, PartGrade, Status, Verdict
from gradewise.workspace import Workspace

WHO = "ta-tester"
S1 = "s2024001"
# a: 2 marks, b: 2.
PART = Part("Q", "Q", "", 4, rubric=(Criterion("a", "a", 2), Criterion("b", "b", 2)))
MET_A = (Verdict("a", Status.MET, 1.0, ""), Verdict("b", Status.NOT_MET, 0.0, ""))
WORDS = LibraryComment("Q", 1, "see the lecture notes")
MINUS = LibraryComment("Q", 2, "units missing", -0.5)


@pytest.mark.parametrize(
    "mark, comment, given",
    [
        # no mark yet: the proposal in items, with the words for the student
        (None, WORDS, ManualMark(("a",), 0.0, "", "see the lecture notes")),
        # no mark yet, a deduction: the proposal moved, the words its reason
        (None, MINUS, ManualMark(("a",), -0.5, "units missing")),
        # the grader's items kept, the comment added after theirs
        (
            ManualMark(("b",), comment="good"),
            WORDS,
            ManualMark(("b",), 0, "", "good\n\nsee the lecture notes"),
        ),
        # an adjustment already there: moved further, the reasons joined
        (
            ManualMark(("a", "b"), -1, "slip"),
            MINUS,
            ManualMark(("a", "b"), -1.5, "slip; units missing"),
        ),
        # a plain mark: the number itself moves
        (ManualMark(adjustment=3), MINUS, ManualMark((), 2.5, "units missing")),
    ],
)
def test_a_comment_joins_the_mark(
    mark: ManualMark | None, comment: LibraryComment, given: ManualMark
) -> None:
    grade = PartGrade("s", "Q", 2.0, MET_A, False, mark=mark)
    assert actions.with_comment(PART, grade, comment) == given


def test_a_plain_mark_is_not_moved_outside_the_part() -> None:
    grade = PartGrade("s", "Q", 0.0, (), False, mark=ManualMark(adjustment=0.25))
    with pytest.raises(BadInput, match=re.escape("from 0.25 to -0.25, outside 0..4")):
        actions.with_comment(PART, grade, MINUS)


@pytest.mark.parametrize(
    "mark, comment",
    [
        (ManualMark(("a",), comment="see the lecture notes"), WORDS),  # the words given already
        (ManualMark(("a",), -0.5, "units missing"), MINUS),  # the deduction made already
    ],
)
def test_a_comment_is_given_once(mark: ManualMark, comment: LibraryComment) -> None:
    grade = PartGrade("s", "Q", 2.0, MET_A, False, mark=mark)
    with pytest.raises(BadInput, match="already has comment"):
        actions.with_comment(PART, grade, comment)


def test_comments_are_numbered_per_part_and_audited(ws: Workspace) -> None:
    first = actions.add_comment(ws, "II.7.a", "  show the gradient  ", who=WHO)
    second = actions.add_comment(ws, "II.7.a", "units missing", marks=-0.5, who=WHO)
    other = actions.add_comment(ws, "II.7.b", "see 7a", who=WHO)
    assert (first.number, first.text, second.number, second.marks) == (
        1,
        "show the gradient",
        2,
        -0.5,
    )
    assert other.number == 1  # each part counts its own
    assert actions.comments(ws, "II.7.a") == [first, second]
    events = [e for e in ws.store.events(address="II.7.a") if e.kind == "comment.add"]
    assert [(e.who, json.loads(e.new or "")["number"]) for e in events] == [(WHO, 1), (WHO, 2)]


@pytest.mark.parametrize(
    "text, marks, error, says",
    [
        ("   ", None, BadInput, "the comment is empty"),  # nothing to read
        ("x" * 5000, None, BadInput, "over the limit"),  # a pasted file
        ("t", 0.0, BadInput, "other than 0"),  # marks that change nothing
        ("t", 6.0, BadInput, "within ±5"),  # more than II.7.a's 5 marks
        ("t", float("nan"), BadInput, "other than 0"),  # no number
    ],
)
def test_adding_a_comment_refused(
    ws: Workspace, text: str, marks: float | None, error: type[GradewiseError], says: str
) -> None:
    with pytest.raises(error, match=says):
        actions.add_comment(ws, "II.7.a", text, marks=marks, who=WHO)
    assert actions.comments(ws, "II.7.a") == []


def test_giving_a_comment_marks_the_answer(ws: Workspace) -> None:
    actions.add_comment(ws, "II.7.a", "units missing", marks=-0.5, who=WHO)
    (grade,) = ws.grades(S1, "II.7.a")
    (done,) = actions.give_comment(ws, "II.7.a", 1, [Target(S1, 0)], who=WHO)
    assert done.mark is not None and done.mark.reason.endswith("units missing")
    assert done.manual_score == pytest.approx(max(0.0, grade.auto_score - 0.5))
    (event,) = ws.store.events(S1, "II.7.a")
    assert event.why == "comment 1 from the library"
    with pytest.raises(NotFound, match="has no comment 7 \\(it has: 1\\)"):
        actions.give_comment(ws, "II.7.a", 7, [Target(S1)], who=WHO)
    with pytest.raises(GradewiseError):  # the version seen has moved on: nothing written
        actions.give_comment(ws, "II.7.a", 1, [Target(S1, 0)], who=WHO)
    assert len(ws.store.events(S1, "II.7.a")) == 1


# the command line ------------------------------------------------------------------------------


def run(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(root), "comments", *args])


def test_cli_add_list_give(ws: Workspace) -> None:
    root = ws.root
    assert (
        "II.7.a comment 1 (-0.5): units missing"
        in run(root, "add", "II.7.a", "units missing", "--marks", "-0.5").output
    )
    rows = json.loads(run(root, "list", "II.7.a", "--json").output)
    assert rows == [{"number": 1, "marks": -0.5, "text": "units missing"}]
    out = run(root, "give", S1, "II.7.a", "1")
    assert out.exit_code == 0 and "units missing" in out.output and "recorded" in out.output
    assert "None yet" in run(root, "list", "II.7.b").output


@pytest.mark.parametrize(
    "args, says",
    [
        (("add", "II.7.a", "t", "--marks", "lots"), "--marks 'lots' is not a number"),
        (("add", "IX.1", "t"), "no part 'IX.1'"),
        (("list", "IX.1"), "no part 'IX.1'"),
        (("give", S1, "II.7.a", "3"), "has no comment 3"),
        (("give", "nobody", "II.7.a", "1"), "no script for student 'nobody'"),
    ],
)
def test_cli_errors_are_one_line(ws: Workspace, args: tuple[str, ...], says: str) -> None:
    actions.add_comment(ws, "II.7.a", "t", who=WHO)
    out = run(ws.root, *args)
    assert out.exit_code != 0 and says in out.output and "Traceback" not in out.output
