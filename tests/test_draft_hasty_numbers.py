"""Question numbers typed in haste: '9). Consider the output' (both a bracket and a stop) and
'7.(2) What do these values tell us?' (the bare marks right after the stop, no space). Each is
the question it numbers; the numbering goes on after it, so the questions that follow are not
read as the text of the one before. '1.(a)' is a part's label, and '3.14' a number."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, header",
    [
        ("9). Consider the output below:", ("9", "Consider the output below:")),
        ("7.(2)  What do these values tell us?", ("7", "(2)  What do these values tell us?")),
        ("7)(2.5) Why?", ("7", "(2.5) Why?")),
        ("6.  (2) Give the factors.", ("6", "(2) Give the factors.")),
        ("3. Plain.", ("3", "Plain.")),
        ("4.", ("4", "")),
        ("1.(a) Find the mean.", None),  # a part's label, not question 1's marks
        ("3.14 is pi.", None),
        ("2.(x) of the list", None),
    ],
)
def test_numbered_item(line: str, header: tuple[str, str] | None) -> None:
    found = p.numbered_item(line)
    assert ((found.id, found.rest) if found else None) == header


_PAPER = """# Final, part B

1. (2) Fit the model.

2. (3) Comment on its validity.

{third} What do the VIF values tell us?

4. Answer each part.

a) (2) Give the final model.

b) (2) Give its BIC.

{fifth} Consider the output below:

a) (2) What does the F-statistic test?
"""


@pytest.mark.parametrize(
    "third, fifth, marks",
    [
        ("3.(2)", "5).", {"1": 2, "2": 3, "3": 2, "4": 4, "5": 2}),
        ("3. (2)", "5.", {"1": 2, "2": 3, "3": 2, "4": 4, "5": 2}),
        ("3.(4)", "5)", {"1": 2, "2": 3, "3": 4, "4": 4, "5": 2}),
    ],
)
def test_hasty_numbers_open_their_questions(
    tmp_path: Path, third: str, fifth: str, marks: dict[str, float]
) -> None:
    questions = drafted_questions(tmp_path, _PAPER.format(third=third, fifth=fifth))
    drafted = {
        qid: q.get("marks") or sum(part["marks"] for part in q.get("parts", []))
        for qid, q in questions.items()
    }
    assert drafted == marks
