"""Read answer scripts and rosters from disk.

Rules (documented for instructors in `gradewise scripts add --help` and the README):

- A script is a Markdown or text file (`.md`, `.markdown`, `.txt`). It is decoded as UTF-8 (a
  byte-order mark is dropped; UTF-16 with or without a BOM is accepted); a file that is not
  valid UTF-8 is read as Windows-1252, and failing that as Latin-1, so reading never fails on
  the text itself.
- The student id comes from a front matter block at the very top of the file::

      ---
      student: s123      (or `id:` / `student_id:`)
      name: Ada Lovelace
      ---

  written as simple `key: value` lines (values are kept exactly as written, so `id: 0012`
  stays "0012"). Without one, the id is the file name up to the first underscore or space:
  `s123.md` and `s123_lovelace.md` both belong to student `s123`.
- The name comes from the front matter, else from the roster, else it is empty.
- `Script.text` is the decoded text unchanged, front matter included: answer spans index into
  it, and segmentation skips the front matter.
- An empty file gives a script with empty text: every part then comes out as "no answer
  found", which is what a blank script means. A binary file (PDF, Word, image) is an error
  that says how to convert it.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from gradewise import frontmatter
from gradewise.errors import ScriptError
from gradewise.model import Script

SCRIPT_SUFFIXES = (".md", ".markdown", ".txt", ".tex")  # .tex: a script typed in LaTeX
ID_KEYS = ("student", "student_id", "id")
FRONT_MATTER_KEYS = (*ID_KEYS, "name", "email")

_ID_STOP = re.compile(r"[_\s]")
_BINARY_SNIFF = 8192


# decoding ---------------------------------------------------------------------------------


def decode_bytes(data: bytes, source: str) -> tuple[str, str]:
    """Decode a script's bytes; returns (text, encoding used). Raises ScriptError for binaries."""
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace"), "utf-16"
    bare = _bare_utf16(data)
    if bare:
        return data.decode(bare, errors="replace"), bare
    _refuse_binary(data, source)
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("latin-1"), "latin-1"  # every byte is a Latin-1 character


def _bare_utf16(data: bytes) -> str:
    """'utf-16-le' or '-be' for UTF-16 text saved without a BOM, else ''.

    Latin text (ids, names, emails, Markdown) in UTF-16 has a NUL in most high bytes and none
    in the low ones; a binary file's NULs fall anywhere.
    """
    sample = data[:_BINARY_SNIFF]
    if len(sample) < 4 or len(sample) % 2:
        return ""
    high, low = sample[1::2], sample[0::2]  # little-endian: the high byte comes second
    for encoding, zeros, others in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if zeros.count(0) >= 0.75 * len(zeros) and 0 not in others:
            return encoding
    return ""


def _refuse_binary(data: bytes, source: str) -> None:
    """Raise for files that are clearly not text, naming the conversion the user needs."""
    if data.startswith(b"%PDF"):
        raise ScriptError(
            "is a PDF, not a text script",
            file=source,
            fix="convert it to Markdown first (e.g. with an OCR tool) and add the .md file",
        )
    if data.startswith(b"PK\x03\x04"):
        raise ScriptError(
            "is a zip-based document (Word/ODF?), not a text script",
            file=source,
            fix="save it as plain text or Markdown (.md/.txt) and add that file",
        )
    if b"\x00" in data[:_BINARY_SNIFF]:
        raise ScriptError(
            "is a binary file, not a text script",
            file=source,
            fix="add Markdown or plain-text scripts (.md, .markdown, .txt)",
        )


def read_bytes(path: Path) -> bytes:
    """A script file's bytes; a folder or unreadable file is a one-line ScriptError."""
    try:
        return path.read_bytes()
    except IsADirectoryError:
        raise ScriptError(
            "is a folder, not a script file",
            file=str(path),
            fix="pass the folder to 'gradewise scripts add' as is",
        ) from None
    except OSError as exc:
        raise ScriptError(
            f"cannot be read ({exc.strerror or exc})",
            file=str(path),
            fix="check that the file exists and that you may read it",
        ) from None


