"""Marks from the review page: the request read into an action's arguments, and back.

A request names each answer by its page key and the version the page showed; the rules
(items, adjustment, versions, all or nothing) are `gradewise.actions`'s. A mark is rubric items
(`items`, with `adjust`, `reason`, `comment`) or a plain `score` ('auto' or null clears it).
Undo is a mark too: it restores the mark the page saw before its own last one, with its own event.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, replace
from typing import Any

from gradewise import actions
from gradewise.actions import Marked, Target
from gradewise.errors import ConflictError
from gradewise.model import ManualMark
from gradewise.review.errors import BadInput
from gradewise.review.identity import Identities
from gradewise.review.pages import find_student
from gradewise.workspace import Workspace

DEFAULT_WHY = "marked on the review page"
ACCEPT_WHY = "accepted the proposal on the review page"
UNDO_WHY = "undone on the review page"


def mark(
    ws: Workspace, ids: Identities, address: str, payload: Mapping[str, Any], *, who: str
) -> list[Marked]:
    """Set one mark for every answer in `payload["answers"]` ({student, version} each)."""
    given = parse_mark(payload)
    why = _text(payload.get("why")) or DEFAULT_WHY
    changes = [(_target(ws, ids, item), given) for item in _answers(payload)]
    return _told(ids, address, lambda: actions.mark_answers(ws, address, changes, who=who, why=why))


def accept(
    ws: Workspace, ids: Identities, address: str, payload: Mapping[str, Any], *, who: str
) -> list[Marked]:
    """Record the machine's proposal, in rubric items, for every answer named."""
    targets = [_target(ws, ids, item) for item in _answers(payload)]
    why = _text(payload.get("why")) or ACCEPT_WHY
    return _told(ids, address, lambda: actions.accept(ws, address, targets, who=who, why=why))


def undo(
    ws: Workspace, ids: Identities, address: str, payload: Mapping[str, Any], *, who: str
) -> list[Marked]:
    """Restore each answer's earlier mark ({student, version, mark} each; mark null: none)."""
    changes = [
        (_target(ws, ids, item), _mark_object(item.get("mark"))) for item in _answers(payload)
    ]
    return _told(
        ids, address, lambda: actions.mark_answers(ws, address, changes, who=who, why=UNDO_WHY)
    )


def parse_mark(payload: Mapping[str, Any]) -> ManualMark | None:
    """The mark a request sends: `items` (+ `adjust`, `reason`, `comment`) or a plain `score`."""
    comment = _string(payload.get("comment"), "comment")
    if "items" not in payload:
        score = payload.get("score")
        if score is None or (isinstance(score, str) and score.strip().lower() == "auto"):
            return None
        return actions.plain(actions.parse_number(score, "score"), comment=comment)
    items = payload.get("items")
    if not isinstance(items, list) or not all(isinstance(i, str) for i in items):
        raise BadInput("items must be a list of item ids", fix='send e.g. "items": ["a", "b"]')
    adjust = payload.get("adjust")
    adjustment = 0.0 if adjust in (None, "") else actions.parse_number(adjust, "adjust")
    return ManualMark(tuple(items), adjustment, _string(payload.get("reason"), "reason"), comment)


def _mark_object(value: Any) -> ManualMark | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise BadInput("a mark must be an object or null", fix="send the mark the reply gave")
    fields = {"items": value.get("items", []), "adjust": value.get("adjustment")}
    return parse_mark({**fields, "reason": value.get("reason"), "comment": value.get("comment")})


def as_json(marked: Marked) -> dict[str, Any]:
    """One marked answer as the page reads it."""
    return {**asdict(marked), "score": marked.score}


def _told(ids: Identities, address: str, act: Callable[[], list[Marked]]) -> list[Marked]:
    """Run `act`, a conflict told again in the page's words (an anonymous page must not name
    the student), and the answers named by their page keys."""
    try:
        done = act()
    except ConflictError as exc:
        raise ConflictError(
            f"{ids.label(exc.student)}'s mark for {address} was changed by someone else"
            " since this page was loaded; nothing was saved",
            fix="reload the page to see the current marks",
            student=ids.key(exc.student),
            address=exc.address,
        ) from None
    return [replace(m, student=ids.key(m.student)) for m in done]


def _answers(payload: Mapping[str, Any]) -> Sequence[Mapping[str, Any]]:
    answers = payload.get("answers")
    if not isinstance(answers, list) or not answers:
        raise BadInput("no answers named", fix='send "answers": [{"student": ..., "version": ...}]')
    if not all(isinstance(a, dict) for a in answers):
        raise BadInput("each answer must be an object", fix='{"student": ..., "version": ...}')
    return answers


def _target(ws: Workspace, ids: Identities, item: Mapping[str, Any]) -> Target:
    student = find_student(ws, ids, _text(item.get("student")))
    version = item.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 0:
        raise BadInput(
            f"version {version!r} is not a version number",
            fix="send the data-version the page showed for the answer",
        )
    return Target(student, version)


def _string(value: Any, name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise BadInput(f"{name} must be text", fix=f'send "{name}": "..."')
    return value


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""
