"""Rosters as the LMS gives them: Canvas and Moodle exports, BOMs, UTF-16, extra header rows.

The rows below are made up; their layout follows what each LMS writes:
- Canvas gradebook export: `Student` as "Last, First", `ID` (Canvas's user id), `SIS User ID`,
  `SIS Login ID`, `Section`, then a column per assignment named `Title (assignment id)` and
  read-only score columns; before the students a `Points Possible` row (its first cell indented
  with spaces) and, in newer exports, a row of posting policies ("Manual Posting"); the "student
  view" account is listed as `Student, Test` with no SIS id.
- Moodle participants download / grade export (plain text): `First name`, `Surname` (`Last
  name` since Moodle 4), `ID number`, `Institution`, `Department`, `Email address`, then roles or
  grade items and `Last downloaded from this course`.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.errors import GradewiseError
from gradewise.reports.lms import LmsStudent, read_lms_roster
from gradewise.scripts.ingest import read_roster

CANVAS = (
    "Student,ID,SIS User ID,SIS Login ID,Section,Quiz 1 (4411),Current Score,Final Score\n"
    ",,,,,Manual Posting,,\n"
    "    Points Possible,,,,,10,(read only),(read only)\n"
    '"Lovelace, Ada",9001,s1,ada,MATH 101 A,8,80,80\n'
    '"Hopper, Grace",9002,s2,ghopper,MATH 101 B,9,90,90\n'
    '"Student, Test",9999,,,MATH 101 A,,,\n'
)
MOODLE_GRADES = (
    "First name,Surname,ID number,Institution,Department,Email address,"
    "Quiz: Week 1 (Real),Last downloaded from this course\n"
    "Ada,Lovelace,s1,Uni,Maths,ada@uni.test,8.00,1733300000\n"
    "Grace,Hopper,s2,Uni,Maths,grace@uni.test,9.00,1733300000\n"
)
MOODLE_PARTICIPANTS = (
    "First name,Last name,ID number,Email address,Roles,Groups,Last access to course\n"
    "Ada,Lovelace,s1,ada@uni.test,Student,,2 days\n"
    "Grace,Hopper,s2,grace@uni.test,Student,Group B,Never\n"
)
NAMES = {"s1": ("Ada Lovelace", ""), "s2": ("Grace Hopper", "")}
EMAILS = {"s1": ("Ada Lovelace", "ada@uni.test"), "s2": ("Grace Hopper", "grace@uni.test")}


@pytest.mark.parametrize(
    "text, encoding, expected",
    [
        (CANVAS, "utf-8", NAMES),  # names turned round, extra header rows and test student left out
        (CANVAS, "utf-8-sig", NAMES),  # Canvas writes a BOM before `Student`
        (MOODLE_GRADES, "utf-8", EMAILS),  # first name and surname joined
        (MOODLE_PARTICIPANTS, "utf-8", EMAILS),  # Moodle 4's `Last name`
        (MOODLE_PARTICIPANTS, "utf-16", EMAILS),  # UTF-16 with a BOM (Excel's Unicode text)
        (MOODLE_PARTICIPANTS.replace(",", "\t"), "utf-16-le", EMAILS),  # UTF-16, no BOM, tabs
        ("id,name,email\ns1,Ada Lovelace,ada@uni.test\n", "utf-16-be", {"s1": EMAILS["s1"]}),
        (  # Blackboard's Grade Center: names split, the student id beside the username
            '"Last Name","First Name","Username","Student ID","Last Access","Availability"\n'
            '"Lovelace","Ada","alovelace","s1","2024-12-01","Yes"\n'
            '"Hopper","Grace","ghopper","s2","2024-12-02","Yes"\n',
            "utf-8-sig",
            NAMES,
        ),
        (  # a department's spreadsheet
            "Student number;Given name;Family name;Email\n"
            "s1;Ada;Lovelace;ada@uni.test\ns2;Grace;Hopper;grace@uni.test\n",
            "utf-8",
            EMAILS,
        ),
        ("Student No,Name,E-mail\ns1,Ada Lovelace,ada@uni.test\n", "utf-8", {"s1": EMAILS["s1"]}),
        # European Excel: `;` between fields, and `sep=;` on a line of its own before the header
        (
            "sep=;\n"
            + CANVAS.replace(",", ";")
            .replace("Lovelace; Ada", "Lovelace, Ada")
            .replace("Hopper; Grace", "Hopper, Grace")
            .replace("Student; Test", "Student, Test"),
            "cp1252",
            NAMES,
        ),
        (  # ... and a comma inside a quoted header cell: still `;`
            'Student;ID;SIS User ID;SIS Login ID;Section;"Exam (Real, %)"\n'
            '"Lovelace, Ada";9001;s1;ada;A;8,5\n"Hopper, Grace";9002;s2;gh;B;7,0\n',
            "utf-8",
            NAMES,
        ),
        (  # names with accents, in Windows-1252 (Latin-1) as older Excel saves them
            "id,name\ns1,Zoë Lefèvre\ns2,José García\n",
            "cp1252",
            {"s1": ("Zoë Lefèvre", ""), "s2": ("José García", "")},
        ),
        (  # Moodle in French and German
            "Prénom,Nom,Numéro d'identification,Adresse de courriel\n"
            "Ada,Lovelace,s1,ada@uni.test\nGrace,Hopper,s2,grace@uni.test\n",
            "utf-8",
            EMAILS,
        ),
        (
            "Vorname;Nachname;ID-Nummer;E-Mail-Adresse\n"
            "Ada;Lovelace;s1;ada@uni.test\nGrace;Hopper;s2;grace@uni.test\n",
            "utf-16",
            EMAILS,
        ),
    ],
)
def test_lms_exports_are_rosters(tmp_path: Path, text: str, encoding: str, expected: dict) -> None:
    path = tmp_path / "roster.csv"
    path.write_bytes(text.encode(encoding))
    roster = read_roster(path)
    assert {k: (roster.name(k), roster.email(k)) for k in roster.entries} == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        (  # Canvas: its user id, SIS login and section kept to match the grade back
            CANVAS,
            {
                "s1": LmsStudent("9001", "ada", "MATH 101 A"),
                "s2": LmsStudent("9002", "ghopper", "MATH 101 B"),
            },
        ),
        (  # Moodle: matched by ID number (the student id) or email
            MOODLE_GRADES,
            {"s1": LmsStudent(email="ada@uni.test"), "s2": LmsStudent(email="grace@uni.test")},
        ),
        ("id,lms_id\ns1,9001\n,9003\n", {"s1": LmsStudent("9001")}),  # gradewise's own
    ],
)
def test_lms_exports_are_lms_rosters(tmp_path: Path, text: str, expected: dict) -> None:
    path = tmp_path / "lms.csv"
    path.write_text(text, encoding="utf-8")
    assert read_lms_roster(path) == expected


@pytest.mark.parametrize(
    "text, message",
    [
        (  # a Canvas student without the id scripts are named by
            CANVAS + '"Turing, Alan",9003,,aturing,MATH 101 A,,,\n',
            "roster.csv:7: this row has no student id — fill in the SIS User ID column",
        ),
        (  # Moodle leaves ID number empty unless the site fills it
            MOODLE_GRADES + "Alan,Turing,,Uni,Maths,alan@uni.test,,\n",
            "roster.csv:4: this row has no student id — fill in the ID number column",
        ),
        (  # one student enrolled in two sections is two rows in Canvas
            CANVAS + '"Lovelace, Ada",9001,s1,ada,MATH 101 B,8,80,80\n',
            "roster.csv:7: student id listed more than once: 's1' (lines 4, 7)",
        ),
        (  # ids that differ only in letter case: 's1.md' could be either
            "id,name\nS1,Ada Lovelace\ns1,Grace Hopper\n",
            "roster.csv:3: student id (letter case aside) listed more than once: 's1' (lines 2, 3)",
        ),
        (  # a title above the header: says so, rather than 'quote the values'
            "Class list MATH 101\nid,name\ns1,Ada Lovelace\n",
            "roster.csv:2: this row has 2 fields but the first line, read as the header, has one"
            " — delete the lines above the header row",
        ),
        (  # a name with a comma, unquoted: the fix says to quote it
            "id,name\ns1,Lovelace, Ada\n",
            "roster.csv:2: this row has 3 fields but the header has 2 — quote values",
        ),
        (  # ids a spreadsheet turned into numbers: their digits are lost
            "id,name\n2.02401E+07,Ada Lovelace\n",
            "roster.csv:2: the student id '2.02401E+07' is a number a spreadsheet rounded"
            " — format the id column as Text",
        ),
        (  # Moodle's export without ID number: which column is the id is the user's to say
            "First name,Last name,Username,Email address\nAda,Lovelace,ada,ada@uni.test\n",
            "roster.csv:1: the roster has no id column",
        ),
    ],
)
def test_lms_roster_problems(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(GradewiseError) as error:
        read_roster(path)
    assert message in str(error.value)
