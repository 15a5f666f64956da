"""Solutions as papers write them under a question's parts: one line for all parts after the
last one ('Solution: (a) 5 (b) 7') is split over the parts, not all given to the last; a label
in italics ('*Solution:*') opens a solution as its plain form does; Markdown rules ('---')
between questions are no question's words."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions

QUESTION = """\
1. A fair coin is tossed twice. (6 marks)

LA Find P(two heads). (3 marks)

LB Find P(at least one head). (3 marks)

SOLUTION

2. Define independence. (2 marks)
"""


def _given(part: dict[str, Any]) -> str | None:
    """What the draft gives a part as its answer: the key's value, else its reference."""
    if "key" in part:
        return str(part["key"]["value"])
    return part.get("reference")


@pytest.mark.parametrize(
    "a, b, solution, given",
    [
        # one line after the last part, each part's answer after its label
        ("(a)", "(b)", "Solution: (a) 1/4 (b) 3/4", {"a": "0.25", "b": "0.75"}),
        ("i.", "ii.", "*Solution:* i. 1/4 ii. 3/4", {"i": "0.25", "ii": "0.75"}),
        ("(a)", "(b)", "_Solution:_ (a) one quarter (b) 3/4", {"a": "one quarter", "b": "0.75"}),
        # the same as keys: each part's, or its reference when it is no value to check
        ("(a)", "(b)", "Answer: (a) 1/4; (b) 3/4", {"a": "0.25", "b": "0.75"}),
        ("a)", "b)", "**Answer:** a) 1/4. b) 3/4.", {"a": "0.25", "b": "0.75"}),
        ("(a)", "(b)", "*Answer:* (a) one quarter (b) 3/4", {"a": "one quarter", "b": "0.75"}),
        # options named, not an answer for each: the last item's (options are no parts)
        (
            "(a)",
            "(b)",
            "Solution: (a) and (b) are both right",
            {"a": None, "b": "(a) and (b) are both right"},
        ),
        # the last part's own answer stays its own
        (
            "(a)",
            "(b)",
            "Solution: 3/4, one minus P(no head).",
            {"a": None, "b": "3/4, one minus P(no head)."},
        ),
        # ... and keys it where its sentence states one value in words
        ("(a)", "(b)", "Answer: by (a) the answer is 3/4", {"a": None, "b": "0.75"}),
    ],
)
def test_a_solution_line_after_the_last_part_goes_to_each_part(
    tmp_path: Path, a: str, b: str, solution: str, given: dict[str, str | None]
) -> None:
    text = QUESTION.replace("LA", a).replace("LB", b).replace("SOLUTION", solution)
    questions = drafted_questions(tmp_path, text)
    assert {str(part["id"]): _given(part) for part in questions["1"]["parts"]} == given


@pytest.mark.parametrize("rule", ["---", "***", "* * *", "___"])
def test_a_markdown_rule_between_questions_is_no_prompt_s_words(tmp_path: Path, rule: str) -> None:
    text = (
        f"**Problem 1** (4 points)\n\nDefine bias.\n\n{rule}\n\n"
        f"**Problem 2** (6 points)\n\nDefine variance.\n\n{rule}\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert {q: questions[q]["prompt"] for q in questions} == {
        "1": "Define bias.",
        "2": "Define variance.",
    }


def test_a_key_gradewise_cannot_check_joins_the_worked_solution(tmp_path: Path) -> None:
    """'Answer: the identity matrix' after a part's worked solution: kept in its reference, as
    the note says, not only in the note."""
    text = (
        "1. Matrices. (4 marks)\n\n(a) Find the inverse of I. (2 marks)\n\n"
        "Solution: I times I is I.\n\nAnswer: the identity matrix\n\n(b) Find det I. (2 marks)\n"
    )
    part = drafted_questions(tmp_path, text)["1"]["parts"][0]
    assert "I times I is I." in part["reference"] and "the identity matrix" in part["reference"]
