"""`gradewise review next`: which answers to mark next, and how marks change the suggestion."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.workspace import init_workspace

EXAM = """schema_version: 1
exam: {id: t, title: T}
sections:
  - id: I
    title: All
    questions:
      - id: "1"
        marks: 2
        kind: text
        prompt: "Why does dropout reduce overfitting?"
        reference: "It stops units co-adapting: the network cannot rely on any one unit."
"""
ANSWERS = {
    "s01": "Units cannot co-adapt because any unit may be dropped.",
    "s02": "Neurons can't co-adapt since each may be dropped at random.",
    "s03": "Units cannot co-adapt because any unit may be dropped!",
    "s04": "It makes the learning rate smaller so training is slower.",
    "s05": "It lowers the learning rate, so training goes slower.",
    "s06": "",  # blank: never worth suggesting
}


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = init_workspace(tmp_path / "ws")
    (root / "exam.yaml").write_text(EXAM, encoding="utf-8")
    for student, text in ANSWERS.items():
        (root / "scripts" / f"{student}.md").write_text(f"Q1 {text}\n", encoding="utf-8")
    assert invoke(root, "scripts", "add", str(root / "scripts")).exit_code == 0
    assert invoke(root, "grade", "--judge", "similarity").exit_code == 0
    return root


def invoke(root: Path, *args: str) -> object:
    return CliRunner().invoke(cli, ["-w", str(root), *args])


def suggested(root: Path, *extra: str) -> list[str]:
    out = invoke(root, "review", "next", "I.1", "--json", *extra)
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    return [r["student"] for r in json.loads(out.output)]  # type: ignore[attr-defined]


def test_by_meaning_one_of_each_kind_first(root: Path) -> None:
    first_two = suggested(root, "-n", "2")  # the similarity judge chooses (its select hook)
    kinds = sorted(s in ("s01", "s02", "s03") for s in first_two)
    assert kinds == [False, True]  # one about co-adaptation, one about the step size


def test_without_a_select_hook_one_answer_per_group_of_same_answers(root: Path) -> None:
    picks = suggested(root, "-n", "4", "--judge", "lexical")
    assert picks[0] == "s01"  # s01 and s03 read the same: the largest group comes first
    assert "s03" not in picks and len(picks) == 4  # ... and is suggested once


@pytest.mark.parametrize("judge", ["similarity", "lexical"])
def test_never_a_blank(root: Path, judge: str) -> None:
    assert "s06" not in suggested(root, "-n", "10", "--judge", judge)


def test_marking_the_suggestions_moves_the_next_ones(root: Path) -> None:
    first = suggested(root, "-n", "2")
    for student in first:
        out = invoke(root, "grades", "set", student, "I.1", "1", "--why", "t")
        assert out.exit_code == 0  # type: ignore[attr-defined]
    after = suggested(root, "-n", "3")
    assert not set(first) & set(after)  # marked answers are never suggested again
    assert invoke(root, "grade", "--judge", "similarity").exit_code == 0  # re-grade learns


def test_unknown_part_is_a_one_line_error(root: Path) -> None:
    out = invoke(root, "review", "next", "I.9")
    assert out.exit_code == 1 and "no part 'I.9'" in out.output  # type: ignore[attr-defined]
