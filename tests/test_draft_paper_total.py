"""The total a paper states, checked against the drafted questions' marks: a question, part or
mark the drafter missed or misread is said in a note instead of passing unseen."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, total",
    [
        ("Total: 25 marks", 25),
        ("[Total: 30 marks]", 30),
        ("**Total: 40 points**", 40),
        ("TOTAL: 25", 25),  # in capitals, no unit needed
        ("TOTAL MARKS: 100", 100),
        ("Maximum marks: 60", 60),
        ("Max. points: 20", 20),
        ("Total = 100 points", 100),
        # a value in a question's text
        ("Total: 25", None),
        ("Total variance: 25", None),
        ("The total is 25 marks higher", None),
    ],
)
def test_total_line(line: str, total: float | None) -> None:
    assert p.total_line(line) == total


@pytest.mark.parametrize(
    "sentence, total",
    [
        ("There are 3 problems, 30 points total.", 30),
        ("The exam has a total of 100 marks.", 100),
        # about a task, a section or a choice: not the paper's
        ("In Canvas each question is worth five points, for a total of 10 points.", None),
        ("Choose problems so as to aim for a total of 15 points.", None),
        ("Multiple Choice (10 points total)", None),
    ],
)
def test_total_said(sentence: str, total: float | None) -> None:
    assert p.total_said(sentence) == total


def _notes(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "paper.md").write_text(text, encoding="utf-8")
    return [n.value for n in draft_exam([tmp_path / "paper.md"]).notes if "in all" in n.value]


_TWO = "1. Explain A. (10 marks)\n\n2. Explain B. (15 marks)\n\n"


@pytest.mark.parametrize(
    "paper, noted",
    [
        (f"{_TWO}Total: 25 marks\n", False),
        (f"{_TWO}[Total: 30 marks]\n", True),  # a question or marks missed
        (f"Quiz\n\nThere are 2 questions, 25 points total.\n\n{_TWO}", False),
        (f"Quiz\n\nThere are 3 questions, 35 points total.\n\n{_TWO}", True),
        # a rule: the best one of the two counts
        (f"Answer any ONE question.\n\n{_TWO}TOTAL: 15\n", False),
        (f"Answer any ONE question.\n\n{_TWO}TOTAL: 25\n", True),
    ],
)
def test_the_papers_total_is_checked(tmp_path: Path, paper: str, noted: bool) -> None:
    assert bool(_notes(tmp_path, paper)) == noted


def test_a_questions_own_total_after_its_parts(tmp_path: Path) -> None:
    text = (
        "QUESTION 1\n\n(a) Define A. [5 marks]\n\n(b) Define B. [10 marks]\n\n[Total: 15 marks]\n\n"
        "QUESTION 2 [10]\n\n(a) Define C. (4)\n\n(b) Define D. (6)\n\nTOTAL: 25\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1", "2"]
    for question in questions.values():  # the totals are in no prompt
        assert all("otal" not in part["prompt"] for part in question["parts"])
    assert not _notes(tmp_path, text)
    assert "in all" not in " ".join(n.value for n in draft_exam([tmp_path / "paper.md"]).notes)


@pytest.mark.parametrize(
    "heading, total",
    [
        ("Part B: Problems (14 points)", 14),
        ("Section A — 30 marks", 30),
        ("Part A: Multiple Choice (2 points each, 6 points total)", 6),
        ("Part A: Multiple Choice (2 points each)", None),  # each question's, not the section's
        ("Part C", None),
    ],
)
def test_section_total(heading: str, total: float | None) -> None:
    assert p.section_total(heading) == total


@pytest.mark.parametrize(
    "heading, noted",
    [
        ("## Part B: Problems (14 points)", False),
        ("## Part B: Problems (15 points)", True),  # a question or marks missed
        ("## Part B: Problems (4 points each)", False),  # no total said
    ],
)
def test_a_sections_total_is_checked(tmp_path: Path, heading: str, noted: bool) -> None:
    text = (
        "## Part A: Multiple Choice (2 points each, 4 points total)\n\n"
        "1. Pick one.\n   a) yes  b) no\n\n2. Pick another.\n   a) yes  b) no\n\n"
        f"{heading}\n\n3. (8 points) Derive it.\n\n4. (6 points) Interpret it.\n"
    )
    (tmp_path / "paper.md").write_text(text, encoding="utf-8")
    notes = [n.value for n in draft_exam([tmp_path / "paper.md"]).notes]
    assert any("heading says" in n for n in notes) == noted
