"""Paper forms met in exams written outside the examples: marks for a section's questions in
its heading, answer keys on one line, 'N × M = T' over a question's parts, numbered parts
under an 'Exercise' heading with a numbered solution, papers in other languages (own papers)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions, drafted_tree
from gradewise.exam.draft import patterns as p


def _marks(tree: dict[str, Any]) -> dict[str, Any]:
    return {str(q["id"]): q.get("marks") for s in tree["sections"] for q in s["questions"]}


@pytest.mark.parametrize(
    "first, second",
    [
        (
            "## PART I — MULTIPLE CHOICE (2 points each)",
            "## PART II — SHORT ANSWER (4 points each)",
        ),
        ("Section A: short questions (1 mark each)", "Section B: long questions (5 marks each)"),
        ("## Part 1 (2 pts each)", "## Part 2 (4 pts each)"),
    ],
)
def test_marks_each_in_a_section_heading_are_that_sections(
    tmp_path: Path, first: str, second: str
) -> None:
    text = f"# Quiz\n\n{first}\n\n1. Why?\n\n2. What?\n\n{second}\n\n3. How?\n\n4. When?\n"
    tree = drafted_tree(tmp_path, text)
    low, high = p.marks_per_question(first), p.marks_per_question(second)
    assert _marks(tree) == {"1": low, "2": low, "3": high, "4": high}


def test_marks_each_said_once_for_the_paper_still_holds_everywhere(tmp_path: Path) -> None:
    text = "# Quiz\n\nEach question is worth 2 points.\n\n## Part A\n\n1. Why?\n\n"
    text += "## Part B\n\n2. How?\n"
    assert _marks(drafted_tree(tmp_path, text)) == {"1": 2, "2": 2}


QUIZ = """\
# Quiz 4

1) Which activation is not zero-centred?
a) tanh
b) sigmoid
c) linear

2) Backpropagation computes
a) the loss
b) gradients of the loss
c) the data

3) Dropout is used to
a) speed up training
b) reduce overfitting
c) normalise inputs

{keys}
"""


@pytest.mark.parametrize(
    "keys",
    [
        "ANSWER KEY: 1-b 2-b 3-b",
        "Answers: 1. B, 2. B, 3. B",
        "**Key:** 1) b   2) b   3) b",
        "## Answer key\n\n1-b   2-b   3-b",
        "1-b 2-b 3-b",  # three or more: a key line even without a heading
    ],
)
def test_answer_keys_on_one_line(tmp_path: Path, keys: str) -> None:
    questions = drafted_questions(tmp_path, QUIZ.format(keys=keys))
    assert {q: questions[q]["key"]["correct"] for q in questions} == {
        "1": ["b"],
        "2": ["b"],
        "3": ["b"],
    }
    assert "1-b" not in str(questions) and "B, 2." not in str(questions)


@pytest.mark.parametrize(
    "text, keys",
    [
        ("ANSWER KEY: 1-b 2-c 3-a", [("1", "b"), ("2", "c"), ("3", "a")]),
        ("1. B   2. C", [("1", "B"), ("2", "C")]),
        ("Q1: a; Q2: true", [("1", "a"), ("2", "true")]),
        ("1-b", None),  # one: not a line of keys
        ("1. The mean 2. b", None),  # words: not keys
        ("1-2 3-4 5-6", None),  # number ranges
        ("1.5 2.5", None),
    ],
)
def test_keys_on_a_line_truth_table(text: str, keys: list[tuple[str, str]] | None) -> None:
    found = p.keys_on_a_line(text)
    assert (None if found is None else [(h.id, h.rest) for h in found]) == keys


def test_count_times_marks_over_a_questions_parts(tmp_path: Path) -> None:
    text = (
        "**Examination, Machine Learning**\n\n"
        "Q.1 Attempt all parts. (3×2=6)\na) Define supervised learning.\n"
        "b) What is a kernel?\nc) Name two impurity measures.\n\n"
        "Q.2 Explain the bias-variance trade-off. (12)\n"
    )
    questions = drafted_questions(tmp_path, text)
    assert {part["id"]: part["marks"] for part in questions["1"]["parts"]} == {
        "a": 2,
        "b": 2,
        "c": 2,
    }
    assert questions["2"]["marks"] == 12


EXERCISES = """\
# Exam: optimisation

