"""Matching scripts to the roster: exact ids, fuzzy ids and names, and what needs a human."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.model import Script
from gradewise.scripts.ingest import Roster, RosterEntry, student_from_filename
from gradewise.scripts.roster_match import match_script, match_scripts
from gradewise.workspace import init_workspace

ROSTER = Roster(
    {
        "s2024001": RosterEntry("s2024001", "Ada Lovelace"),
        "s2024002": RosterEntry("s2024002", "Grace Hopper"),
        "s2024003": RosterEntry("s2024003", "Alan Turing"),
        "s2024004": RosterEntry("s2024004", "Alan Turning"),  # a near-twin of a name
        "s2024005": RosterEntry("s2024005", "Zoë Lefèvre"),
    }
)


@pytest.mark.parametrize(
    "claimed, name, text, status, student",
    [
        ("s2024001", "", "Q1 b", "exact", "s2024001"),  # the file name is a roster id
        ("scan7", "", "Student ID: s2024002\nQ1 b", "exact", "s2024002"),  # id on page 1
        ("scan7", "", "SCIPER: s2024003\n", "exact", "s2024003"),  # another label for the id
        ("s2O24002", "", "Q1", "fuzzy", "s2024002"),  # OCR read 0 as O
        ("scan7", "", "Name: Hopper, Grace\nQ1", "fuzzy", "s2024002"),  # name order swapped
        ("scan7", "Ada Lovelance", "", "fuzzy", "s2024001"),  # front-matter name, a typo
        ("scan7", "", "Name: Alan Turin\n", "ambiguous", ""),  # Turing or Turning?
        ("scan7", "", "Name: Marie Curie\n", "unmatched", ""),  # not on the roster
        ("scan7", "", "Q1 (b)\n\fStudent ID: s2024001", "unmatched", ""),  # only page 1 counts
        # an id one digit off is another student's (or a typo): never matched to the nearest
        ("s2024006", "", "", "unmatched", ""),
        ("s2024011", "", "", "unmatched", ""),
        ("sl2O24OO3", "", "", "unmatched", ""),  # an extra character
        ("sZO24001", "", "", "fuzzy", "s2024001"),  # Z for 2, O for 0: a scan's misreading
        ("2024003", "", "", "fuzzy", "s2024003"),  # the letter before the digits left off
        ("scan7", "", "Student ID: s2O24002", "fuzzy", "s2024002"),  # misread on page 1
        # names as keyboards and file names write them: without accents
        ("scan7", "", "Name: Zoe Lefevre\n", "fuzzy", "s2024005"),
        ("scan7", "", "Name: LEFEVRE, Zoe\n", "fuzzy", "s2024005"),
        # the id is one student's, the name another's: a human decides which is wrong
        ("s2024001", "Grace Hopper", "", "ambiguous", ""),  # front matter
        ("s2024002", "", "Name: Zoe Lefevre\nQ1 b", "ambiguous", ""),  # page 1
        ("scan7", "", "Student ID: s2024001\nName: Alan Turing", "ambiguous", ""),
        ("s2024001", "", "Name: Ada L.\n", "exact", "s2024001"),  # a word of her name
        ("s2024001", "", "Name: Countess of Lovelace\n", "exact", "s2024001"),
        ("s2024001", "Marie Curie", "", "exact", "s2024001"),  # nobody on the roster: the id
    ],
)
def test_match_script(claimed: str, name: str, text: str, status: str, student: str) -> None:
    found = match_script(Script(claimed, name, f"{claimed}.md", text), ROSTER)
    assert (found.status, found.student) == (status, student), found.how


@pytest.mark.parametrize(
    "file, status, student",
    [
        ("s2024001_lovelace.md", "exact", "s2024001"),  # the id and her name
        ("s2024001_final_exam.md", "exact", "s2024001"),  # words that name nobody
        ("s2024001_hopper.md", "ambiguous", ""),  # the id is Ada's, the name Grace's
        ("s2024005 lefevre.md", "exact", "s2024005"),  # accents left off
        # a file named after the student, no id in it: the name, fuzzily (and listed)
        ("lefevre_zoe.md", "fuzzy", "s2024005"),
        ("Lefèvre, Zoë.md", "fuzzy", "s2024005"),
        ("alan_turin.md", "ambiguous", ""),  # Turing or Turning?
        ("scan_0007.md", "unmatched", ""),  # one word: no name
        # the id anywhere in the file name, as course downloads name files
        ("Lovelace_Ada_s2024001.md", "exact", "s2024001"),
        ("exam-s2024002-final.md", "exact", "s2024002"),
        ("Hopper_Grace_s2024001.md", "ambiguous", ""),  # Ada's id, Grace's name
        ("s2024001_s2024002.md", "ambiguous", ""),  # two students' ids
    ],
)
def test_a_name_in_the_file_name_must_agree_with_the_id(
    file: str, status: str, student: str
) -> None:
    script = Script(student_from_filename(Path(file)), "", file, "Q1 b")
    found = match_script(script, ROSTER)
    assert (found.status, found.student) == (status, student), found.how


def test_two_students_of_one_name_are_never_told_apart_by_it() -> None:
    twins = Roster({"s1": RosterEntry("s1", "Wei Li"), "s2": RosterEntry("s2", "Wei Li")})
    found = match_script(Script("scan7", "", "scan7.md", "Name: Wei Li\n"), twins)
    assert (found.status, found.student) == ("ambiguous", ""), found.how


def test_two_scripts_for_one_student_are_double() -> None:
    scripts = [
        Script("s2024001", "", "a.md", ""),
        Script("x", "", "b.md", "Name: Ada Lovelace"),
        Script("s2024002", "", "c.md", ""),
    ]
    statuses = [m.status for m in match_scripts(scripts, ROSTER)]
    assert statuses == ["double", "double", "exact"]


def test_scripts_add_lists_what_needs_a_human(tmp_path: Path) -> None:
    root = init_workspace(tmp_path / "ws")
    (root / "roster.csv").write_text(
        "id,name,email\ns2024001,Ada Lovelace,a@u.test\ns2024002,Grace Hopper,g@u.test\n",
        encoding="utf-8",
    )
    scripts = root / "scripts"
    (scripts / "scan1.md").write_text("Name: Grace Hoper\n\nQ1 (b)\n", encoding="utf-8")
    (scripts / "scan2.md").write_text("Name: Marie Curie\n\nQ1 (b)\n", encoding="utf-8")
    (scripts / "s2024001.md").write_text("Q1 (b)\n", encoding="utf-8")
    (scripts / "late.md").write_text("Student ID: s2024001\nQ1 (c)\n", encoding="utf-8")
    out = CliRunner().invoke(
        cli, ["-w", str(root), "scripts", "add", str(scripts), "--roster", str(root / "roster.csv")]
    )
    assert out.exit_code == 0, out.output
    assert "scan1.md → s2024002" in out.output  # fuzzy, said out loud
    assert "3 scripts need a human" in out.output
    assert "unmatched: " in out.output and "scan2.md" in out.output
    assert out.output.count("double: ") == 2  # s2024001.md and late.md: neither stored
    listed = CliRunner().invoke(cli, ["-w", str(root), "scripts", "list", "--json"])
    assert '"student": "s2024002"' in listed.output and '"s2024001"' not in listed.output
