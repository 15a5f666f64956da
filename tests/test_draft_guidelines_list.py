"""A numbered list under 'Guidelines:' (or 'Instructions', 'Rules') on a cover page, then
questions headed 'Question 1', 'Question 2': the list was the rules, not questions 1-3 (said at
the top of the draft); a paper's own numbered questions told again as 'Question 1' in its
solutions stay questions."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam

_QUESTIONS = """
Question 1 (4 points) A pond holds two fish species.
(a) (1 point) Name a resource they share.
(b) (3 points) Sketch their nullclines.

Question 2 (6 points) Write the logistic equation and find its equilibria.
"""


@pytest.mark.parametrize(
    "intro",
    [
        "Guidelines:",
        "INSTRUCTIONS",
        "Rules for this exam",
        "Before you begin:",
    ],
)
def test_a_rules_list_before_question_headers(tmp_path: Path, intro: str) -> None:
    rules = (
        f"{intro}\n1. Write your name on every page.\n2. No phones.\n"
        "3. Show your working.\n4. Write clearly.\n"
    )
    paper = "Ecology midterm\n\n" + rules + _QUESTIONS
    path = tmp_path / "midterm.txt"
    path.write_text(paper, encoding="utf-8")
    questions = drafted_questions(tmp_path, paper, "midterm.txt")
    assert list(questions) == ["1", "2"]
    assert "two fish species" in questions["1"]["prompt"]
    assert [part["marks"] for part in questions["1"]["parts"]] == [1, 3]
    assert questions["2"]["marks"] == 6
    assert "phones" not in str(questions)
    notes = [note.value for note in draft_exam([path]).notes]
    assert any("read as instructions" in note for note in notes)


def test_numbered_questions_told_again_in_the_solutions_stay(tmp_path: Path) -> None:
    paper = (
        "Arithmetic quiz\n\n1. What is 2 + 2?\n2. What is 3 + 3?\n\nSolutions\n\n"
        "Question 1: 4\nQuestion 2: 6\n"
    )
    questions = drafted_questions(tmp_path, paper, "quiz.txt")
    assert list(questions) == ["1", "2"]
    assert "2 + 2" in questions["1"]["prompt"] and "3 + 3" in str(questions["2"])  # not dropped
