"""Gradebook tables: wide (a row per student) and long (a row per student × part × criterion)."""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from gradewise.model import Exam, PartGrade, Result


def wide(exam: Exam, results: Iterable[Result]) -> tuple[list[str], list[list[Any]]]:
    """One row per student: a column per part, the total, the maximum and the pending parts."""
    addresses = [p.address for p in exam.parts()]
    header = ["student", "name", *addresses, "total", "max", "pending"]
    rows = [
        [
            r.student,
            r.name,
            *(_num(r.parts.get(a, 0.0)) for a in addresses),
            _num(r.total),
            _num(r.max_total),
            " ".join(r.pending),
        ]
        for r in results
    ]
    return header, rows


def long(exam: Exam, grades: Iterable[PartGrade]) -> tuple[list[str], list[list[Any]]]:
    """One row per student × part × criterion, with the verdict and what produced it."""
    header = [
        "student",
        "part",
        "criterion",
        "criterion_text",
        "criterion_marks",
        "status",
        "fraction",
        "reason",
        "evidence",
        "produced_by",
        "part_auto",
        "part_manual",
        "part_score",
        "needs_review",
    ]
    parts = {p.address: p for p in exam.parts()}
    rows = []
    for grade in grades:
        part = parts.get(grade.address)
        texts = {c.id: (c.text, c.marks) for c in part.criteria} if part else {}
        for v in grade.verdicts:
            text, marks = texts.get(v.criterion, ("", 0.0))
            rows.append(
                [
                    grade.student,
                    grade.address,
                    v.criterion,
                    text,
                    _num(marks),
                    str(v.status),
                    _num(v.fraction),
                    v.reason,
                    v.evidence,
                    v.produced_by,
                    _num(grade.auto_score),
                    "" if grade.manual_score is None else _num(grade.manual_score),
                    _num(grade.score),
                    int(grade.needs_review and grade.manual_score is None),
                ]
            )
    return header, rows


def write_csv(path: Path, header: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(header)
        writer.writerows(rows)


def _num(value: float) -> str:
    return f"{round(value, 4):g}"
