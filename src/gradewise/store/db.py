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
from gradewise.model import (
    Answer,
    Event,
    Exam,
    ManualMark,
    Part,
    PartGrade,
    Script,
    Status,
    Verdict,
)
from gradewise.store.migrations import migrate

# The audit kind of a human's move of a piece that a new version of the script undid.
MOVE_DROPPED = "segment.move dropped"


@dataclass(frozen=True)
class MarkChange:
    """One human mark to set (None clears it); `expect`: the answer's version it was based on."""

    student: str
    address: str
    mark: ManualMark | None
    expect: int | None = None


@dataclass(frozen=True)
class ScriptPage:
    """One page of a scanned script as stored: its image's SHA-256 (`pages/<image>.png` in the
    workspace) and why its text could not be read ("" when it was)."""

    image: str
    error: str = ""


@dataclass(frozen=True)
class ScriptRegion:
    """A part's answer on a scan cut by the exam's template: its text's span in the script
    (start == end: nothing written), its crop's image SHA-256 and why a human must look."""

    address: str
    start: int
    end: int
    image: str
    flag: str = ""


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
        self,
        script: Script,
        *,
        email: str = "",
        pages: Sequence[ScriptPage] | None = None,
        regions: Sequence[ScriptRegion] = (),
        moves: Mapping[int, str] | None = None,
        dropped: Sequence[tuple[str, str]] = (),
        who: str = "",
    ) -> str:
        """Store a script's raw text; returns 'added', 'updated' or 'unchanged'.

        A name or email left empty keeps the one already stored (adding again without the
        roster must not forget who the students are). `pages`, for a scan, replace its pages
        (image hash, error) in the same transaction, and with them its `regions` (a scan cut
        by the exam's template); None leaves both as they are. `moves`, when given, replace the
        human moves of its pieces (piece start → part): those of a re-cut scan's boxes, carried
        to where the boxes lie now (`dropped`: the moves of boxes not cut again, as (part cut
        for, part moved to)); otherwise a changed text drops them. Every move dropped is an
        audit event (`MOVE_DROPPED`, by `who`), never a silent loss of a human's work.
        """
        digest = text_hash(script.text)
        row = self.db.execute(
            "SELECT text_hash, name, source, email FROM scripts WHERE student = ?",
            (script.student,),
        ).fetchone()
        name = script.name or (row[1] if row else "")
        email = email or (row[3] if row else "")
        same_pages = pages is None or (
            list(pages) == self.pages(script.student)
            and list(regions) == self.regions(script.student)
        )
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
            if moves is not None or (row and row[0] != digest):
                # The text changed: old piece offsets no longer mean anything.
                lost = [
                    (
                        f"the box of {source} moved to {target}",
                        target,
                        "the re-cut scan has no text in that box",
                    )
                    for source, target in dropped
                ]
                if moves is None:
                    lost = [
                        (
                            f"the piece at character {start} moved to {target}",
                            target,
                            "the script's text changed, so its pieces were cut anew",
                        )
                        for start, target in sorted(self.overrides(script.student).items())
                    ]
                for old, target, why in lost:
                    self._event(db, who, MOVE_DROPPED, script.student, target, old, None, why)
                db.execute("DELETE FROM segment_overrides WHERE student = ?", (script.student,))
            db.executemany(
                "INSERT INTO segment_overrides VALUES (?, ?, ?)",
                [(script.student, start, address) for start, address in (moves or {}).items()],
            )
            if pages is not None:
                _replace_pages(db, script.student, pages, regions)
        return "updated" if row else "added"

    def pages(self, student: str) -> list[ScriptPage]:
        """A scanned script's pages in order: (image SHA-256, why its text was not read)."""
        rows = self.db.execute(
            "SELECT image, error FROM script_pages WHERE student = ? ORDER BY page", (student,)
        )
        return [ScriptPage(image, error) for image, error in rows]

    def regions(self, student: str) -> list[ScriptRegion]:
        """The parts' answers of a scan cut by the exam's template (none for other scripts)."""
        rows = self.db.execute(
            "SELECT address, start, end, image, flag FROM script_regions WHERE student = ?"
            " ORDER BY start, address",
            (student,),
        )
        return [ScriptRegion(*row) for row in rows]

    def cut_parts(self) -> dict[str, int]:
        """How many scripts have an answer box cut for each part address (stored, any)."""
        rows = self.db.execute("SELECT address, COUNT(*) FROM script_regions GROUP BY address")
        return dict(rows.fetchall())

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

    def grades(
        self, student: str | None = None, address: str | None = None, *, exam: Exam
    ) -> list[PartGrade]:
        """The stored grades, each human mark scored by `exam`'s current rubric items."""
        where, args = _filters(student=student, address=address)
        verdicts: dict[tuple[str, str], list[Verdict]] = {}
        for row in self.db.execute(
            "SELECT student, address, criterion, status, fraction, reason, evidence, span_start,"
            " span_end, confidence, produced_by"
            f" FROM verdicts{where} ORDER BY student, address, position",
            args,
        ):
            verdicts.setdefault((row[0], row[1]), []).append(_verdict(row[2:]))
        marks = self.marks(student, address)
        parts = {p.address: p for p in exam.parts()}
        rows = self.db.execute(
            f"SELECT student, address, auto_score, needs_review FROM grades{where}"
            " ORDER BY student, address",
            args,
        )
        return [
            _grade(
                s,
                a,
                auto,
                bool(review),
                tuple(verdicts.get((s, a), ())),
                marks.get((s, a)),
                parts.get(a),
            )
            for s, a, auto, review in rows
        ]

    def marks(
        self, student: str | None = None, address: str | None = None
    ) -> dict[tuple[str, str], ManualMark]:
        """The human marks, by (student, part)."""
        where, args = _filters(student=student, address=address)
        rows = self.db.execute(
            "SELECT student, address, items, adjustment, reason, comment, by_items"
            f" FROM marks{where}",
            args,
        )
        return {
            (s, a): ManualMark(tuple(json.loads(items)), adjustment, reason, comment, bool(by))
            for s, a, items, adjustment, reason, comment, by in rows
        }

    def set_marks(
        self, changes: Sequence[MarkChange], *, who: str, why: str
    ) -> list[ManualMark | None]:
        """Set several human marks in one transaction, all or none; returns the old ones.

        A change whose `expect` differs from its answer's current version raises ConflictError
        before anything is written: someone changed that answer since it was read, and their
        change must not be overwritten unseen.
        """
        with self.transaction() as db:
            for change in changes:
                if change.expect is not None:
                    self._check_version(db, change)
            return [self._set_mark(db, change, who=who, why=why) for change in changes]

    def _set_mark(
        self, db: sqlite3.Connection, change: MarkChange, *, who: str, why: str
    ) -> ManualMark | None:
        key = (change.student, change.address)
        if db.execute("SELECT 1 FROM grades WHERE student = ? AND address = ?", key).fetchone():
            old = self.marks(*key).get(key)
        else:  # marked before any grading: an empty automatic grade holds the mark
            db.execute(
                "INSERT INTO grades (student, address, auto_score, needs_review, input_hash,"
                " graded_at) VALUES (?, ?, 0, 1, '', ?)",
                (*key, now()),
            )
            old = None
        db.execute("DELETE FROM marks WHERE student = ? AND address = ?", key)
        mark = change.mark
        if mark is not None:
            db.execute(
                "INSERT INTO marks (student, address, items, adjustment, reason, comment, by_items)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    *key,
                    json.dumps(list(mark.items)),
                    mark.adjustment,
                    mark.reason,
                    mark.comment,
                    int(mark.by_items),
                ),
            )
        self._event(db, who, "grade.set", *key, mark_text(old), mark_text(mark), why)
        return old

    def _check_version(self, db: sqlite3.Connection, change: MarkChange) -> None:
        key = (change.student, change.address)
        found = _versions(db, *key).get(key, 0)
        if found != change.expect:
            events = self.events(*key)
            by = f" by {events[-1].who} at {events[-1].at}" if events else ""
            raise ConflictError(
                f"{change.student} {change.address} was changed{by}"
                f" (version {found}, not {change.expect})",
                fix="reload to see the current mark, then mark again",
                student=change.student,
                address=change.address,
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


def _replace_pages(
    db: sqlite3.Connection,
    student: str,
    pages: Sequence[ScriptPage],
    regions: Sequence[ScriptRegion],
) -> None:
    db.execute("DELETE FROM script_pages WHERE student = ?", (student,))
    db.executemany(
        "INSERT INTO script_pages (student, page, image, error) VALUES (?, ?, ?, ?)",
        [(student, number, p.image, p.error) for number, p in enumerate(pages, 1)],
    )
    db.execute("DELETE FROM script_regions WHERE student = ?", (student,))
    db.executemany(
        "INSERT INTO script_regions (student, address, start, end, image, flag)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        [(student, r.address, r.start, r.end, r.image, r.flag) for r in regions],
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


def mark_text(mark: ManualMark | None) -> str | None:
    """A mark as its audit event keeps it: JSON of what is set (None: no human mark)."""
    if mark is None:
        return None
    adjustment = float(mark.adjustment)
    fields = {
        "items": list(mark.items),
        "adjustment": int(adjustment) if adjustment.is_integer() else adjustment,
        "reason": mark.reason,
        "comment": mark.comment,
    }
    # A plain mark always says its number, 0 included; a mark by items its items, none included.
    kept = {
        k: v
        for k, v in fields.items()
        if v or (k == "adjustment" and not mark.by_items) or (k == "items" and mark.by_items)
    }
    return json.dumps(kept, ensure_ascii=False)


def _grade(
    student: str,
    address: str,
    auto: float,
    review: bool,
    verdicts: tuple[Verdict, ...],
    mark: ManualMark | None,
    part: Part | None,
) -> PartGrade:
    if mark is None:
        manual = None
    elif part is None:  # a part no longer in the exam: its items are gone, the adjustment stays
        manual = max(0.0, mark.adjustment)
    else:
        manual = mark.score(part)
    return PartGrade(student, address, auto, verdicts, review, manual, mark)


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
