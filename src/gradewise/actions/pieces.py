"""Moving a piece of a script to another part: a segmentation override, audited.

The script is split again with the move, and that student's answers that changed are graded
again at once (free text with no judge: it waits for a human, like any answer no judge has
seen). A move is version-checked against the student's last move, so two graders never undo
each other's unseen; a hand mark on a part whose answer changed stays, and is named.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from gradewise import grading
from gradewise.actions.common import find_part, find_student, why_given
from gradewise.errors import BadInput, ConflictError, NotFound
from gradewise.model import Answer, PartGrade
from gradewise.scripts.segment import Piece
from gradewise.workspace import Workspace

MOVE = "segment.assign"  # the audit kind Store.set_override records


@dataclass(frozen=True)
class Moved:
    """After a move: where from, the new version, and the parts whose answer changed."""

    source: str | None
    target: str
    version: int
    regraded: tuple[str, ...]
    kept_manual: tuple[str, ...]

    @property
    def message(self) -> str:
        parts = ", ".join(self.regraded) or "none"
        note = f"; {', '.join(self.kept_manual)} kept a manual mark: check it"
        return (
            f"Moved from {self.source or 'nowhere'} to {self.target}; graded again: {parts}"
            f"{note if self.kept_manual else ''}"
        )


def move_version(ws: Workspace, student: str) -> int:
    """The id of the student's last move (0: never moved); a move must name the one it saw."""
    moves = [e.id for e in ws.store.events(student=student) if e.kind == MOVE]
    return max(moves, default=0)


def piece_start(ws: Workspace, student: str, number: int) -> int:
    """Where piece `number` (1, 2, ... as 'gradewise scripts show' counts) starts."""
    pieces = ws.segmentation(find_student(ws, student)).pieces
    if not 1 <= number <= len(pieces):
        raise BadInput(
            f"{student} has pieces 1..{len(pieces)}, not {number}",
            fix=f"see 'gradewise scripts show {student}'",
        )
    return pieces[number - 1].start


def move_piece(
    ws: Workspace,
    student: str,
    start: int,
    address: str,
    *,
    who: str,
    why: str,
    expect: int | None = None,
) -> Moved:
    """Move the piece of `student`'s script starting at `start` to part `address`."""
    target = find_part(ws, address).address
    why = why_given(why)
    with ws.store.transaction():  # the check, the move and the grades: all or nothing
        if expect is not None and move_version(ws, find_student(ws, student)) != expect:
            raise ConflictError(
                f"{student}'s script was changed by someone else since it was read;"
                " nothing was moved",
                fix="reload to see the current pieces",
                student=student,
                address="",
            )
        piece = _find_piece(ws, student, start)
        if piece.address == target:
            raise BadInput(f"that piece is in {target} already", fix="choose another part")
        before = {a.address: a for a in ws.store.answers(student=student)}
        ws.store.set_override(student, start, target, old=piece.address or "", who=who, why=why)
        regraded = _regrade(ws, _resegment(ws, student, before))
    kept = tuple(g.address for g in regraded if g.manual_score is not None)
    addresses = tuple(g.address for g in regraded)
    return Moved(piece.address, target, move_version(ws, student), addresses, kept)


def _find_piece(ws: Workspace, student: str, start: int) -> Piece:
    for piece in ws.segmentation(find_student(ws, student)).pieces:
        if piece.start == start:
            return piece
    raise NotFound(f"no piece starts at {start} in this script", fix="reload the page")


def _resegment(ws: Workspace, student: str, before: Mapping[str, Answer]) -> list[Answer]:
    answers = ws.segmentation(student).answers(student)
    ws.store.save_answers(student, answers)
    return [a for a in answers if before.get(a.address) != a]


def _regrade(ws: Workspace, answers: Sequence[Answer]) -> list[PartGrade]:
    jobs = grading.plan(ws.exam, answers)
    graded: list[PartGrade] = []
    for chunk in grading.run(jobs):
        ws.store.save_grades(chunk)
        graded += [g for g, _ in chunk]
    return [ws.grades(g.student, g.address)[0] for g in graded]  # with their manual marks
