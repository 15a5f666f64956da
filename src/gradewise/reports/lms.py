"""Gradebooks for learning-management systems: Canvas, Moodle, and JSON.

Canvas (gradebook import): the columns Student, ID, SIS User ID, SIS Login ID, Section, then one
assignment column titled `EXAM TITLE (EXAM ID)`; a second row `Points Possible` carries the
maximum. Canvas matches rows by ID, SIS User ID or SIS Login ID, so those come from the LMS
roster (`id, lms_id, sis_login, section, email`); without one, SIS User ID is gradewise's
student id.

Moodle (grade import from CSV): `Email address`, `ID number`, then the grade column named after
the exam; Moodle maps a column to its own identifier at import time.

With incomplete grading allowed, both gain a last column `Incomplete` (yes/no) naming students
whose total still has parts waiting for review.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradewise.errors import GradewiseError
from gradewise.model import Exam, PartGrade, Result
from gradewise.reports.csvfile import Cell
from gradewise.scripts.ingest import read_table, refuse_duplicates


@dataclass(frozen=True)
class LmsStudent:
    """How the LMS knows one student."""

    lms_id: str = ""
    sis_login: str = ""
    section: str = ""
    email: str = ""


LMS_COLUMNS = ("id", "lms_id", "sis_login", "section", "email")
# The columns an LMS matches grades by: two rows sharing one would send two grades to one account.
_ACCOUNT_COLUMNS = ("id", "lms_id", "sis_login", "email")


def read_lms_roster(path: Path) -> dict[str, LmsStudent]:
    """gradewise student id → LMS identity, from a CSV with an `id` column.

    A one-line error names the file and line of a missing id column, a malformed row, and every
    student id, LMS id, SIS login or email given on more than one row: the LMS would otherwise
    give one student's grade to another account. Rows with no id are skipped.
    """
    header, rows = read_table(path, example=",".join(LMS_COLUMNS))
    names = [cell.strip().lower() for cell in header]
    if "id" not in names:
        raise GradewiseError(
            f"no id column (columns: {', '.join(map(repr, header))})",
            file=str(path),
            line=1,
            fix=f"the header must hold id and any of {', '.join(LMS_COLUMNS[1:])}",
        )
    found = [(line, _lms_row(names, row)) for line, row in rows]
    found = [(line, cells) for line, cells in found if cells["id"]]
    for column in _ACCOUNT_COLUMNS:
        refuse_duplicates(
            [(cells[column], line) for line, cells in found],
            what="student id" if column == "id" else column,
            source=str(path),
            fix="keep one row per student, each with its own LMS account",
        )
    return {
        cells["id"]: LmsStudent(
            cells["lms_id"], cells["sis_login"], cells["section"], cells["email"]
        )
        for _, cells in found
    }


def _lms_row(names: list[str], row: list[str]) -> dict[str, str]:
    cells = {name: value.strip() for name, value in zip(names, row, strict=False)}
    return {column: cells.get(column, "") for column in LMS_COLUMNS}


def lms_identities(
    results: Sequence[Result], emails: Mapping[str, str], roster: Mapping[str, LmsStudent] | None
) -> dict[str, LmsStudent]:
    """Every student's LMS identity; with a roster, a student missing from it is an error."""
    if roster is None:
        return {r.student: LmsStudent(email=emails.get(r.student, "")) for r in results}
    missing = [r.student for r in results if r.student not in roster]
    if missing:
        raise GradewiseError(
            f"{len(missing)} student(s) missing from the LMS roster: {', '.join(missing)}",
            fix="add a row for each (id, lms_id, ...) or export without --roster",
        )
    return {r.student: roster[r.student] for r in results}


def canvas(
    exam: Exam, results: Sequence[Result], who: Mapping[str, LmsStudent], *, flag_incomplete: bool
) -> tuple[list[str], list[list[Cell]]]:
    """The Canvas table: header, a `Points Possible` row, then a row per student."""
    header = [
        "Student",
        "ID",
        "SIS User ID",
        "SIS Login ID",
        "Section",
        f"{exam.title} ({exam.id})",
    ]
    header += ["Incomplete"] if flag_incomplete else []
    rows: list[list[Cell]] = [["Points Possible", "", "", "", "", exam.marks]]
    rows[0] += [""] if flag_incomplete else []
    for r in results:
        lms = who[r.student]
        row: list[Cell] = [
            _canvas_name(r.name or r.student),
            lms.lms_id,
            r.student if not lms.lms_id else "",
            lms.sis_login,
            lms.section,
            r.total,
        ]
        rows.append(row + (["yes" if r.pending else "no"] if flag_incomplete else []))
    return header, rows


def moodle(
    exam: Exam, results: Sequence[Result], who: Mapping[str, LmsStudent], *, flag_incomplete: bool
) -> tuple[list[str], list[list[Cell]]]:
    """The Moodle grade-import table: email and id number to match on, the grade."""
    header = ["Email address", "ID number", exam.title] + (
        ["Incomplete"] if flag_incomplete else []
    )
    rows: list[list[Cell]] = []
    for r in results:
        row: list[Cell] = [who[r.student].email, who[r.student].lms_id or r.student, r.total]
        rows.append(row + (["yes" if r.pending else "no"] if flag_incomplete else []))
    return header, rows


def as_json(exam: Exam, results: Iterable[Result], grades: Iterable[PartGrade]) -> dict[str, Any]:
    """Per student: total, maximum, pending parts, and per part the scores and verdicts.

    `incomplete` is true for a student whose total still has parts waiting for review.
    """
    by_student: dict[str, list[PartGrade]] = {}
    for g in grades:
        by_student.setdefault(g.student, []).append(g)
    return {
        "exam": {"id": exam.id, "title": exam.title, "marks": exam.marks},
        "students": [
            {
                "student": r.student,
                "name": r.name,
                "total": r.total,
                "max": r.max_total,
                "counted_questions": list(r.counted_questions),
                "pending": list(r.pending),
                "incomplete": bool(r.pending),
                "parts": [_part(g) for g in by_student.get(r.student, [])],
            }
            for r in results
        ],
    }


def _part(g: PartGrade) -> dict[str, Any]:
    return {
        "part": g.address,
        "score": g.score,
        "auto": g.auto_score,
        "manual": g.manual_score,
        "needs_review": g.pending,
        "criteria": [
            {
                "id": v.criterion,
                "status": str(v.status),
                "fraction": v.fraction,
                "reason": v.reason,
                "evidence": v.evidence,
                "confidence": v.confidence,
                "produced_by": v.produced_by,
            }
            for v in g.verdicts
        ],
    }


def _canvas_name(name: str) -> str:
    """Canvas lists students as 'Last, First'."""
    parts = name.split()
    return f"{parts[-1]}, {' '.join(parts[:-1])}" if len(parts) > 1 else name
