"""Options written on one line, options under numbered parts, and answer keys that name parts
('1.1 B', '2(a) 0.5'): read as the paper means them, never as parts of their own."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "line, labels",
    [
        ("A. x^2  B. sin x  C. -x^2  D. cos x", ["a", "b", "c", "d"]),
        ("(a) hinge   (b) log-loss   (c) squared", ["a", "b", "c"]),
        ("a) 0.1    b) 0.5", ["a", "b"]),
        ("- A) yes  B) no", ["a", "b"]),
        # three labels in a row are options even one space apart
        ("A. x B. y C. z", ["a", "b", "c"]),
        # bracketed labels need no wide gap
        ("(a) Compute the mean. (b) Compute the variance.", ["a", "b"]),
        # two labels one space apart may be a sentence: one item
        ("a) the rate b) grows", None),
        ("A. E. coli B. subtilis", None),
        # letters out of order are not a list
        ("A. one  C. three", None),
        # one label only
        ("(a) Find the mean.", None),
        # '(a.' is no label form
        ("(a. x  (b. y", None),
    ],
)
def test_options_on_one_line(line: str, labels: list[str] | None) -> None:
    found = p.options_on_one_line(line)
    assert (None if found is None else [h.id for h in found]) == labels


@pytest.mark.parametrize(
    "text, key",
    [
        ("1.1 B", ("1", "1", "B")),
        ("1.2) 0.5", ("1", "2", "0.5")),
        ("Q1.3: A, B, D", ("1", "3", "A, B, D")),
        ("2(a) True", ("2", "a", "True")),
        ("2 (b) 4", ("2", "b", "4")),
        ("3b: 4", ("3", "b", "4")),
        ("- 4c. F", ("4", "c", "F")),
        # a question's own key is no part's
        ("1. B", None),
        ("12) 4", None),
    ],
)
def test_listed_part_key(text: str, key: tuple[str, str, str] | None) -> None:
    assert p.listed_part_key(text) == key


def _choice(part: dict[str, Any]) -> tuple[list[str], list[str]] | None:
    key = part.get("key")
    if key is None or key["kind"] != "choice":
        return None
    return sorted(key["options"]), key["correct"]


@pytest.mark.parametrize(
    "options",
    [
        # one per line under the numbered part
        "   A. hinge\n   B. log-loss\n   C. squared\n",
        # on one line
        "   A. hinge  B. log-loss  C. squared\n",
        # bracketed, lower case, under a part that asks
        "   (a) hinge   (b) log-loss   (c) squared\n",
        # as a list
        "- A) hinge\n- B) log-loss\n- C) squared\n",
    ],
)
@pytest.mark.parametrize(
    "keys",
    [
        "## Answer key\n\n1.1 B\n1.2 A\n",
        "## Answer key\n\n1.1 B; 1.2 A\n",
        "**Answers**\n\n- 1.1) B\n- 1.2) A\n",
    ],
)
def test_options_under_numbered_parts_are_the_parts_options(
    tmp_path: Path, options: str, keys: str
) -> None:
    text = (
        "# Quiz\n\n### 1. Multiple choice (2 points each)\n\n"
        f"1.1 Which loss does logistic regression use?\n\n{options}\n"
        "1.2 What is the training error of 1-NN?\n\n   A. 0\n   B. 0.5\n\n"
        "### 2. Perceptron (5 points)\n\nState the update rule.\n\n"
        f"{keys}"
    )
    question = drafted_questions(tmp_path, text)["1"]
    parts = {str(part["id"]): part for part in question["parts"]}
    assert list(parts) == ["1", "2"]  # the options are no parts
    assert [part["marks"] for part in parts.values()] == [2, 2]
    assert _choice(parts["1"]) == (["a", "b", "c"], ["b"])
    assert _choice(parts["2"]) == (["a", "b"], ["a"])
    assert "log-loss" in parts["1"]["prompt"]  # the student sees the options


def test_lettered_sub_parts_under_a_numbered_part_stay_parts(tmp_path: Path) -> None:
    # lower-case items that ask something themselves are not options
    text = (
        "### 1. Regression (6 points)\n\n1.1 Fit the model below and report\n\n"
        "   (a) Compute the slope of the fitted line for the data above, showing the steps of the\n"
        "       least-squares solution in full.\n"
        "   (b) Compute the intercept.\n"
    )
    question = drafted_questions(tmp_path, text)["1"]
    assert not any("key" in part for part in question.get("parts", []))


@pytest.mark.parametrize(
    "line, keys",
    [
        # numbers after 'Answers:' on the line
        ("Answers: 1-A 2-b 3. 4", {"1": "choice", "2": "choice", "3": 4}),
        ("Answer key: 1) A 2) B 3) -0.5", {"1": "choice", "2": "choice", "3": -0.5}),
        ("Key: 1-a, 2-b, 3-1/4", {"1": "choice", "2": "choice", "3": 0.25}),
    ],
)
def test_options_on_one_line_with_keys_on_one_line(
    tmp_path: Path, line: str, keys: dict[str, Any]
) -> None:
    text = (
        "1. Which function is convex? (2 points)\n   A. x^2  B. sin x  C. -x^2\n\n"
        "2. Which loss does logistic regression minimise? (2 points)\n"
        "   (a) hinge   (b) log-loss   (c) squared\n\n"
        "3. What is the value? (1 point)\n\n"
        f"{line}\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert questions["1"]["key"]["options"] == {"a": "x^2", "b": "sin x", "c": "-x^2"}
    assert questions["1"]["key"]["correct"] == ["a"]
    assert questions["2"]["key"]["correct"] == ["b"]
    assert questions["3"]["key"]["value"] == keys["3"]
    assert "Answers" not in questions["3"]["prompt"]


@pytest.mark.parametrize(
    "part, marks",
    [
        ("(a) [5] State the update rule.", 5),
        ("(a) [2.5] State the update rule.", 2.5),
        ("(a) (4) State the update rule.", 4),
        ("(a) State the update rule. [3]", 3),
    ],
)
def test_marks_in_brackets_after_a_parts_label(tmp_path: Path, part: str, marks: float) -> None:
    text = f"### 1. Perceptron\n\n{part}\n\n(b) [10] Prove it converges.\n"
    parts = {str(x["id"]): x for x in drafted_questions(tmp_path, text)["1"]["parts"]}
    assert parts["a"]["marks"] == marks
    assert parts["a"]["prompt"] == "State the update rule."
    assert parts["b"]["marks"] == 10


@pytest.mark.parametrize(
    "name, paper",
    [
        (
            "paper.md",
            "## Problem 3\n\n(a) True or false: the mean is robust. [4 pts]\n\n"
            "(b) Which statistic is sufficient for $\\mu$? [4 pts]\n\n"
            "A. $\\bar X$\n\nB. $X_1$\n\nC. $\\max_i X_i$\n\n(c) Write the likelihood. [4 pts]\n",
        ),
        (
            "paper.tex",
            "\\documentclass{article}\\begin{document}\\section*{Problem 3}\n\\begin{enumerate}\n"
            "\\item True or false: the mean is robust. [4 pts]\n"
            "\\item Which statistic is sufficient for $\\mu$? [4 pts]\n\\begin{enumerate}\n"
            "\\item[A.] $\\bar X$\n\\item[B.] $X_1$\n\\item[C.] $\\max_i X_i$\n\\end{enumerate}\n"
            "\\item Write the likelihood. [4 pts]\n\\end{enumerate}\\end{document}\n",
        ),
    ],
)
def test_capital_options_under_a_lettered_part_are_its_options(
    tmp_path: Path, name: str, paper: str
) -> None:
    question = drafted_questions(tmp_path, paper, name)["3"]
    parts = {str(part["id"]): part for part in question["parts"]}
    assert list(parts) == ["a", "b", "c"]  # option C took part c's place, silently
    assert parts["c"]["prompt"] == "Write the likelihood."
    assert [part["marks"] for part in parts.values()] == [4, 4, 4]
    assert "$X_1$" in parts["b"]["prompt"]


@pytest.mark.parametrize(
    "solution, key",
    [
        # one formula, named or not: the key, to check
        ("$\\hat\\beta = (X^\\top X)^{-1} X^\\top y$", "(X^\\top X)^{-1} X^\\top y"),
        ("$\\hat{w} = (X^\\top X)^{-1} X^\\top y$", "(X^\\top X)^{-1} X^\\top y"),
        ("$\\sigma(z)(1 - \\sigma(z))$", "\\sigma(z)(1 - \\sigma(z))"),
        # an equation to state, words beside the math, several lines: working, no key
        ("$X^\\top X w = X^\\top y$", None),
        ("Set the gradient to zero: $w = (X^\\top X)^{-1} X^\\top y$", None),
        ("$a = b$\n\n$b = c + x$", None),
    ],
)
def test_a_solution_that_is_one_formula_proposes_its_key(
    tmp_path: Path, solution: str, key: str | None
) -> None:
    text = f"## Question 1 (4 points)\n\nDerive the estimator.\n\n**Solution:** {solution}\n"
    question = drafted_questions(tmp_path, text)["1"]
    assert question.get("key", {}).get("value") == key
    if key is not None:
        draft = draft_exam([tmp_path / "paper.md"])
        assert any("check it" in t.value for t in draft.todo)
