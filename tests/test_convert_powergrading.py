"""benchmarks/convert_powergrading.py on tiny workbooks built here (no corpus data in tests)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from gradewise.measure.graded import read_graded

openpyxl = pytest.importorskip("openpyxl")

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "convert_powergrading.py"
KEY = [
    ("Q#", "Question", "Answers", None),
    ("1", "What is the capital?", "the city", "the town"),
    ("2", "Name a colour.", "red", None),
]


def _book(path: Path, rows: list[tuple[object, ...]]) -> None:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    book.save(path)


def _convert(tmp_path: Path, answers: list[tuple[object, ...]]) -> subprocess.CompletedProcess[str]:
    _book(tmp_path / "questions_answer_key.xlsx", KEY)
    _book(
        tmp_path / "studentanswers_grades_698.xlsx",
        [("student", "Q#", "answer", "G1", "G2", "G3"), *answers],
    )
    return subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize(
    ("grades", "score"),
    [
        ((1, 1, 1), 1.0),  # all three graders say correct
        ((1, 1, 0), 1.0),  # two of three: the majority
        ((0, 1, 0), 0.0),  # one of three is outvoted
        ((0, 0, 0), 0.0),  # all say incorrect
    ],
)
def test_the_grade_is_the_graders_majority(
    tmp_path: Path, grades: tuple[int, int, int], score: float
) -> None:
    done = _convert(tmp_path, [("s1", "1", "city", *grades)])
    assert done.returncode == 0, done.stderr
    (row,) = read_graded(tmp_path / "out.csv")
    assert (row.score, row.max_score, row.label) == (
        score,
        1.0,
        "correct" if score else "incorrect",
    )


def test_rows_carry_question_references_and_skip_ungraded_answers(tmp_path: Path) -> None:
    done = _convert(tmp_path, [("s1", "1", "city", 1, 1, 1), ("s1", "2", "blue", -1, -1, -1)])
    assert done.returncode == 0, done.stderr
    (row,) = read_graded(tmp_path / "out.csv")
    assert (row.dataset, row.split, row.question_id, row.answer_id) == (
        "powergrading",
        "train",  # a question of one answer holds none out
        "1",
        "1-s1",
    )
    assert (row.question, row.reference, row.answer) == (
        "What is the capital?",
        "the city || the town",
        "city",
    )


@pytest.mark.parametrize(
    "answer",
    [
        ("s1", "9", "x", 1, 1, 1),  # a question the answer key does not list
        ("s1", "1", "x", 1, 2, 1),  # a grade other than 0/1
    ],
)
def test_bad_rows_are_a_one_line_error_naming_the_line(
    tmp_path: Path, answer: tuple[object, ...]
) -> None:
    done = _convert(tmp_path, [answer])
    assert done.returncode == 1
    assert "studentanswers_grades_698.xlsx:2:" in done.stderr  # the file and the row
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "out.csv").exists()


def test_a_missing_workbook_is_a_one_line_error(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT), str(tmp_path), str(tmp_path / "out.csv")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1
    assert "questions_answer_key.xlsx" in done.stderr and "Traceback" not in done.stderr


def test_a_fixed_share_of_each_question_is_held_out_for_prediction(tmp_path: Path) -> None:
    answers = [(f"s{i}", q, "x", 1, 1, 1) for q in ("1", "2") for i in range(6)]
    splits = []
    for _ in range(2):
        done = _convert(tmp_path, answers)
        assert done.returncode == 0, done.stderr
        splits.append({r.answer_id: r.split for r in read_graded(tmp_path / "out.csv")})
    assert splits[0] == splits[1]  # the same split every time
    for q in ("1", "2"):  # at most half of a small question, so marks remain
        held = [a for a, split in splits[0].items() if a.startswith(q) and split != "train"]
        assert len(held) == 3
        assert {splits[0][a] for a in held} == {"unseen_answers"}
