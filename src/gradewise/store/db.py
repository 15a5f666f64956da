"""The workspace database: scripts, answers, grades with verdicts, and the audit log.

Auto and manual scores live in separate columns; every human change appends an event in the
same transaction as the change, so the log and the grades never disagree.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gradewise.errors import ConflictError, WorkspaceError
from gradewise.model import Answer, PartGrade, Script, Status, Verdict
from gradewise.store.migrations import migrate


@dataclass(frozen=True)
class ManualMark:
    """One manual score to set (None clears it); `expect`: the version it was based on."""

    student: str
    address: str
    score: float | None
    expect: int | None = None


@dataclass(frozen=True)
class ScriptPage:
    """One page of a scanned script as stored: its image's SHA-256 (`pages/<image>.png` in the
    workspace) and why its text could not be read ("" when it was)."""

    image: str
    error: str = ""


@dataclass(frozen=True)
class Event:
    """One appended audit event: who changed what, when, from what to what, and why."""

    id: int
    at: str
    who: str
    kind: str
    student: str
    address: str
    old: str | None
    new: str | None
    why: str


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def open_store(path: Path) -> Store:
    """Open (creating if needed) a workspace database and bring its schema up to date."""
    try:
        db = sqlite3.connect(path, isolation_level=None, timeout=30)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA foreign_keys=ON")
        migrate(db)
    except sqlite3.DatabaseError as exc:
        raise WorkspaceError(
            f"cannot open the database: {exc}",
            file=str(path),
            fix="check that it is a gradewise.db, or move it away to start afresh",
        ) from exc
    return Store(db)


class Store:
    """Typed access to one workspace database."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self.db = db

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction; inside another, it joins it (the outer one commits)."""
        if self.db.in_transaction:
            yield self.db
            return
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # scripts -----------------------------------------------------------------------------

    def add_script(
        self, script: Script, *, email: str = "", pages: Sequence[ScriptPage] | None = None
    ) -> str:
        """Store a script's raw text; returns 'added', 'updated' or 'unchanged'.

        A name or email left empty keeps the one already stored (adding again without the
        roster must not forget who the students are). `pages`, for a scan, replace its pages
        (image hash, error) in the same transaction; None leaves them as they are.
        """
        digest = text_hash(script.text)
        row = self.db.execute(
            "SELECT text_hash, name, source, email FROM scripts WHERE student = ?",
            (script.student,),
        ).fetchone()
        name = script.name or (row[1] if row else "")
        email = email or (row[3] if row else "")
        same_pages = pages is None or list(pages) == self.pages(script.student)
        if row and tuple(row) == (digest, name, script.source, email) and same_pages:
            return "unchanged"
        with self.transaction() as db:
            db.execute(
                "INSERT INTO scripts (student, name, email, source, text, text_hash, added_at)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(student) DO UPDATE SET"
                " name=excluded.name, email=excluded.email, source=excluded.source,"
                " text=excluded.text, text_hash=excluded.text_hash, added_at=excluded.added_at",
                (script.student, name, email, script.source, script.text, digest, now()),
            )
            if row and row[0] != digest:
                # The text changed: old piece offsets no longer mean anything.
                db.execute("DELETE FROM segment_overrides WHERE student = ?", (script.student,))
            if pages is not None:
                _replace_pages(db, script.student, pages)
        return "updated" if row else "added"

    def pages(self, student: str) -> list[ScriptPage]:
        """A scanned script's pages in order: (image SHA-256, why its text was not read)."""
        rows = self.db.execute(
            "SELECT image, error FROM script_pages WHERE student = ? ORDER BY page", (student,)
        )
        return [ScriptPage(image, error) for image, error in rows]

    def page_errors(self) -> dict[str, list[tuple[int, str]]]:
        """Pages whose text could not be read, by student: (page number, why)."""
        found: dict[str, list[tuple[int, str]]] = {}
        rows = self.db.execute(
            "SELECT student, page, error FROM script_pages WHERE error != '' ORDER BY student, page"
        )
        for student, page, error in rows:
            found.setdefault(student, []).append((page, error))
        return found

    def scripts(self) -> list[Script]:
        rows = self.db.execute("SELECT student, name, source, text FROM scripts ORDER BY student")
        return [Script(*row) for row in rows]

    def script(self, student: str) -> Script | None:
        row = self.db.execute(
            "SELECT student, name, source, text FROM scripts WHERE student = ?", (student,)
        ).fetchone()
        return Script(*row) if row else None

    def names(self) -> dict[str, str]:
        """Each student's name ('' when the roster gave none)."""
        return dict(self.db.execute("SELECT student, name FROM scripts").fetchall())

    def emails(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT student, email FROM scripts").fetchall())

    # answers and segmentation overrides ----------------------------------------------------

    def save_answers(self, student: str, answers: Iterable[Answer]) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM answers WHERE student = ?", (student,))
            db.executemany(
                "INSERT INTO answers (student, address, text, spans, flag) VALUES (?, ?, ?, ?, ?)",
                [(a.student, a.address, a.text, json.dumps(a.spans), a.flag) for a in answers],
            )

    def answers(self, student: str | None = None, address: str | None = None) -> list[Answer]:
        where, args = _filters(student=student or None, address=address)
        rows = self.db.execute(
            f"SELECT student, address, text, spans, flag FROM answers{where}", args
        )
        return [
            Answer(s, a, t, tuple(tuple(span) for span in json.loads(sp)), f)
            for s, a, t, sp, f in rows
        ]

    def overrides(self, student: str) -> dict[int, str]:
        rows = self.db.execute(
            "SELECT piece_start, address FROM segment_overrides WHERE student = ?", (student,)
        )
        return dict(rows.fetchall())

    def set_override(
        self, student: str, start: int, address: str, *, old: str, who: str, why: str
    ) -> None:
        """Move the piece starting at `start` to `address`, recorded as an audit event."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO segment_overrides VALUES (?, ?, ?) ON CONFLICT(student, piece_start)"
                " DO UPDATE SET address = excluded.address",
                (student, start, address),
            )
            self._event(db, who, "segment.assign", student, address, old, f"{start}:{address}", why)

    # grades -------------------------------------------------------------------------------

    def input_hashes(self) -> dict[tuple[str, str], str]:
        rows = self.db.execute("SELECT student, address, input_hash FROM grades")
        return {(s, a): h for s, a, h in rows}

    def save_grades(self, graded: Iterable[tuple[PartGrade, str]]) -> int:
        """Store auto grades and their verdicts in one transaction; manual scores are kept."""
        count = 0
        with self.transaction() as db:
            for grade, input_hash in graded:
                db.execute(
                    "INSERT INTO grades (student, address, auto_score, needs_review, input_hash,"
                    " graded_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(student, address) DO UPDATE"
                    " SET auto_score=excluded.auto_score, needs_review=excluded.needs_review,"
                    " input_hash=excluded.input_hash, graded_at=excluded.graded_at",
                    (
                        grade.student,
                        grade.address,
                        grade.auto_score,
                        int(grade.needs_review),
                        input_hash,
                        now(),
                    ),
                )
                db.execute(
                    "DELETE FROM verdicts WHERE student = ? AND address = ?",
                    (grade.student, grade.address),
                )
                db.executemany(
                    "INSERT INTO verdicts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [_verdict_row(grade, i, v) for i, v in enumerate(grade.verdicts)],
                )
                count += 1
        return count

    def grades(self, student: str | None = None, address: str | None = None) -> list[PartGrade]:
        where, args = _filters(student=student, address=address)
        verdicts: dict[tuple[str, str], list[Verdict]] = {}
        for row in self.db.execute(
            "SELECT student, address, criterion, status, fraction, reason, evidence, span_start,"
            " span_end, confidence, produced_by"
            f" FROM verdicts{where} ORDER BY student, address, position",
            args,
        ):
            verdicts.setdefault((row[0], row[1]), []).append(_verdict(row[2:]))
        rows = self.db.execute(
            "SELECT student, address, auto_score, needs_review, manual_score FROM grades"
            f"{where} ORDER BY student, address",
            args,
        )
        return [
            PartGrade(s, a, auto, tuple(verdicts.get((s, a), ())), bool(review), manual)
            for s, a, auto, review, manual in rows
        ]

    def set_manual(
        self,
        student: str,
        address: str,
        score: float | None,
        *,
        who: str,
        why: str,
        expect: int | None = None,
    ) -> float | None:
        """Set (or clear, with None) the manual score, with an audit event; returns the old.

        `expect`, when given, is the version the change was based on (see `versions`).
        """
        return self.set_manuals([ManualMark(student, address, score, expect)], who=who, why=why)[0]

    def set_manuals(self, marks: Sequence[ManualMark], *, who: str, why: str) -> list[float | None]:
        """Set several manual scores in one transaction, all or none; returns the old ones.

        A mark whose `expect` differs from its answer's current version raises ConflictError
        before anything is written: someone changed that answer since it was read, and their
        change must not be overwritten unseen.
        """
        with self.transaction() as db:
            for mark in marks:
                if mark.expect is not None:
                    self._check_version(db, mark)
            return [self._set_manual(db, mark, who=who, why=why) for mark in marks]

    def _set_manual(
        self, db: sqlite3.Connection, mark: ManualMark, *, who: str, why: str
    ) -> float | None:
        key = (mark.student, mark.address)
        row = db.execute(
            "SELECT manual_score FROM grades WHERE student = ? AND address = ?", key
        ).fetchone()
        if row is None:
            db.execute(
                "INSERT INTO grades (student, address, auto_score, needs_review, input_hash,"
                " graded_at) VALUES (?, ?, 0, 1, '', ?)",
                (*key, now()),
            )
        old = row[0] if row else None
        db.execute(
            "UPDATE grades SET manual_score = ? WHERE student = ? AND address = ?",
            (mark.score, *key),
        )
        self._event(db, who, "grade.set", *key, _num(old), _num(mark.score), why)
        return old

    def _check_version(self, db: sqlite3.Connection, mark: ManualMark) -> None:
        found = _versions(db, mark.student, mark.address).get((mark.student, mark.address), 0)
        if found != mark.expect:
            events = self.events(mark.student, mark.address)
            by = f" by {events[-1].who} at {events[-1].at}" if events else ""
            raise ConflictError(
                f"{mark.student} {mark.address} was changed{by}"
                f" (version {found}, not {mark.expect})",
                fix="reload to see the current mark, then mark again",
                student=mark.student,
                address=mark.address,
            )

    def versions(
        self, student: str | None = None, address: str | None = None
    ) -> dict[tuple[str, str], int]:
        """Each changed answer's version: the id of its latest audit event.

        An answer never changed by hand is missing here and has version 0. Every change appends
        an event, so a version never comes back: comparing it detects any change in between.
        """
        return _versions(self.db, student, address)

    # sentence vectors (the embedding judges' cache) -----------------------------------------

    def load_vectors(self, model: str, keys: Sequence[str]) -> dict[str, bytes]:
        """The stored vectors of those text keys that have one."""
        found: dict[str, bytes] = {}
        for start in range(0, len(keys), 500):  # SQLite's limit on bound parameters
            chunk = list(keys[start : start + 500])
            marks = ", ".join("?" * len(chunk))
            rows = self.db.execute(
                "SELECT text_key, vector FROM embeddings"
                f" WHERE model = ? AND text_key IN ({marks})",
                [model, *chunk],
            )
            found.update((k, bytes(v)) for k, v in rows)
        return found

    def save_vectors(self, model: str, vectors: Mapping[str, bytes]) -> None:
        """Keep vectors by text key (a key already kept is left as it is)."""
        with self.transaction() as db:
            db.executemany(
                "INSERT OR IGNORE INTO embeddings (model, text_key, vector) VALUES (?, ?, ?)",
                [(model, k, v) for k, v in vectors.items()],
            )

    # audit ----------------------------------------------------------------------------------

    def record(
        self,
        kind: str,
        *,
        who: str,
        student: str = "",
        address: str = "",
        old: str | None,
        new: str | None,
        why: str,
    ) -> None:
        """Append one audit event (e.g. a rubric change: no student, the part's address)."""
        with self.transaction() as db:
            self._event(db, who, kind, student, address, old, new, why)

    def events(self, student: str | None = None, address: str | None = None) -> list[Event]:
        where, args = _filters(student=student, address=address)
        rows = self.db.execute(
            "SELECT id, at, who, kind, student, address, old, new, why"
            f" FROM events{where} ORDER BY id",
            args,
        )
        return [Event(*row) for row in rows]

    @staticmethod
    def _event(
        db: sqlite3.Connection,
        who: str,
        kind: str,
        student: str,
        address: str,
        old: str | None,
        new: str | None,
        why: str,
    ) -> None:
        db.execute(
            "INSERT INTO events (at, who, kind, student, address, old, new, why)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now(), who, kind, student, address, old, new, why),
        )


def _replace_pages(db: sqlite3.Connection, student: str, pages: Sequence[ScriptPage]) -> None:
    db.execute("DELETE FROM script_pages WHERE student = ?", (student,))
    db.executemany(
        "INSERT INTO script_pages (student, page, image, error) VALUES (?, ?, ?, ?)",
        [(student, number, p.image, p.error) for number, p in enumerate(pages, 1)],
    )


def _versions(
    db: sqlite3.Connection, student: str | None, address: str | None
) -> dict[tuple[str, str], int]:
    where, args = _filters(student=student, address=address)
    rows = db.execute(
        f"SELECT student, address, MAX(id) FROM events{where} GROUP BY student, address", args
    )
    return {(s, a): v for s, a, v in rows}


def _filters(**columns: str | None) -> tuple[str, list[str]]:
    parts = [(f"{name} = ?", value) for name, value in columns.items() if value is not None]
    if not parts:
        return "", []
    return " WHERE " + " AND ".join(p for p, _ in parts), [v for _, v in parts if v is not None]


def _num(value: float | None) -> str | None:
    return None if value is None else f"{value:g}"


def _verdict_row(grade: PartGrade, position: int, v: Verdict) -> tuple[Any, ...]:
    start, end = v.span if v.span else (None, None)
    return (
        grade.student,
        grade.address,
        position,
        v.criterion,
        str(v.status),
        v.fraction,
        v.reason,
        v.evidence,
        start,
        end,
        v.confidence,
        v.produced_by,
    )


def _verdict(row: Sequence[Any]) -> Verdict:
    criterion, status, fraction, reason, evidence, start, end, confidence, produced_by = row
    span = (int(start), int(end)) if start is not None and end is not None else None
    return Verdict(
        criterion, Status(status), fraction, reason, evidence, span, confidence, produced_by
    )
