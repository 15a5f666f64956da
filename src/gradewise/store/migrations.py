"""Numbered, forward-only migrations, run on open. Never edit one that has landed; add the next."""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime

Migration = Callable[[sqlite3.Connection], None]


def _run(db: sqlite3.Connection, sql: str) -> None:
    """Run a script's statements one by one, inside the caller's transaction.

    Not `executescript`, which commits first and would split a migration from its version
    record. A statement ends at a `;` that SQLite's own tokenizer (`complete_statement`) says
    ends one, so a `;` inside a string, a comment or a trigger body does not.
    """
    statement = ""
    for piece in sql.split(";"):
        statement += piece + ";"
        if sqlite3.complete_statement(statement):
            db.execute(statement)
            statement = ""
    rest = statement[:-1]  # the `;` added after the last piece
    if rest.strip():
        db.execute(rest)  # a last statement without `;`, or whatever SQLite makes of the rest


def m001_initial(db: sqlite3.Connection) -> None:
    _run(
        db,
        """
        CREATE TABLE scripts (
            student TEXT PRIMARY KEY,
            name TEXT NOT NULL DEFAULT '',
            email TEXT NOT NULL DEFAULT '',
            source TEXT NOT NULL,
            text TEXT NOT NULL,
            text_hash TEXT NOT NULL,
            added_at TEXT NOT NULL
        );
        CREATE TABLE answers (
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            address TEXT NOT NULL,
            text TEXT NOT NULL,
            spans TEXT NOT NULL,
            flag TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (student, address)
        );
        CREATE TABLE segment_overrides (
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            piece_start INTEGER NOT NULL,
            address TEXT NOT NULL,
            PRIMARY KEY (student, piece_start)
        );
        CREATE TABLE grades (
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            address TEXT NOT NULL,
            auto_score REAL NOT NULL,
            needs_review INTEGER NOT NULL,
            input_hash TEXT NOT NULL,
            graded_at TEXT NOT NULL,
            manual_score REAL,
            PRIMARY KEY (student, address)
        );
        CREATE TABLE verdicts (
            student TEXT NOT NULL,
            address TEXT NOT NULL,
            position INTEGER NOT NULL,
            criterion TEXT NOT NULL,
            status TEXT NOT NULL,
            fraction REAL NOT NULL,
            reason TEXT NOT NULL,
            evidence TEXT NOT NULL,
            span_start INTEGER,
            span_end INTEGER,
            confidence REAL NOT NULL,
            produced_by TEXT NOT NULL,
            PRIMARY KEY (student, address, position),
            FOREIGN KEY (student, address) REFERENCES grades(student, address) ON DELETE CASCADE
        );
        CREATE TABLE events (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at TEXT NOT NULL,
            who TEXT NOT NULL,
            kind TEXT NOT NULL,
            student TEXT NOT NULL,
            address TEXT NOT NULL DEFAULT '',
            old TEXT,
            new TEXT,
            why TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX events_by_answer ON events(student, address);
        """,
    )


def m002_users(db: sqlite3.Connection) -> None:
    """Who may log in to the review pages: a role each, Argon2 hashes only, a TA's parts."""
    # The CHECK refuses anything but an Argon2 hash: no slip can store a plain password.
    _run(
        db,
        """
        CREATE TABLE users (
            name TEXT PRIMARY KEY,
            role TEXT NOT NULL CHECK (role IN ('instructor', 'ta')),
            password_hash TEXT NOT NULL CHECK (password_hash LIKE '$argon2%'),
            added_at TEXT NOT NULL
        );
        CREATE TABLE user_parts (
            name TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
            address TEXT NOT NULL,
            PRIMARY KEY (name, address)
        );
        """,
    )


def m003_embeddings(db: sqlite3.Connection) -> None:
    """Sentence vectors kept between runs, so re-grading after a mark re-embeds nothing."""
    _run(
        db,
        """
        CREATE TABLE embeddings (
            model TEXT NOT NULL,
            text_key TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (model, text_key)
        ) WITHOUT ROWID;
        """,
    )


