"""The comment library: comments kept per part and given to answers as part of their mark.

A comment is added once (`add_comment`) and given to any answer of its part (`give_comment`):
the answer's mark (or, with none yet, the machine's proposal in items) gets the comment's text
for the student; a comment carrying marks moves the mark's adjustment by them instead, with its
text as the adjustment's reason, so the student reads why. Giving it is a mark like any other:
version-checked, audited, all answers or none.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

from gradewise.actions.common import COMMENT_LIMIT, TEXT_LIMIT, bounded, find_part
from gradewise.actions.marks import Marked, Target, graded_targets, mark_answers, proposal
from gradewise.errors import BadInput, NotFound
from gradewise.model import LibraryComment, ManualMark, Part, PartGrade
from gradewise.store.comments import Comments
from gradewise.workspace import Workspace


def add_comment(
    ws: Workspace, address: str, text: str, *, marks: float | None = None, who: str
) -> LibraryComment:
    """Keep `text` in `address`'s library (with `marks` it carries: + adds, - deducts)."""
    part = find_part(ws, address)
    if not text.strip():
        raise BadInput("the comment is empty", fix="write what the student should read")
    text = bounded(text, "the comment", COMMENT_LIMIT if marks is None else TEXT_LIMIT)
    if marks is not None:
        _check_marks(part, marks)
    return Comments(ws.store).add(part.address, text, marks, who=who)


def comments(ws: Workspace, address: str) -> list[LibraryComment]:
    """The comments kept for `address`, by number."""
    return Comments(ws.store).of(find_part(ws, address).address)


def find_comment(ws: Workspace, address: str, number: int) -> LibraryComment:
    """Comment `number` of `address`'s library, or NotFound naming those there are."""
    kept = comments(ws, address)
    for comment in kept:
        if comment.number == number:
            return comment
    there = ", ".join(str(c.number) for c in kept) or "none yet"
    raise NotFound(
        f"{address} has no comment {number} (it has: {there})",
        fix=f"see 'gradewise comments list {address}', or add one with 'gradewise comments add'",
    )


def give_comment(
    ws: Workspace, address: str, number: int, targets: Sequence[Target], *, who: str, why: str = ""
) -> list[Marked]:
    """Give comment `number` to each answer named, as part of its mark (see the module)."""
    part = find_part(ws, address)
    address = part.address
    comment = find_comment(ws, address, number)
    graded = graded_targets(ws, address, targets, fix="run 'gradewise grade' first")
    changes = [(target, with_comment(part, grade, comment)) for target, grade in graded]
    why = why.strip() or f"comment {number} from the library"
    return mark_answers(ws, address, changes, who=who, why=why)


def with_comment(part: Part, grade: PartGrade, comment: LibraryComment) -> ManualMark:
    """The answer's mark (or the proposal) with `comment` given; refused if given already."""
    base = grade.mark or proposal(part, grade)
    if comment.marks is None:
        if comment.text in base.comment:
            raise _given(grade, comment)
        return replace(base, comment=_joined(base.comment, comment.text, "\n\n"))
    if comment.text in base.reason:
        raise _given(grade, comment)
    reason = _joined(base.reason, comment.text, "; ")
    moved = base.adjustment + comment.marks
    if not base.by_items and not 0 <= moved <= part.marks:  # a plain mark is the score itself
        raise BadInput(
            f"comment {comment.number} ({comment.marks:+g}) would take {grade.student}'s mark"
            f" for {part.address} from {base.adjustment:g} to {moved:g}, outside 0..{part.marks:g}",
            fix="mark the answer by items first, or give a comment without marks",
        )
    return replace(base, adjustment=moved, reason=reason)


def _joined(before: str, added: str, between: str) -> str:
    return f"{before}{between}{added}" if before else added


def _given(grade: PartGrade, comment: LibraryComment) -> BadInput:
    return BadInput(
        f"{grade.student} already has comment {comment.number} for {grade.address}",
        fix="give each comment once",
    )


def _check_marks(part: Part, marks: float) -> None:
    if not math.isfinite(marks) or marks == 0 or abs(marks) > part.marks:
        raise BadInput(
            f"a comment's marks {marks:g} must be other than 0 and within ±{part.marks:g}",
            fix="give e.g. --marks -1 for a deduction, or no --marks for words only",
        )
