"""`scripts add`: two files for one student are held for a human, never one over the other."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from gradewise.cli import cli
from gradewise.workspace import init_workspace, open_workspace

ROSTER = "id,name,email\ns1,Ada Lovelace,a@u.test\ns2,Grace Hopper,g@u.test\n"


def _add(root: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["-w", str(root), "scripts", "add", *args])


def _write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8")
    return folder / name


def _stored(root: Path) -> dict[str, tuple[str, str]]:
    ws = open_workspace(root)
    try:
        return {s.student: (Path(s.source).name, s.text) for s in ws.store.scripts()}
    finally:
        ws.store.close()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    made = init_workspace(tmp_path / "ws")
    (made / "roster.csv").write_text(ROSTER, encoding="utf-8")
    return made


@pytest.mark.parametrize("with_roster", [False, True])  # a roster or none: the same rule
def test_two_files_for_one_student_in_one_run_are_both_held(root: Path, with_roster: bool) -> None:
    folder = root / "in"
    _write(folder, "s1.md", "Q1 tanh\n")
    _write(folder, "s1_late.md", "Q1 sigmoid\n")
    _write(folder, "s2.md", "Q1 relu\n")
    roster = ["--roster", str(root / "roster.csv")] if with_roster else []
    out = _add(root, str(folder), *roster)
    assert "1 added, 2 held for a human" in out.output, out.output
    assert out.output.count("double: ") == 2
    assert "gradewise scripts add FILE --replace" in out.output  # how to pick one
    assert set(_stored(root)) == {"s2"}  # neither of s1's files stored


@pytest.mark.parametrize(
    "first, second, expected, kept",
    [
        # the same file, edited and added again: an update
        (("a", "s1.md", "Q1 x"), ("a", "s1.md", "Q1 y"), "1 updated", ("s1.md", "Q1 y")),
        # another file for s1 with other text: held, the stored one kept
        (("a", "s1.md", "Q1 x"), ("b", "s1.md", "Q1 y"), "1 held for a human", ("s1.md", "Q1 x")),
        # another file whose front matter names s1: held too
        (
            ("a", "s1.md", "Q1 x"),
            ("a", "late.md", "---\nstudent: s1\n---\nQ1 y"),
            "1 held for a human",
            ("s1.md", "Q1 x"),
        ),
        # the same document in another form beside it (a transcription of a scan): an update
        (("a", "s1.txt", "Q1 x"), ("a", "s1.md", "Q1 y"), "1 updated", ("s1.md", "Q1 y")),
        # a copy of the same text from elsewhere: nothing to lose, stored as is
        (("a", "s1.md", "Q1 x"), ("b", "s1.md", "Q1 x"), "1 updated", ("s1.md", "Q1 x")),
    ],
)
def test_a_new_file_for_a_stored_student(
    root: Path,
    first: tuple[str, str, str],
    second: tuple[str, str, str],
    expected: str,
    kept: tuple[str, str],
) -> None:
    assert _add(root, str(_write(root / first[0], first[1], first[2]))).exit_code == 0
    out = _add(root, str(_write(root / second[0], second[1], second[2])))
    assert expected in out.output, out.output
    assert _stored(root)["s1"] == kept


def test_held_replacement_names_the_stored_file_and_replace_takes_it(root: Path) -> None:
    _add(root, str(_write(root / "a", "s1.md", "Q1 x")))
    newer = _write(root / "b", "s1.md", "Q1 y")
    out = _add(root, str(newer))
    assert "replaces: " in out.output and str(root / "a" / "s1.md") in out.output, out.output
    assert "gradewise scripts add FILE --replace" in out.output
    out = _add(root, str(newer), "--replace")
    assert "1 updated" in out.output, out.output
    assert _stored(root)["s1"] == ("s1.md", "Q1 y")


def test_roster_match_onto_a_stored_student_is_held(root: Path) -> None:
    roster = ["--roster", str(root / "roster.csv")]
    _add(root, str(_write(root / "a", "s1.md", "Q1 x")), *roster)
    out = _add(root, str(_write(root / "b", "scan7.md", "Name: Ada Lovelace\nQ1 y")), *roster)
    assert "replaces: " in out.output and "1 held for a human" in out.output, out.output
    assert set(_stored(root)) == {"s1"} and _stored(root)["s1"][1] == "Q1 x"


def test_json_says_why_a_script_was_held(root: Path) -> None:
    _add(root, str(_write(root / "a", "s1.md", "Q1 x")))
    out = _add(root, str(_write(root / "b", "s1.md", "Q1 y")), "--json")
    rows = json.loads(out.output)
    assert [(r["student"], r["status"]) for r in rows] == [("s1", "held for a human")]
    assert "already has a script" in rows[0]["why"]


@pytest.mark.parametrize("how", ["moved", "copied"])  # the old folder gone, or still there
def test_a_moved_or_copied_workspace_updates_its_own_scripts(
    root: Path, tmp_path: Path, how: str
) -> None:
    _write(root / "scripts", "s1.md", "Q1 tanh\n")
    assert "1 added" in _add(root, str(root / "scripts")).output
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(root, elsewhere)
    if how == "moved":
        shutil.rmtree(root)
    _write(elsewhere / "scripts", "s1.md", "Q1 sigmoid\n")
    out = _add(elsewhere, str(elsewhere / "scripts"))
    assert "1 updated" in out.output and "held" not in out.output, out.output
    assert _stored(elsewhere)["s1"] == ("s1.md", "Q1 sigmoid\n")
