"""Marks said once for all of a question's parts ('1. True or false? (1 point each)', a
'(10 points each)' paragraph under its heading) and parts headed 'Question 1, part 2': each
part gets them, and no other question does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


def _questions(tmp_path: Path, text: str) -> dict[str, Any]:
    path = tmp_path / "paper.md"
    path.write_text(text, encoding="utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


def _parts(question: dict[str, Any]) -> dict[str, Any]:
    return {str(part["id"]): part.get("marks") for part in question.get("parts") or []}


NUMBERED = """\
Regression quiz

1. Say whether each statement holds. {each}
(a) Least squares minimises the sum of squared residuals.
(b) R squared can be negative for a fitted line with an intercept.
(c) Residuals of a fitted line with an intercept sum to zero.

2. Fit the line to the data in the table and report its slope. (4 points)

3. Explain what leverage is.
"""


@pytest.mark.parametrize(
    "each, marks",
    [
        ("(1 point each)", 1),
        ("(2 marks each)", 2),
        ("[3 points each]", 3),
        ("1.5 points each.", 1.5),
    ],
)
def test_each_on_the_question_line_is_each_parts(tmp_path: Path, each: str, marks: float) -> None:
    questions = _questions(tmp_path, NUMBERED.format(each=each))
    assert _parts(questions["1"]) == {"a": marks, "b": marks, "c": marks}
    assert questions["2"].get("marks") == 4
    assert questions["3"].get("marks") is None  # not every question's marks


def test_each_without_parts_stays_a_rule_for_every_question(tmp_path: Path) -> None:
    text = "Quiz\n\n1. Define a residual. (1 point each)\n\n2. Define leverage.\n"
    questions = _questions(tmp_path, text)
    assert questions["1"].get("marks") == 1 and questions["2"].get("marks") == 1


HEADED = """\
# Final exam

# Question 1, model selection

The parts below compare several fitted models on a validation set.

{each}

## Question 1, part 1

Fit the backward model and report its validation deviance.

## Question 1, part 2, ridge regression

Fit a ridge model and report its validation deviance.

# Question 2

(6 points)

Explain overdispersion in a sentence.
"""


@pytest.mark.parametrize(
    "each, marks",
    [
        ("(10 points each)", 10),
        ("**(4 marks each)**", 4),
        ("", None),
    ],
)
def test_question_part_headings_take_the_marks_said_for_each(
    tmp_path: Path, each: str, marks: float | None
) -> None:
    questions = _questions(tmp_path, HEADED.format(each=each))
    assert _parts(questions["1"]) == {"1": marks, "2": marks}
    assert questions["2"].get("marks") == 6 and not questions["2"].get("parts")


@pytest.mark.parametrize(
    "text, found",
    [
        ("Question 1, part 2", ("1", "2", "")),
        ("Problem 3, part 1, ridge regression", ("3", "1", "ridge regression")),
        ("Exercise 12, Part 4: tuning", ("12", "4", "tuning")),
        ("Question 1 part 2", None),
        ("Question 1, parts 2 and 3", None),
        ("Question 1, model selection", None),
    ],
)
def test_question_part(text: str, found: tuple[str, str, str] | None) -> None:
    got = p.question_part(text)
    assert (None if got is None else (got[0], got[1].id, got[1].rest)) == found
