"""Convert the Powergrading corpus (Basu, Jacobs and Vanderwende, TACL 2013; Microsoft Research)
to the graded-answers CSV that `gradewise evaluate` and benchmarks/bench_curve.py read.

    .venv/bin/python benchmarks/convert_powergrading.py SRC_DIR OUT.csv

SRC_DIR holds the corpus as .xlsx: questions_answer_key.xlsx (Q#, Question, Answers, then more
accepted answers in the following columns) and studentanswers_grades_698.xlsx (student, Q#,
answer, G1, G2, G3; -1 = not graded). Only the graded answers are written (10 questions x 698),
on a 0/1 scale with the majority of the three graders as the grade. Per question a fixed,
seeded-random HELD_OUT answers form split `unseen_answers` and the rest `train`, so the k-shot
protocol takes its marks from `train` and predicts the same answers at every k.
The corpus is under Microsoft Research's data licence, so it and the CSV stay out of the repo.
"""

from __future__ import annotations

import random
import sys
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

from gradewise.errors import GradewiseError
from gradewise.measure.graded import write_graded
from gradewise.model import GradedAnswer

KEY = "questions_answer_key.xlsx"
ANSWERS = "studentanswers_grades_698.xlsx"
HELD_OUT = 198  # of 698 per question, leaving 500 to mark


def convert(src: Path) -> list[GradedAnswer]:
    """The graded answers of the corpus in SRC, majority grade of three graders on 0/1."""
    rows = _graded(src)
    by_q: dict[str, list[GradedAnswer]] = defaultdict(list)
    for r in rows:
        by_q[r.question_id].append(r)
    held = set()
    for qid, answers in by_q.items():
        ids = sorted(r.answer_id for r in answers)
        held |= set(random.Random(f"powergrading {qid}").sample(ids, min(HELD_OUT, len(ids) // 2)))
    return [replace(r, split="unseen_answers" if r.answer_id in held else "train") for r in rows]


def _graded(src: Path) -> list[GradedAnswer]:
    key = {str(r[0]).strip(): r for r in _rows(src / KEY) if r and r[0] is not None}
    out = []
    for line, row in enumerate(_rows(src / ANSWERS), start=2):
        student, qid, answer, *grades = (list(row) + [None] * 6)[:6]
        qid = str(qid).strip()
        if grades == [-1, -1, -1]:
            continue  # the ten questions the corpus leaves ungraded
        if qid not in key or any(g not in (0, 1) for g in grades):
            raise GradewiseError(
                f"question {qid!r} with grades {grades}",
                file=str(src / ANSWERS),
                line=line,
                fix=f"give a question listed in {KEY} and grades G1-G3 of 0 or 1 (or all -1)",
            )
        question = key[qid]
        out.append(
            GradedAnswer(
                dataset="powergrading",
                split="all",
                question_id=qid,
                question=str(question[1] or ""),
                reference=" || ".join(str(a).strip() for a in question[2:] if a is not None),
                answer_id=f"{qid}-{student}",
                answer=str(answer or ""),
                score=1.0 if sum(grades) >= 2 else 0.0,
                max_score=1.0,
                label="correct" if sum(grades) >= 2 else "incorrect",
            )
        )
    return out


def _rows(path: Path) -> list[tuple[object, ...]]:
    """The rows of the first sheet below its header."""
    import openpyxl  # the dev extra; only this converter reads .xlsx

    try:
        book = openpyxl.load_workbook(path, read_only=True)
    except (OSError, ValueError, KeyError) as exc:
        raise GradewiseError(
            f"cannot read: {exc}", file=str(path), fix="give the corpus's .xlsx file"
        ) from exc
    return list(book.worksheets[0].iter_rows(min_row=2, values_only=True))


def main(argv: list[str]) -> int:
    """Convert; a bad input is a one-line error and exit status 1."""
    if len(argv) != 2:
        print("usage: convert_powergrading.py SRC_DIR OUT.csv", file=sys.stderr)
        return 2
    try:
        rows = convert(Path(argv[0]))
    except GradewiseError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    write_graded(Path(argv[1]), rows)
    print(f"wrote {len(rows)} graded answers of {len({r.question_id for r in rows})} questions")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
