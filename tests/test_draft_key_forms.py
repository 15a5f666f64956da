"""Keys and marking instructions as papers write them beyond value keys and rubric tables: a
key written all in math with a variable is a symbolic key (the expression checker's), and a
marking instruction in a sentence ('Award 3 marks for X, and 2 marks for Y') is the rubric."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


@pytest.mark.parametrize(
    "key, expected",
    [
        ("**Answer:** $-2(y - w^\\top x)x$", {"kind": "expression", "value": "-2(y - w^\\top x)x"}),
        (
            "Answer: $\\nabla_w L = 2X^\\top(Xw - y)$",
            {"kind": "expression", "value": "2X^\\top(Xw - y)"},
        ),
        ("Answer: \\(\\frac{1}{2}x^2\\)", {"kind": "expression", "value": "\\frac{1}{2}x^2"}),
        # a number in math stays a number; words with math are no key
        ("Answer: $\\frac{1}{2}$", {"kind": "numeric", "value": 0.5}),
        ("Answer: the gradient is $2x$", None),
    ],
)
def test_a_key_written_in_math_with_a_variable_is_an_expression_key(
    tmp_path: Path, key: str, expected: dict[str, Any] | None
) -> None:
    text = (
        f"1. Derive the gradient of the loss. (4 marks)\n\n{key}\n\n2. Define a loss. (2 marks)\n"
    )
    question = drafted_questions(tmp_path, text)["1"]
    assert question.get("key") == expected


def test_a_formula_as_a_choice_question_s_key_is_not_read(tmp_path: Path) -> None:
    text = "1. Which is the derivative of $x^2$? (2 marks)\n\n(a) $x$\n\n(b) $2x$\n\nAnswer: $2x$\n"
    question = drafted_questions(tmp_path, text)["1"]
    assert question.get("key", {}).get("kind") != "expression"


@pytest.mark.parametrize(
    "line, criteria",
    [
        (
            "Award 3 marks for noting that L1 gives sparse solutions, and 2 marks for noting "
            "that L2 shrinks weights smoothly.",
            [
                (3, "noting that L1 gives sparse solutions"),
                (2, "noting that L2 shrinks weights smoothly"),
            ],
        ),
        (
            "Give 1 point for the formula; 2 points for the value",
            [(1, "the formula"), (2, "the value")],
        ),
        (
            "2 marks for the diagram and 1 mark for the label.",
            [(2, "the diagram"), (1, "the label")],
        ),
        # not criteria that add up, or not criteria at all: left as text
        ("3 marks for a correct answer, otherwise 1 mark if the method is right.", None),
        ("Award 5 marks.", None),
        ("Award marks generously.", None),
        ("Give 2 marks for each correct step of the proof, which has three steps and more.", None),
    ],
)
def test_a_marking_instruction_in_a_sentence(
    line: str, criteria: list[tuple[float, str]] | None
) -> None:
    assert p.rubric_sentence(line) == criteria


def test_a_marking_sentence_under_a_question_is_its_rubric(tmp_path: Path) -> None:
    text = (
        "## Question 4 (5 marks)\n\nCompare L1 and L2 regularisation.\n\n"
        "Award 3 marks for sparsity of L1, and 2 marks for smooth shrinkage by L2.\n"
    )
    question = drafted_questions(tmp_path, text)["4"]
    assert question["prompt"] == "Compare L1 and L2 regularisation."
    assert [(c["marks"], c["text"]) for c in question["rubric"]] == [
        (3, "sparsity of L1"),
        (2, "smooth shrinkage by L2"),
    ]


EXAM_CLASS = (
    "\\documentclass[answers]{exam}\n\\begin{document}\n\\begin{questions}\n{body}"
    "\\end{questions}\n\\end{document}\n"
)


def _drafted_tex(tmp_path: Path, body: str) -> tuple[dict[str, Any], list[str]]:
    path = tmp_path / "exam.tex"
    path.write_text(EXAM_CLASS.replace("{body}", body), encoding="utf-8")
    draft = draft_exam([path])
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    return questions, [n.value for n in draft.notes]


@pytest.mark.parametrize(
    "body, key, note",
    [
        # one blank: its answer is the key, the blank stays in the prompt
        ("\\question[2] $2+2=$ \\fillin[4] exactly.\n", {"kind": "numeric", "value": 4}, None),
        # two blanks in one question: no key picked from one of them, said at the top
        (
            "\\question[6] The capital of France is \\fillin[Paris][1in], and "
            "$2+2=$ \\fillin[4].\n",
            None,
            "2 different answers for one part (Paris; 4)",
        ),
        (
            "\\question[6] Fill in: \\fillin[mean] and\n\\fillin[median] of the sample.\n",
            None,
            "2 different answers for one part (mean; median)",
        ),
    ],
)
def test_fill_in_blanks_of_the_exam_class(
    tmp_path: Path, body: str, key: dict[str, Any] | None, note: str | None
) -> None:
    questions, notes = _drafted_tex(tmp_path, body)
    question = questions["1"]
    assert question.get("key") == key
    assert "____" in question["prompt"] and "Answer" not in question["prompt"]
    assert (note is None) == (not any("different answers" in n for n in notes))
    if note is not None:
        assert any(note in n for n in notes)


def test_the_same_key_said_twice_is_one_key(tmp_path: Path) -> None:
    text = "1. What is P(heads)? (2 marks)\n\nAnswer: 0.5\n\nFinal answer: 1/2\n"
    assert drafted_questions(tmp_path, text)["1"]["key"] == {"kind": "numeric", "value": 0.5}


@pytest.mark.parametrize(
    "answer, blanks",
    [
        ("Paris; 4", 2),
        ("mean; median; mode", 3),
        ("a fair coin; 1 bit", 2),
        # a sentence with a semicolon in it is one answer, not blanks
        ("The model fits noise in the training data; use regularisation or more data.", 1),
        ("0.5; the probability of heads under a fair coin toss", 1),
        ("4", 1),
    ],
)
def test_one_answer_for_each_blank_or_one_sentence(
    tmp_path: Path, answer: str, blanks: int
) -> None:
    path = tmp_path / "quiz.md"
    path.write_text(f"1. Answer in your own words. (5 marks)\n\nAnswer: {answer}\n", "utf-8")
    notes = [n.value for n in draft_exam([path]).notes]
    assert any("different answers" in n for n in notes) == (blanks > 1)
    if blanks > 1:
        assert any(f"{blanks} different answers" in n for n in notes)


def test_a_bonus_part_is_said(tmp_path: Path) -> None:
    body = (
        "\\question\n\\begin{parts}\n\\part[3] Define bias.\n"
        "\\bonuspart[1] Name a loss.\n\\end{parts}\n"
    )
    _, notes = _drafted_tex(tmp_path, body)
    assert any("a bonus part of question 1" in n for n in notes)


KEY_TABLE = """\
# BIO 220 Quiz 2

