"""Spreadsheet-safe CSV exports: no cell a spreadsheet would run as a formula, numbers kept.

A workspace whose exam title, student ids, names, emails, criteria and answers all begin with
`=`, `+`, `-` or `@` goes through every CSV export; golden files pin the result
(`pytest --update-goldens`), and `gradewise evaluate --human` reads its own file back exactly.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gradewise.cli import cli
from gradewise.measure.figures import Prediction
from gradewise.measure.graded import read_graded
from gradewise.measure.report import Report, write_predictions
from gradewise.model import GradedAnswer
from gradewise.reports import csvfile
from gradewise.workspace import init_workspace, open_workspace

GOLDEN = Path(__file__).parent / "golden" / "exports"
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


@pytest.mark.parametrize(
    "value, written",
    [
        ("=1+1", "'=1+1"),  # a formula
        ("+1", "'+1"),  # plus starts a formula too
        ("-1", "'-1"),  # a student's answer "-1" is text, not a number: neutralised
        ("-2+3+cmd|' /C calc'!A0", "'-2+3+cmd|' /C calc'!A0"),  # the classic DDE payload
        ("@SUM(A1:A9)", "'@SUM(A1:A9)"),  # at-sign functions
        ("\t=1+1", "'\t=1+1"),  # a leading tab (OWASP)
        ("\r=1+1", "'\r=1+1"),  # a leading carriage return (OWASP)
        ("'=1+1", "''=1+1"),  # already quoted: one more quote, so reading back is exact
        ("''-1", "'''-1"),  # any run of quotes before a trigger
        ("'tis", "'tis"),  # a quote before ordinary text stays as written
        ("a=b", "a=b"),  # a trigger inside the text is harmless
        (" =1", " =1"),  # only the first character decides (OWASP's list)
        ("s2024001", "s2024001"),  # ordinary text unchanged
        ("", ""),  # empty
        (-1.5, "-1.5"),  # a negative number written from a float stays a number
        (-2, "-2"),  # an int too (a deduction criterion's marks)
        (0.12345, "0.1235"),  # scores are rounded to 4 decimals
        (3.0, "3"),  # whole numbers without a decimal point
        (1, "1"),  # flags as 0/1
    ],
)
def test_cell(value: str | float, written: str) -> None:
    assert csvfile.cell(value) == written


@pytest.mark.parametrize(
    "text", ["=1+1", "-1", "'=1+1", "''@x", "'tis", "plain", "", "\t-", "'", "''"]
)
def test_restore_undoes_cell(text: str) -> None:
    # Every text round-trips: what gradewise writes, it reads back as it was.
    assert csvfile.restore(csvfile.cell(text)) == text


@pytest.mark.parametrize(
    "cell, read",
    [
        ("'=1+1", "=1+1"),  # gradewise's own quote is removed
        ("'tis", "'tis"),  # a quote not before a trigger belongs to the text
        ("-1", "-1"),  # an unquoted cell from elsewhere is taken as it is
    ],
)
def test_restore(cell: str, read: str) -> None:
    assert csvfile.restore(cell) == read


HOSTILE_EXAM = """\
schema_version: 1
exam: {id: "-x", title: "=HYPERLINK(\\"http://x\\")"}
sections:
  - id: I
    title: S
    questions:
      - {id: "1", marks: 2, prompt: "=1+1", key: {kind: numeric, value: -1}}
      - id: "2"
        marks: 3
        prompt: p
        rubric:
          - {id: five, text: "=SUM(A1)", marks: 3, check: {kind: numeric, value: 5}}
          - id: slip
            text: "-1 for a slip"
            marks: -1
            check: {kind: numeric, value: 7, where: anywhere}
"""
HOSTILE_ROSTER = 'id,name,email\n=cmd,"=HYPERLINK(""x"")",=a@x\n+1,@bob,-b@x\n'
LMS_ROSTER = "id,lms_id,sis_login,section,email\n=cmd,-7,@login,=S1,+m@x\n+1,8,b,S2,b@x\n"


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = init_workspace(tmp_path_factory.mktemp("hostile") / "ws")
    (root / "exam.yaml").write_text(HOSTILE_EXAM, encoding="utf-8")
    (root / "scripts" / "a.md").write_text(
        '---\nstudent: "=cmd"\n---\nQ1 -1\nQ2 7 then 5\n', encoding="utf-8"
    )
    (root / "scripts" / "+1.md").write_text("Q1 @SUM(A1)\nQ2 =1+1\n", encoding="utf-8")
    (root / "roster.csv").write_text(HOSTILE_ROSTER, encoding="utf-8")
    (root / "lms.csv").write_text(LMS_ROSTER, encoding="utf-8")
    ws = open_workspace(root)
    ws.add_scripts([root / "scripts"], root / "roster.csv")
    ws.grade()
    ws.store.close()
    return root


CSV_EXPORTS = [
    (("csv", "--format", "wide", "--allow-incomplete"), "hostile-wide.csv"),  # a row per student
    (("csv", "--format", "long", "--allow-incomplete"), "hostile-long.csv"),  # deductions: -1
    (("canvas", "--allow-incomplete"), "hostile-canvas.csv"),  # title in the header
    (("canvas", "--allow-incomplete", "--roster", "lms.csv"), "hostile-canvas-lms.csv"),
    (("moodle", "--allow-incomplete"), "hostile-moodle.csv"),  # emails
    (("graded", "--all"), "hostile-graded.csv"),  # answers as students wrote them
]


def _export(root: Path, args: tuple[str, ...], name: str) -> str:
    args = tuple(str(root / a) if a.endswith(".csv") else a for a in args)
    out = root / "out" / name
    result = CliRunner().invoke(cli, ["-w", str(root), "export", *args, "-o", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, name", CSV_EXPORTS)
def test_hostile_export_matches_golden(
    hostile: Path, args: tuple[str, ...], name: str, request: pytest.FixtureRequest
) -> None:
    written = _export(hostile, args, name)
    golden = GOLDEN / name
    if request.config.getoption("--update-goldens"):
        golden.write_text(written, encoding="utf-8")
    assert written == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("args, name", CSV_EXPORTS)
def test_no_cell_starts_a_formula(hostile: Path, args: tuple[str, ...], name: str) -> None:
    rows = list(csv.reader(io.StringIO(_export(hostile, args, name), newline="")))
    assert len(rows) > 1
    for row in rows:
        for cell in row:
            # What begins with a trigger must be a plain number (a score, a deduction).
            if cell.startswith(TRIGGERS):
                float(cell)


def test_graded_export_reads_back_exactly(hostile: Path) -> None:
    _export(hostile, ("graded", "--all"), "back.csv")
    rows = read_graded(hostile / "out" / "back.csv")
    got = {(r.answer_id, r.answer, r.dataset, r.question) for r in rows}
    assert ("=cmd:I.1", "-1", "-x", "=1+1") in got
    assert ("+1:I.2", "=1+1", "-x", "p") in got


def test_second_grader_file_matches_every_answer(hostile: Path) -> None:
    _export(hostile, ("graded", "--all"), "second.csv")
    result = CliRunner().invoke(
        cli,
        ["-w", str(hostile), "evaluate", "--human", str(hostile / "out" / "second.csv"), "--json"],
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["unmatched"] == []


def test_predictions_csv_is_safe_too(tmp_path: Path) -> None:
    # `evaluate --predictions` writes ids from the graded file, which anyone may have written.
    row = GradedAnswer("-x", "test", "=q", "", "", "=cmd:I.1", "-1", 1.0, 2.0)
    path = tmp_path / "predictions.csv"
    write_predictions(
        path, Report("lexical", "1", 0, (), (("zero-shot", Prediction(row, -0.5, 0.9)),))
    )
    [_, written] = list(csv.reader(path.open(newline="", encoding="utf-8")))
    assert written == ["'-x", "test", "zero-shot", "'=q", "'=cmd:I.1", "1", "-0.5", "0.9"]
