"""'Sol.' (also 'Soln:', "Sol'n.") opens a solution as 'Solution:' does; and statements numbered
'(1)', '(2)', ... under a question asking 'True or False?' are its parts, each judged by the
solution under it ('Sol. False. <reason>': the part's key). Under a question asking nothing of the
kind, a plain '(1)' without points is the prompt's own list."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, rest",
    [
        ("Sol. False. Take L = a*.", "False. Take L = a*."),
        ("Soln: the set is empty.", "the set is empty."),
        ("Sol'n. Yes.", "Yes."),
        ("sol: 5", "5"),
        ("Solution: 5", "5"),
        ("Sol is the sun.", None),  # a word, not the label
        ("Solve for x.", None),
    ],
)
def test_solution_labels(line: str, rest: str | None) -> None:
    assert p.solution_start(line) == rest


def _paper(stem: str, label: str, verdicts: list[str]) -> str:
    parts = "".join(
        f"({i}) Statement number {i} about regular languages holds.\n{label} {v}. Because.\n"
        for i, v in enumerate(verdicts, 1)
    )
    return f"1. (15 pts) {stem}\n{parts}2. (10 pts) Prove the lemma.\nSol. By induction.\n"


@pytest.mark.parametrize(
    "stem, label, verdicts, keys",
    [
        ("True or False? Justify.", "Sol.", ["False", "True", "True"], [False, True, True]),
        ("Decide whether each is true or false.", "Soln:", ["True", "False"], [True, False]),
        ("True or false?", "Solution:", ["False", "False"], [False, False]),
    ],
)
def test_statements_to_judge_are_parts(
    tmp_path: Path, stem: str, label: str, verdicts: list[str], keys: list[bool]
) -> None:
    questions = drafted_questions(tmp_path, _paper(stem, label, verdicts), "paper.txt")
    assert list(questions) == ["1", "2"]
    parts = questions["1"]["parts"]
    assert [str(part["id"]) for part in parts] == [str(i) for i in range(1, len(keys) + 1)]
    assert [part["key"] for part in parts] == [{"kind": "truefalse", "value": k} for k in keys]


def test_a_plain_numbered_list_stays_the_prompt(tmp_path: Path) -> None:
    paper = (
        "1. (15 pts) Consider the languages below.\n"
        "(1) The first language.\n(2) The second language.\n"
        "2. (10 pts) Prove the lemma.\n"
    )
    questions = drafted_questions(tmp_path, paper, "paper.txt")
    assert list(questions) == ["1", "2"] and not questions["1"].get("parts")