# front matter and ids ---------------------------------------------------------------------


def front_matter(text: str, *, source: str = "") -> tuple[dict[str, str], int]:
    """The front matter's fields (keys lower-cased) and the offset where the body starts.

    A block counts as front matter only when it opens the file, closes with `---` (or `...`)
    and holds `key: value` lines with at least one known key; anything else is left to the
    body, so a Markdown rule at the top never swallows an answer.
    """
    lines = text.split("\n")
    block = frontmatter.opening([line.rstrip("\r") for line in lines])
    if block is None:
        return {}, 0
    if block.stray is not None:
        if block.fields and block.fields[0].line < block.stray:  # it started as front matter
            raise ScriptError(
                f"front matter line {lines[block.stray].strip()!r} is not 'key: value'",
                file=source,
                line=block.stray + 1,
                fix="write one 'key: value' per line, e.g. 'name: Ada Lovelace'",
            )
        return {}, 0
    fields = block.values()
    if not any(key in fields for key in FRONT_MATTER_KEYS):
        return {}, 0
    if not any(fields.get(key) for key in ID_KEYS) and any(key in fields for key in ID_KEYS):
        raise ScriptError(
            "the front matter names no student id",
            file=source,
            line=2,
            fix="write e.g. 'student: s123' between the --- lines",
        )
    return fields, min(len(text), sum(len(line) + 1 for line in lines[: block.end]))


def student_from_filename(path: Path) -> str:
    """The id a file name gives: the stem up to the first underscore or space (`s1_ada.md` → s1)."""
    stem = path.stem.strip()
    return _ID_STOP.split(stem, maxsplit=1)[0] or stem


def read_script(path: Path, *, roster: Roster | None = None) -> Script:
    """Read one script file; see the module docstring for how ids, names and encodings work."""
    text, _ = decode_bytes(read_bytes(path), str(path))
    fields, _ = front_matter(text, source=str(path))
    student = next((fields[k] for k in ID_KEYS if fields.get(k)), "") or student_from_filename(path)
    if not student:
        raise ScriptError(
            "has no student id",
            file=str(path),
            fix="name the file after the student (s123.md) or add front matter 'student: s123'",
        )
    name = fields.get("name") or (roster.name(student) if roster else "")
    return Script(student=student, name=name, source=str(path), text=text)


# finding scripts --------------------------------------------------------------------------


def find_scripts(paths: Iterable[Path]) -> list[Path]:
    """Script files among `paths` (files, or folders searched recursively), sorted, no duplicates.

    Hidden files and folders (`.name`) and editor lock files (`~name`) inside folders are skipped.
    """
    found: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found.update(_scripts_in(path))
        elif path.is_file():
            if path.suffix.lower() not in SCRIPT_SUFFIXES:
                raise ScriptError(
                    f"is not a script file ({path.suffix or 'no extension'})",
                    file=str(path),
                    fix=f"add files ending in {', '.join(SCRIPT_SUFFIXES)}",
                )
            found.add(path)
        else:
            raise ScriptError(
                "no such file or folder",
                file=str(path),
                fix="check the path, or pass the folder that holds the scripts",
            )
    return sorted(found)


def _scripts_in(folder: Path) -> list[Path]:
    found = []
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not _hidden(d)]  # prune hidden folders in place
        for name in files:
            if not _hidden(name) and Path(name).suffix.lower() in SCRIPT_SUFFIXES:
                found.append(Path(root) / name)
    return found


def other_files(paths: Iterable[Path], read: Iterable[str]) -> list[Path]:
    """The files inside the folders among `paths` that no reader takes (their suffix is none of
    `read`), hidden ones aside, sorted: listed by `scripts add`, so none is skipped unseen."""
    suffixes = {s.lower() for s in read}
    found = []
    for folder in (Path(p) for p in paths):
        if not folder.is_dir():
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = [d for d in dirs if not _hidden(d)]
            found += [
                Path(root) / name
                for name in files
                if not _hidden(name) and Path(name).suffix.lower() not in suffixes
            ]
    return sorted(found)


