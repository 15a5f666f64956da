"""Worked solutions that end in prose ('... so the chance is 0.25.'): the value the closing
sentence states in words keys the part when it is the only one, the question's own numbers
and the same value written again ('0.25 or 25%') left aside; where it states several, no key
is drafted and the draft says so; what the reader never sees (an HTML comment holding an older
answer, a `\\label`) is not read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "working, given, value, several",
    [
        # one value stated, the question's numbers left aside
        ("We count.\nSo there are 3,125 words of 5 letters.", "words of 5 letters", 3125, []),
        ("So there are 3,125 words of 5 letters.", "", None, ["3,125", "5"]),  # 5 not given
        ("Hence the chance of a match is 0.3 or 30%.", "", 0.3, []),  # one value, twice
        ("Hence the chance is $$0.3$$ or $$30\\%$$.", "", 0.3, []),
        ("The answer in decimals is approximately 0.4286, or 42.86%", "", 0.4286, []),
        ("Thus the value of $$q$$ is $$\\frac{3}{7}$$.", "", "3/7", []),
        # the sentence runs over a display line
        ("Therefore the chance is\\\n$$\\frac{5}{12}$$.", "", "5/12", []),
        # several values stated: no key, what they are for the note
        ("So the roots are 2 and 5.", "", None, ["2", "5"]),
        ("Hence the mean is 4 and the median 3.", "", None, ["4", "3"]),
        # a lone expression: no number to key, nothing to say
        ("So the chance is $$\\frac{6! \\times 3!}{9!}$$.", "", None, []),
        # no value stated in words: nothing
        ("See the table in section 3.", "", None, []),
        ("We used 12 draws in all.", "", None, []),
        ("Nothing more to add.", "", None, []),
        # a formula's '= 0' on its own line is not prose
        ("Sum over the times\nE[M] = t=0 E(M|T=t)", "", None, []),
    ],
)
def test_sentence_value(working: str, given: str, value: Any, several: list[str]) -> None:
    assert p.sentence_value(working, given) == (value, several)


@pytest.mark.parametrize(
    "working, seen",
    [
        ("The answer is 4.\n<!-- The answer is 5. -->", "The answer is 4."),
        ("$$P = 0.2\\label{eq:p}$$", "$$P = 0.2$$"),
        ("<!-- an old try\nover two lines -->\nIt is 7.", "\nIt is 7."),
    ],
)
def test_without_asides(working: str, seen: str) -> None:
    assert p.without_asides(working).strip() == seen.strip()


_PAPER = """\
# Counting quiz

## Question 1

A die is rolled 3 times. How many sequences of faces are there?

### Solution

Each roll has 6 faces, so we multiply.
So there are 216 sequences of 3 rolls.

## Question 2

A coin is tossed twice. What is the chance of two heads?

### Solution

One outcome of four.
<!-- Hence the chance is 0.5. -->
Hence the chance is 0.25 or 25%.

## Question 3

How many ways can 4 books stand on a shelf, and how many with one fixed at the end?

### Solution

So there are 24 ways, and 6 with one fixed.
"""


def test_prose_keys_in_a_paper(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_text(_PAPER, encoding="utf-8")
    draft = draft_exam([path])
    from ruamel.yaml import YAML

    tree = YAML(typ="safe").load(render(draft))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert questions["1"]["key"] == {"kind": "numeric", "value": 216}
    assert questions["2"]["key"] == {"kind": "numeric", "value": 0.25}  # not the commented 0.5
    assert "key" not in questions["3"]
    todo = " ".join(t.value for t in draft.todo)
    assert "ends on more than one value (24, 6)" in todo


@pytest.mark.parametrize(
    "working, found",
    [
        # the answer first, on a line of its own, then why
        ("$3,400 \\pm 100$\nAbout 2,000 plus 1,400.", (3400, {"abs": 100})),
        ("$0.35$\nWe add the two bars.", (0.35, None)),
        ("12 ± 2\nCount the squares.", (12, {"abs": 2})),
        ("\\(\\frac{2}{9}\\)\nTwo of nine.", ("2/9", None)),
        # a bare number may number a step; words are no value; one line is another rule's
        ("1.\nAdd the bars.", None),
        ("About 3,400.\nWe add.", None),
        ("$x^2 + 1$\nExpand it.", None),
        ("$0.35$", None),
    ],
)
def test_opening_value(working: str, found: Any) -> None:
    assert p.opening_value(working) == found
