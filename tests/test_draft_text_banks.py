"""Question banks in Moodle's plain-text formats (Aiken, GIFT) drafted as questions with their
keys; marks, which neither format states, left for the instructor to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam
from gradewise.exam.draft.banks import aiken_questions
from gradewise.exam.draft.documents import Line, Loc

_AIKEN = """Which loss does logistic regression minimise?
A. Hinge loss
B. Cross-entropy
C. Squared error
ANSWER: B

What is the VC dimension of lines in the plane?
A) 2
B) 3
C) 4
ANSWER: B
"""


@pytest.mark.parametrize("name", ["bank.txt", "bank.md"])
def test_aiken(tmp_path: Path, name: str) -> None:
    questions = drafted_questions(tmp_path, _AIKEN, name)
    assert list(questions) == ["1", "2"]
    assert questions["1"]["key"]["options"] == {
        "a": "Hinge loss",
        "b": "Cross-entropy",
        "c": "Squared error",
    }
    assert questions["1"]["key"]["correct"] == ["b"]
    assert questions["2"]["key"]["correct"] == ["b"]
    draft = draft_exam([tmp_path / name])
    assert len([t for t in draft.todo if "marks" in t.value]) == 2  # Aiken states none


@pytest.mark.parametrize(
    "text",
    [
        # an answer naming no option
        "What is 2+2?\nA. 3\nB. 4\nANSWER: E\n",
        # options out of order
        "What is 2+2?\nA. 3\nC. 4\nANSWER: A\n",
        # no question above the options
        "A. 3\nB. 4\nANSWER: A\n",
        # no answer line
        "What is 2+2?\nA. 3\nB. 4\n",
    ],
)
def test_not_aiken(text: str) -> None:
    lines = [Line(t, Loc("bank.txt", n)) for n, t in enumerate(text.splitlines(), 1)]
    assert aiken_questions(lines) == lines


_GIFT = r"""// Week 3 quiz
$CATEGORY: ML/week3

::Q1:: Which loss does logistic regression minimise? {
  ~Hinge loss
  =Cross-entropy#Right: the negative log-likelihood.
  ~Squared error
}

::Q2:: Gradient descent always finds the global minimum. {F}

::Q3:: What is the derivative of x^2 at x \= 3? {#6:0.01}

::Q4:: The training error of 1-NN on its own training set is {=0 =zero}.

::Q5:: Explain the bias-variance trade-off. {}

::Q6:: Which are convex? {
  ~%50%x^2
  ~%50%|x|
  ~%-100%sin x
}

::Q7:: A rate between 3 and 5. {#3..5}

::Q8:: [markdown]Is **ReLU** convex? {TRUE}

::Q9:: Match the model to its loss. {=SVM -> hinge =Logistic -> log-loss}
"""


@pytest.mark.parametrize("name", ["quiz.gift", "quiz.txt"])
def test_gift(tmp_path: Path, name: str) -> None:
    questions = drafted_questions(tmp_path, _GIFT, name)
    assert list(questions) == [str(n) for n in range(1, 10)]
    key: dict[str, Any] = {q: questions[q].get("key") for q in questions}
    assert key["1"]["correct"] == ["b"]
    assert key["1"]["options"]["b"] == "Cross-entropy"  # the feedback is no part of it
    assert key["2"] == {"kind": "truefalse", "value": False}
    assert key["3"] == {"kind": "numeric", "value": 6, "tol": {"abs": 0.01}}
    assert questions["3"]["prompt"] == "What is the derivative of x^2 at x = 3?"
    assert key["4"]["value"] == 0
    assert "_____" in questions["4"]["prompt"]
    assert key["5"] is None  # an essay
    assert key["6"]["correct"] == ["a", "b"]  # partial credit > 0: right
    assert key["7"] == {"kind": "numeric", "value": 4, "tol": {"abs": 1}}
    assert key["8"] == {"kind": "truefalse", "value": True}
    assert key["9"] is None and "SVM" in questions["9"]["prompt"]


def test_latex_braces_in_a_text_paper_are_no_gift(tmp_path: Path) -> None:
    text = (
        "1. Compute $\\frac{1}{2} + x^{2}$ at $x = 1$. (2 points)\n\n"
        "2. Simplify $e^{\\ln 2}$. (2 points)\n\nAnswers: 1. 1.5 2. 2\n"
    )
    questions = drafted_questions(tmp_path, text, "paper.txt")
    assert "\\frac{1}{2}" in questions["1"]["prompt"]
    assert [q["marks"] for q in questions.values()] == [2, 2]
