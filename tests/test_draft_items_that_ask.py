"""A question's lettered items are its options when its stem says to choose ('select',
'which of the following'), unless an item asks a question of its own: an option is an answer,
never a question, so items that ask are the question's parts (a stem 'selecting 12 questions
at random' asks no one to choose)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions


@pytest.mark.parametrize(
    "paper,name,parts,choice",
    [
        # the stem's 'selecting', an item ending in '?': parts
        (
            "1. A quiz is made by selecting 5 of 40 questions at random.\n\n"
            "(a) Simulate the scores of a student who knows 30 of them.\n\n"
            "(b) What is the chance that the student passes?\n",
            "paper.md",
            ["a", "b"],
            False,
        ),
        # the same in the exam class, each item a \part
        (
            "\\documentclass{exam}\n\\begin{document}\n\\begin{questions}\n"
            "\\question Choose a sample of 10 from the 200 patients.\n\\begin{parts}\n"
            "\\part Describe how you draw it.\n\\part Is the sample biased?\n"
            "\\end{parts}\n\\end{questions}\n\\end{document}\n",
            "paper.tex",
            ["a", "b"],
            False,
        ),
        # 'which of the following' over options that ask nothing: options, as before
        (
            "1. Which of the following is a measure of spread?\n\n"
            "(a) the mean\n\n(b) the variance\n\n(c) the mode\n\nAnswer: b\n",
            "paper.md",
            [],
            True,
        ),
        # 'select' over short answers: options, as before
        (
            "1. Select the unbiased estimator of the variance.\n\n"
            "(a) the sample variance with n - 1\n\n(b) the sample variance with n\n\nAnswer: a\n",
            "paper.md",
            [],
            True,
        ),
    ],
)
def test_items_that_ask_are_parts(
    tmp_path: Path, paper: str, name: str, parts: list[str], choice: bool
) -> None:
    question = drafted_questions(tmp_path, paper, name)["1"]
    assert [str(p["id"]) for p in question.get("parts") or []] == parts
    assert ((question.get("key") or {}).get("kind") == "choice") == choice


@pytest.mark.parametrize(
    "paper,name,parts",
    [
        # a question that asks, one lettered item that asks again: its part (a)
        (
            "1. What is a confidence interval?\n\n(a) When would you use a 99% one?\n\n"
            "2. Define the p-value.\n",
            "paper.md",
            ["a"],
        ),
        # the same as pandoc writes LaTeX: a nested enumerate of one item, a stray backtick
        (
            "\\documentclass{article}\n\\begin{document}\n\\begin{enumerate}\n"
            "\\item What is a confidence interval?\n\n  \\begin{enumerate}\n"
            "  \\item When would you use a 99\\% one? `\n  \\end{enumerate}\n"
            "\\item Define the p-value.\n\\end{enumerate}\n\\end{document}\n",
            "paper.tex",
            ["a"],
        ),
        # the item answers, it does not ask: no part (the question's own text)
        (
            "1. What is the mean of 2 and 4?\n\n(a) 3\n\n2. Define the p-value.\n",
            "paper.md",
            [],
        ),
        # the stem asks nothing: the item is the question's text, as before
        (
            "1. Consider a sample of ten patients.\n\n(a) What is its mean age?\n\n"
            "2. Define the p-value.\n",
            "paper.md",
            [],
        ),
    ],
)
def test_one_item_that_asks_under_a_question_that_asks_is_a_part(
    tmp_path: Path, paper: str, name: str, parts: list[str]
) -> None:
    question = drafted_questions(tmp_path, paper, name)["1"]
    assert [str(p["id"]) for p in question.get("parts") or []] == parts