### Exercise 1 (4 points)

Let $f(x) = x^2 - 4x$.

1. Compute $f'(x)$. (1 point)
2. Find the minimiser of $f$. (2 points)
3. Is $f$ convex? (1 point)

**Solution:**

1. $f'(x) = 2x - 4$
2. $x^* = 2$
3. Yes, $f''(x) = 2 > 0$.

### Exercise 2 (6 points)

Gradient descent with step $\\eta$ from $x_0 = 0$.

1. Give $x_1$ for $\\eta = 0.25$. (3 points)
2. For which $\\eta$ does it diverge? (3 points)
"""


def test_numbered_parts_under_an_exercise_heading_and_their_numbered_solutions(
    tmp_path: Path,
) -> None:
    questions = drafted_questions(tmp_path, EXERCISES)
    first = {part["id"]: (part["marks"], part.get("reference")) for part in questions["1"]["parts"]}
    assert first == {  # the paper's own numbers: a student answers '1.2'
        "1": (1, "$f'(x) = 2x - 4$"),
        "2": (2, "$x^* = 2$"),
        "3": (1, "Yes, $f''(x) = 2 > 0$."),
    }
    assert questions["1"]["prompt"] == "Let $f(x) = x^2 - 4x$."
    assert {part["id"]: part["marks"] for part in questions["2"]["parts"]} == {"1": 3, "2": 3}


def test_a_numbered_list_without_points_stays_the_questions_text(tmp_path: Path) -> None:
    text = (
        "### Exercise 1 (4 points)\n\nShow that:\n\n1. $f$ is convex;\n2. $f$ has one minimiser.\n"
    )
    question = drafted_questions(tmp_path, text)["1"]
    assert "parts" not in question and question["marks"] == 4
    assert "1. $f$ is convex;" in question["prompt"]


GERMAN = """\
# Übungsklausur Statistik

**Aufgabe 1** (4 Punkte)

Berechnen Sie den Mittelwert von 2, 4, 6.

Lösung: 4

**Aufgabe 2** (6P)

a) Was ist die Varianz von 1 und 3? (3P)

b) Nennen Sie ein robustes Lagemaß. (3P)

Musterlösung: a) 1 b) der Median
"""

SPANISH = """\
# Examen parcial

Pregunta 1 (2 puntos). ¿Cuánto es 3 + 4?

Respuesta: 7

Ejercicio 2 (3 puntos). Defina el sesgo de un estimador.

