"""Regrade requests: asked for one answer, listed, and resolved with an answer the student
reads, optionally with a new mark, all in one transaction (the mark version-checked and
audited like any other, the request's answer audited too)."""

from __future__ import annotations

from collections.abc import Callable

from gradewise.actions.common import TEXT_LIMIT, bounded, find_part, find_student
from gradewise.actions.marks import Marked
from gradewise.model import Regrade
from gradewise.store.regrades import Regrades
from gradewise.workspace import Workspace


def ask_regrade(ws: Workspace, student: str, address: str, why: str, *, who: str) -> Regrade:
    """Open a regrade request for `student`'s answer to `address` (one open per answer)."""
    part = find_part(ws, address)
    student = find_student(ws, student)
    why = bounded(why, "the request", TEXT_LIMIT, required=True)
    return Regrades(ws.store).add(student, part.address, why, who=who)


def regrades(
    ws: Workspace, *, student: str | None = None, open_only: bool = False
) -> list[Regrade]:
    """The requests (of `student`; only the open ones), oldest first."""
    found = Regrades(ws.store).all(student=student)
    return [r for r in found if r.open or not open_only]


def resolve_regrade(
    ws: Workspace,
    student: str,
    address: str,
    answer: str,
    *,
    who: str,
    remark: Callable[[str], list[Marked]] | None = None,
) -> tuple[Regrade, Marked | None]:
    """Answer the open request; `remark(why)`, when given, sets the new mark (an action of
    actions.marks) in the same transaction: both are kept, or neither."""
    part = find_part(ws, address)
    student = find_student(ws, student)
    answer = bounded(answer, "the answer", TEXT_LIMIT, required=True)
    store = Regrades(ws.store)
    store.open_one(student, part.address)  # refused before anything is written
    with ws.store.transaction():
        marked = remark(f"regrade: {answer}") if remark is not None else None
        resolved = store.resolve(student, part.address, answer, who=who)
    return resolved, (marked[0] if marked else None)
