"""The graded-answers CSV: one reader (`gradewise evaluate`) and one writer (`gradewise export
graded`), so a file gradewise writes reads back exactly.

Columns: dataset, split, question_id, question, reference_answer (several joined by ` || `),
answer_id, student_answer, score, max_score, and optionally label and feedback (read, label
kept, feedback ignored).

An instructor's own marks sheet reads as it comes: headers in any case and spacing, under
the names spreadsheets and LMS exports give them (`Question ID`, `Answer`, `Grade`, `Out of`:
`HEADERS`), comma, semicolon or tab separated, any encoding rosters read in (BOM, UTF-16),
decimal commas (`1,5`). Only question_id, student_answer, score and max_score are needed:
dataset defaults to the file's name, split to `all`, answer_id to the row's line.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from pathlib import Path

from gradewise.errors import GradewiseError
from gradewise.model import GradedAnswer
from gradewise.reports.csvfile import Cell, restore, write_csv
from gradewise.scripts.ingest import read_table

COLUMNS = (
    "dataset",
    "split",
    "question_id",
    "question",
    "reference_answer",
    "answer_id",
    "student_answer",
    "score",
    "max_score",
)
REQUIRED = ("question_id", "student_answer", "score", "max_score")
# Each column and the other names a header may give it (compared lower-cased, with spaces,
# dashes and dots as underscores).
HEADERS: dict[str, tuple[str, ...]] = {
    "dataset": ("data_set",),
    "split": (),
    "question_id": ("qid", "q_id", "question_no", "question_number", "question_nr", "item_id"),
    "question": ("question_text", "prompt"),
    "reference_answer": (
        "reference",
        "model_answer",
        "answer_key",
        "key",
        "desired_answer",
        "correct_answer",
        "expected_answer",
    ),
    "answer_id": ("response_id", "submission_id", "id"),
    "student_answer": ("answer", "response", "student_response", "answer_text"),
    "score": ("grade", "mark", "marks", "points", "human_score", "awarded"),
    "max_score": (
        "max",
        "maximum",
        "max_points",
        "max_marks",
        "out_of",
        "possible",
        "points_possible",
        "full_marks",
    ),
    "label": ("verdict",),
    "feedback": ("comment", "comments"),
}
_EXAMPLE = ",".join(COLUMNS)
_DECIMAL_COMMA = re.compile(r"^\s*-?\d+,\d+\s*$")


def read_graded(path: Path) -> list[GradedAnswer]:
    """Read a graded-answers CSV; a bad row is a one-line error naming file, line and column."""
    header, rows = read_table(path, example=_EXAMPLE, what="graded-answers file")
    where = _columns(path, header)
    out = []
    for line, row in rows:
        if len(row) != len(header):
            raise GradewiseError(
                f"row has a different number of columns than the header ({len(row)}, not"
                f" {len(header)})",
                file=str(path),
                line=line,
                fix="quote any text that holds the separator",
            )
        raw = {column: restore(row[index]) for column, index in where.items()}
        out.append(_row(path, line, raw))
    if not out:  # measured on nothing, every figure would be blank: say so instead
        raise GradewiseError(
            "no graded answers: the file has its header and no rows",
            file=str(path),
            line=1,
            fix="add a row per graded answer under the header, or check that this is the file",
        )
    return out


def _columns(path: Path, header: list[str]) -> dict[str, int]:
    """Each column's place in the header, by its own name or another it is known by."""
    names = [re.sub(r"[\s.\-]+", "_", name.strip().lower()).strip("_") for name in header]
    where: dict[str, int] = {}
    for column, others in HEADERS.items():
        for name in (column, *others):  # its own name first: `answer_id` before `id`
            if name in names and names.index(name) not in where.values():
                where[column] = names.index(name)
                break
    missing = [c for c in REQUIRED if c not in where]
    if missing:
        known = "; ".join(f"{c} (or {', '.join(HEADERS[c][:3])})" for c in missing)
        raise GradewiseError(
            f"no column for {known}",
            file=str(path),
            line=1,
            fix=f"name the header's columns as in: {_EXAMPLE}",
        )
    return where


def write_graded(path: Path, rows: Sequence[GradedAnswer]) -> None:
    """Write graded answers in the format `read_graded` reads (spreadsheet-safe cells); the
    label column only when some row has a label."""
    labelled = any(r.label for r in rows)
    header = [*COLUMNS, "label"] if labelled else list(COLUMNS)
    cells: list[list[Cell]] = [
        [
            r.dataset,
            r.split,
            r.question_id,
            r.question,
            r.reference,
            r.answer_id,
            r.answer,
            r.score,
            r.max_score,
            *([r.label] if labelled else []),
        ]
        for r in rows
    ]
    write_csv(path, header, cells)


def _row(path: Path, line: int, raw: dict[str, str]) -> GradedAnswer:
    for column in ("question_id",):
        if not raw[column].strip():
            raise GradewiseError(
                f"column {column} is empty", file=str(path), line=line, fix=f"fill in {column}"
            )
    dataset = raw.get("dataset", path.stem)
    if not dataset.strip():
        raise GradewiseError(
            "column dataset is empty", file=str(path), line=line, fix="fill in dataset"
        )
    answer_id = raw.get("answer_id", f"row {line}")
    if not answer_id.strip():
        raise GradewiseError(
            "column answer_id is empty", file=str(path), line=line, fix="fill in answer_id"
        )
    score = _number(path, line, raw, "score")
    max_score = _number(path, line, raw, "max_score")
    _check_range(path, line, score, max_score)
    return GradedAnswer(
        dataset=dataset,
        split=raw.get("split") or "all",
        question_id=raw["question_id"],
        question=raw.get("question", ""),
        reference=raw.get("reference_answer", ""),
        answer_id=answer_id,
        answer=raw["student_answer"],
        score=score,
        max_score=max_score,
        label=raw.get("label", "").strip(),
    )


def _check_range(path: Path, line: int, score: float, max_score: float) -> None:
    if max_score <= 0:
        raise GradewiseError(
            f"column max_score is {max_score:g}",
            file=str(path),
            line=line,
            fix="max_score must be above 0",
        )
    if not 0 <= score <= max_score:
        raise GradewiseError(
            f"column score {score:g} is outside 0..max_score {max_score:g}",
            file=str(path),
            line=line,
            fix="correct the score or max_score column",
        )


def _number(path: Path, line: int, raw: dict[str, str], column: str) -> float:
    text = raw[column]
    if _DECIMAL_COMMA.match(text):  # `1,5` from a spreadsheet in a decimal-comma locale
        text = text.replace(",", ".")
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise GradewiseError(
            f"column {column} {raw[column]!r} is not a number",
            file=str(path),
            line=line,
            fix=f"write a number in the {column} column",
        ) from None
    if math.isnan(value):
        raise GradewiseError(
            f"column {column} is NaN", file=str(path), line=line, fix="write a number"
        )
    return value