Solución: la diferencia entre su esperanza y el parámetro.
"""


def test_a_german_paper(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, GERMAN)
    assert questions["1"]["marks"] == 4 and questions["1"]["key"]["value"] == 4
    assert "Lösung" not in questions["1"]["prompt"]
    parts = {part["id"]: (part["marks"], part.get("reference")) for part in questions["2"]["parts"]}
    assert parts == {"a": (3, "1"), "b": (3, "der Median")}


def test_a_spanish_paper(tmp_path: Path) -> None:
    questions = drafted_questions(tmp_path, SPANISH)
    assert (questions["1"]["marks"], questions["1"]["key"]["value"]) == (2, 7)
    assert questions["2"]["marks"] == 3
    assert questions["2"]["reference"].startswith("la diferencia")
    assert "Solución" not in questions["2"]["prompt"]


@pytest.mark.parametrize(
    "header",
    [
        "Question 1 .............................................. (10 marks)",
        "Question 1 …………………… (10 marks)",
        "Question 1 . . . . . . . . . . . . . . . . . . (10 marks)",
    ],
)
def test_dots_leading_to_the_marks_are_not_the_prompt(tmp_path: Path, header: str) -> None:
    text = f"{header}\n(i) Define a random variable. (4 marks)\n(ii) Give a pmf. (6 marks)\n"
    question = drafted_questions(tmp_path, text, "paper.txt")["1"]
    assert "prompt" not in question
    assert [part["marks"] for part in question["parts"]] == [4, 6]


@pytest.mark.parametrize(
    "option, marks",
    [
        ("[5]", 5),
        ("[2.5]", 2.5),
        ("[4 points]", 4),
        ("[points=6]", 6),
        ("[subtitle=Means, points=3]", 3),
        ("[points=7, ID=q1]", 7),
        ("[hard]", None),  # an option that is not points: no marks, and it stays in the text
    ],
)
def test_points_as_a_question_environments_option(
    tmp_path: Path, option: str, marks: float | None
) -> None:
    text = (
        "\\documentclass{article}\n\\begin{document}\n"
        f"\\begin{{question}}{option}\nCompute $\\int_0^1 2x\\,dx$.\n\\end{{question}}\n"
        "\\begin{solution}\n$1$\n\\end{solution}\n\\end{document}\n"
    )
    question = drafted_questions(tmp_path, text, "paper.tex")["1"]
    assert question.get("marks") == marks
    assert question["prompt"].endswith("Compute $\\int_0^1 2x\\,dx$.")
    assert (option in question["prompt"]) == (marks is None)
    assert question["key"] == {"kind": "numeric", "value": 1}


@pytest.mark.parametrize(
    "line, key",
    [
        ("**Answer.** False", {"kind": "truefalse", "value": False}),
        ("Answer. 4", {"kind": "numeric", "value": 4}),
        ("**Answer:** 4", {"kind": "numeric", "value": 4}),
        # an equation to state is no 'name = value': no key drafted, kept as the reference
        ("**Answer.** $X^\\top X w = X^\\top y$", None),
        ("**Answer.** $a + b = c$", None),
        # a named value is keyed by its right side
        ("**Answer.** $\\hat{w} = (X^\\top X)^{-1} X^\\top y$", "(X^\\top X)^{-1} X^\\top y"),
        ("**Answer.** $\\nabla_w L = 2X^\\top(Xw - y)$", "2X^\\top(Xw - y)"),
    ],
)
def test_answer_lines_and_equation_keys(tmp_path: Path, line: str, key: Any) -> None:
    text = f"# Quiz\n\n## 1. Regression [5 points]\n\nState the result.\n\n{line}\n"
    question = drafted_questions(tmp_path, text)["1"]
    if isinstance(key, str):
        assert question["key"] == {"kind": "expression", "value": key}
    else:
        assert question.get("key") == key
    assert "Answer" not in question["prompt"]
    assert "reference" in question or key is not None


def test_a_numbered_list_under_a_question_heading_that_gives_each_its_points(
    tmp_path: Path,
) -> None:
    text = (
        "# Final\n\n## 1. Regression [10 points]\n\nWhat is a residual?\n\n"
        "## 2. Trees [10 points]\n\nWhat is a split?\n\n"
        "## 3. Short answers [30 points]\n\n"
        "Answer each in one or two sentences (10 points each).\n\n"
        "1. What is overfitting?\n2. What is a kernel?\n3. Why use cross-validation?\n"
    )
    question = drafted_questions(tmp_path, text)["3"]
    assert {part["id"]: part["marks"] for part in question["parts"]} == {"1": 10, "2": 10, "3": 10}
    assert question["parts"][1]["prompt"] == "What is a kernel?"


def test_a_numbered_list_under_a_question_heading_without_each_stays_its_text(
    tmp_path: Path,
) -> None:
    text = "# Final\n\n## 1. Proofs [30 points]\n\nShow that:\n\n1. f is convex;\n2. f is smooth.\n"
    question = drafted_questions(tmp_path, text)["1"]
    assert "parts" not in question and question["marks"] == 30
