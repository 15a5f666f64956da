"""`scripts add` on a folder as an instructor fills it: a script typed in LaTeX is read, and a
file that is no script is listed, never skipped unseen (found by an outside check, where a
student's .tex script was left out and `scripts add` said only "7 added")."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from test_cli import run

EXAM = """\
schema_version: 1
exam: {id: e2e, title: "Two questions"}
sections:
  - id: I
    title: Short
    questions:
      - id: "1"
        marks: 2
        key: {kind: numeric, value: 0.8}
      - id: "2"
        marks: 2
        key: {kind: truefalse, value: false}
"""

LATEX = (
    "% Dana O., s77\n\\section*{Question 1}\n$\\frac{80}{100} = 0.8$\n"
    "\\section*{Question 2}\nFalse\n"
)


@pytest.fixture
def root(tmp_path: Path) -> Path:
    root = tmp_path / "ws"
    assert run(root, "init", str(root)).exit_code == 0
    (root / "exam.yaml").write_text(EXAM)
    return root


@pytest.mark.parametrize(
    "files, added, listed",
    [
        ({"s77.tex": LATEX}, 1, []),  # a script typed in LaTeX is a script
        ({"s77.TEX": LATEX}, 1, []),  # in any case
        ({"s77.tex": LATEX, "notes.docx": "x"}, 1, ["notes.docx"]),  # the other file is listed
        ({"s1.md": "Q1 0.8\nQ2 F\n", "sub/m.xlsx": "x"}, 1, ["sub/m.xlsx"]),  # in a subfolder
        ({"s1.md": "Q1 0.8\nQ2 F\n", ".DS_Store": "x"}, 1, []),  # hidden files stay unlisted
    ],
)
def test_folder_scripts_read_and_others_listed(
    root: Path, files: dict[str, str], added: int, listed: list[str]
) -> None:
    for name, text in files.items():
        (root / "scripts" / name).parent.mkdir(parents=True, exist_ok=True)
        (root / "scripts" / name).write_text(text)
    result = run(root, "scripts", "add", str(root / "scripts"))
    assert result.exit_code == 0 and f"Scripts: {added} added." in result.output
    said = [line for line in result.output.splitlines() if ": skipped: scripts are" in line]
    assert [Path(line.split(": skipped")[0]).relative_to(root / "scripts") for line in said] == [
        Path(p) for p in listed
    ]
    rows = json.loads(run(root, "scripts", "add", str(root / "scripts"), "--json").output)
    assert sorted(r["source"] for r in rows if r["status"] == "skipped") == sorted(
        str(root / "scripts" / p) for p in listed
    )


def test_a_latex_script_is_graded_by_its_labels(root: Path) -> None:
    (root / "scripts" / "s77.tex").write_text(LATEX)
    assert run(root, "scripts", "add", str(root / "scripts")).exit_code == 0
    assert run(root, "grade").exit_code == 0
    rows = json.loads(run(root, "results", "--json").output)
    assert [(r["student"], r["total"]) for r in rows] == [("s77", 4)]


@pytest.mark.parametrize(
    "edit, exit_code, says",
    [
        (None, 0, "Drafted 1 sections, 2 questions into"),  # the starter init wrote: replaced
        ("# my own notes\n", 1, "already exists and is not the starter"),  # edited: kept
    ],
)
def test_draft_into_the_workspace_as_the_readme_says(
    tmp_path: Path, edit: str | None, exit_code: int, says: str
) -> None:
    root = tmp_path / "ws"
    assert run(root, "init", str(root)).exit_code == 0
    exam = root / "exam.yaml"
    if edit is not None:
        exam.write_text(exam.read_text() + edit)
    before = exam.read_text()
    paper = tmp_path / "paper.md"
    paper.write_text("## Question 1 (2 points)\n\nWhat is 2+2?\n\n## Question 2 (1 point)\n\nWhy?")
    result = run(root, "exam", "draft", str(paper), "-o", str(exam))
    assert result.exit_code == exit_code and says in result.output
    assert (exam.read_text() == before) is (exit_code != 0)


@pytest.mark.parametrize(
    "roster, says",
    [
        ("id,name\ns1,Ada\n", None),  # everyone has a script: nothing said
        (
            "id,name\ns1,Ada\ns2,Grace Hopper\n",
            "1 of 2 students on the roster have no script: s2 (Grace",
        ),
        ("id\ns1\ns2\ns3\n", "2 of 3 students on the roster have no script: s2, s3."),  # no names
    ],
)
def test_roster_students_without_a_script_are_named(
    root: Path, roster: str, says: str | None
) -> None:
    (root / "scripts" / "s1.md").write_text("Q1 0.8\nQ2 F\n")
    (root / "roster.csv").write_text(roster)
    result = run(
        root, "scripts", "add", str(root / "scripts"), "--roster", str(root / "roster.csv")
    )
    assert result.exit_code == 0
    said = [line for line in result.output.splitlines() if "have no script" in line]
    assert said == ([] if says is None else [said[0]]) and (says is None or says in said[0])
