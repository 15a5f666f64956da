"""Marks from the review page: the request read into an action's arguments, and back.

A request names each answer by its page key and the version the page showed; the rules
(items, adjustment, versions, all or nothing) are `gradewise.actions`'s. A mark is rubric items
(`items`, with `adjust`, `reason`, `comment`) or a plain `score` ('auto' or null clears it).
Undo is a mark too: it restores the mark the page saw before its own last one, with its own event.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, replace
from typing import Any

from gradewise import actions
from gradewise.actions import Marked, Target
from gradewise.errors import ConflictError
from gradewise.model import ManualMark
from gradewise.review.bodies import Accept, AnswerRef, GiveComment, Given, Mark, Undo
from gradewise.review.identity import Identities
from gradewise.review.pages import find_student
from gradewise.workspace import Workspace

DEFAULT_WHY = "marked on the review page"
ACCEPT_WHY = "accepted the proposal on the review page"
UNDO_WHY = "undone on the review page"


def mark(ws: Workspace, ids: Identities, address: str, body: Mark, *, who: str) -> list[Marked]:
    """Set one mark for every answer in `body.answers`."""
    given = parse_mark(body)
    why = body.why.strip() or DEFAULT_WHY
    changes = [(_target(ws, ids, a), given) for a in body.answers]
    return told(ids, address, lambda: actions.mark_answers(ws, address, changes, who=who, why=why))


def accept(ws: Workspace, ids: Identities, address: str, body: Accept, *, who: str) -> list[Marked]:
    """Record the machine's proposal, in rubric items, for every answer named."""
    targets = [_target(ws, ids, a) for a in body.answers]
    why = body.why.strip() or ACCEPT_WHY
    return told(ids, address, lambda: actions.accept(ws, address, targets, who=who, why=why))


def give_comment(
    ws: Workspace, ids: Identities, address: str, body: GiveComment, *, who: str
) -> list[Marked]:
    """Give comment `body.number` of the part's library to every answer named."""
    targets = [_target(ws, ids, a) for a in body.answers]
    number, why = body.number, body.why
    return told(
        ids, address, lambda: actions.give_comment(ws, address, number, targets, who=who, why=why)
    )


def undo(ws: Workspace, ids: Identities, address: str, body: Undo, *, who: str) -> list[Marked]:
    """Restore each answer's earlier mark (null: none)."""
    changes = [(_target(ws, ids, a), _restored(a.mark)) for a in body.answers]
    return told(
        ids, address, lambda: actions.mark_answers(ws, address, changes, who=who, why=UNDO_WHY)
    )


def parse_mark(body: Mark) -> ManualMark | None:
    """The mark a request sends: `items` (+ `adjust`, `reason`, `comment`) or a plain `score`."""
    if body.items is None:
        return actions.plain(body.score, comment=body.comment)
    return ManualMark(tuple(body.items), body.adjust, body.reason, body.comment, by_items=True)


def _restored(given: Given | None) -> ManualMark | None:
    if given is None:
        return None
    return ManualMark(
        tuple(given.items), given.adjustment, given.reason, given.comment, given.by_items
    )


def as_json(marked: Marked) -> dict[str, Any]:
    """One marked answer as the page reads it."""
    return {**asdict(marked), "score": marked.score}


def told(ids: Identities, address: str, act: Callable[[], list[Marked]]) -> list[Marked]:
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


def _target(ws: Workspace, ids: Identities, answer: AnswerRef) -> Target:
    return Target(find_student(ws, ids, answer.student.strip()), answer.version)
