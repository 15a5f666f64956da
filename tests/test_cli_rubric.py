"""`gradewise rubric` through click's CliRunner: parsing, the preview and its prompt, one-line
errors. The rules (what moves, what is refused) are tested against the actions (test_actions)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise.cli import cli
from gradewise.workspace import open_workspace


@pytest.fixture
def root(example: Path, tmp_path: Path) -> Path:
    return shutil.copytree(example, tmp_path / "ws")


def run(root: Path, *args: str, answer: str | None = None) -> Result:
    return CliRunner().invoke(cli, ["-w", str(root), *args], input=answer)


def test_list_gives_the_item_ids(root: Path) -> None:
    rows = json.loads(run(root, "rubric", "list", "II.8.a", "--json").output)
    assert [(r["id"], r["marks"], r["group"]) for r in rows] == [
        ("size", 1, None),
        ("exact", 4, "output"),
        ("flipped", 2, "output"),
    ]


def test_set_previews_then_asks(root: Path) -> None:
    before = (root / "exam.yaml").read_text()
    out = run(root, "rubric", "set", "II.7.a", "w3", "--marks", "1", "--why", "t", answer="n\n")
    assert out.exit_code == 0 and "Re-scores 9 answers that used 'w3'" in out.output
    assert "Nothing changed." in out.output and (root / "exam.yaml").read_text() == before
    out = run(root, "rubric", "set", "II.7.a", "w3", "--marks", "1", "--why", "t", "--yes")
    assert out.exit_code == 0 and "Saved to exam.yaml" in out.output
    assert open_workspace(root).exam.part("II.7.a").rubric[-1].marks == 1


def test_set_group(root: Path) -> None:
    out = run(root, "rubric", "set", "II.7.a", "w1", "--group", "steps", "--why", "t", "--yes")
    assert out.exit_code == 0 and "Puts 'w1' in group 'steps'" in out.output
    out = run(root, "rubric", "set", "II.7.a", "w1", "--group", "", "--why", "t", "--yes")
    assert out.exit_code == 0 and "Takes 'w1' out of its group" in out.output
    assert open_workspace(root).exam.part("II.7.a").rubric[1].group is None


def test_add_and_delete(root: Path) -> None:
    out = run(
        root, "rubric", "add", "II.7.a", "units", "--marks", "0.5", "--text", "units", "--yes"
    )
    assert out.exit_code == 0 and "Adds 'units'" in out.output
    out = run(root, "rubric", "delete", "II.7.a", "units", "--why", "after all", "--yes")
    assert out.exit_code == 0 and "Deletes 'units'" in out.output
    assert [e.kind for e in open_workspace(root).store.events(student="")] == [
        "rubric.add",
        "rubric.delete",
    ]


@pytest.mark.parametrize(
    "args, says",
    [
        (
            ("set", "II.7.a", "w3", "--marks", "lots", "--why", "t"),
            "--marks 'lots' is not a number",
        ),
        (("set", "II.7.a", "zz", "--marks", "1", "--why", "t"), "no criterion 'zz'"),
        (("set", "II.7.a", "w3", "--why", "t"), "nothing to change"),
        (("set", "II.7.a", "w3", "--marks", "1", "--why", " ", "--yes"), "the why is empty"),
        (("set", "I.1", "key", "--marks", "1", "--why", "t"), "has no rubric to edit"),
        (("set", "IX.1", "w3", "--marks", "1", "--why", "t"), "no part 'IX.1'"),
        (("add", "II.7.a", "w3", "--marks", "1", "--text", "t"), "already has"),
        (("list", "IX.1"), "no part 'IX.1'"),
    ],
)
def test_errors_are_one_line(root: Path, args: tuple[str, ...], says: str) -> None:
    before = (root / "exam.yaml").read_text()
    out = run(root, "rubric", *args)
    assert out.exit_code != 0 and says in out.output and "Traceback" not in out.output
    assert (root / "exam.yaml").read_text() == before