def m004_marks(db: sqlite3.Connection) -> None:
    """Human marks as rubric items + an adjustment with its reason + a comment to the student.

    A manual score set before becomes an adjustment with no items (the same score), its reason
    the why of the event that set it, which the student's feedback showed; the events stay.
    """
    _run(
        db,
        """
        CREATE TABLE marks (
            student TEXT NOT NULL,
            address TEXT NOT NULL,
            items TEXT NOT NULL DEFAULT '[]',
            adjustment REAL NOT NULL DEFAULT 0,
            reason TEXT NOT NULL DEFAULT '',
            comment TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (student, address),
            FOREIGN KEY (student, address) REFERENCES grades(student, address) ON DELETE CASCADE
        );
        INSERT INTO marks (student, address, adjustment, reason)
            SELECT g.student, g.address, g.manual_score, COALESCE((
                SELECT e.why FROM events e
                WHERE e.student = g.student AND e.address = g.address AND e.kind = 'grade.set'
                ORDER BY e.id DESC LIMIT 1), '')
            FROM grades g WHERE g.manual_score IS NOT NULL;
        ALTER TABLE grades DROP COLUMN manual_score
        """,
    )


def m005_comments(db: sqlite3.Connection) -> None:
    """A library of comments per part, numbered within the part, each with marks it may carry."""
    _run(
        db,
        """
        CREATE TABLE comments (
            address TEXT NOT NULL,
            number INTEGER NOT NULL,
            text TEXT NOT NULL,
            marks REAL,
            PRIMARY KEY (address, number)
        );
        """,
    )


def m006_pages(db: sqlite3.Connection) -> None:
    """The pages of a scanned script: each page's image (a PNG in the workspace's pages/,
    named by its SHA-256) and why its text could not be read, if it could not."""
    _run(
        db,
        """
        CREATE TABLE script_pages (
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            page INTEGER NOT NULL CHECK (page >= 1),
            image TEXT NOT NULL,
            error TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (student, page)
        ) WITHOUT ROWID;
        """,
    )


def m007_regrades(db: sqlite3.Connection) -> None:
    """Regrade requests: a student's question about a part's mark, and how it was resolved."""
    _run(
        db,
        """
        CREATE TABLE regrades (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            address TEXT NOT NULL,
            why TEXT NOT NULL,
            asked_by TEXT NOT NULL,
            asked_at TEXT NOT NULL,
            answer TEXT,
            answered_by TEXT,
            answered_at TEXT
        );
        CREATE UNIQUE INDEX regrades_open ON regrades(student, address) WHERE answer IS NULL;
        """,
    )


def m008_regions(db: sqlite3.Connection) -> None:
    """A scan cut by the exam's template: each part's answer, where its text lies in the
    script, the image of its crop (in pages/, by SHA-256) and why it goes to a human."""
    _run(
        db,
        """
        CREATE TABLE script_regions (
            student TEXT NOT NULL REFERENCES scripts(student) ON DELETE CASCADE,
            address TEXT NOT NULL,
            start INTEGER NOT NULL CHECK (start >= 0),
            end INTEGER NOT NULL CHECK (end >= start),
            image TEXT NOT NULL,
            flag TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (student, address)
        ) WITHOUT ROWID;
        """,
    )


def m009_marks_by_items(db: sqlite3.Connection) -> None:
    """Whether a human mark was given by rubric items: an answer marked by items with none
    applied (it earns no item) is then told apart from a plain 0. Marks with items are by items."""
    _run(
        db,
        """
        ALTER TABLE marks ADD COLUMN by_items INTEGER NOT NULL DEFAULT 0;
        UPDATE marks SET by_items = 1 WHERE items != '[]'
        """,
    )


MIGRATIONS: tuple[Migration, ...] = (
    m001_initial,
    m002_users,
    m003_embeddings,
    m004_marks,
    m005_comments,
    m006_pages,
    m007_regrades,
    m008_regions,
    m009_marks_by_items,
)


def migrate(db: sqlite3.Connection) -> list[str]:
    """Apply every migration not yet recorded, each in its own transaction; return their names.

    The connection must be in autocommit mode (isolation_level=None).
    """
    db.execute(
        "CREATE TABLE IF NOT EXISTS _gradewise_migrations (name TEXT PRIMARY KEY, applied_at TEXT)"
    )
    done = {row[0] for row in db.execute("SELECT name FROM _gradewise_migrations")}
    applied = []
    for migration in MIGRATIONS:
        name = migration.__name__
        if name in done:
            continue
        db.execute("BEGIN IMMEDIATE")
        try:
            migration(db)
            db.execute(
                "INSERT INTO _gradewise_migrations VALUES (?, ?)",
                (name, datetime.now(UTC).isoformat(timespec="seconds")),
            )
        except BaseException:
            db.execute("ROLLBACK")
            raise
        db.execute("COMMIT")
        applied.append(name)
    return applied
