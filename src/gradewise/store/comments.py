"""The comment library: comments kept per part, numbered 1, 2, ... within it, each added with
an audit event (`comment.add`, the part's address, no student)."""

from __future__ import annotations

import json

from gradewise.model import LibraryComment
from gradewise.store.db import Store


class Comments:
    """The comment library of one workspace database."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def add(self, address: str, text: str, marks: float | None, *, who: str) -> LibraryComment:
        """Keep a comment for `address` under the next number (audited)."""
        with self.store.transaction() as db:
            row = db.execute(
                "SELECT COALESCE(MAX(number), 0) + 1 FROM comments WHERE address = ?", (address,)
            ).fetchone()
            kept = LibraryComment(address, int(row[0]), text, marks)
            db.execute(
                "INSERT INTO comments (address, number, text, marks) VALUES (?, ?, ?, ?)",
                (address, kept.number, text, marks),
            )
            new = json.dumps({"number": kept.number, "text": text, "marks": marks})
            self.store._event(db, who, "comment.add", "", address, None, new, "comment library")
        return kept

    def of(self, address: str) -> list[LibraryComment]:
        """The part's comments, by number."""
        rows = self.store.db.execute(
            "SELECT address, number, text, marks FROM comments WHERE address = ? ORDER BY number",
            (address,),
        )
        return [LibraryComment(*row) for row in rows]
