"""Expected gain: which answer in the review queue a human should look at first.

An answer's expected gain is the marks a human decision is likely to move:

    gain = marks at stake × how unsure gradewise is × answers like it waiting

- marks at stake: the part's marks;
- unsure: 1 where a criterion is undecided (the machine abstained), else 1 − the lowest
  confidence among the criteria it was unsure of (below the part's `review_below`); an answer
  flagged for another reason (e.g. an unclear label) counts 0.5, and a blank answer (most likely
  worth nothing, as proposed) 0.25;
- alike: the answers of the same part waiting for review that read the same (the answer groups
  of `gradewise.groups`), since one decision, made for the group at once, settles them all.

Ties keep the queue's old order: the most marks first, then part and student.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence

from gradewise.groups import group_answers
from gradewise.model import Answer, Exam, PartGrade

FLAGGED = 0.5  # in review for a reason other than the verdicts' confidence
BLANK = 0.25  # no answer found: the proposal (no marks) is most likely right


def unsure(grade: PartGrade, threshold: float) -> float:
    """1 when gradewise abstained on a criterion, else 1 − its least confident unsure one."""
    if grade.unanswered:
        return BLANK
    if not grade.verdicts or any(not v.status.decided for v in grade.verdicts):
        return 1.0
    doubtful = [v.confidence for v in grade.verdicts if v.confidence < threshold]
    return 1.0 - min(doubtful) if doubtful else FLAGGED


def alike(waiting: Sequence[PartGrade], answers: Iterable[Answer]) -> dict[tuple[str, str], int]:
    """For each waiting answer, how many waiting answers of its part read the same (itself too)."""
    wanted = {(g.student, g.address) for g in waiting}
    by_part: dict[str, list[Answer]] = defaultdict(list)
    for a in answers:
        if (a.student, a.address) in wanted:
            by_part[a.address].append(a)
    sizes: dict[tuple[str, str], int] = {}
    for found in by_part.values():
        for group in group_answers(found):
            for a in group.answers:
                sizes[(a.student, a.address)] = len(group.answers)
    return sizes


def expected_gains(
    exam: Exam, waiting: Sequence[PartGrade], answers: Iterable[Answer]
) -> Mapping[tuple[str, str], float]:
    """(student, part) → expected gain, for every answer in `waiting`."""
    parts = {p.address: p for p in exam.parts()}
    sizes = alike(waiting, answers)
    gains = {}
    for g in waiting:
        part = parts.get(g.address)
        marks, threshold = (part.marks, part.review_below) if part else (0.0, 0.8)
        gains[(g.student, g.address)] = (
            marks * unsure(g, threshold) * sizes.get((g.student, g.address), 1)
        )
    return gains
