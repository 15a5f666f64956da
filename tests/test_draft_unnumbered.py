"""Papers whose questions or parts carry no number or letter of their own, and keys written
in a list of their own after the questions: headings repeated without a number, 'Part a'
headings inside a problem, bullets each with its own points, an answer list at the end."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import drafted_questions as _questions
from conftest import drafted_tree
from conftest import part_marks as _parts

UNNUMBERED = """\
# Weekly check

{h}

Differentiate x^2. [2 pts]

{h}

Integrate 2x. [3 pts]

{h}

State the chain rule. [1 pt]
"""


@pytest.mark.parametrize(
    "heading",
    [
        # a Markdown heading with the word alone
        "### Exercise",
        # a bold line with a longer name
        "**Review Problem**",
        # underscores for bold, and a colon
        "__Question:__",
        # a heading with a title after the word
        "## Task: calculus",
    ],
)
def test_unnumbered_question_headings_are_numbered_in_order(tmp_path: Path, heading: str) -> None:
    questions = _questions(tmp_path, UNNUMBERED.format(h=heading))
    assert {qid: q.get("marks") for qid, q in questions.items()} == {"1": 2, "2": 3, "3": 1}


PART_HEADINGS = """\
## Problem 1 (3 marks)

Warm up.

## Problem 2

### Part {a}

Show the map is linear. (4 marks)

1. First check additivity.
2. Then check homogeneity.

### Part {b}

Find its kernel. (6 marks)

## Problem 3 (5 marks)

Last one.
"""


@pytest.mark.parametrize(
    "a, b",
    [
        # lower-case letters: parts of the problem, not sections A and B
        ("a", "b"),
        # letters in parentheses
        ("(a)", "(b)"),
    ],
)
def test_part_headings_inside_a_problem_are_its_parts(tmp_path: Path, a: str, b: str) -> None:
    questions = _questions(tmp_path, PART_HEADINGS.format(a=a, b=b))
    assert sorted(questions) == ["1", "2", "3"]
    assert _parts(questions["2"]) == {"a": 4, "b": 6}


def test_part_headings_in_latex(tmp_path: Path) -> None:
    # \subsection*{Part a} under \section*{Problem 2}: part a, and its steps stay its text
    text = (
        "\\documentclass{article}\n\\begin{document}\n"
        "\\section*{Problem 1 (3 marks)}\nWarm up.\n"
        "\\section*{Problem 2}\n\\subsection*{Part a}\nShow it. (4 marks)\n"
        "\\begin{enumerate}\\item Step one.\\item Step two.\\end{enumerate}\n"
        "\\subsection*{Part b}\nFind the kernel. (6 marks)\n\\end{document}\n"
    )
    questions = _questions(tmp_path, text, "paper.tex")
    assert sorted(questions) == ["1", "2"]
    assert _parts(questions["2"]) == {"a": 4, "b": 6}


def test_upper_case_part_headings_stay_sections(tmp_path: Path) -> None:
    # 'Part A' before any question names a section, as papers do
    text = "## Part A\n\n1. One. (2 marks)\n\n## Part B\n\n1. Two. (3 marks)\n"
    tree = drafted_tree(tmp_path, text, "paper.md")
    assert [s["id"] for s in tree["sections"]] == ["A", "B"]


BULLET_PARTS = """\
## Question 1

Let A be the matrix below.

- {first} Find the eigenvalues of A.
- {second} Find an eigenvector for each.

## Question 2 (5 marks)

- a plain bullet
- another one
"""


@pytest.mark.parametrize(
    "first, second, expected",
    [
        # points in parentheses at the start of each bullet
        ("(6 points)", "(4 points)", {"a": 6, "b": 4}),
        # marks in brackets
        ("[2 marks]", "[3 marks]", {"a": 2, "b": 3}),
        # a bullet without points after one with points is its text: one part, the question's
        ("(6 points)", "", {}),
    ],
)
def test_bullets_each_with_points_are_parts(
    tmp_path: Path, first: str, second: str, expected: dict[str, int]
) -> None:
    questions = _questions(tmp_path, BULLET_PARTS.format(first=first, second=second))
    assert _parts(questions["1"]) == expected
    assert questions["1"].get("marks") == (None if expected else 6)
    assert _parts(questions["2"]) == {}


def test_latex_bullets_each_with_points_are_parts(tmp_path: Path) -> None:
    text = (
        "\\documentclass{article}\n\\begin{document}\n\\section*{Question 1}\n"
        "\\begin{itemize}\n\\item (6 points) Find the eigenvalues.\n"
        "\\item (4 points) Find the eigenvectors.\n\\end{itemize}\n\\end{document}\n"
    )
    assert _parts(_questions(tmp_path, text, "paper.tex")["1"]) == {"a": 6, "b": 4}


ANSWER_LIST = """\
1. What is 2 + 3? (1 mark)

2. True or false: every square matrix is invertible. (1 mark)

3. Which of these is a vector space? (1 mark)
(a) the integers
(b) the plane

