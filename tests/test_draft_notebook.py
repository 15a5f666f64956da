"""Jupyter notebooks drafted as exams: nbgrader's and Otter-Grader's marks and model answers,
and plain exam notebooks (own fixtures, written in those tools' formats)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.errors import GradewiseError
from gradewise.exam.draft import draft_exam, render


def _md(*lines: str, **meta: Any) -> dict[str, Any]:
    return {"cell_type": "markdown", "metadata": meta, "source": "\n".join(lines)}


def _code(*lines: str, **meta: Any) -> dict[str, Any]:
    source = [line + "\n" for line in lines]  # as Jupyter saves it: a list of lines
    return {"cell_type": "code", "metadata": meta, "source": source, "outputs": []}


def _raw(*lines: str) -> dict[str, Any]:
    return {"cell_type": "raw", "metadata": {}, "source": "\n".join(lines)}


def _nbgrader(**fields: Any) -> dict[str, Any]:
    return {"nbgrader": {"schema_version": 3, "locked": False, **fields}}


def _draft(tmp_path: Path, cells: list[dict[str, Any]]) -> tuple[dict[str, Any], list[str]]:
    path = tmp_path / "exam.ipynb"
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": cells}
    path.write_text(json.dumps(notebook), encoding="utf-8")
    draft = draft_exam([path])
    tree = YAML(typ="safe").load(render(draft))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    return questions, [n.value for n in draft.notes]


NBGRADER = [
    _md("# Homework 3: linear models", "Fill in every cell marked YOUR CODE HERE."),
    _code("import numpy as np"),
    _md("## Question 1", "Write `sigmoid(z)` returning $1/(1+e^{-z})$ elementwise."),
    _code(
        "def sigmoid(z):",
        "    ### BEGIN SOLUTION",
        "    return 1 / (1 + np.exp(-z))",
        "    ### END SOLUTION",
        **_nbgrader(grade=False, solution=True, grade_id="q1-sol"),
    ),
    _code(
        "assert abs(sigmoid(0) - 0.5) < 1e-9",
        "### BEGIN HIDDEN TESTS",
        "assert sigmoid(100) > 0.99",
        "### END HIDDEN TESTS",
        **_nbgrader(grade=True, solution=False, points=2, grade_id="q1-test"),
    ),
    _code("assert sigmoid(-100) < 0.01", **_nbgrader(grade=True, solution=False, points=1)),
    _md("## Question 2", "Why has the logistic loss no closed-form minimiser?"),
    _md(
        "Its gradient is a sum of sigmoids, so setting it to zero gives a nonlinear system.",
        **_nbgrader(grade=True, solution=True, points=3, grade_id="q2"),
    ),
    _md("## Question 3", "What is the value of $\\sigma(0)$?"),
    _code("answer_q3 = 0.5 # SOLUTION"),
    _code("assert answer_q3 == 0.5", **_nbgrader(grade=True, solution=False, points=1)),
]

# The student's release of the same notebook: the model answers replaced by placeholders.
RELEASE = [
    *NBGRADER[:3],
    _code(
        "def sigmoid(z):",
        "    # YOUR CODE HERE",
        "    raise NotImplementedError()",
        **_nbgrader(grade=False, solution=True),
    ),
    *NBGRADER[4:7],
    _md("YOUR ANSWER HERE", **_nbgrader(grade=True, solution=True, points=3)),
]

OTTER = [
    _raw("# ASSIGNMENT CONFIG", "solutions_pdf: true"),
    _md("# Statistics practice exam"),
    _raw("# BEGIN QUESTION", "name: q1", "points: 2"),
    _md("**Question 1.** Compute the sample mean of `x` and store it in `m`."),
    _raw("# BEGIN SOLUTION"),
    _code("m = np.mean(x) # SOLUTION"),
    _raw("# END SOLUTION"),
    _raw("# BEGIN TESTS"),
    _code("np.isclose(m, 2.5)"),
    _raw("# END TESTS"),
    _raw("# END QUESTION"),
    _md(
        "<!-- BEGIN QUESTION -->",
        "",
        "**Question 2.** Why is the median robust?",
        "",
        "<!-- END QUESTION -->",
    ),
    _raw("# BEGIN QUESTION", "name: q3", "manual: true", "points: 4"),
    _md("**Question 3.** In one sentence, what does a p-value measure?"),
    _raw("# BEGIN SOLUTION"),
    _md("The chance, under the null hypothesis, of a statistic as extreme as the one seen."),
    _raw("# END SOLUTION"),
    _raw("# END QUESTION"),
]

PLAIN = [
    _md("# Machine learning midterm", "Total: 20 marks."),
    _md("### Q1 (5 marks)", "What is overfitting? Give one way to reduce it."),
    _md("**Answer:** The model fits noise in the data; use regularisation or more data."),
    _md(
        "### Q2 (15 marks)",
        "(a) [5 marks] Compute the entropy of a fair coin in bits.",
        "",
        "(b) [10 marks] Which has lower bias: a depth-1 or a depth-10 tree?",
    ),
    _md("**Solution.** (a) 1 bit. (b) The depth-10 tree."),
]


def test_nbgrader_points_and_model_answers(tmp_path: Path) -> None:
    questions, notes = _draft(tmp_path, NBGRADER)
    assert {q: questions[q].get("marks") for q in questions} == {"1": 3, "2": 3, "3": 1}
    assert "np.exp(-z)" in questions["1"]["reference"]
    assert "BEGIN SOLUTION" not in questions["1"]["reference"]
    assert "sigmoid(100)" not in str(questions)  # hidden tests are not the prompt
    assert questions["2"]["reference"].startswith("Its gradient is a sum")
    assert "answer_q3 = 0.5" in questions["3"]["reference"]
    assert "SOLUTION" not in questions["3"]["reference"]
    assert notes == []


def test_the_student_release_drafts_questions_and_points_without_answers(tmp_path: Path) -> None:
    questions, _ = _draft(tmp_path, RELEASE)
    assert {q: questions[q].get("marks") for q in questions} == {"1": 3, "2": 3}
    assert all("reference" not in q for q in questions.values())
    assert "YOUR" not in str(questions) and "NotImplementedError" not in str(questions)


def test_otter_questions_points_and_solutions(tmp_path: Path) -> None:
    questions, _ = _draft(tmp_path, OTTER)
    assert {q: questions[q].get("marks") for q in questions} == {"1": 2, "2": None, "3": 4}
    assert "np.mean(x)" in questions["1"]["reference"]
    assert "isclose" not in str(questions)  # tests are not the prompt
    assert "BEGIN" not in str(questions) and "ASSIGNMENT" not in str(questions)
    assert questions["2"]["prompt"] == "Why is the median robust?"
    assert questions["3"]["reference"].startswith("The chance, under the null")


def test_a_plain_exam_notebook(tmp_path: Path) -> None:
    questions, notes = _draft(tmp_path, PLAIN)
    assert questions["1"]["marks"] == 5
    assert questions["1"]["reference"].startswith("The model fits noise")
    parts = {p["id"]: (p["marks"], p.get("reference")) for p in questions["2"]["parts"]}
    assert parts == {"a": (5, "1 bit."), "b": (10, "The depth-10 tree.")}
    assert notes == []


def test_places_name_the_cell(tmp_path: Path) -> None:
    path = tmp_path / "exam.ipynb"
    path.write_text(json.dumps({"nbformat": 4, "cells": PLAIN}), encoding="utf-8")
    text = render(draft_exam([path]))
    assert "# from cell 2, line 1" in text


def test_a_format_3_notebook(tmp_path: Path) -> None:
    cells = [
        {"cell_type": "markdown", "source": "1. What is $2+2$? (2 marks)\n\nAnswer: 4"},
        {"cell_type": "code", "input": "x = 2 + 2", "outputs": []},
    ]
    path = tmp_path / "old.ipynb"
    path.write_text(json.dumps({"nbformat": 3, "worksheets": [{"cells": cells}]}), "utf-8")
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    question = tree["sections"][0]["questions"][0]
    assert (question["marks"], question["key"]) == (2, {"kind": "numeric", "value": 4})


@pytest.mark.parametrize(
    "content, said",
    [
        (b"{not json", "is not a readable Jupyter notebook (JSONDecodeError)"),
        (b"\xff\xfe\x00{", "is not a readable Jupyter notebook"),
        (b'{"nbformat": 4}', "is a Jupyter notebook without cells"),
        (b"[1, 2]", "is a Jupyter notebook without cells"),
    ],
)
def test_a_notebook_that_cannot_be_read_is_one_clear_error(
    tmp_path: Path, content: bytes, said: str
) -> None:
    path = tmp_path / "broken.ipynb"
    path.write_bytes(content)
    with pytest.raises(GradewiseError) as caught:
        draft_exam([path])
    assert said in str(caught.value) and "broken.ipynb" in str(caught.value)
