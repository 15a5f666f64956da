"""Manual marks from the review page: one answer or a whole group, version-checked and audited.

A request names each answer by its page key and the version the page showed. The store sets
all the marks in one transaction or none, and refuses when any version has moved on, so two
graders never overwrite each other unseen. Undo is a mark too: it restores the manual score
the page saw before its own last mark (None: back to the automatic score), with its own event.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gradewise.errors import ConflictError
from gradewise.model import Part
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


def mark(
    ws: Workspace, ids: Identities, address: str, payload: Mapping[str, Any], *, who: str
) -> list[Marked]:
    """Set one score for every answer in `payload["answers"]` ({student, version} each)."""
    part = find_part(ws, address)
    score = parse_score(payload.get("score", ""), part)
    why = _text(payload.get("why")) or DEFAULT_WHY
    targets = [(*_target(ws, ids, item), score) for item in _answers(payload)]
    return _apply(ws, ids, part, targets, who=who, why=why)


def undo(
    ws: Workspace, ids: Identities, address: str, payload: Mapping[str, Any], *, who: str
) -> list[Marked]:
    """Restore each answer's earlier manual score ({student, version, score} each)."""
    part = find_part(ws, address)
    targets = [
        (*_target(ws, ids, item), parse_score(item.get("score"), part))
        for item in _answers(payload)
    ]
    return _apply(ws, ids, part, targets, who=who, why=UNDO_WHY)


def parse_score(value: Any, part: Part) -> float | None:
    """A score from a request: a number in [0, the part's marks]; None or 'auto' clears it."""
    if value is None or (isinstance(value, str) and value.strip().lower() == "auto"):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise BadInput(f"score {value!r} is not a number", fix="send e.g. 3 or 2.5, or 'auto'")
    try:
        score = float(value)
    except ValueError:
        raise BadInput(
            f"score {value!r} is not a number", fix="send e.g. 3 or 2.5, or 'auto'"
        ) from None
    if not math.isfinite(score) or not 0 <= score <= part.marks:
        raise BadInput(
            f"score {value!r} is outside 0..{part.marks:g} for {part.address}",
            fix=f"give a number between 0 and {part.marks:g}",
        )
    return score


def _answers(payload: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    answers = payload.get("answers")
    if not isinstance(answers, list) or not answers:
        raise BadInput("no answers named", fix='send "answers": [{"student": ..., "version": ...}]')
    if not all(isinstance(a, dict) for a in answers):
        raise BadInput("each answer must be an object", fix='{"student": ..., "version": ...}')
    return answers


def _target(ws: Workspace, ids: Identities, item: Mapping[str, Any]) -> tuple[str, int]:
    student = find_student(ws, ids, _text(item.get("student")))
    version = item.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise BadInput(
            f"version {version!r} is not a version number",
            fix="send the data-version the page showed for the answer",
        )
    return student, version


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


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
