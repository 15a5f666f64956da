"""Marks as a bare number in brackets right after the label: '2. (4) According to ...',
'(a) (2) Find the estimate.' (not '(1)', which opens a list of the prompt's own)."""

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


PAPER = """\
Estimation midterm

1. {one} A poll of 1,000 adults finds 41% approval. Explain the margin of error.

2. The Rayleigh distribution has density f(x) = x exp(-x^2/2).
(a) {a} Find the method of moments estimate.
(b) {b} Find the maximum likelihood estimate.
"""


@pytest.mark.parametrize(
    "one, a, b, marks_1, parts_2",
    [
        ("(4)", "(2)", "(3)", 4, {"a": 2, "b": 3}),
        ("(12)", "(5)", "(5)", 12, {"a": 5, "b": 5}),
        # the usual form still reads the same
        ("(4 points)", "(2 points)", "(3 points)", 4, {"a": 2, "b": 3}),
        # '(1)' is a list's first item, not one mark
        ("(1)", "(1)", "(2)", None, {"a": None, "b": 2}),
    ],
)
def test_bare_marks_after_the_label(
    tmp_path: Path, one: str, a: str, b: str, marks_1: float | None, parts_2: dict[str, Any]
) -> None:
    questions = _questions(tmp_path, PAPER.format(one=one, a=a, b=b))
    assert questions["1"].get("marks") == marks_1
    assert {str(x["id"]): x.get("marks") for x in questions["2"]["parts"]} == parts_2
    assert not questions["2"]["parts"][1]["prompt"].startswith("(")


@pytest.mark.parametrize(
    "text, found",
    [
        ("(4) According to a poll.", (4.0, "According to a poll.")),
        ("(12) Find it.", (12.0, "Find it.")),
        ("(1) Find it.", None),
        ("(4) find it.", None),
        ("(4)Find it.", None),
        ("(60) Find it.", None),
        ("(a) Find it.", None),
    ],
)
def test_bare_leading_marks(text: str, found: tuple[float, str] | None) -> None:
    assert p.bare_leading_marks(text) == found
