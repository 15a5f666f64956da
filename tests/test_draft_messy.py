"""Styles of exam papers met in course repositories: parts lettered 'a.' or numbered '1.1'
under their question, R Markdown and Quarto files, a key written after the prompt on its line."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import drafted_questions as _questions
from conftest import drafted_tree
from conftest import part_marks as _parts
from gradewise.exam.draft import draft_exam, render


@pytest.mark.parametrize(
    "text, parts",
    [
        # letters with a dot
        (
            "Question 1 (8 points)\na. Define entropy. (3 points)\nb. Compute it. (5 points)\n",
            {"a": 3, "b": 5},
        ),
        # roman numerals with a dot
        ("Question 1\ni. Define it. [2 marks]\nii. Use it. [4 marks]\n", {"i": 2, "ii": 4}),
        # numbered under the question's own number: the paper's numbers are kept
        (
            "**Q1.** (10 marks) Regression.\n\n1.1 Derive it. [4 marks]\n\n"
            "1.2 Solve it. [6 marks]\n",
            {"1": 4, "2": 6},
        ),
        # '2.1' under question 1 is no part of it (a reference, a list): the text stays
        ("**Q1.** (10 marks) Read section\n2.1 of the notes and explain it.\n", {}),
        # 'i.e.' opening a line is no part
        ("Question 1 (3 marks)\ni.e. the mean; explain why.\n", {}),
    ],
)
def test_parts_lettered_or_numbered_with_a_dot(
    tmp_path: Path, text: str, parts: dict[str, int]
) -> None:
    assert _parts(_questions(tmp_path, text)["1"]) == parts


@pytest.mark.parametrize("suffix", [".Rmd", ".qmd", ".rmd"])
def test_r_markdown_and_quarto_are_read_as_markdown(tmp_path: Path, suffix: str) -> None:
    text = (
        '---\ntitle: "STAT 200 Quiz 3"\noutput: html_document\n---\n\n'
        "## Problem 1 [5 pts]\n\nFit a model.\n\n```{r}\nlm(y ~ x)\n```\n\n"
        "## Problem 2 [3 pts]\n\nWhat is the p-value?\n"
    )
    questions = _questions(tmp_path, text, f"quiz{suffix}")
    assert {q: v["marks"] for q, v in questions.items()} == {"1": 5, "2": 3}
    assert "lm(y ~ x)" in questions["1"]["prompt"]


@pytest.mark.parametrize(
    "line, key",
    [
        # bold 'Answer:' after the question mark
        ("What is the p-value? **Answer:** 0.03", 0.03),
        # plain 'Ans:' after a full stop
        ("Give the mean of 2 and 4. Ans: 3", 3),
    ],
)
def test_a_key_after_the_prompt_on_its_line(tmp_path: Path, line: str, key: float) -> None:
    question = _questions(tmp_path, f"## Problem 1 [3 pts]\n\n{line}\n")["1"]
    assert question["key"] == {"kind": "numeric", "value": key}
    assert "Ans" not in question["prompt"]  # the key is not given away
    assert question["prompt"].startswith(line[:12])


def test_a_key_after_a_parts_prompt(tmp_path: Path) -> None:
    text = "Question 1\n(a) What is 2+3? Answer: 5 (2 points)\n(b) And 2*3? Answer: 6 (2 points)\n"
    question = _questions(tmp_path, text)["1"]
    assert [(p["id"], p["key"]["value"], p["marks"]) for p in question["parts"]] == [
        ("a", 5, 2),
        ("b", 6, 2),
    ]
    assert all("Answer" not in p["prompt"] for p in question["parts"])


def test_a_blank_to_fill_after_the_prompt_is_no_key(tmp_path: Path) -> None:
    # 'Answer: ____' is the student's space, not a key
    question = _questions(tmp_path, "## Problem 1 [3 pts]\n\nWhat is 2+3? Answer: ______\n")["1"]
    assert "key" not in question


def test_a_question_opening_with_its_first_part(tmp_path: Path) -> None:
    # '1. (a) ...' on one line: part a, and its marks are not the question's
    text = "1. (a) Define supervised learning. [3]\n   (b) Give two examples. [4]\n\n2. Why? [8]\n"
    questions = _questions(tmp_path, text)
    assert _parts(questions["1"]) == {"a": 3, "b": 4}
    assert "marks" not in questions["1"]
    assert questions["2"]["marks"] == 8


@pytest.mark.parametrize(
    "key_line, correct, marks",
    [
        # marks in brackets after the key are the question's
        ("Answer: B  [2]", ["b"], 2),
        # in parentheses with the unit
        ("Ans: C (3 marks)", ["c"], 3),
        # no marks: the key alone
        ("Answer: A", ["a"], None),
    ],
)
def test_marks_after_a_key(
    tmp_path: Path, key_line: str, correct: list[str], marks: int | None
) -> None:
    text = f"1. Which is convex?\n   (A) x^3\n   (B) x^2\n   (C) |x|\n   {key_line}\n"
    question = _questions(tmp_path, text)["1"]
    assert question["key"]["correct"] == correct
    assert question.get("marks") == marks


@pytest.mark.parametrize(
    "text, marks",
    [
        # number words in capitals, marks in capitals
        (
            "QUESTION ONE (20 MARKS)\n\nDefine it.\n\nQUESTION TWO (10 MARKS)\n\nUse it.\n",
            {"1": 20, "2": 10},
        ),
        # 'Problem Three' on its own
        ("Problem Three (4 points)\n\nProve it.\n", {"3": 4}),
        # a bare number in parentheses after the sentence's end
        ("Q.1 Define precision. (2)\nQ.2 Define recall. (3)\n", {"1": 2, "2": 3}),
        # ... but not a reference to an equation inside the sentence
        ("Q.1 Solve equation (2)\n", {"1": None}),
    ],
)
def test_question_words_and_bare_marks(
    tmp_path: Path, text: str, marks: dict[str, int | None]
) -> None:
    questions = _questions(tmp_path, text)
    assert {q: v.get("marks") for q, v in questions.items()} == marks


def test_questions_numbered_within_their_section_letter(tmp_path: Path) -> None:
    text = (
        "SECTION A: Multiple choice\n\nA1. Which is a loss? (2 marks)\n\n"
        "A2. Which is convex? (2 marks)\n\nSECTION B: Long answers\n\n"
        "B1. Derive backpropagation. (Total: 10 marks)\n"
    )
    tree = drafted_tree(tmp_path, text, "paper.md")
    got = {
        (s["id"], str(q["id"])): q.get("marks") for s in tree["sections"] for q in s["questions"]
    }
    assert got == {("A", "1"): 2, ("A", "2"): 2, ("B", "1"): 10}


def test_running_headers_with_page_numbers(tmp_path: Path) -> None:
    # a PDF's running header names the exam once and is never a question's text
    text = (
        "CS 101 Final Exam                       Page 1 of 2\n\n"
        "1. Explain hashing.                       (Total for Question 1: 8 marks)\n\n"
        "CS 101 Final Exam                       Page 2 of 2\n\n"
        "2. Prove the master theorem.              10 points\n"
    )
    tree = drafted_tree(tmp_path, text, "paper.txt")
    assert tree["exam"]["title"] == "CS 101 Final Exam"
    questions = [q for s in tree["sections"] for q in s["questions"]]
    assert [(q["id"], q["marks"]) for q in questions] == [("1", 8), ("2", 10)]
    assert all("Page" not in q["prompt"] for q in questions)


RUBRIC_LIST = """\
## Question 1 (5 marks)

