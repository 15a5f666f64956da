"""Keys checked against the worked solution beside them: disagreements go to the draft's
to-check list, agreements and solutions with no final value say nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft.agree import disagreement, same_key


@pytest.mark.parametrize(
    "key, solution, expected",
    [
        # the slip this is for: the key sums where the working takes the mean
        ({"kind": "numeric", "value": 12}, "The mean is (2 + 4 + 6)/3 = 4.", "ends with 4"),
        ({"kind": "numeric", "value": 4}, "The mean is (2 + 4 + 6)/3 = 4.", None),  # agree
        ({"kind": "numeric", "value": 0.71}, "$p = 5/7$", None),  # a key rounded on the paper
        ({"kind": "numeric", "value": 0.7}, "$p = 5/7 = 0.714$", None),  # rounded further
        ({"kind": "numeric", "value": 0.69}, "$p = 5/7 = 0.714$", "ends with 0.714"),  # too far
        ({"kind": "numeric", "value": 30}, "$n = 30.1$", None),  # whole: half a percent
        ({"kind": "numeric", "value": 3}, "Use the chain rule on each layer.", None),  # no value
        ({"kind": "numeric", "value": [1.5, 10.5]}, "centroids $[1.5, 10.5]$", None),  # vector
        ({"kind": "truefalse", "value": True}, "False: a tie can move it.", "ends with false"),
        ({"kind": "truefalse", "value": False}, "False, since ...", None),
        ({"kind": "choice", "correct": ["b"]}, "(a) is wrong; (c) is right", None),  # not read
        ({"kind": "numeric", "value": 3}, "", None),  # no solution
    ],
)
def test_disagreement(key: dict[str, Any], solution: str, expected: str | None) -> None:
    found = disagreement(key, solution)
    assert (found is None) if expected is None else (found is not None and expected in found)


PAPER = """\
# Statistics quiz

1. The values are 2, 4 and 6. What is their mean? [2 marks]
   Answer: 12
   Solution: the mean is $(2 + 4 + 6)/3 = 4$.

2. The same values' median? [2 marks]
   Answer: 4
   Solution: sorted, the middle one is $4$.

3. Two parts
   - (a) (1 pt) Their range?
     Answer: 6
     Solution: $6 - 2 = 4$.
   - (b) (1 pt) Their sum?
     Solution: 12
"""


def test_draft_lists_keys_the_working_contradicts(tmp_path: Path) -> None:
    path = tmp_path / "quiz.md"
    path.write_text(PAPER, encoding="utf-8")
    draft = draft_exam([path])
    todo = [v.value for v in draft.todo]
    assert todo == [
        "I.1: the key is 12 but the worked solution ends with 4 — check which is right",
        "I.3: part a: the key is 6 but the worked solution ends with 4 — check which is right",
    ]
    assert (
        "the key is 12 but the worked solution ends with 4" in render(draft).split("sections:")[0]
    )


@pytest.mark.parametrize(
    "expected, got, same",
    [
        ({"kind": "numeric", "value": "1/4"}, {"kind": "numeric", "value": 0.25}, True),
        ({"kind": "numeric", "value": 0.25}, {"kind": "numeric", "value": "1/4"}, True),
        (
            {"kind": "numeric", "value": "2/3"},
            {"kind": "numeric", "value": 0.667},
            False,
        ),  # rounded
        (
            {"kind": "numeric", "value": "2/3", "tol": {"abs": 0.01}},
            {"kind": "numeric", "value": 0.667, "tol": {"abs": 0.01}},
            False,
        ),  # equal within tol is not equal
        (
            {"kind": "numeric", "value": "2/3", "tol": {"abs": 0.01}},
            {"kind": "numeric", "value": "4/6"},
            False,
        ),  # tol differs
        (
            {"kind": "numeric", "value": "2/3", "tol": {"abs": 0.01}},
            {"kind": "numeric", "value": "4/6", "tol": {"abs": 0.01}},
            True,
        ),
        ({"kind": "numeric", "value": 9}, {"kind": "numeric", "value": 9.0}, True),
        ({"kind": "numeric", "value": 9}, {"kind": "numeric", "value": 10}, False),
        ({"kind": "numeric", "value": [1, 2]}, {"kind": "numeric", "value": ["1/1", 2.0]}, True),
        ({"kind": "numeric", "value": [1, 2]}, {"kind": "numeric", "value": [2, 1]}, False),
        (
            {"kind": "expression", "value": "x^2 + 2x"},
            {"kind": "expression", "value": "x(x+2)"},
            True,
        ),
        ({"kind": "expression", "value": "x^2"}, {"kind": "expression", "value": "x^3"}, False),
        ({"kind": "numeric", "value": 4}, {"kind": "expression", "value": "4"}, False),  # kind
        ({"kind": "numeric", "value": 4}, None, False),
        ({"kind": "numeric", "value": 4}, {"kind": "numeric"}, False),  # no value drafted
        ({"kind": "choice", "correct": ["b"]}, {"kind": "choice", "correct": ["b"]}, True),
        ({"kind": "choice", "correct": ["b"]}, {"kind": "choice", "correct": ["c"]}, False),
        ({"kind": "truefalse", "value": True}, {"kind": "truefalse", "value": False}, False),
        ({"kind": "text", "value": "1/4"}, {"kind": "text", "value": "0.25"}, False),  # as text
    ],
)
def test_same_key(expected: dict[str, Any], got: dict[str, Any] | None, same: bool) -> None:
    assert same_key(expected, got) is same
