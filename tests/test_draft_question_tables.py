"""Questions written as the rows of a table, with their number, text, marks and sometimes the
answer in columns (as Word papers and LMS printouts often are): each row a question or part."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import docx
import pytest
from ruamel.yaml import YAML

from conftest import drafted_questions
from gradewise.exam.draft import draft_exam, render


def _table(header: list[str], rows: list[list[str]]) -> str:
    lines = [header, ["---"] * len(header), *rows]
    return "\n".join("| " + " | ".join(cells) + " |" for cells in lines) + "\n"


_ROWS = [
    ["1", "A coin is tossed 3 times. P(exactly two heads)?", "2"],
    ["2", "If P(A)=0.3 and P(B)=0.4 are independent, find P(A and B).", "3"],
    ["3", "State Bayes' theorem.", "5"],
]


@pytest.mark.parametrize(
    "header",
    [
        ["No.", "Question", "Marks"],
        ["Q", "Question", "Points"],
        ["**#**", "**Question**", "**Max. marks**"],
        ["Question No.", "Task", "Pts"],
    ],
)
def test_a_table_of_questions(tmp_path: Path, header: list[str]) -> None:
    text = "# Quiz 4\n\n" + _table(header, _ROWS) + "\n**Answers:** 1. 3/8   2. 0.12\n"
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1", "2", "3"]
    assert [q["marks"] for q in questions.values()] == [2, 3, 5]
    assert questions["3"]["prompt"] == "State Bayes' theorem."
    assert questions["1"]["key"]["value"] == 0.375
    assert questions["2"]["key"]["value"] == 0.12


def test_parts_and_answers_in_columns(tmp_path: Path) -> None:
    rows = [
        ["1(a)", "Compute the mean of 2, 4, 6.", "2", "4"],
        ["1(b)", "Compute the median of 2, 4, 9.", "2", "4"],
        ["2", "Is the sample mean unbiased? (True/False)", "1", "True"],
        ["3", "Explain overfitting in your own words.", "5", ""],
    ]
    text = _table(["No", "Question", "Marks", "Answer"], rows)
    questions = drafted_questions(tmp_path, text)
    parts = {str(p["id"]): p for p in questions["1"]["parts"]}
    assert [parts[x]["marks"] for x in "ab"] == [2, 2]
    assert parts["a"]["key"]["value"] == 4
    assert questions["2"]["key"] == {"kind": "truefalse", "value": True}
    assert questions["3"]["marks"] == 5 and "key" not in questions["3"]


@pytest.mark.parametrize(
    "table",
    [
        # a totals table of numbers stays a totals table
        _table(["Question", "Marks"], [["1", "10"], ["2", "15"]]),
        # a rubric table is not a table of questions
        _table(["Criterion", "Marks"], [["States the rule", "2"], ["Applies it", "3"]]),
    ],
)
def test_other_tables_stay_as_they_were(tmp_path: Path, table: str) -> None:
    text = f"# Final\n\n{table}\n1. Explain A. (10 marks)\n\n2. Explain B. (15 marks)\n"
    questions = drafted_questions(tmp_path, text)
    assert list(questions) == ["1", "2"]
    assert [q["marks"] for q in questions.values()] == [10, 15]


def test_a_word_paper_whose_questions_are_a_table(tmp_path: Path) -> None:
    document = docx.Document()
    document.add_heading("Statistics quiz", level=1)
    table = document.add_table(rows=1, cols=3)
    for cell, text in zip(table.rows[0].cells, ["No.", "Question", "Marks"], strict=True):
        cell.text = text
    for row in _ROWS:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text
    path = tmp_path / "paper.docx"
    document.save(str(path))
    tree: dict[str, Any] = YAML(typ="safe").load(render(draft_exam([path])))
    questions = {str(q["id"]): q for s in tree["sections"] for q in s["questions"]}
    assert list(questions) == ["1", "2", "3"]
    assert [q["marks"] for q in questions.values()] == [2, 3, 5]
