"""Question banks kept as Markdown bullets without numbers: '- Question: ...' with its fields
nested under it ('- Type:', '- Answer:', '- Choices: a; b; c'), under lesson headings, numbered
on through the file as a reader counts them. Under a question's own heading ('## Task 3'), a
'- Question:' bullet is that question's text, not a new question."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, expected",
    [
        ("- Question: What is a sample space?", ("", "What is a sample space?")),
        ("* Question:Which test fits?", ("", "Which test fits?")),  # no space after the colon
        ("- Q: Define bias.", ("", "Define bias.")),
        ("- Question 4: Define bias.", ("4", "Define bias.")),  # numbered, as before
        ("- Question:", None),  # no prompt: a field name, not a question
        ("- Questions about the data are welcome", None),
        ("Question: Define bias.", None),  # not a bullet
    ],
)
def test_bullet_question(line: str, expected: tuple[str, str] | None) -> None:
    header = p.bullet_question(line)
    assert (None if header is None else (header.id, header.rest)) == expected


BANK = """\
Format: each item is a question with its type, answer and choices.

# Lesson 1

- Question: Which measure is robust to outliers?
  - Type: Multiple Choice (Single Correct Answer)
  - Answer: The median
  - Choices: The mean; The median; The range; The variance

- Question: Which of these are discrete distributions?
  - Type: Multiple Choice (Multiple Correct Answers)
  - Answer: Poisson; Geometric
  - Choices: Normal; Poisson; Exponential; Geometric

# Lesson 2
- Question: What does a p-value below alpha lead to?
    - Type: Multiple Choice (Single Correct Answer)
    - Answer: Rejecting the null hypothesis
    - Choices: Accepting the alternative as proven, Rejecting the null hypothesis, Nothing
"""

TASKS = """\
# Part one

## Task 01: Mean age

- Question: Which group is older on average?
    - Group A
    - Group B
- Answer:

## Task 02: Median cost

- Question: What is the median cost?
- Answer:
"""


def _questions(tmp_path: Path, text: str) -> list[dict[str, Any]]:
    path = tmp_path / "bank.md"
    path.write_text(text)
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return [q for s in tree["sections"] for q in s["questions"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        # unnumbered items under lesson headings: 1, 2, 3 through the file, keys by place
        (BANK, [("1", ["b"]), ("2", ["b", "d"]), ("3", ["b"])]),
        # '- Question:' under each task's heading: the task's text, two questions in all
        (TASKS, [("1", None), ("2", None)]),
    ],
)
def test_an_unnumbered_bank(
    tmp_path: Path, text: str, expected: list[tuple[str, list[str] | None]]
) -> None:
    questions = _questions(tmp_path, text)
    got = [(str(q["id"]), (q.get("key") or {}).get("correct")) for q in questions]
    assert got == expected
