"""Papers written out with their answers: each question's (or part's) words in bold, the answer
in plain text below it, up to the next bold question (a student's corrections, a worked key).
The plain text is the answer, not the question. Where the question asks whether each part is
true or false, a part's answer that opens with its verdict ('False. ...') is its key. And a
table that opens an answer stays in it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions


def _tex(body: str) -> str:
    return "\\documentclass{article}\n\\begin{document}\n" + body + "\\end{document}\n"


@pytest.mark.parametrize(
    "body,prompt,reference",
    [
        # 'Q1.' in bold ending in math, the answer on the lines after the line break
        (
            "\\textbf{Q1. Find the median of $1, 5, 9$} \\\\\nSorted, the middle value is 5. \\\\\n"
            "\\textbf{Q2. Find the range of $1, 5, 9$.} \\\\\nIt is $9 - 1 = 8$.\n",
            "Find the median of $1, 5, 9$",
            "Sorted, the middle value is 5.",
        ),
        # '1.' in bold ending in '?', the answer a paragraph below
        (
            "\\textbf{1. Is the sample mean unbiased?}\n\nYes: its expectation is the mean.\n\n"
            "\\textbf{2. Is the sample variance with $n$ unbiased?}\n\nNo.\n",
            "Is the sample mean unbiased?",
            "Yes: its expectation is the mean.",
        ),
        # the rest of the bold question's line is still the question's
        (
            "\\textbf{Q1. Write the null hypothesis.} Test $\\mu = 0$. \\\\\n"
            "$H_0: \\mu = 0$ \\\\\n\\textbf{Q2. Write the alternative.} \\\\\n$H_1: \\mu \\ne 0$\n",
            "Write the null hypothesis. Test $\\mu = 0$.",
            "$H_0: \\mu = 0$",
        ),
    ],
)
def test_the_plain_text_under_a_bold_question_is_its_answer(
    tmp_path: Path, body: str, prompt: str, reference: str
) -> None:
    question = drafted_questions(tmp_path, _tex(body), "paper.tex")["1"]
    assert question["prompt"] == prompt
    assert question["reference"] == reference
    assert "2" in drafted_questions(tmp_path, _tex(body), "again.tex")


@pytest.mark.parametrize(
    "body",
    [
        # a bold title, not a question (no sentence in it): the words below are the question's
        "\\textbf{1. Regression}\n\nFit a line to the points $(0, 1), (1, 3)$.\n\n"
        "\\textbf{2. Testing}\n\nTest whether the slope is zero.\n",
        # a bold label alone: the question follows it on its line and below
        "\\textbf{1.} Fit a line to the points\n$(0, 1), (1, 3)$.\n\n"
        "\\textbf{2.} Test whether the slope is zero.\n",
    ],
)
def test_a_bold_title_keeps_its_question_below(tmp_path: Path, body: str) -> None:
    question = drafted_questions(tmp_path, _tex(body), "paper.tex")["1"]
    assert "Fit a line" in question["prompt"]
    assert "reference" not in question


_VERDICTS_TEX = _tex(
    "\\textbf{Q1. Decide whether each of the following is true or false:} \\\\\n"
    "\\textbf{a. $2 < 3$} \\\\\nTrue. As $3 - 2 > 0$. \\\\\n"
    "\\textbf{b. $3 < 2$} \\\\\nFalse. The other way round. \\\\\n"
    "\\textbf{Q2. Prove that $\\sqrt{2}$ is irrational.} \\\\\nSuppose it were $p/q$ ...\n"
)
_VERDICTS_MD = (
    "1. State whether each is true or false.\n\n(a) $2 < 3$\n\nSolution: True, as $3 - 2 > 0$.\n\n"
    "(b) $3 < 2$\n\nSolution: False, the other way round.\n"
)


@pytest.mark.parametrize("text,name", [(_VERDICTS_TEX, "paper.tex"), (_VERDICTS_MD, "paper.md")])
def test_a_parts_verdict_is_its_key_under_a_true_or_false_question(
    tmp_path: Path, text: str, name: str
) -> None:
    parts = _parts(drafted_questions(tmp_path, text, name)["1"])
    assert parts["a"]["key"] == {"kind": "truefalse", "value": True}
    assert parts["b"]["key"] == {"kind": "truefalse", "value": False}


def test_a_verdict_is_no_key_where_the_question_asks_no_true_or_false(tmp_path: Path) -> None:
    # 'True' opening a proof's answer under a question that asks to prove: no key
    paper = (
        "1. Prove each claim.\n\n(a) $2 < 3$\n\nSolution: True since $3 - 2 = 1 > 0$, so ...\n\n"
        "(b) $4 < 5$\n\nSolution: Likewise.\n"
    )
    parts = _parts(drafted_questions(tmp_path, paper, "paper.md")["1"])
    assert (parts["a"].get("key") or {}).get("kind") != "truefalse"


@pytest.mark.parametrize(
    "answer",
    [
        # the table first in the solution
        "\\begin{center}\\begin{tabular}{|c|c|}\n$p$ & $\\neg p$ \\\\\nT & F \\\\\nF & T \\\\\n"
        "\\end{tabular}\\end{center}\nSo negation flips it.\n",
        # the table after a sentence
        "The table:\n\\begin{tabular}{|c|c|}\n$p$ & $\\neg p$ \\\\\nT & F \\\\\nF & T \\\\\n"
        "\\end{tabular}\nSo negation flips it.\n",
    ],
)
def test_a_table_in_a_solution_stays_in_it(tmp_path: Path, answer: str) -> None:
    paper = (
        "\\documentclass{exam}\n\\printanswers\n\\begin{document}\n\\begin{questions}\n"
        "\\question[2] Write the truth table of $\\neg p$.\n\\begin{solution}\n"
        + answer
        + "\\end{solution}\n\\end{questions}\n\\end{document}\n"
    )
    reference = drafted_questions(tmp_path, paper, "paper.tex")["1"]["reference"]
    assert "| T | F |" in reference and "| F | T |" in reference
    assert reference.endswith("So negation flips it.")


def _parts(question: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {str(part["id"]): part for part in question["parts"]}


@pytest.mark.parametrize(
    "paper,name,key",
    [
        # the truth value asked, the answer closing on it
        (
            "1. Determine the truth value of $\\forall x \\, (x^2 \\ge 0)$.\n\n"
            "Solution: Squares are never negative. The statement is true.\n",
            "paper.md",
            {"kind": "truefalse", "value": True},
        ),
        # the same in bold LaTeX, the verdict opening the answer
        (
            _tex(
                "\\textbf{Q1. Is it true or false that $0.1 + 0.2 = 0.3$ in floating point?} \\\\\n"
                "False. The sum is $0.30000000000000004$. \\\\\n"
                "\\textbf{Q2. Name a base in which $0.1$ is exact.} \\\\\nBase 10.\n"
            ),
            "paper.tex",
            {"kind": "truefalse", "value": False},
        ),
        # the verdict and an explanation asked: the marks are for both, no key
        (
            "1. True or false: every continuous function is differentiable. Explain.\n\n"
            "Solution: False. $|x|$ is continuous but has no derivative at 0.\n",
            "paper.md",
            None,
        ),
        # no verdict asked: an answer ending 'is true' is no key
        (
            "1. Prove that $n^2 - n$ is even for every integer $n$.\n\n"
            "Solution: $n^2 - n = n(n - 1)$, a product of consecutive integers, so the claim is "
            "true.\n",
            "paper.md",
            None,
        ),
    ],
)
def test_a_question_asking_a_truth_value_has_the_answers_verdict_as_key(
    tmp_path: Path, paper: str, name: str, key: dict[str, Any] | None
) -> None:
    question = drafted_questions(tmp_path, paper, name)["1"]
    assert question.get("key") == key
