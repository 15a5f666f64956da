"""The graded-answers CSV: one reader (`gradewise evaluate`) and one writer (`gradewise export
graded`), so a file gradewise writes reads back exactly.

Columns: dataset, split, question_id, question, reference_answer (several joined by ` || `),
answer_id, student_answer, score, max_score, and optionally label and feedback (read, label
kept, feedback ignored).
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from pathlib import Path

from gradewise.errors import GradewiseError
from gradewise.model import GradedAnswer
from gradewise.reports.csvfile import Cell, restore, write_csv

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


def read_graded(path: Path) -> list[GradedAnswer]:
    """Read a graded-answers CSV; a bad row is a one-line error naming file, line and column."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
            if missing:
                raise GradewiseError(
                    f"missing column(s) {', '.join(missing)}",
                    file=str(path),
                    line=1,
                    fix=f"the header must hold: {', '.join(COLUMNS)}",
                )
            return [_row(path, reader.line_num, raw) for raw in reader]
    except csv.Error as exc:
        raise GradewiseError(
            f"not valid CSV: {exc}", file=str(path), fix="save the file as comma-separated UTF-8"
        ) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise GradewiseError(
            f"cannot read: {exc}",
            file=str(path),
            fix="give a UTF-8 CSV file in the graded-answers format",
        ) from exc


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
    if None in raw or None in raw.values():  # csv's markers for a row longer / shorter
        raise GradewiseError(
            "row has a different number of columns than the header",
            file=str(path),
            line=line,
            fix="quote any text that holds a comma",
        )
    # A file gradewise exported quotes text that a spreadsheet would run as a formula.
    raw = {column: restore(value) for column, value in raw.items()}
    for column in ("dataset", "question_id", "answer_id"):
        if not (raw[column] or "").strip():
            raise GradewiseError(
                f"column {column} is empty", file=str(path), line=line, fix=f"fill in {column}"
            )
    score = _number(path, line, raw, "score")
    max_score = _number(path, line, raw, "max_score")
    _check_range(path, line, score, max_score)
    return GradedAnswer(
        dataset=raw["dataset"],
        split=raw["split"] or "all",
        question_id=raw["question_id"],
        question=raw["question"] or "",
        reference=raw["reference_answer"] or "",
        answer_id=raw["answer_id"],
        answer=raw["student_answer"] or "",
        score=score,
        max_score=max_score,
        label=(raw.get("label") or "").strip(),
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
    try:
        value = float(raw[column])
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
