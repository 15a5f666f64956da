"""'Unless otherwise noted, each question is worth 3 points' over 'Problem N' headings whose
numbered questions '1.', '2.' ... are what it means: the problem's parts, 3 points each unless
one says its own; a PDF's line may end inside that sentence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render

PAPER = """\
STAT 200 Final

{rule}

Problem 1
1. What is a sampling distribution?
2. (4 points) Derive the variance of the sample mean.
3. When is the t distribution used?

Problem 2 (6 points)
A coin is tossed until the first head.
"""


def _questions(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


@pytest.mark.parametrize(
    "rule",
    [
        "Unless otherwise noted, each question is worth 3 points.",
        "Partial credit is given. Unless otherwise noted, each question is worth\n3 points.",
        "Each question is worth 3 points unless it says otherwise.",
    ],
)
def test_numbered_questions_under_a_problem_are_its_parts(tmp_path: Path, rule: str) -> None:
    questions = _questions(tmp_path, PAPER.format(rule=rule))
    parts = {str(p["id"]): p["marks"] for p in questions["1"]["parts"]}
    assert parts == {"1": 3, "2": 4, "3": 3}
    assert questions["2"]["marks"] == 6 and "parts" not in questions["2"]


def test_without_the_rule_an_unmarked_list_stays_the_problems_text(tmp_path: Path) -> None:
    questions = _questions(tmp_path, PAPER.format(rule="Answer all problems."))
    assert "parts" not in questions["1"]
    assert "What is a sampling distribution?" in questions["1"]["prompt"]


def test_a_sentence_that_ends_on_its_line_is_not_joined_to_the_next(tmp_path: Path) -> None:
    text = PAPER.format(rule="Show your work.\n3 points are given for neatness.")
    questions = _questions(tmp_path, text)
    assert "parts" not in questions["1"]