def _hidden(name: str) -> bool:
    return name.startswith((".", "~"))


# roster -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RosterEntry:
    id: str
    name: str = ""
    email: str = ""


@dataclass(frozen=True)
class Roster:
    """Students by id, read from a CSV file."""

    entries: Mapping[str, RosterEntry] = field(default_factory=dict, hash=False)
    source: str = ""

    def name(self, student: str) -> str:
        entry = self.entries.get(student)
        return entry.name if entry else ""

    def email(self, student: str) -> str:
        entry = self.entries.get(student)
        return entry.email if entry else ""

    def __contains__(self, student: object) -> bool:
        return student in self.entries

    def __len__(self) -> int:
        return len(self.entries)


# What a roster row says about a student, whichever layout the file has.
ROSTER_ROLES = ("id", "name", "email", "lms_id", "sis_login", "section")
Record = dict[str, str]


@dataclass(frozen=True)
class Layout:
    """Which header names hold each role (lower case, first found wins)."""

    name: str
    columns: Mapping[str, tuple[str, ...]]
    id_header: str  # the column errors tell the user to fill in


_PLAIN = Layout(
    "gradewise",
    {
        "id": ("id", "student", "student_id", "student id", "student number", "student no"),
        "name": ("name", "student name", "full name"),
        "email": ("email", "e-mail", "mail", "email address"),
        "lms_id": ("lms_id",),
        "sis_login": ("sis_login",),
        "section": ("section",),
    },
    "id",
)
# Canvas's gradebook export: `Student` ("Last, First"), `ID` (Canvas's own user id), `SIS User
# ID` (the institution's student id, which scripts are named by), `SIS Login ID`, `Section`, then
# one column per assignment; before the students come a `Points Possible` row and, in newer
# exports, a row of posting policies ("Manual Posting") or mute states, with no ids.
_CANVAS = Layout(
    "Canvas",
    {
        "id": ("sis user id",),
        "name": ("student",),
        "lms_id": ("id",),
        "sis_login": ("sis login id",),
        "section": ("section",),
        "email": (),
    },
    "SIS User ID",
)
# Moodle's participants download and grade export: `First name`, `Surname` (`Last name` since
# Moodle 4), `ID number` (the institution's id), `Email address`, then roles or grade items.
# Other systems split names too (Blackboard: `Last Name`, `First Name`, `Username`, `Student
# ID`; a spreadsheet's `Student number`, `Given name`, `Family name`).
_MOODLE = Layout(
    "Moodle",
    {
        "id": (
            "id number",
            "student id",
            "student_id",
            "student number",
            "student no",
            "id",
            # the same export from a Moodle site in French, German or Spanish
            "numéro d'identification",
            "id-nummer",
            "número de id",
        ),
        "first": ("first name", "given name", "first names", "forename", "prénom", "vorname"),
        "last": ("surname", "last name", "family name", "nom", "nachname", "apellido(s)"),
        "email": (
            "email address",
            "email",
            "e-mail",
            "adresse de courriel",
            "e-mail-adresse",
            "dirección de correo",
        ),
        "lms_id": (),
        "sis_login": (),
        "section": (),
    },
    "ID number",
)
_CANVAS_TEST_STUDENT = "Student, Test"  # Canvas's "student view" account, never a real student


def roster_records(path: Path, *, example: str) -> tuple[Layout, list[tuple[int, Record]]]:
    """Every student row of a roster as {role: value} with its line, and the file's layout.

    Reads gradewise's own roster (`id, name, email[, lms_id, sis_login, section]`), a Canvas
    gradebook export and a Moodle participants or grades export as they come; rows that are
    not students (Canvas's `Points Possible`, its test student) are left out.
    """
    header, rows = read_table(path, example=example)
    names = [cell.strip().lower() for cell in header]
    layout = _layout(names)
    index = {role: _find(names, options) for role, options in layout.columns.items()}
    if index["id"] is None:
        raise ScriptError(
            f"the roster has no id column (columns: {', '.join(map(repr, header))})",
            file=str(path),
            line=1,
            fix=f"name the student id column 'id' or 'student' (header {example!r})",
        )
    records = [(line, _record(row, index)) for line, row in rows]
    return layout, [(line, r) for line, r in records if not _not_a_student(layout, r)]


