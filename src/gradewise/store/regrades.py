"""Regrade requests: at most one open per answer, each asked and answered with an audit event
(`regrade.add`, `regrade.resolve`) in the same transaction."""

from __future__ import annotations

import sqlite3

from gradewise.errors import BadInput
from gradewise.model import Regrade
from gradewise.store.db import Store, now

_COLUMNS = (
    "student, address, why, asked_by, asked_at, answer,"
    " COALESCE(answered_by, ''), COALESCE(answered_at, '')"
)


class Regrades:
    """The regrade requests of one workspace database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, student: str, address: str, why: str, *, who: str) -> Regrade:
        """Open a request (audited); BadInput if one is open for the answer already."""
        at = now()
        try:
            with self.store.transaction() as db:
                db.execute(
                    "INSERT INTO regrades (student, address, why, asked_by, asked_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (student, address, why, who, at),
                )
                self.store._event(db, who, "regrade.add", student, address, None, why, why)
        except sqlite3.IntegrityError:  # the partial unique index: one open per answer
            raise BadInput(
                f"{student} {address} has a regrade request open already",
                fix=f"resolve it first: gradewise regrade resolve {student} {address} --why ...",
            ) from None
        return Regrade(student, address, why, who, at)

    def resolve(
        self,
        student: str,
        address: str,
        answer: str,
        *,
        who: str,
        kind: str = "regrade.resolve",
        why: str = "",
    ) -> Regrade:
        """Answer the open request (audited as `kind`, with `why` or else the answer; joins a
        transaction already begun)."""
        at = now()
        with self.store.transaction() as db:  # taken first: two graders cannot both answer it
            found = self.open_one(student, address)
            db.execute(
                "UPDATE regrades SET answer = ?, answered_by = ?, answered_at = ?"
                " WHERE student = ? AND address = ? AND answer IS NULL",
                (answer, who, at, student, address),
            )
            self.store._event(db, who, kind, student, address, found.why, answer, why or answer)
        return Regrade(student, address, found.why, found.asked_by, found.asked_at, answer, who, at)

    def open_one(self, student: str, address: str) -> Regrade:
        """The open request for the answer, or BadInput."""
        found = [r for r in self.all(student=student) if r.address == address and r.open]
        if not found:
            raise BadInput(
                f"{student} {address} has no open regrade request",
                fix="see 'gradewise regrade list'",
            )
        return found[0]

    def all(self, *, student: str | None = None) -> list[Regrade]:
        """Every request (of `student`), oldest first."""
        where, args = ("", ()) if student is None else (" WHERE student = ?", (student,))
        rows = self.store.db.execute(f"SELECT {_COLUMNS} FROM regrades{where} ORDER BY id", args)
        return [Regrade(*row) for row in rows]
