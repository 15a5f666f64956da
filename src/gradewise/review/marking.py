"""Manual marks from the review page: one answer or a whole group, version-checked and audited.

A request names each answer by its page key and the version the page showed. The store sets
all the marks in one transaction or none, and refuses when any version has moved on, so two
graders never overwrite each other unseen. Undo is a mark too: it restores the manual score
the page saw before its own last mark (None: back to the automatic score), with its own event.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from gradewise.errors import ConflictError
from gradewise.model import Part
from gradewise.review.bodies import AnswerRef, Mark, Undo
from gradewise.review.errors import BadInput
from gradewise.review.identity import Identities
from gradewise.review.pages import find_part, find_student
from gradewise.store import ManualMark
from gradewise.workspace import Workspace

DEFAULT_WHY = "marked on the review page"
UNDO_WHY = "undone on the review page"


@dataclass(frozen=True)
class Marked:
    """One answer after a mark: what the page needs to update its card and its undo stack."""

    student: str
    version: int
    old: float | None
    manual_score: float | None
    auto_score: float

    @property
    def score(self) -> float:
        return self.manual_score if self.manual_score is not None else self.auto_score


def mark(ws: Workspace, ids: Identities, address: str, body: Mark, *, who: str) -> list[Marked]:
    """Set one score for every answer in `body.answers`."""
    part = find_part(ws, address)
    score = check_score(body.score, part)
    targets = [(_student(ws, ids, a), a.version, score) for a in body.answers]
    return _apply(ws, ids, part, targets, who=who, why=body.why.strip() or DEFAULT_WHY)


def undo(ws: Workspace, ids: Identities, address: str, body: Undo, *, who: str) -> list[Marked]:
    """Restore each answer's earlier manual score."""
    part = find_part(ws, address)
    targets = [(_student(ws, ids, a), a.version, check_score(a.score, part)) for a in body.answers]
    return _apply(ws, ids, part, targets, who=who, why=UNDO_WHY)


def check_score(score: float | None, part: Part) -> float | None:
    """A score from a request, when it is in [0, the part's marks] (None: the automatic one)."""
    if score is not None and not (math.isfinite(score) and 0 <= score <= part.marks):
        raise BadInput(
            f"score {score:g} is outside 0..{part.marks:g} for {part.address}",
            fix=f"give a number between 0 and {part.marks:g}",
        )
    return score


def _student(ws: Workspace, ids: Identities, answer: AnswerRef) -> str:
    return find_student(ws, ids, answer.student.strip())


def _apply(
    ws: Workspace,
    ids: Identities,
    part: Part,
    targets: Sequence[tuple[str, int, float | None]],
    *,
    who: str,
    why: str,
) -> list[Marked]:
    marks = [ManualMark(s, part.address, score, version) for s, version, score in targets]
    if len({m.student for m in marks}) < len(marks):
        raise BadInput("an answer is named twice", fix="name each answer once")
    try:
        olds = ws.store.set_manuals(marks, who=who, why=why)
    except ConflictError as exc:
        # Told again in the page's words: an anonymous page must not name the student.
        raise ConflictError(
            f"{ids.label(exc.student)}'s mark for {part.address} was changed by someone else"
            " since this page was loaded; nothing was saved",
            fix="reload the page to see the current marks",
            student=ids.key(exc.student),
            address=exc.address,
        ) from None
    return [_after(ws, ids, m, old) for m, old in zip(marks, olds, strict=True)]


def _after(ws: Workspace, ids: Identities, mark: ManualMark, old: float | None) -> Marked:
    grade = ws.grades(mark.student, mark.address)[0]
    version = ws.store.versions(mark.student, mark.address)[(mark.student, mark.address)]
    return Marked(ids.key(mark.student), version, old, grade.manual_score, grade.auto_score)
