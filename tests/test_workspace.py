"""Workspace runs: a killed grading run keeps what it stored; re-runs grade only what changed."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise import grading
from gradewise.workspace import Workspace, init_workspace, open_workspace

EXAM = """\
schema_version: 1
exam: {id: t, title: T}
sections:
  - id: I
    title: S
    questions:
""" + "".join(
    f'      - {{id: "{q}", marks: 1, prompt: p, key: {{kind: truefalse, value: true}}}}\n'
    for q in range(1, 5)
)


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM)
    for s in range(3):
        (root / "scripts" / f"s{s}.md").write_text("Q1 True\nQ2 False\nQ3 T\nQ4 yes\n")
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"])
    return ws


def test_killed_run_keeps_stored_chunks(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    real_run = grading.run

    def dies_after_first_chunk(jobs, **kwargs):  # type: ignore[no-untyped-def]
        chunks = real_run(jobs, chunk_size=4)
        yield next(chunks)
        raise KeyboardInterrupt  # the user pressed Ctrl-C

    monkeypatch.setattr(grading, "run", dies_after_first_chunk)
    with pytest.raises(KeyboardInterrupt):
        ws.grade()
    assert len(ws.grades()) == 4  # the first chunk survived
    monkeypatch.setattr(grading, "run", real_run)
    assert ws.grade() == 8  # the next run does only the rest
    assert len(ws.grades()) == 12


def test_rerun_grades_only_changed_answers(ws: Workspace) -> None:
    assert ws.grade() == 12
    assert ws.grade() == 0
    (ws.root / "scripts" / "s1.md").write_text("Q1 True\nQ2 True\nQ3 T\nQ4 yes\n")
    ws.add_scripts([ws.root / "scripts"])
    assert ws.grade() == 1
    [grade] = ws.grades("s1", "I.2")
    assert grade.score == 1


def test_exam_edit_regrades_that_part(ws: Workspace) -> None:
    ws.grade()
    (ws.root / "exam.yaml").write_text(EXAM.replace('"4", marks: 1', '"4", marks: 2'))
    assert open_workspace(ws.root).grade() == 3  # one part × three students