def _layout(names: list[str]) -> Layout:
    if "sis user id" in names and "student" in names:
        return _CANVAS
    firsts, lasts = _MOODLE.columns["first"], _MOODLE.columns["last"]
    if any(n in names for n in firsts) and any(n in names for n in lasts):
        return _MOODLE
    return _PLAIN


def _find(names: list[str], options: tuple[str, ...]) -> int | None:
    return next((names.index(o) for o in options if o in names), None)


def _record(row: list[str], index: Mapping[str, int | None]) -> Record:
    def cell(role: str) -> str:
        at = index.get(role)
        return row[at].strip() if at is not None and at < len(row) else ""

    record = {role: cell(role) for role in ROSTER_ROLES}
    if "first" in index:  # Moodle keeps the name in two columns
        record["name"] = " ".join(filter(None, (cell("first"), cell("last"))))
    return record


def _not_a_student(layout: Layout, record: Record) -> bool:
    if layout is not _CANVAS or record["id"]:
        return False
    # Points Possible, posting-policy and mute rows carry no ids; the test student no SIS id.
    return not record["lms_id"] or record["name"] in ("Points Possible", _CANVAS_TEST_STUDENT)


def read_roster(path: Path) -> Roster:
    """Read a roster CSV: gradewise's own (`id, name, email`), a Canvas or a Moodle export.

    Errors name the file and line: a missing id column, a row with too many fields or no id,
    text that is not CSV, an id a spreadsheet rounded (`2.02401E+07`), and every id listed
    more than once (`S1` and `s1` are one id: `s1.md` could be either's).
    """
    layout, records = roster_records(path, example="id,name,email")
    for line, record in records:
        if not record["id"]:
            raise ScriptError(
                "this row has no student id",
                file=str(path),
                line=line,
                fix=f"fill in the {layout.id_header} column, or delete the row",
            )
        if _EXCEL_NUMBER.fullmatch(record["id"]):
            raise ScriptError(
                f"the student id {record['id']!r} is a number a spreadsheet rounded",
                file=str(path),
                line=line,
                fix=f"format the {layout.id_header} column as Text and export the ids again",
            )
    refuse_duplicates(
        [(record["id"], line) for line, record in records],
        what="student id",
        source=str(path),
        fix="keep one row per student",
    )
    # 'S1' and 's1': one student twice, or two whose scripts 's1.md' cannot tell apart
    refuse_duplicates(
        [(record["id"].casefold(), line) for line, record in records],
        what="student id (letter case aside)",
        source=str(path),
        fix="keep one row per student; ids that differ only in letter case are one id",
    )
    return Roster(
        entries={
            r["id"]: RosterEntry(r["id"], _first_last(layout, r["name"]), r["email"])
            for _, r in records
        },
        source=str(path),
    )


# An id Excel turned into a number and wrote in scientific notation ('2.02401E+07'): its digits
# are gone, and no script could be matched to it.
_EXCEL_NUMBER = re.compile(r"\d(?:[.,]\d+)?[eE]\+\d+")


def _first_last(layout: Layout, name: str) -> str:
    """Canvas lists students as 'Last, First'; the roster keeps names as people write them."""
    last, comma, first = name.partition(",")
    return f"{first.strip()} {last.strip()}" if layout is _CANVAS and comma else name


Table = tuple[list[str], list[tuple[int, list[str]]]]


