"""Gradebooks for learning-management systems: Canvas, Moodle, and JSON.

Canvas (gradebook import): the columns Student, ID, SIS User ID, SIS Login ID, Section, then one
assignment column titled `EXAM TITLE (EXAM ID)`; a second row `Points Possible` carries the
maximum. Canvas matches rows by ID, SIS User ID or SIS Login ID, so those come from the LMS
roster (`id, lms_id, sis_login, section, email`); without one, SIS User ID is gradewise's
student id.

Canvas turns every column it does not know into a new assignment, so the file holds nothing
else; with incomplete grading allowed, the students still waiting for review are named on the
terminal instead.

Moodle (grade import from CSV): `Email address`, `ID number`, the grade column named after the
exam, and `Feedback` (each part's mark, and which parts are provisional); at import time Moodle
maps a column to its user identifier, a grade item or that item's feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from gradewise.errors import GradewiseError
from gradewise.model import Exam, Part, PartGrade, Result
from gradewise.reports.csvfile import Cell, number
from gradewise.scripts.ingest import refuse_duplicates, roster_records


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
    """gradewise student id → LMS identity, from gradewise's LMS roster or the LMS's own export.

    Reads `id, lms_id, sis_login, section, email`, a Canvas gradebook export (SIS User ID, ID,
    SIS Login ID, Section) or a Moodle participants/grades export (ID number, Email address) as
    downloaded. A one-line error names the file and line of a missing id column, a malformed
    row, and every student id, LMS id, SIS login or email given on more than one row: the LMS
    would otherwise give one student's grade to another account. Rows with no id are skipped.
    """
    _, records = roster_records(path, example=",".join(LMS_COLUMNS))
    found = [(line, cells) for line, cells in records if cells["id"]]
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
    exam: Exam, results: Sequence[Result], who: Mapping[str, LmsStudent]
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
    rows: list[list[Cell]] = [["Points Possible", "", "", "", "", exam.marks]]
    for r in results:
        lms = who[r.student]
        rows.append(
            [
                _canvas_name(r.name or r.student),
                lms.lms_id,
                r.student if not lms.lms_id else "",
                lms.sis_login,
                lms.section,
                r.total,
            ]
        )
    return header, rows


def moodle(
    exam: Exam, results: Sequence[Result], who: Mapping[str, LmsStudent]
) -> tuple[list[str], list[list[Cell]]]:
    """The Moodle grade-import table: email and ID number to match on, the grade, its feedback."""
    header = ["Email address", "ID number", exam.title, "Feedback"]
    return header, [
        [who[r.student].email, who[r.student].lms_id or r.student, r.total, feedback(exam, r)]
        for r in results
    ]


def feedback(exam: Exam, result: Result) -> str:
    """One line for the student: each counted part's mark out of its marks, the questions a
    section's rule left out, and the parts still provisional."""
    counted, dropped = [], []
    for section in exam.sections:
        for question in section.questions:
            address = f"{section.id}.{question.id}"
            if address in result.counted_questions:
                counted += [_part_mark(p, result) for p in question.parts]
            else:
                dropped.append(address)
    text = f"{number(result.total)}/{number(result.max_total)}: {'; '.join(counted)}."
    if dropped:
        text += f" Not counted (the best questions count): {', '.join(dropped)}."
    if result.pending:
        text += f" Provisional: {', '.join(result.pending)} not marked yet."
    return text


def _part_mark(part: Part, result: Result) -> str:
    return f"{part.address} {number(result.parts.get(part.address, 0.0))}/{number(part.marks)}"


def incomplete(results: Iterable[Result]) -> list[str]:
    """The students whose totals still have parts waiting for review."""
    return [r.student for r in results if r.pending]


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