{heading}

{one}
{two}
{three}
"""


@pytest.mark.parametrize(
    "heading, one, two, three",
    [
        # a heading naming the key, items numbered as the questions are
        ("## Answer key", "1. 5", "2. False", "3. b"),
        # bold, plural, a closing parenthesis
        ("**Correct answers**", "1) 5", "2) False", "3) (b)"),
        # 'Solutions' with Q-prefixed numbers and a colon
        ("# Solutions", "Q1: 5", "Q2: False", "Q3: b"),
        # the answers as a bulleted list
        ("### Answers", "- 1: 5", "- 2: false", "- 3: B"),
    ],
)
def test_an_answer_list_after_the_questions(
    tmp_path: Path, heading: str, one: str, two: str, three: str
) -> None:
    questions = _questions(
        tmp_path, ANSWER_LIST.format(heading=heading, one=one, two=two, three=three)
    )
    assert sorted(questions) == ["1", "2", "3"]
    assert questions["1"]["key"] == {"kind": "numeric", "value": 5}
    assert questions["2"]["key"] == {"kind": "truefalse", "value": False}
    assert questions["3"]["key"]["correct"] == ["b"]


ANSWERS_UNDER_EACH = """\
__Question__

Which number is prime?

A. 4
B. 7
C. 9

{heading}

{bullets}

__Question__

Next one. (2 marks)
"""


@pytest.mark.parametrize(
    "heading, bullets, key",
    [
        # letters as bullets, the right one tagged after a dash
        ("__Suggested Answers__", "- A\n- B - Correct\n- C", {"correct": ["b"]}),
        # tagged in parentheses, under a Markdown heading
        ("### Correct answer", "- A\n- B (correct)\n- C", {"correct": ["b"]}),
        # two right options
        ("**Correct answers**", "- A ✓\n- B ✓\n- C", {"correct": ["a", "b"]}),
        # a lone letter with the author's annotations in brackets
        ("__Correct Answers__", "- B [kind: choice] [options: shuffle=true]", {"correct": ["b"]}),
    ],
)
def test_answers_listed_under_each_question(
    tmp_path: Path, heading: str, bullets: str, key: dict[str, Any]
) -> None:
    text = ANSWERS_UNDER_EACH.format(heading=heading, bullets=bullets)
    questions = _questions(tmp_path, text)
    assert sorted(questions) == ["1", "2"]
    assert {k: questions["1"]["key"][k] for k in key} == key
    assert "Correct" not in questions["1"].get("prompt", "")  # the key is not given away
    assert questions["2"].get("marks") == 2


def test_a_lone_value_under_correct_answers_is_the_key(tmp_path: Path) -> None:
    # no options: the bullet's value, without the author's annotations, is a numeric key
    text = (
        "__Practice Question__\n\nWhat is pi to two places?\n\n__Correct Answers__\n\n"
        "- 3.14 [kind: numeric] [options: threshold=0.1]\n"
    )
    question = _questions(tmp_path, text)["1"]
    assert question["key"] == {"kind": "numeric", "value": 3.14}
    assert "kind:" not in question["prompt"]


def test_an_unnumbered_first_question_is_no_title(tmp_path: Path) -> None:
    # '__Question__' on the first line opens question 1; it does not name the exam
    tree = drafted_tree(tmp_path, "__Question__\n\nWhy? (2 marks)\n", "quiz.md")
    assert tree["exam"]["title"] != "Question"


def test_a_worked_answer_under_an_answer_heading_is_no_prompt(tmp_path: Path) -> None:
    # '### Answer' then prose: the solution, never the question's text
    text = (
        "## Question 1 (4 marks)\n\nWhy does the loss fall?\n\n### Answer\n\nIts step is small.\n"
    )
    question = _questions(tmp_path, text)["1"]
    assert "step is small" not in question["prompt"]
    assert question["marks"] == 4


@pytest.mark.parametrize(
    "lines, options",
    [
        # capital letters with a dot inside a question are its options
        ("A. red\nB. blue", ["a", "b"]),
        # a heading 'A. ...' is never an option
        ("## A. Warm-up", []),
    ],
)
def test_capital_options(tmp_path: Path, lines: str, options: list[str]) -> None:
    text = f"1. Pick a colour. (1 mark)\n\n{lines}\n\nAnswer: A\n"
    question = _questions(tmp_path, text).get("1", {})
    assert sorted(question.get("key", {}).get("options", {})) == options


def test_a_bullet_part_after_the_solution_of_the_one_before(tmp_path: Path) -> None:
    # the first part's solution ends where the next bullet with points opens part b
    text = (
        "## Question 1\n\n- (6 points) Find the eigenvalues.\n\nSolution: they are 1 and 2.\n\n"
        "- (4 points) Find the eigenvectors.\n"
    )
    question = _questions(tmp_path, text)["1"]
    assert _parts(question) == {"a": 6, "b": 4}
    assert "1 and 2" in question["parts"][0]["reference"]
