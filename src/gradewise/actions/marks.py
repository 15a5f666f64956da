"""Human marks: the rubric items applied, an adjustment with its reason, a comment.

The rules, each refused with a one-line BadInput (nothing written):
- items are criteria of the part (an id of another part's rubric is named as such), each named
  once, and at most one of an exclusive group;
- with items, an adjustment lies within ± the part's marks and needs a reason;
- without items the adjustment is the score itself (a plain number): within [0, marks];
- reasons and comments are bounded (TEXT_LIMIT, COMMENT_LIMIT), and a why is required.
The score is the items' current marks plus the adjustment, clamped to [0, marks]
(`ManualMark.score`): change an item's marks and every hand mark applying it moves. Each
answer's version is checked, and one call writes all its marks or none (`Store.set_marks`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gradewise.actions.common import (
    COMMENT_LIMIT,
    TEXT_LIMIT,
    bounded,
    find_part,
    find_student,
    why_given,
)
from gradewise.errors import BadInput
from gradewise.model import Exam, ManualMark, Part, PartGrade, Status, Verdict
from gradewise.scoring import counted
from gradewise.store import MarkChange
from gradewise.workspace import Workspace

PROPOSED = "as the machine proposed (partial credit, or its limits)"


@dataclass(frozen=True)
class Target:
    """One answer to mark, and the version the grader saw (None: not checked)."""

    student: str
    version: int | None = None


@dataclass(frozen=True)
class Marked:
    """One answer after a mark: its new version, the mark before and now, the scores."""

    student: str
    version: int
    old: ManualMark | None
    mark: ManualMark | None
    old_score: float | None  # the old mark's score (None: there was none)
    manual_score: float | None
    auto_score: float

    @property
    def score(self) -> float:
        return self.manual_score if self.manual_score is not None else self.auto_score


def mark_answers(
    ws: Workspace,
    address: str,
    changes: Sequence[tuple[Target, ManualMark | None]],
    *,
    who: str,
    why: str,
) -> list[Marked]:
    """Set (or clear, with None) each answer's human mark: checked, versioned, audited."""
    part = find_part(ws, address)
    why = why_given(why)
    if not changes:
        raise BadInput("no answers named", fix="name at least one answer to mark")
    checked = [
        MarkChange(
            find_student(ws, t.student),
            part.address,
            None if m is None else check_mark(ws.exam, part, m),
            t.version,
        )
        for t, m in changes
    ]
    if len({c.student for c in checked}) < len(checked):
        raise BadInput("an answer is named twice", fix="name each answer once")
    olds = ws.store.set_marks(checked, who=who, why=why)
    return [_after(ws, part, c, old) for c, old in zip(checked, olds, strict=True)]


def accept(
    ws: Workspace, address: str, targets: Sequence[Target], *, who: str, why: str
) -> list[Marked]:
    """Record the machine's proposal for each answer as the human's mark, in rubric items."""
    part = find_part(ws, address)
    graded = graded_targets(
        ws, part.address, targets, fix="run 'gradewise grade' first, or give the mark"
    )
    changes = [(target, proposal(part, grade)) for target, grade in graded]
    return mark_answers(ws, part.address, changes, who=who, why=why)


def graded_targets(
    ws: Workspace, address: str, targets: Sequence[Target], *, fix: str
) -> list[tuple[Target, PartGrade]]:
    """Each answer named with its grade; one not graded yet is refused (`fix` says what to do)."""
    grades = {g.student: g for g in ws.grades(address=address)}
    out = []
    for target in targets:
        grade = grades.get(find_student(ws, target.student))
        if grade is None:
            raise BadInput(f"nothing is graded yet for {target.student} {address}", fix=fix)
        out.append((target, grade))
    return out


def proposal(part: Part, grade: PartGrade) -> ManualMark:
    """The machine's grade in items (`proposed_items`), and an adjustment for the rest
    (partial credit, clamping) so the score is the one proposed."""
    items = proposed_items(part, grade)
    total = sum(c.marks for c in part.criteria if c.id in items)
    adjustment = round(grade.auto_score - total, 6)
    return ManualMark(
        items, adjustment, PROPOSED if adjustment else "", by_items=bool(part.criteria)
    )


