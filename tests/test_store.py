"""The store: migrations, auto vs manual scores, the audit log, resumable grading."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from gradewise.errors import ConflictError, WorkspaceError
from gradewise.model import (
    Answer,
    Exam,
    ManualMark,
    Part,
    PartGrade,
    Question,
    Script,
    Section,
    Status,
    Verdict,
)
from gradewise.store import MarkChange, migrations, open_store

GOLDEN_SCHEMA = Path(__file__).parent / "golden" / "schema.sql"


def _schema(path: Path) -> str:
    db = sqlite3.connect(path)
    rows = db.execute(
        "SELECT sql FROM sqlite_master"
        " WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%' ORDER BY name"
    )
    return "\n".join(" ".join(r[0].split()) + ";" for r in rows) + "\n"


def test_blank_database_gets_expected_schema(
    tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    open_store(tmp_path / "g.db").close()
    schema = _schema(tmp_path / "g.db")
    if request.config.getoption("--update-goldens"):
        GOLDEN_SCHEMA.write_text(schema)
    assert schema == GOLDEN_SCHEMA.read_text()


def test_older_database_upgrades(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A database made when only m001 existed gets every later migration, and keeps its data.
    shipped = migrations.MIGRATIONS
    monkeypatch.setattr(migrations, "MIGRATIONS", shipped[:1])
    store = open_store(tmp_path / "g.db")
    store.add_script(Script("s1", "Ada", "s1.md", "Q1 42"))
    store.close()

    def m999_add_note(db: sqlite3.Connection) -> None:
        db.execute("ALTER TABLE scripts ADD COLUMN note TEXT NOT NULL DEFAULT ''")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*shipped, m999_add_note))
    store = open_store(tmp_path / "g.db")
    cols = [r[1] for r in store.db.execute("PRAGMA table_info(scripts)")]
    assert "note" in cols
    assert store.script("s1") == Script("s1", "Ada", "s1.md", "Q1 42")
    names = [r[0] for r in store.db.execute("SELECT name FROM _gradewise_migrations")]
    assert names == [*(m.__name__ for m in shipped), "m999_add_note"]
    assert store.load_vectors("m", ["k"]) == {}  # m003's table is there


def test_vectors_are_kept_between_opens(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    store.save_vectors("minilm", {"a": b"\x01\x02", "b": b"\x03"})
    store.save_vectors("minilm", {"a": b"\xff"})  # a key kept once stays as it was
    store.close()
    store = open_store(tmp_path / "g.db")
    keys = [f"k{i}" for i in range(1200)] + ["a", "b"]  # more than one query's parameters
    assert store.load_vectors("minilm", keys) == {"a": b"\x01\x02", "b": b"\x03"}
    assert store.load_vectors("other-model", ["a"]) == {}


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A migration that fails half-way leaves nothing behind and is retried next open.
    open_store(tmp_path / "g.db").close()

    def m002_broken(db: sqlite3.Connection) -> None:
        db.execute("CREATE TABLE half (x)")
        db.execute("THIS IS NOT SQL")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, m002_broken))
    with pytest.raises(Exception):  # noqa: B017 - the store reports it; here only the rollback matters
        open_store(tmp_path / "g.db")
    db = sqlite3.connect(tmp_path / "g.db")
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None


TRICKY_SQL = """
    -- a comment; with a semicolon
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY,
        body TEXT NOT NULL DEFAULT 'a; b',  /* a; block comment */
        edits INTEGER NOT NULL DEFAULT 0
    );
    CREATE TRIGGER notes_edited AFTER UPDATE OF body ON notes
    BEGIN
        UPDATE notes SET edits = edits + 1 WHERE id = NEW.id;
        INSERT INTO log VALUES ('edited; once');
    END;
    CREATE TABLE log (what TEXT);
    INSERT INTO notes (id) VALUES (1)
