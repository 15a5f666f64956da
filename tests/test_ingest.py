"""Reading scripts and rosters: encodings, ids, names, and errors that name the line."""

from __future__ import annotations

from pathlib import Path

import pytest

from gradewise.errors import ScriptError
from gradewise.scripts.ingest import (
    Roster,
    RosterEntry,
    decode_bytes,
    find_scripts,
    read_roster,
    read_script,
)

ROSTER = Roster({"s1": RosterEntry("s1", "Ada Lovelace", "ada@uni.test")})


@pytest.mark.parametrize(
    "filename, data, student, name, text",
    [
        ("s1.md", b"Q1 tanh\n", "s1", "Ada Lovelace", "Q1 tanh\n"),  # id from name; roster name
        ("s1_lovelace.md", b"Q1 x", "s1", "Ada Lovelace", "Q1 x"),  # id before the underscore
        ("s 2 draft.txt", b"x", "s", "", "x"),  # id before the first space
        ("s3.md", b"\xef\xbb\xbfQ1 \xce\xb8", "s3", "", "Q1 θ"),  # UTF-8 BOM dropped
        ("s4.md", "Q1 café".encode("cp1252"), "s4", "", "Q1 café"),  # not UTF-8: Windows-1252
        ("s5.md", b"Q1 \x93quoted\x94", "s5", "", "Q1 \u201cquoted\u201d"),  # cp1252 quotes
        ("s6.md", b"Q1 \x81", "s6", "", "Q1 \x81"),  # undefined in cp1252: Latin-1
        ("s7.md", "Q1 é".encode("utf-16"), "s7", "", "Q1 é"),  # UTF-16 with its BOM
        (
            "x.md",
            b"---\nstudent: s8\nname: Grace Hopper\n---\nQ1",
            "s8",
            "Grace Hopper",
            "---\nstudent: s8\nname: Grace Hopper\n---\nQ1",
        ),  # front matter; text kept whole
        ("x.md", b"---\nid: 0012\n---\nQ1", "0012", "", "---\nid: 0012\n---\nQ1"),  # id as written
        (
            "x.md",
            b"---\r\nstudent: 's1'\r\n---\r\n",
            "s1",
            "Ada Lovelace",
            "---\r\nstudent: 's1'\r\n---\r\n",
        ),  # CRLF, quoted value; name from the roster
        (
            "x.md",
            b"---\nstudent: s1\nname: A. L.\n---\n",
            "s1",
            "A. L.",
            "---\nstudent: s1\nname: A. L.\n---\n",
        ),  # front matter name wins over the roster
        ("s9.md", b"---\nQ1 answer\n---\nQ2", "s9", "", "---\nQ1 answer\n---\nQ2"),  # rules
        ("s10.md", b"", "s10", "", ""),  # empty file: empty script
    ],
)
def test_read_script(
    tmp_path: Path, filename: str, data: bytes, student: str, name: str, text: str
) -> None:
    path = tmp_path / filename
    path.write_bytes(data)
    script = read_script(path, roster=ROSTER)
    assert (script.student, script.name, script.text) == (student, name, text)
    assert script.source == str(path)


@pytest.mark.parametrize(
    "data, message",
    [
        (b"%PDF-1.7 ...", "is a PDF"),  # PDF: convert first
        (b"PK\x03\x04 word", "zip-based document"),  # docx/odt
        (b"\x89PNG\r\n\x1a\n\x00\x00", "binary file"),  # an image
        (b"---\nstudent: s1\nname Ada\n---\n", "s1.md:3: front matter"),  # bad line 3
        (b"---\nstudent:\n---\n", "names no student id"),  # empty id
    ],
)
def test_read_script_errors(tmp_path: Path, data: bytes, message: str) -> None:
    path = tmp_path / "s1.md"
    path.write_bytes(data)
    with pytest.raises(ScriptError, match=message) as error:
        read_script(path)
    assert "s1.md" in str(error.value) and " — " in str(error.value)  # names the file and a fix


