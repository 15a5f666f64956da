"""The bundled example, end to end: every part's mark equals the hand-computed golden file."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from gradewise.workspace import Workspace, init_workspace, open_workspace


@pytest.fixture(scope="module")
def graded(tmp_path_factory: pytest.TempPathFactory) -> Workspace:
    root = init_workspace(tmp_path_factory.mktemp("ex") / "ws", example=True)
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    return ws


def _expected() -> dict:  # type: ignore[type-arg]
    path = resources.files("gradewise") / "example" / "expected.yaml"
    return YAML(typ="safe").load(path.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


EXPECTED = _expected()["students"]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_part_marks_match_golden(graded: Workspace, student: str) -> None:
    got = {}
    for grade in graded.grades(student):
        pending = grade.needs_review and grade.manual_score is None
        got[grade.address] = "review" if pending else grade.score
    assert got == EXPECTED[student]["parts"]


@pytest.mark.parametrize("student", sorted(EXPECTED))
def test_totals_match_golden(graded: Workspace, student: str) -> None:
    [result] = [r for r in graded.results() if r.student == student]
    assert result.name == EXPECTED[student]["name"]
    assert result.total == EXPECTED[student]["auto_total"]
    # A final total exactly when nothing is pending.
    assert ("total" in EXPECTED[student]) == (not result.pending)


def test_example_is_copied_whole(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws", example=True)
    assert len(list((root / "scripts").glob("*.md"))) >= 8
    assert (root / "roster.csv").is_file()