Circle one answer for each question. EACH.

1. Which molecule carries amino acids to the ribosome?
A. mRNA
B. tRNA
C. rRNA

2. Where does glycolysis take place?
A. Mitochondrion
B. Cytoplasm

3. Explain why enzymes lower activation energy. (3 marks)

## Answer key

| Question | Answer |
|---|---|
| 1 | B |
| 2 | B |
"""


@pytest.mark.parametrize(
    "each, marks",
    [
        ("1 mark each", {"1": 1, "2": 1, "3": 3}),
        ("2 points for each question", {"1": 2, "2": 2, "3": 3}),
        # per step or per part: no marks for every question
        ("2 marks for each correct step", {"1": None, "2": None, "3": 3}),
    ],
)
def test_a_table_of_keys_under_answer_key_and_marks_each(
    tmp_path: Path, each: str, marks: dict[str, float | None]
) -> None:
    questions = drafted_questions(tmp_path, KEY_TABLE.replace("EACH", each))
    assert {q: questions[q].get("marks") for q in questions} == marks
    assert questions["1"]["key"]["correct"] == ["b"]
    assert questions["2"]["key"]["correct"] == ["b"]
    assert "Answer" not in str(questions["3"])  # the table is no reference of question 3


ARTICLE = """\\documentclass{article}
PREAMBLE
\\begin{document}
\\section*{Problem 1 \\hfill /5}
A fair coin is flipped 3 times. What is the probability of exactly two heads?
\\begin{ENV} $3/8$ \\end{ENV}
\\section*{Problem 2: Bias \\hfill /4}
Define the bias of an estimator.
\\begin{ENV} $E[\\hat\\theta] - \\theta$ \\end{ENV}
\\end{document}
"""


@pytest.mark.parametrize(
    "env, preamble",
    [
        ("sol", ""),
        ("soln", "\\newenvironment{soln}{\\par\\textbf{Solution:}}{}"),
        ("answer", ""),
        # any name, defined to print 'Solution'
        ("blue", "\\newenvironment{blue}{\\par\\noindent\\textit{Solution.}\\ }{\\par}"),
    ],
)
def test_a_solution_environment_by_its_name_or_its_definition(
    tmp_path: Path, env: str, preamble: str
) -> None:
    path = tmp_path / "exam.tex"
    path.write_text(ARTICLE.replace("ENV", env).replace("PREAMBLE", preamble), encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert {q: questions[q].get("marks") for q in questions} == {"1": 5, "2": 4}  # '/5'
    assert questions["1"]["key"] == {"kind": "numeric", "value": 0.375}
    assert "3/8" not in questions["1"]["prompt"] and "theta" not in questions["2"]["prompt"]
    assert "theta" in questions["2"]["reference"]


def test_an_environment_printing_no_solution_stays_the_prompt(tmp_path: Path) -> None:
    preamble = "\\newenvironment{hint}{\\par\\textit{Hint:}}{}"
    path = tmp_path / "exam.tex"
    path.write_text(ARTICLE.replace("ENV", "hint").replace("PREAMBLE", preamble), encoding="utf-8")
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert "3/8" in questions["1"]["prompt"] and "key" not in questions["1"]


@pytest.mark.parametrize(
    "line, marks",
    [
        ("(a) (4%) Write down the recursion.", 4),
        ("(a) (12.5 %) Write down the recursion.", 12.5),
        ("(a) Write down the recursion for 4% growth.", None),  # a per cent in the words
    ],
)
def test_a_weight_in_per_cent_opening_a_part_is_its_marks(
    tmp_path: Path, line: str, marks: float | None
) -> None:
    text = f"Question 1 A population grows.\n\n{line}\n\n(b) (16%) Solve it.\n"
    question = drafted_questions(tmp_path, text)["1"]
    first = question["parts"][0]
    assert first.get("marks") == marks and "%)" not in first["prompt"]