def test_unreadable_paths(tmp_path: Path) -> None:
    with pytest.raises(ScriptError, match="cannot be read"):
        read_script(tmp_path / "missing.md")
    with pytest.raises(ScriptError, match="is a folder"):
        read_script(tmp_path)


def test_decode_reports_the_encoding() -> None:
    assert decode_bytes("é".encode(), "x") == ("é", "utf-8")
    assert decode_bytes("é".encode("cp1252"), "x") == ("é", "cp1252")


@pytest.mark.parametrize(
    "csv_text, expected",
    [
        (
            "id,name,email\ns1,Ada,a@x\ns2,Grace,g@x\n",
            {"s1": ("Ada", "a@x"), "s2": ("Grace", "g@x")},
        ),
        ("Student,Name\n s1 , Ada \n\n", {"s1": ("Ada", "")}),  # other header, spaces, blank line
        ("id;name;email\ns1;Lovelace, Ada;a@x\n", {"s1": ("Lovelace, Ada", "a@x")}),  # semicolons
        ('id,name\ns1,"Lovelace, Ada"\n', {"s1": ("Lovelace, Ada", "")}),  # quoted comma
        ("\ufeffid,name\r\ns1,Ada\r\n", {"s1": ("Ada", "")}),  # BOM and CRLF from Excel
        ("id,name,email\ns1,Ada\n", {"s1": ("Ada", "")}),  # short row: missing email
    ],
)
def test_read_roster(tmp_path: Path, csv_text: str, expected: dict) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(csv_text, encoding="utf-8")
    roster = read_roster(path)
    assert {k: (roster.name(k), roster.email(k)) for k in roster.entries} == expected
    assert roster.name("nobody") == "" and "nobody" not in roster


@pytest.mark.parametrize(
    "csv_text, message",
    [
        ("name,email\nAda,a@x\n", ":1: the roster has no id column"),  # no id column
        ("", ":1: the roster is empty"),  # empty file
        ("id,name\ns1,Ada\ns2,Grace,extra\n", ":3: this row has 3 fields"),  # too many fields
        ("id,name\ns1,Ada\n,Nobody\n", ":3: this row has no student id"),  # empty id
        (
            "id,name\ns1,Ada\ns2,B\ns1,Again\n",  # the last row once replaced the first
            ":4: student id listed more than once: 's1' (lines 2, 4) — keep one row per student",
        ),
        (  # every duplicated id named at once, not one per try
            "id,name\ns1,Ada\ns2,B\ns2,C\ns1,D\ns1,E\n",
            ":4: student id listed more than once: 's1' (lines 2, 5, 6), 's2' (lines 3, 4)",
        ),
        ('id,name\n"s1"x,Ada\n', ":2: not valid CSV"),  # text after a closing quote
        ("id\n" + "x" * 200_000 + "\n", ":2: not valid CSV"),  # a field past csv's limit
        ('id,name\ns0,A\n"s1,Ada\ns2,Bo\n', ":3: not valid CSV"),  # a quote never closed
    ],
)
def test_roster_errors_name_the_line(tmp_path: Path, csv_text: str, message: str) -> None:
    path = tmp_path / "roster.csv"
    path.write_text(csv_text, encoding="utf-8")
    with pytest.raises(ScriptError) as error:
        read_roster(path)
    assert message in str(error.value)


def test_find_scripts(tmp_path: Path) -> None:
    for name in (
        "b.md",
        "a.txt",
        "c.markdown",
        "notes.pdf",
        ".hidden.md",
        "~$lock.md",
        "sub/d.MD",
        ".git/e.md",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = find_scripts([tmp_path, tmp_path / "b.md"])
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.txt",
        "b.md",
        "c.markdown",
        "sub/d.MD",
    ]


@pytest.mark.parametrize(
    "name, message",
    [
        ("missing.md", "no such file or folder"),  # a typo in the path
        ("notes.pdf", "is not a script file (.pdf)"),  # a file named explicitly, wrong kind
    ],
)
def test_find_scripts_errors(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    with pytest.raises(ScriptError, match=message.replace("(", r"\(").replace(")", r"\)")):
        find_scripts([tmp_path / name])