def proposed_items(part: Part, grade: PartGrade) -> tuple[str, ...]:
    """The criteria the machine proposes whole, in rubric order: met, or a review verdict
    proposing all of the item (a choice named in prose); one per exclusive group."""
    verdicts = {v.criterion: v for v in grade.verdicts}
    return tuple(c.id for c, v in counted(part.criteria, verdicts) if _proposes_all(v))


def _proposes_all(verdict: Verdict) -> bool:
    if verdict.status is Status.MET:
        return verdict.fraction in (0, 1)  # a met verdict with no fraction counts in full
    return verdict.status is Status.NEEDS_REVIEW and verdict.fraction == 1


def plain(score: float | None, *, comment: str = "") -> ManualMark | None:
    """A plain number as a mark: an adjustment with no items (None: no human mark)."""
    if score is None:
        return None
    return ManualMark(adjustment=score, comment=comment)


def check_mark(exam: Exam, part: Part, mark: ManualMark) -> ManualMark:
    """The mark with its texts stripped, or BadInput saying which rule it breaks."""
    _check_items(exam, part, tuple(mark.items))
    reason = bounded(mark.reason, "the reason", TEXT_LIMIT)
    _check_adjustment(part, mark, reason)
    comment = bounded(mark.comment, "the comment", COMMENT_LIMIT)
    items, adjustment = tuple(mark.items), float(mark.adjustment)
    return ManualMark(items, adjustment, reason, comment, by_items=mark.by_items)


def _check_items(exam: Exam, part: Part, items: Sequence[str]) -> None:
    known = {c.id: c for c in part.criteria}
    ids = ", ".join(known) or "none: give a plain mark"
    groups: dict[str, str] = {}
    for i, item in enumerate(items):
        criterion = known.get(item)
        if criterion is None:
            owner = _owner(exam, item)
            where = f"is an item of {owner}, not of" if owner else "is not an item of"
            raise BadInput(f"{item!r} {where} {part.address}", fix=f"use one of: {ids}")
        if item in items[:i]:
            raise BadInput(f"item {item!r} is named twice", fix="name each item once")
        if criterion.group is not None:
            if criterion.group in groups:
                raise BadInput(
                    f"items {groups[criterion.group]!r} and {item!r} are both of the exclusive"
                    f" group {criterion.group!r}: at most one of them applies",
                    fix="keep one of them",
                )
            groups[criterion.group] = item


def _owner(exam: Exam, item: str) -> str | None:
    return next((p.address for p in exam.parts() if any(c.id == item for c in p.rubric)), None)


def _check_adjustment(part: Part, mark: ManualMark, reason: str) -> None:
    value, most = mark.adjustment, part.marks
    if not math.isfinite(value):
        raise BadInput(f"marks {value!r} is not a number", fix="write e.g. 3 or 2.5")
    if not mark.by_items:
        if not 0 <= value <= most:
            raise BadInput(
                f"marks {value:g} is outside 0..{most:g} for {part.address}",
                fix=f"give a number between 0 and {most:g}",
            )
        return
    if abs(value) > most:
        raise BadInput(
            f"the adjustment {value:+g} is more than {part.address}'s {most:g} marks",
            fix=f"adjust by at most ±{most:g}",
        )
    if value and not reason:
        raise BadInput(
            "an adjustment needs a reason the student will read",
            fix="add --reason '...' (or 'reason' on the page)",
        )


def parse_items(text: str) -> tuple[str, ...]:
    """Item ids from 'a,b, c' (blank entries dropped)."""
    return tuple(item.strip() for item in text.split(",") if item.strip())


def parse_number(value: Any, name: str) -> float:
    """A number from a command line or a request: 3, '2.5', '-1'; BadInput otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(f"{name} {value!r} is not a number", fix="write e.g. 3 or 2.5")
    try:
        number = float(value)
    except ValueError:
        raise BadInput(f"{name} {value!r} is not a number", fix="write e.g. 3 or 2.5") from None
    if not math.isfinite(number):
        raise BadInput(f"{name} {value!r} is not a number", fix="write e.g. 3 or 2.5")
    return number


def _after(ws: Workspace, part: Part, change: MarkChange, old: ManualMark | None) -> Marked:
    key = (change.student, change.address)
    grade = ws.grades(*key)[0]
    version = ws.store.versions(*key)[key]
    old_score = None if old is None else old.score(part)
    return Marked(
        change.student, version, old, grade.mark, old_score, grade.manual_score, grade.auto_score
    )