"""


def test_migration_sql_with_semicolons_in_strings_and_triggers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `;` inside a string literal, a comment or a trigger body does not end a statement.
    def m999_notes(db: sqlite3.Connection) -> None:
        migrations._run(db, TRICKY_SQL)

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, m999_notes))
    store = open_store(tmp_path / "g.db")
    store.db.execute("UPDATE notes SET body = 'c; d' WHERE id = 1")
    assert store.db.execute("SELECT body, edits FROM notes").fetchall() == [("c; d", 1)]
    assert store.db.execute("SELECT what FROM log").fetchall() == [("edited; once",)]


def test_failed_statement_rolls_back_the_whole_migration(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The statements before the bad one, and the version record, are undone together.
    open_store(tmp_path / "g.db").close()

    def m999_half(db: sqlite3.Connection) -> None:
        migrations._run(db, "CREATE TABLE half (x TEXT DEFAULT ';'); NOT SQL;")

    monkeypatch.setattr(migrations, "MIGRATIONS", (*migrations.MIGRATIONS, m999_half))
    with pytest.raises(WorkspaceError, match="cannot open the database"):
        open_store(tmp_path / "g.db")
    db = sqlite3.connect(tmp_path / "g.db")
    assert db.execute("SELECT name FROM sqlite_master WHERE name = 'half'").fetchone() is None
    done = db.execute("SELECT name FROM _gradewise_migrations WHERE name = 'm999_half'")
    assert done.fetchone() is None


def test_script_text_stored_unchanged(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    text = "\ufeffQ1 (a) ½ — naïve\r\n$$\\frac{1}{2}$$\n"
    assert store.add_script(Script("s1", "", "s1.md", text)) == "added"
    assert store.add_script(Script("s1", "", "s1.md", text)) == "unchanged"
    assert store.script("s1").text == text  # type: ignore[union-attr]


EXAM = Exam("t", "T", (Section("I", "I", (Question("1", "", (Part("I.1", "1", "", 2.0),)),)),))


def _mark(student: str, adjustment: float, expect: int | None = None) -> MarkChange:
    return MarkChange(student, "I.1", ManualMark(adjustment=adjustment), expect)


def test_manual_mark_separate_from_auto_and_audited(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    store.add_script(Script("s1", "", "s1.md", "x"))
    v = Verdict("key", Status.NOT_MET, 0.0, "read 3", "3", (0, 1), 1.0, "numeric@1#abc")
    store.save_grades([(PartGrade("s1", "I.1", 0.0, (v,), False), "h1")])
    assert store.set_marks([_mark("s1", 2.0)], who="ta1", why="method right") == [None]
    old = store.set_marks([_mark("s1", 1.5)], who="ta2", why="second look")
    assert old == [ManualMark(adjustment=2.0)]
    # Re-grading writes the auto score and leaves the human mark alone.
    store.save_grades([(PartGrade("s1", "I.1", 0.5, (v,), False), "h2")])
    [grade] = store.grades("s1", exam=EXAM)
    assert (grade.auto_score, grade.manual_score, grade.score) == (0.5, 1.5, 1.5)
    assert grade.verdicts == (v,) and grade.mark == ManualMark(adjustment=1.5)
    events = store.events("s1")
    assert [(e.who, e.old, e.new, e.why) for e in events] == [
        ("ta1", None, '{"adjustment": 2}', "method right"),
        ("ta2", '{"adjustment": 2}', '{"adjustment": 1.5}', "second look"),
    ]


def test_versions_move_on_every_change(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    store.add_script(Script("s1", "", "s1.md", "x"))
    assert store.versions() == {}  # never changed by hand: version 0 for all
    store.set_marks([_mark("s1", 1.0)], who="ta1", why="a")
    first = store.versions()[("s1", "I.1")]
    store.set_marks([_mark("s1", 1.0)], who="ta1", why="same mark again")
    assert store.versions("s1", "I.1")[("s1", "I.1")] > first
    assert store.versions(address="I.2") == {}


def test_marks_based_on_a_stale_version_change_nothing(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    for student in ("s1", "s2"):
        store.add_script(Script(student, "", f"{student}.md", "x"))
    store.set_marks([_mark("s1", 1.0)], who="ta1", why="first")
    seen = store.versions()[("s1", "I.1")]
    stale = [_mark("s2", 2.0, expect=0), _mark("s1", 2.0, expect=0)]
    with pytest.raises(ConflictError, match=r"s1 I\.1 was changed by ta1") as caught:
        store.set_marks(stale, who="ta2", why="group")
    assert (caught.value.student, caught.value.address) == ("s1", "I.1")
    assert store.events("s2") == [] and store.grades("s2", exam=EXAM) == []  # all or nothing
    fresh = [_mark("s2", 2.0, expect=0), _mark("s1", 2.0, expect=seen)]
    assert store.set_marks(fresh, who="ta2", why="group") == [None, ManualMark(adjustment=1.0)]
    with pytest.raises(ConflictError):
        store.set_marks([_mark("s1", 0.0, expect=seen)], who="ta1", why="late")


def test_answers_and_overrides_round_trip(tmp_path: Path) -> None:
    store = open_store(tmp_path / "g.db")
    store.add_script(Script("s1", "", "s1.md", "Q1 a Q2 b"))
    answers = [Answer("s1", "I.1", "a", ((0, 4),)), Answer("s1", "I.2", "", (), "no answer found")]
    store.save_answers("s1", answers)
    assert store.answers("s1") == answers
    store.set_override("s1", 5, "I.1", old="I.2", who="ta", why="moved")
    assert store.overrides("s1") == {5: "I.1"}
    assert store.events("s1")[0].kind == "segment.assign"
    # Changing the script's text drops overrides: their offsets no longer point anywhere.
    store.add_script(Script("s1", "", "s1.md", "Q1 changed"))
    assert store.overrides("s1") == {}


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "g.db"
    path.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(Exception, match="cannot open the database"):
        open_store(path)
