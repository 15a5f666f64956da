"""The workspace reads its exam file in full once per change: a later command that finds the
same text, read by the same code, takes the Exam from the user's cache (no SymPy, no schema)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from gradewise import exam_cache
from gradewise.checkers.expression import ExpressionChecker
from gradewise.checkers.registry import registry
from gradewise.errors import ExamError
from gradewise.exam import load_exam
from gradewise.user_cache import cache_dir
from gradewise.workspace import init_workspace, open_workspace

EXAM = """\
schema_version: 1
exam: {id: t, title: "Tiny exam"}
conventions: {log_base: e}
sections:
  - id: I
    title: Short
    rule: {best: 2}
    questions:
      - id: "1"
        marks: 2
        prompt: "d/dx of x^2?"
        key: {kind: expression, value: '2x', variables: [x]}
      - id: "2"
        marks: 2
        prompt: "Shape and sum?"
        key: {kind: numeric, value: [[1, 2], [3, 4.5]], tol: {abs: 0.01}}
      - id: "3"
        parts:
          - id: a
            marks: 1
            key: {kind: choice, options: {a: ReLU, b: tanh}, correct: [b]}
          - id: b
            marks: 3
            reference: "Dropout zeroes units at random."
            rubric:
              - {id: r1, text: "zeroes units", marks: 2}
              - {id: r2, text: "40 parameters", marks: 1, check: {kind: numeric, value: 40}}
"""


@pytest.fixture
def parses(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[list[str]]:
    """The expression values sent to the SymPy workers (a full reading); an empty cache."""
    monkeypatch.setenv("GRADEWISE_CACHE_DIR", str(tmp_path / "cache"))
    checker = registry().get("expression")
    assert isinstance(checker, ExpressionChecker)
    sent: list[str] = []
    run = checker._run

    def counted(pairs: list[tuple[Any, str]]) -> list[tuple[str, str]]:
        sent.extend(value for _, value in pairs)
        checker.cache = type(checker.cache)()  # each full reading asks the workers
        return run(pairs)

    monkeypatch.setattr(checker, "_run", counted)
    yield sent


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    return root


def workspace_exam(root: Path) -> Any:
    return open_workspace(root).exam


def entries(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache" / "exams").glob("*.json"))


def test_a_second_read_comes_from_the_cache(root: Path, parses: list[str]) -> None:
    first = workspace_exam(root)
    assert parses == ["2x"]
    again = workspace_exam(root)
    assert parses == ["2x"]  # not read in full again
    assert repr(again) == repr(first) == repr(load_exam(root / "exam.yaml"))  # types too


@pytest.mark.parametrize(
    "change",
    [
        # the file changes (one character)
        lambda root, mp: (root / "exam.yaml").write_text(EXAM.replace("2x", "2*x")),
        # gradewise's code changes (an upgrade, an edit)
        lambda root, mp: mp.setattr(exam_cache, "code_fingerprint", lambda: "another"),
        # the cache entry is gone
        lambda root, mp: [p.unlink() for p in entries(root.parent)],
        # the cache entry is damaged
        lambda root, mp: [p.write_text('{"type": "Exam"') for p in entries(root.parent)],
        # the cache entry is JSON but not an exam
        lambda root, mp: [p.write_text('{"dict": {}}') for p in entries(root.parent)],
    ],
)
def test_any_change_reads_the_file_again(
    root: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch, change: Any
) -> None:
    workspace_exam(root)
    change(root, monkeypatch)
    assert workspace_exam(root).marks == 6
    assert len(parses) == 2


def test_a_bad_file_fails_every_time(root: Path, parses: list[str]) -> None:
    (root / "exam.yaml").write_text(EXAM.replace("'2x'", "'\\frac{{'"), encoding="utf-8")
    for _ in range(2):
        with pytest.raises(ExamError, match="cannot be read"):
            workspace_exam(root)
    assert not entries(root.parent)


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda path: path.unlink(), "exam file not found"),  # no exam.yaml (after opening)
        (lambda path: path.write_bytes(b"exam: \xff\n"), "not UTF-8"),  # not text
    ],
)
def test_an_unreadable_file_is_reported_as_before(
    root: Path, parses: list[str], damage: Any, message: str
) -> None:
    ws = open_workspace(root)
    damage(root / "exam.yaml")
    with pytest.raises(ExamError, match=message):
        ws.exam  # noqa: B018


def test_a_cache_folder_that_cannot_be_written(
    root: Path, parses: list[str], tmp_path: Path
) -> None:
    (tmp_path / "cache").write_text("a file where the folder would be")
    assert workspace_exam(root).marks == 6 and workspace_exam(root).marks == 6
    assert parses == ["2x", "2x"]


def test_the_cache_keeps_a_bounded_number(
    root: Path, parses: list[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(exam_cache, "KEEP", 2)
    for title in ("A", "B", "C"):
        (root / "exam.yaml").write_text(EXAM.replace("Tiny exam", title), encoding="utf-8")
        workspace_exam(root)
    kept = [json.loads(p.read_text())["fields"]["title"] for p in entries(tmp_path)]
    assert sorted(kept) == ["B", "C"]


def test_values_json_would_change_are_not_kept(root: Path, tmp_path: Path) -> None:
    exam = load_exam(root / "exam.yaml")
    odd = replace(exam, conventions={"weights": {1: "a number as a key"}})
    exam_cache._keep(tmp_path / "entry.json", odd)
    assert not (tmp_path / "entry.json").exists()
    exam_cache._keep(tmp_path / "entry.json", exam)
    assert repr(exam_cache._read(tmp_path / "entry.json")) == repr(exam)


def test_tests_never_write_to_the_users_cache_folder() -> None:
    # conftest points the cache at a temporary folder for the whole run (workers included)
    assert Path(os.environ["GRADEWISE_CACHE_DIR"]).name.startswith("gradewise-tests-")
    assert not cache_dir().is_relative_to(Path.home() / ".cache")
