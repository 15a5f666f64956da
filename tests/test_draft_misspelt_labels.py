"""A question heading whose label word is misspelt ('QUESIOTN 3' after 'QUESTION 2', at the
same heading level, numbered next) is the next question, not text of the last part; a word
far from any label ('Appendix 3'), another level, or a number out of turn is not."""

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
        ("QUESIOTN 3", "3"),  # two letters swapped
        ("Qestion 4: Fit the model", "4"),  # a letter left out
        ("Problme 2", "2"),
        ("Excercise 5", "5"),  # a letter doubled
        ("Appendix 3", None),  # another word
        ("Table 2", None),
        ("Test 2", None),  # too far from 'task' at four letters
        ("Question", None),  # no number
        ("Question 3", None),  # written right: not this rule's
        ("Qestion 1.2", None),  # a dotted number: a bank's variant, not this rule's
    ],
)
def test_misspelt_question(line: str, expected: str | None) -> None:
    header = p.misspelt_question(line)
    assert (None if header is None else header.id) == expected


def _questions(tmp_path: Path, text: str) -> dict[str, list[str]]:
    path = tmp_path / "answers.md"
    path.write_text(text)
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    return {
        str(q["id"]): [str(part["id"]) for part in q.get("parts") or []]
        for s in tree["sections"]
        for q in s["questions"]
    }


@pytest.mark.parametrize(
    "text, expected",
    [
        # the third heading misspelt: still question 3 with its parts
        (
            "# QUESTION 1\n## a)\nx\n## b)\ny\n# QUESTION 2\n## a)\nz\n## b)\nu\n"
            "# QUESIOTN 3\n## a)\nw\n## b)\nv\n",
            {"1": ["a", "b"], "2": ["a", "b"], "3": ["a", "b"]},
        ),
        # an appendix heading after the last question: not a question
        (
            "# Question 1\n## a)\nx\n## b)\ny\n# Appendix 2\nnotes\n",
            {"1": ["a", "b"]},
        ),
        # misspelt but numbered out of turn: not taken
        (
            "# Question 1\n## a)\nx\n## b)\ny\n# Qestion 7\nnotes\n",
            {"1": ["a", "b"]},
        ),
    ],
)
def test_a_misspelt_heading_in_turn(
    tmp_path: Path, text: str, expected: dict[str, list[str]]
) -> None:
    assert _questions(tmp_path, text) == expected
