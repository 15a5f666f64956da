"""Parts numbered '(1)', '(2)' at the margin under a 'Problem N' heading (often in bold,
'**(1)**', as notebook exams write them), with their points in italics at the end
('_**2 points**_', '_3 points_'): parts labelled as the paper numbers them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from ruamel.yaml import YAML

from gradewise.exam.draft import draft_exam, render
from gradewise.exam.draft import patterns as p


def _questions(path: Path) -> dict[str, Any]:
    tree = YAML(typ="safe").load(render(draft_exam([path])))
    return {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}


def _parts(question: dict[str, Any]) -> dict[str, Any]:
    return {str(part["id"]): part.get("marks") for part in question.get("parts") or []}


PAPER = """\
# Data wrangling take-home

## Problem 1

#### Loading the survey, {total}

{first} Read `survey.csv` into a data frame called `raw`. {m1}

```
# your code here
```

{second} How many rows have a missing age? {m2}

## Problem 2

Explain in a sentence what a tidy table is. (4 points)
"""


@pytest.mark.parametrize(
    "total, first, second, m1, m2, parts",
    [
        # bold labels, points bold and italic at the end
        ("_5 points_", "**(1)**", "**(2)**", "_**2 points**_", "_**3 points**_", {"1": 2, "2": 3}),
        # plain labels, points in italics only
        ("_5 points_", "(1)", "(2)", "_2 points_", "_3 points_", {"1": 2, "2": 3}),
        # points in brackets, question total in asterisk italics
        ("*5 marks*", "(1)", "(2)", "(2 marks)", "(3 marks)", {"1": 2, "2": 3}),
        # a bold first label opens the parts without points of its own (the total less part 2)
        ("_5 points_", "**(1)**", "**(2)**", "", "_**3 points**_", {"1": 2, "2": 3}),
        # ... and with no total to take them from, part 1 has none
        ("", "**(1)**", "**(2)**", "", "_**3 points**_", {"1": None, "2": 3}),
    ],
)
def test_paren_numbered_parts_under_a_problem_heading(
    tmp_path: Path, total: str, first: str, second: str, m1: str, m2: str, parts: dict[str, Any]
) -> None:
    path = tmp_path / "paper.md"
    path.write_text(PAPER.format(total=total, first=first, second=second, m1=m1, m2=m2))
    questions = _questions(path)
    assert _parts(questions["1"]) == parts
    assert questions["2"].get("marks") == 4 and not questions["2"].get("parts")


LIST_IN_PROMPT = """\
# Quiz

## Problem 1

Answer both of the following in one paragraph. (6 points)

(1) why a histogram needs bins;
(2) what a kernel density estimate smooths.
"""


def test_a_plain_unmarked_paren_list_stays_the_prompt(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    path.write_text(LIST_IN_PROMPT)
    question = _questions(path)["1"]
    assert question.get("marks") == 6 and not question.get("parts")


def test_out_of_order_numbers_do_not_open_parts(tmp_path: Path) -> None:
    path = tmp_path / "paper.md"
    text = PAPER.format(
        total="_5 points_", first="**(2)**", second="**(3)**", m1="_2 points_", m2="_3 points_"
    )
    path.write_text(text)
    assert not _questions(path)["1"].get("parts")


def _cell(kind: str, text: str) -> dict[str, Any]:
    cell: dict[str, Any] = {"cell_type": kind, "metadata": {}, "source": text.splitlines(True)}
    if kind == "code":
        cell |= {"outputs": [], "execution_count": None}
    return cell


def test_a_notebook_exam_with_parts_in_cells_of_their_own(tmp_path: Path) -> None:
    cells = [
        _cell("markdown", "# Take-home midterm\n\nFour problems, 9 points in all."),
        _cell("markdown", "### Problem 1"),
        _cell("markdown", "#### Penguins, _5 points_"),
        _cell("code", "# DO NOT EDIT\npenguins <- read_csv('penguins.csv')"),
        _cell("markdown", "**(1)** Count the penguins of each species. _**2 points**_"),
        _cell("code", "# SOLUTION CELL 1.1\n"),
        _cell("markdown", "**(2)** Plot bill length against bill depth,\ncoloured by species."),
        _cell("code", "# DO NOT EDIT\nsummary(penguins)"),
        _cell("markdown", "Use a single ggplot call. _**3 points**_"),
        _cell("code", "# SOLUTION CELL 1.2\n"),
        _cell("markdown", "### Problem 2"),
        _cell("markdown", "#### Summary, _4 points_"),
        _cell("markdown", "**(1)** Give the median body mass. _2 points_"),
        _cell("markdown", "**(2)** Which island has the heaviest birds? _2 points_"),
    ]
    notebook = {"cells": cells, "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
    path = tmp_path / "midterm.ipynb"
    path.write_text(json.dumps(notebook))
    questions = _questions(path)
    assert _parts(questions["1"]) == {"1": 2, "2": 3}
    assert _parts(questions["2"]) == {"1": 2, "2": 2}


@pytest.mark.parametrize(
    "line, label",
    [
        ("(1) Read the file.", "1"),
        ("**(2)** Count the rows.", "2"),
        ("__(3)__ Plot it.", "3"),
        ("(01) Padded.", "1"),
        ("(a) A letter is no number.", None),
        ("**(2) Unclosed bold.", None),
        ("(2)no space", None),
        ("(123) Too long.", None),
    ],
)
def test_paren_numbered(line: str, label: str | None) -> None:
    header = p.paren_numbered(line)
    assert (header.id if header else None) == label


@pytest.mark.parametrize(
    "line, cleaned",
    [
        ("Loading, _5 points_", "Loading, 5 points"),
        ("Count them. _**2 points**_", "Count them. 2 points"),
        ("Count them. *3 marks*", "Count them. 3 marks"),
        ("a snake_case_name 2 points_", "a snake_case_name 2 points_"),
        ("a blank ____ here", "a blank ____ here"),
    ],
)
def test_italic_marks_are_plain_marks(line: str, cleaned: str) -> None:
    assert p.clean(line) == cleaned