def read_table(path: Path, *, example: str, what: str = "roster") -> Table:
    """A CSV's header and its non-blank rows with their line numbers (a roster, a regrade
    form's export, graded answers: `what` the errors call it).

    Comma, semicolon or tab separated (whichever the header holds most often outside quotes;
    Excel's `sep=;` line before the header is skipped), in any encoding `decode_bytes` reads.
    A one-line
    ScriptError names the file and line of an empty file, a binary one, a row with more fields
    than the header, and text that is not CSV (a quote never closed, a NUL character).
    `example` is the header row the errors suggest.
    """
    try:
        text, _ = decode_bytes(read_bytes(path), str(path))
    except ScriptError:
        raise ScriptError(
            "is not a CSV text file (it holds binary data)",
            file=str(path),
            fix=f"save it from the spreadsheet as CSV with the header row {example}",
        ) from None
    text, skipped = _excel_separator(text)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text), strict=True)
    rows: list[tuple[int, list[str]]] = []
    try:
        for row in reader:
            rows.append((reader.line_num + skipped, row))
    except csv.Error as exc:
        # The row that failed starts on the line after the last one read whole.
        line = rows[-1][0] + 1 if rows else 1 + skipped
        raise ScriptError(
            f"not valid CSV: {exc}",
            file=str(path),
            line=line,
            fix='close every quote ("Lovelace, Ada") and save the file as CSV text',
        ) from None
    if not rows:
        raise ScriptError(
            f"the {what} is empty",
            file=str(path),
            line=1,
            fix=f"write a header row {example!r} and a row under it for each entry",
        )
    (_, header), *body = rows
    for line, row in body:
        _check_width(row, len(header), str(path), line, example=example)
    return header, [(line, row) for line, row in body if any(cell.strip() for cell in row)]


def _check_width(row: list[str], width: int, source: str, line: int, *, example: str) -> None:
    if len(row) <= width:
        return
    if width == 1:  # 'Class list MATH 101' above the header: the header is not the first line
        raise ScriptError(
            f"this row has {len(row)} fields but the first line, read as the header, has one",
            file=source,
            line=line,
            fix=f"delete the lines above the header row (e.g. {example!r}), so that it comes first",
        )
    raise ScriptError(
        f"this row has {len(row)} fields but the header has {width}",
        file=source,
        line=line,
        fix='quote values that contain the separator, e.g. "Lovelace, Ada"',
    )


def refuse_duplicates(
    values: Iterable[tuple[str, int]], *, what: str, source: str, fix: str
) -> None:
    """A one-line ScriptError naming every value (with its lines) given more than once.

    Empty values are not compared. The error points at the first line that repeats a value.
    """
    lines: dict[str, list[int]] = {}
    for value, line in values:
        if value:
            lines.setdefault(value, []).append(line)
    repeated = sorted((found for found in lines.items() if len(found[1]) > 1), key=lambda f: f[0])
    if repeated:
        named = ", ".join(f"{value!r} (lines {', '.join(map(str, at))})" for value, at in repeated)
        raise ScriptError(
            f"{what} listed more than once: {named}",
            file=source,
            line=min(at[1] for _, at in repeated),
            fix=fix,
        )


def _delimiter(text: str) -> str:
    """Comma, or the semicolon/tab that spreadsheet exports in some locales use: whichever the
    header row holds most often outside quotes (`Student;"Exam (Real, %)"` is `;`)."""
    first = re.sub(r'"[^"\n]*"', "", text.split("\n", 1)[0])
    counts = {candidate: first.count(candidate) for candidate in (",", ";", "\t")}
    best = max(counts, key=lambda c: counts[c])
    return best if counts[best] else ","


_EXCEL_SEPARATOR = re.compile(r"\s*sep=(?P<sep>[,;\t|])\s*(?:\r?\n|\r)")


def _excel_separator(text: str) -> tuple[str, int]:
    """The text without Excel's `sep=;` first line, and how many lines went (0 or 1); the
    separator it names is the one the header row holds most often."""
    match = _EXCEL_SEPARATOR.match(text)
    return (text[match.end() :], 1) if match else (text, 0)