Explain gradient descent.

{heading}
{rows}

## Question 2 (2 marks)

Next.
"""


@pytest.mark.parametrize(
    "heading, rows",
    [
        # marks first, then a colon
        ("**Rubric:**", "- 3 marks: states the update rule\n- 2 marks: explains the rate"),
        # marks in parentheses first
        ("Marking scheme:", "* (3) states the update rule\n* (2) explains the rate"),
        # marks at the end, in brackets or after a dash
        ("### Mark scheme", "- states the update rule [3]\n- explains the rate — 2 pts"),
    ],
)
def test_a_rubric_written_as_a_list(tmp_path: Path, heading: str, rows: str) -> None:
    questions = _questions(tmp_path, RUBRIC_LIST.format(heading=heading, rows=rows))
    rubric = questions["1"]["rubric"]
    assert [(c["text"], c["marks"]) for c in rubric] == [
        ("states the update rule", 3),
        ("explains the rate", 2),
    ]
    assert "update rule" not in questions["1"]["prompt"]
    assert questions["2"]["marks"] == 2 and "rubric" not in questions["2"]


def test_a_rubric_list_under_a_part(tmp_path: Path) -> None:
    text = (
        "Question 1\n(a) Define it. (2 marks)\nRubric:\n- 1 mark: names it\n- 1 mark: an example\n"
        "(b) Use it. (3 marks)\n"
    )
    question = _questions(tmp_path, text)["1"]
    parts = {p["id"]: p for p in question["parts"]}
    assert [c["text"] for c in parts["a"]["rubric"]] == ["names it", "an example"]
    assert "rubric" not in parts["b"]


def test_bullets_without_marks_after_a_rubric_heading_stay_text(tmp_path: Path) -> None:
    # a list that gives no marks is no rubric: nothing is lost from the prompt
    text = "## Question 1 (5 marks)\n\nExplain it.\n\nRubric:\n- be clear\n- be brief\n"
    question = _questions(tmp_path, text)["1"]
    assert "rubric" not in question
    assert "be clear" in question["prompt"]


@pytest.mark.parametrize("label", ["A)", "A."])
def test_capital_options_and_an_explanation_after_the_key(tmp_path: Path, label: str) -> None:
    # '**Correct Answer:** B' then '**Explanation:** ...': the key, then its worked solution
    b, c = label.replace("A", "B"), label.replace("A", "C")
    text = (
        "**Question 1:** Which loss does least squares minimise? (1 mark)\n\n"
        f"  {label} Absolute error\n  {b} Squared error\n  {c} Hinge loss\n\n"
        "**Correct Answer:** B\n**Explanation:** It minimises squared residuals.\n\n"
        "**Question 2:** Next. (1 mark)\n"
    )
    questions = _questions(tmp_path, text)
    key = questions["1"]["key"]
    assert key["options"] == {"a": "Absolute error", "b": "Squared error", "c": "Hinge loss"}
    assert key["correct"] == ["b"]
    assert "residuals" not in questions["1"]["prompt"]
    assert questions["2"]["marks"] == 1


def test_headings_that_are_only_a_number_and_options_after_a_question(tmp_path: Path) -> None:
    # '#### 1.' with the question below it; lettered bullets after a '?' are its options
    text = (
        "### Multiple-choice questions\n\n#### 1.\nScores: 3, 4, 4, 6. What is the mode?\n"
        "- a) 3\n- b) 4\n- c) 6\n\n---\n\n#### 2.\nWhat is the complement of 0.7?\n"
        "- a) 0.3\n- b) 0.7\n"
    )
    questions = _questions(tmp_path, text)
    assert sorted(questions) == ["1", "2"]
    assert all("parts" not in q for q in questions.values())  # options, not parts
    assert "- b) 4" in questions["1"]["prompt"]
    path = tmp_path / "paper.md"
    assert "I.1: multiple choice without a key" in render(draft_exam([path]))  # said, marks or not


@pytest.mark.parametrize(
    "text, parts",
    [
        # items that ask something themselves are parts
        (
            "1. Consider X ~ N(0, 1). What can you say?\n(a) Find P(X > 0)?\n(b) Find E[X]?\n",
            ["a", "b"],
        ),
        # items after a statement, not a question: parts as before
        ("1. Let f(x) = x^2.\n(a) Differentiate f.\n(b) Integrate f.\n", ["a", "b"]),
    ],
)
def test_items_that_stay_parts(tmp_path: Path, text: str, parts: list[str]) -> None:
    question = _questions(tmp_path, text)["1"]
    assert [p["id"] for p in question["parts"]] == parts
